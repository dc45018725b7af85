"""The ``partnermap`` command line (Typer + Rich), SPEC section 5.

Exit status: 0 success, 1 the input was rejected (nothing written), 2 usage
error. ``--json`` prints machine-readable output on stdout and nothing else
there; messages and progress go to stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from graph.errors import PartnermapError, StoreUnavailable
from graph.store import GraphStore, default_store_url, open_store, redact_url

__all__ = ["app", "main"]

app = typer.Typer(
    name="partnermap",
    help="Stakeholder network analysis for local authorities: import, analyse, map, serve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Human output and progress go to stderr so that ``--json`` keeps stdout clean.
err = Console(stderr=True)
out = Console()

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="PARTNERMAP_STORE",
        help="Store URL: sqlite:///path.db (default: a file in your data folder) or "
        "neo4j://user:password@host:7687.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


def store_from(url: str | None) -> GraphStore:
    """Open the store or exit 1 with a clear message."""
    try:
        return open_store(url or default_store_url())
    except StoreUnavailable as exc:
        fail(exc.message, code=1)


def print_json(data: Any) -> None:
    """Write JSON on stdout (UTF-8, Hebrew as is)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def fail(message: str, *, code: int = 1) -> NoReturn:
    # markup off: messages carry names from users' files
    err.print(f"error: {message}", style="bold red", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(code)


def describe_store(store: GraphStore) -> str:
    return redact_url(store.url)


# ---------------------------------------------------------------------------
# Commands. Each group of commands has its own section below.
# ---------------------------------------------------------------------------


# == data: import, stats, export, demo ======================================

#: Inputs above this many bytes get a progress bar on stderr.
_PROGRESS_BYTES = 1_000_000
_SHOWN_ISSUES = 200


def _input_size(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(f.stat().st_size for f in path.iterdir() if f.is_file())
        return path.stat().st_size
    except OSError:  # reported properly by the import itself
        return 0


def _short(text: str | None, limit: int = 80) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _issue_table(title: str, issues: list[Any], total: int) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{title} ({total})", title_justify="left", show_lines=False)
    for column in ("file", "row", "column", "value", "problem"):
        table.add_column(column, overflow="fold")
    for issue in issues[:_SHOWN_ISSUES]:
        # Text() cells: names from users' files are never read as Rich markup.
        table.add_row(
            Text(issue.file or ""),
            Text("" if issue.row_number is None else str(issue.row_number)),
            Text(issue.field or ""),
            Text(_short(issue.value)),
            Text(issue.message),
        )
    if total > min(len(issues), _SHOWN_ISSUES):
        shown = min(len(issues), _SHOWN_ISSUES)
        table.caption = f"{total - shown} more not shown; --json lists them"
    return table


def _print_import(report: Any, path: Path, store: GraphStore, landed: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    stats = report.stats
    counts = stats.get("would_write", stats).get("by_label", {})
    if report.dry_run:
        verb = "would import" if landed else "would reject"
        head = f"Dry run: {verb} {path} (nothing written)"
    elif report.valid:
        head = f"Imported {path} into {describe_store(store)}"
    elif report.partial and landed:
        head = f"Imported the valid rows of {path} into {describe_store(store)}"
    else:
        head = f"Rejected {path}: {report.error_count} problem(s), nothing written"
    out.print(Text(head, style="bold"))
    summary = Table(title="Summary", title_justify="left")
    summary.add_column("label / relationship")
    summary.add_column("written" if not report.dry_run else "to write", justify="right")
    for name, n in sorted(counts.items()):
        summary.add_row(Text(name), str(n))
    if not report.dry_run:
        summary.add_row(Text("unchanged nodes"), str(stats.get("nodes_unchanged", 0)))
        summary.add_row(
            Text("unchanged relationships"), str(stats.get("relationships_unchanged", 0))
        )
    out.print(summary)
    if report.partial and report.skipped_rows:
        out.print(_issue_table("Skipped rows", report.skipped_rows, len(report.skipped_rows)))
    elif report.errors:
        out.print(_issue_table("Errors", report.errors, report.error_count))
    if report.warnings:
        out.print(_issue_table("Warnings", report.warnings, len(report.warnings)))


@app.command("import")
def import_cmd(
    path: Annotated[
        Path,
        typer.Argument(
            help="A folder of CSV files, a .zip of them, an .xlsx workbook, a partnermap JSON "
            "export, or a standards file.",
            exists=True,
            show_default=False,
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="tabular, json, cbs, localities, moe, 360giving, iati or hxl (default: detected).",
            show_default=False,
        ),
    ] = None,
    partial: Annotated[
        bool, typer.Option("--partial", help="Land the valid rows; list the skipped ones.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check everything, write nothing.")
    ] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import data; it lands whole or not at all (unless --partial)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from graph.errors import ValidationFailed
    from importers.registry import FORMATS, rows_landed, run_import
    from importers.report import ImportReport

    if fmt is not None and fmt not in FORMATS:
        fail(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}", code=2)
    target = store_from(store)
    bar: Progress | None = None
    if _input_size(path) > _PROGRESS_BYTES:
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
        )
    tasks: dict[str, Any] = {}

    def progress(phase: str, done: int, total: int | None) -> None:
        if bar is None:
            return
        if phase not in tasks:
            label = "reading rows" if phase == "read" else "writing"
            tasks[phase] = bar.add_task(label, total=total)
        bar.update(tasks[phase], advance=done, total=total)

    try:
        if bar is not None:
            bar.start()
        try:
            report = run_import(
                target, path, format=fmt, dry_run=dry_run, partial=partial, progress=progress
            )
        finally:
            if bar is not None:
                bar.stop()
    except PartnermapError as exc:
        if as_json:  # --json readers get the report shape even when nothing could be read
            rejected = ImportReport()
            kind = "format" if isinstance(exc, ValidationFailed) else "store"
            rejected.error(kind, path.name, None, None, None, exc.message)
            print_json(rejected.as_dict())
        fail(exc.message, code=1)
    finally:
        target.close()
    if report.dry_run:
        landed = bool(report.stats.get("would_write", {}).get("nodes")) or bool(
            report.stats.get("would_write", {}).get("relationships")
        )
        landed = landed and (report.valid or partial)
    else:
        landed = rows_landed(report) > 0
    if as_json:
        print_json(report.as_dict())
    else:
        _print_import(report, path, target, landed)
    if report.valid or (partial and landed):
        return
    raise typer.Exit(1)


@app.command()
def stats(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Count the nodes and relationships in the store."""
    from rich.table import Table
    from rich.text import Text

    target = store_from(store)
    try:
        counts = target.counts()
    except PartnermapError as exc:
        fail(exc.message, code=1)
    finally:
        target.close()
    if as_json:
        print_json(counts.as_dict())
        return
    out.print(Text(f"Store: {describe_store(target)}"))
    out.print(Text(f"Graph version: {counts.graph_version}"))
    for title, data in (("Nodes", counts.nodes), ("Relationships", counts.relationships)):
        table = Table(title=f"{title} ({sum(data.values())})", title_justify="left")
        table.add_column("label" if title == "Nodes" else "type")
        table.add_column("count", justify="right")
        for name, n in sorted(data.items()):
            table.add_row(Text(name), str(n))
        out.print(table)


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", help="json, csv, graphml or gexf.", show_default=False)
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="The file to write (csv: a folder, or a .zip when the name ends in .zip).",
            show_default=False,
        ),
    ],
    locality: Annotated[
        str | None, typer.Option("--locality", help="Only the part of one locality.")
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Export the graph as JSON, CSV, GraphML or GEXF."""
    from importers.export import EXPORT_FORMATS
    from importers.export import export as write_export

    if fmt not in EXPORT_FORMATS:
        fail(f"--format: {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}", code=2)
    target = store_from(store)
    try:
        if locality is not None and target.get(locality) is None:
            fail(f"--locality: no node with id {locality!r}", code=1)
        graph = target.subgraph(locality)
        written = write_export(graph, fmt, output)
    except PartnermapError as exc:
        fail(exc.message, code=1)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", code=1)
    finally:
        target.close()
    err.print(
        f"wrote {len(graph.nodes)} nodes and {len(graph.relationships)} relationships "
        f"to {written} ({fmt})",
        highlight=False,
        markup=False,
    )


def _demo_store_url(store: str | None) -> str:
    if store:
        return store
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('partnermap')) / 'demo.db'}"


def _fresh_store(url: str) -> GraphStore:
    """Open ``url`` empty: a SQLite file is replaced, any other store must be empty."""
    if url.lower().startswith("sqlite:///"):
        file = Path(url[len("sqlite:///") :]).expanduser()
        for suffix in ("", "-wal", "-shm", "-journal"):
            part = file.with_name(file.name + suffix)
            try:
                part.unlink(missing_ok=True)
            except OSError as exc:
                fail(f"cannot replace the demo store {part}: {exc.strerror or exc}", code=1)
    target = store_from(url)
    if any(target.counts().nodes.values()):
        target.close()
        fail(f"the demo loads into an empty store, and {redact_url(url)} holds data", code=1)
    return target


@app.command()
def demo(
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="Where to load the demo (default: demo.db in your data folder, replaced "
            "each run).",
            show_default=False,
        ),
    ] = None,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Load and summarise only; do not serve.")
    ] = False,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8000,
) -> None:
    """Load the bundled demo dataset into a fresh store and serve it on 127.0.0.1:8000."""
    from rich.table import Table
    from rich.text import Text

    try:
        from importers.demo import demo_path  # type: ignore[attr-defined,unused-ignore]

        source = Path(demo_path())
    except (ImportError, AttributeError, OSError) as exc:
        fail(f"the demo dataset is not installed: {exc}", code=1)
    url = _demo_store_url(store)
    target = _fresh_store(url)
    from importers.registry import run_import

    try:
        report = run_import(target, source)
        counts = target.counts()
    except PartnermapError as exc:
        fail(exc.message, code=1)
    finally:
        target.close()
    if not report.valid:
        for issue in report.errors[:20]:
            err.print(str(issue), highlight=False, markup=False)
        fail(f"the demo dataset did not load ({report.error_count} problems)", code=1)
    out.print(Text(f"Demo loaded into {redact_url(url)}", style="bold"))
    for title, data in (("Nodes", counts.nodes), ("Relationships", counts.relationships)):
        table = Table(title=f"{title} ({sum(data.values())})", title_justify="left")
        table.add_column("label" if title == "Nodes" else "type")
        table.add_column("count", justify="right")
        for name, n in sorted(data.items()):
            table.add_row(Text(name), str(n))
        out.print(table)
    if no_serve:
        out.print(Text(f"Explore it: partnermap stats --store {url}"))
        return
    base = f"http://127.0.0.1:{port}"
    out.print(Text("Serving on loopback, open for reading (no key needed):", style="bold"))
    out.print(Text(f"  dashboards  {base}/api/v1/dashboard"))
    out.print(Text(f"  a town map  {base}/api/v1/maps/loc-sderot  (?lang=en for English)"))
    out.print(Text(f"  API docs    {base}/docs"))
    out.print(Text("Press Ctrl-C to stop."))
    serve_app(url, "127.0.0.1", port, True)


