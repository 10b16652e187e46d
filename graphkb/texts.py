"""The texts that represent tools, parameters and output fields for embedding and matching."""

from __future__ import annotations

import re

from .specs.model import FieldInfo, ParamInfo, Tool

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def words(name: str) -> list[str]:
    """`userId` / `user_id` / `User-ID` -> ['user', 'id']."""
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", _CAMEL.sub(" ", name)) if w]


def humanize(name: str) -> str:
    return " ".join(words(name))


def _short(description: str, limit: int) -> str:
    """The first sentence, at most `limit` characters: enough meaning, few tokens."""
    text = re.sub(r"<[^>]+>|\s+", " ", description or "").strip()
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first[:limit].rstrip()


def field_leaf(path: str) -> str:
    """The last named segment of a dotted output path (`data.items[].owner_id` -> `owner_id`)."""
    parts = [p for p in path.replace("[]", "").split(".") if p and p != "$"]
    return parts[-1] if parts else ""


def tool_text(tool: Tool) -> str:
    return f"{humanize(tool.name)}: {_short(tool.description, 200)}"


def param_text(param: ParamInfo) -> str:
    kind = param.item_type and f"{param.item_type} list" or param.type or "value"
    return f"{humanize(param.name)} ({kind}): {_short(param.description, 120)}"


def field_text(field: FieldInfo) -> str:
    parts = [p for p in field.path.replace("[]", "").split(".") if p and p != "$"]
    kind = field.item_type and f"{field.item_type} list" or field.type or "value"
    return f"{humanize(' '.join(parts[-2:]))} ({kind}): {_short(field.description, 120)}"
