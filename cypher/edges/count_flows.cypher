MATCH (:Tool)-[r:FLOWS_TO]->(:Tool) RETURN count(r) AS n
