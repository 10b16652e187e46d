// Keeps the $k best FEEDS edges into each given parameter. $rows: [{uid}].
// Anchored on the parameter: ArcadeDB plans patterns from the left.
UNWIND $rows AS row
MATCH (p:Param {uid: row.uid})
MATCH (p)<-[r:FEEDS]-(:Field)
WITH p, r ORDER BY r.score DESC
WITH p, collect(r) AS edges
UNWIND edges[$k..] AS extra
DELETE extra
