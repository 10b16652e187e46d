"""`graphkb merge`: the shard files of one run (`generate --shard i/N` on several machines) as one
dataset, in dialogue order, after checking that every dialogue of the run is there exactly once.

A dialogue's id (`gk<seed>-<index>`) says which run and which place in it it has, so the parts can
come in any order and any number. A dialogue counts as present when it was written or rejected (its
reasons are in the part's `.rejects.jsonl`). Lines are copied byte for byte: merging the shards of a
run gives the same bytes as the run made on one machine. Only the ids are held in memory.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import GraphkbError
from .formats import shape_of

ID = re.compile(r"gk(-?\d+)-(\d+)")
SHOWN = 10  # ids listed in a missing/duplicate problem before "and N more"


def rejects_of(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.jsonl")


@dataclass
class _Lines:
    """Where each dialogue line is: (index, file number, byte offset, length), as growing arrays."""
    index: list[int] = field(default_factory=list)
    file: list[int] = field(default_factory=list)
    offset: list[int] = field(default_factory=list)
    length: list[int] = field(default_factory=list)


@dataclass
class MergeReport:
    out: Path
    rejects_out: Path
    parts: int = 0
    seed: int | None = None
    n: int = 0
    n_inferred: bool = False
    written: int = 0
    rejected: int = 0
    problems: list[str] = field(default_factory=list)


def _ranges(ids: np.ndarray, seed: int) -> str:
    shown = ", ".join(f"gk{seed}-{i:06d}" for i in ids[:SHOWN])
    return shown + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")


def _scan(path: Path, number: int, lines: _Lines, seeds: dict[int, Path], shapes: dict[str, Path],
          problems: list[str], rejects: bool) -> None:
    offset = 0
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            if not raw.endswith(b"\n"):
                problems.append(f"{path}: line {n} is cut off (a run was killed): run that shard again with --resume")
                continue
            try:
                record = json.loads(raw)
                rid = record["id"]
            except (ValueError, KeyError, TypeError):
                problems.append(f"{path}: line {n}: not a dialogue record with an id")
                continue
            m = ID.fullmatch(rid) if isinstance(rid, str) else None
            if not m:
                problems.append(f"{path}: line {n}: id {rid!r} is not one graphkb generate writes (gk<seed>-<index>)")
                continue
            seeds.setdefault(int(m.group(1)), path)
            if not rejects:
                shapes.setdefault(shape_of(record), path)
            lines.index.append(int(m.group(2)))
            lines.file.append(number)
            lines.offset.append(start)
            lines.length.append(len(raw))


def _check(name: str, lines: _Lines, files: list[Path], seed: int, problems: list[str]) -> np.ndarray:
    """The lines in index order; duplicates become problems."""
    index = np.asarray(lines.index, dtype=np.int64)
    order = np.argsort(index, kind="stable")
    ordered = index[order]
    twice = np.flatnonzero(ordered[1:] == ordered[:-1])
    if len(twice):
        first, again = order[twice[0]], order[twice[0] + 1]
        ids = np.unique(ordered[twice])
        problems.append(f"{len(ids)} {name} more than once: {_ranges(ids, seed)} (e.g. in "
                        f"{files[lines.file[first]]} and {files[lines.file[again]]}): are two parts of the same shard?")
    return order


def merge(parts: list[Path], out: Path, n: int | None = None) -> MergeReport:
    """Check the parts and, when nothing is missing or duplicated, write `out` and its rejects file.
    With problems, nothing is written and the report lists them."""
    report = MergeReport(out, rejects_of(out), parts=len(parts))
    resolved = {p.resolve() for p in parts} | {rejects_of(p).resolve() for p in parts}
    if out.resolve() in resolved or report.rejects_out.resolve() in resolved:
        raise GraphkbError(f"{out}: the output must not be one of the parts")
    if len({p.resolve() for p in parts}) < len(parts):
        raise GraphkbError("the same part is given twice")
    kept, dropped = _Lines(), _Lines()
    files: list[Path] = []
    seeds: dict[int, Path] = {}
    shapes: dict[str, Path] = {}
    problems = report.problems
    for part in parts:
        files.append(part)
        _scan(part, len(files) - 1, kept, seeds, shapes, problems, rejects=False)
        if rejects_of(part).exists():
            files.append(rejects_of(part))
            _scan(rejects_of(part), len(files) - 1, dropped, seeds, shapes, problems, rejects=True)
    if len(seeds) > 1:
        problems.append("the parts come from different runs: " + ", ".join(f"seed {s} in {p}" for s, p in seeds.items()))
    if len(shapes) > 1:
        problems.append("the parts have different shapes: " + ", ".join(f"{s} in {p}" for s, p in shapes.items())
                        + " (graphkb convert one of them first)")
    if not kept.index and not dropped.index and not problems:
        problems.append("the parts hold no dialogues")
    if problems:
        return report
    seed = report.seed = next(iter(seeds))
    both = _Lines(kept.index + dropped.index, kept.file + dropped.file, kept.offset + dropped.offset,
                  kept.length + dropped.length)
    _check("dialogues are present", both, files, seed, problems)
    present = np.unique(np.asarray(both.index, dtype=np.int64))
    report.n_inferred = n is None
    report.n = n if n is not None else int(present[-1]) + 1
    beyond = present[present >= report.n]
    if len(beyond):
        problems.append(f"{len(beyond)} dialogues lie beyond --n {report.n}: {_ranges(beyond, seed)}")
    missing = np.setdiff1d(np.arange(report.n, dtype=np.int64), present, assume_unique=True)
    if len(missing):
        problems.append(f"{len(missing)} of {report.n} dialogues are missing (neither written nor rejected): "
                        f"{_ranges(missing, seed)}: run the shard that owns them again with --resume")
    if problems:
        return report
    report.written = _write(kept, files, out)
    report.rejected = _write(dropped, files, report.rejects_out)
    return report


def _write(lines: _Lines, files: list[Path], target: Path) -> int:
    """Copy the lines in index order into `target`, atomically (a temporary file renamed over it)."""
    order = np.argsort(np.asarray(lines.index, dtype=np.int64), kind="stable")
    target.parent.mkdir(parents=True, exist_ok=True)
    handles = {}
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
    try:
        with os.fdopen(fd, "wb") as dst:
            for k in order:
                src = handles.get(lines.file[k]) or handles.setdefault(lines.file[k], open(files[lines.file[k]], "rb"))
                src.seek(lines.offset[k])
                dst.write(src.read(lines.length[k]))
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        for h in handles.values():
            h.close()
    return len(order)