# == synth ==================================================================


@app.command()
def synth(
    out_dir: Annotated[
        Path,
        typer.Option("-o", "--out", help="Folder for the CSV files.", show_default=False),
    ],
    localities: Annotated[
        int, typer.Option("--localities", min=1, help="Number of local authorities.")
    ] = 255,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same files).")] = 0,
    orgs_per_locality: Annotated[
        int,
        typer.Option("--orgs-per-locality", min=20, help="Organisations per locality."),
    ] = 196,
    as_json: JsonOpt = False,
) -> None:
    """Write a synthetic national dataset in the import format (for benchmarks)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from importers.synth import generate

    if out_dir.exists() and not out_dir.is_dir():
        fail(f"-o: {out_dir} exists and is not a folder", code=2)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
    )
    try:
        with bar:
            task = bar.add_task("localities", total=localities)
            counts = generate(
                localities,
                seed,
                out_dir,
                orgs_per_locality=orgs_per_locality,
                progress=lambda n: bar.advance(task, n),
            )
    except OSError as exc:
        fail(f"cannot write to {out_dir}: {exc.strerror or exc}", code=1)
    if as_json:
        print_json(counts)
    else:
        total = sum(counts.values())
        err.print(
            f"wrote {total:,} rows to {out_dir}: "
            + ", ".join(f"{name} {n:,}" for name, n in counts.items()),
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


# == analyze ================================================================


_ANALYZE_SHOWN = 25

_ANALYZE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "duplicates": "Duplicated interventions",
        "isolates": "Isolated actors",
        "bridges": "Cross-sector bridges",
        "leverage": "Leverage points",
        "metrics": "Metrics",
        "programs": "programs",
        "operators": "operators",
        "score": "score",
        "coordinated": "coordinated",
        "invested": "invested (₪)",
        "reasons": "reasons",
        "name": "name",
        "sector": "sector",
        "kinds": "kinds",
        "sectors": "sectors connected",
        "kind": "kind",
        "measure": "measure",
        "value": "value",
        "yes": "yes",
        "no": "no",
        "none": "none found",
        "more": "{n} more not shown; --json lists them all",
        "scope": "Analysis of {scope} (context: {context}, graph version {version})",
        "whole": "the whole graph",
    },
    "he": {
        "duplicates": "כפילויות בהתערבויות",
        "isolates": "גורמים מבודדים",
        "bridges": "גשרים בין מגזרים",
        "leverage": "נקודות מינוף",
        "metrics": "מדדים",
        "programs": "תכניות",
        "operators": "מפעילים",
        "score": "ציון",
        "coordinated": "מתואמות",
        "invested": "השקעה (₪)",
        "reasons": "נימוקים",
        "name": "שם",
        "sector": "מגזר",
        "kinds": "סוגים",
        "sectors": "מגזרים מחוברים",
        "kind": "סוג",
        "measure": "מדד",
        "value": "ערך",
        "yes": "כן",
        "no": "לא",
        "none": "לא נמצאו",
        "more": "עוד {n} לא מוצגים; ‎--json‎ מציג את כולם",
        "scope": "ניתוח של {scope} (הקשר: {context}, גרסת גרף {version})",
        "whole": "הגרף כולו",
    },
}


def _analyze_reasons(entry: dict[str, Any], lang: str) -> str:
    reasons = entry.get("reasons_he") if lang == "he" else None
    return "\n".join(str(r) for r in (reasons or entry.get("reasons") or []))


def _analyze_table(
    title: str, columns: list[str], rows: list[list[str]], words: dict[str, str]
) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{title} ({len(rows)})", title_justify="left", show_lines=True)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows[:_ANALYZE_SHOWN]:
        # Text() cells: names come from users' files and are never Rich markup.
        table.add_row(*(Text(cell) for cell in row))
    if not rows:
        table.caption = words["none"]
    elif len(rows) > _ANALYZE_SHOWN:
        table.caption = words["more"].format(n=len(rows) - _ANALYZE_SHOWN)
    return table


def _print_analysis(report: dict[str, Any], lang: str) -> None:
    from rich.text import Text

    w = _ANALYZE_WORDS[lang]
    scope = report["scope"]
    where = scope.get("locality_id") or scope.get("cluster_id") or w["whole"]
    head = w["scope"].format(
        scope=where, context=scope.get("context"), version=report["graph_version"]
    )
    out.print(Text(head, style="bold"))
    dup_rows = [
        [
            "\n".join(d.get("names") or d["programs"]),
            "\n".join(d.get("operator_names") or d.get("operators") or []),
            f"{d['score']:.2f}",
            w["yes"] if d["coordinated"] else w["no"],
            f"{d.get('investment_total') or 0:,.0f}",
            _analyze_reasons(d, lang),
        ]
        for d in report["duplicates"]
    ]
    out.print(
        _analyze_table(
            w["duplicates"],
            [
                w["programs"],
                w["operators"],
                w["score"],
                w["coordinated"],
                w["invested"],
                w["reasons"],
            ],
            dup_rows,
            w,
        )
    )
    iso_rows = [
        [i["name"], i["sector"], ", ".join(i["kinds"]), _analyze_reasons(i, lang)]
        for i in report["isolates"]
    ]
    out.print(
        _analyze_table(
            w["isolates"], [w["name"], w["sector"], w["kinds"], w["reasons"]], iso_rows, w
        )
    )
    bridge_rows = [
        [
            str(b.get("name") or b["id"]),
            str(b.get("sector") or ""),
            ", ".join(b.get("sectors_connected") or []),
            f"{float(b.get('score') or 0):.2f}",
            _analyze_reasons(b, lang),
        ]
        for b in report["bridges"]
    ]
    out.print(
        _analyze_table(
            w["bridges"],
            [w["name"], w["sector"], w["sectors"], w["score"], w["reasons"]],
            bridge_rows,
            w,
        )
    )
    lev_rows = [
        [
            str(e.get("name") or e["id"]),
            str(e.get("kind") or ""),
            f"{float(e.get('score') or 0):.2f}",
            _analyze_reasons(e, lang),
        ]
        for e in report["leverage"]
    ]
    out.print(
        _analyze_table(w["leverage"], [w["name"], w["kind"], w["score"], w["reasons"]], lev_rows, w)
    )
    metrics = report["metrics"]
    metric_rows = [
        [
            key,
            json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value),
        ]
        for key, value in metrics.items()
        if key != "investment"
    ]
    for key, value in (metrics.get("investment") or {}).items():
        if key != "by_funder":
            metric_rows.append([f"investment.{key}", json.dumps(value, ensure_ascii=False)])
    out.print(_analyze_table(w["metrics"], [w["measure"], w["value"]], metric_rows, w))


@app.command("analyze")
def analyze_cmd(
    locality: Annotated[
        str | None,
        typer.Option("--locality", help="Analyse one locality (its id).", show_default=False),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", help="Analyse a cluster of localities.", show_default=False),
    ] = None,
    context: Annotated[str, typer.Option("--context", help="both, routine or emergency.")] = "both",
    lang: Annotated[str, typer.Option("--lang", help="he (default) or en.")] = "he",
    seed: Annotated[int, typer.Option("--seed", help="Seed of sampled measures.")] = 0,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Find duplicated interventions, isolated actors, bridges and leverage points."""
    from graph.analytics.report import analysis_report

    if lang not in ("he", "en"):
        fail(f"--lang: {lang!r} is not one of he, en", code=2)
    if context not in ("both", "routine", "emergency"):
        fail(f"--context: {context!r} is not one of both, routine, emergency", code=2)
    if locality is not None and cluster is not None:
        fail("give --locality or --cluster, not both", code=2)
    target = store_from(store)
    try:
        report = analysis_report(
            target, locality_id=locality, cluster_id=cluster, context=context, seed=seed
        )
    except PartnermapError as exc:
        option = "--locality" if locality else "--cluster" if cluster else "analyze"
        fail(f"{option}: {exc.message}", code=1)
    finally:
        target.close()
    if as_json:
        print_json(report)
    else:
        _print_analysis(report, lang)


