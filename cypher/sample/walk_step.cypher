// walk: one step for many walkers at once (ToolFlow-style random walk weighted by edge score).
// $walkers: [{id, at, visited}]; the caller draws the next tool from these weighted options.
UNWIND $walkers AS w
MATCH (t:Tool {uid: w.at})-[r:FLOWS_TO]->(n:Tool)
WHERE NOT n.uid IN w.visited
  AND ($source IS NULL OR n.source CONTAINS $source)
  AND ($tag IS NULL OR n.category = $tag OR $tag IN coalesce(n.tags, []))
RETURN w.id AS walker, n.uid AS next, r.score AS score
