// Candidate seed tools, with the filters of `graphkb sample` ($source, $tag, $names may be null).
MATCH (t:Tool)
WHERE ($source IS NULL OR t.source CONTAINS $source)
  AND ($tag IS NULL OR t.category = $tag OR $tag IN coalesce(t.tags, []))
  AND ($names IS NULL OR t.name IN $names)
RETURN t.uid AS uid, t.name AS name,
       COUNT { (t)-[:FLOWS_TO]->() } AS out_degree,
       COUNT { (t)<-[:FLOWS_TO]-() } AS in_degree
ORDER BY t.uid
