"""The three dataset shapes, conversions between them, and reading any of them back.

- `openai`: the OpenAI wire format. A tool call's `arguments` is a JSON *string*; an assistant turn
  that only calls tools has `content: null`. What the OpenAI API takes and returns.
- `chat`: the same dialogue as trainers feed it to chat templates: `arguments` is a JSON *object*
  (templates render it with `tojson` or iterate over it), turns that only call tools have `content: ""`
  (transformers drops None-valued keys before rendering, and templates read `content` unguarded),
  and tool messages carry the `name` of the function they answer (Hermes-style templates need it).
- `sharegpt`: the ShareGPT/Hermes shape (`conversations` of system/human/gpt/function_call/observation
  turns, `tools` as JSON text), as LlamaFactory and axolotl read it.

Every reader (validate, report, convert) turns a record of any shape into the OpenAI shape first,
so the checks and measures are written once.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import GraphkbError

SHAPES = ("openai", "sharegpt", "chat")


class DatasetFileError(GraphkbError):
    """A dataset file that is not JSON lines at all (empty, a JSON array, another format)."""


class NotADialogue(ValueError):
    """A record that is no dialogue in the openai, chat or sharegpt shape; the text says what is wrong."""


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


def is_sample(record: Any) -> bool:
    """A line of `graphkb sample` output: a tool combination, not a dialogue."""
    return (isinstance(record, dict) and "messages" not in record and "conversations" not in record
            and "strategy" in record and isinstance(record.get("tools"), list)
            and all(isinstance(t, str) for t in record["tools"]))


def _check_structure(record: dict) -> None:
    """Raises NotADialogue unless the record has the structure every reader relies on (openai or chat
    shape): a list of messages, each an object with a role and text (or null) content; tools and tool
    calls as objects; arguments as JSON text or an object."""
    if "messages" not in record:
        raise NotADialogue("not a dialogue: no `messages` (openai, chat shapes) or `conversations` (sharegpt)")
    messages = record["messages"]
    if not isinstance(messages, list):
        raise NotADialogue(f"`messages` is {_kind(messages)}, not a list of messages")
    tools = record.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            raise NotADialogue(f"`tools` is {_kind(tools)}, not a list of tool definitions")
        for k, tool in enumerate(tools, 1):
            if not isinstance(tool, dict):
                raise NotADialogue(f"tool {k} is {_kind(tool)}, not a tool definition (an object)")
            fn = tool.get("function")
            if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
                raise NotADialogue(f"tool {k} is not an OpenAI function tool "
                                   '({"type": "function", "function": {"name": ..., "parameters": ...}})')
    for i, m in enumerate(messages, 1):
        if not isinstance(m, dict) or not isinstance(m.get("role"), str):
            raise NotADialogue(f"message {i} is {_kind(m)}, not an object with a `role`"
                               if not isinstance(m, dict) else f"message {i} has no `role`")
        content = m.get("content")
        if content is not None and not isinstance(content, str):
            raise NotADialogue(f"message {i}: `content` is {_kind(content)}, not text (or null)")
        calls = m.get("tool_calls")
        if calls is None:
            continue
        if not isinstance(calls, list):
            raise NotADialogue(f"message {i}: `tool_calls` is {_kind(calls)}, not a list of calls")
        for call in calls:
            fn = call.get("function") if isinstance(call, dict) else None
            if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
                raise NotADialogue(f"message {i}: a tool call is {_kind(call)} without a `function` with a `name`")
            args = fn.get("arguments")
            if args is not None and not isinstance(args, (str, dict)):
                raise NotADialogue(f"message {i}: the arguments of {fn['name']} are {_kind(args)}, "
                                   "not a JSON object (or JSON text of one)")


def parsed_arguments(record: dict) -> None:
    """Raises NotADialogue when a call's arguments are not a JSON object (or JSON text of one): what
    the chat and sharegpt shapes hold as an object, and the openai shape as its JSON text."""
    for i, m in enumerate(record.get("messages") or [], 1):
        for call in m.get("tool_calls") or []:
            fn = call["function"]
            raw = fn.get("arguments")
            try:
                args = raw if isinstance(raw, dict) else json.loads(raw or "{}")
            except ValueError:
                raise NotADialogue(f"message {i}: the arguments of {fn['name']} are not JSON: {raw[:60]!r}") from None
            if not isinstance(args, dict):
                raise NotADialogue(f"message {i}: the arguments of {fn['name']} are {_kind(args)}, not a JSON object")


def dumps(value: Any) -> str:
    """JSON text as graphkb writes arguments and outputs in the OpenAI shape."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


