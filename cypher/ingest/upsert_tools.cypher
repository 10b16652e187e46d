// Tool nodes and their spec; a written tool awaits edge inference. $rows: [{uid, spec_uid, props}].
UNWIND $rows AS row
MERGE (t:Tool {uid: row.uid})
SET t += row.props, t.spec_uid = row.spec_uid, t.edges_scored = null
WITH t, row
MATCH (s:Spec {uid: row.spec_uid})
MERGE (s)-[:DEFINES]->(t)
