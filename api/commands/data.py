"""``partnermap import``, ``stats``, ``export`` and ``demo``: data in and out of the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from api.commands.common import (
    JsonOpt,
    StoreOpt,
    as_of_from,
    demo_store_url,
    describe_store,
    err,
    fail,
    out,
    print_json,
    safe_text,
    store_from,
)
from graph.errors import PartnermapError
from graph.store import GraphStore, redact_url

__all__ = ["demo", "export", "import_cmd", "stats"]


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
            safe_text(issue.file or ""),
            Text("" if issue.row_number is None else str(issue.row_number)),
            safe_text(issue.field or ""),
            safe_text(_short(issue.value)),
            safe_text(issue.message),
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
    target = store_from(store, hint_demo=False)  # importing into an empty store is the point
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
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Only what counts on this date (default: everything, ended things included).",
            show_default=False,
        ),
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
        from graph.scope import Scope, read

        when = as_of_from(as_of)
        graph = read(target, Scope(locality, when), dated=as_of is not None, where="--locality")
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
    return store or demo_store_url()


def _demo_ids(source: Path) -> set[str]:
    """Every node id of the bundled demo (as the importer makes them)."""
    from importers.report import ImportReport
    from importers.tabular import parse

    return {node.id for node, _ in parse(source, ImportReport()).nodes}


def _holds_only_the_demo(file: Path, source: Path) -> bool:
    """Whether the SQLite file at ``file`` is empty or holds nothing but demo nodes."""
    import sqlite3

    try:
        with sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True) as db:
            stored = {str(row[0]) for row in db.execute("SELECT id FROM nodes")}
    except sqlite3.Error:  # not a store at all (or not partnermap's): someone else's file
        return False
    return stored <= _demo_ids(source)


def _fresh_store(url: str, source: Path, replace: bool) -> GraphStore:
    """Open ``url`` empty: a SQLite file is replaced, any other store must be empty.

    A SQLite file is replaced only when it is the demo's own (the default demo
    store, or one that holds nothing but the demo), or with ``--replace``.
    """
    if url.lower().startswith("sqlite:///"):
        file = Path(url[len("sqlite:///") :]).expanduser()
        own = url == demo_store_url() or _holds_only_the_demo(file, source)
        if file.exists() and not (replace or own):
            fail(
                f"--store: {file.name} holds data that is not the demo's; the demo would "
                "replace it. Name another file, or add --replace to replace it",
                code=1,
            )
        for suffix in ("", "-wal", "-shm", "-journal"):
            part = file.with_name(file.name + suffix)
            try:
                part.unlink(missing_ok=True)
            except OSError as exc:
                fail(f"cannot replace the demo store {part.name}: {exc.strerror or exc}", code=1)
    target = store_from(url)
    if any(target.counts().nodes.values()):
        target.close()
        fail(f"the demo loads into an empty store, and {redact_url(url)} holds data", code=1)
    return target


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
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace --store even when it holds data other than the demo.",
        ),
    ] = False,
) -> None:
    """Load the bundled demo dataset into a fresh store and serve it on 127.0.0.1:8000."""
    from rich.table import Table
    from rich.text import Text

    from importers.demo import demo_path

    source = Path(demo_path())
    if not source.is_dir():
        fail(f"the demo dataset is not installed: no folder {source}", code=1)
    if not no_serve:  # a busy port is said before anything is loaded or printed
        from api.commands.serve import ensure_port_free

        ensure_port_free("127.0.0.1", port)
    url = _demo_store_url(store)
    target = _fresh_store(url, source, replace)
    from importers.registry import run_import

    try:
        report = run_import(target, source)
        counts = target.counts()
        towns = sorted((n.id, n.name) for n in target.iter_nodes("Locality"))
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
    if towns:  # the ids every --locality option takes
        out.print(
            Text(f"Localities ({len(towns)}), by the id that --locality takes:", style="bold")
        )
        for town_id, name in towns:
            out.print(safe_text(f"  {town_id}  {name}"), soft_wrap=True)
    # The other commands read the default store unless told: say how to reach the demo.
    # Whole lines, never folded at the terminal's width: they are copied and pasted.
    out.print(
        Text(f"Explore it: partnermap analyze --locality loc-sderot --store {url}"),
        soft_wrap=True,
    )
    out.print(Text(f"  (or export PARTNERMAP_STORE={url} for every command)"), soft_wrap=True)
    if no_serve:
        return
    base = f"http://127.0.0.1:{port}"
    out.print(Text("Serving on loopback, open for reading (no key needed):", style="bold"))
    out.print(Text(f"  dashboards  {base}/api/v1/dashboard"))
    out.print(
        Text(f"  a town map  {base}/api/v1/maps/loc-sderot  (?lang=en English, ?lang=ar Arabic)")
    )
    out.print(Text(f"  API docs    {base}/docs"))
    out.print(Text("Press Ctrl-C to stop."))
    # Looked up on its module at call time, so tests can replace the server there.
    from api.commands import serve as serve_cmds

    serve_cmds.serve_app(url, "127.0.0.1", port, True)
