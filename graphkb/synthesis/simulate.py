"""Tool outputs from the world, with state. What a call returns follows from what the tool does:
- a read returns the stored entity (the same flight comes back with the same airline and price);
- a create adds an entity that echoes its arguments, which later reads and searches return;
- an update changes exactly the fields it was given; a delete or cancel changes the state;
- a search returns several items, each satisfying the search's arguments (same city, on the
  requested day, within the price filter), in a plausible order; a list returns what exists.
Every output field that names an argument carries the argument's value; nothing ends before it
starts; and every path a later call reads is there, however deep the schema."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..specs.semantics import _collection as collection_key
from ..texts import name_key, words
from .fields import Kind, classify, parent_entity
from .schemas import validator as schema_validator
from .values import SELF_ROLES, Scope, Values
from .world import World

MAX_DEPTH = 6
CANCELLED = ("cancelled", "canceled", "void", "voided", "inactive", "closed", "refunded", "deleted")


# What a traveller books or visits at the destination.
STAYS = {"hotel", "stay", "accommodation", "lodging", "tour", "attraction"}


@dataclass
class ToolInfo:
    """What the simulator needs of a tool."""

    function: str
    op: str
    entity: str
    parameters: dict
    output: dict | None
    description: str = ""
    kinds: dict | None = None  # of its parameters, once computed
    endpoint: str | None = None  # "GET /shows/{id}/episodes": `id` names a show

    @property
    def head(self) -> str:
        return self.entity.split()[-1] if self.entity else "item"


@dataclass
class CallContext:
    tool: ToolInfo
    args: dict[str, Any]
    needed: list[str] = field(default_factory=list)  # output paths later calls read
    items: int | None = None  # how many items a collection gets (None: decide)
    own_id: tuple[str, Any] | None = None  # (entity, id) the call is about (read/update/delete)
    place_role: str = ""  # `destination` when the call is about the trip's destination
    existing: set = field(default_factory=set)  # records that existed before the call
    before: dict = field(default_factory=dict)  # the record the call is about, as it was before it
    named: dict = field(default_factory=dict)  # records its id arguments name, as they were before it
    listed: set = field(default_factory=set)  # existing records already returned by this call


def split_path(path: str) -> list[str]:
    """`data.items[].id` -> ['data', 'items', '[]', 'id']; `[].name` -> ['[]', 'name']."""
    out: list[str] = []
    for part in re.split(r"\.(?![^\[]*\])", path):
        if not part or part == "$":
            continue
        key, n = part.replace("[]", ""), part.count("[]")
        if key:
            out.append(key)
        out.extend(["[]"] * n)
    return out


def value_at(output: Any, path: str, picks: list[int] | None = None) -> Any:
    """The value at a dotted output path; the k-th `[]` takes item `picks[k]` (default the first)."""
    node, k = output, 0
    for part in split_path(path):
        if part == "[]":
            index = picks[k] if picks and k < len(picks) else 0
            k += 1
            node = node[index] if isinstance(node, list) and len(node) > index else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def _put(node: Any, path: list, value: Any) -> Any:
    if not path:
        return value
    parent = node
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return node


def value_at_schema(schema: dict, path: str) -> dict:
    """The item schema of the list at a collection path (`data.items`, or '' for a top-level array)."""
    node = schema
    for part in [p for p in path.split(".") if p]:
        node = (node.get("properties") or {}).get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            return {}
    items = node.get("items") if isinstance(node, dict) else None
    return items if isinstance(items, dict) else {}


def set_at(output: Any, path: str, picks: list[int] | None, value: Any) -> bool:
    """Put `value` at a dotted path (the picked items along it); False when the path is not there."""
    parts = split_path(path)
    node, k = output, 0
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "[]":
            index = picks[k] if picks and k < len(picks) else 0
            k += 1
            if not isinstance(node, list) or len(node) <= index:
                return False
            if last:
                node[index] = value
                return True
            node = node[index]
        else:
            if not isinstance(node, dict) or part not in node:
                return False
            if last:
                node[part] = value
                return True
            node = node[part]
    return False


def list_lengths(output: Any, path: str, picks: list[int] | None = None) -> list[int]:
    """The length of each list met along a path (for choosing items)."""
    node, k, out = output, 0, []
    for part in split_path(path):
        if part == "[]":
            if not isinstance(node, list):
                return out
            out.append(len(node))
            index = picks[k] if picks and k < len(picks) else 0
            k += 1
            node = node[index] if len(node) > index else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return out
    return out


def path_entities(endpoint: str | None) -> dict[str, str]:
    """What each path parameter names: in `/shows/{id}/episodes`, `id` is a show's."""
    from ..specs.semantics import singular

    if not endpoint or " " not in endpoint:
        return {}
    segments = [s for s in re.sub(r"^[a-z]+://[^/]+", "", endpoint.split(" ", 1)[1]).split("?")[0].split("/") if s]
    out = {}
    for i, seg in enumerate(segments):
        m = re.fullmatch(r"[{:]([^}]+)}?", seg)
        if m and i > 0 and not segments[i - 1].startswith(("{", ":")):
            ws = words(segments[i - 1])
            if ws:
                out[m.group(1)] = singular(ws[-1])
    return out


def arg_kinds(tool: ToolInfo) -> dict[str, Kind]:
    if tool.kinds is None:
        props = tool.parameters.get("properties") or {}
        named = path_entities(tool.endpoint)
        tool.kinds = {}
        for name, schema in props.items():
            kind = classify(name, schema, "", named.get(name) or tool.head)
            if kind.name == "id" and name in named and words(name) in (["id"], ["ids"]):
                kind = Kind("id", entity=named[name])
            tool.kinds[name] = kind
    return tool.kinds


def same_name(a: str, b: str) -> bool:
    return a == b or name_key(words(a)) == name_key(words(b))


