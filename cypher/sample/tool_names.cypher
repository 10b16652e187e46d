// Names of the given tools.
MATCH (t:Tool) WHERE t.uid IN $uids
RETURN t.uid AS uid, t.name AS name
