"""Spec schemas: which count as schemas at all (checked against the meta-schema), and validating with them."""

from __future__ import annotations

from graphkb.synthesis.schemas import is_valid, validator


def test_well_formed_schemas_validate_values():
    schema = {"type": "object", "properties": {"id": {"type": "string"}, "n": {"type": "integer", "minimum": 1}},
              "required": ["id"]}
    assert validator(schema) is not None
    assert is_valid({"id": "a", "n": 2}, schema) and not is_valid({"n": 2}, schema) and not is_valid({"id": "a", "n": 0}, schema)


def test_malformed_schemas_are_no_schemas():
    assert validator({"type": "object", "properties": {"a": {"type": "strin"}}}) is None
    assert validator({"type": "object", "required": "a"}) is None
    assert validator({"type": "object", "properties": {"a": {"type": "array", "minItems": -1}}}) is None


def test_keywords_only_2020_12_has_are_judged_by_its_meta_schema():
    assert validator({"type": "array", "prefixItems": 5}) is None
    assert validator({"type": "object", "dependentRequired": {"a": "b"}}) is None
    tuple_like = {"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "integer"}}
    assert validator(tuple_like) is not None
    assert is_valid(["a", 1, 2], tuple_like) and not is_valid([1], tuple_like) and not is_valid(["a", "b"], tuple_like)
