"""Generation end to end on the bundled demo graph: offline, with a scripted chat model, resume, shards."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from scripted_chat import ScriptedChatModel

from graphkb.cli import cli
from graphkb.realism import measure as realism_measure
from graphkb.report import quick_stats
from graphkb.synthesis.dialogue import ChatModelBackend
from graphkb.synthesis.generate import GenerateOptions, generate
from graphkb.synthesis.verify import check_record
from graphkb.synthesis.writer import to_sharegpt


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_offline_dialogues_are_valid_multi_turn_and_grounded(demo_graph, tmp_path):
    out = tmp_path / "d.jsonl"
    report = generate(demo_graph.store, GenerateOptions(n=120, out=out, seed=3))
    assert report.written + report.rejected == 120 and report.rejected <= 2
    records = _records(out)
    for r in records:
        assert set(r) == {"id", "tools", "messages", "plan", "meta"}
        assert check_record(r) == []  # the independent checks, without output schemas
        roles = [m["role"] for m in r["messages"]]
        assert roles[0] == "system" and roles[1] == "user" and roles[-1] == "assistant"
        offered = {t["function"]["name"] for t in r["tools"]}
        called = {c["function"]["name"] for m in r["messages"] for c in m.get("tool_calls") or []}
        assert called <= offered and len(offered) > len(called) - 1
    stats = quick_stats(records)
    assert stats["multi_tool"] >= 0.7 and stats["data_flow"] >= 0.6 and stats["user_turns"] >= 2.5
    assert stats["parallel"] > 0 and stats["clarify"] > 0
    kinds = {t["kind"] for r in records for t in r["plan"]["turns"]}
    assert {"request", "follow_up", "choose", "clarify", "unserved", "chitchat"} <= kinds
    assert any(c["failure"] for r in records for c in r["plan"]["calls"])
    # the world holds together and people do not paste tool descriptions
    realism = realism_measure(records)
    assert realism["consistent"] >= 0.95 and realism["description_copy"] == 0 and realism["single_user_turn"] == 0
    assert realism["list_reads"] >= 20 and realism["list_first_item"] <= 0.6


def test_chains_become_data_flow(demo_graph, tmp_path):
    out = tmp_path / "d.jsonl"
    generate(demo_graph.store, GenerateOptions(n=40, out=out, seed=8, strategy="chain"))
    later = fed = 0
    for r in _records(out):
        calls = r["plan"]["calls"]
        added = {note.split()[1] for note in r["plan"]["notes"] if note.startswith("added ")}
        for call in calls[1:]:
            if call["tool"] in added:
                continue  # a lookup the plan added starts a chain of its own
            later += 1
            fed += any(a["source"] == "tool" for a in call["args"].values())
    assert later and fed / later >= 0.75  # what is not fed is a topic shift or a corrected first try


def test_same_seed_same_bytes(demo_graph, tmp_path):
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    generate(demo_graph.store, GenerateOptions(n=30, out=a, seed=5, concurrency=1))
    generate(demo_graph.store, GenerateOptions(n=30, out=b, seed=5, concurrency=8))
    generate(demo_graph.store, GenerateOptions(n=30, out=c, seed=6))
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_resume_repairs_a_torn_line_and_duplicates_nothing(demo_graph, tmp_path):
    full, part = tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    generate(demo_graph.store, GenerateOptions(n=20, out=full, seed=2))
    lines = full.read_bytes().splitlines(keepends=True)
    part.write_bytes(b"".join(lines[:7]) + lines[7][:40])  # killed mid-line
    report = generate(demo_graph.store, GenerateOptions(n=20, out=part, seed=2, resume=True))
    assert report.skipped == 7 and report.written == 13
    assert part.read_bytes() == full.read_bytes()


def test_kill_9_then_resume_loses_and_duplicates_nothing(demo_graph, tmp_path):
    out = tmp_path / "k.jsonl"
    env = {**os.environ, **demo_graph.env(), "PYTHONPATH": str(Path(__file__).parent)}
    cmd = [sys.executable, "-m", "graphkb.cli", "generate", "--n", "3000", "--out", str(out), "--seed", "4"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.stat().st_size < 200_000):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    written_before = len(out.read_bytes().splitlines())
    assert 0 < written_before < 3000
    result = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    rejects = out.with_name(out.name + ".rejects.jsonl")
    rejected = [json.loads(line)["id"] for line in rejects.read_text().splitlines()] if rejects.exists() else []
    assert len(ids) == len(set(ids)) and len(ids) + len(rejected) == 3000
    assert set(ids) | set(rejected) == {f"gk4-{i:06d}" for i in range(3000)}


def test_shards_partition_the_run(demo_graph, tmp_path):
    whole = tmp_path / "whole.jsonl"
    generate(demo_graph.store, GenerateOptions(n=21, out=whole, seed=1))
    parts = []
    for i in range(3):
        path = tmp_path / f"s{i}.jsonl"
        generate(demo_graph.store, GenerateOptions(n=21, out=path, seed=1, shard=(i, 3)))
        parts.extend(_records(path))
    assert sorted(r["id"] for r in parts) == sorted(r["id"] for r in _records(whole))
    by_id = {r["id"]: r for r in _records(whole)}
    assert all(r == by_id[r["id"]] for r in parts)


def test_sharegpt_conversion(demo_graph, tmp_path):
    out = tmp_path / "o.jsonl"
    generate(demo_graph.store, GenerateOptions(n=10, out=out, seed=9))
    record = next(r for r in _records(out) if any(len(m.get("tool_calls") or []) > 1 for m in r["messages"])) \
        if any(any(len(m.get("tool_calls") or []) > 1 for m in r["messages"]) for r in _records(out)) else _records(out)[0]
    share = to_sharegpt(record)
    froms = [c["from"] for c in share["conversations"]]
    assert froms[0] == "system" and froms[1] == "human" and froms[-1] == "gpt"
    # one function_call turn (a list for parallel calls) and one observation turn per assistant call turn
    batches = sum(bool(m.get("tool_calls")) for m in record["messages"])
    assert froms.count("function_call") == froms.count("observation") == batches
    values = [json.loads(c["value"]) for c in share["conversations"] if c["from"] == "function_call"]
    calls = [c for v in values for c in (v if isinstance(v, list) else [v])]
    assert len(calls) == sum(len(m.get("tool_calls") or []) for m in record["messages"])
    assert all(set(c) == {"name", "arguments"} and isinstance(c["arguments"], dict) for c in calls)
    assert json.loads(share["tools"])[0]["name"]
    cli_out = tmp_path / "s.jsonl"
    result = CliRunner().invoke(cli, ["generate", "--n", "5", "--out", str(cli_out), "--format", "sharegpt"],
                                env=demo_graph.env())
    assert result.exit_code == 0, result.output
    assert all("conversations" in r for r in _records(cli_out))


def test_chat_model_path_recovers_from_malformed_output(demo_graph, tmp_path):
    model = ScriptedChatModel(bad_first=1)
    backend = ChatModelBackend(model, retries=2)
    out = tmp_path / "llm.jsonl"
    report = generate(demo_graph.store, GenerateOptions(n=6, out=out, seed=1, concurrency=1), backend)
    assert report.written == 6 and report.rejected == 0
    assert report.llm_calls == 7  # one malformed answer, then one call per dialogue
    assert report.tokens == 7 * 700
    for r in _records(out):
        assert r["meta"]["backend"] == "llm" and check_record(r) == []
        assert r["messages"][1]["content"].startswith("Please help me")


def test_chat_model_that_always_fails_is_rejected_with_reasons(demo_graph, tmp_path):
    backend = ChatModelBackend(ScriptedChatModel(always_bad=True), retries=2)
    out = tmp_path / "bad.jsonl"
    report = generate(demo_graph.store, GenerateOptions(n=3, out=out, seed=1), backend)
    assert report.written == 0 and report.rejected == 3 and report.llm_calls == 9
    rejects = _records(out.with_name(out.name + ".rejects.jsonl"))
    assert len(rejects) == 3 and all("failed 3 times" in r["reasons"][0] for r in rejects)


def test_llm_option_loads_a_factory(demo_graph, tmp_path):
    out = tmp_path / "f.jsonl"
    result = CliRunner().invoke(cli, ["generate", "--n", "2", "--out", str(out), "--llm", "scripted_chat:factory"],
                                env=demo_graph.env())
    assert result.exit_code == 0, result.output
    assert "LLM calls" in result.output and "2 dialogues written" in result.output
    bad = CliRunner().invoke(cli, ["generate", "--n", "1", "--out", str(out), "--llm", "nosuchmodule:factory"],
                             env=demo_graph.env())
    assert bad.exit_code == 1 and "cannot load" in bad.output


def test_demo_runs_on_a_fresh_home(tmp_path, graphkb_home):
    env = {"GRAPHKB_HOME": str(tmp_path / "home"), "GRAPHKB_SERVER_HEAP": "512m"}
    out = tmp_path / "demo.jsonl"
    try:
        result = CliRunner().invoke(cli, ["demo", "--out", str(out)], env=env)
        assert result.exit_code == 0, result.output
        assert "50 dialogues written" in result.output and str(out) in result.output
        assert len(_records(out)) == 50
    finally:
        CliRunner().invoke(cli, ["db", "stop"], env=env)


def test_specs_with_deep_outputs_make_consistent_dialogues(tmp_path_factory, graphkb_home):
    """RapidAPI- and OpenAPI-shaped specs of the tests' own with nested outputs (not the demo's)."""
    from conftest import FIXTURES, OwnGraph

    graph = OwnGraph(tmp_path_factory.mktemp("deep-home"), sorted((FIXTURES / "realism").iterdir()))
    try:
        out = tmp_path_factory.mktemp("deep") / "d.jsonl"
        report = generate(graph.store, GenerateOptions(n=60, out=out, seed=2))
        assert report.written >= 57  # 95% yield: every path a later call reads is there
        records = _records(out)
        assert all(check_record(r) == [] for r in records)
        realism = realism_measure(records)
        assert realism["consistent"] >= 0.95 and realism["list_first_item"] <= 0.6
    finally:
        graph.close()
