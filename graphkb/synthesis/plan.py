"""The plan of one dialogue, written before any language: the world it happens in, the user's goal,
the calls in the order a person would make them with every argument's source and value, the
results (simulated from the world, with state), the choices the user makes among results, the tool
errors and how they are recovered from, and the turns. The backends then only put it into words.

A goal comes first: the sampled tools are ordered as a person would use them (look up, choose, read
details, act), a create is not undone at once unless the plan gives a reason, an update changes
something besides the identifier, identifiers the user would not know are found through a lookup,
and combinations that cannot make a sensible goal are skipped (and counted)."""

from __future__ import annotations

import copy
import json
import random
from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr

from ..texts import CONTAINERS, name_key, words
from .fields import Kind, classify, compatible, parent_entity, protocol_header, schema_at
from .grounding import say
from .schemas import is_valid
from .simulate import CallContext, Simulator, ToolInfo, arg_kinds, list_lengths, set_at, split_path, value_at
from .values import Scope, Values
from .world import World

TurnKind = Literal["request", "choose", "follow_up", "clarify", "topic_shift", "correct", "question", "retry",
                   "chitchat", "unserved"]
Reason = Literal["cheapest", "earliest", "latest", "best_rated", "named", "position", "only"]
FailureKind = Literal["transient", "validation", "not_found", "empty"]
STYLES = ("terse", "polite", "chatty")
# Requests no tool and no chat assistant can serve: things in the physical world.
UNSERVED = ("water my plants while I'm away", "pick up my dry cleaning", "walk the dog this evening",
            "fix the leaking tap in my kitchen", "carry my suitcase down to the car", "feed my cat tonight",
            "bring me a coffee", "mow the lawn on Saturday", "hold my place in the queue at the post office")
# Identifiers people have from an email or a receipt; other ids are found through a lookup.
HELD_IDS = {"booking", "reservation", "order", "ticket", "confirmation", "tracking", "invoice", "reference", "case",
            "policy", "membership", "pnr", "receipt", "shipment", "parcel", "claim", "voucher", "coupon", "promo",
            "username", "phone", "email"}
TRAVEL = {"flight", "hotel", "trip", "stay", "room", "airport", "fare", "rental", "car", "train", "itinerary",
          "lodging", "accommodation", "property", "tour", "destination"}
UNDO_ENTITIES = {"return", "refund", "cancellation", "dispute", "chargeback", "complaint"}
# Verbs that finish a container, and verbs that fill one.
FINISH = {"check out", "checkout", "submit", "place", "finalize", "finalise", "close", "publish", "send", "pay",
          "confirm"}
FILL = {"add", "attach", "insert", "upload", "put", "append"}


class Arg(BaseModel):
    source: Literal["user", "tool", "default"]
    value: Any = None
    call: str | None = None  # source call, for tool arguments
    field: str | None = None  # dotted path into that call's output
    picks: list[int] | None = None  # the item taken at each `[]` of the path
    said: str | None = None  # how the user says it, when not literally ("this Friday")


class Failure(BaseModel):
    """A tool error the dialogue recovers from."""

    kind: FailureKind
    args: dict[str, Any]  # the arguments of the failing attempt
    output: Any  # what the tool answered
    param: str | None = None  # the argument at fault (validation, not found) or dropped (empty)


class Call(BaseModel):
    id: str
    tool: str  # the function name offered to the model
    op: str = "action"
    entity: str = "item"
    args: dict[str, Arg] = Field(default_factory=dict)
    output: Any = None
    failure: Failure | None = None
    corrects: str | None = None  # the id of an earlier attempt the user corrected a value of

    def values(self) -> dict[str, Any]:
        return {k: a.value for k, a in self.args.items()}


class Choice(BaseModel):
    """The user (or the assistant, on a criterion the user gave) picks one of several results."""

    call: str  # the call whose results are chosen from
    path: str  # the list in its output
    index: int
    count: int  # how many there were
    reason: Reason
    by: Literal["user", "assistant"]
    item: dict[str, Any] = Field(default_factory=dict)  # the chosen item's salient fields


class Turn(BaseModel):
    kind: TurnKind
    intent: str  # what the user wants in this turn, in plain words (for chat models)
    steps: list[list[str]] = Field(default_factory=list)  # call ids; an inner list is one parallel batch
    withheld: list[str] = Field(default_factory=list)  # "call.param" the user leaves out, until asked
    gives: list[str] = Field(default_factory=list)  # "call.param" this turn gives (an answer to a question)
    choices: list[Choice] = Field(default_factory=list)  # results the calls of this turn read from
    about: str | None = None  # the call a question or correction is about
    asks: str | None = None  # the output field a question asks for
    fails: str | None = None  # a call whose first attempt fails at the end of this turn (not found, empty)


class Persona(BaseModel):
    name: str
    style: Literal["terse", "polite", "chatty"]


class Plan(BaseModel):
    goal: str
    persona: Persona
    world: dict[str, Any]
    today: str
    strategy: str
    shape: str
    tools: list[str]  # offered function names; the first ones are the sampled tools
    calls: list[Call]
    turns: list[Turn]
    notes: list[str] = Field(default_factory=list)  # what planning changed (dropped calls, lookups added)

    @property
    def scenario(self) -> str:
        return self.goal

    def call(self, call_id: str) -> Call:
        return next(c for c in self.calls if c.id == call_id)

    def asked(self, turn: Turn) -> list[list[str]]:
        """The calls a user turn asks for: its own, those it ends failing with, or, for a turn that holds a
        value back, those of the answer that follows."""
        steps = list(turn.steps)
        if turn.fails:
            steps.append([turn.fails])
        if not steps and turn.withheld:
            i = next(i for i, t in enumerate(self.turns) if t is turn)
            answer = next((t for t in self.turns[i + 1:] if t.kind == "clarify" and t.gives == turn.withheld), None)
            steps = list(answer.steps) + ([[answer.fails]] if answer and answer.fails else []) if answer else []
        return steps


class ToolDef(BaseModel):
    """A tool as offered in a dialogue."""

    uid: str
    name: str  # original name
    function: str  # a valid, unique function name
    description: str
    parameters: dict[str, Any]
    output: dict[str, Any] | None = None
    op: str = "action"
    entity: str = "item"
    endpoint: str | None = None
    _info: ToolInfo | None = PrivateAttr(default=None)

    def openai(self) -> dict:
        return {"type": "function", "function": {"name": self.function, "description": self.description,
                                                 "parameters": self.parameters}}

    def info(self) -> ToolInfo:
        if self._info is None:
            self._info = ToolInfo(self.function, self.op, self.entity, self.parameters, self.output, self.description,
                                  endpoint=self.endpoint)
        return self._info


class Unplannable(Exception):
    """The sampled tools cannot make a sensible goal (the reason says why); the sample is skipped."""


def function_names(names: list[str]) -> list[str]:
    """Valid OpenAI function names (^[A-Za-z0-9_-]{1,64}$), unique within one dialogue."""
    import re

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
        sources = [a.call for a in c.args.values() if a.source == "tool" and a.call and a.call in depth]
        depth[c.id] = 1 + max((depth[s] for s in sources), default=-1)
    groups: dict[int, list[str]] = {}
    for c in calls:
        groups.setdefault(depth[c.id], []).append(c.id)
    return [groups[d] for d in sorted(groups)]


