"""The import format of SPEC section 2: CSV folders, ZIPs of CSVs, XLSX workbooks.

A source is a set of *sheets*, one per file of the format (``organizations``,
``programs``, ...): the CSV files of a folder or a ZIP (UTF-8, a BOM is
accepted), or the sheets of one workbook named like the files without
``.csv``. Every row is validated with the pydantic models of
:mod:`graph.model`; each problem becomes an
:class:`~importers.report.ImportIssue` naming the file, the row (the header is
row 1), the column, the value and what was expected. All rows are read even
after errors, so one pass reports every problem. Unknown columns are kept as
properties; unknown files are a warning (sheets whose name starts with ``_``
are skipped: helper sheets such as the template's lists); a missing
``organizations`` file is an error. References and repeated ids are checked
afterwards, over the whole batch, by :func:`importers.pipeline.commit`.

Rows are validated by :mod:`importers.validation`; our own JSON export is
read by :mod:`importers.jsonexport`.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "organizations.csv").write_text(
...     "id,name,sector\\no1,מתנ\\"ס שדרות,nonprofit\\no2,Acme,shop\\n", encoding="utf-8")
>>> report = ImportReport()
>>> batch = parse(folder, report)
>>> [n.props["name"] for n, _ in batch.nodes]
['מתנ"ס שדרות']
>>> report.flatten()
[['enum', 'organizations.csv', 3, 'sector', 'shop']]
>>> report.errors[0].message.split(", ")[:3]
['expected one of: local_authority', 'government', 'nonprofit']
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from graph.model import (
    Agreement,
    Assessment,
    Capability,
    Commitment,
    CompassRating,
    Forum,
    Goal,
    GoalReading,
    Investment,
    Locality,
    Membership,
    Need,
    NodeRecord,
    Organization,
    Partnership,
    Program,
    ProgramPartner,
    RelRecord,
    Role,
    SurveyResponse,
)
from graph.store.base import GraphStore, RecordKey
from importers import guards
from importers.fastrow import FastRow, compile_header
from importers.pipeline import Batch, Origin
from importers.report import ImportReport
from importers.unchanged import digest_primer, digest_with, keys_and_digests
from importers.validation import add_row

__all__ = [
    "COLUMNS",
    "FILE_MODELS",
    "FORMULA_CHARS",
    "MAX_UNZIPPED_BYTES",
    "REL_FILES",
    "WORKBOOK_SUFFIXES",
    "Sheet",
    "parse",
    "read_sheets",
    "records_to",
    "sniff",
]

#: File name (without ``.csv``) -> the model its rows are validated with, in reading order.
FILE_MODELS: dict[str, type[BaseModel]] = {
    "localities": Locality,
    "organizations": Organization,
    "roles": Role,
    "forums": Forum,
    "goals": Goal,
    "programs": Program,
    "investments": Investment,
    "memberships": Membership,
    "program_partners": ProgramPartner,
    "partnerships": Partnership,
    # second wave (SPEC sections 6-9)
    "survey_responses": SurveyResponse,
    "needs": Need,
    "capabilities": Capability,
    "goal_readings": GoalReading,
    "agreements": Agreement,
    "commitments": Commitment,
    "compass_ratings": CompassRating,
    "assessments": Assessment,
}

#: Relationship type -> the file its rows live in.
REL_FILES: dict[str, str] = {
    "MEMBER_OF": "memberships",
    "PARTNERS_IN": "program_partners",
    "PARTNERS_WITH": "partnerships",
}

#: The columns of each file, in SPEC section 2 order.
COLUMNS: dict[str, list[str]] = {
    "localities": (
        "id name municipal_status socioeconomic_cluster population district cluster_id"
    ).split(),
    "organizations": (
        "id name sector kind parent_id locality_ids registration_number since until"
    ).split(),
    "roles": "id title kind organization_id holder since until".split(),
    "forums": (
        "id name kind locality_id domain convener_id meetings_per_year context since until"
    ).split(),
    "memberships": "member_id forum_id position since until".split(),
    "programs": (
        "id name operator_id locality_id domains age_min age_max "
        "target_population start end context status goal_ids description"
    ).split(),
    "program_partners": "program_id organization_id role".split(),
    "investments": (
        "id funder_id program_id locality_id domain amount currency year kind status"
    ).split(),
    "partnerships": "source_id target_id kind context since until strength".split(),
    "goals": "id locality_id domain title indicator baseline target target_year owner_id".split(),
    "survey_responses": (
        "wave respondent_id partner_id reliability mission_support openness "
        "power_influence involvement resource_contribution frequency context"
    ).split(),
    "needs": "id locality_id area category population severity note".split(),
    "capabilities": (
        "organization_id category capacity areas languages available_24_7 contact_role_id"
    ).split(),
    "goal_readings": "goal_id date value source".split(),
    "agreements": (
        "id title locality_id party_ids signed until budget governance_forum_id"
    ).split(),
    "commitments": "id agreement_id party_id description due status".split(),
    "compass_ratings": "locality_id domain outcome year status statement evidence".split(),
    "assessments": "locality_id criterion score assessor date note".split(),
}

#: File suffixes read as workbooks.
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})

#: Cells starting with these are formulas to spreadsheet programs; the CSV export
#: guards them with a leading ``'``, which the reader removes again.
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")

#: A ZIP may not unpack to more than this (a guard against ZIP bombs; see importers.guards).
MAX_UNZIPPED_BYTES = guards.MAX_UNZIPPED_BYTES

_NAME_FIELDS = {"name", "name_he", "name_en", "name_ar"}
_PROGRESS_EVERY = 2000

Progress = Callable[[int], None]
#: Receives each file's new records: nodes, relationships, the batch's row digests.
Sink = Callable[[list[NodeRecord], list[RelRecord], dict[RecordKey, str]], None]
_SINK: contextvars.ContextVar[Sink | None] = contextvars.ContextVar("import_sink", default=None)
_SINK_EVERY: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "import_sink_every", default=None
)
_INTO_EMPTY: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "import_into_empty", default=False
)


@contextlib.contextmanager
def records_to(
    sink: Sink | None, every: int | None = None, *, into_empty: bool = False
) -> Iterator[None]:
    """Within the block, :func:`parse` hands each file's records to ``sink`` once read.

    A write that starts before the import ends
    (:class:`graph.store.sqlite_bulk.BulkLoad`) is fed this way. With ``every``,
    the records of a file are also handed over while it is read, each time at
    least ``every`` more rows were read (always in the order read).
    ``into_empty`` says the store held nothing when the import began: no row
    can be unchanged, so :func:`parse` neither reads the rows' keys nor asks the
    store for digests. (Should another process write meanwhile, its records are
    written over rather than counted as unchanged: the same graph in the end.)
    """
    token = _SINK.set(sink)
    every_token = _SINK_EVERY.set(every)
    empty_token = _INTO_EMPTY.set(into_empty)
    try:
        yield
    finally:
        _INTO_EMPTY.reset(empty_token)
        _SINK_EVERY.reset(every_token)
        _SINK.reset(token)


Row = tuple[int, dict[str, Any]]


@dataclass
class Sheet:
    """One file of the format: its display name (for issues), its stem and its rows."""

    name: str
    stem: str
    rows: Iterator[Row]


def _note(report: ImportReport, kind: str, name: str, message: str, row: int | None = None) -> None:
    """An error about a whole file (or one row of it, without a column)."""
    report.error(kind, name, row, None, None, message)


def _warn(report: ImportReport, kind: str, name: str, message: str, row: int | None = None) -> None:
    report.warning(kind, name, row, None, None, message)


# -- reading ------------------------------------------------------------------------


def _stem(filename: str) -> str:
    stem = filename.strip()
    if stem.lower().endswith(".csv"):
        stem = stem[:-4]
    return stem.strip().lower()


def _header(cells: list[Any], name: str, row: int, report: ImportReport) -> list[str]:
    known = {c for cols in COLUMNS.values() for c in cols} | _NAME_FIELDS
    header: list[str] = []
    for cell in cells:
        text = str(cell).strip().lstrip("\ufeff") if cell is not None else ""
        if text.lower() in known:
            text = text.lower()
        if text and text in header:
            report.warning(
                "duplicate-column",
                name,
                row,
                text,
                text,
                f"column {text!r} appears twice; the first one is used",
            )
            text = ""
        header.append(text)
    return header


def _records(
    cells_iter: Iterator[tuple[int, list[str]]],
    name: str,
    report: ImportReport,
    *,
    unguard: bool = False,
) -> Iterator[Row]:
    """Rows (cells as text) as dicts keyed by the header (the first non-blank row).

    Blank rows are skipped but counted, so row numbers match the file. With
    ``unguard`` the export's formula guard is undone (:func:`_unguard`) first.
    """
    header: list[str] | None = None
    width = 0
    plain = False  # a header without blank names: a row is dict(zip(header, cells))
    for number, cells in cells_iter:
        joined = "".join(cells)
        if unguard and "'" in joined:
            cells = [_unguard(c) for c in cells]
            joined = "".join(cells)
        if header is None:
            if joined.strip():
                header = _header(cells, name, number, report)
                width = len(header)
                plain = all(header)
                if plain and not unguard:  # the usual file: the rest in a lighter loop
                    yield from _plain_records(cells_iter, header, name, report)
                    return
            continue
        if not joined or joined.isspace():
            continue
        if len(cells) > width:
            _extra_cells(cells, width, name, number, report)
        if plain:
            yield number, dict(zip(header, cells, strict=False))
        else:
            yield number, {h: c for h, c in zip(header, cells, strict=False) if h}


def _extra_cells(cells: list[str], width: int, name: str, row: int, report: ImportReport) -> None:
    """Warn about a row with text beyond the header's columns (they are ignored)."""
    if "".join(cells[width:]).strip():
        _warn(
            report,
            "extra-cells",
            name,
            f"the row has {len(cells)} cells but the header has {width}; "
            "the cells beyond the header are ignored",
            row=row,
        )


