"""Turning a plan into a dialogue: user, assistant and tool messages in the OpenAI chat format.

Two kinds of backend write the language and the simulated tool outputs behind one interface:
- `OfflineBackend`: no LLM; templated, varied wording; outputs generated from the output schemas
  with realistic values (faker), carrying the values that later calls read. Deterministic.
- `ChatModelBackend`: any LangChain chat model writes the user and assistant language and the
  outputs, through structured output, in ONE call per dialogue (plus at most `retries` more when
  its output is malformed or breaks the plan).
Arguments never come from the backend: they come from the plan (user values, defaults) or are
read from earlier outputs along the planned edges, so every call is grounded by construction.
"""

from __future__ import annotations

import json
import random
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from ..texts import humanize
from .plan import Call, Plan, ToolDef, Turn, dumps, ensure_path, value_at
from .values import ValueMaker

SYSTEM = ("You are a helpful assistant with access to tools. Call a tool when it helps, with arguments "
          "taken from the conversation; ask when something you need is missing; say so when no tool can help. "
          "Today is 2026-11-30.")
VERBS = {"search", "find", "get", "list", "create", "add", "book", "cancel", "send", "check", "start", "confirm",
         "refund", "convert", "reserve", "track", "ask", "pay", "delete", "move", "update", "share", "export", "read",
         "record", "give", "set", "look", "make", "place", "remove", "show", "fetch", "query", "register", "log"}


class DialogueText(BaseModel):
    """What a backend writes for one plan."""

    user: list[str] = Field(description="one user message per turn of the plan, in order")
    assistant: list[str] = Field(description="per turn, the assistant's closing message: its answer after the "
                                             "tool results, its clarifying question, or why it cannot help")
    outputs: dict[str, Any] = Field(description="call id -> the tool's JSON output for that call")


class Failure(Exception):
    """A backend could not produce a usable dialogue; the reason goes to the rejects file."""


def resolve_args(call: Call, outputs: dict[str, Any], tool: ToolDef) -> dict[str, Any]:
    props = tool.parameters.get("properties") or {}
    args: dict[str, Any] = {}
    for name, arg in call.args.items():
        if arg.source == "tool":
            value = value_at(outputs.get(arg.call), arg.field or "$")
            want = (props.get(name) or {}).get("type")
            if want == "array" and value is not None and not isinstance(value, list):
                value = [value]
            elif want == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            elif want in ("integer", "number") and isinstance(value, list) and value:
                value = value[0]
            args[name] = value
        else:
            args[name] = arg.value
    return args