def field_kind(tool: ToolDef, path: str) -> Kind:
    """The kind of an output field of a tool, by its path."""
    parts = [p for p in path.replace("[]", "").split(".") if p and p != "$"]
    parent = parent_entity(parts[-2], tool.entity.split()[-1]) if len(parts) >= 2 else tool.entity.split()[-1]
    return classify(parts[-1] if parts else "value", schema_at(tool.output, path), parent, tool.entity.split()[-1])


# The user's own account: its ids are context an assistant has (the system message states them).
OWN = {"customer", "user", "account", "member", "profile", "patient", "subscriber", "client", "buyer", "me",
       "project", "workspace", "tenant", "organization", "organisation", "org", "consumer"}


def own_id(kind: Kind, name: str) -> bool:
    return kind.name == "id" and (kind.entity in OWN or bool(set(words(name)[:-1]) & OWN))


def in_context(kind: Kind, name: str) -> bool:
    """Values the assistant has without asking: the user's own account ids and the credentials its
    tools take (an api_key, an access token, an `x-...-id` header). The system message states them."""
    return own_id(kind, name) or kind.name == "token" or (name.lower().startswith("x-") and kind.name == "id")


def _names_the_subject(kind: Kind, tool: ToolDef) -> bool:
    """A code or id naming the thing a call is about: a spec's "default" for it is an example, not
    something an assistant may assume."""
    return kind.name == "code" or (kind.name == "id" and kind.entity in words(tool.entity))


# Details people add unasked, of kinds whose values mean something (a city, a date, a budget); an
# option of unknown meaning (`tombstone_ttl`) is only set when the tool requires it.
DETAIL_KINDS = {"city", "iata", "date", "datetime", "time", "count", "money", "rating", "person_name", "first_name",
                "last_name", "email", "phone", "query", "language", "currency", "country_code", "duration", "title",
                "label", "address", "street", "postcode", "year", "month", "percent", "distance", "temperature", "age",
                "color", "gender", "company", "state"}
FLAG_WORDS = {"include", "with", "show", "exclude", "hide", "only", "is", "has", "allow", "enable", "private",
              "public", "free", "direct", "nonstop", "available", "refundable", "verified", "open", "active"}


AUTH_WORDS = {"token", "oauth", "oauth2", "auth", "authorization", "authorize", "authenticate", "authentication",
              "login", "logout", "signin", "session", "credential", "credentials"}


def is_auth_step(tool: ToolDef) -> bool:
    """Getting or refreshing an access token, signing in: the client does it; nobody asks for it."""
    return bool(set(words(tool.entity)) & AUTH_WORDS or set(words(tool.name)) & AUTH_WORDS)


def sayable_flag(name: str) -> bool:
    """Whether people would ask for a yes/no option (`only_available`, `nonstop`), not a switch of the
    API's (`raw`, `pretty`)."""
    return bool(set(words(name)) & FLAG_WORDS)


def sayable(kind: Kind, name: str) -> bool:
    """Whether a person would have this value to say (else it is found through a lookup)."""
    if kind.name == "id":
        return bool(set(words(name)) & HELD_IDS or kind.entity in HELD_IDS)
    return kind.name not in ("latitude", "longitude", "timestamp", "token", "password", "ip", "image_url")


