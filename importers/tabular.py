"""The import format of SPEC section 2: CSV folders, ZIPs of CSVs, XLSX workbooks, our JSON.

A source is a set of *sheets*, one per file of the format (``organizations``,
``programs``, ...): the CSV files of a folder or a ZIP (UTF-8, a BOM is
accepted), or the sheets of one workbook named like the files without
``.csv``. Every row is validated with the pydantic models of
:mod:`graph.model`; each problem becomes an
:class:`~importers.report.ImportIssue` naming the file, the row (the header is
row 1), the column, the value and what was expected. All rows are read even
after errors, so one pass reports every problem. Unknown columns are kept as
properties; unknown files are a warning; a missing ``organizations`` file is
an error. References and repeated ids are checked afterwards, over the whole
batch, by :func:`importers.pipeline.commit`.

The JSON format is what :mod:`importers.export` writes:
``{"format": "partnermap", "version": 1, "nodes": [...], "relationships": [...]}``
with nodes as ``{"label", "id", ...properties}`` and relationships as
``{"type", "source", "target", ...properties}``. Its issues name the file as
``export.json:nodes`` (or ``:relationships``) and the item's position, from 1.

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

import csv
import datetime as dt
import functools
import io
import json
import types
import typing
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from graph.model import (
    EDGE_MODELS,
    NODE_MODELS,
    Forum,
    Goal,
    Investment,
    Locality,
    Membership,
    Organization,
    Partnership,
    Program,
    ProgramPartner,
    Role,
    edge_record,
    to_record,
)
from graph.store.base import GraphStore
from importers.pipeline import Batch, Origin
from importers.report import ImportReport

__all__ = [
    "COLUMNS",
    "FILE_MODELS",
    "FORMULA_CHARS",
    "MAX_UNZIPPED_BYTES",
    "REL_FILES",
    "WORKBOOK_SUFFIXES",
    "Sheet",
    "parse",
    "parse_json",
    "read_sheets",
    "sniff",
    "validate_row",
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
    "organizations": "id name sector kind parent_id locality_ids registration_number".split(),
    "roles": "id title kind organization_id holder since until".split(),
    "forums": "id name kind locality_id domain convener_id meetings_per_year context".split(),
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
}

#: File suffixes read as workbooks.
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})

#: Cells starting with these are formulas to spreadsheet programs; the CSV export
#: guards them with a leading ``'``, which the reader removes again.
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")

#: A ZIP may not unpack to more than this (a guard against ZIP bombs).
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024

_DATE_FIELDS = {"since", "until", "start", "end"}
_NAME_FIELDS = {"name", "name_he", "name_en", "name_ar"}
_PROGRESS_EVERY = 2000

Progress = Callable[[int], None]
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
    cells_iter: Iterator[tuple[int, list[str]]], name: str, report: ImportReport
) -> Iterator[Row]:
    """Rows (cells as text) as dicts keyed by the header (the first non-blank row).

    Blank rows are skipped but counted, so row numbers match the file.
    """
    header: list[str] | None = None
    for number, cells in cells_iter:
        if header is None:
            if "".join(cells).strip():
                header = _header(cells, name, number, report)
            continue
        if not "".join(cells).strip():
            continue
        if len(cells) > len(header) and "".join(cells[len(header) :]).strip():
            _warn(
                report,
                "extra-cells",
                name,
                f"the row has {len(cells)} cells but the header has {len(header)}; "
                "the cells beyond the header are ignored",
                row=number,
            )
        yield number, {h: c for h, c in zip(header, cells, strict=False) if h}


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


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    # Each record counts as one row (blank lines too), like a spreadsheet row.
    reader = csv.reader(io.StringIO(text, newline=""))
    for number, cells in enumerate(reader, start=1):
        if any(c[:1] == "'" for c in cells):
            cells = [_unguard(c) for c in cells]
        yield number, cells


def _unguard(cell: str) -> str:
    """Undo the export's guard against spreadsheet formulas (``'=x`` is ``=x``)."""
    if cell[:1] == "'" and cell[1:2] and cell[1] in FORMULA_CHARS:
        return cell[1:]
    return cell


def _csv_sheet(data: bytes, filename: str, report: ImportReport) -> Sheet | None:
    text = _decode(data, filename, report)
    if text is None:
        return None
    rows = _safe_rows(_records(_csv_rows(text), filename, report), filename, report)
    return Sheet(filename, _stem(filename), rows)


def _safe_rows(rows: Iterator[Row], name: str, report: ImportReport) -> Iterator[Row]:
    try:
        yield from rows
    except csv.Error as exc:
        _note(report, "format", name, f"cannot read the CSV: {exc}")


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
        sheets = []
        for member in sorted(members, key=lambda m: m.filename):
            filename = Path(member.filename).name
            if not filename.lower().endswith(".csv"):
                sheets.append(Sheet(filename, filename, iter(())))
                continue
            sheet = _csv_sheet(archive.read(member), filename, report)
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


# -- validation -----------------------------------------------------------------------


def _unwrap(annotation: Any) -> list[Any]:
    """The plain types inside Optional / list / Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _enum_values(model: type[BaseModel], field: str) -> list[str]:
    info = model.model_fields.get(field)
    if info is None:
        return []
    for kind in _unwrap(info.annotation):
        if isinstance(kind, type) and issubclass(kind, Enum):
            return [str(member.value) for member in kind]
    return []


