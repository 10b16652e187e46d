// Output-field nodes of tools. $rows: [{uid, tool_uid, props}].
UNWIND $rows AS row
MERGE (f:Field {uid: row.uid})
SET f += row.props, f.tool_uid = row.tool_uid
WITH f, row
MATCH (t:Tool {uid: row.tool_uid})
MERGE (t)-[:RETURNS]->(f)
