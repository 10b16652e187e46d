"""Dataset measures, computed from the messages alone (so they apply to anyone's OpenAI-shaped data)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def read_records(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    yield json.loads(line)
                except ValueError:
                    continue


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def _distinctive(value: Any) -> bool:
    """A value specific enough that seeing it again means it was carried over, not guessed."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return abs(value) >= 10 and not float(value).is_integer() or abs(value) >= 1000
    return isinstance(value, str) and len(value) >= 4


def dialogue_stats(record: dict) -> dict[str, Any]:
    messages = record.get("messages") or []
    returned: set[str] = set()
    calls, tools, flow, parallel, clarify = 0, [], False, False, False
    for i, m in enumerate(messages):
        role = m.get("role")
        if role == "assistant" and m.get("tool_calls"):
            batch = m["tool_calls"]
            calls += len(batch)
            parallel |= len(batch) > 1
            for call in batch:
                fn = call.get("function") or {}
                tools.append(fn.get("name"))
                try:
                    args = json.loads(fn.get("arguments") or "{}")
                except ValueError:
                    continue
                flow |= any(_distinctive(v) and str(v) in returned for v in _leaves(args))
        elif role == "assistant" and "?" in (m.get("content") or "") and i + 1 < len(messages) \
                and messages[i + 1].get("role") == "user" and any(x.get("tool_calls") for x in messages[i + 2:]):
            clarify = True
        elif role == "tool":
            try:
                returned.update(str(v) for v in _leaves(json.loads(m.get("content") or "null")))
            except ValueError:
                returned.add(str(m.get("content")))
    distinct = len(set(tools))
    return {"user_turns": sum(m.get("role") == "user" for m in messages), "calls": calls, "distinct_tools": distinct,
            "multi_tool": distinct >= 2, "data_flow": flow, "parallel": parallel, "clarify": clarify,
            "tools": tools}


def quick_stats(path: Path | Iterable[dict]) -> dict[str, float] | None:
    records = read_records(path) if isinstance(path, Path) else path
    rows = [dialogue_stats(r) for r in records]
    if not rows:
        return None
    n = len(rows)
    return {"dialogues": n, **{k: sum(float(r[k]) for r in rows) / n for k in
                               ("user_turns", "calls", "distinct_tools", "multi_tool", "data_flow", "parallel", "clarify")}}
