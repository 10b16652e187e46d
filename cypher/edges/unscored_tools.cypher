// Tools whose edges were never inferred (ingested with --no-edges, or interrupted).
MATCH (t:Tool) WHERE t.edges_scored IS NULL
RETURN t.uid AS uid
