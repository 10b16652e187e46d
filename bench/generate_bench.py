"""Benchmark: dialogue generation. Offline dialogues/s on the bundled specs, the goal figures on 200
dialogues, and for the chat-model path: LLM calls and tokens per dialogue and the speed-up at
concurrency 1/4/16 against a scripted chat model that sleeps to simulate latency.

    python bench/generate_bench.py [--n 2000] [--latency 0.2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from common import bundled_specs, open_graph, use_home

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="offline dialogues to time")
    ap.add_argument("--latency", type=float, default=0.2, help="seconds the scripted chat model sleeps a call")
    ap.add_argument("--llm-n", type=int, default=32, help="dialogues per concurrency level on the chat-model path")
    args = ap.parse_args()
    home = use_home(None, "graphkb-gen-")
    sys.path.insert(0, str(ROOT / "tests"))
    from scripted_chat import ScriptedChatModel

    from graphkb.graph.server import EmbeddedServer
    from graphkb.report import quick_stats, read_records
    from graphkb.synthesis.dialogue import ChatModelBackend
    from graphkb.synthesis.generate import GenerateOptions, generate
    from graphkb.synthesis.verify import check_record

    settings, store, _ = open_graph(home, bundled_specs())

    out = home / "offline.jsonl"
    t0 = time.perf_counter()
    report = generate(store, GenerateOptions(n=args.n, out=out, seed=1))
    dt = time.perf_counter() - t0
    print(f"offline: {args.n} dialogues in {dt:.1f} s = {args.n / dt:.0f} dialogues/s (goal >= 50), "
          f"{report.rejected} rejected")

    out200 = home / "g200.jsonl"
    generate(store, GenerateOptions(n=200, out=out200, seed=0))
    records = list(read_records(out200))
    valid = sum(not check_record(r) for r in records)
    s = quick_stats(records)
    print(f"200 dialogues: {100 * valid / 200:.1f}% pass validation (goal >= 98%), "
          f"{100 * s['multi_tool']:.0f}% call 2+ distinct tools (goal >= 70%), "
          f"{100 * s['data_flow']:.0f}% use an earlier output as an argument (goal >= 60%), "
          f"{s['user_turns']:.2f} user turns on average (goal >= 2.5)")

    print(f"\nchat-model path, scripted model sleeping {args.latency} s a call, {args.llm_n} dialogues a level:")
    base = None
    for concurrency in (1, 4, 16):
        backend = ChatModelBackend(ScriptedChatModel(sleep=args.latency))
        t0 = time.perf_counter()
        r = generate(store, GenerateOptions(n=args.llm_n, out=home / f"llm{concurrency}.jsonl", seed=2,
                                            concurrency=concurrency), backend)
        dt = time.perf_counter() - t0
        base = base or dt
        print(f"  concurrency {concurrency:2d}: {dt:6.1f} s, speed-up x{base / dt:4.1f}; "
              f"{r.llm_calls / args.llm_n:.2f} LLM calls and {r.tokens / args.llm_n:.0f} tokens per dialogue; "
              f"{r.written} written, {r.rejected} rejected")
    store.close()
    EmbeddedServer(settings).stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
