// One tool with its parameters and output fields (for `graphkb show`).
MATCH (t:Tool) WHERE t.name = $name OR t.uid = $name
OPTIONAL MATCH (t)-[:HAS_PARAM]->(p:Param)
WITH t, collect(p {.name, .type, .item_type, .format, .required, .location, .description}) AS params
OPTIONAL MATCH (t)-[:RETURNS]->(f:Field)
RETURN t.uid AS uid, t.name AS name, t.description AS description, t.source AS source, t.endpoint AS endpoint,
       t.op AS op, t.entity AS entity,
       params, collect(f {.path, .type, .item_type, .format, .description}) AS fields
ORDER BY uid
