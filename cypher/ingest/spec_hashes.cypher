// Content hashes of the given specs that were completely ingested before.
MATCH (s:Spec) WHERE s.uid IN $uids AND s.content_hash IS NOT NULL
RETURN s.uid AS uid, s.content_hash AS content_hash
