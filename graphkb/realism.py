"""Realism checks of a dialogue in the OpenAI shape, from its messages alone (so they apply to anyone's
data, ours or not): does the simulated world hold together, and do people sound like people?

World (per dialogue):
- `entity_changed`: the same entity (an id value under the same id field) comes back with another
  value of a field, with no call that could change it (one whose name is not a read) in between;
- `end_before_start`: an object (arguments or output) whose end (end, check-out, arrival, drop-off,
  `to`...) is before its start;
- `output_contradicts_call`: an output field named like an argument of its call carries another value
  (a search for `city: Lyon` returning `city: Nice`; 5 adults booked, 3 confirmed);
- `list_reads`: for each argument read from a list of two or more results, the item's position.
Language (per dataset):
- `description_copy`: user turns repeating 6+ consecutive words of an offered tool's description;
- `single_user_turn`: dialogues with one user turn;
- diversity at equal size: gzip compression ratio and distinct-3 of the first 3,000 words of user text.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from .specs.semantics import infer_semantics, singular
from .synthesis.fields import classify
from .texts import CONTAINERS, name_key, words

_WORD = re.compile(r"[a-z0-9']+")
_ID_WORDS = {"id", "uuid", "guid"}
_READS = {"search", "list", "read"}


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return None


def _calls(record: dict) -> Iterator[tuple[str, dict, Any]]:
    """(tool name, arguments, output) of each call answered by a tool message, in order."""
    messages = record.get("messages") or []
    results = {m.get("tool_call_id"): _json(m.get("content")) for m in messages if m.get("role") == "tool"}
    for m in messages:
        for call in m.get("tool_calls") or [] if m.get("role") == "assistant" else []:
            fn = call.get("function") or {}
            args = _json(fn.get("arguments")) if isinstance(fn.get("arguments"), str) else fn.get("arguments")
            yield fn.get("name") or "", args if isinstance(args, dict) else {}, results.get(call.get("id"))


def _failed(output: Any) -> bool:
    return isinstance(output, dict) and "error" in output and len(output) <= 2


def _scalar(value: Any) -> bool:
    return value is not None and not isinstance(value, (dict, list))


def _norm(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 6)
    return str(value).strip().lower()


def _objects(node: Any, path: str = "") -> Iterator[tuple[str, dict]]:
    """Every object in a JSON value, with its path."""
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _objects(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for v in node:
            yield from _objects(v, f"{path}[]")


def _id_key(obj: dict, path: str = "") -> str | None:
    """The key that identifies an object: its own bare `id`, else the id named for what it is (under
    `ratePlans`, `ratePlanId`), before any `<other>_id` it refers to."""
    keys = [key for key, value in obj.items() if words(key) and words(key)[-1] in _ID_WORDS and _scalar(value)
            and not isinstance(value, bool)]
    where = words(path.split(".")[-1].replace("[]", "")) if path else []
    named = name_key([*where[:-1], singular(where[-1])]) if where else None
    return next((k for k in keys if len(words(k)) == 1), None) or \
        next((k for k in keys if named and name_key(words(k)[:-1]) == named), None) or (keys[0] if keys else None)


def _ops(record: dict) -> dict[str, str]:
    """What each offered tool does, from its name and description."""
    out = {}
    for t in record.get("tools") or []:
        fn = t.get("function") if isinstance(t, dict) else None
        if isinstance(fn, dict) and isinstance(fn.get("name"), str):
            out[fn["name"]] = infer_semantics(fn["name"], fn.get("description") or "", None, fn.get("parameters"))[0]
    return out


# ---- the world -----------------------------------------------------------------------------------------
def entity_changed(record: dict) -> list[str]:
    """Fields of one entity that change between calls with nothing in between that could change them."""
    ops = _ops(record)
    seen: dict[tuple[str, Any], dict[str, Any]] = {}
    problems = []
    for name, args, output in _calls(record):
        if ops.get(name, "action") not in _READS:  # a write may change what it names
            for value in args.values():
                for key in [k for k in seen if k[1] == _norm(value)]:
                    seen.pop(key, None)
        if _failed(output):
            continue
        identities = _identities(output)
        for path, obj in _objects(output):
            key = next((k for k in obj if (path, k) in identities), None) or _id_key(obj, path)
            if key is None:
                continue
            ident = (name_key(words(key)) if words(key) != ["id"] else path.split(".")[-1].replace("[]", "") + "#id",
                     _norm(obj[key]))
            fields = {k: _norm(v) for k, v in obj.items() if _scalar(v) and k != key}
            before = seen.setdefault(ident, {})
            for k, v in fields.items():
                if k in before and before[k] != v:
                    problems.append(f"{key}={obj[key]}: {k} was {before[k]!r}, now {v!r} (in {name})")
                before[k] = v
    return problems


def _moment(value: Any) -> dt.datetime | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 10**8:
        return dt.datetime.fromtimestamp(value if value < 10**11 else value / 1000, dt.timezone.utc).replace(tzinfo=None)
    if not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text) if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None
    if moment is None:
        return None
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def end_before_start(record: dict) -> list[str]:
    """Objects (arguments or outputs) whose end comes before their start."""
    problems = []
    for name, args, output in _calls(record):
        for where, node in (("arguments", args), ("output", None if _failed(output) else output)):
            for _, obj in _objects(node):
                starts, ends = {}, {}
                for key, value in obj.items():
                    moment = _moment(value)
                    if moment is None:
                        continue
                    kind = classify(key, {"type": "string"})
                    if kind.role == "start":
                        starts.setdefault(kind.stem, (key, moment))
                    elif kind.role == "end":
                        ends.setdefault(kind.stem, (key, moment))
                for stem, (end_key, end) in ends.items():
                    start_key, start = starts.get(stem) or (next(iter(starts.values())) if len(starts) == 1 else (None, None))
                    if start is None:
                        continue
                    if end < start:
                        problems.append(f"{name} {where}: {end_key}={obj[end_key]} is before {start_key}={obj[start_key]}")
    return problems


def _agrees(arg: Any, out: Any) -> bool:
    from .specs.semantics import singular

    if isinstance(arg, bool) or isinstance(out, bool):
        return arg == out
    if isinstance(arg, (int, float)) and isinstance(out, (int, float)):
        return abs(float(arg) - float(out)) < 1e-6
    a, o = str(arg).strip().lower(), str(out).strip().lower()
    if a == o or (len(a) >= 3 and a in o) or singular(a) == singular(o):
        return True
    if re.match(r"^\d{4}-\d{2}-\d{2}", a) and re.match(r"^\d{4}-\d{2}-\d{2}", o):
        return a[:10] == o[:10]  # a requested day and a time on it
    return False


# Keys that every kind of object has: in a part of the result (an identity document's `type`) they
# describe that part, not what the call asked for.
_GENERIC_KEYS = {"type", "status", "name", "kind", "category", "code", "description", "value", "title", "state", "id"}


def _top_level(path: str) -> bool:
    """The result itself, its list's items, or either under wrappers like `data`."""
    parts = [p for p in path.replace("[]", "").split(".") if p]
    return len(parts) <= 1 or all(p in CONTAINERS for p in parts[:-1])


