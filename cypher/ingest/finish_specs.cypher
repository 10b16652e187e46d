// Marks specs as completely ingested.
UNWIND $rows AS row
MATCH (s:Spec {uid: row.uid})
SET s.content_hash = row.content_hash, s.tool_count = row.tool_count, s.ingested_at = row.ingested_at
