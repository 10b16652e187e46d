"""Files and records that are no dialogues: `validate`, `report` and `convert` say what is wrong in one
line (naming the file, and the line) with a non-zero exit, never a traceback; `convert` writes only
what keeps its promises (arguments that are JSON objects); rates over nothing are n/a, never 100%."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.report import measure, validity
from graphkb.synthesis.formats import NotADialogue, read_lines, to_chat, to_openai

TOOLS = [{"type": "function", "function": {"name": "getUser", "description": "A user", "parameters": {
    "type": "object", "required": ["user_id"], "properties": {"user_id": {"type": "string"}}}}}]
GOOD = {"id": "good", "tools": TOOLS, "messages": [
    {"role": "user", "content": "Who is user u-4411?"},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "getUser", "arguments": "{\"user_id\": \"u-4411\"}"}}]},
    {"role": "tool", "tool_call_id": "c1", "content": "{\"name\": \"Zed\"}"},
    {"role": "assistant", "content": "That is Zed."}]}


def _with(change) -> dict:
    record = copy.deepcopy(GOOD)
    change(record)
    return record


def _set_call(key, value):
    def change(r):
        r["messages"][1]["tool_calls"][0]["function"][key] = value
    return change


# (record, what the one line says)
MALFORMED = {
    "tools a list of strings": (_with(lambda r: r.update(tools=["getUser", "b"])),
                                "tool 1 is text, not a tool definition (an object)"),
    "tools a string": (_with(lambda r: r.update(tools="getUser")), "`tools` is text, not a list of tool definitions"),
    "messages of ints": ({"id": "x", "messages": [1, 2]}, "message 1 is a number, not an object with a `role`"),
    "messages a string": ({"id": "x", "messages": "hello"}, "`messages` is text, not a list of messages"),
    "tool_calls a string": (_with(lambda r: r["messages"][1].update(tool_calls="getUser")),
                            "message 2: `tool_calls` is text, not a list of calls"),
    "arguments a list": (_with(_set_call("arguments", ["u-4411"])),
                         "message 2: the arguments of getUser are a list, not a JSON object (or JSON text of one)"),
    "content a number": (_with(lambda r: r["messages"][0].update(content=5)),
                         "message 1: `content` is a number, not text (or null)"),
    "no messages": ({"a": 1}, "not a dialogue: no `messages` (openai, chat shapes) or `conversations` (sharegpt)"),
    "sharegpt value null": ({"id": "s", "conversations": [{"from": "human", "value": None},
                                                          {"from": "gpt", "value": "Hello."}]},
                            "turn 1 (human): `value` is null, not text"),
}
COMMANDS = {
    "validate": lambda p, out: ["validate", str(p)],
    "report": lambda p, out: ["report", str(p), "--no-graph", "--no-coherence"],
    "convert openai": lambda p, out: ["convert", str(p), "--to", "openai", "--out", str(out)],
    "convert chat": lambda p, out: ["convert", str(p), "--to", "chat", "--out", str(out)],
    "convert sharegpt": lambda p, out: ["convert", str(p), "--to", "sharegpt", "--out", str(out)],
}


def _run(command: list[str]):
    return CliRunner().invoke(cli, command)


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_file_of_malformed_records_gives_one_line(tmp_path, case):
    record, says = MALFORMED[case]
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps(record) + "\n")
    out = tmp_path / "out.jsonl"
    out.write_text("what was there\n")
    for name, command in COMMANDS.items():
        result = _run(command(path, out))
        assert result.exit_code == 1, (name, result.output)
        lines = result.output.strip().splitlines()
        assert lines == [f"error: {path}: no dialogues: no line is a dialogue in the openai, chat or sharegpt "
                         f"shape (1 line; line 1: {says})"], (name, result.output)
        assert out.read_text() == "what was there\n", name  # OUT left as it was


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_line_among_dialogues_fails_alone(tmp_path, case):
    record, says = MALFORMED[case]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (GOOD, record, GOOD)))
    result = _run(["validate", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"line 2: format: {says}" in result.output and "3 dialogues, 2 valid (66.7%)" in result.output
    report = _run(["report", str(path), "--no-graph", "--no-coherence", "--markdown"])
    assert report.exit_code == 0, report.output
    assert "| dialogues | 3 |" in report.output and "| dialogues passing validation | 66.7% |" in report.output
    out = tmp_path / "out.jsonl"
    for to in ("openai", "chat", "sharegpt"):
        result = _run(["convert", str(path), "--to", to, "--out", str(out)])
        assert result.exit_code == 1 and f"{path}: line 2: format: {says}" in result.output, result.output
        assert f"2 dialogues converted to {to}" in result.output and "1 lines left out" in result.output
        assert len(out.read_text().splitlines()) == 2


def test_unparsable_arguments_are_not_written(tmp_path):
    """The chat and sharegpt shapes hold arguments as objects, the openai shape as their JSON text:
    `"{bad"` keeps no promise, so convert refuses it (validate reports it as before)."""
    broken = _with(_set_call("arguments", "{bad"))
    broken["id"] = "broken"
    with pytest.raises(NotADialogue, match="the arguments of getUser are not JSON"):
        to_chat(broken)
    listed = _with(_set_call("arguments", "[1, 2]"))
    listed["id"] = "listed"
    with pytest.raises(NotADialogue, match="the arguments of getUser are a list, not a JSON object"):
        to_chat(listed)
    path = tmp_path / "args.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (GOOD, broken, listed)))
    out = tmp_path / "out.jsonl"
    for to in ("openai", "chat", "sharegpt"):
        result = _run(["convert", str(path), "--to", to, "--out", str(out)])
        assert result.exit_code == 1, result.output
        assert f"{path}: line 2: format: message 2: the arguments of getUser are not JSON: '{{bad'" in result.output
        assert f"{path}: line 3: format: message 2: the arguments of getUser are a list" in result.output
        written = [json.loads(line) for line in out.read_text().splitlines()]
        assert [r["id"] for r in written] == ["good"] and "1 dialogues converted" in result.output
    only_bad = tmp_path / "only-bad.jsonl"
    only_bad.write_text(json.dumps(broken) + "\n")
    out.write_text("what was there\n")
    result = _run(["convert", str(only_bad), "--to", "chat", "--out", str(out)])
    assert result.exit_code == 1 and f"0 dialogues converted; 1 lines left out; {out} not written" in result.output
    assert out.read_text() == "what was there\n"
    result = _run(["validate", str(path)])
    assert result.exit_code == 1 and "broken: format: message 2: arguments of getUser are not JSON" in result.output
    assert "listed: format: message 2: arguments of getUser are not a JSON object" in result.output


def test_a_sample_file_is_named_as_such(demo_graph, tmp_path):
    samples = tmp_path / "chains.jsonl"
    result = CliRunner().invoke(cli, ["sample", "--n", "20", "--out", str(samples)], env=demo_graph.env())
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.jsonl"
    for name, command in COMMANDS.items():
        result = _run(command(samples, out))
        assert result.exit_code == 1, (name, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(
            f"error: {samples}: a sample file (tool combinations, as `graphkb sample` writes them), not dialogues: "
            "`graphkb generate"), (name, result.output)


def test_rates_over_nothing_are_not_100_percent(tmp_path):
    talk = {"id": "t", "tools": [], "messages": [{"role": "user", "content": "Hello?"},
                                                 {"role": "assistant", "content": "Hello."}]}
    assert validity([to_openai(talk)]) == {"valid": 1.0, "schema_valid_calls": None, "grounded_args": None}
    assert validity([]) == {"valid": None, "schema_valid_calls": None, "grounded_args": None}
    path = tmp_path / "talk.jsonl"
    path.write_text(json.dumps(talk) + "\n")
    m = measure(path)
    assert m["schema_valid_calls"] is None and m["grounded_args"] is None
    result = _run(["report", str(path), "--no-graph", "--no-coherence", "--markdown"])
    assert result.exit_code == 0, result.output
    assert "| schema-valid calls | n/a |" in result.output and "| grounded arguments | n/a |" in result.output
    assert "| dialogues passing validation | 100.0% |" in result.output


def test_a_file_without_dialogues_is_an_error_for_report(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"a": 1}\n{"a": 2}\n\n{"a": 3}\n')
    result = _run(["report", str(path), "--no-graph", "--no-coherence"])
    assert result.exit_code == 1 and "100.0%" not in result.output and "%" not in result.output
    assert result.output.strip().splitlines() == [
        f"error: {path}: no dialogues: no line is a dialogue in the openai, chat or sharegpt shape (3 lines; "
        "line 1: not a dialogue: no `messages` (openai, chat shapes) or `conversations` (sharegpt))"]


@pytest.mark.parametrize("indent", [None, 2])
def test_a_json_array_is_named_the_same_pretty_printed_or_not(tmp_path, indent):
    path = tmp_path / "array.json"
    path.write_text(json.dumps([GOOD, GOOD, GOOD], indent=indent))
    for name, command in COMMANDS.items():
        result = _run(command(path, tmp_path / "out.jsonl"))
        assert result.exit_code == 1, (name, result.output)
        assert result.output.strip().splitlines() == [
            f"error: {path}: one JSON array of 3 items, not JSON lines (one dialogue a line); turn it into JSON "
            f"lines first, e.g. jq -c '.[]' {path}"], (name, result.output)
    lines_of_arrays = tmp_path / "arrays.jsonl"  # JSON lines whose first line is an array: not one array
    lines_of_arrays.write_text(json.dumps([GOOD]) + "\n" + json.dumps([GOOD]) + "\n")
    with pytest.raises(Exception, match="line 1 is a JSON array, not one dialogue"):
        list(read_lines(lines_of_arrays))


def test_sharegpt_turns_must_be_text(tmp_path):
    turns = [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello."}]
    assert to_openai({"id": "s", "conversations": turns})["messages"][1] == {"role": "assistant", "content": "Hello."}
    for bad, says in ((None, "`value` is null, not text"), (5, "`value` is a number, not text"),
                      (["a"], "`value` is a list, not text")):
        record = {"id": "s", "conversations": [turns[0], {"from": "gpt", "value": bad}]}
        with pytest.raises(NotADialogue, match=f"turn 2 \\(gpt\\): {says.replace('`', '.')}"):
            to_openai(record)