class Planner:
    """Builds a plan from a sampled tool combination; deterministic for a random generator."""

    def __init__(self, clarify_rate: float = 0.3, unserved_rate: float = 0.03, chitchat_rate: float = 0.3,
                 optional_rate: float = 0.3, unlinked_rate: float = 0.15, question_rate: float = 0.2,
                 correct_rate: float = 0.06, failure_rates: dict[str, float] | None = None,
                 wire_data_flow: bool = True, user_choice_rate: float = 0.65):
        self.clarify_rate, self.unserved_rate, self.chitchat_rate = clarify_rate, unserved_rate, chitchat_rate
        self.optional_rate, self.unlinked_rate, self.question_rate = optional_rate, unlinked_rate, question_rate
        self.correct_rate, self.wire_data_flow, self.user_choice_rate = correct_rate, wire_data_flow, user_choice_rate
        self.failure_rates = failure_rates if failure_rates is not None else {
            "transient": 0.05, "validation": 0.05, "not_found": 0.04, "empty": 0.05}

    # ---- the plan --------------------------------------------------------------------------------
    def plan(self, sample: dict, tools: list[ToolDef], rng: random.Random, distractors: list[ToolDef] = (),
             lookups: dict[str, list[tuple[ToolDef, str]]] | None = None) -> Plan:
        world = World.create(rng)
        values = Values(world)
        sim = Simulator(world, values)
        by_uid = {t.uid: t for t in tools}
        chain = [by_uid[u] for u in sample["tool_uids"] if u in by_uid]
        notes: list[str] = []
        linked = {n for e in sample.get("edges", []) for n in (e["source_tool"], e["target_tool"])}
        shifts: set[str] = set()
        distractors = list(distractors)
        if sample["strategy"] != "parallel":  # a tool that exchanges no data joins only as a topic shift
            kept = [t for i, t in enumerate(chain) if i == 0 or t.name in linked or rng.random() < self.unlinked_rate]
            shifts = {t.function for i, t in enumerate(kept) if i > 0 and t.name not in linked}
            distractors = [*[t for t in chain if t not in kept], *distractors]
            chain = kept

        calls = self._wire(chain, sample.get("edges", []), rng)
        calls, chain, dropped = self._make_sense(calls, chain, rng, notes)
        distractors = [*dropped, *distractors]
        calls, chain = self._add_lookups(calls, chain, lookups or {}, rng, notes)
        before = len(calls)
        calls = self._fill_before_finish(calls, {t.function: t for t in chain}, notes, distractors)
        if len(calls) < before:  # what read from a dropped call is asked of the user instead
            kept = {c.id for c in calls}
            for call in calls:
                for name, arg in list(call.args.items()):
                    if arg.source == "tool" and arg.call not in kept:
                        call.args[name] = Arg(source="user")
            chain = [t for t in chain if any(c.tool == t.function for c in calls)]
        if not calls:
            raise Unplannable("no call is left once the combination is made sensible")
        if sample["strategy"] != "parallel":  # what exchanges no data is a topic shift; one at most
            sources = {a.call for c in calls for a in c.args.values() if a.source == "tool"}
            loose = [c for c in calls[1:] if c.id not in sources and not any(a.source == "tool" for a in c.args.values())]
            for extra in loose[1:]:
                calls.remove(extra)
                notes.append(f"dropped {extra.tool}: a second unrelated request")
                distractors.insert(0, next(t for t in chain if t.function == extra.tool))
            shifts = {c.tool for c in loose[:1]}
            chain = [t for t in chain if any(c.tool == t.function for c in calls)]
        tools_by_fn = {t.function: t for t in chain}
        self._window(world, chain)
        travel = any(set(words(t.entity)) & TRAVEL for t in chain)
        stated: dict[tuple, Arg] = {}  # the same thing asked twice is the same value (a trip's dates, its city)
        for call in calls:
            self._user_values(call, tools_by_fn[call.tool], values, world, rng, travel, stated)
        self._correction(calls, tools_by_fn, rng, world)
        choices = self._execute(calls, tools_by_fn, sim, world, rng, values)
        self._failures(calls, tools_by_fn, values, world, rng)
        turns = self._turns(calls, tools_by_fn, choices, shifts, rng, world, sample["strategy"] == "parallel")
        offered = [t.function for t in chain] + [d.function for d in distractors]
        turns = self._extras(turns, calls, [*chain, *distractors], rng)
        persona = Persona(name=world.user.name, style=rng.choice(STYLES))
        return Plan(goal=self._goal(world, calls, tools_by_fn), persona=persona, world=world.facts(),
                    today=world.today.isoformat(), strategy=sample["strategy"],
                    shape=sample.get("shape") or sample["strategy"], tools=offered, calls=calls, turns=turns,
                    notes=notes)

    # ---- wiring ------------------------------------------------------------------------------------
    def _wire(self, chain: list[ToolDef], edges: list[dict], rng: random.Random) -> list[Call]:
        calls: list[Call] = []
        call_of_tool: dict[str, str] = {}
        names = {t.name: t.uid for t in chain}
        by_uid = {t.uid: t for t in chain}
        for i, tool in enumerate(chain):
            call = Call(id=f"c{i + 1}", tool=tool.function, op=tool.op, entity=tool.entity)
            props = tool.parameters.get("properties") or {}
            required = set(tool.parameters.get("required") or [])
            fed: dict[str, tuple[float, Arg]] = {}
            if self.wire_data_flow:
                for e in edges:
                    if e["target_tool"] != tool.name or e["target_param"] not in props:
                        continue
                    src = names.get(e["source_tool"])
                    if src is None or src not in call_of_tool or src == tool.uid:
                        continue
                    if not compatible(field_kind(by_uid[src], e["source_field"]), arg_kinds(tool.info())[e["target_param"]]):
                        continue  # an edge the values would contradict (a calendar's name for a contact's)
                    if e["score"] > fed.get(e["target_param"], (-1.0, None))[0]:
                        fed[e["target_param"]] = (e["score"], Arg(source="tool", call=call_of_tool[src],
                                                                  field=e["source_field"]))
            kinds = arg_kinds(tool.info())
            implied = _implied_required(tool, props, kinds)
            if not tool.parameters.get("required"):
                required = implied
            elif not any(kinds[n].name == "id" and not in_context(kinds[n], n) for n in required if n in kinds):
                required |= {n for n in implied if kinds[n].name == "id"}  # only a key required: what it acts on too
            by_source: dict[tuple, str] = {}
            for pname, (score, arg) in sorted(fed.items(), key=lambda x: -x[1][0]):
                key = (arg.call, arg.field)
                if key in by_source:  # one value cannot be both ends (a rate from euros to euros)
                    del fed[pname]
                else:
                    by_source[key] = pname
            optional_said = 0
            for pname, pschema in props.items():
                pschema = pschema if isinstance(pschema, dict) else {}
                if pname in fed:
                    call.args[pname] = fed[pname][1]
                elif protocol_header(pname):  # set by the client, as its schema allows
                    value = pschema.get("default", (pschema.get("enum") or [None])[0])
                    if value is not None:
                        call.args[pname] = Arg(source="default", value=value)
                    elif pname in required:
                        call.args[pname] = Arg(source="user")
                elif pname in required:
                    if "default" in pschema and is_valid(pschema["default"], pschema) and rng.random() < 0.5 \
                            and not _names_the_subject(kinds[pname], tool):
                        call.args[pname] = Arg(source="default", value=pschema["default"])
                    else:
                        call.args[pname] = Arg(source="user")
                elif optional_said < 2 and rng.random() < self.optional_rate and pschema.get("type") != "object" \
                        and not (pschema.get("type") == "array" and isinstance(pschema.get("items"), dict)
                                 and pschema["items"].get("type") in ("object", "array")) and \
                        kinds[pname].name not in ("paging", "token", "password") and sayable(kinds[pname], pname) \
                        and not set(words(pname)) & PLUMBING and not (kinds[pname].name == "category" and any(
                            k.name == "query" for k in kinds.values())) and (
                        pschema.get("type") != "boolean" or sayable_flag(pname)) and (
                        kinds[pname].name in DETAIL_KINDS or pschema.get("enum") or pschema.get("type") == "boolean"):
                    call.args[pname] = Arg(source="user")
                    optional_said += 1  # people add a detail or two, not every option a tool has
            people = [n for n in call.args if kinds[n].name in ("person_name", "email", "phone", "username",
                                                                  "first_name", "last_name")]
            if any(call.args[n].source == "user" for n in people):
                for n in people:  # a guest's name from the user and their phone from someone else's card disagree
                    if call.args[n].source == "tool":
                        call.args[n] = Arg(source="user")
            call_of_tool[tool.uid] = call.id
            calls.append(call)
        return calls

    def _make_sense(self, calls: list[Call], chain: list[ToolDef], rng: random.Random, notes: list[str]):
        """Drop what no person would do: undo what was just made or bought, finish a container nothing was
        put in, update nothing; and put filling a container before finishing it."""
        from .language import tool_verb

        by_fn = {t.function: t for t in chain}
        keep: list[Call] = []
        dropped: list[ToolDef] = []
        writes = {c.id for c in calls if c.op in ("create", "update")}
        for call in calls:
            tool = by_fn[call.tool]
            sources = {a.call for a in call.args.values() if a.source == "tool"}
            verb = tool_verb(tool)
            reverses = tool.op in ("delete", "cancel") or set(words(tool.entity)) & UNDO_ENTITIES \
                or verb in ("refund", "cancel", "remove", "delete", "void", "return")
            made_here = sources & writes & {c.id for c in keep}
            if is_auth_step(tool):
                notes.append(f"dropped {call.tool}: signing in is the client's job, not the user's request")
                dropped.append(tool)
                continue
            if reverses and made_here and rng.random() >= 0.05:
                notes.append(f"dropped {call.tool}: it would undo what was just done")
                dropped.append(tool)
                continue
            if tool.op == "update":
                kinds = arg_kinds(tool.info())
                changes = [n for n in call.args if kinds[n].name != "id"]
                if not changes and verb not in FINISH:
                    options = [n for n, k in kinds.items() if k.name not in ("id", "paging", "token", "password")
                               and n not in call.args and sayable(k, n)
                               and (tool.parameters.get("properties") or {}).get(n, {}).get("type") != "object"]
                    if not options:
                        notes.append(f"dropped {call.tool}: an update with nothing to change")
                        dropped.append(tool)
                        continue
                    call.args[rng.choice(options)] = Arg(source="user")
            keep.append(call)
        keep = self._fill_before_finish(keep, by_fn, notes, dropped)
        kept_ids = {c.id for c in keep}
        for call in keep:  # arguments read from a dropped call are asked of the user instead
            for name, arg in list(call.args.items()):
                if arg.source == "tool" and arg.call not in kept_ids:
                    call.args[name] = Arg(source="user")
        return keep, [t for t in chain if t not in dropped], dropped

    @staticmethod
    def _fill_before_finish(calls: list[Call], by_fn: dict[str, ToolDef], notes: list[str],
                            dropped: list[ToolDef]) -> list[Call]:
        """A cart (or any container) made here is filled before it is checked out; one never filled is not
        checked out at all."""
        from .language import tool_verb

        made = {c.id for c in calls if c.op == "create"}
        out = list(calls)
        for call in calls:
            verb = tool_verb(by_fn[call.tool])
            if verb not in FINISH:
                continue
            container = {a.call for a in call.args.values() if a.source == "tool"} & made
            if not container:
                continue
            after = _downstream(out, call.id)  # what needs this call's result cannot come before it
            fillers = [c for c in out if c is not call and c.id not in after and tool_verb(by_fn[c.tool]) in FILL
                       and {a.call for a in c.args.values() if a.source == "tool"} & container]
            if not fillers:
                out.remove(call)
                dropped.append(by_fn[call.tool])
                notes.append(f"dropped {call.tool}: nothing was put in it")
                continue
            last = max(out.index(f) for f in fillers)
            if out.index(call) < last:  # finish after the last fill
                out.remove(call)
                out.insert(last, call)
        return _topological(out)

    def _add_lookups(self, calls: list[Call], chain: list[ToolDef], lookups: dict[str, list[tuple[ToolDef, str]]],
                     rng: random.Random, notes: list[str]):
        """A value the user would not know (an id, coordinates) comes from a lookup: a search, list, read or
        action whose output has it, already in the plan or added before the call. The user's own account
        ids are known context (the system message states them)."""
        by_fn = {t.function: t for t in chain}
        out_calls: list[Call] = []
        out_chain = list(chain)
        n = max((int(c.id[1:]) for c in calls if c.id[1:].isdigit()), default=0)
        for call in calls:
            tool = by_fn[call.tool]
            kinds = arg_kinds(tool.info())
            for name, arg in list(call.args.items()):
                schema = (tool.parameters.get("properties") or {}).get(name)
                if arg.source == "user" and _holds_unknown_id(schema, name, tool.entity):
                    if name in set(tool.parameters.get("required") or []):
                        raise Unplannable(f"{call.tool}.{name}: holds an identifier the user would not know")
                    del call.args[name]
                    continue
                if arg.source != "user" or sayable(kinds[name], name) or in_context(kinds[name], name):
                    continue
                required = name in set(tool.parameters.get("required") or [])
                options = [(t, f) for t, f in lookups.get(f"{tool.uid}.{name}", [])
                           if compatible(field_kind(t, f), kinds[name])]
                earlier = next(((c, f) for t, f in options for c in out_calls if c.tool == t.function), None)
                if earlier is not None:  # a call already made has it
                    call.args[name] = Arg(source="tool", call=earlier[0].id, field=earlier[1])
                    continue
                fresh = [(t, f) for t, f in options if t.function not in by_fn and not
                         (t.op == "create" and tool.op in ("delete", "cancel"))]
                usable = None
                for look, path in fresh:
                    look_kinds = arg_kinds(look.info())
                    needs = [p for p in look.parameters.get("required") or []]
                    if all(sayable(look_kinds[p], p) or in_context(look_kinds[p], p) for p in needs):
                        usable = (look, path, needs)
                        break
                if usable is None:
                    if required:
                        raise Unplannable(f"{call.tool}.{name}: an identifier the user would not know, and no lookup")
                    del call.args[name]
                    continue
                look, path, needs = usable
                n += 1
                lookup = Call(id=f"c{n}", tool=look.function, op=look.op, entity=look.entity)
                for pname in needs:
                    lookup.args[pname] = Arg(source="user")
                out_calls.append(lookup)
                out_chain.append(look)
                by_fn[look.function] = look
                call.args[name] = Arg(source="tool", call=lookup.id, field=path)
                notes.append(f"added {look.function} to find {name} for {call.tool}")
            out_calls.append(call)
        return out_calls, out_chain

    # ---- values and results --------------------------------------------------------------------------
    @staticmethod
    def _window(world: World, chain: list[ToolDef]) -> None:
        ents = {w for t in chain for w in words(t.entity)}
        if ents & TRAVEL:
            world.plan_window((5, 60), (2, 9))
        elif ents & {"event", "meeting", "appointment", "slot", "reservation", "table", "class", "session", "task",
                     "reminder", "alarm", "calendar"}:
            world.plan_window((0, 12), (0, 4))
        else:
            world.plan_window((0, 21), (0, 10))

    def _user_values(self, call: Call, tool: ToolDef, values: Values, world: World, rng: random.Random,
                     travel: bool, stated: dict[tuple, Arg]) -> None:
        props = tool.parameters.get("properties") or {}
        kinds = arg_kinds(tool.info())
        others = {"contact", "person", "people", "recipient", "friend", "employee", "member", "attendee", "invitee"}
        scope = Scope(entity=tool.entity.split()[-1], self_person=not set(words(tool.entity)) & others,
                      place_role="destination" if travel and not set(words(tool.entity)) & {"flight", "airport", "fare"}
                      else "")
        for name, arg in call.args.items():
            if arg.source != "user":
                continue
            schema = props.get(name) if isinstance(props.get(name), dict) else {}
            kind = kinds[name]
            key = (kind.name, kind.role, kind.stem, "" if kind.name in SHARED_KINDS
                   else f"{tool.entity}:{name_key(words(name))}")
            earlier = stated.get(key)
            if earlier is not None and _fits_schema(earlier.value, schema):
                arg.value, arg.said = copy.deepcopy(earlier.value), earlier.said
                continue
            if own_id(kind, name):
                arg.value = world.own_id(kind.entity if kind.entity in OWN else "customer", values, schema)
            elif in_context(kind, name) and kind.name == "id":  # a header's id: the integration's own
                arg.value = world.credential(name, values.new_id(kind.entity, schema, schema.get("type")))
            elif kind.name == "token":
                arg.value = world.credential(name, values.scalar(kind, schema, name, scope))
            elif kind.name == "query":
                arg.value = values.search_term(tool.entity)
            else:
                arg.value = values.for_schema(schema, name, scope, scope.entity, lean=True)
            if kind.name in ("money",) and kind.role == "max" and isinstance(arg.value, (int, float)):
                arg.value = type(arg.value)(round(arg.value * 1.6, -1) or 50)  # a budget is a round number
            if kind.name == "rating" and kind.role == "min" and isinstance(arg.value, (int, float)):
                arg.value = type(arg.value)(min(4, int(arg.value)))
            start = next((a for k, a in stated.items() if k[:3] == (kind.name, "start", kind.stem)), None) \
                if kind.role == "end" and kind.name in ("date", "datetime") else None
            if start is not None and isinstance(start.value, str) and isinstance(arg.value, str) \
                    and arg.value[:10] <= start.value[:10]:  # until after the start the user gave before
                arg.value = _later(arg.value, start.value, rng.randint(2, 6))
            if kind.name in ("date", "datetime", "time") or rng.random() < 0.6:  # nobody says 2026-12-04T09:15
                arg.said = say(arg.value, kind.name, world.today, rng)
            stated[key] = arg
        _order_spans(call, kinds, world, rng)
        _distinct_ends(call, kinds, world, values)

    def _execute(self, calls: list[Call], tools: dict[str, ToolDef], sim: Simulator, world: World,
                 rng: random.Random, values: Values) -> dict[str, Choice]:
        """Run the calls in order against the world; choose among results where a later call reads a list."""
        needed: dict[str, list[str]] = {}
        for c in calls:
            for a in c.args.values():
                if a.source == "tool" and a.call and a.field:
                    needed.setdefault(a.call, []).append(a.field)
        choices: dict[str, Choice] = {}
        done: dict[str, Call] = {}
        tools_by_fn_all = tools
        for call in calls:
            tool = tools[call.tool]
            props = tool.parameters.get("properties") or {}
            kinds_of = arg_kinds(tool.info())
            for name, arg in call.args.items():
                if arg.source != "tool":
                    continue
                source = done[arg.call]
                if "[]" in (arg.field or ""):
                    key = f"{arg.call}:{split_path(arg.field)[0]}"
                    choice = choices.get(key) or self._choose(source, arg.field, rng)
                    if choice is not None:
                        choices.setdefault(key, choice)
                    arg.picks = [choice.index if choice else 0] + [0] * 4
                value = value_at(source.output, arg.field or "$", arg.picks)
                value = _as_kind(value, kinds_of[name])
                want = (props.get(name) or {}).get("type")
                if want == "array" and value is not None and not isinstance(value, list):
                    value = [value]
                elif want == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
                    value = str(value)
                elif want in ("integer", "number") and isinstance(value, list) and value:
                    value = value[0]
                schema = props.get(name) if isinstance(props.get(name), dict) else {}
                source_kind = field_kind(tools_by_fn_all[source.tool], arg.field or "")
                vague = source_kind.name == "word" and kinds_of[name].name not in ("word",)
                if value is not None and not _fits_schema(value, schema) and not vague \
                        and not compatible(source_kind, kinds_of[name]):
                    value = None  # a value of another kind: this output does not feed that parameter
                if value is not None and (not _fits_schema(value, schema) or vague):
                    # the result that feeds this parameter holds a value it accepts (nothing is shown yet)
                    # (a field of unknown meaning takes the meaning of the parameter it feeds)
                    fitting = values.for_schema(schema, name, Scope(entity=source.entity.split()[-1]))
                    inner = fitting[0] if isinstance(fitting, list) and not isinstance(value, list) and fitting else fitting
                    before = value_at(source.output, arg.field or "$", arg.picks)
                    source_schema = tools_by_fn_all[source.tool].output or {}
                    if set_at(source.output, arg.field or "$", arg.picks, inner):
                        if _fits_schema(source.output, source_schema):
                            value = fitting
                        else:  # what fits the parameter breaks the result's own schema: no data flow here
                            set_at(source.output, arg.field or "$", arg.picks, before)
                            value = None
                if value is None:  # this output does not feed the parameter after all: the user says it
                    arg.source, arg.call, arg.field, arg.picks = "user", None, None, None
                    value = values.for_schema(schema, name, Scope(entity=tool.entity.split()[-1]))
                arg.value = value
            _order_spans(call, kinds_of, world, rng)  # a start read from a result: the user's end follows it
            ctx = CallContext(tool.info(), call.values(), needed=needed.get(call.id, []))
            if any(set(split_path(p)[:1]) for p in ctx.needed if "[]" in p):
                ctx.items = rng.choices([2, 3, 4, 5], weights=[3, 4, 3, 2])[0]
            call.output = sim.run(ctx)
            done[call.id] = call
        return choices

    def _choose(self, source: Call, field: str, rng: random.Random) -> Choice | None:
        lengths = list_lengths(source.output, field)
        if not lengths:
            return None
        count = lengths[0]
        parts = split_path(field)
        list_path = ".".join(parts[: parts.index("[]")]) if "[]" in parts else ""
        items = value_at(source.output, list_path) if list_path else source.output
        if not isinstance(items, list) or count < 1:
            return None
        if count > 1 and source.op not in ("search", "list") and not _is_collection(source.output, list_path) \
                and not set(words(list_path.split(".")[-1])) & set(words(source.entity)):
            return None  # a list inside one entity (a contact's addresses): its first, not the user's decision
        by: Literal["user", "assistant"] = "user" if rng.random() < self.user_choice_rate else "assistant"
        if count == 1:
            return Choice(call=source.id, path=list_path, index=0, count=1, reason="only", by=by,
                          item=_salient(items[0]))
        options: list[tuple[Reason, int]] = []
        first = items[0] if isinstance(items[0], dict) else {}
        for key in first:
            kind = classify(key, {"type": _json_type(first[key])})
            vals = [x.get(key) if isinstance(x, dict) else None for x in items]
            if kind.name == "money" and all(isinstance(v, (int, float)) for v in vals):
                options.append(("cheapest", min(range(count), key=lambda i: vals[i])))
            elif kind.name in ("datetime", "time", "date") and kind.role in ("start", "") and all(isinstance(v, str) for v in vals) \
                    and len(set(vals)) == count:
                options.append(("earliest", min(range(count), key=lambda i: vals[i])))
                options.append(("latest", max(range(count), key=lambda i: vals[i])))
            elif kind.name == "rating" and all(isinstance(v, (int, float)) for v in vals) and len(set(vals)) == count:
                options.append(("best_rated", max(range(count), key=lambda i: vals[i])))
            elif kind.name in ("label", "title", "person_name", "company") and all(isinstance(v, str) for v in vals) \
                    and len(set(vals)) == count:
                options.append(("named", rng.randrange(count)))
        options.append(("position", rng.randrange(count)))
        reason, index = rng.choice(options)
        if by == "assistant" and reason in ("named", "position"):
            by = "user"  # only the user can name an item they have seen
        return Choice(call=source.id, path=list_path, index=index, count=count, reason=reason, by=by,
                      item=_salient(items[index]))

    def _failures(self, calls: list[Call], tools: dict[str, ToolDef], values: Values, world: World,
                  rng: random.Random) -> None:
        """At most one tool error a dialogue, of a kind the call allows, recovered from."""
        kinds = [k for k, rate in self.failure_rates.items() if rng.random() < rate]
        if not kinds:
            return
        kind = rng.choice(kinds)
        rng.shuffle(candidates := [c for c in calls if not c.corrects and not any(x.corrects == c.id for x in calls)])
        for call in candidates:
            failure = _failure_for(kind, call, tools[call.tool], world, rng)
            if failure is not None:
                call.failure = failure
                return

    # ---- turns ---------------------------------------------------------------------------------------
    def _turns(self, calls: list[Call], tools: dict[str, ToolDef], choices: dict[str, Choice], shifts: set[str],
               rng: random.Random, world: World, parallel: bool = False) -> list[Turn]:
        from .intents import intent_of

        by_id = {c.id: c for c in calls}
        corrected = {c.corrects: c.id for c in calls if c.corrects}
        main = [c for c in calls if c.tool not in shifts and c.id not in corrected]
        later = [c for c in calls if c.tool in shifts and c.id not in corrected]
        # people ask for one thing at a time; only tools meant to run together go in one batch
        if parallel:
            steps = _steps(main)
        else:  # ...or two things done with the same result (book both the flight and the hotel)
            steps = []
            for c in main:
                sources = {a.call for a in c.args.values() if a.source == "tool"}
                prev = by_id[steps[-1][-1]] if steps else None
                if prev is not None and sources and sources == {a.call for a in prev.args.values() if a.source == "tool"} \
                        and not c.failure and not prev.failure and rng.random() < 0.5:
                    steps[-1].append(c.id)
                else:
                    steps.append([c.id])
        steps += [[c.id] for c in later]
        turns: list[Turn] = []
        for step in steps:
            step_calls = [by_id[cid] for cid in step]
            keys = list(dict.fromkeys(f"{a.call}:{split_path(a.field)[0]}" for c in step_calls for a in c.args.values()
                                      if a.source == "tool" and "[]" in (a.field or "")))
            step_choices = [choices[k] for k in keys if k in choices]
            depends = any(a.source == "tool" for c in step_calls for a in c.args.values())
            shift = all(c.tool in shifts for c in step_calls)
            if not turns:
                kind: TurnKind = "request"
            elif shift or not depends:
                kind = "topic_shift"
            elif any(ch.by == "user" and ch.count > 1 for ch in step_choices):
                kind = "choose"
            else:
                kind = "follow_up"
            # a step that follows from the last one without the user's say often goes in the same turn
            if turns and kind == "follow_up" and turns[-1].kind not in ("clarify", "unserved") \
                    and rng.random() < 0.35 and not any(c.failure for c in step_calls):
                turns[-1].steps.append(step)
                turns[-1].choices += [c for c in step_choices if c not in turns[-1].choices]
                turns[-1].intent = intent_of(turns[-1], by_id, tools)
                continue
            turn = Turn(kind=kind, intent="", steps=[step], choices=step_choices)
            turn.intent = intent_of(turn, by_id, tools)
            turns.append(turn)
        for first, fixed in corrected.items():  # the user sees the first attempt's result, then corrects it
            i = next(i for i, t in enumerate(turns) if any(fixed in s for s in t.steps))
            turn = turns[i]
            attempt = Turn(kind=turn.kind, intent=turn.intent, steps=[[first]], withheld=turn.withheld,
                           gives=turn.gives)
            name = next(n for n, a in by_id[fixed].args.items() if a.value != by_id[first].args[n].value)
            k = next(k for k, s in enumerate(turn.steps) if fixed in s)
            others = [c for c in turn.steps[k] if c != fixed]  # what ran beside it comes after, asked for anew
            correct = Turn(kind="correct", intent=f"corrects the {name.replace('_', ' ')}", steps=[[fixed]],
                           about=first, gives=[f"{fixed}.{name}"], choices=turn.choices)
            after = ([others] if others else []) + turn.steps[k + 1:]
            rest = [Turn(kind="follow_up", intent=turn.intent, steps=after)] if after else []
            turns[i:i + 1] = [attempt, correct, *rest]
        # a value the user leaves out, so that the assistant must ask for it
        first_said: dict[str, int] = {}
        for i, t in enumerate(turns):
            for step in t.steps:
                for cid in step:
                    for a in by_id[cid].args.values():
                        if a.source == "user":
                            first_said.setdefault(json.dumps(a.value, default=str), i)
        candidates = [(i, f"{cid}.{p}") for i, t in enumerate(turns) if t.kind != "correct"
                      for step in t.steps for cid in step
                      for p, a in by_id[cid].args.items() if a.source == "user" and not in_context(arg_kinds(
                          tools[by_id[cid].tool].info())[p], p)
                      and p in (tools[by_id[cid].tool].parameters.get("required") or [])
                      and first_said.get(json.dumps(a.value, default=str)) == i
                      and arg_kinds(tools[by_id[cid].tool].info())[p].name != "id"
                      and not (by_id[cid].failure and by_id[cid].failure.param == p)]
        if candidates and rng.random() < self.clarify_rate:
            i, withheld = rng.choice(candidates)
            turn = turns[i]
            asked = Turn(kind=turn.kind, intent=turn.intent, steps=[], withheld=[withheld], choices=turn.choices)
            answer = Turn(kind="clarify", intent=f"gives the {withheld.split('.', 1)[1].replace('_', ' ')} "
                                                 f"the assistant asked for", steps=turn.steps, gives=[withheld])
            turns[i:i + 1] = [asked, answer]
        # a call that is not found or finds nothing: the assistant tells the user, who answers, then it retries
        i = 0
        while i < len(turns):
            turn = turns[i]
            split = next(((k, cid) for k, s in enumerate(turn.steps) for cid in s
                          if by_id[cid].failure and by_id[cid].failure.kind in ("not_found", "empty")), None)
            if split is None:
                i += 1
                continue
            k, cid = split
            failure = by_id[cid].failure
            param = (failure.param or "").replace("_", " ")
            before = Turn(kind=turn.kind, intent=turn.intent, steps=turn.steps[:k], withheld=turn.withheld,
                          gives=turn.gives, choices=turn.choices, about=turn.about, fails=cid)
            retry = Turn(kind="retry", steps=[turn.steps[k]], about=cid,
                         intent=f"gives the right {param}" if failure.kind == "not_found"
                         else f"agrees to search again without the {param}",
                         gives=[f"{cid}.{failure.param}"] if failure.kind == "not_found" else [])
            rest = [Turn(kind="follow_up", steps=turn.steps[k + 1:], intent=turn.intent)] if turn.steps[k + 1:] else []
            turns[i:i + 1] = [before, retry, *rest]
            i += 2
        return _settle_choices(turns, by_id)

    def _correction(self, calls: list[Call], tools: dict[str, ToolDef], rng: random.Random, world: World) -> None:
        """Now and then the user corrects a value after seeing the result: the first attempt is a call of
        its own (`<id>a`), and the planned call, with the corrected value, `corrects` it."""
        if rng.random() >= self.correct_rate or not calls:
            return
        call = calls[0]
        if call.op not in ("search", "list", "read", "action"):
            return
        kinds = arg_kinds(tools[call.tool].info())
        options = [n for n, a in call.args.items() if a.source == "user" and kinds[n].name in ("date", "count", "city")]
        if not options:
            return
        name = rng.choice(options)
        old = call.args[name].value
        if kinds[name].name == "date" and isinstance(old, str) and len(old) == 10:
            import datetime as dt

            ends = [a.value for n, a in call.args.items() if kinds[n].role == "end" and kinds[n].name == "date"
                    and kinds[n].stem == kinds[name].stem and isinstance(a.value, str)]
            starts = [a.value for n, a in call.args.items() if kinds[n].role == "start" and kinds[n].name == "date"
                      and kinds[n].stem == kinds[name].stem and isinstance(a.value, str)]
            options = [(dt.date.fromisoformat(old) + dt.timedelta(days=d)).isoformat() for d in (1, 2, -1)]
            options = [o for o in options if not (kinds[name].role == "start" and ends and o >= ends[0])
                       and not (kinds[name].role == "end" and starts and o <= starts[0])
                       and o >= world.today.isoformat()]  # a start still before its end, nothing in the past
            if not options:
                return
            new = rng.choice(options)
        elif kinds[name].name == "count" and isinstance(old, int) and not isinstance(old, bool):
            new = old + 1
        elif kinds[name].name == "city":
            new = world.away.city if old != world.away.city else world.home.city
        else:
            return
        for later in calls[1:]:  # the rest of the dialogue goes on with the corrected value
            for arg in later.args.values():
                if arg.source == "user" and arg.value == old:
                    arg.value, arg.said = new, None
        first = call.model_copy(deep=True, update={"id": f"{call.id}a"})
        call.args[name] = Arg(source="user", value=new, said=say(new, kinds[name].name, world.today, rng)
                              if kinds[name].name == "date" or rng.random() < 0.6 else None)
        call.corrects = first.id
        calls.insert(0, first)

    def _extras(self, turns: list[Turn], calls: list[Call], tools: list[ToolDef], rng: random.Random) -> list[Turn]:
        text = " ".join(f"{t.name} {t.description}".lower() for t in tools)
        # a question about a result, answered from it without a call
        replaced = {c.corrects for c in calls if c.corrects}
        answered = [(i, c) for i, t in enumerate(turns) for s in t.steps for cid in s for c in calls
                    if c.id == cid and c.id not in replaced and isinstance(c.output, (dict, list)) and c.output]
        if answered and (rng.random() < self.question_rate or sum(t.kind != "chitchat" for t in turns) < 2):
            i, call = rng.choice(answered)
            while i + 1 < len(turns) and turns[i + 1].kind in ("correct", "clarify"):
                i += 1
            field = _askable(call, rng)
            if field:
                turns.insert(i + 1, Turn(kind="question", intent=f"asks about the {field.split('.')[-1].replace('_', ' ')}",
                                  about=call.id, asks=field))
        if rng.random() < self.unserved_rate:
            options = [req for req in UNSERVED if not any(w in text for w in words(req) if len(w) > 4)]
            places = [i for i in range(1, len(turns) + 1) if not (turns[i - 1].withheld and not turns[i - 1].steps)
                      and not turns[i - 1].fails
                      and not (i < len(turns) and turns[i].kind in ("correct", "clarify", "retry", "choose"))]
            if options and places:
                turns.insert(rng.choice(places), Turn(kind="unserved", intent=rng.choice(options)))
        if rng.random() < self.chitchat_rate or sum(1 for t in turns if t.kind != "unserved") < 2:
            turns.append(Turn(kind="chitchat", intent="thanks the assistant and wraps up"))
        return turns

    @staticmethod
    def _goal(world: World, calls: list[Call], tools: dict[str, ToolDef]) -> str:
        from .intents import goal_text

        return goal_text(world, calls, tools)


