"""Ingest into the real embedded server: batches with bad files, idempotence, changed specs, export."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.config import Settings
from graphkb.embed import Embedder
from graphkb.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def specs_dir(tmp_path):
    """A private copy of the fixture specs: new file paths mean new tools in the shared graph."""
    target = tmp_path / "specs"
    shutil.copytree(FIXTURES / "specs", target)
    return target


def _tools_of(store, source: str) -> dict[str, str]:
    with store.session() as s:
        return {r["name"]: r["uid"] for r in s.run("MATCH (t:Tool {source: $s}) RETURN t.name AS name, t.uid AS uid", s=source)}


def _member_names(store, tool_uid: str, rel: str) -> set[str]:
    with store.session() as s:
        key = "name" if rel == "HAS_PARAM" else "path"
        return {r["x"] for r in s.run(f"MATCH (t:Tool {{uid: $u}})-[:{rel}]->(x) RETURN x.{key} AS x", u=tool_uid)}


def _graph_counts(store, source_prefix: str) -> tuple[int, int, int]:
    with store.session() as s:
        row = s.run("""MATCH (t:Tool) WHERE t.source STARTS WITH $p
                       OPTIONAL MATCH (t)-[:HAS_PARAM]->(p) WITH t, count(p) AS np
                       OPTIONAL MATCH (t)-[:RETURNS]->(f) WITH t, np, count(f) AS nf
                       RETURN count(t) AS tools, sum(np) AS params, sum(nf) AS fields""", p=source_prefix).single()
    return row["tools"], row["params"], row["fields"]


def test_batch_with_bad_files_stores_the_good_ones(embedded_store, specs_dir, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(FIXTURES / "bad", bad)
    result = CliRunner().invoke(cli, ["ingest", str(specs_dir), str(bad / "broken.json"), str(bad / "bomb.yaml")])
    assert result.exit_code == 1
    rejected = [ln for ln in result.output.splitlines() if ln.startswith("rejected ")]
    assert len(rejected) == 3  # broken.json, bomb.yaml, and shared/owner.yaml (not a spec by itself)
    assert any("broken.json: invalid JSON" in ln for ln in rejected)
    assert any("bomb.yaml" in ln and "alias bomb" in ln for ln in rejected)
    assert "ingested 5 specs" in result.output and "3 rejected" in result.output
    assert set(_tools_of(embedded_store, str(specs_dir / "petstore.yaml"))) >= {"listPets", "getPet"}
    assert _graph_counts(embedded_store, str(specs_dir))[0] == 6 + 3 + 2 + 2 + 2


def test_reingest_unchanged_changes_nothing(embedded_store, specs_dir):
    settings = Settings()
    embedder = Embedder.for_home(settings.home)
    first = ingest(embedded_store, embedder, [str(specs_dir / "shop_swagger2.json")])
    assert first.ok and first.specs == 1 and first.tools == 3
    before = (_graph_counts(embedded_store, str(specs_dir)), embedded_store.counts())
    again = ingest(embedded_store, embedder, [str(specs_dir / "shop_swagger2.json")])
    assert again.specs == 0 and again.unchanged == 1 and again.texts_embedded == 0
    assert (_graph_counts(embedded_store, str(specs_dir)), embedded_store.counts()) == before


def test_changed_spec_updates_and_removes(embedded_store, specs_dir):
    path = specs_dir / "petstore.yaml"
    embedder = Embedder.for_home(Settings().home)
    ingest(embedded_store, embedder, [str(path)])
    before = _tools_of(embedded_store, str(path))
    assert "searchVets" in before

    doc = yaml.safe_load(path.read_text())
    del doc["paths"]["/vets/search"]  # an operation disappears
    doc["paths"]["/pets"]["get"]["parameters"][1]["name"] = "kind"  # a parameter is renamed
    doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"].pop("next_cursor")
    path.write_text(yaml.safe_dump(doc))

    report = ingest(embedded_store, embedder, [str(path)])
    assert report.specs == 1 and report.tools == 5
    after = _tools_of(embedded_store, str(path))
    assert "searchVets" not in after and set(after) == set(before) - {"searchVets"}
    assert after["listPets"] == before["listPets"]  # same node, updated in place
    assert _member_names(embedded_store, after["listPets"], "HAS_PARAM") == {"limit", "kind"}
    assert "next_cursor" not in _member_names(embedded_store, after["listPets"], "RETURNS")
    with embedded_store.session() as s:  # nothing left dangling from the removed tool
        assert s.run("MATCH (p:Param) WHERE p.tool_uid = $u RETURN count(p) AS c", u=before["searchVets"]).single()["c"] == 0


def test_concurrent_ingests_never_duplicate(embedded_store, specs_dir):
    settings = Settings()
    from graphkb.graph.store import GraphStore

    errors = []

    def run():
        try:
            with GraphStore.open(settings) as store:
                ingest(store, Embedder.for_home(settings.home), [str(specs_dir / "notes_mcp.json")])
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with embedded_store.session() as s:
        rows = s.run("MATCH (t:Tool {source: $s}) RETURN t.name AS name, count(*) AS c",
                     s=str(specs_dir / "notes_mcp.json")).data()
        spec_nodes = s.run("MATCH (x:Spec {source: $s}) RETURN count(x) AS c", s=str(specs_dir / "notes_mcp.json")).single()["c"]
    assert sorted(r["name"] for r in rows) == ["create_note", "list_notebooks"] and all(r["c"] == 1 for r in rows)
    assert spec_nodes == 1
    assert _graph_counts(embedded_store, str(specs_dir / "notes_mcp.json")) == (2, 2, 5)


def test_embeddings_are_cached_by_text(embedded_store, specs_dir, tmp_path):
    embedder = Embedder.for_home(Settings().home)
    ingest(embedded_store, embedder, [str(specs_dir / "weather_functions.json")])
    copy = tmp_path / "elsewhere.json"
    shutil.copy(specs_dir / "weather_functions.json", copy)
    fresh = Embedder.for_home(Settings().home)  # a new process would start like this
    report = ingest(embedded_store, fresh, [str(copy)])
    assert report.tools == 2 and report.texts_embedded == 0 and report.texts_cached > 0
    with embedded_store.session() as s:
        vectors = [r["e"] for r in s.run("MATCH (t:Tool) WHERE t.source IN $s AND t.name = 'geocode_city' RETURN t.embedding AS e",
                                          s=[str(specs_dir / "weather_functions.json"), str(copy)])]
    assert len(vectors) == 2 and len(vectors[0]) == 384 and vectors[0] == pytest.approx(vectors[1])


def test_export_tools_shape(embedded_store, specs_dir, tmp_path):
    assert CliRunner().invoke(cli, ["ingest", str(specs_dir / "shop_swagger2.json")]).exit_code == 0
    out = tmp_path / "tools.jsonl"
    result = CliRunner().invoke(cli, ["export", "tools", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    mine = {r["name"]: r for r in rows if r["source"] == str(specs_dir / "shop_swagger2.json")}
    assert set(mine) == {"createOrder", "getOrder", "refundOrder"}
    for row in rows:
        assert set(row) == {"name", "description", "source", "parameters", "output", "op", "entity"}
        assert row["parameters"]["type"] == "object"
    assert mine["refundOrder"]["output"] is None
    assert mine["getOrder"]["output"]["properties"]["order_id"]["type"] == "string"
    assert mine["createOrder"]["parameters"]["required"] == ["product_id", "quantity"]
    assert (mine["createOrder"]["op"], mine["createOrder"]["entity"]) == ("create", "order")
    assert (mine["getOrder"]["op"], mine["getOrder"]["entity"]) == ("read", "order")


def test_missing_path_is_rejected_with_a_line(embedded_store, tmp_path):
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "nope.json")])
    assert result.exit_code == 1
    assert f"rejected {tmp_path / 'nope.json'}: no such file or folder" in result.output


def test_urls_are_fetched_and_a_missing_one_is_rejected(embedded_store, specs_dir):
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(specs_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        report = ingest(embedded_store, Embedder.for_home(Settings().home),
                        [f"{base}/notes_mcp.json", f"{base}/missing.json"])
    finally:
        server.shutdown()
    assert report.tools == 2 and len(report.rejected) == 1
    assert report.rejected[0][0] == f"{base}/missing.json" and "cannot fetch" in report.rejected[0][1]
    with embedded_store.session() as s:
        assert s.run("MATCH (t:Tool {source: $s}) RETURN count(t) AS c", s=f"{base}/notes_mcp.json").single()["c"] == 2
