// Every field-level edge in the shape of `graphkb export edges`, with its evidence (JSON text).
MATCH (a:Tool)-[:RETURNS]->(f:Field)-[r:FEEDS]->(p:Param)<-[:HAS_PARAM]-(b:Tool)
RETURN a.name AS source_tool, f.path AS source_field, b.name AS target_tool, p.name AS target_param,
       r.score AS score, r.method AS method, r.evidence AS evidence, a.source AS source_spec, b.source AS target_spec
ORDER BY source_tool, source_field, target_tool, target_param
