// Parameter nodes of tools. $rows: [{uid, tool_uid, props}]. HAS_PARAM is created with the node.
UNWIND $rows AS row
MERGE (p:Param {uid: row.uid})
ON CREATE SET p._new = true
SET p += row.props, p.tool_uid = row.tool_uid
WITH p, row
WHERE p._new = true
MATCH (t:Tool {uid: row.tool_uid})
CREATE (t)-[:HAS_PARAM]->(p)
REMOVE p._new