# ---- shapes ----------------------------------------------------------------------------------
def _tool_calls(record: dict) -> Iterator[dict]:
    for m in record.get("messages") or []:
        for call in (m.get("tool_calls") or []) if isinstance(m, dict) else []:
            fn = call.get("function") if isinstance(call, dict) else None
            if isinstance(fn, dict):
                yield fn


def shape_of(record: dict) -> str:
    if "conversations" in record:
        return "sharegpt"
    if any(isinstance(fn.get("arguments"), dict) for fn in _tool_calls(record)):
        return "chat"
    return "openai"


def convert(record: dict, to: str) -> dict:
    """A record of any shape in the shape `to` (openai, sharegpt or chat)."""
    if to not in SHAPES:
        raise ValueError(f"unknown shape {to!r} (choose from {', '.join(SHAPES)})")
    openai = to_openai(record)
    parsed_arguments(openai)  # what is written in any shape has arguments that are JSON objects
    if to == "openai":
        return openai
    return to_chat(openai) if to == "chat" else to_sharegpt(openai)


def to_chat(record: dict) -> dict:
    """The OpenAI shape with arguments as objects, empty-string content on tool-call turns, and each
    tool message naming its function (Hermes-style templates require `name` there)."""
    out = copy.deepcopy(to_openai(record))
    parsed_arguments(out)  # the shape promises objects: arguments that are no JSON object are refused
    names: dict[str, str] = {}
    for m in out.get("messages") or []:
        if isinstance(m, dict) and m.get("role") == "assistant" and m.get("tool_calls"):
            if m.get("content") is None:
                m["content"] = ""
            names.update({c.get("id"): (c.get("function") or {}).get("name") for c in m["tool_calls"]
                          if isinstance(c, dict)})
        elif isinstance(m, dict) and m.get("role") == "tool" and "name" not in m and names.get(m.get("tool_call_id")):
            m["name"] = names[m["tool_call_id"]]
    for fn in _tool_calls(out):
        if isinstance(fn.get("arguments"), str):
            fn["arguments"] = json.loads(fn["arguments"] or "{}")
    return out


def to_openai(record: dict) -> dict:
    """Any shape to the OpenAI shape (a record already in it is returned as it is). Raises
    NotADialogue for a record that is no dialogue in any of the shapes."""
    if not isinstance(record, dict):
        raise NotADialogue(f"not a dialogue: {_kind(record)}, not a JSON object")
    kind = shape_of(record)
    if kind == "sharegpt":
        out = _from_sharegpt(record)
        _check_structure(out)
        return out
    _check_structure(record)
    if kind == "openai":
        return record
    out = copy.deepcopy(record)
    for m in out.get("messages") or []:
        if isinstance(m, dict) and m.get("role") == "assistant" and m.get("tool_calls") and m.get("content") == "":
            m["content"] = None
        elif isinstance(m, dict) and m.get("role") == "tool":
            m.pop("name", None)  # the wire format answers a call by its id alone
    for fn in _tool_calls(out):
        if not isinstance(fn.get("arguments"), str):
            fn["arguments"] = dumps(fn.get("arguments") or {})
    return out


def to_sharegpt(record: dict[str, Any]) -> dict[str, Any]:
    """The ShareGPT/Hermes shape: `conversations` of system/human/gpt/function_call/observation turns.

    One assistant turn's calls are one `function_call` turn and their results one `observation` turn,
    so that human/observation and gpt/function_call turns alternate (LlamaFactory skips a dialogue
    where they do not): a single call is `{"name", "arguments"}`, parallel calls a JSON list of them,
    and their results a JSON list in the same order. Text said in the same turn as calls is left out:
    the shape has no turn for it."""
    record = to_openai(record)
    roles = {"system": "system", "user": "human"}
    conversations: list[dict] = []
    results: list[str] = []  # tool messages of the open batch

    def close_batch() -> None:
        if results:
            value = results[0] if len(results) == 1 else "[" + ", ".join(
                r if _is_json(r) else json.dumps(r, ensure_ascii=False) for r in results) + "]"
            conversations.append({"from": "observation", "value": value})
            results.clear()

    for m in record["messages"]:
        role = m["role"]
        if role == "tool":
            results.append(m.get("content") or "")
            continue
        close_batch()
        if role in roles:
            conversations.append({"from": roles[role], "value": m.get("content") or ""})
        elif role == "assistant" and m.get("tool_calls"):
            # what the assistant says as it calls ("Let me check.") has no place between the turns
            calls = [{"name": c["function"]["name"], "arguments": json.loads(c["function"]["arguments"] or "{}")}
                     for c in m["tool_calls"]]
            conversations.append({"from": "function_call",
                                  "value": json.dumps(calls[0] if len(calls) == 1 else calls, ensure_ascii=False)})
        elif role == "assistant":
            conversations.append({"from": "gpt", "value": m.get("content") or ""})
    close_batch()
    return {"id": record.get("id"), "conversations": conversations,
            "tools": json.dumps([t["function"] for t in record.get("tools", [])], ensure_ascii=False),
            "meta": record.get("meta", {})}


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


