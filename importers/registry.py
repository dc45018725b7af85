"""One entry point for every import format: :func:`run_import` and :func:`detect_format`.

Formats
-------
``tabular``
    The SPEC section 2 format: a folder of CSV files, a ``.zip`` of them, or
    an ``.xlsx`` workbook (:func:`importers.tabular.parse`).
``json``
    partnermap's own export (:func:`importers.jsonexport.parse_json`).
``cbs``, ``localities``, ``moe``, ``360giving``, ``iati``, ``hxl``
    Public standards, each in its module under :mod:`importers.standards`,
    imported only when used. A module may define ``detect(path) -> bool``
    (or, for the module that reads two formats, ``detect_<format>``) for
    :func:`detect_format`.

Every parser turns its source into a :class:`~importers.pipeline.Batch` and
records problems in the :class:`~importers.report.ImportReport`; then
:func:`importers.pipeline.commit` checks references and writes atomically.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from graph.store.sqlite import SQLiteStore
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "organizations.csv").write_text("id,name,sector\\no1,עמותת אור,nonprofit\\n")
>>> detect_format(folder)
'tabular'
>>> with SQLiteStore(folder / "g.db") as store:
...     report = run_import(store, folder)
...     report.valid, report.stats["nodes_written"]
(True, 1)
"""

from __future__ import annotations

import contextlib
import gc
import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from graph.errors import PartnermapError, ValidationFailed
from graph.store.base import GraphStore
from importers import jsonexport, tabular, unchanged
from importers.pipeline import Batch, commit
from importers.report import ImportReport

__all__ = ["FORMATS", "ImportProgress", "detect_format", "rows_landed", "run_import"]

#: Called with a phase (``"read"`` or ``"write"``), items done since the last
#: call, and the phase's total when known.
ImportProgress = Callable[[str, int, int | None], None]

Parser = Callable[[Path, ImportReport, GraphStore], Batch]

#: Standards formats: module and parser function, imported lazily.
_STANDARDS: dict[str, tuple[str, str]] = {
    "cbs": ("importers.standards.cbs", "parse_authorities"),
    "localities": ("importers.standards.cbs", "parse_localities"),
    "moe": ("importers.standards.moe", "parse"),
    "360giving": ("importers.standards.threesixtygiving", "parse"),
    "iati": ("importers.standards.iati", "parse"),
    "hxl": ("importers.standards.hxl", "parse"),
}

#: Every format name :func:`run_import` accepts.
FORMATS: tuple[str, ...] = ("tabular", "json", *_STANDARDS)

_WORKBOOKS = tabular.WORKBOOK_SUFFIXES


def _standard_detects(path: Path, fmt: str) -> bool:
    module_name = _STANDARDS[fmt][0]
    module = importlib.import_module(module_name)
    shared = getattr(module, "detect", None)
    detector = getattr(module, f"detect_{fmt}", None)
    if detector is None and fmt == "cbs":
        detector = getattr(module, "detect_authorities", None)
    try:
        if detector is not None:
            return bool(detector(path))
        if shared is None:
            return False
        answer = shared(path)
    except Exception:  # a detector that cannot read the file does not claim it
        return False
    # A module reading two formats may say which one it saw.
    if isinstance(answer, str):
        return answer == fmt
    return bool(answer) and sum(m == module_name for m, _ in _STANDARDS.values()) == 1


def _workbook_is_tabular(path: Path) -> bool:
    try:
        from python_calamine import CalamineWorkbook

        names = CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception:  # unreadable workbooks are reported by the tabular reader
        return True
    return any(tabular._stem(n) in tabular.FILE_MODELS for n in names)


def detect_format(path: Path | str) -> str:
    """The format of a file or folder.

    Raises
    ------
    ValidationFailed
        When the path cannot be read or no format claims it.
    """
    path = Path(path)
    if not path.exists():
        raise ValidationFailed(f"cannot read {path}: no such file or folder")
    try:
        return _detect(path)
    except OSError as exc:
        raise ValidationFailed(f"cannot read {path}: {exc.strerror or exc}") from exc


def _detect(path: Path) -> str:
    suffix = path.suffix.lower()
    if path.is_dir():
        if any(
            f.suffix.lower() == ".csv" and tabular._stem(f.name) in tabular.FILE_MODELS
            for f in path.iterdir()
        ):
            return "tabular"
        raise ValidationFailed(
            f"{path} holds none of the files of the import format "
            f"({', '.join(f'{s}.csv' for s in tabular.FILE_MODELS)})"
        )
    if suffix == ".zip":
        return "tabular"
    if suffix in _WORKBOOKS and _workbook_is_tabular(path):
        return "tabular"
    if suffix == ".json" and jsonexport.detect(path):
        return "json"
    # Standards detectors read headers, so they go before a lone file named like
    # ours (the statistics office's localities.csv is not our localities file).
    for fmt in _STANDARDS:
        if _standard_detects(path, fmt):
            return fmt
    if suffix == ".csv" and tabular._stem(path.name) in tabular.FILE_MODELS:
        return "tabular"
    if suffix in _WORKBOOKS or tabular.sniff(path) is not None:
        return "tabular"  # also uploads saved without their .zip / .xlsx name
    raise ValidationFailed(
        f"cannot tell the format of {path.name}; name it with --format "
        f"(one of: {', '.join(FORMATS)})"
    )