class Simulator:
    def __init__(self, world: World, values: Values):
        self.w, self.v = world, values

    # ---- one call --------------------------------------------------------------------------------
    def run(self, ctx: CallContext) -> Any:
        ctx.args = copy.deepcopy(ctx.args)  # an output never shares a list or object with a call's arguments
        tool = ctx.tool
        if not tool.output:
            return self._bare(ctx)
        schema = tool.output
        kinds = arg_kinds(tool)
        ctx.own_id = self._own_id(ctx, kinds)
        ctx.existing = set(self.w.records)
        ctx.before = dict(self.w.records.get((str(ctx.own_id[0]), str(ctx.own_id[1])), {})) if ctx.own_id else {}
        named = {str(v) for n, v in ctx.args.items() if kinds.get(n) and kinds[n].name == "id" and not isinstance(v, (list, dict))}
        ctx.named = {k: dict(r) for k, r in self.w.records.items() if k[1] in named}  # as they were before the call
        ctx.place_role = self._place_role(ctx)
        self._asked = set(ctx.args)
        self.v.imperial = any(isinstance(v, str) and v.lower() in ("imperial", "us", "fahrenheit", "f", "e")
                              and set(words(n)) & {"units", "unit", "system", "scale"} for n, v in ctx.args.items())
        # a requested length (`duration_minutes`) is the length of the spans returned
        self.v.duration_hint = next((dt.timedelta(**{k.role if k.role in ("minutes", "hours", "days", "weeks")
                                                     else "days": v}) for n, v in ctx.args.items()
                                     if (k := kinds.get(n)) and k.name == "duration" and isinstance(v, int)
                                     and not isinstance(v, bool) and k.role != "nights"), None)
        if tool.op in ("delete", "cancel") and ctx.own_id:
            self._change_state(ctx)
        elif tool.op == "update" and ctx.own_id:
            record = self.w.record(*ctx.own_id)
            for name, value in ctx.args.items():
                if name not in self._id_args(ctx, kinds):
                    _move_span(record, name, value, ctx.args)
                    record[name] = value
        coll = collection_key(schema) if tool.op in ("search", "list", "read") else None
        if coll is not None and ctx.items is None:
            item_schema = value_at_schema(schema, coll)
            key = self._id_key(item_schema.get("properties") or {}, tool.head) if item_schema else None
            listed = parent_entity(coll.split(".")[-1], tool.head) if coll else tool.head  # `devices` -> device
            if key and any(same_name(a, key) or kinds[a].name == "id" and kinds[a].entity == listed.split()[-1]
                           for a in ctx.args if a in kinds):
                ctx.items = 1  # a search (or a read answered with a list) for one id finds that one
            elif tool.op == "read":
                coll = None
        out = self._fill(schema, "", ctx, kinds, Scope(entity=tool.head, self_person=tool.head in SELF_ENTITIES,
                                                       place_role=ctx.place_role), depth=0, root=True, collection=coll)
        for path in ctx.needed:
            out = self._ensure(out, path, ctx, kinds)
        return self._conform(out, schema)

    def _conform(self, out: Any, schema: dict) -> Any:
        """The last word goes to the schema: a leaf it rejects is made again from its own schema."""
        validator = schema_validator(schema)
        if validator is None:
            return out
        for _ in range(3):
            errors = list(validator.iter_errors(out))
            if not errors:
                break
            for error in errors[:20]:
                path = list(error.absolute_path)
                sub = error.schema if isinstance(error.schema, dict) else {}
                if error.validator == "required":
                    missing = [n for n in (sub.get("required") or []) if n not in (error.instance or {})]
                    for n in missing:
                        if isinstance(error.instance, dict):
                            error.instance[n] = self.v.for_schema((sub.get("properties") or {}).get(n) or {}, n)
                    continue
                value = self.v.for_schema(sub, str(path[-1]) if path and isinstance(path[-1], str) else "value")
                out = _put(out, path, value)
        return out

    def _bare(self, ctx: CallContext) -> dict:
        """A tool without an output schema: a minimal acknowledgement of what it did."""
        op = ctx.tool.op
        acts_on = any(words(n)[-1:] in (["id"], ["ids"]) for n in ctx.args)
        if op == "create" and acts_on:  # saving or following things that exist creates no id of its own
            return {"status": "ok"}
        if op == "create":
            return {"id": self.v.new_id(ctx.tool.head, {}, "string"), "status": "created"}
        if op in ("delete", "cancel"):
            self._change_state(ctx) if ctx.own_id else None
            return {"status": "cancelled" if op == "cancel" else "deleted"}
        return {"status": "ok"}

    def _place_role(self, ctx: CallContext) -> str:
        """Whether the call is about the trip's destination (its city, airport or coordinates)."""
        if set(words(ctx.tool.entity)) & STAYS and not any(isinstance(v, str) and v == self.w.home.city
                                                             for v in ctx.args.values()):
            return "destination"  # a hotel or tour is where a trip goes, when no argument says otherwise
        if self.w._away is None:
            return ""
        away = self.w.away
        marks = {away.city.lower(), away.airport[0].lower(), away.country.lower(), away.country_code.lower()}
        for value in ctx.args.values():
            if isinstance(value, str) and value.lower() in marks:
                return "destination"
            if isinstance(value, float) and (abs(value - away.lat) < 0.1 or abs(value - away.lng) < 0.1):
                return "destination"
        return ""

    def _id_args(self, ctx: CallContext, kinds: dict[str, Kind]) -> set[str]:
        return {n for n, k in kinds.items() if k.name == "id" and n in ctx.args}

    def _own_id(self, ctx: CallContext, kinds: dict[str, Kind]) -> tuple[str, Any] | None:
        """The entity a read/update/delete/cancel is about, from its id argument."""
        if ctx.tool.op not in ("read", "update", "delete", "cancel", "action"):
            return None
        ids = [(n, k) for n, k in kinds.items() if k.name == "id" and n in ctx.args and not isinstance(ctx.args[n], list)]
        if not ids:
            return None
        head = ctx.tool.head
        best = next((x for x in ids if x[1].entity == head), None) or (ids[0] if ctx.tool.op != "action" else None)
        if best is None:
            return None
        return best[1].entity if best[1].entity not in ("", "item") else head, ctx.args[best[0]]

    def _change_state(self, ctx: CallContext) -> None:
        key = (str(ctx.own_id[0]), str(ctx.own_id[1]))
        self.w.status[key] = "deleted" if ctx.tool.op == "delete" else "cancelled"
        record = self.w.record(*ctx.own_id)
        for k in list(record):
            if classify(k, {"type": "string"}).name == "status":
                record[k] = "cancelled" if ctx.tool.op == "cancel" else "deleted"

    # ---- filling schemas -------------------------------------------------------------------------
    def _fill(self, schema: Any, key: str, ctx: CallContext, kinds: dict[str, Kind], scope: Scope, depth: int,
              root: bool = False, collection: str | None = None, path: str = "") -> Any:
        schema = schema if isinstance(schema, dict) else {}
        t = schema.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), None)
        if t == "object" or t is None and "properties" in schema:
            return self._object(schema, key, ctx, kinds, scope, depth, root, collection, path)
        if t == "array" or t is None and "items" in schema:
            items = schema.get("items") if isinstance(schema.get("items"), dict) else {"type": "string"}
            is_coll = collection is not None and (path == collection or collection == "" and root)
            if (items.get("type") == "object" or "properties" in items) and depth < MAX_DEPTH:
                n = self._count(schema, ctx, is_coll, depth)
                child = parent_entity(key, scope.entity) if key else scope.entity
                labels = [len(s["enum"]) for k, s in (items.get("properties") or {}).items() if isinstance(s, dict)
                          and s.get("enum") and classify(k, s, child, child).name in ("label", "title")]
                n = min([n, *labels]) if labels else n
                out = []
                for i in range(n):
                    item = self._object(items, key, ctx, kinds, Scope(entity=child, self_person=scope.self_person,
                                                                       place_role=scope.place_role),
                                        depth + 1, False, None, path + "[]", item_index=i, collection_item=is_coll)
                    if self._distinct(item, out, items.get("properties") or {}, child, scope):
                        self._sync(item, items.get("properties") or {}, child)
                    out.append(item)
                if not self._id_key(items.get("properties") or {}, child):  # a forecast's days, not albums
                    _distinct_days(out, items.get("properties") or {}, child, set(ctx.args))
                if set(words(child)) & {"slot", "availability", "opening", "window", "period", "shift", "appointment",
                                        "time", "interval"}:
                    _apart(out, items.get("properties") or {}, child)
                return self._order(out, ctx) if is_coll else out
            if is_coll and ctx.items == 0:
                return []
            if items.get("type") == "object" or "properties" in items:  # too deep to simulate: a minimal object
                return [self.v.object(items, key, scope, scope.entity, depth=4)]
            return self._scalar(items, key, ctx, kinds, scope, as_list=True)
        return self._scalar(schema, key, ctx, kinds, scope)

    def _count(self, schema: dict, ctx: CallContext, is_coll: bool, depth: int) -> int:
        rng = self.w.rng
        if is_coll:
            if ctx.items is not None:
                return ctx.items
            return rng.choices([1, 2, 3, 4, 5], weights=[1, 3, 4, 3, 2])[0]
        lo = max(1, int(schema.get("minItems", 1) or 1))
        return max(lo, rng.choices([1, 2, 3], weights=[5, 3, 1])[0] if depth < 3 else 1)

    def _object(self, schema: dict, key: str, ctx: CallContext, kinds: dict[str, Kind], scope: Scope, depth: int,
                root: bool, collection: str | None, path: str, item_index: int = 0,
                collection_item: bool = False) -> dict:
        if depth > MAX_DEPTH:
            return {}
        props = dict(schema.get("properties") or {})
        required = set(schema.get("required") or [])
        for name in required - set(props):  # required but not described: the spec says nothing more
            props[name] = {"type": "array", "items": {}} if name in ("items", "data", "results", "entries") else {}
        typed = self._typed(ctx.tool)
        for name, sub in props.items():  # a schema cut short deep down borrows its shape from the same name
            if isinstance(sub, dict) and not ({"type", "properties", "items", "enum", "const"} & set(sub)) and name in typed:
                props[name] = typed[name]
        # an item under `devices` is a device, whichever tool lists it; under `data` or `items`, the tool's entity
        entity = scope.entity if root else parent_entity(key, scope.entity) if key else scope.entity
        scope = Scope(entity=entity, self_person=scope.self_person and (root or collection_item)
                      or entity in SELF_ENTITIES, place_role=scope.place_role)
        if root and ctx.tool.op == "create":
            scope.fields["_now"] = True
        cuisine = next((v for n, v in ctx.args.items() if isinstance(v, str) and "cuisine" in words(n)), None)
        if cuisine:
            scope.fields["_cuisine"] = cuisine.title()
        if collection_item:
            scope.fields["_index"] = item_index
            query = next((v for n, v in ctx.args.items() if (k := kinds.get(n)) and k.name == "query"
                          and isinstance(v, str) and v.istitle()), None)
            if query:
                scope.fields["_surname"] = query
        # which entity record this object is, if it has an identity
        id_key = self._id_key(props, entity)
        record: dict | None = None
        if id_key:
            entity_of_record = self._record_entity(id_key, props, entity)
            ident = self._identity(id_key, props[id_key], ctx, kinds, entity_of_record, root, collection_item, item_index)
            record = self.w.record(entity_of_record, ident)
            record.setdefault(id_key, ident)
            if root and ctx.tool.op == "create":
                record["_made"] = True  # made in this dialogue: it comes back in later lists
                for name, value in ctx.args.items():  # what was created is what was asked for
                    record.setdefault(name, value)
            elif root and ctx.own_id and self.w.record(*ctx.own_id) is not record and \
                    str(ctx.own_id[0]).split()[-1] == entity_of_record.split()[-1]:
                for name, value in self.w.record(*ctx.own_id).items():
                    record.setdefault(name, value)
            person = _person_of(record, self.w)
            if person is not None:
                scope.persons[""] = person
            if "_place" in record:  # a hotel found in Taipei is in Taipei when read later
                scope.place_role = record["_place"]
            record["_place"] = scope.place_role
        needed_here = {p[len(path):].lstrip(".").split(".")[0].replace("[]", "") for p in ctx.needed
                       if p.startswith(path)} if path or root else set()
        keep = len(props) <= 24
        out: dict[str, Any] = {}
        # starts before ends, so that an end can follow its start
        order = sorted(props, key=lambda k: 1 if classify(k, props[k], entity, entity).role == "end" else 0)
        for name in order:
            sub = props[name]
            if not (keep or name in required or name in needed_here or self.w.rng.random() < 0.5):
                continue
            if depth <= 1 and name.lower() in ERROR_FIELDS:  # a call that worked reports no error
                if name in required:
                    out[name] = _empty(sub)
                continue
            sub_path = f"{path}.{name}" if path else name
            shape = _fingerprint(sub)
            if record is not None and isinstance(record.get(f"_shape:{name}"), str) and record[f"_shape:{name}"] == shape \
                    and not (ctx.tool.op == "update" and _holds_any(record[name], ctx.args)):
                out[name] = copy.deepcopy(record[name])  # the same nested data, as before (a copy: outputs never share)
                continue
            if record is not None and name in record and _fits(record[name], sub):
                out[name] = copy.deepcopy(record[name])
                self._remember_span(name, sub, record[name], scope, entity)
                continue
            echoed = self._echo(name, sub, ctx, kinds, scope, entity, collection_item or root,
                                later_item=item_index > 0 and name == id_key)
            if echoed is _CLASH and name not in required and name not in needed_here:
                continue  # left out rather than contradicting the call
            if echoed is _CLASH:
                echoed = _NONE
            if echoed is not _NONE:
                out[name] = echoed
            else:
                out[name] = self._fill(sub, name, ctx, kinds, scope, depth + 1, False, collection, sub_path)
            if ctx.tool.op == "create" and depth <= 1 and classify(name, sub, entity, entity).name == "status" \
                    and name not in ctx.args:
                out[name] = _created_word(sub if isinstance(sub, dict) else {}, out[name])
            if depth <= 1 and isinstance(out[name], bool) and (set(words(name)) & {"success", "successful", "ok"} or
                                                               ctx.tool.op in ("create", "update", "cancel", "delete")
                                                               and set(words(name)) & DONE_FLAGS):
                out[name] = True  # what was just done is done, and a call that worked succeeded
            if record is not None and (not isinstance(out[name], (dict, list)) or isinstance(out[name], list)
                                       and all(not isinstance(x, (dict, list)) for x in out[name])):
                record[name] = copy.copy(out[name])
            elif record is not None:
                record[name], record[f"_shape:{name}"] = copy.deepcopy(out[name]), shape
        if root and ctx.tool.op in ("delete", "cancel") and ctx.own_id:
            for name in out:
                if classify(name, props.get(name), entity, entity).name == "status":
                    out[name] = _cancel_word(props.get(name) or {}, ctx.tool.op)
                    if record is not None:
                        record[name] = out[name]
        if collection_item and not (record is not None and (self._record_entity(id_key, props, entity), str(
                record.get(id_key))) in ctx.existing):  # what existed before stays as it was
            self._satisfy_filters(out, props, ctx, kinds, scope)
            if record is not None:
                record.update({k: v for k, v in out.items() if not isinstance(v, (dict, list))})
        if root and ctx.tool.op in ("create", "cancel", "update"):
            self._derive_money(out, props, ctx, kinds, entity, record)
        if root and ctx.tool.op in ("action", "read"):
            self._convert(out, props, ctx, kinds, entity)
        _coherent_temperatures(out, props, entity)
        _ordered_span(out, props, entity, set(ctx.args), record)
        return out

    def _convert(self, out: dict, props: dict, ctx: CallContext, kinds: dict[str, Kind], entity: str) -> None:
        """A conversion's result is the amount times the rate it reports."""
        amount = next((v for n, v in ctx.args.items() if (k := kinds.get(n)) and k.name == "money"
                       and isinstance(v, (int, float)) and not isinstance(v, bool)), None)
        rate = next((n for n in out if words(n)[-1:] == ["rate"] and isinstance(out[n], (int, float))), None)
        if rate is None:
            return
        out[rate] = round(self.w.rng.uniform(0.55, 1.6), 4)
        if amount is None:
            return
        for n in out:
            if n != rate and classify(n, props.get(n), entity, entity).name == "money" and n not in ctx.args:
                out[n] = round(amount * out[rate], 2)

    def _derive_money(self, out: dict, props: dict, ctx: CallContext, kinds: dict[str, Kind], entity: str,
                      record: dict | None) -> None:
        """A booking's total is the price of what it books times how many; a refund is at most that."""
        prices = []
        for name, value in ctx.args.items():
            k = kinds.get(name)
            if k and k.name == "id" and not isinstance(value, (list, dict)):
                for (e, i), rec in ctx.named.items():
                    if i == str(value) and not (ctx.own_id and (e, i) == (str(ctx.own_id[0]), str(ctx.own_id[1]))):
                        money = [(v, _per_day(f)) for f, v in rec.items() if isinstance(v, (int, float))
                                 and not isinstance(v, bool) and classify(f, {"type": "number"}).name == "money"]
                        if money:
                            prices.append(money[0])
        becomes = ctx.tool.op == "update" and ctx.own_id and entity.split()[-1] != str(ctx.own_id[0]).split()[-1]
        if ctx.own_id and (ctx.tool.op != "update" or becomes):  # what a cancellation refunds, what a cart costs
            prices += [(v, False) for f, v in ctx.before.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
                       and classify(f, {"type": "number"}).name == "money"][:1]
        if not prices:
            return
        if becomes:  # checking out a cart makes an order of what is in it, at its price
            for name in out:
                if classify(name, props.get(name), entity, entity).name == "money" and \
                        isinstance(out[name], (int, float)) and not isinstance(out[name], bool):
                    out[name] = prices[-1][0]
                    if record is not None:
                        record[name] = out[name]
            return
        count = next((v for n, v in ctx.args.items() if (kinds.get(n) or Kind("")).name == "count"
                      and isinstance(v, int) and not isinstance(v, bool)), 1)
        days = _span_days(ctx.args, kinds)
        total = round(sum(p * (days if per_day else 1) for p, per_day in prices) * count, 2)
        for name in out:
            mk = classify(name, props.get(name), entity, entity)
            if mk.name == "money" and isinstance(out[name], (int, float)) and not isinstance(out[name], bool):
                if ctx.tool.op == "update":  # adding to a cart adds to its total
                    before = ctx.before.get(name, 0)
                    value = round((before if isinstance(before, (int, float)) and not isinstance(before, bool) else 0)
                                  + total, 2)
                else:
                    value = total if ctx.tool.op == "create" else round(total * self.w.rng.choice([1, 1, 0.8, 0.5]), 2)
                out[name] = int(round(value)) if isinstance(out[name], int) else value
                if record is not None:
                    record[name] = out[name]
            elif ctx.tool.op == "update" and mk.name == "count" and mk.entity in ("item", "items", "total", "count", "") \
                    and isinstance(out[name], int) and not isinstance(out[name], bool) and count:
                before = ctx.before.get(name, 0)
                out[name] = (before if isinstance(before, int) and not isinstance(before, bool) else 0) + count
                if record is not None:
                    record[name] = out[name]

    def _typed(self, tool: ToolInfo) -> dict[str, dict]:
        """Property schemas of a tool's output by name, where they say something (cached on the tool)."""
        cache = getattr(tool, "_typed", None)
        if cache is None:
            cache = {}

            def walk(node: Any, depth: int) -> None:
                if not isinstance(node, dict) or depth > 12:
                    return
                for name, sub in (node.get("properties") or {}).items():
                    if isinstance(sub, dict) and {"type", "properties", "items", "enum"} & set(sub):
                        cache.setdefault(name, sub)
                    walk(sub, depth + 1)
                walk(node.get("items"), depth + 1)

            walk(tool.output, 0)
            tool._typed = cache
        return cache

    def _scalar(self, schema: dict, key: str, ctx: CallContext, kinds: dict[str, Kind], scope: Scope,
                as_list: bool = False) -> Any:
        if as_list:
            return self.v.for_schema({"type": "array", "items": schema}, key, scope, scope.entity)
        return self.v.for_schema(schema, key, scope, scope.entity)

    # ---- identity, echo, filters -----------------------------------------------------------------
    @staticmethod
    def _id_key(props: dict, entity: str) -> str | None:
        """The key that identifies an object: `id`, `<entity>_id`, else the only id it has."""
        head = entity.split()[-1] if entity else ""
        ids = [k for k in props if classify(k, props[k] if isinstance(props[k], dict) else {}, entity, entity).name == "id"
               and not (props[k] or {}).get("type") == "array"]
        for k in ids:
            ws = words(k)
            if ws[:-1] in ([], [head]) or "".join(ws[:-1]) == "".join(words(entity)):
                return k
        return ids[0] if len(ids) == 1 and not words(ids[0])[:-1] in (["customer"], ["user"], ["account"]) else None

    @staticmethod
    def _record_entity(key: str, props: dict, entity: str) -> str:
        """What the identified thing is: `order_id` names an order, whatever tool returned it."""
        kind = classify(key, props.get(key) if isinstance(props.get(key), dict) else {}, entity, entity)
        return kind.entity if kind.entity not in ("", "item") else entity

    def _identity(self, id_key: str, schema: dict, ctx: CallContext, kinds: dict[str, Kind], entity: str, root: bool,
                  collection_item: bool, index: int) -> Any:
        if root and ctx.own_id and ctx.tool.op != "create" and (str(ctx.own_id[0]).split()[-1] == entity.split()[-1]
                                                                or words(id_key) == ["id"]):
            return ctx.own_id[1]  # what a call on /orders/{id}/ship returns is that order
        for name, value in ctx.args.items():  # an argument named like the id key is that id (of the same thing)
            k = kinds.get(name)
            same_thing = k is None or k.name != "id" or k.entity in ("", "item") or k.entity == entity.split()[-1]
            if same_name(name, id_key) and same_thing and not isinstance(value, (list, dict)) and index == 0:
                return value
        for name, value in ctx.args.items():  # the id of a thing the call names (`flight_id`)
            k = kinds.get(name)
            if k and k.name == "id" and k.entity == entity.split()[-1] and not isinstance(value, list) \
                    and not (root and ctx.tool.op == "create") and not collection_item and index == 0:
                return value
        if collection_item:  # things created earlier in the dialogue come back in searches and lists
            fresh = [i for i, r in self.w.of_entity(entity) if (entity, i) in ctx.existing and r.get("_made")
                     and (entity, i) not in ctx.listed]
            if fresh and self.w.rng.random() < 0.7:
                ctx.listed.add((entity, fresh[0]))
                return _typed(fresh[0], schema)
        t = schema.get("type") if isinstance(schema, dict) else None
        return self.v.new_id(entity, schema, t if isinstance(t, str) else None)

    def _echo(self, name: str, schema: dict, ctx: CallContext, kinds: dict[str, Kind], scope: Scope, entity: str,
              top: bool, later_item: bool = False) -> Any:
        """An output field that names an argument carries the argument's value (or, for a time of a
        requested day, a time on that day). `later_item`: the field is the own id of a list's second or
        later item, which is another thing than the first (a hotel's rate plans all name the hotel;
        each has its own id)."""
        if not isinstance(schema, dict) or schema.get("type") in ("object", "array") or "properties" in schema:
            return _NONE
        mine = classify(name, schema, entity, entity)
        if later_item:
            return _NONE
        for arg, value in ctx.args.items():  # first an argument of the same name...
            if value is None or isinstance(value, (dict, list)):
                continue
            ak = kinds.get(arg)
            if same_name(arg, name) and not (words(name) == ["id"] and ak and ak.name == "id"
                                             and ak.entity != entity.split()[-1] and not top):
                if ak and ak.name == "money" and ak.role in ("max", "min"):
                    continue
                converted = _convert(value, schema)
                if converted is not _NONE:
                    if mine.role == "start":
                        self._remember_span(name, schema, converted, scope, entity)
                    return converted
                return _CLASH  # named like the argument, but of a type that cannot carry its value
        for arg, value in ctx.args.items():  # ...then a requested day for a time on it
            ak = kinds.get(arg)
            if ak is None or value is None or isinstance(value, (dict, list)):
                continue
            same_span = ak.role == mine.role and ak.stem == mine.stem
            requested_day = ak.role in ("", "start") and mine.role in ("", "start") and (ak.role == "" or ak.stem == mine.stem)
            if ak.name in ("date", "datetime") and mine.name in ("date", "datetime", "timestamp") and \
                    (same_span or requested_day) and ak.role != "past" and mine.role != "past":
                day = _day_of(value)
                if day:
                    return self.v.at(day, mine, scope, schema.get("type"))
        return _NONE

    def _remember_span(self, name: str, schema: dict, value: Any, scope: Scope, entity: str) -> None:
        kind = classify(name, schema, entity, entity)
        if kind.role == "start":
            moment = _moment(value, self.w)
            if moment is not None:
                scope.fields[kind.stem] = moment

    def _satisfy_filters(self, item: dict, props: dict, ctx: CallContext, kinds: dict[str, Kind], scope: Scope) -> None:
        """Each search result satisfies the search: within price and rating filters, the query in its name."""
        for arg, value in ctx.args.items():
            ak = kinds.get(arg)
            if ak is None or isinstance(value, (list, dict, bool)) or value is None:
                continue
            if ak.name in ("money", "rating") and ak.role in ("max", "min"):
                for node, name, mk in _leaves_of(item, props, scope.entity):  # `price.amount` as well as `price`
                    if mk.name == ak.name and mk.role == "" and isinstance(node[name], (int, float)) and \
                            not isinstance(node[name], bool) and isinstance(value, (int, float)):
                        if ak.role == "max" and node[name] > value:
                            node[name] = _bounded(value * self.w.rng.uniform(0.55, 0.98), node[name])
                        elif ak.role == "min" and node[name] < value:
                            top = 5 if ak.name == "rating" and value <= 5 else 10 if ak.name == "rating" else value * 2
                            node[name] = _bounded(self.w.rng.uniform(value, max(value, top)), node[name])
            elif ak.name == "query" and isinstance(value, str):
                labels = [n for n in item if isinstance(item[n], str) and classify(n, props.get(n), scope.entity,
                                                                                   scope.entity).name in ("label", "title")]
                if labels and value.lower() not in " ".join(str(item[n]).lower() for n in labels):
                    item[labels[0]] = _with_term(item[labels[0]], value, self.w.rng)

    def _sync(self, item: dict, props: dict, entity: str) -> None:
        """After an item changed, its stored record changes with it."""
        key = self._id_key(props, entity)
        if key and key in item:
            record = self.w.record(self._record_entity(key, props, entity), item[key])
            record.update({k: v for k, v in item.items() if not isinstance(v, (dict, list))})

    def _distinct(self, item: dict, earlier: list[dict], props: dict, entity: str, scope: Scope) -> bool:
        """Items of one list have different names (three calendars are not all "Personal")."""
        changed = False
        for name, value in item.items():
            kind = classify(name, props.get(name), entity, entity)
            if kind.name not in ("label", "title") or not isinstance(value, str) or \
                    any(same_name(name, a) for a in self._asked):
                continue
            taken = {x.get(name) for x in earlier}
            enum = [e for e in (props.get(name) or {}).get("enum") or [] if e not in taken]
            for _ in range(6):
                if item[name] not in taken:
                    break
                changed = True
                item[name] = self.w.rng.choice(enum) if enum else self.v.scalar(
                    kind, props.get(name) or {}, name, Scope(entity=entity, place_role=scope.place_role,
                                                             fields={"_index": len(earlier) + 7}))
        return changed

    def _order(self, items: list[dict], ctx: CallContext) -> list[dict]:
        """Results in a plausible order: as the description says (`cheapest first`), else by start."""
        desc = ctx.tool.description.lower()
        if not items or not isinstance(items[0], dict):
            return items
        keys = list(items[0])
        money = next((k for k in keys if classify(k, {"type": "number"}).name == "money"), None)
        start = next((k for k in keys if classify(k, {"type": "string"}).role == "start"), None)
        rating = next((k for k in keys if classify(k, {"type": "number"}).name == "rating"), None)
        if money and re.search(r"cheap|lowest price|by price|price ascending", desc):
            return sorted(items, key=lambda x: (not isinstance(x.get(money), (int, float)), x.get(money) or 0))
        if rating and re.search(r"best|top rated|by rating|highest", desc):
            return sorted(items, key=lambda x: -(x.get(rating) or 0) if isinstance(x.get(rating), (int, float)) else 0)
        if start and all(isinstance(x.get(start), str) for x in items):
            return sorted(items, key=lambda x: x[start])
        return items

    def _ensure(self, out: Any, path: str, ctx: CallContext, kinds: dict[str, Kind]) -> Any:
        """Create `path` in `out` from the schema when the filling left it out."""
        if value_at(out, path) is not None:
            return out
        parts = split_path(path)
        node, sub = out, ctx.tool.output or {}
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "[]":
                sub = sub.get("items", {}) if isinstance(sub, dict) else {}
                if not isinstance(node, list):
                    return out
                if not node:
                    node.append(self._fill(sub, parts[i - 1] if i else "", ctx, kinds, Scope(entity=ctx.tool.head), 2))
                node = node[0]
                continue
            sub = (sub.get("properties") or {}).get(part, {}) if isinstance(sub, dict) else {}
            if not isinstance(node, dict):
                return out
            if node.get(part) is None:
                if last:
                    node[part] = self._fill(sub, part, ctx, kinds, Scope(entity=ctx.tool.head), 2)
                else:
                    node[part] = [] if parts[i + 1] == "[]" else {}
            node = node[part]
        return out


