// A changed tool: remove parameters and fields it no longer has. $rows: [{uid, params, fields}].
UNWIND $rows AS row
MATCH (t:Tool {uid: row.uid})-[:HAS_PARAM|RETURNS]->(x)
WHERE NOT x.uid IN row.params AND NOT x.uid IN row.fields
DETACH DELETE x
