"""Writing datasets: append-only JSON lines flushed per record, resumable. The shapes (openai, chat,
ShareGPT) and conversions between them are in `formats`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .formats import to_sharegpt  # noqa: F401  (kept importable from here)


class JsonlWriter:
    """Appends one JSON object a line. With `resume`, keeps what is there (repairing a torn last line
    left by a killed run) and knows its ids; without, starts the file afresh."""

    def __init__(self, path: Path, resume: bool = False):
        self.path = path
        self.ids: set[str] = set()
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume and path.exists():
            self._repair()
            with open(path, encoding="utf-8") as f:
                for line in f:
                    try:
                        self.ids.add(json.loads(line)["id"])
                    except (ValueError, KeyError, TypeError):
                        continue
            self._f = open(path, "a", encoding="utf-8")
        else:
            self._f = open(path, "w", encoding="utf-8")

    def _repair(self) -> None:
        """Drop a last line that was cut off mid-write (no newline at the end, or not JSON)."""
        with open(self.path, "rb+") as f:
            data = f.read()
            if not data:
                return
            end = len(data)
            last_start = data.rfind(b"\n", 0, end - 1) + 1
            last = data[last_start:end]
            try:
                json.loads(last)
                whole = data.endswith(b"\n")
            except ValueError:
                whole = False
            if not whole:
                f.truncate(last_start)

    def write(self, record: dict[str, Any]) -> None:
        self._f.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._f.flush()  # a killed run loses at most the line being written

    def close(self) -> None:
        if not self._f.closed:
            self._f.flush()
            os.fsync(self._f.fileno())
            self._f.close()