_NONE = object()
# Entities that are the user themself: their person fields are the user's own.
SELF_ENTITIES = {"user", "account", "profile", "me", "customer", "member", "passenger", "guest", "traveler",
                 "traveller", "billing", "subscriber", "information", "account information", "patient"}


def _person_of(record: dict, world: World):
    """The person a stored record names, so its other person fields agree (email from the name)."""
    from .world import Person, ascii_slug

    name = next((v for k, v in record.items() if isinstance(v, str) and classify(k, {"type": "string"}).name
                 == "person_name" and " " in v.strip()), None)
    if not name:
        return None
    first, last = name.strip().split(" ", 1)
    email = next((v for k, v in record.items() if isinstance(v, str) and "@" in v), None)
    if world.user and name == world.user.name:
        return world.user
    return Person(first, last, email or f"{ascii_slug(first)}.{ascii_slug(last)}@{world.fake.free_email_domain()}",
                  world.phone(), f"{ascii_slug(first)}{ascii_slug(last)[:3]}")


def _apart(items: list[dict], props: dict, entity: str) -> None:
    """Spans of one list that stand for free time do not overlap: each starts after the last ends."""
    kinds = {n: classify(n, props.get(n), entity, entity) for n in props}
    start = next((n for n, k in kinds.items() if k.role == "start" and k.name == "datetime"), None)
    end = next((n for n, k in kinds.items() if k.role == "end" and k.name == "datetime"), None)
    if not start or not end or not all(isinstance(x.get(start), str) and isinstance(x.get(end), str) for x in items):
        return
    try:
        spans = sorted((dt.datetime.fromisoformat(x[start]), dt.datetime.fromisoformat(x[end])) for x in items)
    except ValueError:
        return
    fixed, last_end = [], None
    for s, e in spans:
        length = e - s
        if last_end is not None and s < last_end + dt.timedelta(minutes=30):
            s = last_end + dt.timedelta(minutes=30)
            e = s + length
        fixed.append((s, e))
        last_end = e
    for x, (s, e) in zip(items, fixed):
        x[start], x[end] = s.isoformat(), e.isoformat()


