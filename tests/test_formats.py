"""The three output shapes (openai, chat, sharegpt): conversions, `graphkb convert`, `validate` and
`report` on each, files that are no dataset at all, and the Hugging Face `datasets` dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.synthesis.formats import convert, read_openai, shape_of, to_chat, to_openai, to_sharegpt


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _approx(value):
    """Floats to 12 significant digits: datasets' JSON decoder reads a few decimals back off in the last digit."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: _approx(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_approx(v) for v in value]
    return value


def _strip_ids(record: dict) -> dict:
    """The messages without tool-call ids (ShareGPT has none, so they are made up on the way back)."""
    out = json.loads(json.dumps(record))
    for m in out["messages"]:
        m.pop("tool_call_id", None)
        for c in m.get("tool_calls") or []:
            c.pop("id")
    return out


@pytest.fixture(scope="module")
def shapes(demo_graph, tmp_path_factory):
    """The same run in the three shapes, written by `generate --format`."""
    folder = tmp_path_factory.mktemp("shapes")
    paths = {}
    for fmt in ("openai", "chat", "sharegpt"):
        paths[fmt] = folder / f"{fmt}.jsonl"
        result = CliRunner().invoke(cli, ["generate", "--n", "25", "--out", str(paths[fmt]), "--format", fmt,
                                          "--seed", "4"], env=demo_graph.env())
        assert result.exit_code == 0, result.output
    return paths


def test_generate_writes_the_same_dialogues_in_each_shape(shapes):
    openai, chat, share = (_records(shapes[k]) for k in ("openai", "chat", "sharegpt"))
    assert len(openai) == len(chat) == len(share) >= 24
    assert [shape_of(r) for r in (openai[0], chat[0], share[0])] == ["openai", "chat", "sharegpt"]
    for o, c, s in zip(openai, chat, share):
        assert to_chat(o) == c and to_openai(c) == o  # lossless both ways, byte for byte in JSON
        assert to_sharegpt(o) == s
        turns = [t["from"] for t in s["conversations"]]  # as LlamaFactory wants them: system, then
        assert turns[0] == "system" and len(turns[1:]) % 2 == 0  # human/observation and gpt/function_call alternate
        assert all(t in (("human", "observation"), ("gpt", "function_call"))[k % 2] for k, t in enumerate(turns[1:]))
        back = to_openai(s)  # all but what the assistant said beside its calls, which ShareGPT has no turn for
        said_with_calls = [{**m, "content": None} if m.get("tool_calls") else m for m in o["messages"]]
        assert _strip_ids(back)["messages"] == _strip_ids({**o, "messages": said_with_calls})["messages"]
        assert back["tools"] == o["tools"]
        pending = {}  # every tool message answers a call made before it
        for m in back["messages"]:
            for call in m.get("tool_calls") or []:
                pending[call["id"]] = call
            if m["role"] == "tool":
                assert pending.pop(m["tool_call_id"])
        assert not pending


def test_convert_between_all_shapes(shapes, tmp_path):
    runner = CliRunner()
    for source in ("openai", "chat", "sharegpt"):
        for target in ("openai", "chat", "sharegpt"):
            out = tmp_path / f"{source}-to-{target}.jsonl"
            result = runner.invoke(cli, ["convert", str(shapes[source]), "--to", target, "--out", str(out)])
            assert result.exit_code == 0, result.output
            converted = _records(out)
            assert all(shape_of(r) == target for r in converted)
            reference = _records(shapes[target])
            if "sharegpt" in (source, target) and source != target:  # call ids and text beside calls go
                assert [_strip_ids(to_openai(to_sharegpt(r)))["messages"] for r in converted] == \
                    [_strip_ids(to_openai(to_sharegpt(r)))["messages"] for r in reference]
            else:
                assert converted == reference


def test_validate_and_report_accept_every_shape(shapes):
    runner = CliRunner()
    tables = []
    for fmt, path in shapes.items():
        result = runner.invoke(cli, ["validate", str(path)])
        assert result.exit_code == 0, (fmt, result.output)
        assert f"{len(_records(path))} dialogues, {len(_records(path))} valid (100.0%)" in result.output
        report = runner.invoke(cli, ["report", str(path), "--no-graph", "--no-coherence", "--markdown"])
        assert report.exit_code == 0, (fmt, report.output)
        tables.append([line for line in report.output.splitlines() if line.startswith("| ")][2:])
    # the same dialogues measure the same in every shape (chain length aside: ShareGPT has no plan; and
    # the diversity of all text: it has no turn for what the assistant says beside its calls)
    assert tables[0] == tables[1]
    all_text = ("| Distinct-3 |", "| word entropy (bits) |")
    assert [r for r in tables[0] if "chain length" not in r and not r.startswith(all_text)] == \
        [r for r in tables[2] if "chain length" not in r and not r.startswith(all_text)]
    assert any("tool calls / dialogue" in r and "| 0.00 |" not in r for r in tables[2])


