// Output-field nodes of tools. $rows: [{uid, tool_uid, props}]. RETURNS is created with the node.
UNWIND $rows AS row
MERGE (f:Field {uid: row.uid})
ON CREATE SET f._new = true
SET f += row.props, f.tool_uid = row.tool_uid
WITH f, row
WHERE f._new = true
MATCH (t:Tool {uid: row.tool_uid})
CREATE (t)-[:RETURNS]->(f)
REMOVE f._new
