// Tools with this name (names repeat across specs; uid is the key), without their embedding.
MATCH (t:Tool {name: $name})
RETURN t.uid AS uid, t.name AS name, t.description AS description, t.source AS source
ORDER BY uid
