// Where the tools' parameters can be looked up: tools whose output feeds them, searches and lists
// first, then reads and actions, creations last. A plan uses one when the user would not know the
// value (an id, coordinates), instead of having them say it.
UNWIND $uids AS uid
MATCH (t:Tool {uid: uid})-[:HAS_PARAM]->(p:Param)<-[e:FEEDS]-(f:Field)<-[:RETURNS]-(s:Tool)
WHERE s.op IN ['search', 'list', 'read', 'action', 'create'] AND s.uid <> uid
RETURN uid, p.name AS param, s.uid AS source, f.path AS field, e.score AS score,
       CASE s.op WHEN 'search' THEN 0 WHEN 'list' THEN 0 WHEN 'read' THEN 1 WHEN 'action' THEN 1 ELSE 2 END AS rank
ORDER BY uid, param, rank, score DESC