def intent_phrase(description: str, name: str) -> str:
    text = (description or humanize(name)).strip().rstrip(".").split(". ")[0]
    text = text[:1].lower() + text[1:]
    return text if text.split(" ", 1)[0] in VERBS else f"look up {text}"


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return " and ".join(_fmt(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class OfflineBackend:
    """Templated language, schema-true outputs; no LLM."""

    name = "offline"

    async def write(self, plan: Plan, tools: dict[str, ToolDef], rng: random.Random) -> DialogueText:
        values = ValueMaker(rng)
        needed = plan.needed_fields()
        outputs: dict[str, Any] = {}
        for call in plan.calls:
            tool = tools[call.tool]
            args = resolve_args(call, outputs, tool)
            outputs[call.id] = self._output(tool, args, needed.get(call.id, []), values)
        user, assistant = [], []
        for i, turn in enumerate(plan.turns):
            user.append(self._user(plan, turn, tools, rng, first=i == 0))
            assistant.append(self._assistant(plan, turn, tools, outputs, rng))
        return DialogueText(user=user, assistant=assistant, outputs=outputs)

    @staticmethod
    def _output(tool: ToolDef, args: dict, needed: list[str], values: ValueMaker) -> Any:
        if not tool.output:
            return {"status": "done"}
        out = values.for_schema(tool.output)
        if isinstance(out, dict):  # echo identifying arguments, as real APIs do
            props = tool.output.get("properties") or {}
            for key, value in args.items():
                if key in props and isinstance(value, str) and (props.get(key) or {}).get("type") == "string" \
                        and not {"enum", "format", "pattern"} & set(props.get(key) or {}):
                    out[key] = value
        for path in needed:
            out = ensure_path(out, path, tool.output, values)
        return out

    # ---- language ------------------------------------------------------------------------
    def _values_phrase(self, plan: Plan, turn: Turn, rng: random.Random, withheld: set[str]) -> str:
        parts = []
        for step in turn.steps:
            for cid in step:
                for pname, arg in plan.call(cid).args.items():
                    if arg.source == "user" and f"{cid}.{pname}" not in withheld:
                        parts.append(rng.choice(["{p} {v}", "{p}: {v}", "the {p} is {v}"]).format(
                            p=humanize(pname), v=_fmt(arg.value)))
        if not parts:
            return ""
        text = rng.choice(["Use {x}.", "Details: {x}.", "Here's what I have: {x}.", "{X}."]).format(
            x="; ".join(parts), X="; ".join(parts)[:1].upper() + "; ".join(parts)[1:])
        return text[:-1] if text.endswith("..") else text

    def _intents(self, turn: Turn, plan: Plan, tools: dict[str, ToolDef]) -> str:
        phrases = [intent_phrase(tools[plan.call(cid).tool].description, plan.call(cid).tool)
                   for step in turn.steps for cid in step]
        return ", then ".join(phrases) if len(phrases) < 3 else ", ".join(phrases[:-1]) + " and " + phrases[-1]

    def _user(self, plan: Plan, turn: Turn, tools: dict[str, ToolDef], rng: random.Random, first: bool) -> str:
        style = plan.persona.style
        if turn.kind == "chitchat":
            return rng.choice(["Thanks, that's all I needed!", "Perfect, thank you.", "Great, thanks for the help!",
                               "That's everything, cheers."])
        if turn.kind == "unserved":
            return rng.choice(["Can you also {i}?", "One more thing: could you {i}?", "While you're at it, {i}, please."]
                              ).format(i=turn.intent)
        if turn.kind == "clarify":
            cid, pname = turn.withheld[0].split(".", 1)
            value = _fmt(plan.call(cid).args[pname].value)
            return rng.choice(["{v}, please.", "Oh right, the {p} is {v}.", "Use {v}.", "It's {v}."]).format(
                v=value, p=humanize(pname))
        steps_turn = turn if turn.steps else self._turn_with_steps(plan, turn)
        intents = self._intents(steps_turn, plan, tools)
        values = self._values_phrase(plan, steps_turn, rng, set(turn.withheld))
        if turn.kind == "follow_up":
            lead = rng.choice(["Great. Now {i} with that.", "Next, please {i} using what you found.",
                               "Good, now {i} for it.", "OK. Can you {i} based on that?"]).format(i=intents)
        elif turn.kind == "topic_shift":
            lead = rng.choice(["Something else: I'd like to {i}.", "Different topic: {i}, please.",
                               "Also, separately, {i}."]).format(i=intents)
        elif style == "terse":
            lead = f"{intents[:1].upper()}{intents[1:]}."
        elif style == "polite":
            lead = rng.choice(["Hi! Could you please {i}?", "Hello, I'd like to {i}, please.",
                               "Good morning. Would you {i} for me?"]).format(i=intents)
        else:
            lead = rng.choice(["Hey there, I'm sorting out a few things and need to {i}.",
                               "Hi! Quick one, I need to {i}. Can you help?",
                               "So, I'm trying to {i}. Could you do that?"]).format(i=intents)
        return f"{lead} {values}".strip()

    @staticmethod
    def _turn_with_steps(plan: Plan, turn: Turn) -> Turn:
        """A turn that holds back a value: the calls are those of the answer that follows."""
        answer = next(t for t in plan.turns[plan.turns.index(turn) + 1:] if t.kind == "clarify"
                      and t.withheld == turn.withheld)
        return Turn(kind=turn.kind, intent=turn.intent, steps=answer.steps, withheld=turn.withheld)

    def _assistant(self, plan: Plan, turn: Turn, tools: dict[str, ToolDef], outputs: dict, rng: random.Random) -> str:
        if turn.kind == "chitchat":
            return rng.choice([f"You're welcome, {plan.persona.name}!", "Glad I could help. Have a good day!",
                               "Anytime. Let me know if you need anything else."])
        if turn.kind == "unserved":
            offered = ", ".join(intent_phrase(tools[t].description, t) for t in plan.tools[:3] if t in tools)
            return (f"Sorry, I can't {turn.intent} with the tools I have here. I can {offered}.")
        if not turn.steps:  # it asks for what the user left out
            pname = turn.withheld[0].split(".", 1)[1]
            return rng.choice(["Sure. Which {p} should I use?", "Happy to. What {p} would you like?",
                               "I can do that. I just need the {p}."]).format(p=humanize(pname))
        lines = []
        for step in turn.steps:
            for cid in step:
                lines.append(self._summary(tools[plan.call(cid).tool], outputs.get(cid)))
        opener = rng.choice(["Done.", "Here you go.", "All set.", "Here's what I found."])
        return f"{opener} " + " ".join(lines)

    @staticmethod
    def _summary(tool: ToolDef, output: Any) -> str:
        leaves = []

        def walk(node: Any, prefix: str) -> None:
            if len(leaves) >= 3:
                return
            if isinstance(node, dict):
                for k, v in node.items():
                    walk(v, f"{prefix}{humanize(k)}" if not prefix else f"{prefix} {humanize(k)}")
            elif isinstance(node, list):
                if node:
                    walk(node[0], prefix)
            elif node is not None:
                leaves.append(f"{prefix or 'result'}: {_fmt(node)}")

        walk(output, "")
        what = intent_phrase(tool.description, tool.name)
        return f"To {what}, the result is {', '.join(leaves)}." if leaves else f"I did {what}."


class ChatModelBackend:
    """Any LangChain chat model writes the language and the outputs, in one structured-output call."""

    name = "llm"

    def __init__(self, model, retries: int = 2):
        self.model = model
        self.retries = retries
        self.structured = model.with_structured_output(DialogueText, method="function_calling", include_raw=True)
        self.calls = 0
        self.tokens = 0

    @staticmethod
    def _feeds(plan: Plan, tools: dict[str, ToolDef], call_id: str) -> dict[str, dict]:
        """Output paths of a call that later calls read, each with the schema of the parameter it feeds."""
        out: dict[str, dict] = {}
        for c in plan.calls:
            props = tools[c.tool].parameters.get("properties") or {}
            for name, a in c.args.items():
                if a.source == "tool" and a.call == call_id and a.field:
                    out[a.field] = props.get(name) or {}
        return out

    def _prompt(self, plan: Plan, tools: dict[str, ToolDef], feedback: str | None) -> list:
        from langchain_core.messages import HumanMessage, SystemMessage

        spec = {
            "scenario": plan.scenario, "persona": plan.persona.model_dump(),
            "turns": [{"kind": t.kind, "intent": t.intent, "calls": [cid for step in t.steps for cid in step],
                       "user_leaves_out": t.withheld} for t in plan.turns],
            "calls": [{"id": c.id, "tool": c.tool, "description": tools[c.tool].description,
                       "user_must_say": {k: a.value for k, a in c.args.items() if a.source == "user"},
                       "output_schema": tools[c.tool].output,
                       "output_must_contain": self._feeds(plan, tools, c.id)} for c in plan.calls],
        }
        instructions = (
            "Write a realistic conversation following this plan. Return `user` (one message per turn), "
            "`assistant` (one closing assistant message per turn: the answer after the tool results; for a turn "
            "whose user leaves something out, a question asking for it; for an `unserved` turn, why no tool can "
            "help) and `outputs` (for every call id, the tool's JSON output matching its output_schema and "
            "containing every path in output_must_contain, with a value that fits the parameter schema given there). Each user message must state, verbatim, every value "
            "in user_must_say of the calls of its turn, except what that turn leaves out; a `clarify` turn "
            "states the left-out value. Do not invent tool calls.")
        messages = [SystemMessage(instructions), HumanMessage(json.dumps(spec, ensure_ascii=False))]
        if feedback:
            messages.append(HumanMessage(f"Your previous answer was unusable: {feedback}. Try again."))
        return messages

    async def write(self, plan: Plan, tools: dict[str, ToolDef], rng: random.Random) -> DialogueText:
        feedback = None
        for _ in range(1 + self.retries):
            self.calls += 1
            try:
                answer = await self.structured.ainvoke(self._prompt(plan, tools, feedback))
                usage = getattr(answer.get("raw"), "usage_metadata", None) or {}
                self.tokens += int(usage.get("total_tokens") or 0)
                if answer.get("parsing_error") is not None:
                    raise ValueError(str(answer["parsing_error"]))
                text = answer.get("parsed")
                if isinstance(text, dict):
                    text = DialogueText.model_validate(text)
                if text is None:
                    raise ValueError("no structured answer")
                problem = check_text(plan, tools, text)
            except (ValidationError, ValueError, TypeError, KeyError) as e:
                problem = f"malformed answer ({type(e).__name__}: {str(e).splitlines()[0][:200]})"
            except Exception as e:  # output parsers raise their own kinds
                problem = f"malformed answer ({type(e).__name__}: {str(e).splitlines()[0][:200]})"
            if problem is None:
                return text
            feedback = problem
        raise Failure(f"chat model failed {1 + self.retries} times; last problem: {feedback}")


def check_text(plan: Plan, tools: dict[str, ToolDef], text: DialogueText) -> str | None:
    """What is wrong with a backend's text for this plan, or None."""
    if len(text.user) != len(plan.turns) or len(text.assistant) != len(plan.turns):
        return f"expected {len(plan.turns)} user and assistant messages, got {len(text.user)} and {len(text.assistant)}"
    from jsonschema import Draft202012Validator

    needed = plan.needed_fields()
    for call in plan.calls:
        if call.id not in text.outputs:
            return f"no output for call {call.id}"
        for path in needed.get(call.id, []):
            if value_at(text.outputs[call.id], path) is None:
                return f"output of {call.id} lacks {path}, which a later call needs"
    for call in plan.calls:  # values read from outputs must suit the parameters they feed
        tool = tools[call.tool]
        args = resolve_args(call, text.outputs, tool)
        for error in Draft202012Validator(tool.parameters).iter_errors(args):
            name = error.path[0] if error.path else None
            arg = call.args.get(name) if name is not None else None
            if arg is not None and arg.source == "tool":
                return (f"the value at {arg.field} in the output of {arg.call} feeds {call.tool}.{name}, "
                        f"and {error.message}")
    for i, turn in enumerate(plan.turns):
        said = text.user[i].lower()
        steps = turn.steps if turn.kind != "clarify" else []
        for step in steps:
            for cid in step:
                for pname, arg in plan.call(cid).args.items():
                    if arg.source == "user" and f"{cid}.{pname}" not in turn.withheld \
                            and not _mentioned(arg.value, said):
                        return f"user message {i + 1} does not state {pname}={arg.value!r}"
        if turn.kind == "clarify":
            cid, pname = turn.withheld[0].split(".", 1)
            if not _mentioned(plan.call(cid).args[pname].value, said):
                return f"user message {i + 1} does not give {pname}"
    return None


def _mentioned(value: Any, text: str) -> bool:
    if isinstance(value, list):
        return all(_mentioned(v, text) for v in value)
    if isinstance(value, bool):
        return True
    return str(value).lower() in text


def assemble(plan: Plan, tools: dict[str, ToolDef], text: DialogueText, rng: random.Random) -> list[dict]:
    """The OpenAI-format messages of a plan, given the backend's text and outputs."""
    messages: list[dict] = [{"role": "system", "content": SYSTEM}]
    outputs: dict[str, Any] = {}

    def call_id() -> str:
        return "call_" + "".join(rng.choices("0123456789abcdef", k=12))

    for i, turn in enumerate(plan.turns):
        messages.append({"role": "user", "content": text.user[i]})
        for step in turn.steps:
            batch = []
            for cid in step:
                call = plan.call(cid)
                args = resolve_args(call, outputs, tools[call.tool])
                batch.append((call, args))
            failing = [(c, a) for c, a in batch if c.error_first]
            if failing:  # the tool fails once; the assistant sees the error and retries
                ids = [call_id() for _ in failing]
                messages.append({"role": "assistant", "content": None, "tool_calls": [
                    {"id": tid, "type": "function", "function": {"name": c.tool, "arguments": dumps(a)}}
                    for tid, (c, a) in zip(ids, failing)]})
                for tid in ids:
                    messages.append({"role": "tool", "tool_call_id": tid, "content": dumps(
                        {"error": {"code": 503, "message": "The service is temporarily unavailable. Please retry."}})})
            ids = [call_id() for _ in batch]
            messages.append({"role": "assistant", "content": None, "tool_calls": [
                {"id": tid, "type": "function", "function": {"name": c.tool, "arguments": dumps(a)}}
                for tid, (c, a) in zip(ids, batch)]})
            for tid, (c, _) in zip(ids, batch):
                outputs[c.id] = text.outputs[c.id]
                messages.append({"role": "tool", "tool_call_id": tid, "content": dumps(text.outputs[c.id])})
        messages.append({"role": "assistant", "content": text.assistant[i]})
    return messages
