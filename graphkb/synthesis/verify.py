"""Checks a dialogue in the OpenAI shape, ours or anyone's: format, arguments valid against the offered
tool schemas, every argument value grounded (said by the user, literally or the way people say it,
stated in the system message, returned by an earlier tool, or the schema's default), calls following the plan when there is one,
outputs valid against output schemas when they are known. A call the tool answered with an error is
not held to the schema (the dialogue shows the recovery), but its arguments must still be grounded.
A problem is one readable line."""

from __future__ import annotations

import json
import re
from typing import Any

from .fields import protocol_header
from .grounding import is_said, today_of
from .schemas import validator as _validator

_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})")
ROLES = {"system", "user", "assistant", "tool"}


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def _norm(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lower()


class Checker:
    def __init__(self, record: dict, output_schemas: dict[str, dict | None] | None = None):
        self.record = record
        self.output_schemas = output_schemas or {}
        self.problems: list[str] = []

    def fail(self, kind: str, message: str) -> None:
        self.problems.append(f"{kind}: {message}")

    def run(self) -> list[str]:
        tools = self._tools()
        messages = self.record.get("messages")
        if not isinstance(messages, list) or not messages:
            self.fail("format", "no messages")
            return self.problems
        said: list[str] = []  # user text so far
        returned: set[str] = set()  # tool output leaves so far
        pending: dict[str, str] = {}  # call id -> tool name, awaiting its tool message
        calls_made: list[str] = []
        self.today = today_of(next((str(m.get("content") or "") for m in messages if isinstance(m, dict)
                                    and m.get("role") == "system"), ""))
        unchecked: dict[str, tuple[str, list[str]]] = {}  # call id -> (where, schema problems) until its result
        for i, m in enumerate(messages):
            where = f"message {i + 1}"
            role = m.get("role") if isinstance(m, dict) else None
            if role not in ROLES:
                self.fail("format", f"{where}: unknown role {role!r}")
                continue
            if role == "system":  # what the system message states (today, the user's account) is known context
                said.append(str(m.get("content") or "").lower())
            elif role == "user":
                if pending:
                    self.fail("format", f"{where}: tool calls {sorted(pending)} were never answered")
                    pending.clear()
                said.append(str(m.get("content") or "").lower())
            elif role == "assistant":
                for call in m.get("tool_calls") or []:
                    name, schema_problems = self._check_call(call, where, tools, " ".join(said), returned)
                    if name:
                        pending[call.get("id")] = name
                        calls_made.append(name)
                        unchecked[call.get("id")] = (where, schema_problems)
                if not m.get("tool_calls") and not (m.get("content") or "").strip():
                    self.fail("format", f"{where}: assistant message with neither content nor tool calls")
            elif role == "tool":
                tid = m.get("tool_call_id")
                if tid not in pending:
                    self.fail("format", f"{where}: tool message answers unknown call {tid!r}")
                    continue
                name = pending.pop(tid)
                failed = self._check_output(name, m.get("content"), where, returned)
                _, schema_problems = unchecked.pop(tid, ("", []))
                if not failed:  # a call the tool rejected shows the recovery; it need not fit the schema
                    self.problems.extend(schema_problems)
        if pending:
            self.fail("format", f"tool calls {sorted(pending)} were never answered")
            for _, schema_problems in unchecked.values():
                self.problems.extend(schema_problems)
        if messages[-1].get("role") != "assistant" or messages[-1].get("tool_calls"):
            self.fail("format", "the dialogue does not end with an assistant answer")
        self._check_plan(calls_made)
        return self.problems

    def _tools(self) -> dict[str, dict]:
        out = {}
        for t in self.record.get("tools") or []:
            fn = t.get("function") if isinstance(t, dict) else None
            if t.get("type") != "function" or not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
                self.fail("format", f"tool definition {t!r:.80} is not an OpenAI function tool")
                continue
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", fn["name"]):
                self.fail("format", f"tool name {fn['name']!r} is not a valid function name")
            out[fn["name"]] = fn.get("parameters") or {"type": "object", "properties": {}}
        return out

    def _check_call(self, call: dict, where: str, tools: dict, said: str, returned: set[str]) -> tuple[str | None, list[str]]:
        fn = call.get("function") if isinstance(call, dict) else None
        if call.get("type") != "function" or not isinstance(fn, dict) or not call.get("id"):
            self.fail("format", f"{where}: malformed tool call {call!r:.80}")
            return None, []
        name = fn.get("name")
        if name not in tools:
            self.fail("schema", f"{where}: calls {name!r}, which is not offered")
            return None, []
        raw = fn.get("arguments")
        try:
            args = raw if isinstance(raw, dict) else json.loads(raw or "{}")
        except (TypeError, ValueError):
            self.fail("format", f"{where}: arguments of {name} are not JSON")
            return name, []
        if not isinstance(args, dict):
            self.fail("format", f"{where}: arguments of {name} are not a JSON object")
            return name, []
        schema = tools[name]
        validator = _validator(schema)
        schema_problems: list[str] = []
        if validator is None:
            self.fail("schema", f"{where}: the parameters schema of {name} is not valid JSON Schema")
        else:
            for error in sorted(validator.iter_errors(args), key=lambda e: list(e.path))[:3]:
                path = ".".join(str(p) for p in error.path) or "(arguments)"
                schema_problems.append(f"schema: {where}: {name} {path}: {error.message[:160]}")
        props = schema.get("properties") or {}
        for key, value in args.items():
            pschema = props.get(key) if isinstance(props.get(key), dict) else {}
            for leaf in _leaves(value):
                if not self._grounded(leaf, pschema, said, returned, protocol_header(key)):
                    self.fail("grounding", f"{where}: {name} {key}={leaf!r} was not said, returned or defaulted")
        return name, schema_problems

    def _grounded(self, leaf: Any, pschema: dict, said: str, returned: set[str], protocol: bool = False) -> bool:
        if leaf is None or isinstance(leaf, bool):
            return True
        text = _norm(leaf)
        if text in returned or (pschema.get("default") is not None and text == _norm(pschema.get("default"))):
            return True
        if "const" in pschema and text == _norm(pschema["const"]):
            return True
        if protocol and text in {_norm(v) for v in pschema.get("enum") or []}:
            return True  # a header the client sets (Accept-Encoding: gzip), as its schema allows
        return bool(text) and is_said(leaf, said, self.today)

    def _check_output(self, name: str, content: Any, where: str, returned: set[str]) -> bool:
        """Checks a tool result; True when it is an error (the call failed)."""
        try:
            output = json.loads(content) if isinstance(content, str) else content
        except ValueError:
            returned.add(_norm(content))
            return False
        failed = isinstance(output, dict) and "error" in output and len(output) <= 2
        if not failed:
            for leaf in _leaves(output):
                returned.add(_norm(leaf))
                # the date and the time of a returned date-time are returned too
                if isinstance(leaf, str) and (m := _DATETIME.match(leaf)):
                    returned.update({m.group(1), m.group(2)})
        schema = self.output_schemas.get(name)
        if not schema or failed:
            return failed
        validator = _validator(schema)
        if validator is not None:
            for error in list(validator.iter_errors(output))[:2]:
                self.fail("output", f"{where}: output of {name} at {'.'.join(map(str, error.path)) or '(root)'}: "
                                    f"{error.message[:160]}")
        return False

    def _check_plan(self, calls_made: list[str]) -> None:
        plan = self.record.get("plan")
        if not isinstance(plan, dict) or "calls" not in plan:
            return
        expected = []
        by_id = {c["id"]: c for c in plan["calls"]}
        for turn in plan.get("turns", []):
            for step in turn.get("steps", []):
                for cid in step:  # a transient or validation error: the failing attempt comes first
                    if (by_id[cid].get("failure") or {}).get("kind") in ("transient", "validation"):
                        expected.append(by_id[cid]["tool"])
                expected.extend(by_id[cid]["tool"] for cid in step)
            if turn.get("fails"):
                expected.append(by_id[turn["fails"]]["tool"])
        if calls_made != expected:
            self.fail("plan", f"calls {calls_made} do not follow the plan's {expected}")


def check_record(record: dict, output_schemas: dict[str, dict | None] | None = None) -> list[str]:
    return Checker(record, output_schemas).run()
