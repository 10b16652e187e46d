// Most connected tools: data-flow edges in and out.
MATCH (t:Tool)
WITH t, COUNT { (t)-[:FLOWS_TO]->() } AS feeds, COUNT { (t)<-[:FLOWS_TO]-() } AS fed_by
RETURN t.name AS tool, t.source AS spec, feeds, fed_by, feeds + fed_by AS degree
ORDER BY degree DESC LIMIT 25
