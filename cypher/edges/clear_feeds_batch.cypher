// Deletes up to $limit FEEDS edges (called until none is left, for --rebuild).
MATCH ()-[r:FEEDS]->()
WITH r LIMIT $limit
DELETE r
