"""Dataset measures, computed from the messages alone (so they apply to anyone's data, in the openai,
chat or sharegpt shape: records are read into the OpenAI shape first)."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .realism import measure as realism_measure
from .synthesis.formats import read_openai


def read_records(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    yield json.loads(line)
                except ValueError:
                    continue


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def _distinctive(value: Any) -> bool:
    """A value specific enough that seeing it again means it was carried over, not guessed."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return abs(value) >= 10 and not float(value).is_integer() or abs(value) >= 1000
    return isinstance(value, str) and len(value) >= 4


def dialogue_stats(record: dict) -> dict[str, Any]:
    messages = record.get("messages") or []
    returned: set[str] = set()
    calls, tools, flow, parallel, clarify = 0, [], False, False, False
    for i, m in enumerate(messages):
        role = m.get("role")
        if role == "assistant" and m.get("tool_calls"):
            batch = m["tool_calls"]
            calls += len(batch)
            parallel |= len(batch) > 1
            for call in batch:
                fn = call.get("function") or {}
                tools.append(fn.get("name"))
                try:
                    args = json.loads(fn.get("arguments") or "{}")
                except ValueError:
                    continue
                flow |= any(_distinctive(v) and str(v) in returned for v in _leaves(args))
        elif role == "assistant" and "?" in (m.get("content") or "") and i + 1 < len(messages) \
                and messages[i + 1].get("role") == "user" and any(x.get("tool_calls") for x in messages[i + 2:]):
            clarify = True
        elif role == "tool":
            try:
                returned.update(str(v) for v in _leaves(json.loads(m.get("content") or "null")))
            except ValueError:
                returned.add(str(m.get("content")))
    distinct = len(set(tools))
    return {"user_turns": sum(m.get("role") == "user" for m in messages), "calls": calls, "distinct_tools": distinct,
            "multi_tool": distinct >= 2, "data_flow": flow, "parallel": parallel, "clarify": clarify,
            "tools": tools}


def quick_stats(path: Path | Iterable[dict]) -> dict[str, float] | None:
    records = read_openai(path, empty_ok=True) if isinstance(path, Path) else path
    rows = [dialogue_stats(r) for r in records]
    if not rows:
        return None
    n = len(rows)
    return {"dialogues": n, **{k: sum(float(r[k]) for r in rows) / n for k in
                               ("user_turns", "calls", "distinct_tools", "multi_tool", "data_flow", "parallel", "clarify")}}


# ---- the full report -------------------------------------------------------------------------
_WORD = re.compile(r"[a-z0-9']+")


def _texts(record: dict) -> list[str]:
    return [m["content"] for m in record.get("messages") or []
            if m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str) and m["content"].strip()]


def diversity(records: list[dict]) -> dict[str, float]:
    trigrams: Counter = Counter()
    words: Counter = Counter()
    for r in records:
        for text in _texts(r):
            tokens = _WORD.findall(text.lower())
            words.update(tokens)
            trigrams.update(zip(tokens, tokens[1:], tokens[2:]))
    total_words = sum(words.values())
    entropy = -sum(c / total_words * math.log2(c / total_words) for c in words.values()) if total_words else 0.0
    return {"distinct3": len(trigrams) / max(1, sum(trigrams.values())), "word_entropy": entropy}


def coherence(records: list[dict], embedder) -> float:
    """Mean cosine similarity of consecutive user/assistant turns (ToolFlow's SS measure)."""
    pairs = []
    for r in records:
        texts = _texts(r)
        pairs.extend(zip(texts, texts[1:]))
    if not pairs:
        return 0.0
    vectors = embedder.embed(sorted({t for pair in pairs for t in pair}))
    index = {t: i for i, t in enumerate(sorted({t for pair in pairs for t in pair}))}
    return float(sum(vectors[index[a]] @ vectors[index[b]] for a, b in pairs) / len(pairs))


