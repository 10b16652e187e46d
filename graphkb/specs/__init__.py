"""Parsing API specs of every supported format into one normalized model."""

from __future__ import annotations

from typing import Any

from .files import SpecError, load_document
from .model import FieldInfo, ParamInfo, Spec, Tool
from .openapi import parse_openapi
from .toolsets import parse_functions, parse_mcp, parse_toolbench

FORMATS = ("openapi", "mcp", "functions", "toolbench")
PARSERS = {"openapi": parse_openapi, "mcp": parse_mcp, "functions": parse_functions, "toolbench": parse_toolbench}

__all__ = ["FORMATS", "FieldInfo", "ParamInfo", "Spec", "SpecError", "Tool", "detect_format", "load_spec", "parse_spec"]


def detect_format(document: Any) -> str:
    if isinstance(document, dict):
        if "openapi" in document or "swagger" in document:
            return "openapi"
        inner = document.get("result") if isinstance(document.get("result"), dict) else document
        tools = inner.get("tools")
        if isinstance(tools, list) and any(isinstance(t, dict) and ("inputSchema" in t or "input_schema" in t) for t in tools):
            return "mcp"
        if "api_list" in document:
            return "toolbench"
        if isinstance(document.get("functions"), list) or isinstance(tools, list):
            return "functions"
    if isinstance(document, list) and document and all(isinstance(e, dict) for e in document):
        if all("name" in e or isinstance(e.get("function"), dict) for e in document):
            return "functions"
    raise SpecError("cannot tell the format (not OpenAPI, MCP, OpenAI functions or ToolBench); pass --format")


def parse_spec(document: Any, source: str, content_hash: str, fmt: str = "auto") -> Spec:
    fmt = detect_format(document) if fmt == "auto" else fmt
    tools, title, warnings = PARSERS[fmt](document, source)
    if not tools:  # e.g. an OpenAPI 3.1 document with webhooks only: nothing to ingest, nothing wrong
        warnings = [*warnings, f"this {fmt} document defines no operations"]
    return Spec(source=source, format=fmt, title=title, content_hash=content_hash, tools=tools, warnings=warnings)


def load_spec(source: str, fmt: str = "auto", max_bytes: int = 100_000_000) -> Spec:
    document, content_hash = load_document(source, max_bytes)
    try:
        return parse_spec(document, source, content_hash, fmt)
    except RecursionError:
        raise SpecError("schema nested too deep") from None