def _bounds(model: type[BaseModel], field: str) -> tuple[Any, Any]:
    info = model.model_fields.get(field)
    low = high = None
    for meta in info.metadata if info else []:
        if isinstance(meta, annotated_types.Ge | annotated_types.Gt):
            low = getattr(meta, "ge", None) if isinstance(meta, annotated_types.Ge) else meta.gt
        if isinstance(meta, annotated_types.Le | annotated_types.Lt):
            high = getattr(meta, "le", None) if isinstance(meta, annotated_types.Le) else meta.lt
    return low, high


def _model_level(msg: str, data: dict[str, Any]) -> tuple[str, str | None, Any]:
    """Type, column and value of an error raised by a whole-model validator."""
    if "age_min" in msg:
        return "range", "age_min", data.get("age_min")
    if msg.startswith("start "):
        return "date", "start", data.get("start")
    if "needs a program_id" in msg:
        return "missing", "program_id", None
    if "partner with itself" in msg:
        return "value", "target_id", data.get("target_id")
    return "value", None, None


def _issue(
    model: type[BaseModel], error: ErrorDetails, data: dict[str, Any]
) -> tuple[str, str | None, Any, str]:
    """Map one pydantic error to (type, column, value, message)."""
    loc = error.get("loc", ())
    field = str(loc[0]) if loc else None
    kind = error["type"]
    value = error.get("input")
    msg = error.get("msg", "")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if field is None:
        itype, field, value = _model_level(msg, data)
        return itype, field, value, msg
    if isinstance(value, dict):
        value = data.get(field)
    if kind == "missing" or (value is None and kind.endswith("_type")):
        return "missing", field, None, f"{field} is required"
    if kind == "string_too_short":
        return "missing", field, None, f"{field} is required"
    if kind == "enum":
        allowed = _enum_values(model, field)
        return "enum", field, value, f"expected one of: {', '.join(allowed)}"
    if kind in {"int_parsing", "int_from_float", "int_type"}:
        return "number", field, value, "expected a whole number"
    if kind in {"float_parsing", "float_type", "finite_number"}:
        return "number", field, value, "expected a number"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        low, high = _bounds(model, field)
        if low is not None and high is not None:
            expected = f"expected a value from {low} to {high}"
        elif low is not None:
            expected = f"expected a value of at least {low}"
        else:
            expected = f"expected a value of at most {high}"
        return "range", field, value, expected
    if field in _DATE_FIELDS or "date" in msg:
        return "date", field, value, msg
    return "value", field, value, msg


@functools.cache
def _optional_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(name for name, info in model.model_fields.items() if not info.is_required())


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_row(
    model: type[BaseModel],
    data: dict[str, Any],
    file: str,
    row: int,
    report: ImportReport,
) -> BaseModel | None:
    """Validate one row; record every problem in ``report`` and return the model or ``None``.

    Examples
    --------
    >>> report = ImportReport()
    >>> validate_row(Program, {"id": "p", "name": "x", "operator_id": "o",
    ...     "age_min": "9", "age_max": "abc", "context": "sometimes"}, "programs.csv", 4, report)
    >>> [(e.type, e.field, e.message) for e in report.errors]  # doctest: +NORMALIZE_WHITESPACE
    [('number', 'age_max', 'expected a whole number'),
     ('enum', 'context', 'expected one of: routine, emergency, both')]
    """
    # A blank cell is a missing value: optional fields then take their default
    # (a blank currency is ILS, a blank context routine).
    optional = _optional_fields(model)
    data = {k: v for k, v in data.items() if not (k in optional and _is_blank(v))}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        issues = [_issue(model, error, data) for error in exc.errors(include_url=False)]
        missing = {field for itype, field, _, _ in issues if itype == "missing"}
        for itype, field, value, message in issues:
            if field == "name" and "title" in missing:
                continue  # roles and goals take their name from the title: one problem
            report.error(itype, file, row, field, value, message)
        return None


