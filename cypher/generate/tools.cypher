// Tool definitions for dialogue generation.
MATCH (t:Tool) WHERE t.uid IN $uids
RETURN t.uid AS uid, t.name AS name, t.description AS description, t.parameters AS parameters,
       t.output AS output, t.source AS source,
       t.op AS op, t.entity AS entity, t.endpoint AS endpoint