# ---- helpers -------------------------------------------------------------------------------------
# Parameters that tune the response rather than say what the user wants: never volunteered by a user.
PLUMBING = {"sort", "order", "format", "fields", "include", "expand", "callback", "pretty", "limit", "offset", "page",
            "per", "cursor", "fields", "view", "embed", "projection", "alt", "prettyprint", "quota", "key", "trace",
            "upload", "protocol", "xgafv", "oauth", "raw", "debug", "verbose", "mask", "etag", "async"}


def _holds_unknown_id(schema: Any, name: str, entity: str, depth: int = 0) -> bool:
    """Whether an object the user would give (a room with its `rateId`) needs an identifier nobody says."""
    if not isinstance(schema, dict) or depth > 3:
        return False
    if schema.get("type") == "array" or isinstance(schema.get("items"), dict):
        return _holds_unknown_id(schema.get("items"), name, entity, depth + 1)
    props = schema.get("properties") if isinstance(schema.get("properties"), dict) else None
    if props is None:
        return False
    for key in schema.get("required") or []:
        sub = props.get(key) if isinstance(props.get(key), dict) else {}
        kind = classify(key, sub, parent_entity(name, entity), entity)
        if kind.name == "id" and not sayable(kind, key) or _holds_unknown_id(sub, key, entity, depth + 1):
            return True
    return False


