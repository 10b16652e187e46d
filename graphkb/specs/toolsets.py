"""Tool lists that are already JSON Schema: MCP `tools/list`, OpenAI functions, ToolBench/RapidAPI."""

from __future__ import annotations

import re
from typing import Any

from .files import SpecError
from .model import Tool
from .schema import RefInliner, flatten_fields, flatten_params, normalize

OUTPUT_KEYS = ("response", "returns", "output", "output_schema", "output_parameters")
_TOOLBENCH_TYPES = {"STRING": "string", "NUMBER": "number", "INTEGER": "integer", "BOOLEAN": "boolean",
                    "ARRAY": "array", "OBJECT": "object", "ENUM": "string", "DATE (YYYY-MM-DD)": "string",
                    "TIME (24-HOUR HH:MM)": "string", "FLOAT": "number", "BOOL": "boolean"}


def _tool(document: Any, source: str, name: Any, description: Any, parameters: Any, output: Any,
          refs: RefInliner, **extra) -> Tool:
    if not isinstance(name, str) or not name.strip():
        raise SpecError("a tool has no name")
    parameters = normalize(refs.inline(parameters)) if isinstance(parameters, dict) else {}
    parameters.setdefault("type", "object")
    parameters.setdefault("properties", {})
    output = normalize(refs.inline(output)) if isinstance(output, dict) else None
    if output is not None and not output.get("properties") and not output.get("type"):
        # `returns: {field: {...}, ...}` without a wrapper: treat the map as properties
        output = normalize({"type": "object", "properties": output}) or None
    return Tool(name=name.strip(), description=re.sub(r"\s+", " ", str(description or "")).strip()[:1000],
                source=source, parameters=parameters, output=output or None,
                params=flatten_params(parameters), fields=flatten_fields(output), **extra)


def parse_mcp(document: Any, source: str) -> tuple[list[Tool], str | None, list[str]]:
    if isinstance(document, dict) and isinstance(document.get("result"), dict):
        document = document["result"]  # a JSON-RPC response
    tools = document.get("tools") if isinstance(document, dict) else None
    if not isinstance(tools, list):
        raise SpecError("MCP document has no 'tools' list")
    refs = RefInliner(document)
    out = []
    for entry in tools:
        if not isinstance(entry, dict):
            raise SpecError("an MCP tool entry is not an object")
        out.append(_tool(document, source, entry.get("name"), entry.get("description"),
                         entry.get("inputSchema") or entry.get("input_schema"),
                         entry.get("outputSchema") or entry.get("output_schema"), refs))
    return out, document.get("name") if isinstance(document.get("name"), str) else None, refs.warnings


def parse_functions(document: Any, source: str) -> tuple[list[Tool], str | None, list[str]]:
    if isinstance(document, dict):
        document = document.get("functions") or document.get("tools")
    if not isinstance(document, list):
        raise SpecError("functions document is not a list of function definitions")
    refs = RefInliner(document)
    out = []
    for entry in document:
        if isinstance(entry, dict) and isinstance(entry.get("function"), dict):
            entry = {**entry["function"], **{k: v for k, v in entry.items() if k in OUTPUT_KEYS}}
        if not isinstance(entry, dict):
            raise SpecError("a function entry is not an object")
        output = next((entry[k] for k in OUTPUT_KEYS if isinstance(entry.get(k), dict)), None)
        out.append(_tool(document, source, entry.get("name"), entry.get("description"),
                         entry.get("parameters"), output, refs))
    return out, None, refs.warnings


def _toolbench_param(raw: dict) -> tuple[str, dict] | None:
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    schema: dict[str, Any] = {"type": _TOOLBENCH_TYPES.get(str(raw.get("type", "")).upper(), "string")}
    if raw.get("description"):
        schema["description"] = str(raw["description"])
    default = raw.get("default")
    if default not in (None, ""):
        try:  # RapidAPI writes every default as text
            schema["default"] = {"number": float, "integer": int, "boolean": lambda v: str(v).lower() == "true"}.get(
                schema["type"], str)(default)
        except (TypeError, ValueError):
            pass
    return name.strip(), schema


def parse_toolbench(document: Any, source: str) -> tuple[list[Tool], str | None, list[str]]:
    if not isinstance(document, dict) or not isinstance(document.get("api_list"), list):
        raise SpecError("ToolBench document has no 'api_list'")
    tool_name = str(document.get("tool_name") or document.get("name") or "").strip()
    refs = RefInliner(document)
    out = []
    for api in document["api_list"]:
        if not isinstance(api, dict):
            raise SpecError("an api_list entry is not an object")
        properties: dict[str, dict] = {}
        required: list[str] = []
        for key, is_required in (("required_parameters", True), ("optional_parameters", False)):
            for raw in api.get(key) or []:
                parsed = _toolbench_param(raw) if isinstance(raw, dict) else None
                if parsed:
                    properties[parsed[0]] = parsed[1]
                    if is_required:
                        required.append(parsed[0])
        params: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            params["required"] = required
        api_name = str(api.get("name") or "").strip()
        name = f"{tool_name}_{api_name}" if tool_name and api_name else api_name
        name = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")
        output = api.get("schema") if isinstance(api.get("schema"), dict) else None
        out.append(_tool(document, source, name, api.get("description") or document.get("tool_description"),
                         params, output, refs, category=document.get("category") or document.get("category_name"),
                         endpoint=f"{api.get('method', 'GET')} {api.get('url', '')}".strip()))
    return out, tool_name or None, refs.warnings