def test_validate_finds_problems_in_each_shape(shapes, tmp_path):
    record = _records(shapes["openai"])[0]
    call = next(m for m in record["messages"] if m.get("tool_calls"))["tool_calls"][0]
    call["function"]["name"] = "notOffered"
    for fmt in ("openai", "chat", "sharegpt"):
        path = tmp_path / f"bad-{fmt}.jsonl"
        path.write_text(json.dumps(convert(record, fmt)) + "\n")
        result = CliRunner().invoke(cli, ["validate", str(path)])
        assert result.exit_code == 1 and "'notOffered', which is not offered" in result.output, (fmt, result.output)


@pytest.mark.parametrize("content, says", [
    ("", "the file is empty: no dialogues"),
    ("\n\n  \n", "the file is empty: no dialogues"),
    ("name: value\nother: 2\n", "not JSON lines (one JSON object a line): the first line is not JSON"),
    ("<html><body>not data</body></html>\n", "not JSON lines"),
])
def test_files_that_are_no_dataset_give_one_line(tmp_path, content, says):
    path = tmp_path / "data[v2].jsonl"
    path.write_text(content)
    for command in (["validate", str(path)], ["report", str(path), "--no-graph", "--no-coherence"],
                    ["convert", str(path), "--to", "chat", "--out", str(tmp_path / "o.jsonl")]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1, (command, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {path}: {says}"), result.output
        assert "Traceback" not in result.output and "%" not in result.output


def test_a_pretty_printed_json_array_is_named_as_such(shapes, tmp_path):
    records = _records(shapes["openai"])[:3]
    for name, text in (("pretty.json", json.dumps(records, indent=2)), ("compact.json", json.dumps(records))):
        path = tmp_path / name
        path.write_text(text)
        for command in (["validate", str(path)], ["report", str(path), "--no-graph", "--no-coherence"]):
            result = CliRunner().invoke(cli, command)
            assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
            assert f"error: {path}: one JSON array of 3 items, not JSON lines" in result.output and "jq -c" in result.output


def test_broken_lines_count_as_failing_dialogues(shapes, tmp_path):
    lines = shapes["chat"].read_text().splitlines()[:4]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([lines[0], "{not json", lines[1], "[1, 2]", lines[2]]) + "\n")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert "line 2: format: not JSON" in result.output and "line 4: format: not a JSON object" in result.output
    assert "5 dialogues, 3 valid (60.0%), 2 with problems" in result.output
    records = list(read_openai(path))
    assert len(records) == 5 and records[1]["messages"] == []
    converted = CliRunner().invoke(cli, ["convert", str(path), "--to", "openai", "--out", str(tmp_path / "o.jsonl")])
    assert converted.exit_code == 1 and "3 dialogues converted" in converted.output and "line 2" in converted.output
    assert len(_records(tmp_path / "o.jsonl")) == 3


def test_hf_dataset_with_card(demo_graph, shapes, tmp_path):
    import datasets

    folder = tmp_path / "hf"
    result = CliRunner().invoke(cli, ["convert", str(shapes["sharegpt"]), "--to", "hf", "--out", str(folder)],
                                env=demo_graph.env())
    assert result.exit_code == 0, result.output
    ds = datasets.load_from_disk(str(folder))
    chat = _records(shapes["chat"])
    assert len(ds) == len(chat)
    for row, reference in zip(ds, chat):  # as written (by way of ShareGPT): no keys of other rows padded in
        assert _approx(_strip_ids(row)["messages"]) == _approx(_strip_ids(to_chat(to_sharegpt(reference)))["messages"])
        assert _approx(row["tools"]) == _approx(reference["tools"]) and _approx(row["meta"]) == _approx(reference["meta"])
    card = (folder / "README.md").read_text()
    assert card.startswith("---\n") and "tool-calling" in card
    assert f"{len(chat)} synthetic multi-turn dialogues" in card and "| dialogues passing validation | 100.0% |" in card
    assert "graphkb convert sharegpt.jsonl --to hf" in card and "offline" in card
    assert "Tool outputs come from graphkb's simulated world, never from a model" in card
    assert "wrote the language and the tool outputs" not in card

    generated = tmp_path / "gen"
    result = CliRunner().invoke(cli, ["generate", "--n", "5", "--out", str(tmp_path / "g.jsonl"), "--seed", "4",
                                      "--hf", str(generated)], env=demo_graph.env())
    assert result.exit_code == 0, result.output
    assert len(datasets.load_from_disk(str(generated))) == 5
    card = (generated / "README.md").read_text()
    assert "graphkb generate --n 5 --seed 4" in card and "| tool coverage of the graph |" in card
