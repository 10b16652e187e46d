// Field-level data-flow edges. $rows: [{field, param, score, method, evidence}].
UNWIND $rows AS row
MATCH (f:Field {uid: row.field})
MATCH (p:Param {uid: row.param})
MERGE (f)-[r:FEEDS]->(p)
SET r.score = row.score, r.method = row.method, r.evidence = row.evidence
