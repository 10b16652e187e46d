"""Reading spec documents safely: size cap, JSON or YAML, no alias bombs, bounded nesting.

URLs are fetched over HTTP(S) with the same size cap. Nothing referenced from inside a spec is
ever fetched or read.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from ..errors import GraphkbError

SPEC_SUFFIXES = {".json", ".yaml", ".yml"}
MAX_DEPTH = 256  # nesting of the document itself
MAX_EXPANDED_NODES = 5_000_000  # after YAML aliases are expanded
# Part of every content hash: when parsing changes, unchanged files are ingested again.
PARSER_VERSION = b"graphkb-parse-2\0"


class SpecError(GraphkbError):
    """A spec that cannot be ingested; the message says why (the caller adds the file name)."""


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def expand_inputs(inputs: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Files, folders (recursively, .json/.yaml/.yml) and URLs -> (sources, [(input, problem)])."""
    sources: list[str] = []
    problems: list[tuple[str, str]] = []
    for item in inputs:
        if is_url(item):
            sources.append(item)
            continue
        path = Path(item).expanduser()
        if path.is_dir():
            found = sorted(str(p.resolve()) for p in path.rglob("*")
                           if p.suffix.lower() in SPEC_SUFFIXES and p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                problems.append((item, "folder holds no .json, .yaml or .yml files"))
            sources.extend(found)
        elif path.is_file():
            sources.append(str(path.resolve()))
        else:
            problems.append((item, "no such file or folder"))
    seen: set[str] = set()
    return [s for s in sources if not (s in seen or seen.add(s))], problems


def read_bytes(source: str, max_bytes: int) -> bytes:
    if is_url(source):
        try:
            with urllib.request.urlopen(source, timeout=30) as resp:
                data = resp.read(max_bytes + 1)
        except (urllib.error.URLError, OSError) as e:
            raise SpecError(f"cannot fetch: {getattr(e, 'reason', e)}") from None
    else:
        path = Path(source)
        size = path.stat().st_size
        if size > max_bytes:
            raise SpecError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise SpecError(f"document is over the {max_bytes / 1e6:.0f} MB limit")
    return data


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader that also refuses documents with an absurd number of aliases."""

    max_aliases = 10_000

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases_seen = getattr(self, "aliases_seen", 0) + 1
            if self.aliases_seen > self.max_aliases:
                raise SpecError(f"YAML uses more than {self.max_aliases} aliases")
        return super().compose_node(parent, index)


def _check_shape(doc: Any) -> None:
    """Refuse documents nested too deep or that expand (through shared YAML aliases) too far."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, int, bool]] = [(doc, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        if done:
            children = node.values() if isinstance(node, dict) else node
            sizes[id(node)] = 1 + sum(sizes.get(id(c), 1) for c in children)
            if sizes[id(node)] > MAX_EXPANDED_NODES:
                raise SpecError(f"document expands to more than {MAX_EXPANDED_NODES:,} nodes (YAML alias bomb?)")
            continue
        if id(node) in sizes:
            continue
        if depth > MAX_DEPTH:
            raise SpecError(f"document is nested more than {MAX_DEPTH} levels deep")
        stack.append((node, depth, True))
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1, False) for c in children if isinstance(c, (dict, list)))


def parse_document(data: bytes, source: str) -> Any:
    text = data.decode("utf-8-sig", errors="replace")
    stripped = text.lstrip()
    looks_json = stripped[:1] in ("{", "[") or source.lower().endswith(".json")
    try:
        if looks_json:
            try:
                doc = json.loads(text)
            except json.JSONDecodeError as e:
                if source.lower().endswith(".json"):
                    raise SpecError(f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
                doc = yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a SafeLoader subclass
        else:
            doc = yaml.load(text, Loader=_SafeLoader)  # noqa: S506
    except RecursionError:
        raise SpecError("document is nested too deep") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise SpecError(f"invalid YAML{where}: {problem}") from None
    _check_shape(doc)
    return doc


def load_document(source: str, max_bytes: int) -> tuple[Any, str]:
    """(parsed document, content hash)."""
    data = read_bytes(source, max_bytes)
    if not data.strip():
        raise SpecError("file is empty")
    return parse_document(data, source), hashlib.sha256(PARSER_VERSION + data).hexdigest()
