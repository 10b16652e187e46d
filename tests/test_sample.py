"""Sampling on the bundled demo graph: every strategy, connectivity, repeats, seeds, filters, user queries."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.errors import GraphkbError
from graphkb.sample import SampleOptions, Sampler, connected_share


def _run(graph, **kw):
    return Sampler(graph.store, SampleOptions(**kw)).run()


def _flows(graph) -> set[tuple[str, str]]:
    with graph.store.session() as s:
        return {(r["a"], r["b"]) for r in s.run("MATCH (a:Tool)-[:FLOWS_TO]->(b:Tool) RETURN a.uid AS a, b.uid AS b")}


@pytest.mark.parametrize("strategy", ["chain", "walk"])
def test_chains_are_connected_and_never_repeat_a_tool(demo_graph, strategy):
    samples = _run(demo_graph, strategy=strategy, n=60, min_tools=2, max_tools=4, seed=3)
    assert len(samples) == 60
    flows = _flows(demo_graph)
    for s in samples:
        assert 2 <= len(s.tool_uids) <= 4 and len(set(s.tool_uids)) == len(s.tool_uids)
        assert all((a, b) in flows for a, b in zip(s.tool_uids, s.tool_uids[1:]))
        assert s.edges and all(e["source_tool"] in s.tools and e["target_tool"] in s.tools for e in s.edges)
    assert connected_share(samples) == 1.0
    assert len({frozenset(s.tool_uids) for s in samples}) == 60  # max_repeats=1


def test_dag_fan_in_and_fan_out(demo_graph):
    samples = _run(demo_graph, strategy="dag", n=40, min_tools=3, max_tools=3, seed=1)
    assert samples and {s.shape for s in samples} <= {"fan-in", "fan-out"}
    flows = _flows(demo_graph)
    for s in samples:
        a, b, c = s.tool_uids
        if s.shape == "fan-in":  # a and b feed different parameters of c
            assert (a, c) in flows and (b, c) in flows
            params = {(e["source_tool"], e["target_param"]) for e in s.edges}
            assert len({p for _, p in params}) >= 2
        else:  # one output feeds two tools
            assert (a, b) in flows and (a, c) in flows


def test_parallel_tools_are_related_and_independent(demo_graph):
    samples = _run(demo_graph, strategy="parallel", n=10, seed=2)
    assert samples
    flows = _flows(demo_graph)
    for s in samples:
        assert s.edges == []
        assert not any((a, b) in flows for a in s.tool_uids for b in s.tool_uids)


def test_random_baseline_ignores_the_graph(demo_graph):
    samples = _run(demo_graph, strategy="random", n=200, seed=5)
    assert len(samples) == 200
    share = connected_share(samples)
    chain_share = connected_share(_run(demo_graph, strategy="chain", n=50, seed=5))
    assert share < 0.5 < chain_share


def test_seed_reproducible(demo_graph):
    one = [s.tool_uids for s in _run(demo_graph, strategy="chain", n=30, seed=11)]
    two = [s.tool_uids for s in _run(demo_graph, strategy="chain", n=30, seed=11)]
    other = [s.tool_uids for s in _run(demo_graph, strategy="chain", n=30, seed=12)]
    assert one == two and one != other


def test_filters_by_source_tag_and_tool(demo_graph):
    by_source = _run(demo_graph, strategy="chain", n=10, source="travel.yaml", seed=1)
    assert by_source and all(t in _names(demo_graph, "travel.yaml") for s in by_source for t in s.tools)
    by_tag = _run(demo_graph, strategy="random", n=10, tag="ecommerce", seed=1)
    assert by_tag and all(t in _names(demo_graph, "shop_swagger.json") for s in by_tag for t in s.tools)
    from_tool = _run(demo_graph, strategy="chain", n=5, tools=["searchFlights"], seed=1)
    assert from_tool and all(s.tools[0] == "searchFlights" for s in from_tool)
    with pytest.raises(GraphkbError, match="no tools match"):
        _run(demo_graph, strategy="chain", n=5, tools=["noSuchTool"])


def _names(graph, source_part: str) -> set[str]:
    with graph.store.session() as s:
        return {r["n"] for r in s.run("MATCH (t:Tool) WHERE t.source CONTAINS $p RETURN t.name AS n", p=source_part)}


def test_diversity_spreads_tool_use(demo_graph):
    samples = _run(demo_graph, strategy="chain", n=100, seed=4)
    used = {t for s in samples for t in s.tool_uids}
    counts = [sum(t in s.tool_uids for s in samples) for t in used]
    assert len(used) >= 25 and max(counts) <= 0.35 * len(samples)


def test_user_query_file_and_cli_output(demo_graph, tmp_path):
    query = tmp_path / "pairs.cypher"
    query.write_text("UNWIND $seeds AS seed MATCH (a:Tool {uid: seed})-[r:FLOWS_TO]->(b:Tool) "
                     "RETURN [a.uid, b.uid] AS tools, r.score AS score LIMIT $n")
    out = tmp_path / "s.jsonl"
    result = CliRunner().invoke(cli, ["sample", "--query", str(query), "--n", "5", "--out", str(out)], env=demo_graph.env())
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 5
    for row in rows:
        assert {"strategy", "tools", "edges"} <= set(row) and row["strategy"] == "pairs"
        assert row["edges"] and row["edges"][0]["source_tool"] == row["tools"][0]
    bad = tmp_path / "bad.cypher"
    bad.write_text("MATCH (t:Tool) DETACH DELETE t")
    refused = CliRunner().invoke(cli, ["sample", "--query", str(bad), "--n", "1", "--out", str(out)], env=demo_graph.env())
    assert refused.exit_code == 1 and "refused" in refused.output


def test_saved_browser_queries_run(demo_graph):
    from graphkb.cypher import data_dir
    from graphkb.graph.readonly import run_read_only

    params = {"name": "searchFlights", "a": "searchFlights", "b": "bookFlight"}
    for path in sorted((data_dir("cypher") / "browser").glob("*.cypher")):
        rows = run_read_only(demo_graph.store, path.read_text(), params, timeout=30)
        assert rows, path.name
    result = CliRunner().invoke(cli, ["browse"], env=demo_graph.env())
    assert result.exit_code == 0 and "most_connected_tools" in result.output and "Studio" in result.output


def test_fewer_samples_than_asked_says_why_and_what_allows_more(demo_graph, tmp_path):
    import re

    out = tmp_path / "many.jsonl"
    result = CliRunner().invoke(cli, ["sample", "--strategy", "chain", "--n", "1000", "--out", str(out)],
                                env=demo_graph.env())
    assert result.exit_code == 0, result.output
    found = re.search(r"only (\d+) samples of 1000: round \d+ of queries added no sample, so the sampler stopped; "
                      r"the \d+ samples use (\d+) distinct tool combinations, all \d+ of them used the 1 time "
                      r"--max-repeats allows; --max-repeats (\d+) lets", result.output)
    assert found, result.output
    got, distinct, suggested = map(int, found.groups())
    assert got == distinct == len(out.read_text().splitlines()) < 1000 and suggested * distinct >= 1000
    more = CliRunner().invoke(cli, ["sample", "--strategy", "chain", "--n", "1000", "--max-repeats", str(suggested),
                                    "--out", str(out)], env=demo_graph.env())
    assert more.exit_code == 0 and len(out.read_text().splitlines()) > got


def test_a_shortfall_from_the_round_limit_is_told_as_such(demo_graph, tmp_path):
    """With repeats allowed, what ends a big run is the sampler's round limit, not --max-repeats: the message
    says so, and its counts are those of the file."""
    import re
    from collections import Counter

    from graphkb.sample import MAX_ROUNDS

    out = tmp_path / "many.jsonl"
    result = CliRunner().invoke(cli, ["sample", "--strategy", "chain", "--n", "1000", "--max-repeats", "4",
                                      "--out", str(out)], env=demo_graph.env())
    assert result.exit_code == 0, result.output
    uses = Counter(frozenset(json.loads(line)["tools"]) for line in out.read_text().splitlines())
    found = re.search(rf"only (\d+) samples of 1000: the sampler stops after {MAX_ROUNDS} rounds of queries, and a "
                      r"round keeps at most one combination per start tool \((\d+) tools can start one here\); "
                      r"the \d+ samples use (\d+) distinct tool combinations, (\d+) of them used the 4 times", result.output)
    assert found, result.output
    got, starts, distinct, capped = map(int, found.groups())
    assert got == sum(uses.values()) and distinct == len(uses) and capped == sum(n == 4 for n in uses.values())
    assert distinct * 4 > got and got <= MAX_ROUNDS * starts  # the limit, not the repeats, ended it
    assert "--max-repeats 5 lets" not in result.output
