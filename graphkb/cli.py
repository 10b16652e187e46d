"""The `graphkb` command line."""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click
from neo4j.exceptions import Neo4jError
from rich.console import Console
from rich.markup import escape

from . import __version__
from .config import load_settings
from .errors import GraphkbError
from .graph.server import EmbeddedServer
from .graph.store import GraphStore, neo4j_error_line

# Text a user supplied (paths, specs, module names) must print literally: no emoji codes, and every
# such value goes through `escape` so that `[...]` is not read as markup.
err = Console(stderr=True, highlight=False, emoji=False)


def _console() -> Console:
    return Console(highlight=False, emoji=False)


class GraphkbGroup(click.Group):
    """Turns known failures into one readable line and a non-zero exit (a traceback with --debug)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (GraphkbError, Neo4jError, OSError, ValueError) as e:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            if isinstance(e, Neo4jError):
                line = neo4j_error_line(e)
            elif isinstance(e, OSError) and e.filename:
                line = f"{e.filename}: {e.strerror}"
            else:
                line = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            err.print(f"[bold red]error:[/] {escape(line)}", soft_wrap=True)
            ctx.exit(1)


@click.group(cls=GraphkbGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.version_option(__version__, prog_name="graphkb")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """A knowledge graph of API tools that synthesizes multi-turn tool-calling training data.

    State lives in GRAPHKB_HOME (default ~/.graphkb). Without GRAPHKB_NEO4J_URI, an embedded
    graph server is started on demand for that home; with it, graphkb uses that Neo4j server.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main() -> None:
    import signal

    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `graphkb ... | head` ends quietly
    cli(obj={})


# ---- db ------------------------------------------------------------------------------------
@cli.group()
def db() -> None:
    """Start, stop or inspect the embedded graph server of GRAPHKB_HOME."""


def _embedded_only(settings) -> None:
    if settings.external:
        raise GraphkbError(f"GRAPHKB_NEO4J_URI is set ({settings.neo4j_uri}): graphkb does not manage that server")


@db.command("start")
def db_start() -> None:
    """Start the embedded server (or report the one already running)."""
    settings = load_settings()
    _embedded_only(settings)
    server = EmbeddedServer(settings)
    t0 = time.monotonic()
    with err.status("starting the embedded graph server…"):
        info, started = server.ensure_running()
    verb = f"started in {time.monotonic() - t0:.1f} s" if started else "already running"
    click.echo(f"embedded graph server {verb}: pid {info.pid}, Bolt {info.bolt_uri}, "
               f"Studio {info.http_url} (user root, password in {server.password_file})")


@db.command("stop")
def db_stop() -> None:
    """Stop the embedded server; no Java process is left behind."""
    settings = load_settings()
    _embedded_only(settings)
    stopped = EmbeddedServer(settings).stop()
    click.echo("embedded graph server stopped" if stopped else "embedded graph server was not running")


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object.")
def db_status(as_json: bool) -> None:
    """Which server, where, its data size, and counts of nodes and relationships."""
    settings = load_settings()
    status: dict = {"home": str(settings.home)}
    if settings.external:
        status |= {"server": "external", "uri": settings.neo4j_uri, "database": settings.neo4j_database}
        with GraphStore.open(settings, schema=False) as store:
            status |= {"dialect": store.dialect.name, "agent": store.driver.get_server_info().agent, **store.counts()}
    else:
        server = EmbeddedServer(settings)
        info = server.info()
        status |= {"server": "embedded", "running": info is not None, "data_dir": str(server.data_dir),
                   "data_bytes": server.data_size(), "log": str(server.log_file)}
        if info is not None:
            status |= {"pid": info.pid, "uri": info.bolt_uri, "studio": info.http_url,
                       "uptime_s": round(time.time() - info.started_at, 1)}
            with GraphStore.open(settings, schema=False) as store:
                status |= store.counts()
    if as_json:
        click.echo(json.dumps(status))
        return
    for key, value in status.items():
        if key == "data_bytes":
            value = f"{value / 1e6:.1f} MB"
        click.echo(f"{key:>14}: {value}")


