"""Dataset measures and validation on small hand-made datasets with known values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.report import coherence, dialogue_stats, diversity, measure
from graphkb.synthesis.verify import check_record

TOOLS = [
    {"type": "function", "function": {"name": "getUser", "description": "A user", "parameters": {
        "type": "object", "required": ["user_id"], "properties": {"user_id": {"type": "string"}}}}},
    {"type": "function", "function": {"name": "getCity", "description": "A city", "parameters": {
        "type": "object", "required": ["city_id"], "properties": {"city_id": {"type": "string"}}}}},
    {"type": "function", "function": {"name": "getWeather", "description": "Weather", "parameters": {
        "type": "object", "required": ["city"], "properties": {"city": {"type": "string"},
                                                               "units": {"type": "string", "default": "metric"}}}}},
]


def call(cid: str, name: str, args: dict) -> dict:
    return {"id": cid, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}


CHAIN = {"id": "a", "tools": TOOLS, "messages": [
    {"role": "system", "content": "You help."},
    {"role": "user", "content": "Where does user u-4411 live?"},
    {"role": "assistant", "content": None, "tool_calls": [call("1", "getUser", {"user_id": "u-4411"})]},
    {"role": "tool", "tool_call_id": "1", "content": json.dumps({"name": "Zed", "city_id": "c-7781"})},
    {"role": "assistant", "content": None, "tool_calls": [call("2", "getCity", {"city_id": "c-7781"})]},
    {"role": "tool", "tool_call_id": "2", "content": json.dumps({"name": "Lyon"})},
    {"role": "assistant", "content": "Zed lives in Lyon."}]}
PARALLEL = {"id": "b", "tools": TOOLS, "messages": [
    {"role": "user", "content": "Weather in Paris and Rome?"},
    {"role": "assistant", "content": None, "tool_calls": [call("3", "getWeather", {"city": "Paris"}),
                                                         call("4", "getWeather", {"city": "Rome", "units": "metric"})]},
    {"role": "tool", "tool_call_id": "3", "content": "{\"temp\": 12}"},
    {"role": "tool", "tool_call_id": "4", "content": "{\"temp\": 18}"},
    {"role": "assistant", "content": "Paris 12, Rome 18."}]}


def _write(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_complexity_measures(tmp_path):
    a, b = dialogue_stats(CHAIN), dialogue_stats(PARALLEL)
    assert (a["calls"], a["distinct_tools"], a["multi_tool"], a["data_flow"], a["parallel"]) == (2, 2, True, True, False)
    assert (b["calls"], b["distinct_tools"], b["multi_tool"], b["data_flow"], b["parallel"]) == (2, 1, False, False, True)
    m = measure(_write(tmp_path / "d.jsonl", [CHAIN, PARALLEL]), graph_tools=6)
    assert m["calls"] == 2.0 and m["distinct_tools"] == 1.5 and m["multi_tool"] == 0.5
    assert m["data_flow"] == 0.5 and m["parallel"] == 0.5 and m["user_turns"] == 1.0 and m["clarify"] == 0.0
    assert m["combinations"] == 2 and m["tools_used"] == 3 and m["coverage"] == 0.5
    assert m["top_tool_share"] == 0.5 and m["valid"] == 1.0 and m["grounded_args"] == 1.0


def test_clarification_is_counted():
    record = {"messages": [
        {"role": "user", "content": "Weather please"},
        {"role": "assistant", "content": "Which city?"},
        {"role": "user", "content": "Oslo"},
        {"role": "assistant", "content": None, "tool_calls": [call("1", "getWeather", {"city": "Oslo"})]},
        {"role": "tool", "tool_call_id": "1", "content": "{}"},
        {"role": "assistant", "content": "Cold."}]}
    stats = dialogue_stats(record)
    assert stats["clarify"] and stats["user_turns"] == 2


def test_distinct3_and_entropy_known_values():
    records = [{"messages": [{"role": "user", "content": "a b c d"}, {"role": "assistant", "content": "a b c"}]}]
    d = diversity(records)
    assert d["distinct3"] == pytest.approx(2 / 3)
    two_words = diversity([{"messages": [{"role": "user", "content": "yes no yes no"}]}])
    assert two_words["word_entropy"] == pytest.approx(1.0)


def test_coherence_of_identical_turns_is_one(embedded_store):
    from graphkb.config import Settings
    from graphkb.embed import Embedder

    embedder = Embedder.for_home(Settings().home)
    same = [{"messages": [{"role": "user", "content": "book a table"}, {"role": "assistant", "content": "book a table"}]}]
    assert coherence(same, embedder) == pytest.approx(1.0, abs=1e-3)
    apart = [{"messages": [{"role": "user", "content": "book a table for two tonight"},
                           {"role": "assistant", "content": "the mitochondria is the powerhouse of the cell"}]}]
    assert coherence(apart, embedder) < 0.5


def test_validator_finds_each_kind_of_problem():
    bad = json.loads(json.dumps(CHAIN))
    bad["messages"][2]["tool_calls"][0]["function"]["arguments"] = json.dumps({"user_id": 7})  # wrong type
    bad["messages"][4]["tool_calls"][0]["function"]["arguments"] = json.dumps({"city_id": "c-0000"})  # ungrounded
    bad["messages"].insert(6, {"role": "assistant", "content": None, "tool_calls": [call("9", "deleteAll", {})]})
    problems = check_record(bad)
    kinds = {p.split(":", 1)[0] for p in problems}
    assert {"schema", "grounding"} <= kinds
    assert any("deleteAll" in p and "not offered" in p for p in problems)
    assert any("c-0000" in p for p in problems)
    assert check_record(CHAIN) == [] and check_record(PARALLEL) == []
    torn = {"tools": TOOLS, "messages": [{"role": "user", "content": "hi"},
                                         {"role": "assistant", "content": None, "tool_calls": [call("1", "getWeather", {"city": "hi"})]}]}
    assert any("never answered" in p for p in check_record(torn))


def test_validate_and_report_commands(embedded_store, tmp_path):
    good = _write(tmp_path / "good.jsonl", [CHAIN, PARALLEL])
    result = CliRunner().invoke(cli, ["validate", str(good)])
    assert result.exit_code == 0 and "2 dialogues, 2 valid (100.0%)" in result.output
    broken = json.loads(json.dumps(CHAIN))
    broken["messages"][4]["tool_calls"][0]["function"]["arguments"] = "{not json"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(broken) + "\nnot json at all\n")
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "a: format: message 5: arguments of getCity are not JSON" in result.output
    assert "line 2: format: not JSON" in result.output and "2 dialogues, 0 valid" in result.output
    html = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", str(good), str(good), "--labels", "one,two", "--html", str(html),
                                      "--markdown"])
    assert result.exit_code == 0, result.output
    assert "| tool calls / dialogue | 2.00 | 2.00 |" in result.output
    assert html.read_text().count("<img") >= 3
