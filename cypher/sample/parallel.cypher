// parallel: tools that belong together (RELATED) with no data flow between them: independent calls
// that an assistant can make in one turn. Up to $per_seed partners a seed, with the data-flow links
// among the partners themselves, so that the caller picks partners that are independent too.
UNWIND $seeds AS seed
MATCH (a:Tool {uid: seed})
CALL (a) {
  MATCH (a)-[r:RELATED]-(b:Tool)
  WHERE a <> b AND NOT (a)-[:FLOWS_TO]-(b)
    AND ($source IS NULL OR b.source CONTAINS $source)
    AND ($tag IS NULL OR b.category = $tag OR $tag IN coalesce(b.tags, []))
  RETURN DISTINCT b.uid AS partner, r.score AS score
  LIMIT $per_seed
}
WITH seed, collect(partner) AS partners, collect(score) AS scores
CALL (partners) {
  UNWIND partners AS p1
  MATCH (x:Tool {uid: p1})-[:FLOWS_TO]->(y:Tool)
  WHERE y.uid IN partners
  RETURN collect([x.uid, y.uid]) AS linked
}
RETURN seed, partners, scores, linked
