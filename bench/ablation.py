"""The ablation, one command: on the same ingested tools, generate with graph sampling and with the
`random` strategy, each with and without the plan, and report the four settings side by side.

    python bench/ablation.py [--n 500] [--home H]   # default: the bundled specs in a fresh home

Prints a Markdown table (the one in the README) and writes ablation.html beside the datasets.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common import bundled_specs, open_graph, use_home


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--home", type=Path, default=None, help="a home whose graph to use (default: bundled specs, fresh)")
    args = ap.parse_args()
    home = use_home(args.home, "graphkb-ablation-")
    from graphkb.graph.server import EmbeddedServer
    from graphkb.report import html_report, markdown_table, measure
    from graphkb.synthesis.generate import GenerateOptions, generate

    settings, store, embedder = open_graph(home, None if args.home else bundled_specs())
    tools = store.read("stats/tool_count")[0]["n"]
    settings_list = [("graph + plan", "mix", True), ("graph, no plan", "mix", False),
                     ("random + plan", "random", True), ("random, no plan", "random", False)]
    results, labels = [], []
    for label, strategy, plan in settings_list:
        out = home / f"ablation-{strategy}-{'plan' if plan else 'noplan'}.jsonl"
        generate(store, GenerateOptions(n=args.n, out=out, seed=args.seed, strategy=strategy, plan=plan))
        results.append(measure(out, embedder, tools))
        labels.append(label)
    print(f"{args.n} dialogues per setting, offline backend, seed {args.seed}, {tools} tools in the graph\n")
    print(markdown_table(results, labels))
    (home / "ablation.html").write_text(html_report(results, labels), encoding="utf-8")
    print(f"\nHTML: {home / 'ablation.html'}")
    store.close()
    if args.home is None:
        EmbeddedServer(settings).stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