def output_contradicts_call(record: dict) -> list[str]:
    """Output fields named like an argument of their call that carry another value; not generic keys
    of a part of the result, nor the new id a create returns under the name of the id it was given."""
    problems = []
    ops = _ops(record)
    for name, args, output in _calls(record):
        if _failed(output) or not args:
            continue
        wanted = {name_key(words(k)): v for k, v in args.items() if _scalar(v) and words(k) and
                  not set(words(k)) & {"page", "limit", "offset", "cursor", "per", "size", "sort", "order", "fields",
                                       "format", "lang", "locale", "include", "expand", "min", "max"}}
        identities = _identities(output)
        for path, obj in _objects(output):
            for key, value in obj.items():
                arg = wanted.get(name_key(words(key)))
                if arg is None or not _scalar(value):
                    continue
                if path and words(key) == ["id"] or (path, key) in identities:
                    continue  # a result's own id (bare, or different in every item of its list), not the call's
                top = not path or ops.get(name) in ("search", "list") and _top_level(path)
                if not top and name_key(words(key)) in _GENERIC_KEYS:
                    continue
                if not path and words(key) == ["id"] and ops.get(name) == "create":
                    continue  # POST /entities/{id}/documents: the document made has an id of its own
                if not _agrees(arg, value):
                    problems.append(f"{name}: {key}={value!r} in the output, {arg!r} in the call")
    return problems


def _identities(output: Any) -> set[tuple[str, str]]:
    """(path, key) of id fields that differ in every item of a list of 2+ objects: they tell the items
    apart, so they are no echo of an argument (a filter's value would repeat in each)."""
    out: set[tuple[str, str]] = set()
    for path, obj in _objects(output):
        if path.endswith("[]"):
            out.update((path, k) for k, v in obj.items() if words(k) and words(k)[-1] in _ID_WORDS and _scalar(v)
                       and not isinstance(v, bool))
    keep = set()
    for path, key in out:
        values = [obj[key] for p, obj in _objects(output) if p == path and key in obj]
        if len(values) >= 2 and len({_norm(v) for v in values}) == len(values):
            keep.add((path, key))
    return keep


