"""Plain descriptions of a plan's goal and of each turn's intent, for people reading a plan and for chat
models writing from it. Built from the tools' operations and entities and the values, never from the
tools' descriptions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..texts import humanize

if TYPE_CHECKING:
    from .plan import Call, ToolDef, Turn
    from .world import World

ACTS = {"search": "look for", "list": "see the list of", "read": "check the details of", "create": "make",
        "update": "change", "delete": "delete", "cancel": "cancel", "action": "get"}


def _act(call: Call, tools: dict[str, ToolDef]) -> str:
    from .language import article, plural, tool_object, tool_verb

    tool = tools[call.tool]
    noun = humanize(tool_object(tool))
    if call.op in ("search", "list"):
        return f"{ACTS[call.op]} {plural(noun)}"
    if call.op == "create":
        return f"{tool_verb(tool)} {article(noun)}"
    if call.op == "action":
        return f"{tool_verb(tool)} {noun}"
    return f"{ACTS[call.op]} the {noun}"


def _values(call: Call) -> str:
    said = [f"{k}={a.value}" for k, a in call.args.items() if a.source == "user"]
    return f" ({', '.join(said)})" if said else ""


def intent_of(turn: Turn, calls: dict[str, Call], tools: dict[str, ToolDef]) -> str:
    acts = [f"{_act(calls[cid], tools)}{_values(calls[cid])}" for step in turn.steps for cid in step]
    text = ", then ".join(acts)
    if turn.kind == "choose" and turn.choices:
        reasons = [{"cheapest": "the cheapest", "earliest": "the earliest", "latest": "the latest",
                    "best_rated": "the best rated", "named": "one by its name", "position": "one by its position",
                    "only": "the only"}[c.reason] for c in turn.choices if c.by == "user"]
        text = f"picks {' and '.join(reasons)} result, and wants to {text}"
    elif turn.kind == "topic_shift":
        text = f"moves on to something else: {text}"
    elif turn.kind == "follow_up":
        text = f"builds on the result: {text}"
    else:
        text = f"wants to {text}"
    return text


def goal_text(world: World, calls: list[Call], tools: dict[str, ToolDef]) -> str:
    """What the user wants overall: the last thing that changes something, reached through the rest."""
    first = world.user.first_name if world.user else "The user"
    writes = [c for c in calls if c.op in ("create", "update", "cancel", "delete")]
    main = writes[-1] if writes else calls[-1]
    text = f"{first} wants to {_act(main, tools)}"
    lookups = [c for c in calls if c.op in ("search", "list", "read") and c is not main]
    if lookups:
        text += f", after they {_act(lookups[0], tools)}"
    when = f" around {world.window[0].strftime('%B')} {world.window[0].day}" if world.window else ""
    return text + when + "."
