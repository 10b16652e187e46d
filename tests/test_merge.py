"""`graphkb merge`: the shards of one run become the run itself, and gaps or overlaps are refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.synthesis.generate import GenerateOptions, generate

N = 45


@pytest.fixture(scope="module")
def run(demo_graph, tmp_path_factory):
    """One run of N dialogues made whole, and the same run made as 3 shards."""
    d = tmp_path_factory.mktemp("merge")
    generate(demo_graph.store, GenerateOptions(n=N, out=d / "whole.jsonl", seed=4))
    for i in range(3):
        generate(demo_graph.store, GenerateOptions(n=N, out=d / f"p{i}.jsonl", seed=4, shard=(i, 3)))
    return d


def _merge(*args) -> object:
    return CliRunner().invoke(cli, ["merge", *map(str, args)])


def _copy(run: Path, tmp: Path, names: list[str]) -> list[Path]:
    for name in names:
        for f in (run / name, run / f"{name}.rejects.jsonl"):
            if f.exists():
                shutil.copy(f, tmp / f.name)
    return [tmp / name for name in names]


def test_merged_shards_equal_the_run_made_on_one_machine(run, tmp_path):
    parts = _copy(run, tmp_path, ["p2.jsonl", "p0.jsonl", "p1.jsonl"])  # any order
    out = tmp_path / "merged.jsonl"
    result = _merge(*parts, "--out", out, "--n", N)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (run / "whole.jsonl").read_bytes()
    whole_rejects = run / "whole.jsonl.rejects.jsonl"
    assert (tmp_path / "merged.jsonl.rejects.jsonl").read_bytes() == whole_rejects.read_bytes()
    written = len(out.read_text().splitlines())
    assert f"{written} dialogues and {N - written} rejects" in result.output and f"all {N} present once" in result.output


def test_a_missing_shard_is_named_and_nothing_is_written(run, tmp_path):
    parts = _copy(run, tmp_path, ["p0.jsonl", "p1.jsonl"])
    out = tmp_path / "merged.jsonl"
    result = _merge(*parts, "--out", out, "--n", N)
    assert result.exit_code == 1
    assert f"15 of {N} dialogues are missing" in result.output and "gk4-000002" in result.output
    assert "--resume" in result.output
    assert not out.exists()


def test_missing_dialogues_at_the_end_need_n(run, tmp_path):
    """Without --n the run's length is taken from the highest index; with it, a lost tail shows."""
    parts = _copy(run, tmp_path, ["p0.jsonl", "p1.jsonl", "p2.jsonl"])
    lines = parts[2].read_text().splitlines(keepends=True)
    last = json.loads(lines[-1])["id"]
    assert last == f"gk4-{N - 1:06d}"  # index 44 belongs to shard 2 of 3
    parts[2].write_text("".join(lines[:-1]))
    out = tmp_path / "merged.jsonl"
    assert _merge(*parts, "--out", out).exit_code == 0  # n inferred as 44: nothing missing before it
    result = _merge(*parts, "--out", tmp_path / "again.jsonl", "--n", N)
    assert result.exit_code == 1 and f"1 of {N} dialogues are missing" in result.output and last in result.output


def test_the_same_shard_twice_is_a_duplicate(run, tmp_path):
    parts = _copy(run, tmp_path, ["p0.jsonl", "p1.jsonl", "p2.jsonl"])
    again = tmp_path / "p1-again.jsonl"
    shutil.copy(parts[1], again)
    result = _merge(*parts, again, "--out", tmp_path / "merged.jsonl", "--n", N)
    assert result.exit_code == 1
    assert "more than once" in result.output and "gk4-000001" in result.output
    assert not (tmp_path / "merged.jsonl").exists()


def test_a_torn_line_and_another_run_are_refused(run, demo_graph, tmp_path):
    parts = _copy(run, tmp_path, ["p0.jsonl", "p1.jsonl", "p2.jsonl"])
    data = parts[0].read_bytes()
    parts[0].write_bytes(data[: len(data) - 40])  # a killed run
    other = tmp_path / "other.jsonl"
    generate(demo_graph.store, GenerateOptions(n=3, out=other, seed=9))
    result = _merge(*parts, other, "--out", tmp_path / "merged.jsonl")
    assert result.exit_code == 1
    assert f"{parts[0]}: line" in result.output and "cut off" in result.output
    assert "different runs" in result.output and "seed 9" in result.output


def test_not_a_generated_dataset(tmp_path):
    part = tmp_path / "mine.jsonl"
    part.write_text(json.dumps({"id": "conv-1", "messages": []}) + "\n")
    result = _merge(part, "--out", tmp_path / "merged.jsonl")
    assert result.exit_code == 1 and "id 'conv-1' is not one graphkb generate writes" in result.output
    result = _merge(part, "--out", part)
    assert result.exit_code == 1 and "must not be one of the parts" in result.output
