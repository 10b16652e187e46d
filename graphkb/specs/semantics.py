"""What a tool does: its operation (`search`, `list`, `read`, `create`, `update`, `delete`, `cancel` or
`action`) and its entity (the noun it acts on: `flight`, `order`, `event`).

Computed once at ingest from what every format has: the name's verb, the description's first words,
the HTTP method and path where there is one, the parameters and the output's shape. Stored on the
`Tool` node (`op`, `entity`) so that sampling, planning, recipes and Browser users can use it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..texts import CONTAINERS, words

OPS = ("search", "list", "read", "create", "update", "delete", "cancel", "action")

# The verb of a name or description, to the operation it usually names.
VERB_OPS: dict[str, str] = {}
for _op, _verbs in {
    "search": "search find lookup query discover match locate suggest autocomplete explore browse filter",
    "list": "list enumerate",
    "read": "get fetch retrieve read show describe view details detail info inspect check track",
    "create": "create add new post insert book reserve register make place schedule send submit upload log record "
              "open invite subscribe share start generate issue apply order buy purchase pay rent request import "
              "save write publish compose draft sign enroll join follow like comment reply attach transfer "
              "refund tag star upvote checkout claim",
    "update": "update edit modify change set patch move rename reschedule put replace upsert mark complete confirm "
              "approve reject archive restore enable disable toggle assign adjust extend resize accept pause resume "
              "unarchive verify activate deactivate ship dispatch fulfil fulfill",
    "delete": "delete remove destroy erase purge unsubscribe clear drop unfollow unlike detach deregister unregister "
              "unstar untag",
    "cancel": "cancel void revoke abort terminate withdraw decline stop",
    "action": "convert translate calculate compute estimate predict analyze analyse summarize detect classify "
              "transcribe resolve geocode parse format render sync run execute test ping validate "
              "recommend rank score evaluate simulate optimize shorten export download print preview login logout "
              "signin signout logon logoff reset",
}.items():
    for _v in _verbs.split():
        VERB_OPS.setdefault(_v, _op)

# Verbs that are as often nouns (`order`, `book`): a verb only where the verb stands.
_NOUN_VERBS = {"order", "book", "log", "record", "request", "transfer", "post", "comment", "reply", "tag", "star",
               "run", "test", "format", "filter", "match", "export", "share", "check", "pay", "schedule", "issue",
               "like", "draft", "rent", "sign", "print", "preview", "score", "rank", "track", "purchase", "claim",
               "upload", "download", "report", "mark", "move", "change", "return", "refund", "note", "message",
               "invite", "transcript", "translation", "estimate", "forecast", "login", "logout", "reset"}
# Words that name no entity: verbs, fillers, API words, qualifiers.
_NOT_ENTITY = (set(VERB_OPS) - _NOUN_VERBS) | {
    "by", "for", "of", "the", "a", "an", "to", "from", "with", "and", "or", "in", "on", "at", "all", "my", "me",
    "current", "id", "ids", "info", "details", "detail", "api", "v1", "v2", "v3", "v4", "do", "is", "new", "one",
    "single", "multiple", "bulk", "batch", "count", "status", "free", "available", "nearby",
    "near", "latest", "recent", "top", "popular", "public", "private", "own", "json", "xml", "rest", "http",
    "reverse", "best", "trending", "random", "basic", "just", "given", "specific", "existing", "several", "list", "everything", "known", "whole", "full",
    "https", "www", "com", "org", "net", "io", "invalid", "example", "using", "via", "into", "about", "user's",
    "s", "it", "its", "their", "them", "that", "this", "these", "those", "be", "are", "was", "any", "some",
}
_QUERY_WORDS = {"q", "query", "search", "keyword", "keywords", "term", "terms", "text", "filter", "name", "city",
                "location", "near", "lat", "latitude", "lng", "lon", "longitude", "date", "from", "to", "origin",
                "destination", "category", "type", "genre", "cuisine", "country", "min", "max", "price", "tag"}
_PLUMBING = {"page", "limit", "offset", "cursor", "size", "per", "sort", "order", "fields", "format", "lang",
             "locale", "key", "token", "api", "apikey", "callback", "pretty", "expand", "include", "version"}


@lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """`flights` -> `flight`, `addresses` -> `address`; words that are not plural stay."""
    if len(word) <= 3 or not word.isalpha() or word.endswith(("ss", "us", "is", "news", "data")):
        return word
    import inflection

    return inflection.singularize(word) if word != "data" else word


def _name_words(name: str, prefix: str | None) -> list[str]:
    w = words(name)
    p = words(prefix or "")
    if p and w[: len(p)] == p and len(w) > len(p):  # ToolBench names are "<tool>_<api>"
        w = w[len(p):]
    return [x for i, x in enumerate(w) if i == 0 or x != w[i - 1]]  # `people.people.get`


def _verb_op(ws: list[str]) -> tuple[str | None, str | None]:
    """The first word that is a known verb, and its operation."""
    for word in ws[:3]:
        if word in VERB_OPS:
            return word, VERB_OPS[word]
    return None, None


def _path_parts(endpoint: str | None) -> tuple[str | None, list[tuple[str, bool]], bool]:
    """(HTTP method, literal path segments each with whether a {parameter} comes right before it,
    whether the path ends with a {parameter})."""
    if not endpoint or " " not in endpoint:
        return None, [], False
    method, path = endpoint.split(" ", 1)
    path = re.sub(r"^[a-z]+://[^/]+", "", path.strip()).split("?", 1)[0]
    segments = [s for s in path.split("/") if s]
    literal = [(s, i > 0 and segments[i - 1].startswith(("{", ":"))) for i, s in enumerate(segments)
               if not s.startswith(("{", ":"))]
    return method.upper(), literal, bool(segments) and segments[-1].startswith(("{", ":"))


def _collection(output: Any) -> str | None:
    """The key of the main list of objects in an output schema ('' for a top-level array), if any."""
    if not isinstance(output, dict):
        return None
    if output.get("type") == "array" or "items" in output and "properties" not in output:
        return ""
    props = output.get("properties") or {}
    lists = [k for k, v in props.items() if isinstance(v, dict) and (v.get("type") == "array" or "items" in v)
             and isinstance(v.get("items"), dict) and ((v["items"].get("properties")) or v["items"].get("type") == "object")]
    others = [k for k in props if k not in lists and words(k) and words(k)[-1] not in _PLUMBING | {
        "total", "count", "next", "previous", "prev", "has", "more", "links", "meta", "status", "message", "success"}]
    if len(lists) == 1 and len(others) <= 2:
        return lists[0]
    for wrapper in ("data", "result", "results", "response", "body", "payload"):  # {"data": {"items": [...]}}
        inner = props.get(wrapper)
        if isinstance(inner, dict) and inner.get("properties"):
            found = _collection(inner)
            if found is not None:
                return f"{wrapper}.{found}" if found else wrapper
    return None


_CUT = {"by", "of", "for", "with", "from", "in", "on", "at", "near", "using", "via", "to", "into", "about", "between"}


def _entity_from(ws: list[str], first: bool = False) -> str:
    """The noun phrase (at most two words, the last singular) of a run of words: `payment methods` ->
    `payment method`. Words after a preposition qualify it (`hotels by city`); `first`: the first noun
    phrase rather than the last (for descriptions)."""
    run: list[str] = []
    for w in ws:
        if w in _CUT and run:
            break
        if w in _NOT_ENTITY or w.isdigit() or len(w) < 2 or re.fullmatch(r"v\d+(?:[a-z]+\d*)?", w):  # v2beta3
            if run and first:
                break
            run = [] if not first else run
            continue
        run.append(w)
    while len(run) > 1 and run[-1] in CONTAINERS:  # `thermostats data`: the thermostats
        run.pop()
    if not run:
        return ""
    if not first:  # `time off requests`: a particle keeps the word before it
        run = run[-3:] if len(run) >= 3 and run[-2] in ("off", "out", "up", "over", "down") else run[-2:]
    else:
        run = run[:2]
    return " ".join([*run[:-1], singular(run[-1])])


def _spaced(entity: str, ws: list[str]) -> str:
    """A path's run-together word in the words of the name or description: `productgroup` with
    `productGroupsGET` is `product group`."""
    if " " in entity:
        return entity
    for i in range(len(ws)):
        for j in range(i + 2, min(len(ws), i + 3) + 1):
            joined = "".join(ws[i:j])
            if (joined == entity or singular(joined) == entity) and all(len(w) > 2 for w in ws[i:j]):
                return " ".join([*ws[i:j - 1], singular(ws[j - 1])])
    return entity


def infer_semantics(name: str, description: str = "", endpoint: str | None = None,
                    parameters: dict | None = None, output: dict | None = None,
                    prefix: str | None = None) -> tuple[str, str]:
    """(op, entity) of a tool."""
    name_ws = _name_words(name, prefix)
    # Discovery-style names (`cloudtasks.projects.locations.queues.pause`): the last segment is the verb,
    # the one before it the resource acted on; the path (`/v2/{name}:pause`) names neither.
    segs = [x for x in name.split(".") if x]
    last = words(segs[-1]) if len(segs) >= 3 else []
    dotted = bool(last) and (len(last) == 1 or last[0] in VERB_OPS)
    if dotted:
        name_ws = last + (words(segs[-2]) if len(last) == 1 else [])
    desc_ws = words(re.split(r"(?<=[.!?])\s", description or "", maxsplit=1)[0])[:12]
    method, segments, ends_with_param = _path_parts(endpoint)
    props = (parameters or {}).get("properties") or {}
    required = set((parameters or {}).get("required") or [])
    param_words = [words(p) for p in props]
    has_id_param = any(ws and ws[-1] in ("id", "ids", "uuid", "key", "slug", "code", "number", "ref") for ws in param_words
                       if ws) and any(p in required for p in props)
    filters = [ws for ws in param_words if ws and not set(ws) & _PLUMBING]
    collection = _collection(output)

    verb, op = _verb_op(name_ws)
    if dotted and op is None:
        verb, op = last[0], "action"  # `tasks.buffer`, `queues.lease`
    if op is None:
        verb, op = _verb_op(desc_ws[:2])
        if op is None and desc_ws[:3] in (["returns", "a", "list"], ["return", "a", "list"]) or desc_ws[:2] == ["list", "of"]:
            op = "list"
    if op is None and method:
        op = {"GET": "read", "POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}.get(method, "action")
        if method == "GET" and not ends_with_param and (collection is not None or not has_id_param):
            op = "list"
    op = op or "action"
    # A read that returns a collection is a list, or a search when something other than ids narrows it.
    if op in ("read", "list") and collection is not None and not ends_with_param:
        narrowing = [ws for ws in filters if ws[-1] not in ("id", "ids", "uuid")]
        op = "search" if narrowing else "list"
    elif op == "search" and collection is None and not filters:
        op = "read"
    if method == "DELETE" and op != "cancel":
        op = "delete"

    # An operation on an existing thing of its own kind creates nothing new (`shareDocument(document_id)`).
    # Entity: the path's last literal segment that is a noun, else the name's, else the list's items.
    entity, sub_resource = "", False
    for seg, after_param in reversed(segments):
        found = _entity_from(words(seg))
        if found and found.split()[-1] not in CONTAINERS:
            entity, sub_resource = found, after_param
            break
    name_entity = _entity_from([w for w in name_ws if w != verb])
    path_words = {w for seg, _ in segments for w in words(seg)}
    if name_entity and (dotted or not entity or not sub_resource and {name_entity.split()[-1], name_entity.split()[-1] + "s"}
                        & path_words):
        entity = name_entity  # the name qualifies the path's resource (`getPodcastsByDomainName`)
    if not entity and collection:
        entity = _entity_from(words(collection.split(".")[-1]))
    if not entity:
        entity = _entity_from(desc_ws, first=True)
    entity = _spaced(entity or "item", name_ws + words(description or "")[:40])
    head = entity.split()[-1]
    if op == "create" and verb not in ("book", "reserve", "order", "send", "post") and any(
            p in required and words(p)[-2:] in ([head, "id"], ["id"]) for p in props if words(p)):
        op = "update"
    return op, entity
