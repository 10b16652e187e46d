// Tools that belong with the given ones without data flow: good distractors to offer beside them.
UNWIND $uids AS uid
MATCH (t:Tool {uid: uid})-[:RELATED]-(o:Tool)
RETURN uid, collect(DISTINCT o.uid)[..8] AS related