def _is_collection(output: Any, list_path: str) -> bool:
    """Whether a list is what the output is a list of (a search's results, a cart's items: the only list
    of objects at its top, under wrappers like `data`), not a part of one entity (a person's addresses)."""
    parts = [p for p in list_path.split(".") if p]
    node = output
    for part in parts[:-1]:
        if part not in CONTAINERS or not isinstance(node, dict):
            return False
        node = node.get(part)
    if not parts or not isinstance(node, dict):
        return True
    lists = [k for k, v in node.items() if isinstance(v, list) and v and isinstance(v[0], dict)]
    return lists == [parts[-1]]


def _implied_required(tool: ToolDef, props: dict, kinds: dict[str, Kind]) -> set[str]:
    """What a call needs when its spec marks nothing required (a removal without the item to remove, a
    search without its terms): the id of what it acts on, the terms of a search, a quantity added."""
    ids = [n for n in props if kinds[n].name == "id" and not protocol_header(n)]
    own = [n for n in ids if set(words(n)) & set(words(tool.entity)) or kinds[n].entity in words(tool.entity)]
    out = set((own or ids)[:1]) if tool.op != "search" else set()
    if tool.op == "search":
        out |= set([n for n in props if kinds[n].name == "query"][:1])
    if tool.op in ("create", "update"):
        out |= set([n for n in props if kinds[n].name == "count" and set(words(n)) & {"quantity", "qty"}][:1])
    return out