# -- parsing into a batch ---------------------------------------------------------------


def _add_row(
    model: type[BaseModel],
    data: dict[str, Any],
    origin: Origin,
    batch: Batch,
    report: ImportReport,
) -> None:
    obj = validate_row(model, data, origin.file, origin.row, report)
    if obj is None:
        node_id = data.get("id")
        if isinstance(node_id, str) and node_id.strip():
            batch.failed_ids.add(node_id.strip())
        return
    if model in EDGE_MODELS.values():
        batch.add_relationship(edge_record(obj), origin)  # type: ignore[arg-type]
    else:
        batch.add_node(to_record(obj), origin)  # type: ignore[arg-type]


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
        Unused (references are checked by :func:`importers.pipeline.commit`);
        accepted so every parser has the same signature.
    progress : callable, optional
        Called with the number of rows read since the last call.

    Returns
    -------
    Batch
        The valid rows as records, each with its file and row.
    """
    batch = Batch()
    sheets = read_sheets(Path(path), report)
    by_stem: dict[str, Sheet] = {}
    for sheet in sheets:
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
    for stem, model in FILE_MODELS.items():
        found = by_stem.get(stem)
        if found is None:
            continue
        for number, data in found.rows:
            _add_row(model, data, Origin(found.name, number), batch, report)
            pending += 1
            if progress and pending >= _PROGRESS_EVERY:
                progress(pending)
                pending = 0
    if progress and pending:
        progress(pending)
    return batch


def _rel_fields(rel_type: str, item: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in item.items() if k not in {"type", "source", "target"}}
    source, target = item.get("source"), item.get("target")
    if rel_type == "MEMBER_OF":
        data.update(member_id=source, forum_id=target)
    elif rel_type == "PARTNERS_IN":
        data.update(organization_id=source, program_id=target)
    else:
        data.update(source_id=source, target_id=target)
    return data


def parse_json(
    path: Path,
    report: ImportReport,
    store: GraphStore | None = None,
    *,
    progress: Progress | None = None,
) -> Batch:
    """Read the JSON export format (see the module docstring) into a batch."""
    path = Path(path)
    batch = Batch()
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        _note(report, "encoding", path.name, f"not valid UTF-8: {exc}")
        return batch
    except (OSError, json.JSONDecodeError) as exc:
        _note(report, "format", path.name, f"cannot read the JSON: {exc}")
        return batch
    if not isinstance(doc, dict) or doc.get("format") != "partnermap":
        report.error(
            "format",
            path.name,
            None,
            "format",
            None,
            'expected a partnermap export: {"format": "partnermap", "version": 1, ...}',
        )
        return batch
    if doc.get("version") != 1:
        report.error("format", path.name, None, "version", doc.get("version"), "expected version 1")
        return batch
    nodes_name, rels_name = f"{path.name}:nodes", f"{path.name}:relationships"
    for position, item in enumerate(doc.get("nodes") or [], start=1):
        origin = Origin(nodes_name, position)
        if not isinstance(item, dict):
            report.error("format", nodes_name, position, None, None, "expected an object")
            continue
        label = item.get("label")
        node_model = NODE_MODELS.get(str(label))
        if node_model is None:
            report.error(
                "enum",
                nodes_name,
                position,
                "label",
                label,
                f"expected one of: {', '.join(NODE_MODELS)}",
            )
            if isinstance(item.get("id"), str):
                batch.failed_ids.add(item["id"])
            continue
        data = {k: v for k, v in item.items() if k != "label"}
        _add_row(node_model, data, origin, batch, report)
    for position, item in enumerate(doc.get("relationships") or [], start=1):
        origin = Origin(rels_name, position)
        if not isinstance(item, dict):
            report.error("format", rels_name, position, None, None, "expected an object")
            continue
        rel_type = str(item.get("type"))
        edge_model = EDGE_MODELS.get(rel_type)
        if edge_model is None:
            report.warning(
                "ignored",
                rels_name,
                position,
                "type",
                rel_type,
                f"only {', '.join(EDGE_MODELS)} are imported; other relationships follow "
                "from the nodes' fields",
            )
            continue
        _add_row(edge_model, _rel_fields(rel_type, item), origin, batch, report)
    if progress:
        progress(len(batch.nodes) + len(batch.relationships))
    return batch
