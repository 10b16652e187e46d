"""The statements written with scoped subqueries (`CALL (t) { ... }`, the form Neo4j 5.23+ wants)
run on the embedded server and do what they say: checked against plain queries on a graph of its own."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, OwnGraph
from graphkb import cypher

EDGES = FIXTURES / "edges"


@pytest.fixture(scope="module")
def graph(tmp_path_factory, graphkb_home):
    g = OwnGraph(tmp_path_factory.mktemp("subquery-home"), [EDGES / "crm_mcp.json", EDGES / "mail_functions.json"])
    yield g
    g.close()


def _rows(store, text: str, **params) -> list[dict]:
    with store.session() as s:
        return s.run(text, params).data()


def _uid(store, name: str) -> str:
    return _rows(store, "MATCH (t:Tool {name: $name}) RETURN t.uid AS uid", name=name)[0]["uid"]


def test_every_subquery_is_scoped():
    root = cypher.data_dir("cypher")
    with_call = [p for p in root.rglob("*.cypher") if "CALL" in p.read_text()]
    assert with_call
    for path in with_call:
        text = path.read_text()
        assert "CALL {" not in text, path


def test_tool_edges_and_counts(graph):
    store = graph.store
    uid = _uid(store, "getUser")
    rows = store.read("graph/tool_edges", uid=uid)
    into = _rows(store, "MATCH (a:Tool)-[:RETURNS]->(:Field)-[:FEEDS]->(:Param)<-[:HAS_PARAM]-(t:Tool {uid: $uid}) "
                        "RETURN a.name AS a", uid=uid)
    out = _rows(store, "MATCH (t:Tool {uid: $uid})-[:RETURNS]->(:Field)-[:FEEDS]->(:Param)<-[:HAS_PARAM]-(b:Tool) "
                       "RETURN b.name AS b", uid=uid)
    assert into and out
    assert sorted(r["other"] for r in rows if r["direction"] == "in") == sorted(r["a"] for r in into)
    assert sorted(r["other"] for r in rows if r["direction"] == "out") == sorted(r["b"] for r in out)
    counts = store.read("stats/counts")[0]
    assert counts["nodes"] == _rows(store, "MATCH (n) RETURN count(n) AS n")[0]["n"] > 0
    assert counts["relationships"] == _rows(store, "MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"] > 0


def test_rebuild_flows_then_clear_for_tools(graph):
    store = graph.store
    uid = _uid(store, "getUser")
    flows = "MATCH (a:Tool)-[e:FLOWS_TO]->(b:Tool) RETURN a.uid AS a, b.uid AS b, e.score AS score ORDER BY a, b"
    before = _rows(store, flows)
    assert any(uid in (r["a"], r["b"]) for r in before)
    store.write_batches("edges/rebuild_flows", [{"uid": uid}])
    assert _rows(store, flows) == before  # rebuilt from the same field-level edges
    store.write_batches("edges/clear_for_tools", [{"uid": uid}])
    touching = _rows(store, "MATCH (t:Tool {uid: $uid}) "
                            "OPTIONAL MATCH (t)-[:HAS_PARAM|RETURNS]->()-[f:FEEDS]-() "
                            "OPTIONAL MATCH (t)-[g:FLOWS_TO|RELATED]-() RETURN count(f) AS f, count(g) AS g", uid=uid)
    assert touching == [{"f": 0, "g": 0}]
    assert _rows(store, flows) == [r for r in before if uid not in (r["a"], r["b"])]  # the others stay