def _downstream(calls: list[Call], call_id: str) -> set[str]:
    """The calls that read, directly or not, the output of `call_id`."""
    out: set[str] = set()
    frontier = {call_id}
    while frontier:
        frontier = {c.id for c in calls if c.id not in out and {a.call for a in c.args.values()
                                                               if a.source == "tool"} & frontier}
        out |= frontier
    return out


def _topological(calls: list[Call]) -> list[Call]:
    """The calls in an order where each comes after what it reads, as close to the given order as can be."""
    placed: list[Call] = []
    ids = {c.id for c in calls}
    waiting = list(calls)
    while waiting:
        done = {c.id for c in placed}
        ready = next((c for c in waiting if {a.call for a in c.args.values() if a.source == "tool"} & ids <= done),
                     waiting[0])
        waiting.remove(ready)
        placed.append(ready)
    return placed


def _settle_choices(turns: list[Turn], calls: dict[str, Call]) -> list[Turn]:
    """Each choice is stated once, in the turn whose calls first read it. The assistant chooses (on a
    criterion the user gives up front) only when the list and what reads it are in one turn; otherwise
    the user has seen the list and chooses."""
    stated: set[tuple[str, str]] = set()
    where = {cid: i for i, t in enumerate(turns) for s in t.steps for cid in s}
    for i, turn in enumerate(turns):
        if not turn.steps and turn.withheld:
            continue  # its answer turn states them
        fresh = []
        for choice in turn.choices:
            key = (choice.call, choice.path)
            if key in stated:
                continue
            stated.add(key)
            if choice.by == "assistant" and where.get(choice.call) != i:
                choice.by = "user"
            fresh.append(choice)
        turn.choices = fresh
        if turn.kind == "follow_up" and any(c.by == "user" and c.count > 1 for c in fresh):
            turn.kind = "choose"
        elif turn.kind == "choose" and not any(c.by == "user" and c.count > 1 for c in fresh):
            turn.kind = "follow_up"
    return turns


