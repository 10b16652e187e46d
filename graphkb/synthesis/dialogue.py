"""Turning a plan into a dialogue: user, assistant and tool messages in the OpenAI chat format.

The plan already holds every call's arguments and result (simulated from the world), the choices,
the errors and the turns. A backend only writes the language:
- `OfflineBackend`: no LLM; templated, varied wording from the plan's intents and values (language.py).
- `ChatModelBackend`: any LangChain chat model writes the user and assistant messages, in ONE
  structured-output call per dialogue (plus at most `retries` more when its answer is malformed or
  leaves out a value the user must state). It receives the world's facts, each turn's intent, what
  the user says or leaves out in it, and the results of the calls.
Arguments and results never come from the backend, so every call is grounded and consistent.
"""

from __future__ import annotations

import json
import random
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from .grounding import is_said
from .language import Speaker
from .plan import Plan, ToolDef, Turn


def system_message(plan: Plan) -> str:
    context = plan.world.get("context") or {}
    known = "".join(f" The user's {k.replace('_', ' ')} is {v}." for k, v in context.items())
    return ("You are a helpful assistant with access to tools. Call a tool when it helps, with arguments "
            "taken from the conversation; ask when something you need is missing; say so when no tool can help. "
            f"Today is {plan.today}.{known}")


class DialogueText(BaseModel):
    """What a backend writes for one plan."""

    user: list[str] = Field(description="one user message per turn of the plan, in order")
    assistant: list[str] = Field(description="per turn, the assistant's closing message: its answer after the "
                                             "tool results, its question, or why it cannot help")
    notes: dict[str, str] = Field(default_factory=dict,
                                  description="optional: call id -> what the assistant says as it makes that call")


class Failure(Exception):
    """A backend could not produce a usable dialogue; the reason goes to the rejects file."""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def user_says(plan: Plan, turn: Turn) -> list[tuple[str, Any, str | None]]:
    """The values a user turn must state: (call.param, value, how it is said or None)."""
    out = []
    if turn.kind in ("clarify", "correct", "retry"):
        keys = turn.gives
    elif turn.kind in ("request", "follow_up", "choose", "topic_shift"):
        steps = plan.asked(turn)
        keys = [f"{cid}.{p}" for s in steps for cid in s for p, a in plan.call(cid).args.items()
                if a.source == "user" and f"{cid}.{p}" not in turn.withheld]
        for s in steps:  # the failing attempt of this turn uses what the user said then
            for cid in s:
                f = plan.call(cid).failure
                if f and f.kind in ("not_found", "empty") and f.param:
                    keys = [k for k in keys if k != f"{cid}.{f.param}"]
                    out.append((f"{cid}.{f.param}", f.args.get(f.param), None))
    else:
        keys = []
    for key in keys:
        cid, p = key.split(".", 1)
        arg = plan.call(cid).args.get(p)
        if arg is not None:
            out.append((key, arg.value, arg.said))
    return out


class OfflineBackend:
    """Templated language from the plan; no LLM."""

    name = "offline"

    async def write(self, plan: Plan, tools: dict[str, ToolDef], rng: random.Random) -> DialogueText:
        speaker = Speaker(plan, tools, rng)
        user, assistant, notes = [], [], {}
        for i, turn in enumerate(plan.turns):
            user.append(speaker.user(turn, first=i == 0, withheld=turn.withheld))
            for step in turn.steps:
                note = speaker.preface(step)
                if note:
                    notes[step[0]] = note
                for cid in step:
                    if plan.call(cid).failure and plan.call(cid).failure.kind in ("transient", "validation"):
                        notes[f"{cid}:retry"] = speaker.retry_note(cid)
            assistant.append(speaker.assistant(turn, plan.turns[i + 1] if i + 1 < len(plan.turns) else None))
        return DialogueText(user=user, assistant=assistant, notes=notes)


