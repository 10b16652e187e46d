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
    if to == "openai":
        return openai
    return to_chat(openai) if to == "chat" else to_sharegpt(openai)


def to_chat(record: dict) -> dict:
    """The OpenAI shape with arguments as objects, empty-string content on tool-call turns, and each
    tool message naming its function (Hermes-style templates require `name` there)."""
    out = copy.deepcopy(to_openai(record))
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
            try:
                fn["arguments"] = json.loads(fn["arguments"] or "{}")
            except ValueError:
                pass  # left as it is, so that validation reports it
    return out


def to_openai(record: dict) -> dict:
    """Any shape to the OpenAI shape (a record already in it is returned as it is)."""
    kind = shape_of(record)
    if kind == "sharegpt":
        return _from_sharegpt(record)
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
    return {"id": record["id"], "conversations": conversations,
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
        raise ValueError("`conversations` is not a list")
    messages: list[dict] = []
    if isinstance(record.get("system"), str) and record["system"]:
        messages.append({"role": "system", "content": record["system"]})
    pending: list[str] = []
    previous, calls_made = None, 0
    for k, turn in enumerate(turns, 1):
        if not isinstance(turn, dict) or turn.get("from") not in _SHAREGPT_ROLES:
            raise ValueError(f"turn {k} has no known `from` (system, human, gpt, function_call, observation)")
        role, value = _SHAREGPT_ROLES[turn["from"]], turn.get("value")
        if role == "call":
            calls = json.loads(value) if isinstance(value, str) else value
            for j, call in enumerate(calls if isinstance(calls, list) else [calls]):
                if not isinstance(call, dict) or not isinstance(call.get("name"), str):
                    raise ValueError(f"turn {k}: a function_call value is not {{\"name\", \"arguments\"}}")
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
            messages.append({"role": role, "content": value if isinstance(value, str) else dumps(value)})
        previous = role
    tools = record.get("tools") or []
    if isinstance(tools, str):
        tools = json.loads(tools) if tools.strip() else []
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
        return (f"{path}: one JSON array of {len(whole)} items, not JSON lines (one dialogue a line); "
                f"turn it into JSON lines first, e.g. jq -c '.[]' {path}")
    return f"{path}: one JSON value spread over several lines, not JSON lines (one dialogue a line)"


def read_lines(path: Path, empty_ok: bool = False) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, record in the OpenAI shape or None, problem or None) for each non-empty line.
    A file that is not JSON lines at all raises `DatasetFileError` with one line saying what it is."""
    path = Path(path)
    first = True
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as e:
                if first:
                    f.seek(0)
                    raise DatasetFileError(_what_it_is(path, f.read(), e)) from None
                yield n, None, f"format: not JSON ({getattr(e, 'msg', e)})"
                continue
            if first and isinstance(value, list):
                raise DatasetFileError(f"{path}: line {n} is a JSON array, not one dialogue: the file must be "
                                       f"JSON lines, one JSON object a line (e.g. jq -c '.[]' {path})")
            first = False
            if not isinstance(value, dict):
                yield n, None, "format: not a JSON object"
                continue
            try:
                yield n, to_openai(value), None
            except (ValueError, TypeError, KeyError, AttributeError) as e:
                yield n, None, f"format: not a dialogue in the openai, chat or sharegpt shape ({e})"
    if first and not empty_ok:
        raise DatasetFileError(f"{path}: the file is empty: no dialogues")


def read_openai(path: Path, empty_ok: bool = False) -> Iterator[dict]:
    """Every record of a dataset file in the OpenAI shape; a line that is not a dialogue counts as an
    empty one (so it fails validation rather than vanishing)."""
    for n, record, problem in read_lines(path, empty_ok=empty_ok):
        yield record if record is not None else {"id": f"line {n}", "messages": [], "problem": problem}