def _leaves_of(item: dict, props: dict, entity: str, depth: int = 0):
    """(object, key, kind) of every scalar in an item, nested objects included."""
    for name, value in item.items():
        sub = props.get(name) if isinstance(props.get(name), dict) else {}
        if isinstance(value, dict) and depth < 3:
            yield from _leaves_of(value, sub.get("properties") or {}, parent_entity(name, entity), depth + 1)
        elif not isinstance(value, (list, dict)):
            yield item, name, classify(name, sub or {"type": "number" if isinstance(value, (int, float)) else "string"},
                                       entity, entity)


def _move_span(record: dict, name: str, value: Any, args: dict) -> None:
    """Moving one end of something moves the other too (unless both are given), keeping its length."""
    kind = classify(name, {"type": "string"})
    if kind.role not in ("start", "end") or not isinstance(value, str) or name not in record:
        return
    old, new = _moment(record.get(name), None), _moment(value, None)
    if old is None or new is None:
        return
    other = "end" if kind.role == "start" else "start"
    for key in list(record):
        k = classify(key, {"type": "string"})
        if k.role == other and k.stem == kind.stem and key not in args and isinstance(record[key], str):
            moment = _moment(record[key], None)
            if moment is not None:
                moved = moment + (new - old)
                record[key] = moved.date().isoformat() if len(record[key]) == 10 else moved.isoformat()


