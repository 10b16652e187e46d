"""OpenAPI 3.0/3.1 and Swagger 2.0: one tool per operation."""

from __future__ import annotations

import re
from typing import Any

from .files import SpecError
from .model import Tool
from .schema import RefInliner, flatten_fields, flatten_params, normalize, schema_type

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAM_KEYS = ("type", "format", "enum", "items", "default", "minimum", "maximum", "pattern",
               "minLength", "maxLength", "description")


def _slug(method: str, path: str) -> str:
    """`get_users_userId_repos` for GET /users/{userId}/repos."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", path) if w]
    return "_".join([method.lower(), *words]) or method.lower()


def _text(*parts: Any, limit: int = 1000) -> str:
    text = " ".join(str(p).strip() for p in parts if isinstance(p, str) and p.strip())
    return re.sub(r"\s+", " ", text)[:limit]


def _is_json(media_type: str) -> bool:
    media_type = media_type.lower()
    return "json" in media_type or media_type in ("*/*", "application/*")


def _pick_content(content: Any, *, forms: bool) -> dict | None:
    if not isinstance(content, dict):
        return None
    ranked = [m for m in content if isinstance(m, str) and _is_json(m)]
    if forms:
        ranked += [m for m in content if isinstance(m, str) and ("form" in m.lower())]
    for media in ranked:
        entry = content.get(media)
        if isinstance(entry, dict) and isinstance(entry.get("schema"), dict):
            return entry["schema"]
    return None


class OpenAPIParser:
    def __init__(self, document: dict, source: str):
        self.doc = document
        self.source = source
        self.swagger2 = str(document.get("swagger", "")).startswith("2")
        self.refs = RefInliner(document)
        info = document.get("info") if isinstance(document.get("info"), dict) else {}
        self.title = info.get("title") if isinstance(info.get("title"), str) else None
        categories = info.get("x-apisguru-categories")
        self.category = categories[0] if isinstance(categories, list) and categories and isinstance(categories[0], str) else None
        produces = document.get("produces")
        self.produces_json = not produces or any(_is_json(p) for p in produces if isinstance(p, str))

    def tools(self) -> list[Tool]:
        paths = self.doc.get("paths")
        if paths is None and self.doc.get("webhooks"):
            return []
        if not isinstance(paths, dict):
            raise SpecError("OpenAPI document has no 'paths' object")
        tools: list[Tool] = []
        names: dict[str, int] = {}
        for path, item in paths.items():
            item = self.refs.deref(item)
            if not isinstance(item, dict):
                continue
            shared = item.get("parameters") if isinstance(item.get("parameters"), list) else []
            for method in METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                tool = self._operation(str(path), method, op, shared)
                count = names.get(tool.name, 0)
                names[tool.name] = count + 1
                if count:  # duplicate operationIds happen in real specs; keep both, distinctly named
                    tool.name = f"{tool.name}_{count + 1}"
                tools.append(tool)
        return tools

    # ---- one operation ---------------------------------------------------------------------
    def _operation(self, path: str, method: str, op: dict, shared: list) -> Tool:
        op_id = op.get("operationId")
        name = op_id.strip() if isinstance(op_id, str) and op_id.strip() else _slug(method, path)
        properties: dict[str, dict] = {}
        required: list[str] = []

        merged: dict[tuple[str, str], dict] = {}
        for raw in [*shared, *(op.get("parameters") if isinstance(op.get("parameters"), list) else [])]:
            param = self.refs.deref(raw)
            if isinstance(param, dict) and isinstance(param.get("name"), str):
                merged[(param["name"], str(param.get("in")))] = param  # operation overrides path level
        for param in merged.values():
            location = str(param.get("in"))
            if location == "body":
                self._add_body(param.get("schema"), properties, required, fallback=param["name"],
                               body_required=bool(param.get("required")))
                continue
            schema = self._param_schema(param)
            schema["x-location"] = "formData" if location == "formData" else location
            key = self._unique(param["name"], properties)
            properties[key] = schema
            if param.get("required") or location == "path":
                required.append(key)

        body = self.refs.deref(op.get("requestBody"))
        if isinstance(body, dict):
            body = self.refs.deref(body) or {}
            schema = _pick_content(body.get("content"), forms=True)
            if schema is not None:
                self._add_body(schema, properties, required, fallback="body",
                               body_required=bool(body.get("required")))

        parameters = {"type": "object", "properties": properties}
        if required:
            parameters["required"] = sorted(set(required), key=required.index)
        params = flatten_params(parameters)
        for prop in properties.values():
            prop.pop("x-location", None)
        output = self._output(op.get("responses"))
        tags = [t for t in op.get("tags") or [] if isinstance(t, str)]
        return Tool(
            name=name, description=_text(op.get("summary"), op.get("description")) or f"{method.upper()} {path}",
            source=self.source, category=self.category, tags=tags, endpoint=f"{method.upper()} {path}",
            parameters=normalize(parameters), output=output, params=params, fields=flatten_fields(output),
        )

    @staticmethod
    def _unique(name: str, properties: dict) -> str:
        key, n = name, 2
        while key in properties:
            key = f"{name}_{n}"
            n += 1
        return key

    def _param_schema(self, param: dict) -> dict:
        schema = param.get("schema")
        if not isinstance(schema, dict):
            schema = _pick_content(param.get("content"), forms=False)
        if isinstance(schema, dict):  # OpenAPI 3
            schema = normalize(self.refs.inline(schema))
        else:  # Swagger 2: the schema keywords sit on the parameter itself
            schema = normalize(self.refs.inline({k: param[k] for k in _PARAM_KEYS if k in param}))
        if "type" not in schema:
            schema["type"] = "string"
        desc = _text(param.get("description"), limit=500)
        if desc:
            schema["description"] = desc
        return schema

    def _add_body(self, schema: Any, properties: dict, required: list, *, fallback: str,
                  body_required: bool) -> None:
        schema = normalize(self.refs.inline(schema)) if isinstance(schema, dict) else {}
        if schema_type(schema) == "object" and schema.get("properties"):
            body_required_names = set(schema.get("required") or [])
            for name, sub in schema["properties"].items():
                if isinstance(sub, dict) and sub.get("readOnly") is True:
                    continue  # what the server sets (an id, created_at) is not sent in a request
                key = self._unique(name, properties)
                properties[key] = {**sub, "x-location": "body"}
                if name in body_required_names:
                    required.append(key)
            return
        if schema:
            key = self._unique(fallback, properties)
            properties[key] = {**schema, "x-location": "body"}
            if body_required:
                required.append(key)

    def _output(self, responses: Any) -> dict | None:
        if not isinstance(responses, dict):
            return None
        codes = sorted((str(c) for c in responses if str(c).startswith("2")), key=lambda c: (c != "200", c))
        for code in codes:
            response = responses[code] if code in responses else responses.get(int(code)) if code.isdigit() else None
            response = self.refs.deref(response)
            if not isinstance(response, dict):
                continue
            if self.swagger2:
                schema = response.get("schema") if self.produces_json else None
            else:
                schema = _pick_content(response.get("content"), forms=False)
            if isinstance(schema, dict):
                return normalize(self.refs.inline(schema)) or None
        return None


def parse_openapi(document: dict, source: str) -> tuple[list[Tool], str | None, list[str]]:
    version = str(document.get("openapi") or document.get("swagger") or "")
    if not re.match(r"^(2\.0|3\.[01])", version):
        raise SpecError(f"unsupported OpenAPI version {version!r} (2.0, 3.0 and 3.1 are)")
    parser = OpenAPIParser(document, source)
    tools = parser.tools()
    return tools, parser.title, parser.refs.warnings
