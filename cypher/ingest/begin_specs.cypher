// Spec nodes for a batch being written. The content hash is cleared until finish_specs sets it,
// so a run that dies midway is redone on the next ingest rather than taken as complete.
UNWIND $rows AS row
MERGE (s:Spec {uid: row.uid})
SET s.source = row.source, s.format = row.format, s.title = row.title, s.content_hash = null
