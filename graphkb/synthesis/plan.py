"""The plan of one dialogue, written before any language: scenario, persona, turns, and for every
call where each argument comes from (the user, an earlier tool output along a graph edge, or a
schema default). The dialogue backends then only put it into words."""

from __future__ import annotations

import json
import random
import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..texts import humanize
from .values import ValueMaker

TurnKind = Literal["request", "follow_up", "clarify", "topic_shift", "chitchat", "unserved"]
STYLES = ("terse", "polite", "chatty")
UNSERVED = [
    ("order a taxi to the airport", ("taxi", "ride", "cab")),
    ("translate a paragraph into Japanese", ("translat",)),
    ("play some jazz on my speakers", ("music", "play", "song", "speaker")),
    ("renew my passport", ("passport",)),
    ("water the plants while I'm away", ("plant", "garden")),
    ("file my tax return", ("tax",)),
    ("turn off the lights in the living room", ("light", "lamp", "home")),
]


class Arg(BaseModel):
    source: Literal["user", "tool", "default"]
    value: Any = None  # decided now for user and default arguments
    call: str | None = None  # source call, for tool arguments
    field: str | None = None  # dotted path into that call's output (`items[].id`: first item)


class Call(BaseModel):
    id: str
    tool: str  # the function name offered to the model
    args: dict[str, Arg] = Field(default_factory=dict)
    error_first: bool = False  # the tool fails once, then the assistant retries


class Turn(BaseModel):
    kind: TurnKind
    intent: str
    steps: list[list[str]] = Field(default_factory=list)  # call ids; an inner list is one parallel batch
    withheld: list[str] = Field(default_factory=list)  # "call.param" the user leaves out, until asked


class Persona(BaseModel):
    name: str
    style: Literal["terse", "polite", "chatty"]


class Plan(BaseModel):
    scenario: str
    persona: Persona
    strategy: str
    shape: str
    tools: list[str]  # offered function names; the first ones are the sampled tools
    calls: list[Call]
    turns: list[Turn]

    def call(self, call_id: str) -> Call:
        return next(c for c in self.calls if c.id == call_id)

    def needed_fields(self) -> dict[str, list[str]]:
        """Output paths of each call that later arguments read."""
        needed: dict[str, list[str]] = {}
        for c in self.calls:
            for a in c.args.values():
                if a.source == "tool" and a.call and a.field:
                    needed.setdefault(a.call, []).append(a.field)
        return needed


class ToolDef(BaseModel):
    """A tool as offered in a dialogue."""

    uid: str
    name: str  # original name
    function: str  # a valid, unique function name
    description: str
    parameters: dict[str, Any]
    output: dict[str, Any] | None = None

    def openai(self) -> dict:
        return {"type": "function", "function": {"name": self.function, "description": self.description,
                                                 "parameters": self.parameters}}


def function_names(names: list[str]) -> list[str]:
    """Valid OpenAI function names (^[A-Za-z0-9_-]{1,64}$), unique within one dialogue."""
    out: list[str] = []
    for name in names:
        base = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")[:60] or "tool"
        candidate, n = base, 2
        while candidate in out:
            candidate, n = f"{base}_{n}", n + 1
        out.append(candidate)
    return out


def _steps(calls: list[Call]) -> list[list[str]]:
    """Calls grouped by dependency depth: calls in one group do not depend on each other."""
    depth: dict[str, int] = {}
    for c in calls:
        sources = [a.call for a in c.args.values() if a.source == "tool" and a.call]
        depth[c.id] = 1 + max((depth[s] for s in sources), default=-1)
    groups: dict[int, list[str]] = {}
    for c in calls:
        groups.setdefault(depth[c.id], []).append(c.id)
    return [groups[d] for d in sorted(groups)]


