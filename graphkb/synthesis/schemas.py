"""JSON Schema validators for the specs' own schemas, cached by schema text, made lenient only where
a spec contradicts itself."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

_FORMATS = FormatChecker()


def validator(schema: dict) -> Draft202012Validator | None:
    """A validator for a spec's schema, or None when the schema is no schema at all."""
    try:
        key = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        return None
    return _validator_for(key)


def is_valid(value: Any, schema: dict) -> bool:
    v = validator(schema)
    return v is None or v.is_valid(value)


@lru_cache(maxsize=4096)
def _validator_for(key: str) -> Draft202012Validator | None:
    """Validators by schema text: checking a schema costs far more than using it."""
    schema = _satisfiable(json.loads(key))
    try:
        (Draft202012Validator if _uses_2020_12(schema) else Draft7Validator).check_schema(schema)
    except SchemaError:
        return None
    return Draft202012Validator(schema, format_checker=_FORMATS)


# What only the 2020-12 meta-schema judges. Draft 7's meta-schema checks everything else the same way
# about 5x faster (2020-12's resolves $dynamicRef at every level), and specs' schemas rarely go further.
_NEWER = frozenset({"$defs", "prefixItems", "$dynamicRef", "$dynamicAnchor", "$anchor", "$vocabulary",
                    "unevaluatedProperties", "unevaluatedItems", "dependentSchemas", "dependentRequired",
                    "minContains", "maxContains"})


def _uses_2020_12(node: Any) -> bool:
    if isinstance(node, dict):
        return bool(_NEWER.intersection(node)) or isinstance(node.get("items"), list) \
            or any(_uses_2020_12(v) for v in node.values())
    if isinstance(node, list):
        return any(_uses_2020_12(v) for v in node)
    return False


def unescaped(pattern: str) -> str:
    """A pattern escaped twice by its spec (`\\\\.` for `\\.`, so that no real email matches) as meant."""
    return re.sub(r"\\\\([.dDwWsS+\-()\[\]])", r"\\\1", pattern)


_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "object": dict, "array": list}


def _satisfiable(node: Any) -> Any:
    """A spec's schema without what no value could meet: a pattern escaped twice is read as meant, one
    Python cannot read (JSON Schema patterns are ECMA-262: \\p{Han}) is dropped, and so is an enum none of whose members has the declared type (an
    object "enum": ["PKW", "VAN"]), both spec mistakes that would reject every output."""
    if isinstance(node, dict):
        out = {k: _satisfiable(v) for k, v in node.items()}
        if isinstance(out.get("pattern"), str):
            out["pattern"] = unescaped(out["pattern"])
            try:
                re.compile(out["pattern"])
            except re.error:
                del out["pattern"]
        kind = _TYPES.get(out.get("type")) if isinstance(out.get("type"), str) else None
        if kind and isinstance(out.get("enum"), list) and out["enum"] and \
                not any(isinstance(v, kind) and not (isinstance(v, bool) and kind is not bool) for v in out["enum"]):
            del out["enum"]
        return out
    if isinstance(node, list):
        return [_satisfiable(v) for v in node]
    return node