def _per_day(field: str) -> bool:
    ws = words(field)
    return "per" in ws and bool({"night", "day", "nightly", "daily"} & set(ws)) or "nightly" in ws


def _span_days(args: dict, kinds: dict) -> int:
    """Nights between a start and an end date among the arguments (1 when there is no such span)."""
    starts = [_day_of(v) for n, v in args.items() if (k := kinds.get(n)) and k.role == "start" and _day_of(v)]
    ends = [_day_of(v) for n, v in args.items() if (k := kinds.get(n)) and k.role == "end" and _day_of(v)]
    if starts and ends and ends[0] > starts[0]:
        return (ends[0] - starts[0]).days
    return 1


def _distinct_days(items: list[dict], props: dict, entity: str, asked: set[str]) -> None:
    """Items that each stand for a day (a forecast's days) are different days, in order."""
    for name in props:
        if any(same_name(name, a) for a in asked):
            continue  # the day the call asked for
        k = classify(name, props.get(name), entity, entity)
        if k.name != "date" or k.role or not all(isinstance(x.get(name), str) for x in items):
            continue
        days = sorted(items, key=lambda x: x[name])
        if len({x[name] for x in items}) == len(items):
            continue
        first = _day_of(days[0][name])
        if first is None:
            continue
        for i, x in enumerate(items):
            x[name] = (first + dt.timedelta(days=i)).isoformat()


