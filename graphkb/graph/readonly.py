"""`graphkb query`: run a user's Cypher read-only, with a time limit, on either server.

Three layers, because ArcadeDB does not enforce read access mode:
1. a lexical check refuses write clauses, LOAD CSV (it reads local files), and procedures that are
   not known to be read-only, before anything is sent;
2. on Neo4j the session is in READ access mode, so the server refuses writes too;
3. on both, the query runs in an explicit transaction that is always rolled back, never committed.
The time limit is a transaction timeout on Neo4j, and on both a client-side deadline that closes
the connection; the embedded server also stops any statement at GRAPHKB_SERVER_COMMAND_TIMEOUT.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from typing import Any

import neo4j
from neo4j.graph import Node, Path, Relationship

from ..errors import QueryTimeout, ReadOnlyViolation
from .store import GraphStore

_WRITE_WORDS = (
    "CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "FOREACH", "ALTER", "RENAME",
    "GRANT", "DENY", "REVOKE", "TERMINATE", "START", "STOP", "ENABLE", "TRANSACTIONS", "IMPORT",
)
# Read-only procedures a user may CALL (lower case); anything else is refused.
_READ_PROCEDURES = {
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.indexes", "db.constraints",
    "db.schema.visualization", "db.schema.nodetypeproperties", "db.schema.reltypeproperties",
    "db.index.vector.querynodes", "db.index.vector.queryrelationships",
    "db.index.fulltext.querynodes", "db.index.fulltext.queryrelationships", "dbms.components",
}

_STRIP = re.compile(
    r"""//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`[^`]*`""",
    re.DOTALL,
)


def _code_only(text: str) -> str:
    """The query without comments, string literals and quoted names (which may say anything)."""
    return _STRIP.sub(" ", text)


def check_read_only(text: str) -> None:
    code = _code_only(text)
    if re.search(r"\bLOAD\s+CSV\b", code, re.IGNORECASE):
        raise ReadOnlyViolation("refused: LOAD CSV reads files on the server; `graphkb query` is read-only")
    for match in re.finditer(r"(?<![.$\w])([A-Za-z_]+)\b", code):
        word = match.group(1).upper()
        if word in _WRITE_WORDS:
            raise ReadOnlyViolation(f"refused: `{match.group(1)}` writes to the graph; `graphkb query` is read-only")
    for match in re.finditer(r"\bCALL\s+(?!\{|\()([A-Za-z_][\w.]*)", code, re.IGNORECASE):
        name = match.group(1).lower()
        if name not in _READ_PROCEDURES:
            raise ReadOnlyViolation(
                f"refused: procedure `{match.group(1)}` is not known to be read-only; `graphkb query` is read-only")


def parse_params(pairs: Iterable[str]) -> dict[str, Any]:
    """`k=v` pairs; v is read as JSON when it parses (numbers, lists, true/null), else as a string."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--param '{pair}' is not of the form name=value")
        try:
            params[key.strip()] = json.loads(value)
        except ValueError:
            params[key.strip()] = value
    return params


def to_json(value: Any) -> Any:
    """Bolt values as JSON: nodes and relationships as their properties plus labels/type."""
    if isinstance(value, Node):
        return {"_labels": sorted(value.labels), **{k: to_json(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"_type": value.type, **{k: to_json(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return [to_json(n) for n in value.nodes]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)  # temporal and spatial values


def run_read_only(store: GraphStore, text: str, params: dict[str, Any], timeout: float) -> list[dict]:
    check_read_only(text)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            mode = neo4j.READ_ACCESS if store.dialect.name == "neo4j" else neo4j.WRITE_ACCESS
            with store.session(default_access_mode=mode) as session:
                tx = session.begin_transaction(timeout=timeout)
                try:
                    outcome["rows"] = [{k: to_json(v) for k, v in rec.items()} for rec in tx.run(text, params)]
                finally:
                    tx.rollback()
        except BaseException as e:  # handed to the caller's thread
            outcome["error"] = e

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        store.close()  # drops the connection: the worker's read fails and the client stops waiting
        worker.join(5)
        raise QueryTimeout(f"query cancelled: it ran past the {timeout:g} s limit (--timeout)")
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, neo4j.exceptions.ClientError) and "timeout" in (error.code or "").lower():
            raise QueryTimeout(f"query cancelled by the server: it ran past the {timeout:g} s limit (--timeout)")
        raise error
    return outcome["rows"]
