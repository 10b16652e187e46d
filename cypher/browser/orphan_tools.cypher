// Orphan tools: nothing feeds them (every argument must come from the user).
MATCH (t:Tool)
WHERE NOT (t)<-[:FLOWS_TO]-()
RETURN t.name AS tool, t.source AS spec, t.param_count AS parameters
ORDER BY parameters DESC, tool LIMIT 50
