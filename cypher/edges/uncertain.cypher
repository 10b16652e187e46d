// Field-level edges whose score falls in the uncertain band and that no chat model has judged yet.
MATCH (a:Tool)-[:RETURNS]->(f:Field)-[r:FEEDS]->(p:Param)<-[:HAS_PARAM]-(b:Tool)
WHERE r.score >= $lo AND r.score < $hi AND r.llm IS NULL
RETURN f.uid AS field, p.uid AS param, b.uid AS target_tool, a.name AS source_tool,
       a.description AS source_description, f.path AS source_field, f.description AS field_description,
       f.type AS field_type, b.name AS target_name, b.description AS target_description,
       p.name AS target_param, p.description AS param_description, p.type AS param_type, r.score AS score
ORDER BY r.score DESC, field, param
LIMIT $limit