class Planner:
    """Builds a plan from a sampled tool combination; deterministic for a random generator."""

    def __init__(self, clarify_rate: float = 0.3, error_rate: float = 0.1, unserved_rate: float = 0.2,
                 chitchat_rate: float = 0.4, optional_rate: float = 0.3, unlinked_rate: float = 0.3,
                 wire_data_flow: bool = True):
        self.unlinked_rate, self.wire_data_flow = unlinked_rate, wire_data_flow
        self.clarify_rate, self.error_rate = clarify_rate, error_rate
        self.unserved_rate, self.chitchat_rate, self.optional_rate = unserved_rate, chitchat_rate, optional_rate

    def plan(self, sample: dict, tools: list[ToolDef], rng: random.Random, distractors: list[ToolDef] = ()) -> Plan:
        values = ValueMaker(rng)
        by_uid = {t.uid: t for t in tools}
        chain = [by_uid[u] for u in sample["tool_uids"]]
        # A tool that exchanges no data with the others has no place in the task: it joins only as a
        # topic shift, now and then, and is otherwise just offered. Parallel samples are one topic.
        linked = {n for e in sample.get("edges", []) for n in (e["source_tool"], e["target_tool"])}
        shifts: set[str] = set()  # functions of tools that join as a topic shift, each in a turn of its own
        if sample["strategy"] != "parallel":
            kept = [t for i, t in enumerate(chain)
                    if i == 0 or t.name in linked or rng.random() < self.unlinked_rate]
            shifts = {t.function for i, t in enumerate(kept) if i > 0 and t.name not in linked}
            distractors = [*[t for t in chain if t not in kept], *distractors]
            chain = kept
        calls: list[Call] = []
        call_of_tool: dict[str, str] = {}
        for i, tool in enumerate(chain):
            call = Call(id=f"c{i + 1}", tool=tool.function)
            fed = self._fed_params(tool, sample.get("edges", []), call_of_tool, chain) if self.wire_data_flow else {}
            props = tool.parameters.get("properties") or {}
            required = set(tool.parameters.get("required") or [])
            for pname, pschema in props.items():
                if pname in fed:
                    call.args[pname] = fed[pname]
                elif pname in required:
                    if isinstance(pschema, dict) and "default" in pschema and rng.random() < 0.5:
                        call.args[pname] = Arg(source="default", value=pschema["default"])
                    else:
                        call.args[pname] = Arg(source="user", value=values.for_schema(pschema, pname))
                elif rng.random() < self.optional_rate and isinstance(pschema, dict) and pschema.get("type") != "object":
                    call.args[pname] = Arg(source="user", value=values.for_schema(pschema, pname))
            call_of_tool[tool.uid] = call.id
            calls.append(call)
        if calls and rng.random() < self.error_rate:
            rng.choice(calls).error_first = True

        turns = self._turns(calls, chain, rng, shifts)
        offered = [t.function for t in chain] + [d.function for d in distractors]
        turns = self._extras(turns, offered, [*chain, *distractors], rng)
        persona = Persona(name=values.fake.first_name(), style=rng.choice(STYLES))
        purpose = " and then ".join(t.description.rstrip(".").lower() or humanize(t.name) for t in chain[:3])
        return Plan(scenario=f"{persona.name} wants to {purpose}.", persona=persona, strategy=sample["strategy"],
                    shape=sample.get("shape") or sample["strategy"], tools=offered, calls=calls, turns=turns)

    @staticmethod
    def _fed_params(tool: ToolDef, edges: list[dict], call_of_tool: dict[str, str], chain: list[ToolDef]) -> dict[str, Arg]:
        """For each parameter of `tool`, the best edge from an earlier call, if any."""
        names = {t.name: t.uid for t in chain}
        best: dict[str, tuple[float, Arg]] = {}
        props = tool.parameters.get("properties") or {}
        for e in edges:
            if e["target_tool"] != tool.name or e["target_param"] not in props:
                continue
            source_uid = names.get(e["source_tool"])
            if source_uid is None or source_uid not in call_of_tool or source_uid == tool.uid:
                continue
            arg = Arg(source="tool", call=call_of_tool[source_uid], field=e["source_field"])
            if e["score"] > best.get(e["target_param"], (-1.0, None))[0]:
                best[e["target_param"]] = (e["score"], arg)
        return {k: v[1] for k, v in best.items()}

    def _turns(self, calls: list[Call], chain: list[ToolDef], rng: random.Random, shifts: set[str]) -> list[Turn]:
        turns: list[Turn] = []
        steps = _steps([c for c in calls if c.tool not in shifts]) + [[c.id] for c in calls if c.tool in shifts]
        desc = {c.id: t.description for c, t in zip(calls, chain)}
        i = 0
        while i < len(steps):
            take = [steps[i]]
            if i + 1 < len(steps) and rng.random() < 0.25:  # sometimes the user asks for two steps at once
                take.append(steps[i + 1])
            ids = [cid for step in take for cid in step]
            intent = "; ".join(desc[cid] for cid in ids)
            flows_from_earlier = any(a.source == "tool" for cid in ids for a in _call(calls, cid).args.values())
            kind: TurnKind = "request" if not turns else ("follow_up" if flows_from_earlier else "topic_shift")
            turns.append(Turn(kind=kind, intent=intent, steps=take))
            i += len(take)
        # Some turns withhold a required argument, so the assistant must ask for it.
        candidates = [(t_i, f"{cid}.{p}") for t_i, t in enumerate(turns) for step in t.steps for cid in step
                      for p, a in _call(calls, cid).args.items() if a.source == "user"]
        if candidates and rng.random() < self.clarify_rate:
            t_i, withheld = rng.choice(candidates)
            turn = turns[t_i]
            asked = Turn(kind=turn.kind, intent=turn.intent, steps=[], withheld=[withheld])
            answer = Turn(kind="clarify", intent=f"gives the {withheld.split('.', 1)[1]} the assistant asked for",
                          steps=turn.steps, withheld=[withheld])
            turns[t_i:t_i + 1] = [asked, answer]
        return turns

    def _extras(self, turns: list[Turn], offered: list[str], tools: list[ToolDef], rng: random.Random) -> list[Turn]:
        text = " ".join(f"{t.name} {t.description}".lower() for t in tools)
        if rng.random() < self.unserved_rate:
            options = [req for req, keys in UNSERVED if not any(k in text for k in keys)]
            # never between a question for a missing value and its answer
            places = [i for i in range(1, len(turns) + 1) if not (turns[i - 1].withheld and not turns[i - 1].steps)]
            if options and places:
                turns.insert(rng.choice(places), Turn(kind="unserved", intent=rng.choice(options)))
        if rng.random() < self.chitchat_rate:
            turns.append(Turn(kind="chitchat", intent="thanks the assistant and wraps up"))
        return turns


