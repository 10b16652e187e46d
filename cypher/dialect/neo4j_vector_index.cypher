// Neo4j 5: native vector index over tool embeddings (all-MiniLM-L6-v2, 384 dimensions).
CREATE VECTOR INDEX tool_embedding IF NOT EXISTS FOR (t:Tool) ON t.embedding
OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}}