_SHAREGPT_ROLES = {"system": "system", "human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                   "function_call": "call", "observation": "tool", "tool": "tool", "function": "tool"}


def _from_sharegpt(record: dict) -> dict:
    """ShareGPT back to the OpenAI shape. A function_call turn holding a list, or consecutive
    function_call turns, make one assistant turn (parallel calls), joined to a gpt turn just before
    them; call ids are made up (`call_N`), since ShareGPT has none; observations answer the open calls
    in order, a JSON list answering as many open calls as it has items."""
    turns = record.get("conversations")
    if not isinstance(turns, list):
        raise NotADialogue(f"`conversations` is {_kind(turns)}, not a list of turns")
    messages: list[dict] = []
    if isinstance(record.get("system"), str) and record["system"]:
        messages.append({"role": "system", "content": record["system"]})
    pending: list[str] = []
    previous, calls_made = None, 0
    for k, turn in enumerate(turns, 1):
        if not isinstance(turn, dict) or turn.get("from") not in _SHAREGPT_ROLES:
            raise NotADialogue(f"turn {k} has no known `from` (system, human, gpt, function_call, observation)")
        role, value = _SHAREGPT_ROLES[turn["from"]], turn.get("value")
        if value is None or (role not in ("call", "tool") and not isinstance(value, str)):
            # null is no text: converting it to "null" or "" would change what was said
            raise NotADialogue(f"turn {k} ({turn['from']}): `value` is {_kind(value)}, not text")
        if role == "call":
            try:
                calls = json.loads(value) if isinstance(value, str) else value
            except ValueError:
                raise NotADialogue(f"turn {k}: the function_call value is not JSON: {value[:60]!r}") from None
            for j, call in enumerate(calls if isinstance(calls, list) else [calls]):
                if not isinstance(call, dict) or not isinstance(call.get("name"), str):
                    raise NotADialogue(f"turn {k}: a function_call value is not {{\"name\", \"arguments\"}}")
                args = call.get("arguments", {})
                calls_made += 1
                tool_call = {"id": f"call_{calls_made}", "type": "function", "function": {
                                 "name": call["name"], "arguments": args if isinstance(args, str) else dumps(args)}}
                if (j > 0 or previous in ("call", "assistant")) and messages[-1:] and messages[-1]["role"] == "assistant":
                    messages[-1].setdefault("tool_calls", []).append(tool_call)
                else:
                    messages.append({"role": "assistant", "content": None, "tool_calls": [tool_call]})
                pending.append(tool_call["id"])
        elif role == "tool":
            outputs = [value]
            if len(pending) > 1:  # the results of parallel calls, as one JSON list
                parsed = json.loads(value) if isinstance(value, str) and _is_json(value) else value
                if isinstance(parsed, list) and len(parsed) == len(pending):
                    outputs = parsed
            for output in outputs:
                messages.append({"role": "tool", "tool_call_id": pending.pop(0) if pending else None,
                                 "content": output if isinstance(output, str) else dumps(output)})
        else:
            messages.append({"role": role, "content": value})
        previous = role
    tools = record.get("tools") or []
    if isinstance(tools, str):
        try:
            tools = json.loads(tools) if tools.strip() else []
        except ValueError:
            raise NotADialogue(f"`tools` is not JSON text: {tools[:60]!r}") from None
    if not isinstance(tools, list):
        raise NotADialogue(f"`tools` is {_kind(tools)}, not a list of tool definitions")
    for k, t in enumerate(tools, 1):
        if not isinstance(t, dict):
            raise NotADialogue(f"tool {k} is {_kind(t)}, not a function definition (an object)")
    tools = [t if isinstance(t, dict) and t.get("type") == "function" and "function" in t
             else {"type": "function", "function": t} for t in tools]
    out = {"id": record.get("id"), "tools": tools, "messages": messages}
    if "meta" in record:
        out["meta"] = record["meta"]
    return out


# ---- reading files of any shape ----------------------------------------------------------------
def _what_it_is(path: Path, text: str, first_error: ValueError) -> str:
    """Why a file whose first line is not JSON is no dataset, as precisely as can be said."""
    try:
        whole = json.loads(text)
    except ValueError:
        line = text.lstrip().splitlines()[0][:60]
        reason = getattr(first_error, "msg", str(first_error))
        return f"{path}: not JSON lines (one JSON object a line): the first line is not JSON ({reason}): {line!r}"
    if isinstance(whole, list):
        return _one_array(path, whole)
    return f"{path}: one JSON value spread over several lines, not JSON lines (one dialogue a line)"


def _one_array(path: Path, whole: list) -> str:
    return (f"{path}: one JSON array of {len(whole)} items, not JSON lines (one dialogue a line); "
            f"turn it into JSON lines first, e.g. jq -c '.[]' {path}")


def _array_file(path: Path, text: str, n: int) -> str:
    """Why a file whose first value is a JSON array is no dataset: it is one array (on one line or
    pretty-printed alike), or JSON lines of arrays."""
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, list):
        return _one_array(path, whole)
    return (f"{path}: line {n} is a JSON array, not one dialogue: the file must be JSON lines, one JSON object "
            f"a line (e.g. jq -c '.[]' {path})")


