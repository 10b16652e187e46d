// Every parameter, for edge inference.
MATCH (p:Param)
RETURN p.uid AS uid, p.tool_uid AS tool_uid, p.name AS name, p.type AS type, p.item_type AS item_type,
       p.format AS format, p.enum IS NOT NULL AS has_enum, p.location AS location,
       p.description AS description, p.text AS text
ORDER BY p.uid
