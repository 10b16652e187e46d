"""Set-up shared by the benchmark scripts: a GRAPHKB_HOME of their own and a graph to work on."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DEVDATA = Path(os.environ.get("GRAPHKB_DEVDATA", "~/.cache/graphkb-devdata")).expanduser()


def use_home(home: Path | None, prefix: str) -> Path:
    """The given home, or a fresh temporary one; always the embedded server (no GRAPHKB_NEO4J_URI)."""
    home = home or Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["GRAPHKB_HOME"] = str(home)
    os.environ.pop("GRAPHKB_NEO4J_URI", None)
    return home


def open_graph(home: Path, specs: list[str] | None):
    """(settings, store, embedder) for `home`; `specs` (when given) are ingested and their edges inferred."""
    from graphkb.config import Settings
    from graphkb.edges import infer
    from graphkb.embed import Embedder
    from graphkb.graph.store import GraphStore
    from graphkb.ingest import ingest

    settings = Settings()
    store = GraphStore.open(settings)
    embedder = Embedder.for_home(home)
    if specs:
        ingest(store, embedder, specs)
        infer(store, embedder)
    return settings, store, embedder


def bundled_specs() -> list[str]:
    from graphkb.cypher import data_dir

    return [str(data_dir("ingest"))]
