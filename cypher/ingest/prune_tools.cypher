// A changed spec: remove the tools whose operations disappeared, with their parameters and fields.
// $rows: [{spec_uid, keep: [tool uids]}].
UNWIND $rows AS row
MATCH (s:Spec {uid: row.spec_uid})-[:DEFINES]->(t:Tool)
WHERE NOT t.uid IN row.keep
OPTIONAL MATCH (t)-[:HAS_PARAM|RETURNS]->(x)
DETACH DELETE x, t