# ---- ingest and export ---------------------------------------------------------------------
def run_ingest(settings, store, inputs: list[str], fmt: str):
    """Ingest with a progress bar and a printed summary; returns the report."""
    from .embed import Embedder
    from .ingest import ingest
    from .progress import bar

    embedder = Embedder.for_home(settings.home)
    with bar("ingesting specs") as b:
        report = ingest(store, embedder, inputs, fmt=fmt, max_bytes=settings.ingest_max_bytes,
                        progress=b.advance, on_total=b.total)
    for source, reason in report.rejected:
        err.print(f"[red]rejected[/] {escape(str(source))}: {escape(str(reason))}", soft_wrap=True)
    if settings.verbose_warnings:
        for source, warning in report.warnings:
            err.print(f"[yellow]warning[/] {escape(str(source))}: {escape(str(warning))}", soft_wrap=True)
    click.echo(
        f"ingested {report.specs} specs ({report.unchanged} unchanged, {report.empty} without operations, "
        f"{len(report.rejected)} rejected): {report.tools} tools, {report.params} parameters, "
        f"{report.fields} output fields; {report.texts_embedded} texts embedded, {report.texts_cached} from cache; "
        f"{report.seconds:.1f} s" + (f"; {len(report.warnings)} warnings (GRAPHKB_VERBOSE_WARNINGS=1 lists them)"
                                     if report.warnings and not settings.verbose_warnings else ""))
    return report


def run_edges(settings, store, tool_uids: list[str] | None, options=None):
    """Infer edges with a progress bar and print a summary line."""
    from .edges import infer
    from .embed import Embedder
    from .progress import bar

    with bar("inferring edges") as b:
        report = infer(store, Embedder.for_home(settings.home), tool_uids=tool_uids, options=options,
                       progress=b.advance, on_total=b.total)
    click.echo(f"edges: {report.feeds} field-level edges for {report.targets} tools "
               f"({report.flows} tool-level FLOWS_TO in the graph, {report.related} RELATED); {report.seconds:.1f} s")
    return report


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["auto", "openapi", "mcp", "functions", "toolbench"]),
              default="auto", show_default=True, help="Spec format; auto detects each file.")
@click.option("--no-edges", is_flag=True, help="Skip edge inference for the new tools (run `graphkb edges` later).")
@click.pass_context
def ingest_cmd(ctx: click.Context, paths: tuple[str, ...], fmt: str, no_edges: bool) -> None:
    """Ingest spec files, folders (recursively: .json, .yaml, .yml) or URLs.

    Each operation becomes a tool node with its parameters and output fields, embedded with the
    offline model. Unchanged specs are skipped; changed ones are updated; edges are inferred for
    what is new. Exits 1 when some files were rejected (each gets one line saying why); the others
    are still stored.
    """
    settings = load_settings()
    with GraphStore.open(settings) as store:
        report = run_ingest(settings, store, list(paths), fmt)
        if report.tool_uids and not no_edges:
            run_edges(settings, store, report.tool_uids)
    if not report.ok:
        ctx.exit(1)


@cli.command("edges")
@click.option("--rebuild", is_flag=True, help="Delete every edge and infer all of them again.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Minimum score of a field-level edge.")
@click.option("--top-k", type=click.IntRange(1, 50), default=4, show_default=True,
              help="Candidate edges kept per parameter.")
@click.option("--verify-llm", "verify_llm", default=None, metavar="SPEC",
              help="Also ask a chat model (openai:MODEL or module:factory) about uncertain edges, "
                   "20 a call; the ones it rejects are removed.")
def edges_cmd(rebuild: bool, threshold: float, top_k: int, verify_llm: str | None) -> None:
    """Infer compatibility edges: which output field can feed which parameter.

    Without --rebuild, only tools that have no edge computed yet are scored (against all tools).
    """
    from .edges import EdgeOptions, verify_with_llm
    from .progress import bar
    from .synthesis.llm import ChatModelUnavailable, ResilientChatModel, load_chat_model

    settings = load_settings()
    options = EdgeOptions(threshold=threshold, top_k=top_k)
    with GraphStore.open(settings) as store:
        uids = None if rebuild else [r["uid"] for r in store.read("edges/unscored_tools")]
        if uids == []:
            click.echo("edges: every tool is scored already (use --rebuild to start over)")
        else:
            run_edges(settings, store, uids, options)
        if verify_llm:
            model = ResilientChatModel(load_chat_model(verify_llm, timeout=settings.llm_timeout),
                                       attempts=settings.llm_attempts, backoff=settings.llm_backoff)
            with bar("asking the chat model") as b:
                judged, removed = verify_with_llm(store, model, progress=b.advance)
            if model.unavailable:
                raise ChatModelUnavailable(f"{model.unavailable}; {judged} edges were judged before it stopped")
            click.echo(f"chat model judged {judged} uncertain edges and removed {removed}")


