// dag: fan-in (two tools feed different parameters of a third, the seed) and fan-out (one output,
// of the seed, feeds two tools). Tools are listed in call order: sources before their consumer.
UNWIND $seeds AS seed
MATCH (b:Tool {uid: seed})
CALL (b) {
  MATCH (b)<-[ra:FLOWS_TO]-(a:Tool)
  MATCH (b)<-[rc:FLOWS_TO]-(c:Tool)
  WHERE a <> c AND a <> b AND c <> b AND a.uid < c.uid
    AND any(x IN ra.params WHERE any(y IN rc.params WHERE x <> y))
    AND all(n IN [a, b, c] WHERE ($source IS NULL OR n.source CONTAINS $source)
                          AND ($tag IS NULL OR n.category = $tag OR $tag IN coalesce(n.tags, [])))
  RETURN [a.uid, c.uid, b.uid] AS tools, ra.score * rc.score AS score, 'fan-in' AS shape
  LIMIT $per_seed
  UNION ALL
  MATCH (b)-[rx:FLOWS_TO]->(x:Tool)
  MATCH (b)-[ry:FLOWS_TO]->(y:Tool)
  WHERE x <> y AND x <> b AND y <> b AND x.uid < y.uid
    AND all(n IN [b, x, y] WHERE ($source IS NULL OR n.source CONTAINS $source)
                          AND ($tag IS NULL OR n.category = $tag OR $tag IN coalesce(n.tags, [])))
  RETURN [b.uid, x.uid, y.uid] AS tools, rx.score * ry.score AS score, 'fan-out' AS shape
  LIMIT $per_seed
}
RETURN seed, tools, score, shape
