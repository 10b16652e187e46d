// Tool-level edges derived from the field-level ones, for each given tool as source and as target:
// best score, and the field -> parameter pairs it goes through. $rows: [{uid}].
// Patterns start at the bound tool: ArcadeDB plans them from the left.
UNWIND $rows AS row
MATCH (t:Tool {uid: row.uid})
CALL (t) {
  MATCH (t)-[old:FLOWS_TO]-(:Tool)
  DELETE old
}
WITH t
CALL (t) {
  MATCH (t)-[:RETURNS]->(f:Field)-[r:FEEDS]->(p:Param)<-[:HAS_PARAM]-(b:Tool)
  RETURN t AS a, b, r, f, p
  UNION ALL
  MATCH (t)-[:HAS_PARAM]->(p:Param)<-[r:FEEDS]-(f:Field)<-[:RETURNS]-(a:Tool)
  RETURN a, t AS b, r, f, p
}
WITH a, b, r, f, p ORDER BY r.score DESC
WITH a, b, max(r.score) AS score, collect(f.path + ' -> ' + p.name) AS via, collect(p.name) AS params
MERGE (a)-[e:FLOWS_TO]->(b)
SET e.score = score, e.via = via[..5], e.params = params