@cli.command("show")
@click.argument("tool")
def show_cmd(tool: str) -> None:
    """A tool's parameters and outputs, and its incoming and outgoing edges with score and evidence."""
    from rich.table import Table
    from rich.text import Text

    out = _console()
    settings = load_settings()
    with GraphStore.open(settings) as store:
        rows = store.read("graph/show_tool", name=tool)
        if not rows:
            raise GraphkbError(f"no tool named {tool!r} (graphkb query 'MATCH (t:Tool) RETURN t.name' lists them)")
        for row in rows:
            out.print(f"[bold]{escape(row['name'])}[/]  {escape(row['endpoint'] or '')}  "
                      f"[dim]{escape(row['source'] or '')} ({escape(row['uid'])})[/]")
            out.print(f"  {escape(row['description'] or '')}")
            out.print(f"  [dim]does:[/] {escape(row['op'] or '?')} [dim]on[/] {escape(row['entity'] or '?')}")
            params = Table("parameter", "type", "required", "description", title="parameters", title_justify="left")
            for p in sorted(row["params"], key=lambda p: (not p["required"], p["name"])):
                kind = f"{p['item_type']}[]" if p.get("item_type") else p.get("type") or "?"
                params.add_row(*map(Text, (p["name"], kind + (f" ({p['format']})" if p.get("format") else ""),
                                           "yes" if p["required"] else "", (p.get("description") or "")[:70])))
            out.print(params)
            fields = Table("output field", "type", "description", title="outputs", title_justify="left")
            for f in sorted(row["fields"], key=lambda f: f["path"]):
                kind = f"{f['item_type']}[]" if f.get("item_type") else f.get("type") or "?"
                fields.add_row(*map(Text, (f["path"], kind, (f.get("description") or "")[:70])))
            out.print(fields)
            edges = Table("dir", "tool", "field -> parameter", "score", "evidence", title="edges", title_justify="left")
            for e in store.read("graph/tool_edges", uid=row["uid"]):
                arrow = f"{e['field']} -> {e['param']}"
                ev = json.loads(e["evidence"] or "{}")
                detail = f"{e['method']}  (cos {ev.get('cosine', 0):.2f}, name {ev.get('name', 0):.2f})"
                edges.add_row(*map(Text, ("in" if e["direction"] == "in" else "out", e["other"], arrow,
                                          f"{e['score']:.2f}", detail)))
            out.print(edges)
            related = store.read("graph/tool_related", uid=row["uid"])
            if related:
                out.print("related (no data flow): " + ", ".join(f"{r['other']} ({r['score']:.2f})" for r in related),
                          markup=False)


@cli.group()
def export() -> None:
    """Export tools or edges as JSON lines."""


def _export(statement: str, out_path: str, what: str, shape) -> None:
    """Stream a named statement's rows, shaped by `shape`, into a JSON lines file."""
    settings = load_settings()
    n = 0
    with GraphStore.open(settings) as store, click.open_file(out_path, "w", encoding="utf-8", atomic=out_path != "-") as out:
        for rec in store.stream(statement):
            out.write(json.dumps(shape(rec), ensure_ascii=False) + "\n")
            n += 1
    if out_path != "-":
        err.print(f"exported {n} {what} to {escape(out_path)}")


_OUT = click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), required=True,
                    help="Output file (JSON lines); - for stdout.")


