// Deletes up to $limit RELATED edges (called until none is left, for --rebuild).
MATCH ()-[r:RELATED]->()
WITH r LIMIT $limit
DELETE r
