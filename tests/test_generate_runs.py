"""Runs: dialogue i depends on the seed and i alone, whatever --n, --resume or --shard."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.synthesis.generate import BLOCK, GenerateOptions, generate


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


def test_n30_resumed_to_n40_equals_a_fresh_n40(demo_graph, tmp_path):
    resumed, fresh = tmp_path / "resumed.jsonl", tmp_path / "fresh.jsonl"
    run = CliRunner()
    env = demo_graph.env()
    first = run.invoke(cli, ["generate", "--n", "30", "--out", str(resumed), "--seed", "7"], env=env)
    assert first.exit_code == 0, first.output
    more = run.invoke(cli, ["generate", "--n", "40", "--out", str(resumed), "--seed", "7", "--resume"], env=env)
    assert more.exit_code == 0 and "30 already there" in more.output, more.output
    whole = run.invoke(cli, ["generate", "--n", "40", "--out", str(fresh), "--seed", "7"], env=env)
    assert whole.exit_code == 0, whole.output
    assert len(_ids(fresh)) >= 38
    assert resumed.read_bytes() == fresh.read_bytes()


def test_a_dialogue_does_not_depend_on_n_across_blocks(demo_graph, tmp_path):
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    generate(demo_graph.store, GenerateOptions(n=BLOCK + 30, out=small, seed=3))
    generate(demo_graph.store, GenerateOptions(n=2 * BLOCK + 10, out=large, seed=3))
    a, b = small.read_text().splitlines(), large.read_text().splitlines()
    assert len(a) >= BLOCK + 25 and a == b[: len(a)]
    tools = [json.loads(line)["meta"]["tool_uids"] for line in b]
    assert len({tuple(t) for t in tools}) > len(tools) // 2  # blocks do not repeat each other


def test_shards_across_blocks_partition_the_run(demo_graph, tmp_path):
    whole = tmp_path / "whole.jsonl"
    n = BLOCK + 17
    generate(demo_graph.store, GenerateOptions(n=n, out=whole, seed=5))
    lines = []
    for i in range(3):
        part = tmp_path / f"p{i}.jsonl"
        generate(demo_graph.store, GenerateOptions(n=n, out=part, seed=5, shard=(i, 3)))
        lines.extend(part.read_text().splitlines())
    assert sorted(lines) == sorted(whole.read_text().splitlines())