@export.command("tools")
@_OUT
def export_tools(out_path: str) -> None:
    """One line a tool: {name, description, source, parameters, output, op, entity}."""
    _export("export/tools", out_path, "tools", lambda rec: {
        "name": rec["name"], "description": rec["description"] or "", "source": rec["source"],
        "parameters": json.loads(rec["parameters"] or '{"type": "object", "properties": {}}'),
        "output": json.loads(rec["output"]) if rec["output"] else None, "op": rec["op"], "entity": rec["entity"]})


@export.command("edges")
@_OUT
def export_edges(out_path: str) -> None:
    """One line a field-level edge: {source_tool, source_field, target_tool, target_param, score, method, evidence}."""
    _export("export/edges", out_path, "edges", lambda rec: {
        **{k: rec[k] for k in ("source_tool", "source_field", "target_tool", "target_param", "score", "method")},
        "evidence": json.loads(rec["evidence"] or "{}")})


# ---- sample --------------------------------------------------------------------------------
def sample_options(f):
    """The options shared by `sample` and `generate`."""
    for option in reversed([
        click.option("--strategy", type=click.Choice(["chain", "dag", "walk", "parallel", "random"]),
                     default="chain", show_default=True, help="How tools are combined (random = the no-graph baseline)."),
        click.option("--min-tools", type=click.IntRange(1, 6), default=2, show_default=True),
        click.option("--max-tools", type=click.IntRange(1, 6), default=4, show_default=True),
        click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same samples."),
        click.option("--source", default=None, help="Only tools whose spec source contains this text."),
        click.option("--tag", default=None, help="Only tools with this category or tag."),
        click.option("--tool", "tools", multiple=True, help="Samples start from (dag: centre on) this tool. Repeatable."),
        click.option("--max-repeats", type=click.IntRange(1, 1000), default=1, show_default=True,
                     help="How often one tool combination may recur."),
        click.option("--query", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                     help="Your own Cypher file instead of a strategy (see README for its columns)."),
    ]):
        f = option(f)
    return f


def build_sample_options(n, strategy, min_tools, max_tools, seed, source, tag, tools, max_repeats, query_file):
    from .sample import SampleOptions

    return SampleOptions(strategy=strategy, n=n, min_tools=min_tools, max_tools=max_tools, seed=seed, source=source,
                         tag=tag, tools=list(tools) or None, max_repeats=max_repeats, query_file=query_file)


@cli.command("sample")
@click.option("--n", "n", type=click.IntRange(1, 10_000_000), default=100, show_default=True, help="How many samples.")
@sample_options
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Output file (JSON lines); - for stdout.")
def sample_cmd(n, strategy, min_tools, max_tools, seed, source, tag, tools, max_repeats, query_file, out_path) -> None:
    """Sample tool combinations with Cypher path queries over the data-flow edges.

    Each line: {strategy, tools: [names in call order], edges: [field-level edges joining them]}.
    """
    from .sample import Sampler, connected_share, shortfall

    options = build_sample_options(n, strategy, min_tools, max_tools, seed, source, tag, tools, max_repeats, query_file)
    settings = load_settings()
    t0 = time.monotonic()
    with GraphStore.open(settings) as store, err.status("sampling…"):
        sampler = Sampler(store, options)
        samples = sampler.run()
    with click.open_file(out_path, "w", encoding="utf-8", atomic=out_path != "-") as out:
        for s in samples:
            out.write(json.dumps(s.record(), ensure_ascii=False) + "\n")
    short = shortfall(sampler, samples)
    if short:
        err.print(f"[yellow]{escape(short)}[/]", soft_wrap=True)
    flow = ("independent calls by design" if options.strategy == "parallel" and not query_file
            else f"{100 * connected_share(samples):.0f}% of consecutive pairs joined by data flow")
    err.print(f"{len(samples)} samples ({options.strategy if not query_file else escape(query_file.name)}) in "
              f"{time.monotonic() - t0:.1f} s; {flow}"
              + (f"; written to {escape(out_path)}" if out_path != "-" else ""), soft_wrap=True)


