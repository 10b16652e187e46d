// Deletes up to $limit FLOWS_TO edges (called until none is left, for --rebuild).
MATCH ()-[r:FLOWS_TO]->()
WITH r LIMIT $limit
DELETE r
