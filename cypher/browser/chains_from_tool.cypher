// Chains of data flow from one tool (set the parameter first: :param name => 'searchFlights').
MATCH p = (t:Tool {name: $name})-[:FLOWS_TO*1..3]->(:Tool)
RETURN p LIMIT 50