def _shard(value: str) -> tuple[int, int]:
    try:
        i, n = (int(x) for x in value.split("/"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not of the form i/N (like 0/4)") from None
    if not 0 <= i < n:
        raise click.BadParameter(f"shard {value}: need 0 <= i < N")
    return i, n


def run_generate(settings, store, options, llm: str | None):
    from .progress import bar
    from .synthesis.generate import generate, load_backend

    backend = load_backend(llm or settings.llm, settings)
    shard_i, shard_n = options.shard
    total = len(range(shard_i, options.n, shard_n))
    with bar(f"generating ({backend.name})", total=total) as b:
        report = generate(store, options, backend, progress=b.advance)
    return report


def print_generate_summary(report, options) -> None:
    from .report import quick_stats

    stats = quick_stats(report.path) if report.path.exists() else None
    click.echo(f"{report.written} dialogues written to {report.path} ({options.fmt}), {report.rejected} rejected"
               + (f" (see {report.rejects_path}: " + ", ".join(f"{k} {v}" for k, v in report.reasons.most_common()) + ")"
                  if report.rejected else "")
               + (f", {report.skipped} already there (resumed)" if report.skipped else "")
               + f"; {report.seconds:.1f} s with the {report.backend} backend"
               + (f", {report.llm_calls} LLM calls, {report.tokens} tokens" if report.llm_calls else ""))
    if stats:
        click.echo(f"  per dialogue: {stats['user_turns']:.2f} user turns, {stats['calls']:.2f} tool calls; "
                   f"{100 * stats['multi_tool']:.0f}% call 2+ distinct tools, {100 * stats['data_flow']:.0f}% pass "
                   f"an earlier output into a later call, {100 * stats['parallel']:.0f}% make parallel calls, "
                   f"{100 * stats['clarify']:.0f}% ask for a missing value")


@cli.command("generate")
@click.option("--n", "n", type=click.IntRange(1, 10_000_000), default=100, show_default=True, help="Dialogues in the run.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output file (JSON lines); rejects go to OUT.rejects.jsonl.")
@click.option("--llm", default=None, help="offline (default: GRAPHKB_LLM), openai:MODEL, or module:factory.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same dialogues (offline: same bytes).")
@click.option("--concurrency", type=click.IntRange(1, 512), default=4, show_default=True,
              help="Dialogues written at once (matters for LLM backends).")
@click.option("--resume", is_flag=True, help="Keep OUT and write only the dialogues it lacks.")
@click.option("--format", "fmt", type=click.Choice(["openai", "sharegpt", "chat"]), default="openai", show_default=True,
              help="openai: the API's wire format (arguments as JSON text); chat: as trainers feed chat templates "
                   "(arguments as objects, content \"\" on tool-call turns); sharegpt: ShareGPT/Hermes turns.")
@click.option("--hf", "hf_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write the dialogues as a Hugging Face `datasets` dataset (chat shape) with a dataset card "
                   "to this folder (needs the `hf` extra).")
@click.option("--shard", default="0/1", show_default=True, help="i/N: write only dialogues i, i+N, i+2N... of the run.")
@click.option("--strategy", type=click.Choice(["mix", "chain", "dag", "walk", "parallel", "random"]), default="mix",
              show_default=True, help="How tools are sampled (mix: chain 40%, walk 25%, dag 20%, parallel 15%).")
@click.option("--min-tools", type=click.IntRange(1, 6), default=2, show_default=True)
@click.option("--max-tools", type=click.IntRange(1, 6), default=4, show_default=True)
@click.option("--source", default=None, help="Only tools whose spec source contains this text.")
@click.option("--tag", default=None, help="Only tools with this category or tag.")
@click.option("--no-plan", is_flag=True, help="Ablation: one request turn, every argument said by the user, no extras.")
@click.pass_context
def generate_cmd(ctx, n, out_path, llm, seed, concurrency, resume, fmt, hf_dir, shard, strategy, min_tools, max_tools,
                 source, tag, no_plan) -> None:
    """Plan-then-dialogue generation of a multi-turn tool-calling dataset.

    Each dialogue: sample a tool combination, plan the turns and where every argument comes from,
    write the dialogue (offline templates, or a chat model), verify it, and write it; dialogues
    that fail verification go to the rejects file with their reasons.
    """
    from .synthesis.generate import GenerateOptions

    options = GenerateOptions(n=n, out=out_path, seed=seed, concurrency=concurrency, resume=resume, fmt=fmt,
                              shard=_shard(shard), strategy=strategy, min_tools=min_tools, max_tools=max_tools,
                              source=source, tag=tag, plan=not no_plan)
    settings = load_settings()
    with GraphStore.open(settings) as store:
        report = run_generate(settings, store, options, llm)
        graph_tools = store.read("stats/tool_count")[0]["n"] if hf_dir else None
    print_generate_summary(report, options)
    if hf_dir:
        made_by = (f"graphkb generate --n {n} --seed {seed} --strategy {strategy} --llm {llm or settings.llm}"
                   + (" --no-plan" if no_plan else "") + (f" --source {source}" if source else "")
                   + (f" --tag {tag}" if tag else ""))
        write_hf(out_path, hf_dir, graph_tools, made_by)


def write_hf(source: Path, hf_dir: Path, graph_tools: int | None, made_by: str) -> None:
    """The dataset in `datasets`' own format, with a card carrying the report's figures."""
    from .synthesis.hf import write_hf_dataset

    with err.status("writing the datasets dataset…"):
        n = write_hf_dataset(source, hf_dir, made_by=made_by, graph_tools=graph_tools)
    click.echo(f"{n} dialogues written as a datasets dataset to {hf_dir} (chat shape; card: {hf_dir / 'README.md'}); "
               f"load it with datasets.load_from_disk({str(hf_dir)!r})")


@cli.command("demo")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=Path("graphkb-demo.jsonl"),
              show_default=True, help="Where the dialogues go.")
@click.option("--n", "n", type=click.IntRange(1, 100000), default=50, show_default=True)
def demo_cmd(out_path: Path, n: int) -> None:
    """The main job on the bundled specs: ingest, infer edges, sample, generate offline, summarize."""
    from .cypher import data_dir
    from .synthesis.generate import GenerateOptions

    settings = load_settings()
    t0 = time.monotonic()
    specs = data_dir("ingest")
    click.echo(f"graph: {'external Neo4j at ' + settings.neo4j_uri if settings.external else 'embedded server in ' + str(settings.home)}")
    with GraphStore.open(settings) as store:
        click.echo(f"1/3 ingesting the bundled specs in {specs}")
        report = run_ingest(settings, store, [str(specs)], "auto")
        if report.tool_uids:
            run_edges(settings, store, report.tool_uids)
        unscored = [r["uid"] for r in store.read("edges/unscored_tools")]
        if unscored:
            run_edges(settings, store, unscored)
        source = str(specs)
        click.echo(f"2/3 sampling tool chains and 3/3 generating {n} dialogues offline")
        options = GenerateOptions(n=n, out=out_path, seed=0, source=source)
        gen = run_generate(settings, store, options, "offline")
    print_generate_summary(gen, options)
    click.echo(f"done in {time.monotonic() - t0:.0f} s. Look at one dialogue: head -1 {out_path} | python -m json.tool")
    click.echo("The offline backend's wording is templated; --llm openai:MODEL (or any LangChain chat model) "
               "writes natural language.")


@cli.command("report")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write an HTML report with plots.")
@click.option("--labels", default=None, help="Column names, comma-separated (default: file names).")
@click.option("--markdown", is_flag=True, help="Print the table as Markdown.")
@click.option("--no-graph", is_flag=True, help="Do not connect to the graph (tool coverage is then n/a).")
@click.option("--no-coherence", is_flag=True, help="Skip the embedding-based coherence measure.")
def report_cmd(files, html_out, labels, markdown, no_graph, no_coherence) -> None:
    """Measure datasets side by side: complexity, diversity, coherence, validity."""
    from rich.table import Table

    from .embed import Embedder
    from .report import ROWS, cell, html_report, markdown_table, measure
    from .synthesis.formats import read_lines

    settings = load_settings()
    names = labels.split(",") if labels else [f.name for f in files]
    if len(names) != len(files):
        raise GraphkbError(f"--labels gives {len(names)} names for {len(files)} files")
    for f in files:  # a file that is no dataset at all fails here, before the graph or the model start
        next(read_lines(f), None)
    graph_tools = None
    if not no_graph:
        with GraphStore.open(settings, schema=False) as store:
            graph_tools = store.read("stats/tool_count")[0]["n"] or None
    embedder = None if no_coherence else Embedder.for_home(settings.home)
    with err.status("measuring…"):
        results = [measure(f, embedder, graph_tools) for f in files]
    if markdown:
        click.echo(markdown_table(results, names))
    else:
        table = Table("measure", *map(escape, names), title="dataset report", title_justify="left")
        group = None
        for key, label, fmt, g in ROWS:
            if g != group:
                table.add_section()
                group = g
            table.add_row(f"[dim]{g}[/] {label}", *(cell(r.get(key), fmt) for r in results))
        _console().print(table)
        for r, name in zip(results, names):
            if r["rejected"]:
                click.echo(f"{name}: {r['rejected']} rejects: " + ", ".join(f"{k} {v}" for k, v in r["reject_reasons"].most_common()))
    if html_out:
        html_out.write_text(html_report(results, names), encoding="utf-8")
        err.print(f"HTML report: {escape(str(html_out))}")


@cli.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--max-lines", type=int, default=200, show_default=True, help="Problems printed at most.")
@click.pass_context
def validate_cmd(ctx, file: Path, max_lines: int) -> None:
    """Check a dataset in the openai, chat or sharegpt shape (ours or anyone's): format, schemas, grounding.

    One line per problem (`ID: kind: detail`), then a summary. Exit 1 when any dialogue fails, and
    when the file is no dataset at all (empty, a JSON array, a sample file, not JSON lines, no line a dialogue).
    """
    from collections import Counter

    from .synthesis.formats import read_lines
    from .synthesis.verify import check_record

    total = bad = printed = 0
    kinds: Counter = Counter()
    for n, record, problem in read_lines(file):
        total += 1
        problems = [problem] if problem else check_record(record)
        rid = (record or {}).get("id") or f"line {n}"
        if problems:
            bad += 1
            kinds.update(p.split(":", 1)[0] for p in problems)
            for p in problems:
                if printed < max_lines:
                    click.echo(f"{rid}: {p}")
                    printed += 1
    click.echo(f"{total} dialogues, {total - bad} valid ({100 * (total - bad) / max(1, total):.1f}%), {bad} with problems"
               + (": " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()) if kinds else ""))
    if bad:
        ctx.exit(1)


