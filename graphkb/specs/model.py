"""One normalized model of a tool, whatever format it came from."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, Field


def uid_of(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()[:24]


class ParamInfo(BaseModel):
    """One parameter of a tool (a top-level property of its parameters schema)."""

    name: str
    type: str | None = None
    item_type: str | None = None
    format: str | None = None
    enum: list[str] | None = None
    description: str = ""
    required: bool = False
    location: str | None = None  # path, query, header, cookie, body (OpenAPI)


class FieldInfo(BaseModel):
    """One field of a tool's output, as a dotted path (`data.items[].id`)."""

    path: str
    type: str | None = None
    item_type: str | None = None
    format: str | None = None
    enum: list[str] | None = None
    description: str = ""


class Tool(BaseModel):
    name: str
    description: str = ""
    source: str  # the spec it came from: file path or URL
    category: str | None = None
    tags: list[str] = Field(default_factory=list)
    endpoint: str | None = None  # "GET /users/{id}" for OpenAPI
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    output: dict[str, Any] | None = None
    params: list[ParamInfo] = Field(default_factory=list)
    fields: list[FieldInfo] = Field(default_factory=list)

    @property
    def uid(self) -> str:
        return uid_of(self.source, self.name)


class Spec(BaseModel):
    source: str
    format: str  # openapi, mcp, functions, toolbench
    title: str | None = None
    content_hash: str
    tools: list[Tool]
    warnings: list[str] = Field(default_factory=list)

    @property
    def uid(self) -> str:
        return uid_of(self.source)