def _coherent_temperatures(out: dict, props: dict, entity: str) -> None:
    """A day's low is below its high, and it snows only in the cold."""
    temps = {n: classify(n, props.get(n), entity, entity).role for n in out
             if classify(n, props.get(n), entity, entity).name == "temperature" and isinstance(out[n], (int, float))}
    highs = [n for n, r in temps.items() if r == "high"]
    lows = [n for n, r in temps.items() if r == "low"]
    if highs and lows and out[lows[0]] >= out[highs[0]]:
        out[lows[0]], out[highs[0]] = out[highs[0]], out[lows[0]]
        if out[lows[0]] == out[highs[0]]:
            out[highs[0]] = round(out[highs[0]] + 4, 1)
    rain = next((out[n] for n in out if isinstance(out[n], (int, float)) and not isinstance(out[n], bool)
                 and set(words(n)) & {"precipitation", "rain", "pop"}), None)
    for n, v in out.items():  # the sky agrees with the chance of rain
        enum = [e for e in (props.get(n) or {}).get("enum") or [] if isinstance(e, str)]
        if rain is None or not enum or not isinstance(v, str):
            continue
        wet = [e for e in enum if re.search(r"rain|shower|storm|drizzle", e, re.I)]
        dry = [e for e in enum if re.search(r"clear|sun|fair", e, re.I)]
        cold = [out[k] for k in out if isinstance(out[k], (int, float)) and not isinstance(out[k], bool)
                and classify(k, {"type": "number"}).name == "temperature"]
        snow = [e for e in enum if re.search(r"snow", e, re.I)]
        if rain >= 60 and cold and max(cold) < 0 and snow:
            out[n] = snow[0]
        elif rain >= 60 and wet and v not in wet:
            out[n] = wet[0]
        elif rain <= 20 and dry and v in wet:
            out[n] = dry[0]
    if temps:
        warmest = max(out[n] for n in temps)
        for n, v in out.items():
            enum = (props.get(n) or {}).get("enum") or []
            if isinstance(v, str) and re.search(r"snow|sleet|ice|freez|blizzard", v, re.I) and warmest > 3:
                mild = [e for e in enum if isinstance(e, str) and not re.search(r"snow|sleet|ice|freez|blizzard", e, re.I)]
                out[n] = mild[0] if mild else v