@cli.command("merge")
@click.argument("parts", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The merged dataset; the parts' rejects go to OUT.rejects.jsonl.")
@click.option("--n", "n", type=click.IntRange(1, None), default=None,
              help="Dialogues in the run (its generate --n); default: the highest index found, plus one.")
@click.pass_context
def merge_cmd(ctx, parts: tuple[Path, ...], out_path: Path, n: int | None) -> None:
    """Merge the shard files of one run (generate --shard i/N) into one dataset, in dialogue order.

    Every dialogue of the run must be in exactly one part (written, or rejected in the part's
    .rejects.jsonl); otherwise each problem is printed, nothing is written, and the exit status is 1.
    """
    from .synthesis.merge import merge

    report = merge(list(parts), out_path, n)
    if report.problems:
        for problem in report.problems:
            err.print(f"[bold red]error:[/] {escape(problem)}", soft_wrap=True)
        err.print(f"nothing written to {escape(str(out_path))}", soft_wrap=True)
        ctx.exit(1)
    click.echo(f"{report.written} dialogues and {report.rejected} rejects of run seed {report.seed} merged from "
               f"{report.parts} parts into {out_path} (rejects: {report.rejects_out}); all {report.n} present once"
               + (" (--n taken from the highest index)" if report.n_inferred else ""))


@contextmanager
def _replacing(path: Path):
    """A file written beside `path` that replaces it only once written whole: an error on the way leaves
    `path` as it was (click's atomic mode would replace it with what was written so far)."""
    if str(path) == "-":
        yield sys.stdout
        return
    path.parent.mkdir(parents=True, exist_ok=True)  # as generate's writer does
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            yield f
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@cli.command("convert")
@click.argument("in_path", metavar="IN", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "to", type=click.Choice(["openai", "sharegpt", "chat", "hf"]), required=True,
              help="The shape to write; hf: a Hugging Face `datasets` dataset (chat shape) with a card, in folder OUT.")
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True,
              help="Output file (JSON lines), or the folder for --to hf.")
