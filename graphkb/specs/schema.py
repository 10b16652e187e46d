"""JSON Schema handling shared by every format: local $ref inlining (bounded, cycles included),
allOf/oneOf/anyOf folding, and flattening into parameters and dotted output fields.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import jsonpointer

if TYPE_CHECKING:
    from .model import FieldInfo, ParamInfo

MAX_SCHEMA_DEPTH = 14  # dict nesting kept when inlining; a property level costs two
MAX_SCHEMA_NODES = 4000  # per inlined schema; beyond it properties are dropped (x-truncated)
MAX_FIELD_DEPTH = 4
MAX_FIELDS = 120
SCALARS = {"string", "integer", "number", "boolean"}
_KEEP = ("type", "format", "enum", "description", "items", "properties", "required", "default",
         "minimum", "maximum", "minLength", "maxLength", "pattern", "nullable", "example", "title",
         "additionalProperties", "minItems", "maxItems", "const", "readOnly", "x-external-ref", "x-recursive-ref")


class RefInliner:
    """Inlines local `$ref`s of one document. External refs are never read: they become opaque
    schemas and a warning. Results are cached per (ref, depth), so big specs stay linear."""

    def __init__(self, document: Any):
        self.document = document
        self.warnings: list[str] = []
        self._cache: dict[tuple[str, int], tuple[Any, int]] = {}
        self._external_seen: set[str] = set()

    def inline(self, node: Any, depth: int = 0) -> Any:
        return self._inline(node, depth)[0]

    def deref(self, node: Any) -> Any:
        """Follow `$ref`s at the top of a node only (responses, parameters, request bodies)."""
        for _ in range(16):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node
            ref = node["$ref"]
            if not ref.startswith("#"):
                return self._resolve(ref, 0)[0]
            try:
                node = jsonpointer.resolve_pointer(self.document, ref[1:])
            except (jsonpointer.JsonPointerException, TypeError, KeyError):
                return None
        return None

    def _inline(self, node: Any, depth: int) -> tuple[Any, int]:
        if isinstance(node, list):
            out, size = [], 1
            for item in node:
                value, n = self._inline(item, depth + 1)
                out.append(value)
                size += n
            return out, size
        if not isinstance(node, dict):
            return node, 1
        if depth > MAX_SCHEMA_DEPTH:
            return {"x-truncated": True}, 1
        ref = node.get("$ref")
        if isinstance(ref, str):
            target, size = self._resolve(ref, depth)
            siblings = {k: v for k, v in node.items() if k != "$ref" and k in ("description", "nullable", "title")}
            if siblings and isinstance(target, dict):
                target = {**target, **siblings}
            return target, size
        out, size = {}, 1
        for key, value in node.items():
            if size > MAX_SCHEMA_NODES:
                out["x-truncated"] = True
                break
            if key == "properties" and isinstance(value, dict):
                props = {}
                for name, sub in value.items():
                    if size > MAX_SCHEMA_NODES:
                        out["x-truncated"] = True
                        break
                    props[name], n = self._inline(sub, depth + 2)
                    size += n
                out[key] = props
            elif isinstance(value, (dict, list)):
                out[key], n = self._inline(value, depth + 1)
                size += n
            else:
                out[key] = value
                size += 1
        return out, size

    def _resolve(self, ref: str, depth: int) -> tuple[Any, int]:
        if not ref.startswith("#"):
            if ref not in self._external_seen:
                self._external_seen.add(ref)
                self.warnings.append(f"external $ref {ref!r} not read (treated as opaque)")
            return {"description": f"external reference {ref} (not read)", "x-external-ref": ref}, 1
        key = (ref, depth)
        if key in self._cache:
            return self._cache[key]
        self._cache[key] = ({"x-recursive-ref": ref}, 1)  # a cycle back here ends as an opaque node
        try:
            target = jsonpointer.resolve_pointer(self.document, ref[1:])
        except (jsonpointer.JsonPointerException, TypeError, KeyError):
            if ref not in self._external_seen:
                self._external_seen.add(ref)
                self.warnings.append(f"$ref {ref!r} points nowhere in the document")
            result = ({"description": f"unresolved reference {ref}"}, 1)
        else:
            result = self._inline(target, depth + 1)
        self._cache[key] = result
        return result


# ---- folding combinators ------------------------------------------------------------------
def schema_type(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    t = schema.get("type")
    if isinstance(t, list):  # OpenAPI 3.1 / JSON Schema: ["string", "null"]
        t = next((x for x in t if x != "null"), None)
    if isinstance(t, str):
        return t
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return None


def fold(schema: Any, _depth: int = 0) -> Any:
    """allOf merged into one object; oneOf/anyOf of objects become their union, of scalars the
    first non-null variant. Applied recursively to properties and items."""
    if not isinstance(schema, dict) or _depth > 40:
        return schema
    schema = dict(schema)
    for key in ("allOf", "oneOf", "anyOf"):
        variants = [fold(v, _depth + 1) for v in schema.pop(key, None) or [] if isinstance(v, dict)]
        variants = [v for v in variants if schema_type(v) != "null" and v.get("type") != "null"]
        if not variants:
            continue
        if key == "allOf" or all(schema_type(v) in ("object", None) for v in variants):
            merged: dict[str, Any] = {}
            required: list[str] = []
            for v in variants:
                merged.setdefault("type", schema_type(v) or "object")
                merged.setdefault("properties", {}).update(v.get("properties") or {})
                if key == "allOf":
                    required += [r for r in v.get("required") or [] if isinstance(r, str)]
                for extra in ("description", "format", "enum", "items"):
                    if extra in v:
                        merged.setdefault(extra, v[extra])
            if not merged.get("properties"):
                merged.pop("properties", None)
            if required:
                merged["required"] = sorted(set(required))
            schema = {**merged, **schema, "properties": {**(merged.get("properties") or {}),
                                                         **(schema.get("properties") or {})}}
            if not schema["properties"]:
                del schema["properties"]
        else:
            schema = {**variants[0], **schema}
    t = schema.get("type")
    if isinstance(t, list):
        non_null = [x for x in t if x != "null"]
        schema["type"] = non_null[0] if non_null else "null"
        if "null" in t:
            schema["nullable"] = True
    if isinstance(schema.get("properties"), dict):
        schema["properties"] = {k: fold(v, _depth + 1) for k, v in schema["properties"].items()}
    if isinstance(schema.get("items"), dict):
        schema["items"] = fold(schema["items"], _depth + 1)
    elif isinstance(schema.get("items"), list):  # tuple form: keep the first
        schema["items"] = fold(schema["items"][0], _depth + 1) if schema["items"] else {}
    return schema


def clean(schema: Any, _depth: int = 0) -> Any:
    """A compact JSON Schema: only the keywords that matter for calling and validating."""
    if not isinstance(schema, dict) or _depth > 40:
        return schema if not isinstance(schema, dict) else {}
    out = {k: schema[k] for k in _KEEP if k in schema}
    if isinstance(out.get("properties"), dict):
        out["properties"] = {str(k): clean(v, _depth + 1) for k, v in out["properties"].items() if isinstance(v, dict)}
    if isinstance(out.get("items"), dict):
        out["items"] = clean(out["items"], _depth + 1)
    if isinstance(out.get("additionalProperties"), dict):
        out["additionalProperties"] = clean(out["additionalProperties"], _depth + 1)
    if "required" in out and not isinstance(out["required"], list):
        del out["required"]
    if "description" in out and not isinstance(out["description"], str):
        out["description"] = str(out["description"])
    if "enum" in out and not isinstance(out["enum"], list):
        del out["enum"]
    if "type" not in out and schema_type(schema):
        out["type"] = schema_type(schema)
    return out


def normalize(schema: Any) -> dict[str, Any]:
    """fold + clean, always returning a dict."""
    return clean(fold(schema)) if isinstance(schema, dict) else {}


# ---- flattening ---------------------------------------------------------------------------
def _enum(schema: dict) -> list[str] | None:
    values = schema.get("enum")
    if not isinstance(values, list) or not values:
        return None
    return [v if isinstance(v, str) else json.dumps(v) for v in values[:50]]


def _describe(schema: dict) -> tuple[str | None, str | None, str | None, list[str] | None, str]:
    t = schema_type(schema)
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    item_type = schema_type(items) if t == "array" else None
    fmt = schema.get("format") if isinstance(schema.get("format"), str) else None
    if t == "array" and not fmt and isinstance(items.get("format"), str):
        fmt = items["format"]
    desc = schema.get("description") or schema.get("title") or ""
    return t, item_type, fmt, _enum(schema) or (_enum(items) if items else None), str(desc).strip()


def flatten_params(parameters: dict[str, Any]) -> list["ParamInfo"]:
    from .model import ParamInfo

    required = set(parameters.get("required") or [])
    out = []
    for name, schema in (parameters.get("properties") or {}).items():
        if not isinstance(schema, dict):
            schema = {}
        t, item_type, fmt, enum, desc = _describe(schema)
        out.append(ParamInfo(name=name, type=t, item_type=item_type, format=fmt, enum=enum,
                             description=desc, required=name in required,
                             location=schema.get("x-location") or schema.get("in")))
    return out


def flatten_fields(output: dict[str, Any] | None) -> list["FieldInfo"]:
    """Dotted paths of an output schema: scalars and arrays; objects are walked into."""
    from .model import FieldInfo

    out: list[FieldInfo] = []
    if not output:
        return out

    def walk(schema: dict, path: str, depth: int) -> None:
        if len(out) >= MAX_FIELDS or not isinstance(schema, dict):
            return
        t, item_type, fmt, enum, desc = _describe(schema)
        if t == "object" or (t is None and "properties" in schema):
            if depth >= MAX_FIELD_DEPTH:
                return
            for name, sub in (schema.get("properties") or {}).items():
                walk(sub, f"{path}.{name}" if path else str(name), depth + 1)
            return
        if t == "array":
            items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
            if path:
                out.append(FieldInfo(path=path, type="array", item_type=item_type, format=fmt, enum=enum,
                                     description=desc))
            if schema_type(items) == "object" and depth < MAX_FIELD_DEPTH:
                for name, sub in (items.get("properties") or {}).items():
                    walk(sub, f"{path}[].{name}", depth + 1)
            elif not path:
                out.append(FieldInfo(path="[]", type=item_type, format=fmt, enum=enum, description=desc))
            return
        if t is None and (not desc or "x-external-ref" in schema or "x-recursive-ref" in schema):
            return  # an opaque node tells nothing
        out.append(FieldInfo(path=path or "$", type=t, format=fmt, enum=enum, description=desc))

    walk(output, "", 0)
    return out
