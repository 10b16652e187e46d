// Records that edges were inferred for these tools. $rows: [{uid}].
UNWIND $rows AS row
MATCH (t:Tool {uid: row.uid})
SET t.edges_scored = true
