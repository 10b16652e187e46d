// Why two tools connect: the output fields that feed the other's parameters, with evidence.
// :param a => 'searchFlights'
// :param b => 'getFlightDetails'
MATCH (a:Tool {name: $a})-[:RETURNS]->(f:Field)-[r:FEEDS]->(p:Param)<-[:HAS_PARAM]-(b:Tool {name: $b})
RETURN f.path AS output_field, p.name AS parameter, r.score AS score, r.method AS method, r.evidence AS evidence
ORDER BY score DESC