def _parser(fmt: str) -> Parser:
    if fmt == "tabular":
        return tabular.parse
    if fmt == "json":
        return jsonexport.parse_json
    if fmt not in _STANDARDS:
        raise ValidationFailed(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    module_name, func = _STANDARDS[fmt]
    parser: Parser = getattr(importlib.import_module(module_name), func)
    return parser


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while an import runs.

    An import makes a few objects per row and keeps most of them until it
    commits; the collector would walk all of them again and again (a third
    of a 100k-row import's time). Memory is still freed by reference
    counting; cycles wait until the import ends. Re-enabled only by the
    caller that found it enabled, so nested or concurrent imports are safe.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_import(
    store: GraphStore,
    path: Path | str,
    *,
    format: str | None = None,
    dry_run: bool = False,
    partial: bool = False,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Read ``path`` in ``format`` (detected when ``None``), check it and write it.

    Parameters
    ----------
    store : GraphStore
        Where the data lands.
    path : Path or str
        A file or folder.
    format : str, optional
        One of :data:`FORMATS`; detected from the content when omitted.
    dry_run : bool
        Check everything, write nothing.
    partial : bool
        Land the valid rows and list the skipped ones in ``report.skipped_rows``.
    progress : ImportProgress, optional
        Progress of the read and write phases.

    Returns
    -------
    ImportReport
        Valid or not; bad input never raises.

    Raises
    ------
    ValidationFailed
        The path cannot be read, or the format is unknown or not installed.
    """
    path = Path(path)
    if not path.exists():
        raise ValidationFailed(f"cannot read {path}: no such file or folder")
    fmt = format or detect_format(path)
    with _collector_paused():
        return _run(store, path, fmt, dry_run=dry_run, partial=partial, progress=progress)


def _run(
    store: GraphStore,
    path: Path,
    fmt: str,
    *,
    dry_run: bool,
    partial: bool,
    progress: ImportProgress | None,
) -> ImportReport:
    parser = _parser(fmt)
    key = unchanged.import_key(path, fmt)
    same = unchanged.unchanged_report(store, key, dry_run=dry_run, partial=partial)
    if same is not None:  # these files were the last import, and nothing changed since
        return same
    report = ImportReport()

    def read_progress(done: int) -> None:
        if progress:
            progress("read", done, None)

    # A first import of the format into an empty store is written while it is read
    # (graph.store.sqlite_bulk, graph.store.neo4j_bulk), and committed only if it lands whole.
    bulk = None
    if parser is tabular.parse and not dry_run and not partial:
        bulk = store.bulk_load()
    try:
        try:
            if parser is tabular.parse:
                every = getattr(bulk, "hand_over_every", None)
                sink = bulk.add if bulk is not None else None
                # A bulk load is made only for an empty store: no row can be unchanged.
                with tabular.records_to(sink, every, into_empty=bulk is not None):
                    batch = parser(path, report, store, progress=read_progress)
            elif parser is jsonexport.parse_json:
                batch = parser(path, report, store, progress=read_progress)
            else:
                batch = parser(path, report, store)
        except PartnermapError:
            raise
        except Exception as exc:  # a parser bug must not reach users as a stack trace
            report.error("format", path.name, None, None, None, f"cannot read as {fmt}: {exc}")
            batch = Batch()
        if bulk is not None:
            bulk.seal()  # its indexes are built while the batch is checked
        total = len(batch.nodes) + len(batch.relationships)

        def write_progress(done: int) -> None:
            if progress:
                progress("write", done, total)

        return commit(
            store,
            batch,
            report,
            dry_run=dry_run,
            partial=partial,
            progress=write_progress,
            import_key=key,
            bulk=bulk,
        )
    finally:
        if bulk is not None:  # rolled back unless committed (an error anywhere)
            bulk.abort()


def rows_landed(report: ImportReport) -> int:
    """How many rows of a valid or partial import are in the store (written or unchanged)."""
    stats: dict[str, Any] = report.stats
    return sum(
        int(stats.get(k, 0) or 0)
        for k in (
            "nodes_written",
            "relationships_written",
            "nodes_unchanged",
            "relationships_unchanged",
        )
    )