class ChatModelBackend:
    """Any LangChain chat model writes the language, in one structured-output call."""

    name = "llm"

    def __init__(self, model, retries: int = 2):
        self.model = model
        self.retries = retries
        self.structured = model.with_structured_output(DialogueText, method="function_calling", include_raw=True)
        self.calls = 0
        self.tokens = 0

    def _prompt(self, plan: Plan, tools: dict[str, ToolDef], feedback: str | None) -> list:
        from langchain_core.messages import HumanMessage, SystemMessage

        turns = []
        for i, t in enumerate(plan.turns):
            entry: dict[str, Any] = {"turn": i + 1, "kind": t.kind, "intent": t.intent,
                                     "user_states": [{"value": v, **({"say_it_as": s} if s else {})}
                                                     for _, v, s in user_says(plan, t)]}
            if t.withheld:
                entry["user_leaves_out"] = t.withheld
                entry["note"] = ("the user does NOT give this value in this turn; the assistant asks for it, and the "
                                 "user gives it in the next turn")
            if t.choices:
                entry["choices"] = [c.model_dump(include={"call", "reason", "by", "item", "count", "index"})
                                    for c in t.choices]
            calls = [cid for s in t.steps for cid in s]
            if calls:
                entry["calls"] = [{"call": cid, "tool": plan.call(cid).tool, "arguments": plan.call(cid).values(),
                                   "result": plan.call(cid).output,
                                   **({"error_first": plan.call(cid).failure.model_dump()}
                                      if plan.call(cid).failure else {})} for cid in calls]
            if t.fails:
                f = plan.call(t.fails).failure
                entry["ends_with_error"] = {"call": t.fails, "kind": f.kind, "arguments": f.args, "result": f.output}
            if t.kind == "question":
                entry["answer_from"] = {"call": t.about, "field": t.asks}
            turns.append(entry)
        spec = {"goal": plan.goal, "world": plan.world, "style": plan.persona.style, "turns": turns,
                "tools": {fn: {"description": d.description, "parameters": d.parameters} for fn, d in tools.items()}}
        instructions = (
            "Write the language of a realistic conversation between a user and an assistant that uses tools, "
            "following this plan exactly. The calls and their results are fixed: do not invent others. Return "
            "`user` (one message per turn) and `assistant` (one closing assistant message per turn: a summary of "
            "the results that matter to the user's goal, in prose; for a turn where the user leaves a value out, "
            "one clear question asking for it; for an `unserved` turn, say it cannot be done and what you can do "
            "instead). Each user message must state every value in its `user_states`, either verbatim or exactly "
            "as `say_it_as` gives it; never mention a value listed in `user_leaves_out` in that turn. The user "
            "writes like a person in the given style, never copying tool descriptions; dates relative to the "
            "world's `today`. Only address the user by name once they have given it.")
        messages = [SystemMessage(instructions), HumanMessage(json.dumps(spec, ensure_ascii=False, default=str))]
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
                problem = check_text(plan, text)
            except (ValidationError, ValueError, TypeError, KeyError) as e:
                problem = f"malformed answer ({type(e).__name__}: {str(e).splitlines()[0][:200]})"
            except Exception as e:  # output parsers raise their own kinds
                problem = f"malformed answer ({type(e).__name__}: {str(e).splitlines()[0][:200]})"
            if problem is None:
                return text
            feedback = problem
        raise Failure(f"chat model failed {1 + self.retries} times; last problem: {feedback}")


def check_text(plan: Plan, text: DialogueText) -> str | None:
    """What is wrong with a backend's text for this plan, or None."""
    import datetime as dt

    if len(text.user) != len(plan.turns) or len(text.assistant) != len(plan.turns):
        return f"expected {len(plan.turns)} user and assistant messages, got {len(text.user)} and {len(text.assistant)}"
    today = dt.date.fromisoformat(plan.today)
    for i, turn in enumerate(plan.turns):
        said = text.user[i].lower()
        for key, value, say_as in user_says(plan, turn):
            leaves = value if isinstance(value, list) else [value]
            if not all(is_said(v, said, today) for v in leaves):
                hint = f" (or as {say_as!r})" if say_as else ""
                return f"user message {i + 1} does not state {key.split('.', 1)[1]}={value!r}{hint}"
    return None


def assemble(plan: Plan, tools: dict[str, ToolDef], text: DialogueText, rng: random.Random) -> list[dict]:
    """The OpenAI-format messages of a plan, given the backend's text."""
    messages: list[dict] = [{"role": "system", "content": system_message(plan)}]

    def call_id() -> str:
        return "call_" + "".join(rng.choices("0123456789abcdef", k=12))

    def emit(batch: list[tuple[str, dict, Any]], content: str | None) -> None:
        ids = [call_id() for _ in batch]
        messages.append({"role": "assistant", "content": content, "tool_calls": [
            {"id": tid, "type": "function", "function": {"name": fn, "arguments": _dumps(args)}}
            for tid, (fn, args, _) in zip(ids, batch)]})
        for tid, (_, _, output) in zip(ids, batch):
            messages.append({"role": "tool", "tool_call_id": tid, "content": _dumps(output)})

    for i, turn in enumerate(plan.turns):
        messages.append({"role": "user", "content": text.user[i]})
        for step in turn.steps:
            calls = [plan.call(cid) for cid in step]
            failing = [c for c in calls if c.failure and c.failure.kind in ("transient", "validation")]
            note = text.notes.get(step[0])
            if failing:  # the tool fails once; the assistant sees the error and retries
                emit([(c.tool, c.failure.args, c.failure.output) for c in failing], note)
                note = text.notes.get(f"{failing[0].id}:retry")
            emit([(c.tool, c.values(), c.output) for c in calls], note)
        if turn.fails:
            c = plan.call(turn.fails)
            emit([(c.tool, c.failure.args, c.failure.output)], None)
        messages.append({"role": "assistant", "content": text.assistant[i]})
    return messages
