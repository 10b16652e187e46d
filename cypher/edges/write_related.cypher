// Tools that belong together without data flow. $rows: [{a, b, score, same_spec}].
UNWIND $rows AS row
MATCH (a:Tool {uid: row.a})
MATCH (b:Tool {uid: row.b})
MERGE (a)-[r:RELATED]->(b)
SET r.score = row.score, r.same_spec = row.same_spec