# Kinds whose values are the same thing whatever the parameter is called (a trip's city, its dates).
SHARED_KINDS = {"date", "datetime", "city", "iata", "country", "country_code", "currency", "language", "count"}


def _as_kind(value: Any, kind: Kind) -> Any:
    """A returned date-time where a parameter wants a date or a time: its date part, or its time."""
    import re

    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value):
        if kind.name == "date":
            return value[:10]
        if kind.name == "time":
            return value[11:16]
    return value


def _distinct_ends(call: Call, kinds: dict[str, Kind], world: World, values: Values) -> None:
    """The two ends of a conversion or a trip differ (not euros to euros, not Lisbon to Lisbon)."""
    for name, arg in call.args.items():
        k = kinds[name]
        if arg.source != "user" or k.role != "destination" or k.name not in ("currency", "city", "iata", "country_code"):
            continue
        other = [a.value for n, a in call.args.items() if n != name and kinds[n].name == k.name
                 and kinds[n].role in ("origin", "")]
        if arg.value in other:
            options = {"currency": [c for c in ("EUR", "USD", "GBP", "JPY", "CHF") if c not in other],
                       "city": [world.away.city, world.home.city], "iata": [world.away.airport[0], world.home.airport[0]],
                       "country_code": [world.away.country_code, world.home.country_code]}[k.name]
            options = [o for o in options if o not in other]
            if options:
                arg.value, arg.said = options[0], None


