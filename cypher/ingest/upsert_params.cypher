// Parameter nodes of tools. $rows: [{uid, tool_uid, props}].
UNWIND $rows AS row
MERGE (p:Param {uid: row.uid})
SET p += row.props, p.tool_uid = row.tool_uid
WITH p, row
MATCH (t:Tool {uid: row.tool_uid})
MERGE (t)-[:HAS_PARAM]->(p)
