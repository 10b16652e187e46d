"""Sampling tool combinations with Cypher path queries over the data-flow edges.

Strategies (one Cypher file each in cypher/sample/): chain, dag, walk, parallel, and random (the
no-graph baseline). Seeds are batched: one query serves hundreds of samples. The caller-side choice
among each seed's candidates is seeded (`--seed`), down-weights tools already used in the run, and
never repeats a tool combination more than `max_repeats` times.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import GraphkbError
from .graph.store import GraphStore

STRATEGIES = ("chain", "dag", "walk", "parallel", "random")
MAX_TOOLS = 6  # chain.cypher walks at most 5 hops
MAX_ROUNDS = 30  # rounds of queries a run makes at most


@dataclass
class SampleOptions:
    strategy: str = "chain"
    n: int = 100
    min_tools: int = 2
    max_tools: int = 4
    seed: int = 0
    source: str | None = None  # spec source contains this
    tag: str | None = None  # category or tag
    tools: list[str] | None = None  # samples start from (or, for dag, centre on) these tool names
    max_repeats: int = 1  # of one tool combination
    query_file: Path | None = None
    per_seed: int = 12  # candidate paths a seed; more costs time and adds little variety
    edges_per_pair: int = 3


@dataclass
class Sample:
    strategy: str
    tool_uids: list[str]
    shape: str = ""
    score: float = 1.0
    tools: list[str] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {"strategy": self.strategy, "tools": self.tools, "edges": self.edges,
                "tool_uids": self.tool_uids, "shape": self.shape}


class Sampler:
    def __init__(self, store: GraphStore, options: SampleOptions):
        o = options
        if o.strategy not in STRATEGIES and not o.query_file:
            raise GraphkbError(f"unknown strategy {o.strategy!r} (choose from {', '.join(STRATEGIES)})")
        if not 1 <= o.min_tools <= o.max_tools:
            raise GraphkbError(f"--min-tools {o.min_tools} and --max-tools {o.max_tools}: need 1 <= min <= max")
        if o.max_tools > MAX_TOOLS and o.strategy in ("chain", "walk"):
            raise GraphkbError(f"--max-tools {o.max_tools}: chains have at most {MAX_TOOLS} tools")
        if o.strategy == "dag" and not (o.min_tools <= 3 <= o.max_tools):
            raise GraphkbError("dag samples have 3 tools: use --min-tools <= 3 <= --max-tools")
        self.store, self.o = store, o
        self.rng = random.Random(o.seed)
        self.filters = {"source": o.source, "tag": o.tag}
        self.tool_uses: Counter[str] = Counter()
        self.combos: Counter[frozenset] = Counter()
        seeds = store.read("sample/seed_tools", names=o.tools, **self.filters)
        if not seeds:
            raise GraphkbError("no tools match the filters (--source/--tag/--tool)" if (o.source or o.tag or o.tools)
                               else "the graph holds no tools: run `graphkb ingest` first")
        self.all_seeds = seeds
        self.names = {s["uid"]: s["name"] for s in seeds}

    # ---- public ------------------------------------------------------------------------
    def run(self) -> list[Sample]:
        strategy = "query" if self.o.query_file else self.o.strategy
        samples: list[Sample] = []
        self.rounds, self.exhausted = 0, False  # why a run ends short: its rounds ran out, or a round found nothing new
        while len(samples) < self.o.n and self.rounds < MAX_ROUNDS:
            self.rounds += 1
            before = len(samples)
            want = self.o.n - len(samples)
            getattr(self, f"_round_{strategy}")(want, samples)
            if len(samples) == before and self.rounds > 3:
                self.exhausted = True  # the graph cannot give more distinct samples under these limits
                break
        samples = samples[: self.o.n]
        self._attach_edges(samples)
        return samples

    # ---- helpers -----------------------------------------------------------------------
    def _pick_seeds(self, k: int, pool: list[dict] | None = None) -> list[str]:
        pool = pool if pool is not None else self.all_seeds
        if not pool:
            return []
        weights = [1.0 / (1 + self.tool_uses[s["uid"]]) ** 2 for s in pool]
        return [s["uid"] for s in self.rng.choices(pool, weights=weights, k=min(k, 4 * len(pool)))]

    def _weight(self, tools: list[str], score: float) -> float:
        return max(score, 1e-3) / (1 + sum(self.tool_uses[t] for t in tools) / len(tools)) ** 2

    def _accept(self, tools: list[str], strategy: str, shape: str, score: float, out: list[Sample]) -> bool:
        combo = frozenset(tools)
        if len(set(tools)) != len(tools) or self.combos[combo] >= self.o.max_repeats:
            return False
        if not self.o.min_tools <= len(tools) <= self.o.max_tools:
            return False
        self.combos[combo] += 1
        self.tool_uses.update(tools)
        out.append(Sample(strategy, tools, shape, score))
        return True

    def _choose_per_seed(self, rows: list[dict], strategy: str, out: list[Sample], want: int) -> None:
        by_seed: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            by_seed[row["seed"]].append(row)
        seeds = list(by_seed)
        self.rng.shuffle(seeds)
        for seed in seeds:
            if len(out) >= self.o.n:
                return
            cands = by_seed[seed]
            while cands:
                pick = self.rng.choices(cands, weights=[self._weight(c["tools"], c["score"]) for c in cands])[0]
                if self._accept(pick["tools"], strategy, pick.get("shape", strategy), pick["score"], out):
                    break
                cands = [c for c in cands if c is not pick]

    def _pool(self, key: str) -> list[dict]:
        return [s for s in self.all_seeds if s[key] > 0]

    # ---- strategies --------------------------------------------------------------------
    def _round_chain(self, want: int, out: list[Sample]) -> None:
        seeds = self._pick_seeds(max(50, want * 2), self._pool("out_degree"))
        rows = self.store.read("sample/chain", seeds=list(dict.fromkeys(seeds)), min_tools=self.o.min_tools,
                               max_tools=self.o.max_tools, per_seed=self.o.per_seed, **self.filters)
        self._choose_per_seed(rows, "chain", out, want)

    def _round_dag(self, want: int, out: list[Sample]) -> None:
        pool = [s for s in self.all_seeds if s["in_degree"] >= 2 or s["out_degree"] >= 2]
        seeds = self._pick_seeds(max(50, want * 2), pool)
        rows = self.store.read("sample/dag", seeds=list(dict.fromkeys(seeds)), per_seed=self.o.per_seed, **self.filters)
        self._choose_per_seed(rows, "dag", out, want)

    def _round_walk(self, want: int, out: list[Sample]) -> None:
        starts = self._pick_seeds(max(50, want * 2), self._pool("out_degree"))
        walkers = [{"id": i, "at": s, "visited": [s], "length": self.rng.randint(self.o.min_tools, self.o.max_tools),
                    "score": 1.0} for i, s in enumerate(starts)]
        active = [w for w in walkers if w["length"] > 1]
        while active:
            rows = self.store.read("sample/walk_step", walkers=[{k: w[k] for k in ("id", "at", "visited")} for w in active],
                                   **self.filters)
            options: dict[int, list[dict]] = defaultdict(list)
            for r in rows:
                options[r["walker"]].append(r)
            still = []
            for w in active:
                opts = options.get(w["id"])
                if not opts:
                    continue
                weights = [max(o["score"], 1e-3) / (1 + self.tool_uses[o["next"]]) ** 2 for o in opts]
                step = self.rng.choices(opts, weights=weights)[0]
                w["at"] = step["next"]
                w["visited"].append(step["next"])
                w["score"] *= step["score"]
                if len(w["visited"]) < w["length"]:
                    still.append(w)
            active = still
        for w in walkers:
            if len(out) >= self.o.n:
                break
            self._accept(w["visited"], "walk", "walk", w["score"], out)

    def _round_parallel(self, want: int, out: list[Sample]) -> None:
        seeds = self._pick_seeds(max(50, want * 2))
        rows = self.store.read("sample/parallel", seeds=list(dict.fromkeys(seeds)), per_seed=self.o.per_seed,
                               **self.filters)
        self.rng.shuffle(rows)
        for row in rows:
            if len(out) >= self.o.n:
                return
            partners = list(zip(row["partners"], row["scores"]))
            if not partners:
                continue
            linked = {frozenset(pair) for pair in row["linked"]}
            size = self.rng.randint(max(2, self.o.min_tools), max(2, self.o.max_tools))
            self.rng.shuffle(partners)
            chosen, scores = [row["seed"]], []
            for partner, score in partners:
                if len(chosen) < size and not any(frozenset((partner, c)) in linked for c in chosen):
                    chosen.append(partner)
                    scores.append(score)
            self._accept(chosen, "parallel", "parallel", min(scores), out)

    def _round_random(self, want: int, out: list[Sample]) -> None:
        uids = [s["uid"] for s in self.all_seeds]
        for _ in range(want * 3):
            if len(out) >= self.o.n:
                return
            size = self.rng.randint(self.o.min_tools, min(self.o.max_tools, len(uids)))
            self._accept(self.rng.sample(uids, size), "random", "random", 1.0, out)

    def _round_query(self, want: int, out: list[Sample]) -> None:
        path = self.o.query_file
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as e:
            raise GraphkbError(f"{path}: {e.strerror}") from None
        from .graph.readonly import check_read_only

        check_read_only(text)
        seeds = self._pick_seeds(max(50, want * 2))
        params = {"seeds": list(dict.fromkeys(seeds)), "n": want, "min_tools": self.o.min_tools,
                  "max_tools": self.o.max_tools, "seed": self.o.seed, "per_seed": self.o.per_seed, **self.filters}
        with self.store.session() as s:
            rows = s.execute_read(lambda tx: tx.run(text, params).data())
        if rows and "tools" not in rows[0]:
            raise GraphkbError(f"{path}: the query must return a column `tools` (tool uids or names in call order)")
        by_name = {s["name"]: s["uid"] for s in self.all_seeds}
        for row in rows:
            if len(out) >= self.o.n:
                return
            tools = [t if t in self.names else by_name.get(t, t) for t in row["tools"] or []]
            self._accept(tools, Path(path).stem, row.get("shape") or "query", float(row.get("score") or 1.0), out)

    # ---- output ------------------------------------------------------------------------
    def _attach_edges(self, samples: list[Sample]) -> None:
        missing = sorted({t for s in samples for t in s.tool_uids if t not in self.names})
        if missing:
            self.names.update({r["uid"]: r["name"] for r in self.store.read("sample/tool_names", uids=missing)})
        pairs = set()
        for s in samples:
            s.tools = [self.names.get(t, t) for t in s.tool_uids]
            pairs.update(_flow_pairs(s))
        edges: dict[tuple[str, str], list[dict]] = defaultdict(list)
        pair_list = [{"a": a, "b": b} for a, b in sorted(pairs)]
        for start in range(0, len(pair_list), 2000):
            for r in self.store.read("sample/edges_between", pairs=pair_list[start:start + 2000]):
                if len(edges[(r["a"], r["b"])]) < self.o.edges_per_pair:
                    edges[(r["a"], r["b"])].append({k: r[k] for k in (
                        "source_tool", "source_field", "target_tool", "target_param", "score", "method")})
        for s in samples:
            s.edges = [e for pair in _flow_pairs(s) for e in edges.get(pair, [])]


def _flow_pairs(s: Sample) -> list[tuple[str, str]]:
    """The tool pairs whose data flow a sample relies on, by its shape."""
    t = s.tool_uids
    if s.shape == "fan-in":
        return [(t[0], t[2]), (t[1], t[2])]
    if s.shape == "fan-out":
        return [(t[0], t[1]), (t[0], t[2])]
    if s.shape in ("parallel", "random"):
        return [(a, b) for a in t for b in t if a != b] if s.shape == "random" else []
    return list(zip(t, t[1:]))


def connected_share(samples: list[Sample]) -> float:
    """Share of consecutive tool pairs (in call order) joined by at least one data-flow edge."""
    joined = total = 0
    for s in samples:
        linked = {(e["source_tool"], e["target_tool"]) for e in s.edges}
        pairs = _flow_pairs(s) if s.shape in ("fan-in", "fan-out") else list(zip(s.tool_uids, s.tool_uids[1:]))
        names = dict(zip(s.tool_uids, s.tools))
        for a, b in pairs:
            total += 1
            joined += (names[a], names[b]) in linked
    return joined / total if total else 0.0


def shortfall(sampler: Sampler, samples: list[Sample]) -> str | None:
    """Why a run gave fewer samples than asked, as it happened, and what allows more; None when it did not."""
    o = sampler.o
    if len(samples) >= o.n:
        return None
    uses = Counter(frozenset(s.tool_uids) for s in samples)
    capped = sum(n >= o.max_repeats for n in uses.values())
    times = f"{o.max_repeats} time{'s' if o.max_repeats > 1 else ''}"
    if sampler.exhausted:
        why = f"round {sampler.rounds} of queries added no sample, so the sampler stopped"
    else:
        why = f"the sampler stops after {MAX_ROUNDS} rounds of queries"
        if o.strategy in ("chain", "dag") and not o.query_file:
            starts = len(sampler._pool("out_degree")) if o.strategy == "chain" else len(
                [s for s in sampler.all_seeds if s["in_degree"] >= 2 or s["out_degree"] >= 2])
            why += f", and a round keeps at most one combination per start tool ({starts} tools can start one here)"
    found = (f"the {len(samples)} samples use {len(uses)} distinct tool combinations, "
             + (f"all {capped}" if capped == len(uses) else f"{capped}" if capped else "none")
             + f" of them used the {times} --max-repeats allows")
    enough = -(-o.n // max(1, len(uses)))  # the repeats that would let the combinations found fill --n
    if sampler.exhausted and capped and enough > o.max_repeats:
        advice = f"--max-repeats {enough} lets combinations recur up to that often"
    elif sampler.exhausted and capped:
        advice = "a higher --max-repeats lets those recur"
    elif sampler.exhausted:
        advice = "--min-tools, --max-tools and the filters bound what the graph can give"
    else:  # the rounds ran out while samples were still coming
        advice = ("a higher --max-repeats lets those recur, and " if capped else "") + \
            "sampling again with another --seed gives other samples"
    return f"only {len(samples)} samples of {o.n}: {why}; {found}; {advice}"