@click.pass_context
def convert_cmd(ctx, in_path: Path, to: str, out_path: Path) -> None:
    """Convert a dataset between the openai, chat and sharegpt shapes (IN may be any of them).

    A line that is not a dialogue is reported with its line number and left out; the exit status
    is then 1.
    """
    from .synthesis.formats import convert, read_convertible

    def dialogues():  # a line that is no dialogue, or cannot be written as one, is named and left out
        for n, record, problem in read_convertible(in_path):
            if record is None:
                left_out.append(n)
                err.print(f"{escape(str(in_path))}: line {n}: {escape(problem or '')}", soft_wrap=True)
            else:
                yield record

    left_out: list[int] = []
    if to == "hf":
        for _ in dialogues():  # the lines left out are said before anything is loaded
            pass
        write_hf(in_path, out_path, None, f"graphkb convert {in_path.name} --to hf")
        if left_out:
            click.echo(f"{len(left_out)} lines left out")
            ctx.exit(1)
        return
    written = 0
    records = dialogues()
    first = next(records, None)  # a file that is no dataset stops here, before OUT is touched
    if first is None:
        click.echo(f"0 dialogues converted; {len(left_out)} lines left out; {out_path} not written")
        ctx.exit(1)
    with _replacing(out_path) as out:
        for record in itertools.chain([first], records):
            out.write(json.dumps(convert(record, to), ensure_ascii=False) + "\n")
            written += 1
    skipped = len(left_out)
    click.echo(f"{written} dialogues converted to {to} in {out_path}" + (f"; {skipped} lines left out" if skipped else ""))
    if skipped:
        ctx.exit(1)


