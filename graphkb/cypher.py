"""Loads the Cypher statements kept in `cypher/` by name (`schema/constraints`, `sample/chain`...).

In a wheel they sit in `graphkb/_data/cypher`; in a source checkout, in `cypher/` beside the package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """A bundled top-level folder (`cypher` or `ingest`), wherever the install put it."""
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder '{name}' is missing from this installation")


@lru_cache(maxsize=None)
def load(name: str, suffix: str = ".cypher") -> str:
    path = data_dir("cypher") / f"{name}{suffix}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"no Cypher statement named '{name}' ({path})") from None
    return text.strip()


def statements(name: str, suffix: str = ".cypher") -> list[str]:
    """A file holding several statements separated by ';' (comments with // are dropped)."""
    lines = [ln for ln in load(name, suffix).splitlines() if not ln.lstrip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
