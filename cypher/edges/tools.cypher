// Every tool, for edge inference.
MATCH (t:Tool)
RETURN t.uid AS uid, t.name AS name, t.endpoint AS endpoint, t.spec_uid AS spec_uid, t.text AS text
ORDER BY t.uid
