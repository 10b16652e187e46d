// Tool nodes and their spec; a written tool awaits edge inference. $rows: [{uid, spec_uid, props}].
// The DEFINES link is created with the node, never MERGEd: a MERGE on a relationship scans the
// spec's links, which is quadratic for specs with thousands of operations.
UNWIND $rows AS row
MERGE (t:Tool {uid: row.uid})
ON CREATE SET t._new = true
SET t += row.props, t.spec_uid = row.spec_uid, t.edges_scored = null
WITH t, row
WHERE t._new = true
MATCH (s:Spec {uid: row.spec_uid})
CREATE (s)-[:DEFINES]->(t)
REMOVE t._new
