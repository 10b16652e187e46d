"""`graphkb generate`: sample -> plan -> dialogue -> verify -> write, resumable and shardable.

Dialogue i of a run is determined by (seed, i): its sample, plan, values and (offline) wording. So a
resumed run regenerates exactly what is missing, shards split one run across machines, and the
offline backend gives the same bytes for the same seed. Records are written in index order, one
JSON line each, flushed as they are written; rejects go to `<out>.rejects.jsonl` with reasons.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import load_settings
from ..errors import GraphkbError
from ..graph.store import GraphStore
from ..specs.semantics import infer_semantics
from ..sample import SampleOptions, Sampler
from .dialogue import ChatModelBackend, Failure, OfflineBackend, assemble
from .formats import convert
from .llm import ChatModelUnavailable, ResilientChatModel, load_chat_model, resume_advice, unavailable_reason
from .plan import Plan, Planner, ToolDef, Unplannable, function_names
from .verify import check_record
from .writer import JsonlWriter

__all__ = ["GenerateOptions", "GenerateReport", "Generator", "generate", "load_backend", "load_chat_model"]

MIX = (("chain", 0.4), ("dag", 0.2), ("walk", 0.25), ("parallel", 0.15))
BLOCK = 100  # dialogues whose tool combinations are drawn together (see SampleSource)


@dataclass
class GenerateOptions:
    n: int = 100
    out: Path = Path("dialogues.jsonl")
    seed: int = 0
    concurrency: int = 4
    resume: bool = False
    fmt: str = "openai"
    shard: tuple[int, int] = (0, 1)
    strategy: str = "mix"  # mix, or one of chain/dag/walk/parallel/random
    min_tools: int = 2
    max_tools: int = 4
    source: str | None = None
    tag: str | None = None
    distractors: int = 2
    plan: bool = True  # False: the "no plan" ablation (one request turn, every argument from the user)


@dataclass
class GenerateReport:
    path: Path
    rejects_path: Path
    written: int = 0
    rejected: int = 0
    skipped: int = 0
    seconds: float = 0.0
    reasons: Counter = field(default_factory=Counter)
    backend: str = "offline"
    llm_calls: int = 0
    tokens: int = 0
    resampled: int = 0  # tool combinations skipped because no sensible goal could be made of them


def load_backend(spec: str | None, settings=None):
    """`offline`, or a chat model as `load_chat_model` reads it, called through the retry policy."""
    spec = spec or "offline"
    if spec == "offline":
        return OfflineBackend()
    settings = settings or load_settings()
    model = load_chat_model(spec, timeout=settings.llm_timeout)
    return ChatModelBackend(ResilientChatModel(model, attempts=settings.llm_attempts, backoff=settings.llm_backoff))


class SampleSource:
    """The run's tool combinations by dialogue index, drawn in blocks of `BLOCK` dialogues.

    Block b is drawn after blocks 0..b-1 by the same samplers (so tools and combinations already
    used are down-weighted across the run) and shuffled with (seed, b): the sample of dialogue i
    depends on the seed and i, never on --n, so `--n 30` resumed to `--n 40` equals `--n 40`. A
    sampler that gives fewer than asked has run dry under its limits and is not asked again.
    """

    def __init__(self, store: GraphStore, o: GenerateOptions):
        self.store, self.o = store, o
        mix = MIX if o.strategy == "mix" else ((o.strategy, 1.0),)
        self.samplers: list[tuple[str, float, Sampler]] = []
        for k, (strategy, share) in enumerate(mix):
            kw = {"min_tools": 3, "max_tools": 3} if strategy == "dag" else {"min_tools": o.min_tools,
                                                                              "max_tools": o.max_tools}
            try:
                sampler = Sampler(store, SampleOptions(strategy=strategy, n=0, seed=o.seed * 31 + k, source=o.source,
                                                       tag=o.tag, max_repeats=3, **kw))
            except GraphkbError:
                if o.strategy != "mix":
                    raise
                continue
            self.samplers.append((strategy, share, sampler))
        self.fallback: Sampler | None = None  # chains that may recur, when the strategies run dry
        self.dry: set[Sampler] = set()  # samplers that ran dry
        self.blocks: list[list[dict]] = []

    def block(self, block: int) -> list[dict]:
        while len(self.blocks) <= block:
            self.blocks.append(self._draw(len(self.blocks)))
        return self.blocks[block]

    def __getitem__(self, index: int) -> dict:
        return self.block(index // BLOCK)[index % BLOCK]

    def _take(self, sampler: Sampler, n: int, strategy: str) -> list[dict]:
        if sampler in self.dry:
            return []
        sampler.o = replace(sampler.o, n=n)
        try:
            got = [s.record() | {"strategy": strategy} for s in sampler.run()]
        except GraphkbError:
            got = []
        if len(got) < n:
            self.dry.add(sampler)
        return got

    def _draw(self, block: int) -> list[dict]:
        o = self.o
        samples: list[dict] = []
        for strategy, share, sampler in self.samplers:
            samples.extend(self._take(sampler, math.ceil(BLOCK * share), strategy))
        if len(samples) < BLOCK and o.strategy == "mix":  # top up with chains when a strategy ran dry
            if self.fallback is None:
                self.fallback = Sampler(self.store, SampleOptions(
                    strategy="chain", n=0, seed=o.seed * 31 + 99, source=o.source, tag=o.tag, max_repeats=50,
                    min_tools=o.min_tools, max_tools=o.max_tools))
            samples.extend(self._take(self.fallback, BLOCK - len(samples), "chain"))
        if not samples:
            if not self.blocks:
                raise GraphkbError("no tool combinations could be sampled: ingest specs whose tools connect, "
                                   "or check filters")
            samples = list(self.blocks[-1])  # the graph ran dry: reuse combinations (plans and values differ)
        random.Random(f"{o.seed}:block{block}").shuffle(samples)
        while len(samples) < BLOCK:  # a tiny graph: reuse combinations (plans and values still differ)
            samples.extend(samples[: BLOCK - len(samples)])
        return samples[:BLOCK]


def lookups_used(lookups: dict[str, list[tuple[ToolDef, str]]]) -> list[ToolDef]:
    return list({t.uid: t for v in lookups.values() for t, _ in v}.values())


def _tool_defs(store: GraphStore, uids: list[str]) -> dict[str, dict]:
    rows = {}
    for start in range(0, len(uids), 2000):
        for r in store.read("generate/tools", uids=uids[start:start + 2000]):
            rows[r["uid"]] = r
    return rows


def _no_plan(plan: Plan) -> Plan:
    """The ablation without planning: one request with every call, no clarification, errors or extras."""
    from .plan import Turn

    steps = [s for t in plan.turns for s in t.steps if t.kind != "correct"]
    calls = [c.model_copy(update={"failure": None}) for c in plan.calls]
    return plan.model_copy(update={"turns": [Turn(kind="request", intent=plan.goal, steps=steps)], "calls": calls})


class Generator:
    def __init__(self, store: GraphStore, options: GenerateOptions, backend=None,
                 progress: Callable[[int], None] | None = None):
        self.store, self.o = store, options
        self.backend = backend or OfflineBackend()
        self.progress = progress or (lambda n: None)
        self.planner = Planner()
        if not options.plan:  # no planning: nothing wires outputs into arguments, one turn, no extras
            self.planner = Planner(clarify_rate=0, unserved_rate=0, chitchat_rate=0, question_rate=0, correct_rate=0,
                                   failure_rates={}, wire_data_flow=False)
        self.samples = SampleSource(store, options)
        self.defs: dict[str, dict] = {}
        self.related: dict[str, list[str]] = {}
        self.lookups: dict[str, list[tuple[str, str]]] = {}  # "uid.param" -> [(source uid, field)]
        self.fetched: set[str] = set()  # tools whose related tools and lookups are known
        self.pools: dict[int, list[str]] = {}

    def _context(self, index: int) -> tuple[dict, list[str]]:
        """The sample of dialogue `index` and the pool its fallback distractors come from: the tools of
        its block (its samples and their related tools). Both depend on (seed, index) alone; tool
        definitions are fetched once a block, never a query per dialogue."""
        block = index // BLOCK
        if block not in self.pools:
            samples = self.samples.block(block)
            uids = sorted({u for s in samples for u in s["tool_uids"]})
            missing = [u for u in uids if u not in self.fetched]
            if missing:
                self.related.update({r["uid"]: r["related"] for r in self.store.read("generate/related", uids=missing)})
                self.related.update({u: [] for u in missing if u not in self.related})
                for r in self.store.read("generate/lookups", uids=missing):
                    self.lookups.setdefault(f"{r['uid']}.{r['param']}", []).append((r["source"], r["field"]))
                self.fetched.update(missing)
            pool = sorted(set(uids) | {u for t in uids for u in self.related[t]})
            sources = {src for t in uids for key, v in self.lookups.items() if key.startswith(t + ".") for src, _ in v}
            self._define([u for u in sorted(set(pool) | sources) if u not in self.defs])
            self.pools[block] = [u for u in pool if u in self.defs]
        return self.samples[index], self.pools[block]

    def _define(self, uids: list[str]) -> None:
        defs = _tool_defs(self.store, uids)
        for d in defs.values():  # graphs ingested before tools said what they do
            if not d.get("op"):
                d["op"], d["entity"] = infer_semantics(d["name"], d["description"] or "", d.get("endpoint"),
                                                       json.loads(d["parameters"] or "{}"),
                                                       json.loads(d["output"]) if d["output"] else None)
        self.defs.update(defs)

    def _dialogue_tools(self, sample: dict, defs: dict, pool: list[str], related: dict, rng: random.Random):
        chosen = list(sample["tool_uids"])
        candidates = [u for t in chosen for u in related.get(t, []) if u not in chosen and u in defs]
        distractors: list[str] = []
        for _ in range(self.o.distractors):
            options = [u for u in candidates if u not in distractors] or [u for u in rng.sample(pool, min(len(pool), 8))
                                                                          if u not in chosen and u not in distractors]
            if options:
                distractors.append(rng.choice(options))
        # the lookups a plan may need for values the user would not know
        lookup_uids = [s for t in chosen for key, v in self.lookups.items() if key.startswith(t + ".")
                       for s, _ in v[:2] if s in defs and s not in chosen]
        lookup_uids = [u for u in dict.fromkeys(lookup_uids) if u not in distractors]
        uids = chosen + distractors + lookup_uids
        names = function_names([defs[u]["name"] for u in uids])
        tools = [ToolDef(uid=u, name=defs[u]["name"], function=f, description=defs[u]["description"] or "",
                         parameters=json.loads(defs[u]["parameters"] or '{"type": "object", "properties": {}}'),
                         output=json.loads(defs[u]["output"]) if defs[u]["output"] else None,
                         op=defs[u].get("op") or "action", entity=defs[u].get("entity") or "item",
                         endpoint=defs[u].get("endpoint"))
                 for u, f in zip(uids, names)]
        by_uid = {t.uid: t for t in tools}
        lookups = {key: [(by_uid[s], f) for s, f in v if s in by_uid]
                   for key, v in self.lookups.items() if key.split(".", 1)[0] in chosen}
        n, d = len(chosen), len(distractors)
        return tools[:n], tools[n:n + d], lookups

    async def _one(self, index: int) -> tuple[dict, list[str]]:
        rng = random.Random(f"{self.o.seed}:{index}")
        sample, pool = self._context(index)
        block = self.samples.block(index // BLOCK)
        # combinations of which no sensible goal can be made give way to others of the same block
        tries = [sample] + [block[j] for j in random.Random(f"{self.o.seed}:{index}:alt").sample(
            range(len(block)), min(len(block), 6))]
        skipped: list[str] = []
        for candidate in tries:
            chain, distractors, lookups = self._dialogue_tools(candidate, self.defs, pool, self.related, rng)
            try:
                plan = self.planner.plan(candidate, chain, rng, distractors, lookups)
                break
            except Unplannable as e:
                skipped.append(str(e))
        else:
            return {"id": f"gk{self.o.seed}-{index:06d}", "tools": [], "messages": [], "meta": {"index": index}}, \
                [f"plan: no sensible goal in {len(tries)} tool combinations ({skipped[0]})"]
        sample = candidate
        if not self.o.plan:
            plan = _no_plan(plan)
        offered = [*chain, *distractors]
        used = {c.tool for c in plan.calls}
        offered += [t for t in lookups_used(lookups) if t.function in used and t not in offered]
        by_fn = {t.function: t for t in offered}
        order = [t.openai() for t in offered]
        rng.shuffle(order)  # the sampled tools are not always offered first
        record = {"id": f"gk{self.o.seed}-{index:06d}", "tools": order, "messages": [], "plan": plan.model_dump(),
                  "meta": {"strategy": sample["strategy"], "shape": sample.get("shape"), "seed": self.o.seed,
                           "index": index, "backend": self.backend.name, "tool_uids": sample["tool_uids"],
                           "edges": sample.get("edges", []), "resampled": len(skipped)}}
        try:
            text = await self.backend.write(plan, by_fn, rng)
            record["messages"] = assemble(plan, by_fn, text, rng)
        except Failure as e:
            reason = unavailable_reason(getattr(self.backend, "model", None))
            if reason:  # not this dialogue's fault: the model is gone, and the run stops
                raise ChatModelUnavailable(reason) from None
            return record, [f"backend: {e}"]
        problems = check_record(record, {t.function: t.output for t in by_fn.values()})
        return record, problems

    async def run(self) -> GenerateReport:
        o = self.o
        t0 = time.perf_counter()
        rejects_path = o.out.with_name(o.out.name + ".rejects.jsonl") if o.out.suffix else Path(f"{o.out}.rejects.jsonl")
        report = GenerateReport(o.out, rejects_path, backend=self.backend.name)
        self.samples.block(0)  # nothing to sample: say so before touching the output
        writer = JsonlWriter(o.out, resume=o.resume)
        rejects = JsonlWriter(rejects_path, resume=o.resume)
        done = writer.ids | rejects.ids
        shard_i, shard_n = o.shard
        todo = [i for i in range(o.n) if i % shard_n == shard_i and f"gk{o.seed}-{i:06d}" not in done]
        report.skipped = sum(1 for i in range(o.n) if i % shard_n == shard_i) - len(todo)
        self.progress(report.skipped)
        gate = asyncio.Semaphore(max(1, o.concurrency))
        finished: dict[int, tuple[dict, list[str]]] = {}
        next_pos = 0

        async def work(i: int) -> None:
            nonlocal next_pos
            async with gate:
                finished[i] = await self._one(i)
            while next_pos < len(todo) and todo[next_pos] in finished:  # write in index order
                record, problems = finished.pop(todo[next_pos])
                next_pos += 1
                report.resampled += bool(record.get("meta", {}).get("resampled"))
                if problems:
                    report.rejected += 1
                    report.reasons.update(p.split(":", 1)[0] for p in problems)
                    rejects.write({"id": record["id"], "reasons": problems, "record": record})
                else:
                    report.written += 1
                    writer.write(convert(record, o.fmt))
                self.progress(1)

        tasks = [asyncio.ensure_future(work(i)) for i in todo]
        try:
            await asyncio.gather(*tasks)
        except ChatModelUnavailable as e:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise ChatModelUnavailable(
                f"{e}; stopped after {report.written} dialogues written to {o.out} ({report.rejected} rejected): "
                f"{resume_advice(getattr(self.backend, 'model', None))}") from None
        finally:
            writer.close()
            rejects.close()
        report.seconds = time.perf_counter() - t0
        report.llm_calls = getattr(self.backend, "calls", 0)
        report.tokens = getattr(self.backend, "tokens", 0)
        return report


def generate(store: GraphStore, options: GenerateOptions, backend=None,
             progress: Callable[[int], None] | None = None) -> GenerateReport:
    return asyncio.run(Generator(store, options, backend, progress).run())

