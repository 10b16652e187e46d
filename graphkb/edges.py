"""Compatibility edges: which output field of one tool can feed which parameter of another.

Signals, combined into one score in [0, 1]:
- type: JSON types (array item types too), formats (date, email, uri...), enums; incompatible = no edge;
- name: case and separators ignored, with entity context (`id` in the output of `getUser` is
  `user_id`; `owner.id` is `owner_id`); a shared last word only (`owner_id` <- user `id`) counts less;
- embedding: cosine of the field and parameter texts (all-MiniLM-L6-v2);
- description: the parameter's description names the field or the source tool's entity.
Generic plumbing (page, limit, status, message, format, lang, fields...) never makes an edge.

Scale: tools are taken in blocks; each block is scored against its neighbourhood (the tools most
similar to it, plus its own spec) with numpy, in both directions, so new tools are scored against
all and old edges stay. The derived tool-level edges (FLOWS_TO) are rebuilt from the field-level
ones (FEEDS) in Cypher. RELATED links tools that belong together without data flow.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .embed import Embedder
from .graph.store import GraphStore
from .texts import field_context, name_key, singular, tool_entity, words

# Plumbing that must never make an edge on its own. Parameters: paging, sorting, formatting, auth.
GENERIC_PARAMS = {
    "page", "pagesize", "perpage", "limit", "offset", "cursor", "next", "nextcursor", "nextpage", "nexttoken",
    "pagetoken", "pagenumber", "start", "startindex", "sort", "sortby", "order", "orderby", "direction", "dir",
    "status", "format", "lang", "language", "locale", "field", "fields", "include", "expand", "embed", "pretty",
    "callback", "apikey", "key", "accesstoken", "version", "apiversion", "count", "type", "q", "filter", "search",
    "query", "skip", "top", "size", "max", "maxresult", "maxresults", "prettyprint", "alt", "quotauser", "userip",
    "oauthtoken", "uploadtype", "uploadprotocol", "xgafv", "accept", "contenttype", "useragent", "authorization",
    "ifmatch", "ifnonematch", "xrequestid", "requestid", "debug", "verbose", "dryrun", "async", "timeout", "token",
    "signature", "nonce", "sessiontoken", "select", "orderdirection", "sortorder", "pagelimit", "since", "until",
}
# Outputs: response envelopes and paging, anywhere; and status words at the top of a response.
GENERIC_FIELDS = {
    "nextcursor", "nextpage", "nexttoken", "nextpagetoken", "pagetoken", "cursor", "hasmore", "totalcount", "total",
    "count", "page", "pagesize", "perpage", "limit", "offset", "etag", "kind", "self", "href", "link", "links",
    "nextlink", "odatanextlink", "odatacontext", "odatatype", "odataetag", "success", "error", "errors", "ok",
    "timestamp", "requestid", "apiversion", "version", "statu", "status", "code", "message", "detail", "warnings",
}
TOP_ONLY = {"statu", "status", "code", "message", "detail", "timestamp", "version", "count", "total"}
BARE = {"id", "name", "key", "slug", "code", "number", "handle"}  # need an entity to mean anything
ID_LIKE = {"id", "code", "key", "number", "token", "slug", "handle", "ref", "reference"}
_TYPES = ["string", "integer", "number", "boolean", "array", "object", None]
_T = {t: i for i, t in enumerate(_TYPES)}
# TYPE_FIT[param type][field type]: how well a value of the field's type fits the parameter.
_FIT = {
    "string": {"string": 1.0, "integer": 0.8, "number": 0.4, None: 0.5},
    "integer": {"integer": 1.0, "string": 0.4, "number": 0.3, None: 0.5},
    "number": {"number": 1.0, "integer": 1.0, None: 0.5},
    "boolean": {"boolean": 1.0},
    "object": {"object": 0.6, None: 0.3},
    None: {"string": 0.6, "integer": 0.6, "number": 0.6, "boolean": 0.4, "array": 0.4, None: 0.4},
}
TYPE_FIT = np.zeros((len(_TYPES), len(_TYPES)), dtype=np.float32)
for _p, _row in _FIT.items():
    for _f, _v in _row.items():
        TYPE_FIT[_T[_p], _T[_f]] = _v
COMPATIBLE_FORMATS = {frozenset({"date", "date-time"}), frozenset({"uri", "url"}), frozenset({"int32", "int64"}),
                      frozenset({"float", "double"})}


@dataclass
class EdgeOptions:
    threshold: float = 0.5  # minimum score of a field-level edge
    top_k: int = 4  # candidates kept per parameter
    same_kind: int = 2  # of which at most this many are the same field of sibling tools
    max_sources: int = 5  # source tools kept per target tool (tool-level in-degree)
    neighbours: int = 150  # tools a block of targets is scored against
    same_spec_max: int = 300  # specs up to this many tools are always scored within themselves
    related_k: int = 3
    related_min: float = 0.45  # cosine of tool texts for RELATED
    block: int = 48


@dataclass
class EdgeReport:
    targets: int = 0
    feeds: int = 0
    flows: int = 0
    related: int = 0
    seconds: float = 0.0
    score_seconds: float = 0.0
    write_seconds: float = 0.0
    tools: int = 0


@dataclass
class _Side:
    """Parameters or fields as parallel arrays."""

    uid: list[str] = field(default_factory=list)
    tool: list[int] = field(default_factory=list)
    type: list[int] = field(default_factory=list)
    item: list[int] = field(default_factory=list)
    fmt: list[str | None] = field(default_factory=list)
    enum: list[bool] = field(default_factory=list)
    key: list[int] = field(default_factory=list)  # exact name key
    ctx: list[int] = field(default_factory=list)  # entity + leaf key (fields) / tool entity (params)
    tail: list[int] = field(default_factory=list)  # last word
    head: list[int] = field(default_factory=list)  # the words before it (0 when none)
    entity: list[int] = field(default_factory=list)
    bare: list[bool] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    label: list[str] = field(default_factory=list)  # parameter name / field path
    desc: list[str] = field(default_factory=list)

    def arrays(self) -> None:
        for name in ("tool", "type", "item", "key", "ctx", "tail", "head", "entity"):
            setattr(self, name, np.asarray(getattr(self, name), dtype=np.int64))
        for name in ("enum", "bare"):
            setattr(self, name, np.asarray(getattr(self, name), dtype=bool))


class _Codes(dict):
    def __missing__(self, key):
        self[key] = len(self) + 1
        return self[key]


def _excluded_param(name_words: list[str], location: str | None) -> bool:
    key = name_key(name_words)
    if not key or key in GENERIC_PARAMS or location == "cookie":
        return True
    return location == "header" and not key.endswith("id")


class Graph:
    """Tools, parameters and fields of the whole graph, in arrays ready for scoring."""

    def __init__(self, store: GraphStore, embedder: Embedder):
        codes = _Codes()
        codes[""] = 0
        tools = store.read("edges/tools")
        self.tool_uid = [t["uid"] for t in tools]
        self.tool_name = [t["name"] for t in tools]
        self.tool_index = {u: i for i, u in enumerate(self.tool_uid)}
        self.tool_spec = [t["spec_uid"] for t in tools]
        self.tool_entity = [tool_entity(t["name"], t["endpoint"]) for t in tools]
        self.tool_vec = embedder.embed([t["text"] or t["name"] for t in tools]) if tools else np.zeros((0, 384), np.float32)
        self.spec_tools: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(self.tool_spec):
            self.spec_tools[s].append(i)

        self.params = _Side()
        for p in store.read("edges/params"):
            ti = self.tool_index.get(p["tool_uid"])
            name_words = words(p["name"] or "")
            if ti is None or _excluded_param(name_words, p["location"]):
                continue
            entity = self.tool_entity[ti]
            # a bare `id` of getCompany means `company_id`
            ctx = name_key([entity, *name_words]) if name_key(name_words) in BARE else name_key(name_words)
            self._add(self.params, codes, p, ti, name_words, entity, ctx, p["name"])
        self.fields = _Side()
        for f in store.read("edges/fields"):
            ti = self.tool_index.get(f["tool_uid"])
            if ti is None or f["type"] == "object":
                continue
            leaf, entity = field_context(f["path"], self.tool_entity[ti])
            key = name_key(leaf)
            nested = "." in f["path"] or "[]" in f["path"]
            if not key or (key in GENERIC_FIELDS and not (nested and key in TOP_ONLY)):
                continue
            self._add(self.fields, codes, f, ti, leaf, entity, name_key([*words(entity), *leaf]), f["path"])
        self.params.arrays()
        self.fields.arrays()
        self.id_like = np.zeros(len(codes) + 1, dtype=bool)
        for word in ID_LIKE:
            if word in codes:
                self.id_like[codes[word]] = True
        self.param_vec = embedder.embed(self.params.text).astype(np.float16)
        self.field_vec = embedder.embed(self.fields.text).astype(np.float16)
        self.params_of: dict[int, list[int]] = defaultdict(list)
        for i, t in enumerate(self.params.tool):
            self.params_of[int(t)].append(i)
        self.fields_of: dict[int, list[int]] = defaultdict(list)
        for i, t in enumerate(self.fields.tool):
            self.fields_of[int(t)].append(i)

    @staticmethod
    def _add(side: _Side, codes: _Codes, row: dict, ti: int, name_words: list[str], entity: str,
             ctx_key: str, label: str) -> None:
        key = name_key(name_words)
        side.uid.append(row["uid"])
        side.tool.append(ti)
        side.type.append(_T.get(row["type"], _T[None]))
        side.item.append(_T.get(row["item_type"], _T[None]))
        side.fmt.append(row["format"])
        side.enum.append(bool(row["has_enum"]))
        side.key.append(codes[key])
        side.ctx.append(codes[ctx_key])
        side.tail.append(codes[singular(name_words[-1]) if name_words else ""])
        side.head.append(codes["".join(name_words[:-1])] if len(name_words) > 1 else 0)
        side.entity.append(codes[entity])
        side.bare.append(key in BARE)
        side.text.append(row["text"] or label)
        side.label.append(label)
        side.desc.append((row.get("description") or "").lower())


def _type_fit(g: Graph, pi: np.ndarray, fi: np.ndarray) -> np.ndarray:
    """[len(pi), len(fi)] fit of field types to parameter types (0 = incompatible)."""
    P, F = g.params, g.fields
    pt, ft = P.type[pi][:, None], F.type[fi][None, :]
    fit = TYPE_FIT[pt, ft]
    p_arr, f_arr = pt == _T["array"], ft == _T["array"]
    both = p_arr & f_arr
    item_fit = TYPE_FIT[P.item[pi][:, None], F.item[fi][None, :]]
    fit = np.where(both, np.maximum(item_fit, 0.5 * (P.item[pi][:, None] == _T[None])), fit)
    # a single value may go into a list parameter of its type
    scalar_into_list = p_arr & ~f_arr
    fit = np.where(scalar_into_list, 0.7 * TYPE_FIT[P.item[pi][:, None], ft], fit)
    return fit


def _name_score(g: Graph, pi: np.ndarray, fi: np.ndarray) -> np.ndarray:
    P, F = g.params, g.fields
    pk, pb = P.key[pi][:, None], P.bare[pi][:, None]
    fk, fctx, fb = F.key[fi][None, :], F.ctx[fi][None, :], F.bare[fi][None, :]
    exact = (pk == fk)
    same_entity = P.entity[pi][:, None] == F.entity[fi][None, :]
    score = np.zeros(exact.shape, dtype=np.float32)
    same_tail = P.tail[pi][:, None] == F.tail[fi][None, :]
    # owner_id <- id of getUser: a shared last word counts a little, less when it is a bare `id`
    score = np.where(same_tail, np.where(pb | fb, 0.2, 0.35), score)
    score = np.where(exact & (pb | fb), np.where(same_entity, 0.9, 0.1), score)  # id <- id, name <- name
    score = np.where(pk == fctx, 0.95, score)  # user_id <- id of getUser; owner_id <- owner.id
    score = np.where(pb & (P.ctx[pi][:, None] == fk), 0.95, score)  # id of getCompany <- company_id
    score = np.where(exact & ~pb & ~fb, 1.0, score)  # user_id <- user_id
    return score


def _id_conflict(g: Graph, pi: np.ndarray, fi: np.ndarray) -> np.ndarray:
    """`return_id` into `order_id`: identifiers of two different things, both named. A false friend."""
    P, F = g.params, g.fields
    same_tail = (P.tail[pi][:, None] == F.tail[fi][None, :]) & g.id_like[P.tail[pi]][:, None]
    both_named = (P.head[pi][:, None] != 0) & (F.head[fi][None, :] != 0)
    differ = P.head[pi][:, None] != F.head[fi][None, :]
    explained = (P.key[pi][:, None] == F.ctx[fi][None, :]) | (P.ctx[pi][:, None] == F.key[fi][None, :])
    return same_tail & both_named & differ & ~explained


def _score_block(g: Graph, pi: np.ndarray, fi: np.ndarray, opts: EdgeOptions) -> list[tuple[int, int, float]]:
    """Best candidates (param index, field index, prefilter score) of one block."""
    if len(pi) == 0 or len(fi) == 0:
        return []
    cos = g.param_vec[pi].astype(np.float32) @ g.field_vec[fi].astype(np.float32).T
    emb = np.clip((cos - 0.3) / 0.5, 0.0, 1.0)  # 1.0 from cosine 0.8
    name = _name_score(g, pi, fi)
    fit = _type_fit(g, pi, fi)
    score = (0.5 * name + 0.5 * emb) * np.sqrt(fit)
    score = np.where(g.params.enum[pi][:, None] & ~g.fields.enum[fi][None, :], score * 0.6, score)
    score = np.where(_id_conflict(g, pi, fi), score * 0.2, score)
    # identifiers come from identifiers: `airline` does not feed `flight_id` unless the names agree
    id_param = g.id_like[g.params.tail[pi]][:, None]
    id_field = g.id_like[g.fields.tail[fi]][None, :]
    score = np.where(id_param & ~id_field & (name < 0.9), score * 0.3, score)
    score = np.where(g.params.tool[pi][:, None] == g.fields.tool[fi][None, :], 0.0, score)
    loose = opts.threshold - 0.1
    k = min(opts.top_k * 4, len(fi))
    top = np.argpartition(-score, k - 1, axis=1)[:, :k] if k < len(fi) else np.tile(np.arange(len(fi)), (len(pi), 1))
    out = []
    for row, cols in enumerate(top):
        for col in cols:
            s = float(score[row, col])
            if s >= loose:
                out.append((int(pi[row]), int(fi[col]), s))
    return out


def _format_ok(pf: str | None, ff: str | None) -> float:
    if not pf or not ff:
        return 1.0
    if pf == ff:
        return 1.1
    return 0.9 if frozenset({pf, ff}) in COMPATIBLE_FORMATS else 0.0


def _evidence(g: Graph, p: int, f: int, prescore: float) -> tuple[float, str, dict]:
    """The exact score and the signals that fired, for one candidate pair."""
    P, F = g.params, g.fields
    pi, fi = np.array([p]), np.array([f])
    name = float(_name_score(g, pi, fi)[0, 0])
    fit = float(_type_fit(g, pi, fi)[0, 0])
    cos = float(g.param_vec[p].astype(np.float32) @ g.field_vec[f].astype(np.float32))
    fmt = _format_ok(P.fmt[p], F.fmt[f])
    desc = 0.0
    leaf = F.label[f].replace("[]", "").split(".")[-1].lower()
    source_entity = g.tool_entity[int(F.tool[f])]
    if P.desc[p] and (len(leaf) > 2 and leaf in P.desc[p] or len(source_entity) > 2 and source_entity in P.desc[p]):
        desc = 0.08
    score = min(1.0, prescore * fmt + desc) if fmt > 0 else 0.0
    signals = ["type"]
    if name >= 0.9:
        signals.append("name")
    elif name > 0:
        signals.append("name~")
    if cos >= 0.6:
        signals.append("embedding")
    if desc:
        signals.append("description")
    if fmt > 1.0:
        signals.append("format")
    evidence = {"name": round(name, 3), "cosine": round(cos, 3), "type_fit": round(fit, 3),
                "format": P.fmt[p] or F.fmt[f], "description": bool(desc)}
    return score, "+".join(signals), evidence


def infer(store: GraphStore, embedder: Embedder, *, tool_uids: list[str] | None = None,
          options: EdgeOptions | None = None, progress: Callable[[int], None] | None = None,
          on_total: Callable[[int], None] | None = None) -> EdgeReport:
    """Infer edges for `tool_uids` (new or changed tools) against the whole graph; all tools when None."""
    opts = options or EdgeOptions()
    t0 = time.perf_counter()
    report = EdgeReport()
    if tool_uids is None:
        _clear(store, None)
    g = Graph(store, embedder)
    report.tools = len(g.tool_uid)
    targets = sorted(range(len(g.tool_uid))) if tool_uids is None else sorted(
        {g.tool_index[u] for u in tool_uids if u in g.tool_index})
    report.targets = len(targets)
    if on_total:
        on_total(len(targets))
    if tool_uids is not None and targets:
        _clear(store, [g.tool_uid[i] for i in targets])
    if not targets:
        report.seconds = time.perf_counter() - t0
        return report

    # Blocks of similar targets share a neighbourhood: order them by their nearest anchor tool.
    tv = g.tool_vec
    anchors = tv[np.linspace(0, len(tv) - 1, num=min(256, len(tv)), dtype=int)]
    order = sorted(targets, key=lambda i: (int(np.argmax(anchors @ tv[i])), i))
    best: dict[tuple[int, int], float] = {}
    related: list[dict] = []
    target_set = set(targets)
    for start in range(0, len(order), opts.block):
        block = order[start:start + opts.block]
        sims = tv @ tv[block].mean(axis=0)
        n = min(opts.neighbours, len(sims))
        neighbourhood = set(np.argpartition(-sims, n - 1)[:n].tolist()) if n < len(sims) else set(range(len(sims)))
        for i in block:
            spec = g.spec_tools[g.tool_spec[i]]
            if len(spec) <= opts.same_spec_max:
                neighbourhood.update(spec)
        neighbourhood.update(block)
        hood = sorted(neighbourhood)
        block_params = np.array([p for i in block for p in g.params_of[i]], dtype=np.int64)
        block_fields = np.array([f for i in block for f in g.fields_of[i]], dtype=np.int64)
        hood_params = np.array([p for i in hood if i not in target_set or i in block for p in g.params_of[i]], dtype=np.int64)
        hood_fields = np.array([f for i in hood for f in g.fields_of[i]], dtype=np.int64)
        t1 = time.perf_counter()
        # targets' parameters fed by anything nearby; nearby (older) parameters fed by the targets
        for p, f, s in _score_block(g, block_params, hood_fields, opts) + _score_block(g, hood_params, block_fields, opts):
            if s > best.get((p, f), -1):
                best[(p, f)] = s
        related.extend(_related(g, block, hood, opts))
        report.score_seconds += time.perf_counter() - t1
        if progress:
            progress(len(block))

    feeds = _select(g, best, opts)
    t1 = time.perf_counter()
    store.write_batches("edges/write_feeds", feeds, batch_size=2000)
    if tool_uids is not None:  # older parameters may now have more than top_k candidates
        touched_params = sorted({r["param"] for r in feeds})
        store.write_batches("edges/prune_param_topk", [{"uid": u} for u in touched_params], batch_size=2000, k=opts.top_k)
    touched_tools = sorted({r["target_tool"] for r in feeds} | {g.tool_uid[i] for i in targets})
    store.write_batches("edges/rebuild_flows", [{"uid": u} for u in touched_tools], batch_size=500)
    store.write_batches("edges/write_related", related, batch_size=2000)
    store.write_batches("edges/mark_scored", [{"uid": g.tool_uid[i]} for i in targets], batch_size=2000)
    report.write_seconds = time.perf_counter() - t1
    report.feeds = len(feeds)
    report.related = len(related)
    report.flows = store.read("edges/count_flows")[0]["n"]
    report.seconds = time.perf_counter() - t0
    return report


def _select(g: Graph, best: dict[tuple[int, int], float], opts: EdgeOptions) -> list[dict]:
    per_param: dict[int, list[tuple[float, int, str, dict]]] = defaultdict(list)
    for (p, f), pre in best.items():
        score, method, evidence = _evidence(g, p, f, pre)
        if score >= opts.threshold:
            per_param[p].append((score, f, method, evidence))
    chosen_by_param: dict[int, list] = {}
    for p, cands in per_param.items():
        cands.sort(key=lambda c: (-c[0], g.fields.label[c[1]]))
        # Variety: the same field of sibling tools (create/get/update of one entity) takes at most
        # `same_kind` places, so other sources of the value (foreign keys elsewhere) are kept too.
        kinds: dict[tuple[int, int], int] = defaultdict(int)
        chosen = []
        for c in cands:
            kind = (int(g.fields.key[c[1]]), int(g.fields.entity[c[1]]))
            if kinds[kind] < opts.same_kind:
                kinds[kind] += 1
                chosen.append(c)
        chosen_by_param[p] = chosen[:opts.top_k]
    # Density: each tool keeps its `max_sources` best source tools, so tool-level edges average at most that.
    best_source: dict[int, dict[int, float]] = defaultdict(dict)
    for p, chosen in chosen_by_param.items():
        target = int(g.params.tool[p])
        for score, f, _, _ in chosen:
            source = int(g.fields.tool[f])
            best_source[target][source] = max(best_source[target].get(source, 0.0), score)
    kept = {t: set(sorted(srcs, key=lambda s: (-srcs[s], g.tool_uid[s]))[:opts.max_sources])
            for t, srcs in best_source.items()}
    rows = []
    for p, chosen in chosen_by_param.items():
        target = int(g.params.tool[p])
        for score, f, method, evidence in chosen:
            if int(g.fields.tool[f]) in kept[target]:
                rows.append({"field": g.fields.uid[f], "param": g.params.uid[p], "score": round(score, 4),
                             "method": method, "evidence": json.dumps(evidence), "target_tool": g.tool_uid[target]})
    return rows


def _related(g: Graph, block: list[int], hood: list[int], opts: EdgeOptions) -> list[dict]:
    """Tools that belong together without data flow: same domain, similar purpose."""
    hood_arr = np.asarray(hood, dtype=np.int64)
    sims = g.tool_vec[block] @ g.tool_vec[hood_arr].T
    rows = []
    for r, i in enumerate(block):
        order = np.argsort(-sims[r])
        kept = 0
        for c in order:
            j = int(hood_arr[c])
            if j == i or sims[r, c] < opts.related_min:
                continue
            if sims[r, c] > 0.98 and g.tool_name[j] == g.tool_name[i]:
                continue  # the same tool in another copy of a spec
            rows.append({"a": g.tool_uid[i], "b": g.tool_uid[j], "score": round(float(sims[r, c]), 4),
                         "same_spec": g.tool_spec[i] == g.tool_spec[j]})
            kept += 1
            if kept >= opts.related_k:
                break
    return rows


def _clear(store: GraphStore, tool_uids: list[str] | None) -> None:
    if tool_uids is None:
        for statement in ("edges/clear_feeds_batch", "edges/clear_flows_batch", "edges/clear_related_batch"):
            while store.write(statement, limit=20000).relationships_deleted:
                pass
        return
    store.write_batches("edges/clear_for_tools", [{"uid": u} for u in tool_uids], batch_size=500)


# ---- optional confirmation by a chat model ----------------------------------------------------
def verify_with_llm(store: GraphStore, model, *, lo: float = 0.5, hi: float = 0.85, batch: int = 20,
                    limit: int = 5000, progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Ask a chat model about the uncertain edges (score in [lo, hi)), `batch` at a time; rejected
    edges are deleted and kept ones gain `+llm` in their method. Returns (judged, removed)."""
    from pydantic import BaseModel, Field

    class Verdict(BaseModel):
        index: int = Field(description="the number of the candidate")
        feeds: bool = Field(description="true when the output value can really be passed as that parameter")

    class Verdicts(BaseModel):
        verdicts: list[Verdict]

    judge = model.with_structured_output(Verdicts, method="function_calling")
    rows = store.read("edges/uncertain", lo=lo, hi=hi, limit=limit)
    judged = removed = 0
    touched: set[str] = set()
    for start in range(0, len(rows), batch):
        part = rows[start:start + batch]
        lines = [f"{i}. {r['source_tool']} returns `{r['source_field']}` ({r['field_type']}: "
                 f"{(r['field_description'] or '')[:120]}) -> {r['target_name']} parameter `{r['target_param']}` "
                 f"({r['param_type']}: {(r['param_description'] or '')[:120]})" for i, r in enumerate(part)]
        prompt = ("Each line proposes that an API's output field can be passed as a parameter of another API "
                  "call. Judge each: does the value really fit and make sense there? Answer for every number.\n"
                  + "\n".join(lines))
        try:
            answer = judge.invoke(prompt)
        except Exception:  # a failed batch stays unjudged; the edges keep their score
            continue
        verdicts = {v.index: v.feeds for v in getattr(answer, "verdicts", [])}
        decided = [{"field": r["field"], "param": r["param"], "keep": verdicts[i]}
                   for i, r in enumerate(part) if i in verdicts]
        store.write_batches("edges/llm_verdicts", decided)
        judged += len(decided)
        removed += sum(not d["keep"] for d in decided)
        touched.update(r["target_tool"] for i, r in enumerate(part) if verdicts.get(i) is False)
        if progress:
            progress(len(part))
    store.write_batches("edges/rebuild_flows", [{"uid": u} for u in sorted(touched)], batch_size=500)
    return judged, removed
