"""The texts that represent tools, parameters and output fields for embedding and matching."""

from __future__ import annotations

import re
from functools import lru_cache

import wordninja

from .specs.model import FieldInfo, ParamInfo, Tool

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def words(name: str) -> list[str]:
    """`userId` / `user_id` / `User-ID` -> ['user', 'id']."""
    return list(_words(name))


@lru_cache(maxsize=200_000)
def _words(name: str) -> tuple[str, ...]:
    out = [w.lower() for w in re.split(r"[^A-Za-z0-9]+", _CAMEL.sub(" ", name)) if w]
    if not re.search(r"\s", name):  # an identifier: its run-together words apart (`devicelist`)
        out = [part for w in out for part in _apart(w)]
    return tuple(out)


LEADING_VERBS = ("get", "list", "add", "create", "delete", "update", "fetch", "search", "find", "remove")


@lru_cache(maxsize=50_000)
def _apart(word: str) -> tuple[str, ...]:
    """`getthermostatsdata` -> get thermostats data, by English word frequencies (wordninja); short
    words stay whole (`webhooks`, `checkin`), and so does anything that does not split into words."""
    if 6 <= len(word) < 9 and word.isalpha() and word.startswith(LEADING_VERBS):  # `getusers`, not `listings`
        parts = wordninja.split(word)
        return tuple(parts) if parts[0] in LEADING_VERBS and len(parts) <= 3 and all(len(p) >= 3 for p in parts) \
            else (word,)
    if 5 <= len(word) < 9 and word.isalpha() and word.startswith(("is", "has", "can")):  # `ispublic`, a flag
        parts = wordninja.split(word)
        return tuple(parts) if len(parts) == 2 and parts[0] in ("is", "has", "can") and len(parts[1]) >= 3 \
            else (word,)
    if len(word) < 9 or not word.isalpha():
        return (word,)
    parts: list[str] = []
    for part in wordninja.split(word):
        if part == "s" and parts:  # `coachs`
            parts[-1] += part
        else:
            parts.append(part)
    if len(parts) > 4 or any(len(p) < 2 for p in parts):
        return (word,)
    return tuple(parts)


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
    """The leaf name only: the entity it belongs to is matched separately (edges.py), and leaf texts
    repeat across tools, so each is embedded once."""
    kind = field.item_type and f"{field.item_type} list" or field.type or "value"
    return f"{humanize(field_leaf(field.path))} ({kind}): {_short(field.description, 120)}"


# ---- names and entities, for matching outputs to parameters ---------------------------------
VERBS = {"get", "list", "create", "update", "delete", "remove", "add", "set", "find", "search", "fetch",
         "retrieve", "read", "post", "put", "patch", "query", "check", "show", "describe", "all", "by",
         "for", "of", "new", "my", "the", "a", "an", "to", "from", "with", "and", "or", "in", "on", "id",
         "ids", "info", "details", "detail", "api", "v1", "v2", "v3", "me", "current", "do", "make", "send",
         "upload", "download", "start", "stop", "cancel", "complete", "register", "lookup", "count", "batch"}
CONTAINERS = {"items", "item", "data", "results", "result", "value", "values", "records", "record", "response",
              "body", "content", "list", "entries", "entry", "objects", "elements", "nodes", "node", "edges",
              "attributes", "payload", "hits", "rows", "collection", "embedded", "page", "output"}


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("ses") and not word.endswith("sses"):
        return word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is", "news")):
        return word[:-1]
    return word


SYNONYMS = {"identifier": "id", "uuid": "id", "guid": "id"}


def name_key(words_: list[str]) -> str:
    """Case and separators ignored, plural folded on the last word: `userIds` -> `userid`."""
    if not words_:
        return ""
    last = singular(words_[-1])
    return "".join(words_[:-1]) + SYNONYMS.get(last, last)


def tool_entity(name: str, endpoint: str | None = None) -> str:
    """What a tool is about: `getUserById` -> `user`; `GET /pets/{petId}/owner` -> `owner`."""
    candidates: list[str] = []
    if endpoint and " " in endpoint:
        path = endpoint.split(" ", 1)[1]
        segments = [s for s in path.split("/") if s and not s.startswith("{") and not s.startswith(":")]
        for segment in segments:
            candidates.extend(w for w in words(segment) if w not in VERBS)
    if not candidates:
        candidates = [w for w in words(name) if w not in VERBS and not w.isdigit()]
    return singular(candidates[-1]) if candidates else ""


def field_context(path: str, entity: str) -> tuple[list[str], str]:
    """(leaf words, entity the leaf belongs to): the parent segment unless it is a mere container."""
    parts = [p for p in path.replace("[]", "").split(".") if p and p != "$"]
    leaf = words(parts[-1]) if parts else []
    for parent in reversed(parts[:-1]):
        parent_words = words(parent)
        if parent_words and parent_words[-1] not in CONTAINERS:
            return leaf, "".join(parent_words[:-1]) + singular(parent_words[-1])
    return leaf, entity
