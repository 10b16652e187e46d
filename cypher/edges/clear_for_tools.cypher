// Removes every edge that touches the given tools (they are about to be scored again). $rows: [{uid}].
UNWIND $rows AS row
MATCH (t:Tool {uid: row.uid})
CALL (t) {
  OPTIONAL MATCH (t)-[:HAS_PARAM|RETURNS]->(x)-[r:FEEDS]-()
  DELETE r
}
CALL (t) {
  OPTIONAL MATCH (t)-[r:FLOWS_TO|RELATED]-()
  DELETE r
}