def _call(calls: list[Call], call_id: str) -> Call:
    return next(c for c in calls if c.id == call_id)


def value_at(output: Any, path: str) -> Any:
    """The value at a dotted output path; `[]` takes the first item."""
    if path in ("$", ""):
        return output
    node = output
    for part in re.split(r"\.(?![^\[]*\])", path):
        if not part:
            continue
        if part == "[]":
            node = node[0] if isinstance(node, list) and node else None
            continue
        key, arrays = part.split("[]")[0], part.count("[]")
        node = node.get(key) if isinstance(node, dict) else None
        for _ in range(arrays):
            node = node[0] if isinstance(node, list) and node else None
        if node is None:
            return None
    return node


def ensure_path(output: Any, path: str, schema: dict | None, values: ValueMaker) -> Any:
    """Make sure `path` exists in `output` (creating it from the schema), so later calls can read it."""
    if value_at(output, path) is not None or not isinstance(output, (dict, list)):
        return output
    parts = [p for p in path.replace("[]", ".[]").split(".") if p]
    node, sub = output, schema or {}
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "[]":
            sub = sub.get("items", {}) if isinstance(sub, dict) else {}
            if not isinstance(node, list):
                return output
            if not node:
                node.append(values.for_schema(sub))
            node = node[0]
            continue
        sub = (sub.get("properties") or {}).get(part, {}) if isinstance(sub, dict) else {}
        if not isinstance(node, dict):
            return output
        if node.get(part) is None:
            if last:
                node[part] = values.for_schema(sub, part)
            else:
                node[part] = [] if parts[i + 1] == "[]" else {}
        node = node[part]
    return output


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