def read_lines(path: Path, empty_ok: bool = False) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, record in the OpenAI shape or None, problem or None) for each non-empty line.
    A file that is not JSON lines of dialogues at all (empty, a JSON array, a sample file, another
    format, or no line a dialogue) raises `DatasetFileError` with one line saying what it is."""
    path = Path(path)
    first = True
    waiting: list[tuple[int, None, str]] = []  # problem lines before the first dialogue
    lines = dialogues = 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            lines += 1
            try:
                value = json.loads(line)
            except ValueError as e:
                if first:
                    f.seek(0)
                    raise DatasetFileError(_what_it_is(path, f.read(), e)) from None
                waiting.append((n, None, f"format: not JSON ({getattr(e, 'msg', e)})"))
                continue
            if first and isinstance(value, list):
                f.seek(0)
                raise DatasetFileError(_array_file(path, f.read(), n))
            if first and is_sample(value):
                raise DatasetFileError(
                    f"{path}: a sample file (tool combinations, as `graphkb sample` writes them), not dialogues: "
                    f"`graphkb generate --n N --out dialogues.jsonl` samples tool combinations and writes dialogues")
            first = False
            if not isinstance(value, dict):
                waiting.append((n, None, "format: not a JSON object"))
                continue
            try:
                record = to_openai(value)
            except NotADialogue as e:
                waiting.append((n, None, f"format: {e}"))
                continue
            except (ValueError, TypeError, KeyError, AttributeError) as e:
                waiting.append((n, None, f"format: not a dialogue in the openai, chat or sharegpt shape ({e})"))
                continue
            yield from waiting  # a dialogue: the file is a dataset, and the lines before it are its failures
            waiting = []
            dialogues += 1
            yield n, record, None
    if waiting and not dialogues and not empty_ok:
        n, _, problem = waiting[0]
        raise DatasetFileError(f"{path}: no dialogues: no line is a dialogue in the openai, chat or sharegpt shape "
                               f"({lines} line{'s' if lines > 1 else ''}; line {n}: {problem.removeprefix('format: ')})")
    yield from waiting
    if first and not empty_ok:
        raise DatasetFileError(f"{path}: the file is empty: no dialogues")


def read_convertible(path: Path) -> Iterator[tuple[int, dict | None, str | None]]:
    """As `read_lines`, with a dialogue whose call arguments are no JSON object counted as a problem:
    what `convert` writes in any shape keeps the promise that arguments are objects."""
    for n, record, problem in read_lines(path):
        if record is not None:
            try:
                parsed_arguments(record)
            except NotADialogue as e:
                record, problem = None, f"format: {e}"
        yield n, record, problem


def read_openai(path: Path, empty_ok: bool = False) -> Iterator[dict]:
    """Every record of a dataset file in the OpenAI shape; a line that is not a dialogue counts as an
    empty one (so it fails validation rather than vanishing)."""
    for n, record, problem in read_lines(path, empty_ok=empty_ok):
        yield record if record is not None else {"id": f"line {n}", "messages": [], "problem": problem}
