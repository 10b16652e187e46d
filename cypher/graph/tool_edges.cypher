// Field-level edges into and out of one tool, with their evidence (for `graphkb show`).
MATCH (t:Tool {uid: $uid})
CALL (t) {
  MATCH (a:Tool)-[:RETURNS]->(f:Field)-[r:FEEDS]->(p:Param)<-[:HAS_PARAM]-(t)
  RETURN 'in' AS direction, a.name AS other, f.path AS field, p.name AS param, r.score AS score,
         r.method AS method, r.evidence AS evidence
  UNION ALL
  MATCH (t)-[:RETURNS]->(f:Field)-[r:FEEDS]->(p:Param)<-[:HAS_PARAM]-(b:Tool)
  RETURN 'out' AS direction, b.name AS other, f.path AS field, p.name AS param, r.score AS score,
         r.method AS method, r.evidence AS evidence
}
RETURN direction, other, field, param, score, method, evidence
ORDER BY direction, score DESC, other