def _plain_records(
    cells_iter: Iterator[tuple[int, list[str]]], header: list[str], name: str, report: ImportReport
) -> Iterator[Row]:
    """:func:`_records` after a header without blank names, with nothing to unguard.

    A row whose first cell holds text is not blank: only other rows are joined
    to be looked at whole (100k rows: 0.01 s less).
    """
    width = len(header)
    for number, cells in cells_iter:
        if not (cells and cells[0].strip()):
            joined = "".join(cells)
            if not joined or joined.isspace():
                continue
        if len(cells) > width:
            _extra_cells(cells, width, name, number, report)
        yield number, dict(zip(header, cells, strict=False))


def _decode(data: bytes, name: str, report: ImportReport) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        _note(
            report, "encoding", name, "the file is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8)"
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        _note(
            report,
            "encoding",
            name,
            f"not valid UTF-8 (byte {exc.start}, line {line}); save the file as UTF-8 "
            "(in Excel: CSV UTF-8)",
            row=line,
        )
        return None


def _csv_rows(text: str | IO[str]) -> Iterator[tuple[int, list[str]]]:
    # Each record counts as one row (blank lines too), like a spreadsheet row.
    # The export's formula guards are undone by _records(unguard=True).
    reader = csv.reader(io.StringIO(text, newline="") if isinstance(text, str) else text)
    return enumerate(reader, start=1)


def _unguard(cell: str) -> str:
    """Undo the export's guard against spreadsheet formulas (``'=x`` is ``=x``)."""
    if cell[:1] == "'" and cell[1:2] and cell[1] in FORMULA_CHARS:
        return cell[1:]
    return cell


def _csv_sheet(data: bytes, filename: str, report: ImportReport) -> Sheet | None:
    text = _decode(data, filename, report)
    if text is None:
        return None
    # The export's formula guard starts a cell with ' (a file without one has none to undo).
    records = _records(_csv_rows(text), filename, report, unguard="'" in text)
    rows = _safe_rows(records, filename, report)
    return Sheet(filename, _stem(filename), rows)


def _utf8_problem(chunks: Iterator[bytes]) -> str | None:
    """Why a stream of bytes is not UTF-8 text, read chunk by chunk (nothing kept)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, offset, first = 1, 0, True
    for chunk in chunks:
        if first and chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "the file is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8)"
        first = False
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            at = max(exc.start, 0)
            line = lines + chunk.count(b"\n", 0, at)
            return (
                f"not valid UTF-8 (byte {offset + at}, line {line}); save the file as UTF-8 "
                "(in Excel: CSV UTF-8)"
            )
        lines += chunk.count(b"\n")
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "not valid UTF-8 (it ends inside a character); save the file as UTF-8"
    return None


def _zip_csv_sheet(
    path: Path, member: zipfile.ZipInfo, budget: guards.ZipBudget, report: ImportReport
) -> Sheet | None:
    """A CSV inside a ZIP, streamed: never the whole member in memory.

    A first pass checks the encoding as the bytes inflate, within ``budget``
    (:class:`guards.TooLarge` stops it at the limit); the rows are then read
    lazily from a second stream of the same member.
    """
    filename = Path(member.filename).name
    with zipfile.ZipFile(path) as archive:
        problem = _utf8_problem(budget.chunks(archive, member))
    if problem is not None:
        line = re.search(r"line (\d+)", problem)
        _note(report, "encoding", filename, problem, row=int(line.group(1)) if line else None)
        return None

    def cells() -> Iterator[tuple[int, list[str]]]:
        with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
            yield from _csv_rows(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))

    rows = _safe_rows(_records(cells(), filename, report, unguard=True), filename, report)
    return Sheet(filename, _stem(filename), rows)


def _safe_rows(rows: Iterator[Row], name: str, report: ImportReport) -> Iterator[Row]:
    try:
        yield from rows
    except csv.Error as exc:
        _note(report, "format", name, f"cannot read the CSV: {exc}")
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError) as exc:  # a stream that broke
        _note(report, "format", name, f"cannot read the file: {exc}")


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _xlsx_sheets(path: Path, report: ImportReport) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    # The reader lays each sheet out as a dense grid: measure the grids first.
    problem = guards.workbook_problem(path, limit=MAX_UNZIPPED_BYTES)
    if problem is not None:
        _note(report, "format", path.name, f"the workbook is too large to read: {problem}")
        return []
    try:
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            book = CalamineWorkbook.from_path(str(path))
        else:  # an upload saved without its name: calamine tells the kind from the bytes
            book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        names = list(book.sheet_names)
    except Exception as exc:  # calamine raises several error types for broken files
        _note(report, "format", path.name, f"cannot read the workbook: {exc}")
        return []
    sheets = []
    for sheet_name in names:
        try:
            raw = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception as exc:
            _note(report, "format", sheet_name, f"cannot read the sheet: {exc}")
            continue
        cells = ((i, [_cell_text(c) for c in row]) for i, row in enumerate(raw, start=1))
        sheets.append(Sheet(sheet_name, _stem(sheet_name), _records(cells, sheet_name, report)))
    return sheets


def _zip_sheets(path: Path, report: ImportReport) -> list[Sheet]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        _note(report, "format", path.name, f"cannot open the ZIP file: {exc}")
        return []
    with archive:
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir()
            and not m.filename.startswith("__MACOSX/")
            and not Path(m.filename).name.startswith(".")
        ]
        total = sum(m.file_size for m in members)
        if total > MAX_UNZIPPED_BYTES:
            _note(
                report,
                "format",
                path.name,
                f"the ZIP unpacks to {total} bytes, more than the limit of {MAX_UNZIPPED_BYTES}",
            )
            return []
        # The sizes above are what the ZIP claims; a bomb understates them, so the
        # bytes are counted again as they really inflate, and reading stops at the limit.
        budget = guards.ZipBudget(MAX_UNZIPPED_BYTES)
        sheets = []
        for member in sorted(members, key=lambda m: m.filename):
            filename = Path(member.filename).name
            if not filename.lower().endswith(".csv"):
                sheets.append(Sheet(filename, filename, iter(())))
                continue
            try:
                sheet = _zip_csv_sheet(path, member, budget, report)
            except guards.TooLarge:
                _note(
                    report,
                    "format",
                    path.name,
                    f"the ZIP unpacks to more than the limit of {MAX_UNZIPPED_BYTES} bytes "
                    f"(reading stopped at {filename})",
                )
                return []
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                _note(report, "format", filename, f"cannot read it from the ZIP: {exc}")
                continue
            if sheet is not None:
                sheets.append(sheet)
        return sheets


def _folder_sheets(path: Path, report: ImportReport) -> list[Sheet]:
    sheets = []
    for file in sorted(path.iterdir()):
        if file.name.startswith(".") or file.is_dir():
            continue
        if not file.name.lower().endswith(".csv"):
            sheets.append(Sheet(file.name, file.name, iter(())))
            continue
        try:
            data = file.read_bytes()
        except OSError as exc:
            _note(report, "format", file.name, f"cannot read the file: {exc}")
            continue
        sheet = _csv_sheet(data, file.name, report)
        if sheet is not None:
            sheets.append(sheet)
    return sheets


def sniff(path: Path) -> str | None:
    """``"workbook"`` or ``"zip"`` (of CSVs) from a file's bytes, whatever its name says."""
    try:
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return None
    if any(n.startswith(("xl/", "content.xml")) for n in names):
        return "workbook"
    return "zip"


def read_sheets(path: Path, report: ImportReport) -> list[Sheet]:
    """The sheets of a CSV folder, a ``.zip`` of CSVs, or an ``.xlsx`` workbook.

    A lone ``.csv`` file is read as a folder holding just that file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        return _folder_sheets(path, report)
    if suffix in WORKBOOK_SUFFIXES:
        return _xlsx_sheets(path, report)
    if suffix == ".zip":
        return _zip_sheets(path, report)
    if suffix == ".csv":
        sheet = _csv_sheet(path.read_bytes(), path.name, report)
        return [sheet] if sheet is not None else []
    kind = sniff(path)
    if kind == "workbook":
        return _xlsx_sheets(path, report)
    if kind == "zip":
        return _zip_sheets(path, report)
    _note(
        report,
        "format",
        path.name,
        "expected a folder of CSV files, a .zip of CSV files or an .xlsx workbook",
    )
    return []


# -- parsing into a batch ---------------------------------------------------------------


def parse(
    path: Path,
    report: ImportReport,
    store: GraphStore | None = None,
    *,
    progress: Progress | None = None,
) -> Batch:
    """Read a CSV folder, ZIP or workbook into a :class:`~importers.pipeline.Batch`.

    Parameters
    ----------
    path : Path
        A folder of CSV files, a ``.zip`` of them, or an ``.xlsx`` workbook.
    report : ImportReport
        Receives every problem found.
    store : GraphStore, optional
        Rows whose record the store holds exactly as they would write it are
        skipped unparsed (:mod:`importers.unchanged`); references are checked
        by :func:`importers.pipeline.commit`.
    progress : callable, optional
        Called with the number of rows read since the last call.

    Returns
    -------
    Batch
        The valid rows as records, each with its file and row.

    Notes
    -----
    Inside :func:`records_to`, each file's new records are also handed to the
    given sink as soon as the file is read (and every ``every`` rows while it
    is read, when given).
    """
    sink = _SINK.get()
    every = _SINK_EVERY.get() if sink is not None else None
    look_up = store is not None and not _INTO_EMPTY.get()  # rows the store may hold unchanged
    batch = Batch()
    sheets = read_sheets(Path(path), report)
    by_stem: dict[str, Sheet] = {}
    for sheet in sheets:
        if sheet.stem.startswith("_"):
            continue  # a workbook's helper sheet (the template's drop-down lists), not data
        if sheet.stem not in FILE_MODELS:
            _warn(
                report,
                "unknown-file",
                sheet.name,
                f"not a file of the import format, ignored (known: "
                f"{', '.join(f'{s}.csv' for s in FILE_MODELS)})",
            )
            continue
        if sheet.stem in by_stem:
            _note(
                report,
                "duplicate-file",
                sheet.name,
                f"{sheet.stem} is given twice (also as {by_stem[sheet.stem].name})",
            )
            continue
        by_stem[sheet.stem] = sheet
    unreadable = {_stem(e.file) for e in report.errors if e.file}
    if (
        "organizations" not in by_stem
        and "organizations" not in unreadable
        and (sheets or report.valid)
    ):
        _note(
            report,
            "missing",
            "organizations.csv",
            "the organizations file is required (organizations.csv, or a sheet named "
            "organizations)",
        )
    pending = 0
    seen_keys: set[RecordKey] = set()
    for stem, model in FILE_MODELS.items():
        found = by_stem.get(stem)
        if found is None:
            continue
        rows = list(found.rows)
        keys: list[RecordKey | None]
        digests: Sequence[str | None]
        if look_up:
            keys, digests = keys_and_digests(stem, [data for _, data in rows])
        else:  # no key is looked up: each row is digested in the loop, its header primed once
            keys, digests = [None] * len(rows), [None] * len(rows)
        stored = (
            store.row_digests([k for k in keys if k is not None])
            if look_up and store is not None
            else {}
        )
        kind = str(getattr(model, "rel_type", None) or getattr(model, "label", stem))
        unchanged, nodes, rels, name = batch.unchanged, batch.nodes, batch.relationships, found.name
        row_digests = batch.row_digests
        nodes_before, rels_before = len(nodes), len(rels)
        # The fast path of this file's header (importers.fastrow), called here
        # directly: what add_row would call first for every row.
        fast_by_header: dict[tuple[str, ...], tuple[FastRow | None, Callable[[], Any] | None]] = {}
        for (number, data), key, digest in zip(rows, keys, digests, strict=True):
            if key is not None and stored and stored.get(key) == digest and key not in seen_keys:
                unchanged.append((key, kind, Origin(name, number)))
                seen_keys.add(key)
                continue
            header = tuple(data)
            try:
                fast, primer = fast_by_header[header]
            except KeyError:
                fast, primer = fast_by_header[header] = (
                    compile_header(model, header),
                    digest_primer(stem, header),
                )
            if digest is None:
                digest = digest_with(primer, stem, data)
            record = fast(data) if fast is not None else None
            # The first row of a key is the one that lands (later ones are duplicates).
            if type(record) is NodeRecord:
                nodes.append((record, Origin(name, number)))
                row_digests.setdefault(record.id, digest)
            elif type(record) is RelRecord:
                rels.append((record, Origin(name, number)))
                row_digests.setdefault(record.key, digest)
            else:  # not sure: validated by pydantic, which says what is wrong
                before_nodes, before_rels = len(nodes), len(rels)
                add_row(model, data, Origin(name, number), batch, report)
                if len(nodes) > before_nodes:
                    row_digests.setdefault(nodes[-1][0].id, digest)
                elif len(rels) > before_rels:
                    row_digests.setdefault(rels[-1][0].key, digest)
            if key is not None:
                seen_keys.add(key)
            pending += 1
            if pending >= _PROGRESS_EVERY and progress:
                progress(pending)
                pending = 0
            if (
                every is not None
                and sink is not None
                and len(nodes) + len(rels) - nodes_before - rels_before >= every
            ):
                sink(
                    [n for n, _ in nodes[nodes_before:]],
                    [r for r, _ in rels[rels_before:]],
                    batch.row_digests,
                )
                nodes_before, rels_before = len(nodes), len(rels)
        if sink is not None:
            sink(
                [n for n, _ in nodes[nodes_before:]],
                [r for r, _ in rels[rels_before:]],
                batch.row_digests,
            )
    if progress and pending:
        progress(pending)
    return batch
