// ArcadeDB has no CREATE VECTOR INDEX in Cypher; its SQL (sent over its HTTP API) does the same.
// The index is then named `Tool[embedding]`, and queryNodes scores are Neo4j's (1+cos)/2.
CREATE PROPERTY Tool.embedding IF NOT EXISTS ARRAY_OF_FLOATS;
CREATE INDEX IF NOT EXISTS ON Tool (embedding) LSM_VECTOR METADATA {dimensions: 384, similarity: 'COSINE'}
