"""The graph store: hands the rest of the program a Bolt session on Neo4j or the embedded server.

With GRAPHKB_NEO4J_URI set it connects there; otherwise it starts (or reuses) the embedded
ArcadeDB server of GRAPHKB_HOME. Statements come from `cypher/` by name; writes go through
managed transactions, in UNWIND batches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import neo4j
from neo4j.exceptions import AuthError, ConstraintError, Neo4jError, ServiceUnavailable
from tenacity import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from .. import cypher
from ..config import Settings, load_settings
from ..errors import GraphkbError
from .dialect import Dialect
from .server import DATABASE, USER, EmbeddedServer, ServerInfo

# Concurrent MERGEs on one unique key can collide (notably on ArcadeDB); the loser simply retries.
_retry_collisions = retry(
    retry=retry_if_exception_type(ConstraintError),
    stop=stop_after_attempt(5),
    wait=wait_random_exponential(multiplier=0.05, max=1.0),
    reraise=True,
)


@dataclass
class Where:
    kind: str  # "embedded" or "external"
    uri: str
    database: str | None
    server: ServerInfo | None = None


MAX_BATCH_BYTES = 4_000_000  # ArcadeDB's Bolt refuses messages over 16 MB; stay well below


def batched(rows: Iterable[Any], size: int, max_bytes: int = MAX_BATCH_BYTES) -> Iterator[list[Any]]:
    """Lists of at most `size` rows and about `max_bytes` of JSON (big schemas make big rows)."""
    batch: list[Any] = []
    used = 0
    for row in rows:
        weight = len(json.dumps(row, default=str))
        if batch and (len(batch) >= size or used + weight > max_bytes):
            yield batch
            batch, used = [], 0
        batch.append(row)
        used += weight
    if batch:
        yield batch


class GraphStore:
    def __init__(self, driver: neo4j.Driver, where: Where, dialect: Dialect):
        self.driver = driver
        self.where = where
        self.dialect = dialect

    # ---- connecting --------------------------------------------------------------------
    @classmethod
    def open(cls, settings: Settings | None = None, *, schema: bool = True) -> "GraphStore":
        settings = settings or load_settings()
        if settings.external:
            password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
            auth = (settings.neo4j_user, password)
            where = Where("external", settings.neo4j_uri, settings.neo4j_database)
            http = {}
        else:
            server = EmbeddedServer(settings)
            info, _ = server.ensure_running()
            auth = (USER, server.password())
            where = Where("embedded", info.bolt_uri, DATABASE, info)
            http = {"http_url": info.http_url, "http_auth": auth, "database": DATABASE}
        try:
            driver = neo4j.GraphDatabase.driver(where.uri, auth=auth, connection_timeout=10.0)
            driver.verify_connectivity()
            agent = driver.get_server_info().agent
        except AuthError as e:
            raise GraphkbError(f"graph server at {where.uri} refused the credentials: {e.message}") from None
        except (ServiceUnavailable, OSError, ValueError) as e:
            raise GraphkbError(f"cannot reach the graph server at {where.uri}: {e}") from None
        store = cls(driver, where, Dialect.detect(agent, **http))
        if schema:
            store.apply_schema()
        return store

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def session(self, **kwargs) -> neo4j.Session:
        return self.driver.session(database=self.where.database, **kwargs)

    def apply_schema(self) -> None:
        """Constraints and indexes; idempotent, so it runs at every connect."""
        with self.session() as s:
            for statement in cypher.statements("schema/constraints"):
                s.run(statement).consume()
            self.dialect.create_vector_index(s)

    # ---- running named statements ------------------------------------------------------
    def read(self, statement: str, /, **params) -> list[dict]:
        query = cypher.load(statement)
        with self.session() as s:
            return s.execute_read(lambda tx: tx.run(query, params).data())

    def stream(self, statement: str, /, **params) -> Iterator[neo4j.Record]:
        """Records one at a time, for results too large to hold (exports)."""
        query = cypher.load(statement)
        with self.session(default_access_mode=neo4j.READ_ACCESS) as s:
            yield from s.run(query, params)

    def write(self, statement: str, /, **params) -> neo4j.SummaryCounters:
        query = cypher.load(statement)

        @_retry_collisions
        def attempt():
            with self.session() as s:
                return s.execute_write(lambda tx: tx.run(query, params).consume().counters)

        return attempt()

    def write_batches(self, statement: str, rows: Iterable[dict], *, batch_size: int = 1000,
                      on_batch: Callable[[int], None] | None = None, **params) -> int:
        """UNWIND `rows` through the named statement (which reads `$rows`), one transaction a batch."""
        done = 0
        for batch in batched(rows, batch_size):
            self.write(statement, rows=batch, **params)
            done += len(batch)
            if on_batch:
                on_batch(len(batch))
        return done

    def counts(self) -> dict[str, int]:
        rows = self.read("stats/counts")
        return rows[0] if rows else {"nodes": 0, "relationships": 0}


def neo4j_error_line(e: Neo4jError) -> str:
    """One readable line for a server error."""
    message = (e.message or str(e)).strip().splitlines()[0]
    return f"{e.code or 'graph server error'}: {message}"
