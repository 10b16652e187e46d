"""`graphkb query`: JSON lines out, read-only on both servers, cancelled past its time limit."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from click.testing import CliRunner

from graphkb.graph import readonly
from graphkb.cli import cli
from graphkb.errors import QueryTimeout, ReadOnlyViolation


def _query(*args):
    return CliRunner().invoke(cli, ["query", *args])


def test_return_one_prints_a_json_line(embedded_store):
    result = _query("RETURN 1 AS x")
    assert result.exit_code == 0, result.output
    assert result.output == '{"x": 1}\n'


def test_params_are_typed_from_json(embedded_store):
    result = _query("RETURN $n + 1 AS n, $name AS name, $xs AS xs", "--param", "n=41", "-p", "name=getUser",
                    "-p", 'xs=[1, "a"]')
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"n": 42, "name": "getUser", "xs": [1, "a"]}


def test_nodes_come_out_as_properties_with_labels(embedded_store):
    tag = uuid.uuid4().hex
    embedded_store.write_batches("graph/upsert_tools", [{"uid": tag, "props": {"name": tag}}])
    result = _query("MATCH (t:Tool {uid: $u}) RETURN t", "-p", f"u={tag}")
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)["t"]
    assert row["_labels"] == ["Tool"] and row["name"] == tag
    with embedded_store.session() as s:
        s.run("MATCH (t:Tool {uid: $u}) DETACH DELETE t", u=tag).consume()


@pytest.mark.parametrize("text", [
    "CREATE (n:Tool {uid: 'x'}) RETURN n",
    "MERGE (n:Tool {uid: 'x'})",
    "MATCH (n) SET n.x = 1",
    "MATCH (n) DETACH DELETE n",
    "match (n) delete n",
    "MATCH (n:Tool) REMOVE n.name",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "load  csv with headers from 'file:///x' as l return l",
    "MATCH (n) FOREACH (x IN [1] | SET n.y = x)",
    "CALL db.create.setNodeVectorProperty(null, 'e', [1.0])",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})",
    "UNWIND [1] AS x CALL { CREATE (:Tool) } IN TRANSACTIONS RETURN x",
    "DROP INDEX tool_name",
])
def test_writes_and_file_reads_are_refused_and_change_nothing(embedded_store, text):
    before = embedded_store.counts()
    result = _query(text)
    assert result.exit_code == 1
    assert result.output.startswith("error: refused:") and len(result.output.strip().splitlines()) == 1
    assert embedded_store.counts() == before


@pytest.mark.parametrize("text", [
    "RETURN 'CREATE (n) DELETE n' AS s",
    "MATCH (t:Tool) WHERE t.created IS NULL RETURN count(t) AS c",
    "// delete everything? no\nRETURN 1 AS x",
    "MATCH (t:Tool) WHERE t.name STARTS WITH 'set' RETURN count(t) AS c",
    "CALL db.labels() YIELD label RETURN count(label) AS c",
    "CALL { MATCH (t:Tool) RETURN count(t) AS c } RETURN c",
])
def test_reads_that_mention_write_words_pass(embedded_store, text):
    result = _query(text)
    assert result.exit_code == 0, result.output


def test_transaction_is_rolled_back_even_past_the_check(store, monkeypatch):
    """Second and third layers: with the lexical check bypassed, nothing is stored anyway."""
    monkeypatch.setattr(readonly, "check_read_only", lambda text: None)
    uid = f"probe-{uuid.uuid4().hex}"
    try:
        readonly.run_read_only(store, "CREATE (:Tool {uid: $u}) RETURN 1 AS one", {"u": uid}, timeout=30)
    except Exception:
        pass  # Neo4j refuses writes in READ access mode; ArcadeDB runs it and we roll back
    with store.session() as s:
        assert s.run("MATCH (t:Tool {uid: $u}) RETURN count(t) AS c", u=uid).single()["c"] == 0


def test_check_names_the_clause():
    with pytest.raises(ReadOnlyViolation, match="MERGE"):
        readonly.check_read_only("MATCH (a) MERGE (a)-[:X]->(b)")


def test_bad_param_is_a_clear_error(embedded_store):
    result = _query("RETURN 1", "--param", "novalue")
    assert result.exit_code == 1 and "name=value" in result.output


def test_syntax_error_is_one_line(embedded_store):
    result = _query("MATCH (n RETURN n")
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_long_query_is_cancelled(embedded_store):
    from graphkb.config import Settings
    from graphkb.graph.store import GraphStore

    with GraphStore.open(Settings()) as store:  # its own connection: cancelling closes it
        t0 = time.monotonic()
        with pytest.raises(QueryTimeout, match="1 s limit"):
            readonly.run_read_only(
                store, "UNWIND range(1, 3000000) AS x UNWIND range(1, 3000000) AS y RETURN count(*) AS c", {}, 1.0)
        assert time.monotonic() - t0 < 15
    # the server is still healthy afterwards
    assert _query("RETURN 2 AS y").output == '{"y": 2}\n'
