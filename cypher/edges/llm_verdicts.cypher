// Records a chat model's verdict on field-level edges; rejected ones are deleted.
// $rows: [{field, param, keep}].
UNWIND $rows AS row
MATCH (f:Field {uid: row.field})-[r:FEEDS]->(p:Param {uid: row.param})
FOREACH (_ IN CASE WHEN row.keep THEN [1] ELSE [] END | SET r.llm = true, r.method = r.method + '+llm')
FOREACH (_ IN CASE WHEN row.keep THEN [] ELSE [1] END | DELETE r)
