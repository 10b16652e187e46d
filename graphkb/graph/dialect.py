"""The few places where Neo4j and the embedded ArcadeDB server differ, kept together.

Everything else speaks the common Cypher subset over Bolt.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from .. import cypher
from ..errors import GraphkbError


@dataclass
class Dialect:
    name: str  # "neo4j" or "arcadedb"
    vector_index: str  # the name db.index.vector.queryNodes takes
    http_url: str | None = None  # ArcadeDB's HTTP API, for its SQL-only DDL
    http_auth: tuple[str, str] | None = None
    database: str | None = None

    @classmethod
    def detect(cls, agent: str, **arcadedb_http) -> "Dialect":
        if "arcadedb" in agent.lower():
            return cls("arcadedb", "Tool[embedding]", **arcadedb_http)
        return cls("neo4j", "tool_embedding")

    def create_vector_index(self, session) -> None:
        if self.name == "neo4j":
            session.run(cypher.load("dialect/neo4j_vector_index")).consume()
            return
        for statement in cypher.statements("dialect/arcadedb_vector_index", suffix=".sql"):
            self._arcadedb_sql(statement)

    def _arcadedb_sql(self, statement: str) -> dict:
        if not (self.http_url and self.http_auth):
            raise GraphkbError("ArcadeDB DDL needs its HTTP API, which is only known for the embedded server")
        token = base64.b64encode(":".join(self.http_auth).encode()).decode()
        req = urllib.request.Request(
            f"{self.http_url}/api/v1/command/{self.database}",
            data=json.dumps({"language": "sql", "command": statement}).encode(),
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")[:300]
            raise GraphkbError(f"embedded graph server refused schema statement ({e.code}): {detail}") from None