def list_reads(record: dict) -> list[tuple[int, int]]:
    """(position, list length) of each argument value read from a list of two or more earlier results."""
    lists: list[list[Any]] = []  # lists of items seen in outputs so far
    out: list[tuple[int, int]] = []
    for name, args, output in _calls(record):
        for value in args.values():
            if not _distinctive(value):
                continue
            for items in lists:
                hits = [i for i, item in enumerate(items) if any(_norm(x) == _norm(value) for x in _leaves(item))]
                if len(hits) == 1:
                    out.append((hits[0], len(items)))
                    break
        if not _failed(output):
            for node in _lists(output):
                if len(node) >= 2:
                    lists.insert(0, node)
    return out


def _lists(node: Any) -> Iterator[list]:
    if isinstance(node, list):
        yield node
        for v in node:
            yield from _lists(v)
    elif isinstance(node, dict):
        for v in node.values():
            yield from _lists(v)


def _leaves(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        for v in node.values():
            yield from _leaves(v)
    elif isinstance(node, list):
        for v in node:
            yield from _leaves(v)
    else:
        yield node


def _distinctive(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return abs(value) >= 1000
    return isinstance(value, str) and len(value) >= 4


# ---- people --------------------------------------------------------------------------------------------
def _user_turns(record: dict) -> list[str]:
    return [m["content"] for m in record.get("messages") or [] if m.get("role") == "user"
            and isinstance(m.get("content"), str)]


def copies_description(record: dict, n: int = 6) -> int:
    """User turns that repeat `n` or more consecutive words of an offered tool's description."""
    grams = set()
    for t in record.get("tools") or []:
        fn = t.get("function") if isinstance(t, dict) else None
        tokens = _WORD.findall(str((fn or {}).get("description") or "").lower())
        grams.update(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    count = 0
    for text in _user_turns(record):
        tokens = _WORD.findall(text.lower())
        if any(tuple(tokens[i:i + n]) in grams for i in range(len(tokens) - n + 1)):
            count += 1
    return count


def diversity_at_size(records: Iterable[dict], words_: int = 3000) -> dict[str, float | None]:
    """gzip compression ratio and distinct-3 of the first `words_` words of user text (lower is more
    repetitive for distinct-3, higher is more repetitive for the ratio), so datasets compare at equal size."""
    tokens: list[str] = []
    for r in records:
        for text in _user_turns(r):
            tokens.extend(text.split())
            if len(tokens) >= words_:
                break
        if len(tokens) >= words_:
            break
    tokens = tokens[:words_]
    if len(tokens) < 100:
        return {"user_gzip_ratio": None, "user_distinct3": None, "user_words": len(tokens)}
    text = " ".join(tokens).encode("utf-8")
    lowered = [_WORD.findall(t.lower()) for t in tokens]
    flat = [w for ws in lowered for w in ws]
    trigrams = list(zip(flat, flat[1:], flat[2:]))
    return {"user_gzip_ratio": len(text) / len(gzip.compress(text, compresslevel=9)),
            "user_distinct3": len(set(trigrams)) / max(1, len(trigrams)), "user_words": len(tokens)}


def measure(records: list[dict]) -> dict[str, Any]:
    """The realism figures of a dataset."""
    n = max(1, len(records))
    changed = contradicts = reversed_ = copied_turns = user_turns = single = clean = 0
    positions: Counter = Counter()
    reads = 0
    for r in records:
        a, b, c = entity_changed(r), end_before_start(r), output_contradicts_call(r)
        changed += bool(a)
        reversed_ += bool(b)
        contradicts += bool(c)
        clean += not (a or b or c)
        for pos, _ in list_reads(r):
            positions[pos] += 1
            reads += 1
        turns = _user_turns(r)
        user_turns += len(turns)
        single += len(turns) == 1
        copied_turns += copies_description(r)
    return {"entity_changed": changed / n, "end_before_start": reversed_ / n, "output_contradicts_call": contradicts / n,
            "consistent": clean / n, "list_reads": reads,
            "list_first_item": positions[0] / reads if reads else None,
            "list_positions": dict(sorted(positions.items())),
            "description_copy": copied_turns / max(1, user_turns), "single_user_turn": single / n,
            **diversity_at_size(records)}