def validity(records: list[dict]) -> dict[str, float]:
    from .synthesis.verify import check_record

    calls = schema_bad = args = ungrounded = valid = 0
    for r in records:
        problems = check_record(r)
        valid += not problems
        calls += sum(len(m.get("tool_calls") or []) for m in r.get("messages") or [])
        args += sum(len(json.loads(c["function"].get("arguments") or "{}") or {})
                    for m in r.get("messages") or [] for c in m.get("tool_calls") or []
                    if isinstance(c.get("function"), dict) and _is_json_object(c["function"].get("arguments")))
        schema_bad += sum(p.startswith("schema:") for p in problems)
        ungrounded += sum(p.startswith("grounding:") for p in problems)
    # a rate over nothing is unknown (n/a), never 100%
    return {"valid": valid / len(records) if records else None,
            "schema_valid_calls": 1 - schema_bad / calls if calls else None,
            "grounded_args": 1 - ungrounded / args if args else None}


def _is_json_object(text: Any) -> bool:
    try:
        return isinstance(json.loads(text or "{}"), dict)
    except (TypeError, ValueError):
        return False


def rejects_of(path: Path) -> tuple[int, Counter]:
    rejects = path.with_name(path.name + ".rejects.jsonl")
    reasons: Counter = Counter()
    n = 0
    if rejects.exists():
        for r in read_records(rejects):
            n += 1
            reasons.update({p.split(":", 1)[0] for p in r.get("reasons", [])})
    return n, reasons


def measure(path: Path, embedder=None, graph_tools: int | None = None) -> dict[str, Any]:
    records = list(read_openai(path))
    rows = [dialogue_stats(r) for r in records]
    n = max(1, len(rows))
    tool_use: Counter = Counter(t for r in rows for t in set(r["tools"]))
    combos = {frozenset(r["tools"]) for r in rows if r["tools"]}
    chain = [len((r.get("plan") or {}).get("calls") or []) or s["distinct_tools"] for r, s in zip(records, rows)]
    out: dict[str, Any] = {
        "file": str(path), "dialogues": len(rows),
        "calls": sum(r["calls"] for r in rows) / n, "distinct_tools": sum(r["distinct_tools"] for r in rows) / n,
        "chain_length": sum(chain) / n, "multi_tool": sum(r["multi_tool"] for r in rows) / n,
        "data_flow": sum(r["data_flow"] for r in rows) / n, "parallel": sum(r["parallel"] for r in rows) / n,
        "clarify": sum(r["clarify"] for r in rows) / n, "user_turns": sum(r["user_turns"] for r in rows) / n,
        **diversity(records), "combinations": len(combos), "tools_used": len(tool_use),
        "coverage": len(tool_use) / graph_tools if graph_tools else None,
        "top_tool_share": (tool_use.most_common(1)[0][1] / n) if tool_use else 0.0,
        **validity(records),
        **realism_measure(records),
    }
    out["rejected"], out["reject_reasons"] = rejects_of(path)
    out["coherence"] = coherence(records, embedder) if embedder is not None and records else None
    out["_hist"] = {"calls": [r["calls"] for r in rows], "user_turns": [r["user_turns"] for r in rows],
                    "top_tools": tool_use.most_common(12)}
    return out