@cli.command("browse")
def browse_cmd() -> None:
    """Where to explore the graph in a browser, and the saved queries to paste there."""
    from .cypher import data_dir

    settings = load_settings()
    browser = data_dir("cypher") / "browser"
    if settings.external:
        uri = settings.neo4j_uri
        host = uri.split("://", 1)[-1].split(":", 1)[0].split("/", 1)[0]
        click.echo(f"Neo4j Browser: http://{host}:7474  (connect to {uri})")
        click.echo(f"Style: drag {browser / 'style.grass'} onto the Browser window (or :style and paste it).")
    else:
        info = EmbeddedServer(settings).info()
        if info is None:
            info, _ = EmbeddedServer(settings).ensure_running()
        click.echo(f"ArcadeDB Studio (the embedded server's web console): {info.http_url}")
        click.echo(f"  log in as root with the password in {EmbeddedServer(settings).password_file};")
        click.echo("  pick database 'graphkb' and the 'cypher' language, then paste a query below.")
        click.echo("For Neo4j Browser, see the README section 'Use Neo4j instead of the embedded server'.")
    click.echo("\nSaved queries:")
    for path in sorted(browser.glob("*.cypher")):
        click.echo(f"\n// ---- {path.stem} ({path})")
        click.echo(path.read_text(encoding="utf-8").strip())


# ---- query ---------------------------------------------------------------------------------
@cli.command()
@click.argument("cypher_text", metavar="CYPHER")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter ($NAME); VALUE is read as JSON when it parses, else as text. Repeatable.")
@click.option("--timeout", type=float, default=None, show_default="GRAPHKB_QUERY_TIMEOUT or 30",
              help="Cancel the query after this many seconds.")
def query(cypher_text: str, params: tuple[str, ...], timeout: float | None) -> None:
    """Run read-only Cypher against the graph; rows are printed as JSON lines.

    Write clauses (CREATE, MERGE, SET, DELETE, ...), LOAD CSV and procedures not known to be
    read-only are refused before anything runs; the query's transaction is always rolled back.
    """
    from .graph.readonly import check_read_only, parse_params, run_read_only

    settings = load_settings()
    parsed = parse_params(params)
    check_read_only(cypher_text)  # refuse before starting a server
    with GraphStore.open(settings) as store:
        rows = run_read_only(store, cypher_text, parsed, timeout or settings.query_timeout)
    out = sys.stdout
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
