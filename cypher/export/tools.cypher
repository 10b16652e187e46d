// Every tool in the shape of `graphkb export tools` (parameters and output are JSON text here).
MATCH (t:Tool)
RETURN t.name AS name, t.description AS description, t.source AS source,
       t.parameters AS parameters, t.output AS output, t.op AS op, t.entity AS entity
ORDER BY t.source, t.name
