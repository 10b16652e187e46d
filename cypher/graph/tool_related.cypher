// Tools related to one tool without data flow (for `graphkb show`).
MATCH (t:Tool {uid: $uid})-[r:RELATED]-(o:Tool)
RETURN DISTINCT o.name AS other, r.score AS score
ORDER BY score DESC LIMIT 10