ROWS = [  # (key, label, format, group)
    ("dialogues", "dialogues", "{:.0f}", "size"),
    ("calls", "tool calls / dialogue", "{:.2f}", "complexity"),
    ("distinct_tools", "distinct tools / dialogue", "{:.2f}", "complexity"),
    ("chain_length", "chain length", "{:.2f}", "complexity"),
    ("multi_tool", "2+ tools", "{:.1%}", "complexity"),
    ("data_flow", "data flow between calls", "{:.1%}", "complexity"),
    ("parallel", "parallel calls", "{:.1%}", "complexity"),
    ("clarify", "clarification turns", "{:.1%}", "complexity"),
    ("user_turns", "user turns / dialogue", "{:.2f}", "complexity"),
    ("distinct3", "Distinct-3", "{:.3f}", "diversity"),
    ("word_entropy", "word entropy (bits)", "{:.2f}", "diversity"),
    ("combinations", "distinct tool combinations", "{:.0f}", "diversity"),
    ("coverage", "tool coverage of the graph", "{:.1%}", "diversity"),
    ("top_tool_share", "most common tool in", "{:.1%}", "diversity"),
    ("coherence", "coherence (consecutive-turn SS)", "{:.3f}", "coherence"),
    ("consistent", "free of world contradictions", "{:.1%}", "world"),
    ("entity_changed", "an entity changes between calls", "{:.1%}", "world"),
    ("end_before_start", "an end before its start", "{:.1%}", "world"),
    ("output_contradicts_call", "an output contradicts its call", "{:.1%}", "world"),
    ("list_reads", "values read from lists of 2+", "{:.0f}", "world"),
    ("list_first_item", "list reads taking the first item", "{:.1%}", "world"),
    ("description_copy", "user turns copying a tool description", "{:.1%}", "language"),
    ("single_user_turn", "dialogues with one user turn", "{:.1%}", "language"),
    ("user_gzip_ratio", "user text gzip ratio (first 3,000 words)", "{:.2f}", "language"),
    ("user_distinct3", "user text Distinct-3 (first 3,000 words)", "{:.3f}", "language"),
    ("valid", "dialogues passing validation", "{:.1%}", "validity"),
    ("schema_valid_calls", "schema-valid calls", "{:.1%}", "validity"),
    ("grounded_args", "grounded arguments", "{:.1%}", "validity"),
    ("rejected", "rejects at generation", "{:.0f}", "validity"),
]


def cell(value: Any, fmt: str) -> str:
    return "n/a" if value is None else fmt.format(value)


def markdown_table(results: list[dict], labels: list[str]) -> str:
    lines = ["| measure | " + " | ".join(labels) + " |", "| --- |" + " --- |" * len(labels)]
    for key, label, fmt, _ in ROWS:
        lines.append(f"| {label} | " + " | ".join(cell(r.get(key), fmt) for r in results) + " |")
    return "\n".join(lines)


def html_report(results: list[dict], labels: list[str]) -> str:
    import base64
    import html
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def figure(draw) -> str:
        fig, ax = plt.subplots(figsize=(6, 3.2), dpi=100)
        draw(ax)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
        return f'<img src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'

    def hist(key: str, title: str):
        def draw(ax):
            top = max((max(r["_hist"][key], default=0) for r in results), default=0)
            bins = range(0, top + 2)
            for r, label in zip(results, labels):
                ax.hist(r["_hist"][key], bins=bins, alpha=0.5, label=label, align="left")
            ax.set_title(title)
            ax.legend(fontsize=7)
        return draw

    rows = "".join(f"<tr><th>{html.escape(label)}</th>" + "".join(f"<td>{cell(r.get(k), f)}</td>" for r in results)
                   + "</tr>" for k, label, f, _ in ROWS)
    plots = [figure(hist("calls", "tool calls per dialogue")), figure(hist("user_turns", "user turns per dialogue"))]

    def positions(ax):
        for r, label in zip(results, labels):
            counts = r.get("list_positions") or {}
            total = sum(counts.values()) or 1
            xs = sorted(counts)
            ax.plot([x + 1 for x in xs], [counts[x] / total for x in xs], marker="o", label=label)
        ax.set_title("position of the list item a later call reads")
        ax.legend(fontsize=7)
    plots.append(figure(positions))
    for r, label in zip(results, labels):
        top = r["_hist"]["top_tools"]

        def draw(ax, top=top, label=label):
            ax.barh([t for t, _ in top][::-1], [c for _, c in top][::-1])
            ax.set_title(f"most used tools: {label}")
            ax.tick_params(labelsize=6)
        plots.append(figure(draw))
    reasons = "".join(f"<p>{html.escape(label)}: rejects {r['rejected']} "
                      f"({html.escape(', '.join(f'{k} {v}' for k, v in r['reject_reasons'].most_common()) or 'none')})</p>"
                      for r, label in zip(results, labels))
    head = "".join(f"<th>{html.escape(label)}</th>" for label in labels)
    return (f"<!doctype html><meta charset='utf-8'><title>graphkb dataset report</title>"
            f"<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:4px 10px;text-align:right}}"
            f"th:first-child{{text-align:left}}</style><h1>graphkb dataset report</h1>"
            f"<table><tr><th></th>{head}</tr>{rows}</table>{reasons}<h2>Plots</h2>{''.join(plots)}")
