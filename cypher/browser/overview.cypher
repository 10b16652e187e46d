// A first look: some tools and the data flow between them.
MATCH p = (:Tool)-[:FLOWS_TO]->(:Tool)
RETURN p LIMIT 100
