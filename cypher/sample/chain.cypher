// chain: directed paths of data-flow edges from each seed, $min_tools..$max_tools tools (at most 6),
// no tool twice, every tool within the filters. Up to $per_seed candidates a seed; the caller picks.
UNWIND $seeds AS seed
MATCH (s:Tool {uid: seed})
CALL (s) {
  MATCH p = (s)-[:FLOWS_TO*1..5]->(:Tool)
  WITH p, nodes(p) AS ns
  WHERE size(ns) >= $min_tools AND size(ns) <= $max_tools
    AND all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
    AND all(n IN ns WHERE ($source IS NULL OR n.source CONTAINS $source)
                      AND ($tag IS NULL OR n.category = $tag OR $tag IN coalesce(n.tags, [])))
  RETURN [n IN ns | n.uid] AS tools, reduce(acc = 1.0, r IN relationships(p) | acc * r.score) AS score
  LIMIT $per_seed
}
RETURN seed, tools, score, 'chain' AS shape
