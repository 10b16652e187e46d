"""Compatibility edges on hand-made tools: true feeds, false friends, generic fields, incremental runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.edges import EdgeOptions, infer
from graphkb.embed import Embedder
from graphkb.ingest import ingest
from graphkb.texts import field_context, name_key, tool_entity, words

EDGES = Path(__file__).parent / "fixtures" / "edges"


@pytest.fixture(scope="module")
def crm(tmp_path_factory, graphkb_home):
    """A graph of its own (a second home) holding the CRM tools, with edges inferred."""
    from conftest import OwnGraph

    graph = OwnGraph(tmp_path_factory.mktemp("edges-home"), [EDGES / "crm_mcp.json"])
    yield graph.store, graph.settings, graph.edge_report
    graph.close()


def _feeds(store) -> dict[tuple[str, str, str, str], dict]:
    with store.session() as s:
        rows = s.run("""MATCH (a:Tool)-[:RETURNS]->(f:Field)-[r:FEEDS]->(p:Param)<-[:HAS_PARAM]-(b:Tool)
                        RETURN a.name AS a, f.path AS f, b.name AS b, p.name AS p, r.score AS score,
                               r.method AS method, r.evidence AS evidence""").data()
    return {(r["a"], r["f"], r["b"], r["p"]): r for r in rows}


def test_names_and_entities():
    assert words("userId") == ["user", "id"] and words("X-Request-ID") == ["x", "request", "id"]
    assert name_key(words("userIds")) == name_key(words("user_id")) == "userid"
    assert tool_entity("getUserById") == "user"
    assert tool_entity("get_pets_petId_owner", "GET /pets/{petId}/owner") == "owner"
    assert field_context("data.owner.id", "pet") == (["id"], "owner")
    assert field_context("items[].id", "pet") == (["id"], "pet")  # `items` is a container


def test_true_feeds_are_found(crm):
    store, _, report = crm
    feeds = _feeds(store)
    assert report.feeds == len(feeds) > 0
    # `id` in the output of getUser is a user_id
    assert ("getUser", "id", "getUser", "user_id") not in feeds  # never a tool into itself
    assert ("listUsers", "users[].id", "getUser", "user_id") in feeds
    # an order id flows from the orders list into refundOrder
    assert ("listOrdersOfOwner", "orders[].order_id", "refundOrder", "order_id") in feeds
    best = feeds[("listOrdersOfOwner", "orders[].order_id", "refundOrder", "order_id")]
    assert best["score"] >= 0.9 and "name" in best["method"].split("+")
    evidence = json.loads(best["evidence"])
    assert {"name", "cosine", "type_fit"} <= set(evidence)


def test_owner_id_matches_a_user_id_less_than_user_id(crm):
    store, _, _ = crm
    feeds = _feeds(store)
    owner = [v["score"] for k, v in feeds.items() if k[2:] == ("listOrdersOfOwner", "owner_id") and k[0] in ("getUser", "listUsers")]
    user = [v["score"] for k, v in feeds.items() if k[2:] == ("getUser", "user_id")]
    assert user and max(user) > max(owner, default=0)


def test_false_friends_and_generic_fields_make_no_edges(crm):
    store, _, _ = crm
    feeds = _feeds(store)
    for a, f, b, p in feeds:
        assert f.split(".")[-1] not in ("status", "message", "page", "total"), (a, f, b, p)
        assert p not in ("page", "limit"), (a, f, b, p)
        assert (f, p) != ("temperature", "level")  # number into boolean: incompatible types
    # a city's name is not a user's name (bare `name`, different entities)
    assert ("getCity", "name", "getUser", "user_id") not in feeds
    # a date-time is not an email
    assert all(not (f == "created_at" and p == "email") for _, f, _, p in feeds)


def test_tool_level_edges_are_derived(crm):
    store, _, report = crm
    with store.session() as s:
        rows = s.run("MATCH (a:Tool)-[e:FLOWS_TO]->(b:Tool) RETURN a.name AS a, b.name AS b, e.score AS score, e.via AS via").data()
    pairs = {(r["a"], r["b"]): r for r in rows}
    assert ("listOrdersOfOwner", "refundOrder") in pairs
    assert "orders[].order_id -> order_id" in pairs[("listOrdersOfOwner", "refundOrder")]["via"]
    assert report.flows == len(rows)


def test_incremental_ingest_scores_new_against_old_and_keeps_old_edges(crm):
    store, settings, _ = crm
    before = _feeds(store)
    spec = settings.home / "mail_functions.json"
    shutil.copy(EDGES / "mail_functions.json", spec)
    embedder = Embedder.for_home(settings.home)
    report = ingest(store, embedder, [str(spec)])
    infer(store, embedder, tool_uids=report.tool_uids)
    after = _feeds(store)
    assert set(before) <= set(after)  # old edges stay
    # old output into a new parameter, and new output into an old parameter
    assert ("getUser", "email", "sendEmail", "email") in after
    assert ("createUser", "user_id", "getUser", "user_id") in after


def test_threshold_and_top_k_are_options(crm):
    store, settings, _ = crm
    strict = infer(store, Embedder.for_home(settings.home), options=EdgeOptions(threshold=0.95, top_k=1))
    feeds = _feeds(store)
    assert all(v["score"] >= 0.95 for v in feeds.values())
    per_param = {}
    for (_, _, b, p) in feeds:
        per_param[(b, p)] = per_param.get((b, p), 0) + 1
    assert max(per_param.values()) == 1 and strict.feeds == len(feeds)
    infer(store, Embedder.for_home(settings.home))  # back to the defaults for the other tests


def test_cli_edges_export_and_show(embedded_store, tmp_path):
    spec = tmp_path / "crm_mcp.json"
    shutil.copy(EDGES / "crm_mcp.json", spec)
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(spec)])
    assert result.exit_code == 0 and "edges:" in result.output
    assert "every tool is scored" in runner.invoke(cli, ["edges"]).output
    out = tmp_path / "edges.jsonl"
    assert runner.invoke(cli, ["export", "edges", "--out", str(out)]).exit_code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and all(set(r) == {"source_tool", "source_field", "target_tool", "target_param", "score", "method",
                                   "evidence"} for r in rows)
    assert all(isinstance(r["evidence"], dict) and 0 <= r["evidence"]["cosine"] <= 1 for r in rows)
    assert all(0 <= r["score"] <= 1 for r in rows)
    shown = runner.invoke(cli, ["show", "refundOrder"])
    assert shown.exit_code == 0, shown.output
    assert "order_id" in shown.output and "listOrdersOfOwner" in shown.output
    missing = runner.invoke(cli, ["show", "noSuchTool"])
    assert missing.exit_code == 1 and "no tool named" in missing.output


def test_chat_model_can_confirm_uncertain_edges(tmp_path_factory, graphkb_home):
    from conftest import OwnGraph

    graph = OwnGraph(tmp_path_factory.mktemp("judge-home"), [EDGES / "crm_mcp.json", EDGES / "mail_functions.json"])
    try:
        with graph.store.session() as s:
            before = s.run("MATCH (f:Field)-[r:FEEDS]->() WHERE r.score < 0.85 RETURN f.path AS f").data()
        assert before, "the fixture should give some uncertain edges"
        result = CliRunner().invoke(cli, ["edges", "--verify-llm", "scripted_chat:judge_factory"], env=graph.env())
        assert result.exit_code == 0, result.output
        assert f"judged {len(before)} uncertain edges" in result.output
        assert "removed 1" in result.output  # one batch of at most 20; its first candidate is rejected
        with graph.store.session() as s:
            after = s.run("MATCH (f:Field)-[r:FEEDS]->() WHERE r.score < 0.85 RETURN f.path AS f, r.method AS m").data()
        assert len(after) == len(before) - 1 and all(r["m"].endswith("+llm") for r in after)
        again = CliRunner().invoke(cli, ["edges", "--verify-llm", "scripted_chat:judge_factory"], env=graph.env())
        assert "judged 0 uncertain edges" in again.output  # judged edges are not asked about twice
    finally:
        graph.close()
