"""`--format chat` output renders through chat templates as trainers use them: transformers'
`apply_chat_template` with small templates of our own that behave like the common tool-calling
families (arguments through `tojson`, arguments walked with `items`, `content` read without a guard,
one call per turn), and the older family that joins arguments as text, which takes the OpenAI wire
shape with content "". The OpenAI wire shape shows the problems that the chat shape avoids."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkb.cli import cli
from graphkb.synthesis.formats import convert

TEMPLATES = Path(__file__).parent / "chat_templates"


@pytest.fixture(scope="module")
def tokenizer():
    """A tokenizer built offline around a one-word vocabulary: only its chat-template rendering is used."""
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(tokenizer_object=Tokenizer(WordLevel({"[UNK]": 0}, unk_token="[UNK]")))


@pytest.fixture(scope="module")
def chat_records(demo_graph, tmp_path_factory):
    out = tmp_path_factory.mktemp("chat") / "chat.jsonl"
    result = CliRunner().invoke(cli, ["generate", "--n", "60", "--out", str(out), "--format", "chat", "--seed", "11"],
                                env=demo_graph.env())
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) >= 55
    return records


def render(tokenizer, template: str, record: dict) -> str:
    return tokenizer.apply_chat_template(record["messages"], tools=record["tools"], tokenize=False,
                                         chat_template=(TEMPLATES / f"{template}.jinja").read_text())


def calls_of(record: dict) -> list[tuple[str, dict]]:
    return [(c["function"]["name"], c["function"]["arguments"]) for m in record["messages"]
            for c in m.get("tool_calls") or []]


def parallel(record: dict) -> bool:
    return any(len(m.get("tool_calls") or []) > 1 for m in record["messages"])


def test_chat_shape_is_as_trainers_feed_it(chat_records):
    for r in chat_records:
        called = {}
        for m in r["messages"]:
            if m.get("tool_calls"):
                assert isinstance(m["content"], str)  # "" when the turn only calls tools, never None
                assert all(isinstance(c["function"]["arguments"], dict) for c in m["tool_calls"])
                called.update({c["id"]: c["function"]["name"] for c in m["tool_calls"]})
            if m["role"] == "tool":
                assert m["name"] == called[m["tool_call_id"]]
            assert m.get("content") is not None


def test_arguments_through_tojson_are_objects_not_escaped_strings(tokenizer, chat_records):
    for r in chat_records:
        text = render(tokenizer, "args_tojson", r)
        rendered = [json.loads(block) for block in re.findall(r"<tool_call>(.*?)</tool_call>", text)]
        assert [(c["name"], c["arguments"]) for c in rendered] == calls_of(r)
        assert '\\"' not in "".join(re.findall(r"<tool_call>.*?</tool_call>", text))
    with pytest.raises(Exception, match="name of its function"):  # the wire shape names no tool message
        render(tokenizer, "args_tojson", convert(chat_records[0], "openai"))
    wire = copy.deepcopy(chat_records[0])  # named, but with the wire's argument strings: double-encoded
    for m in wire["messages"]:
        for c in m.get("tool_calls") or []:
            c["function"]["arguments"] = json.dumps(c["function"]["arguments"])
    text = render(tokenizer, "args_tojson", wire)
    first = json.loads(re.findall(r"<tool_call>(.*?)</tool_call>", text)[0])
    assert isinstance(first["arguments"], str) and '\\"' in text


def test_arguments_walked_with_items(tokenizer, chat_records):
    for r in chat_records:
        text = render(tokenizer, "args_items", r)
        names = re.findall(r"<function=([^>]+)>", text)
        params = re.findall(r"<parameter=([^>]+)>", text)
        assert names == [name for name, _ in calls_of(r)]
        assert params == [key for _, args in calls_of(r) for key in args]
    with pytest.raises(Exception, match="mapping"):  # the wire shape: a string has no item pairs
        render(tokenizer, "args_items", convert(chat_records[0], "openai"))


def test_content_read_without_a_guard(tokenizer, chat_records):
    for r in chat_records:
        text = render(tokenizer, "content_unguarded", r)
        rendered = [json.loads(a) for a in re.findall(r"<\|call\|>[^\n]*\n(.*?)<\|end call\|>", text)]
        assert rendered == [args for _, args in calls_of(r)]
    bare = next(o for o in (convert(r, "openai") for r in chat_records)
                if any(m.get("tool_calls") and m.get("content") is None for m in o["messages"]))
    with pytest.raises(Exception, match="content"):  # content: null is dropped, then read
        render(tokenizer, "content_unguarded", bare)


def test_one_call_per_turn(tokenizer, chat_records):
    single = [r for r in chat_records if not parallel(r)]
    several = [r for r in chat_records if parallel(r)]
    assert single and several
    for r in single:
        text = render(tokenizer, "one_call", r)
        rendered = [json.loads(line.removeprefix("<|assistant|>")) for line in text.splitlines()
                    if line.startswith('<|assistant|>{"name"')]
        assert [(c["name"], c["parameters"]) for c in rendered] == calls_of(r)
    for r in several:  # parallel calls are a property such a model cannot learn: the template refuses them
        with pytest.raises(Exception, match="one tool call per turn"):
            render(tokenizer, "one_call", r)


def test_templates_that_join_arguments_as_text_take_the_openai_shape(tokenizer, chat_records, tmp_path):
    """Older variants of some templates join `arguments` to their text as a string: the chat shape's
    objects fail there, and the openai shape with content "" (the README's jq filter) renders the
    wire text as it is, unescaped."""
    import shutil
    import subprocess

    with pytest.raises(Exception, match="concatenate"):
        render(tokenizer, "args_joined", chat_records[0])
    wire = [convert(r, "openai") for r in chat_records]
    with pytest.raises(Exception, match="content"):  # content: null is dropped, then read
        render(tokenizer, "args_joined", next(r for r in wire if any(m.get("tool_calls") for m in r["messages"])))
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    jq_filter = re.search(r"jq -c '(\.messages \|= map\(if \.content == null[^']*)'", readme).group(1)
    if shutil.which("jq"):  # the README's own command
        source = tmp_path / "dialogues.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in wire))
        done = subprocess.run(["jq", "-c", jq_filter, str(source)], capture_output=True, text=True, check=True)
        fixed = [json.loads(line) for line in done.stdout.splitlines()]
    else:  # what that filter does
        fixed = copy.deepcopy(wire)
        for r in fixed:
            for m in r["messages"]:
                m["content"] = "" if m.get("content") is None else m["content"]
    assert len(fixed) == len(wire)
    for r in fixed:
        text = render(tokenizer, "args_joined", r)
        joined = re.findall(r"<\|sep\|>(.*?)<\|end\|>", text)
        assert joined == [c["function"]["arguments"] for m in r["messages"] for c in m.get("tool_calls") or []]
        assert all(isinstance(json.loads(a), dict) for a in joined) and '\\"' not in "".join(joined)


def test_readme_says_which_shape_each_checked_template_takes():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme[readme.index("### Output shapes"):readme.index("Which to use:")]
    assert "the chat shape is the one to use for all eight" in section
    for name in ("hermes", "llama3.1_json", "llama4_json", "mistral3", "qwen3coder", "deepseekr1", "deepseekv31",
                 "granite"):
        assert name in section
    assert "renders no tool calls" not in section  # granite renders them, with tojson
    assert "llama3.1_json refuses parallel calls" in section and "join `arguments` to their text" in section