def _order_spans(call: Call, kinds: dict[str, Kind], world: World, rng: random.Random) -> None:
    """An end comes after its start (check-out after check-in, `toDate` after `fromDate`): the one the
    user gives moves, whichever it is; values read from results stay."""
    import datetime as dt

    def moment(text: str) -> dt.datetime:
        value = dt.datetime.fromisoformat(text)
        return value.replace(tzinfo=None)

    def shifted(text: str, start: dt.datetime, days: int) -> str:
        later = start + dt.timedelta(days=days)
        if len(text) == 10:
            return later.date().isoformat()
        offset = dt.datetime.fromisoformat(text).tzinfo
        return (later.replace(tzinfo=offset) if offset else later).isoformat()

    spans = [(n, a) for n, a in call.args.items() if kinds[n].name in ("date", "datetime") and isinstance(a.value, str)]
    starts = {kinds[n].stem: (n, a) for n, a in spans if kinds[n].role == "start"}
    for n, a in spans:
        k = kinds[n]
        if k.role != "end" or k.stem not in starts:
            continue
        sname, s = starts[k.stem]
        try:
            if moment(a.value) > moment(s.value):
                continue
            if a.source == "user":
                a.value = shifted(a.value, moment(s.value), rng.randint(2, 6))
                a.said = say(a.value, k.name, world.today, rng)
            elif s.source == "user":
                s.value = shifted(s.value, moment(a.value), -rng.randint(2, 6))
                s.said = say(s.value, kinds[sname].name, world.today, rng)
        except (TypeError, ValueError):
            continue


def _later(text: str, start: str, days: int) -> str:
    """`text` moved to `days` after `start`, in its own form (a date, or a datetime with its offset)."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(start[:10]) + dt.timedelta(days=days)
    except ValueError:
        return text
    return day.isoformat() + text[10:]


def _fits_schema(value: Any, schema: dict) -> bool:
    return is_valid(value, schema)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return "number" if isinstance(value, float) else "string"


def _salient(item: Any) -> dict[str, Any]:
    """The fields of a result a person looks at: names, times, prices, ratings (not ids or links)."""
    if not isinstance(item, dict):
        return {"value": item}
    out = {}
    for key, value in item.items():
        if isinstance(value, (dict, list)) or value is None:
            continue
        kind = classify(key, {"type": _json_type(value)})
        if kind.name in ("id", "url", "image_url", "token", "boolean", "paging"):
            continue
        out[key] = value
    return dict(list(out.items())[:6])


def _askable(call: Call, rng: random.Random) -> str | None:
    """An output field a person might ask about (not an id or a link)."""
    fields: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}" if path else k)
        elif isinstance(node, list):
            if node:
                walk(node[0], f"{path}[]")
        elif node is not None and path:
            leaf = path.split(".")[-1].replace("[]", "")
            kind = classify(leaf, {"type": _json_type(node)})
            asked = {json.dumps(a.value, default=str) for a in call.args.values()}
            if kind.name in ("money", "datetime", "date", "time", "status", "rating", "duration", "percent",
                             "temperature", "label", "title", "address", "phone") and "[]" not in path \
                    and json.dumps(node, default=str) not in asked:
                fields.append(path)

    walk(call.output, "")
    return rng.choice(fields) if fields else None


def _failure_for(kind: str, call: Call, tool: ToolDef, world: World, rng: random.Random) -> Failure | None:
    kinds = arg_kinds(tool.info())
    args = call.values()
    if kind == "transient":
        return Failure(kind="transient", args=args, output={"error": {"code": 503, "message":
                       "The service is temporarily unavailable. Please try again."}})
    if kind == "validation":
        # the assistant first passes a value the way the user said it; the API wants its canonical form
        for name, arg in call.args.items():
            if arg.source == "user" and arg.said and kinds[name].name in ("date", "datetime", "country_code",
                                                                           "currency", "count", "time"):
                want = {"date": "a date as YYYY-MM-DD", "datetime": "an ISO 8601 date-time", "time": "a time as HH:MM",
                        "country_code": "a two-letter ISO country code", "currency": "a three-letter ISO currency code",
                        "count": "an integer"}[kinds[name].name]
                bad = {**args, name: arg.said}
                return Failure(kind="validation", args=bad, param=name, output={"error": {
                    "code": 400, "message": f"Invalid value for '{name}': expected {want}, got {arg.said!r}."}})
        return None
    if kind == "not_found":
        for name, arg in call.args.items():
            if arg.source == "user" and kinds[name].name == "id" and isinstance(arg.value, str) and len(arg.value) >= 5 \
                    and sayable(kinds[name], name) and not own_id(kinds[name], name):
                chars = list(arg.value)
                i = rng.randrange(len(chars) - 1)
                if chars[i] == chars[i + 1]:
                    continue
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
                wrong = "".join(chars)
                return Failure(kind="not_found", args={**args, name: wrong}, param=name, output={"error": {
                    "code": 404, "message": f"No {tool.entity} found with {name} {wrong!r}."}})
        return None
    if kind == "empty" and call.op == "search":
        from ..specs.semantics import _collection

        coll = _collection(tool.output) if tool.output else None
        if coll is None:
            return None
        required = set(tool.parameters.get("required") or [])
        for name, arg in call.args.items():
            k = kinds[name]
            if arg.source == "user" and name not in required and k.name in ("money", "rating", "category"):
                empty = _empty_like(call.output, coll)
                if empty is None:
                    return None
                # the search as planned runs without the filter; the failing attempt had it
                filtered = {**args}
                del call.args[name]
                return Failure(kind="empty", args=filtered, param=name, output=empty)
    return None


def _empty_like(output: Any, coll: str) -> Any:
    if coll == "":
        return []
    if not isinstance(output, dict):
        return None
    out = json.loads(json.dumps(output))
    node = out
    parts = coll.split(".")
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    if not isinstance(node, dict):
        return None
    node[parts[-1]] = []
    for key in list(node):
        if key in ("total", "count", "total_count", "totalCount", "total_results", "totalResults") and \
                isinstance(node[key], int):
            node[key] = 0
    return out
