// Field-level edges joining given tool pairs, best first. $pairs: [{a, b}].
UNWIND $pairs AS pair
MATCH (a:Tool {uid: pair.a})-[:RETURNS]->(f:Field)-[r:FEEDS]->(p:Param)<-[:HAS_PARAM]-(b:Tool {uid: pair.b})
RETURN pair.a AS a, pair.b AS b, a.name AS source_tool, f.path AS source_field, b.name AS target_tool,
       p.name AS target_param, r.score AS score, r.method AS method
ORDER BY a, b, score DESC, source_field, target_param
