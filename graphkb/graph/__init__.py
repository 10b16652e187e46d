"""The graph: the embedded server, the Bolt store, the dialect differences, read-only queries."""
