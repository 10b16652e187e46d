"""Ingest: spec files, folders and URLs -> tool, parameter and output-field nodes with embeddings.

Specs are parsed and written in chunks. An unchanged spec (same content hash) costs one lookup;
a changed one is updated in place and loses the operations that disappeared. A spec's hash is set
only once all of it is written, so an interrupted ingest is redone, never taken as complete.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from .embed import Embedder
from .graph.store import GraphStore
from .specs import Spec, SpecError, load_spec
from .specs.files import expand_inputs
from .specs.model import uid_of
from .specs.semantics import infer_semantics
from .texts import field_leaf, field_text, param_text, tool_text

CHUNK_TOOLS = 3000  # tools parsed before a chunk is embedded and written
CHUNK_SPECS = 200
PARSED_AHEAD = 2  # chunks parsed ahead of the embedder
WRITES_BEHIND = 2  # chunks embedded and waiting for the writer


@dataclass
class IngestReport:
    specs: int = 0  # written (new or changed)
    unchanged: int = 0
    empty: int = 0
    tools: int = 0
    params: int = 0
    fields: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    tool_uids: list[str] = field(default_factory=list)  # tools written in this run
    seconds: float = 0.0
    texts_embedded: int = 0
    texts_cached: int = 0
    model_seconds: float = 0.0
    parse_seconds: float = 0.0
    write_seconds: float = 0.0
    sources: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejected


def param_uid(tool_uid: str, name: str) -> str:
    return uid_of(tool_uid, "param", name)


def field_uid(tool_uid: str, path: str) -> str:
    return uid_of(tool_uid, "field", path)


def _parse_all(sources: list[str], fmt: str, max_bytes: int, report: IngestReport,
               progress: Callable[[int], None]) -> Iterator[Spec]:
    for source in sources:
        t0 = time.perf_counter()
        try:
            spec = load_spec(source, fmt, max_bytes)
        except (SpecError, OSError, UnicodeError, ValueError) as e:
            report.rejected.append((source, getattr(e, "strerror", None) or str(e)))
            progress(1)
            continue
        except Exception as e:  # a parser bug must cost one file, not the batch
            report.rejected.append((source, f"internal error while parsing: {type(e).__name__}: {e}"))
            progress(1)
            continue
        finally:
            report.parse_seconds += time.perf_counter() - t0
        report.warnings.extend((source, w) for w in spec.warnings)
        if not spec.tools:
            report.empty += 1
            progress(1)
            continue
        yield spec


def _chunks(specs: Iterator[Spec]) -> Iterator[list[Spec]]:
    chunk: list[Spec] = []
    tools = 0
    for spec in specs:
        chunk.append(spec)
        tools += len(spec.tools)
        if tools >= CHUNK_TOOLS or len(chunk) >= CHUNK_SPECS:
            yield chunk
            chunk, tools = [], 0
    if chunk:
        yield chunk


def _ahead(items: Iterator[list[Spec]], depth: int) -> Generator[list[Spec], None, None]:
    """`items`, produced by a thread of its own up to `depth` ahead of the consumer. Closing the
    generator stops the thread; an exception in it is raised here."""
    box: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def offer(item) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
            offer(done)
        except BaseException as e:  # handed to the consumer, which raises it
            offer(e)

    thread = threading.Thread(target=produce, name="graphkb-parser", daemon=True)
    thread.start()
    try:
        while (item := box.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def ingest(store: GraphStore, embedder: Embedder, inputs: list[str], *, fmt: str = "auto",
           max_bytes: int = 100_000_000, progress: Callable[[int], None] | None = None,
           on_total: Callable[[int], None] | None = None) -> IngestReport:
    t0 = time.perf_counter()
    report = IngestReport()
    sources, problems = expand_inputs(inputs)
    report.rejected.extend(problems)
    report.sources = len(sources)
    if on_total:
        on_total(len(sources))
    advance = progress or (lambda n: None)
    # Three stages overlap: a parser thread keeps PARSED_AHEAD chunks ready, this thread embeds them
    # (the model releases the GIL), and a writer thread writes them; the embedder waits for the writer
    # only when WRITES_BEHIND chunks are waiting to be written.
    parsed = _ahead(_chunks(_parse_all(sources, fmt, max_bytes, report, advance)), PARSED_AHEAD)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphkb-writer") as writer:
        pending: deque[Future] = deque()
        try:
            for chunk in parsed:
                while pending and pending[0].done():
                    pending.popleft().result()  # a failed write stops the run now, not chunks later
                prepared = _prepare_chunk(store, embedder, chunk, report)
                while len(pending) >= WRITES_BEHIND:
                    pending.popleft().result()
                pending.append(writer.submit(_write_chunk, store, prepared, report, len(chunk), advance))
            while pending:
                pending.popleft().result()
        finally:
            parsed.close()
    report.seconds = time.perf_counter() - t0
    report.texts_embedded = embedder.computed
    report.texts_cached = embedder.cached
    report.model_seconds = embedder.model_seconds
    return report


@dataclass
class _Prepared:
    changed: list[Spec]
    previous: dict[str, str]
    tool_rows: list[dict]
    param_rows: list[dict]
    field_rows: list[dict]
    member_rows: list[dict]


def _prepare_chunk(store: GraphStore, embedder: Embedder, chunk: list[Spec], report: IngestReport) -> _Prepared:
    """Rows to write for the new or changed specs of a chunk, with embeddings computed."""
    previous = {r["uid"]: r["content_hash"] for r in store.read("ingest/spec_hashes", uids=[s.uid for s in chunk])}
    changed = [s for s in chunk if previous.get(s.uid) != s.content_hash]
    report.unchanged += len(chunk) - len(changed)

    tool_rows, param_rows, field_rows, member_rows = [], [], [], []
    for spec in changed:
        prefix = spec.title if spec.format == "toolbench" else None  # its tool names are "<tool>_<api>"
        for tool in spec.tools:
            uid = tool.uid
            op, entity = infer_semantics(tool.name, tool.description, tool.endpoint, tool.parameters, tool.output, prefix)
            tool_rows.append({"uid": uid, "spec_uid": spec.uid, "props": {
                "name": tool.name, "description": tool.description, "source": tool.source,
                "format": spec.format, "category": tool.category, "tags": tool.tags, "endpoint": tool.endpoint,
                "parameters": json.dumps(tool.parameters), "output": json.dumps(tool.output) if tool.output else None,
                "text": tool_text(tool), "op": op, "entity": entity, "param_count": len(tool.params), "field_count": len(tool.fields)}})
            puids, fuids = [], []
            for p in tool.params:
                puids.append(param_uid(uid, p.name))
                param_rows.append({"uid": puids[-1], "tool_uid": uid, "props": {
                    "name": p.name, "type": p.type, "item_type": p.item_type, "format": p.format, "enum": p.enum,
                    "description": p.description[:1000], "required": p.required, "location": p.location,
                    "text": param_text(p)}})
            for f in tool.fields:
                fuids.append(field_uid(uid, f.path))
                field_rows.append({"uid": fuids[-1], "tool_uid": uid, "props": {
                    "path": f.path, "name": field_leaf(f.path), "type": f.type, "item_type": f.item_type,
                    "format": f.format, "enum": f.enum, "description": f.description[:1000],
                    "text": field_text(f), "depth": f.path.count(".") + f.path.count("[]")}})
            if spec.uid in previous:
                member_rows.append({"uid": uid, "params": puids, "fields": fuids})

    # One pass over all texts of the chunk, sorted by length together: tools carry their vectors,
    # parameter and field vectors stay in the cache (edge inference reads them).
    vectors = embedder.embed([r["props"]["text"] for r in tool_rows],
                             also=[r["props"]["text"] for rows in (param_rows, field_rows) for r in rows])
    for row, vector in zip(tool_rows, vectors):
        row["props"]["embedding"] = vector.tolist()
    return _Prepared(changed, previous, tool_rows, param_rows, field_rows, member_rows)


def _write_chunk(store: GraphStore, p: _Prepared, report: IngestReport, n_specs: int,
                 advance: Callable[[int], None]) -> None:
    changed, previous = p.changed, p.previous
    t0 = time.perf_counter()
    spec_rows = [{"uid": s.uid, "source": s.source, "format": s.format, "title": s.title} for s in changed]
    store.write_batches("ingest/begin_specs", spec_rows)
    store.write_batches("ingest/upsert_tools", p.tool_rows, batch_size=500)
    store.write_batches("ingest/upsert_params", p.param_rows, batch_size=2000)
    store.write_batches("ingest/upsert_fields", p.field_rows, batch_size=2000)
    prune = [{"spec_uid": s.uid, "keep": [t.uid for t in s.tools]} for s in changed if s.uid in previous]
    if prune:
        store.write_batches("ingest/prune_tools", prune, batch_size=50)
        store.write_batches("ingest/prune_members", p.member_rows, batch_size=500)
    now = time.time()
    store.write_batches("ingest/finish_specs", [
        {"uid": s.uid, "content_hash": s.content_hash, "tool_count": len(s.tools), "ingested_at": now} for s in changed])

    report.write_seconds += time.perf_counter() - t0
    report.specs += len(changed)
    report.tools += len(p.tool_rows)
    report.params += len(p.param_rows)
    report.fields += len(p.field_rows)
    report.tool_uids.extend(r["uid"] for r in p.tool_rows)
    advance(n_specs)