_CLASH = object()
ERROR_FIELDS = {"error", "errors", "fault", "faults", "exception", "error_message", "errormessage", "error_code",
                "errorcode"}
DONE_FLAGS = {"confirmed", "booked", "created", "updated", "cancelled", "canceled", "deleted", "active", "saved", "sent"}


def _empty(schema: Any) -> Any:
    """What a required error field holds when there is no error."""
    schema = schema if isinstance(schema, dict) else {}
    t = schema.get("type")
    if schema.get("nullable") or t is None or isinstance(t, list) and "null" in t:
        return None
    return {"object": {}, "array": [], "string": "", "integer": 0, "number": 0, "boolean": False}.get(t)


def _fingerprint(schema: Any) -> str:
    import hashlib

    return hashlib.sha1(json.dumps(schema, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _fits(value: Any, schema: Any) -> bool:
    """Whether a stored value can stand in this field: its type, its enum, and for lists their items."""
    if not isinstance(schema, dict):
        return True
    if schema.get("enum") and value not in schema["enum"]:
        return False
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if t == "string":
        return isinstance(value, str)
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "boolean":
        return isinstance(value, bool)
    if t == "array" or "items" in schema and t is None:
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return isinstance(value, list) and all(_fits(v, items) and not isinstance(v, (dict, list)) for v in value) \
            and items.get("type") not in ("object", "array") and "properties" not in items
    if t == "object":
        return False
    return not isinstance(value, (dict, list))


def _convert(value: Any, schema: dict) -> Any:
    """An argument's value in the type of an output field, or _NONE when it does not fit."""
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    enum = schema.get("enum")
    if enum and value not in enum:
        from ..specs.semantics import singular

        # `type=artists` in the call, `type: artist` on each result
        same = [e for e in enum if isinstance(e, str) and isinstance(value, str) and singular(e.lower()) == singular(value.lower())]
        return same[0] if same else _NONE
    if t in (None, "string"):
        if isinstance(value, str):
            if schema.get("format") == "date-time" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return _NONE
            if schema.get("format") == "date" and re.match(r"\d{4}-\d{2}-\d{2}T", value):
                return value[:10]
            return value
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else _NONE
    if isinstance(value, str) and t in ("integer", "number") and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        value = float(value) if "." in value or t == "number" else int(value)
    if t == "integer":
        return value if isinstance(value, int) and not isinstance(value, bool) else _NONE
    if t == "number":
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else _NONE
    if t == "boolean":
        return value if isinstance(value, bool) else _NONE
    return _NONE


def _day_of(value: Any) -> dt.date | None:
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _holds_any(value: Any, args: dict) -> bool:
    """Whether nested data has a field an update's arguments name (it is made again, with their values)."""
    if isinstance(value, dict):
        return any(same_name(k, a) for k in value for a in args) or any(_holds_any(v, args) for v in value.values())
    if isinstance(value, list):
        return any(_holds_any(v, args) for v in value[:3])
    return False


def _ordered_span(out: dict, props: dict, entity: str, asked: set[str], record: dict | None) -> None:
    """Nothing in one object ends before it starts: an end the call asked for stays and its start moves
    before it; otherwise the end moves after its start."""
    kinds = {k: classify(k, props.get(k) if isinstance(props.get(k), dict) else {}, entity, entity) for k in out
             if isinstance(out[k], str) and re.match(r"^\d{4}-\d{2}-\d{2}", out[k])}
    starts = {k.stem: n for n, k in kinds.items() if k.role == "start" and k.name in ("date", "datetime", "timestamp")}
    for name, kind in kinds.items():
        if kind.role != "end" or kind.stem not in starts:
            continue
        start = starts[kind.stem]
        try:
            begin, end = (dt.datetime.fromisoformat(out[start]).replace(tzinfo=None),
                          dt.datetime.fromisoformat(out[name]).replace(tzinfo=None))
        except ValueError:
            continue
        if end >= begin:
            continue
        moving, anchor, days = (start, end, -2) if name in asked and start not in asked else (name, begin, 2)
        text = out[moving]
        moved = anchor + dt.timedelta(days=days)
        offset = dt.datetime.fromisoformat(text).tzinfo
        out[moving] = moved.date().isoformat() if len(text) == 10 else (moved.replace(tzinfo=offset) if offset
                                                                           else moved).isoformat()
        if record is not None and moving in record:
            record[moving] = out[moving]


def _moment(value: Any, world: World) -> dt.datetime | None:
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return moment
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 10**8:
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    return None


def _typed(ident: str, schema: dict) -> Any:
    t = schema.get("type") if isinstance(schema, dict) else None
    if t == "integer":
        try:
            return int(ident)
        except ValueError:
            return ident
    return ident


def _bounded(value: float, like: Any) -> Any:
    return int(round(value)) if isinstance(like, int) else round(value, 2)


def _created_word(schema: dict, current: Any) -> Any:
    """The status of something just created: confirmed, active, scheduled..."""
    from .values import POSITIVE_STATUS

    enum = [e for e in schema.get("enum") or [] if isinstance(e, str)]
    for word in POSITIVE_STATUS:
        if word in [e.lower() for e in enum]:
            return next(e for e in enum if e.lower() == word)
    return current if enum else "confirmed"


def _cancel_word(schema: dict, op: str) -> str:
    enum = [e for e in schema.get("enum") or [] if isinstance(e, str)]
    for e in enum:
        if any(e.lower().startswith(w[:6]) for w in CANCELLED):
            return e
    if enum:
        return enum[-1]
    return "cancelled" if op == "cancel" else "deleted"


def _with_term(label: str, term: str, rng) -> str:
    """A result's name that contains what was searched for."""
    term_title = term if any(ch.isupper() for ch in term) else term.title()
    return rng.choice([f"{term_title} {label.split()[-1]}", f"The {term_title} {label.split()[-1]}",
                       f"{label.split()[0]} {term_title}"]) if label else term_title
