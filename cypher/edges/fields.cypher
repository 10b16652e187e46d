// Every output field, for edge inference.
MATCH (f:Field)
RETURN f.uid AS uid, f.tool_uid AS tool_uid, f.path AS path, f.type AS type, f.item_type AS item_type,
       f.format AS format, f.enum IS NOT NULL AS has_enum, f.description AS description, f.text AS text
ORDER BY f.uid