# == serve, keys ============================================================

keys_app = typer.Typer(help="API keys for the HTTP API.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _api_settings(**values: Any) -> Any:
    """API settings from the environment and ``values``; exit 2 naming a bad one."""
    from pydantic import ValidationError

    from api.config import Settings

    try:
        return Settings(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            field = ".".join(str(p) for p in error["loc"])
            where = f"PARTNERMAP_{field.upper()}: " if field else ""
            problems.append(where + error["msg"].removeprefix("Value error, "))
        fail("bad settings: " + "; ".join(problems), code=2)


def serve_app(store_url: str, host: str, port: int, open_read: bool) -> None:
    """Serve the HTTP API (and maps) with uvicorn until interrupted.

    Open reading (no key needed for reads) is refused unless ``host`` is a
    loopback address; the settings check exits 2 with a message then.
    """
    import uvicorn

    from api.app import create_app

    settings = _api_settings(store=store_url, host=host, port=port, open_local_read=open_read)
    try:
        api = create_app(settings)
    except StoreUnavailable as exc:
        fail(exc.message, code=1)
    mode = "open local reading" if settings.open_local_read else "API keys required"
    err.print(
        f"partnermap API on http://{host}:{port}/docs ({mode}); store {redact_url(settings.store)}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    uvicorn.run(api, host=host, port=port, log_level="info", proxy_headers=False)


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to bind [default: 127.0.0.1].", show_default=False)
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on [default: 8000].", show_default=False)
    ] = None,
    store: StoreOpt = None,
    open_read: Annotated[
        bool,
        typer.Option("--open-read", help="Reads need no key (only on a loopback host)."),
    ] = False,
) -> None:
    """Serve the HTTP API under /api/v1 (docs at /docs).

    Unset options come from PARTNERMAP_HOST, PARTNERMAP_PORT, PARTNERMAP_STORE
    and PARTNERMAP_OPEN_LOCAL_READ.
    """
    settings = _api_settings(host=host, port=port, store=store, open_local_read=open_read or None)
    serve_app(settings.store, settings.host, settings.port, settings.open_local_read)


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option("--role", help="viewer, editor or admin.")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Make a new API key; it is printed once and only its hash is kept."""
    from api.auth import KeyStore, Role

    try:
        chosen = Role(role.strip().lower())
    except ValueError:
        fail(f"--role: {role!r} is not one of viewer, editor, admin", code=2)
    settings = _api_settings(store=store)
    try:
        keys = KeyStore(settings.resolved_keys_path())
    except StoreUnavailable as exc:
        fail(exc.message, code=1)
    new = keys.create(chosen)
    keys.close()
    if as_json:
        print_json({"key": new.secret, "role": new.role.value})
        return
    err.print(f"key {new.key_id} ({new.role.value}) stored in {keys.path}", highlight=False)
    err.print("Keep it now: it is not shown again.", highlight=False)
    out.print(new.secret, highlight=False, markup=False, soft_wrap=True)


# == map ====================================================================


@app.command("map")
def map_cmd(
    locality: Annotated[
        str, typer.Option("--locality", help="The locality's id.", show_default=False)
    ],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="The HTML file to write.", show_default=False),
    ],
    lang: Annotated[str, typer.Option("--lang", help="he (default, right-to-left) or en.")] = "he",
    context: Annotated[str, typer.Option("--context", help="both, routine or emergency.")] = "both",
    store: StoreOpt = None,
) -> None:
    """Write a locality's interactive map as ONE self-contained HTML file (works offline)."""
    from viz.maps import load_locality, render_map

    if lang not in ("he", "en"):
        fail(f"--lang: {lang!r} is not one of he, en", code=2)
    if context not in ("both", "routine", "emergency"):
        fail(f"--context: {context!r} is not one of both, routine, emergency", code=2)
    target = store_from(store)
    try:
        view = load_locality(target, locality, context=context)
        title = str(view.locality.props.get(f"name_{lang}") or view.locality.name)
        html = render_map(
            view.network, view.report, sub=view.sub, lang=lang, context=context, title=title
        )
        output.write_text(html, encoding="utf-8")
    except PartnermapError as exc:
        fail(f"--locality: {exc.message}", code=1)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", code=1)
    finally:
        target.close()
    err.print(
        f"wrote the map of {view.network.number_of_nodes()} actors and "
        f"{view.network.number_of_edges()} ties to {output}",
        highlight=False,
        markup=False,
    )


# == migrate ================================================================


def _copy_graph(source: GraphStore, target: GraphStore, *, quiet: bool) -> dict[str, Any]:
    """Write every node and explicit relationship of ``source`` into ``target``.

    Derived relationships are not copied: the target derives them again from
    the nodes, with their owners. One ``write``, so one transaction.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    nodes = list(source.iter_nodes())
    explicit = [r for r in source.iter_relationships() if r.owner is None]
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=quiet,
    )
    with bar:
        task = bar.add_task("copying", total=len(nodes) + len(explicit))
        written = target.write(nodes, explicit, progress=lambda n: bar.advance(task, n))
    return written.as_dict()


@app.command()
def migrate(
    from_url: Annotated[
        str,
        typer.Option(
            "--from", help="Source store URL (sqlite:///… or neo4j://…).", show_default=False
        ),
    ],
    to_url: Annotated[
        str,
        typer.Option(
            "--to", help="Target store URL (sqlite:///… or neo4j://…).", show_default=False
        ),
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Clear a target that already holds a graph.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Copy a whole graph between stores and check that the counts match."""
    if redact_url(from_url) == redact_url(to_url):
        fail("--from and --to name the same store", code=2)
    source = store_from(from_url)
    try:
        target = store_from(to_url)
    except typer.Exit:
        source.close()
        raise
    try:
        before = source.counts()
        existing = target.counts()
        held = sum(existing.nodes.values()) + sum(existing.relationships.values())
        if held and not replace:
            fail(
                f"the target {describe_store(target)} already holds {held} nodes and "
                "relationships: "
                "pass --replace to clear it first",
                code=1,
            )
        if held:
            target.clear()
        written = _copy_graph(source, target, quiet=as_json)
        after = target.counts()
    except PartnermapError as exc:
        fail(exc.message, code=1)
    finally:
        source.close()
        target.close()
    matched = before.nodes == after.nodes and before.relationships == after.relationships
    result = {
        "from": redact_url(from_url),
        "to": redact_url(to_url),
        "matched": matched,
        "source": before.as_dict(),
        "target": after.as_dict(),
        "written": written,
    }
    if as_json:
        print_json(result)
    else:
        total_nodes = sum(after.nodes.values())
        total_rels = sum(after.relationships.values())
        err.print(
            f"copied {total_nodes} nodes and {total_rels} relationships "
            f"from {result['from']} to {result['to']}",
            highlight=False,
            markup=False,
        )
    if not matched:
        fail(
            f"counts differ after the copy: source {before.as_dict()}, target {after.as_dict()}",
            code=1,
        )


def main() -> None:
    """Console-script entry point: domain errors become a message and exit 1."""
    try:
        app()
    except PartnermapError as exc:
        err.print(f"error: {exc.message}", style="bold red", highlight=False, markup=False)
        sys.exit(1)
