"""Helpers the real-world source importers share.

Reading tables (CSV with or without a BOM, Windows-1255 as a fallback for
Hebrew files saved by Excel, XLSX), turning messy cells into numbers and
years, building ids from names, and matching incoming localities and
organisations to what the store already holds, so that an import merges
into an existing node instead of creating a duplicate.

Examples
--------
>>> slug("קריית שמונה")
'קרית-שמונה'
>>> slug("Save the Children (UK)")
'save-the-children-uk'
>>> parse_number("57,677.0"), parse_number(".."), parse_number("")
(57677.0, None, None)
>>> year_of("17/03/2014"), year_of("2013-09-27T00:00:00Z"), year_of(41715), year_of("n/a")
(2014, 2013, 2014, None)
>>> registration_from_org_id("IL-ROA-580010890"), registration_from_org_id("GB-CHC-326568")
('580010890', None)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graph.model import NodeModel, NodeRecord, to_record
from graph.store.base import GraphStore
from graph.text import normalize
from importers.pipeline import Batch, Origin
from importers.report import ImportReport
from importers.validation import validate_row

__all__ = [
    "LocalityMatcher",
    "NodeCollector",
    "OrgMatcher",
    "build_node",
    "head_text",
    "iso_date",
    "merge_into",
    "parse_number",
    "read_rows",
    "registration_from_org_id",
    "slug",
    "year_of",
]

#: Cells that mean "no value" in statistical files.
_MISSING = {"", "..", "...", "-", "—", "n/a", "na", "null", "none", "nan"}
_YEAR_RE = re.compile(r"(?<!\d)(1[89]\d{2}|20\d{2}|2100)(?!\d)")
_DMY2_RE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-](\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def slug(text: str) -> str:
    """A readable id part from a name: normalised, words joined by ``-``."""
    return normalize(text).replace(" ", "-")


def parse_number(value: Any) -> float | None:
    """A number from a cell, or ``None`` for blanks and ``..``; raises ``ValueError``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if text.lower() in _MISSING:
        return None
    return float(text.replace(",", "").replace("\u00a0", "").replace(" ", ""))


def year_of(value: Any) -> int | None:
    """The year of a date in any of the shapes real files use, or ``None``.

    ISO dates and timestamps, ``DD/MM/YYYY``, ``MM/DD/YYYY``, ``DD/MM/YY``,
    a bare year, :mod:`datetime` values and Excel serial day numbers.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.date):
        return value.year
    if isinstance(value, int | float):
        if 1900 <= value <= 2100 and float(value).is_integer():
            return int(value)
        if 10000 < value < 80000:  # an Excel serial date
            return (_EXCEL_EPOCH + dt.timedelta(days=int(value))).year
        return None
    text = str(value).strip()
    short = _DMY2_RE.match(text)
    if short:
        return 2000 + int(short.group(1))
    found = _YEAR_RE.search(text)
    return int(found.group(1)) if found else None


def iso_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` from ISO or ``DD/MM/YYYY`` text or a date, else ``None``."""
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    text = str(value or "").strip()
    iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if iso:
        return "-".join(iso.groups())
    dmy = re.match(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", text)
    if dmy:
        day, month, year = (int(g) for g in dmy.groups())
        if month > 12 >= day:  # MM/DD/YYYY
            day, month = month, day
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def registration_from_org_id(org_id: str | None) -> str | None:
    """The Israeli registration number inside an org-id (``IL-ROA-…``, ``IL-ROC-…``)."""
    if not org_id:
        return None
    found = re.match(r"^IL-[A-Z]+-0*(\d+)$", org_id.strip(), re.IGNORECASE)
    return found.group(1) if found else None


def _reg_key(number: Any) -> str:
    digits = re.sub(r"\D", "", str(number or ""))
    return digits.lstrip("0")


def _decode(data: bytes, name: str, report: ImportReport) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1255")
    except UnicodeDecodeError:
        report.error(
            "encoding", name, None, None, None, "the file is neither UTF-8 nor Windows-1255"
        )
        return None
    report.warning(
        "encoding", name, None, None, None, "the file is not UTF-8; it was read as Windows-1255"
    )
    return text


def read_rows(path: Path, report: ImportReport, sheet: str | None = None) -> list[list[Any]] | None:
    """All rows of a CSV file or of an XLSX sheet (``sheet`` when it exists, else the first).

    CSV cells are strings; XLSX cells keep their types (numbers, dates).
    Problems (unreadable file, bad encoding) go to ``report``; then ``None``.
    """
    name = path.name
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True, data_only=True)
            try:
                chosen = book[sheet] if sheet in book.sheetnames else book.worksheets[0]
                return [list(row) for row in chosen.iter_rows(values_only=True)]
            finally:
                book.close()
        data = path.read_bytes()
    except Exception as exc:  # any unreadable file is an import error
        report.error("file", name, None, None, None, f"cannot read the file: {exc}")
        return None
    text = _decode(data, name, report)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return [list(row) for row in reader]
    except csv.Error as exc:
        report.error("file", name, reader.line_num, None, None, f"not a readable CSV file: {exc}")
        return None


def head_text(path: Path, size: int = 4096) -> str:
    """The first bytes of a file as text (for ``detect``); empty when unreadable."""
    try:
        with path.open("rb") as handle:
            data = handle.read(size)
    except OSError:
        return ""
    for encoding in ("utf-8-sig", "cp1255"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="ignore")


def build_node(
    model: type[NodeModel], data: dict[str, Any], report: ImportReport, origin: Origin
) -> NodeRecord | None:
    """Validate ``data`` as ``model``; the record, or ``None`` with the errors reported."""
    clean = {k: v for k, v in data.items() if v is not None and v != [] and v != ""}
    valid = validate_row(model, clean, origin.file, origin.row, report)
    return to_record(valid) if isinstance(valid, NodeModel) else None


def _names(node: NodeRecord) -> set[str]:
    keys = ("name", "name_he", "name_en", "name_ar")
    return {normalize(str(node.props[k])) for k in keys if node.props.get(k)} - {""}


def merge_into(
    existing: NodeRecord, new: NodeRecord, keep: Iterable[str] = ("name",)
) -> NodeRecord:
    """``new``'s fields written over ``existing``, under the existing id.

    Fields in ``keep`` (the display name, by default) stay as stored when
    set; list fields (``locality_ids``) are united, stored values first.
    """
    props = {**existing.props, **new.props}
    for key in keep:
        if existing.props.get(key) not in (None, "", []):
            props[key] = existing.props[key]
    for key, value in new.props.items():
        old = existing.props.get(key)
        if isinstance(value, list) and isinstance(old, list):
            props[key] = old + [v for v in value if v not in old]
    return NodeRecord(existing.label, existing.id, props)


class LocalityMatcher:
    """Find the stored locality an incoming one is: by id, CBS code, then name.

    Name matching uses :func:`graph.text.normalize` on ``name``, ``name_he``
    and ``name_en``, and is skipped when it is ambiguous or when both sides
    have a different ``municipal_status``, ``country`` or ``cbs_code`` (kibbutz
    Megiddo is not the Megiddo regional council).
    """

    def __init__(self, store: GraphStore) -> None:
        self.by_id: dict[str, NodeRecord] = {}
        self.by_code: dict[str, NodeRecord] = {}
        self.by_name: dict[str, list[NodeRecord]] = {}
        for node in store.iter_nodes("Locality"):
            self.add(node)

    def add(self, node: NodeRecord) -> None:
        self.by_id[node.id] = node
        code = _code_key(node.props.get("cbs_code"), node.props.get("municipal_status"))
        if code:
            self.by_code[code] = node
        for key in _names(node):
            bucket = self.by_name.setdefault(key, [])
            if node not in bucket:
                bucket.append(node)

    def match(
        self,
        node_id: str | None = None,
        *,
        code: str | None = None,
        names: Iterable[str | None] = (),
        status: str | None = None,
        not_status: str | None = None,
        country: str | None = None,
    ) -> NodeRecord | None:
        """The stored locality, or ``None``.

        ``status`` must agree with a stored ``municipal_status`` when both are
        set; a name never matches a locality whose status is ``not_status``.
        """
        if node_id and node_id in self.by_id:
            return self.by_id[node_id]
        if code and code in self.by_code:
            return self.by_code[code]
        for name in names:
            candidates = [
                n
                for n in self.by_name.get(normalize(name), [])
                if _compatible(n, "municipal_status", status)
                and (not not_status or n.props.get("municipal_status") != not_status)
                and _compatible(n, "country", country)
                and _compatible(n, "cbs_code", code)
            ]
            if len(candidates) == 1:
                return candidates[0]
        return None


def _code_key(code: Any, status: Any) -> str:
    """A stored CBS code padded the CBS way: four digits for towns, two for councils."""
    text = str(code or "").strip()
    if not text.isdigit():
        return text
    if status in ("city", "local_council"):
        return text.zfill(4)
    return text.zfill(2) if status == "regional_council" else text


def _compatible(node: NodeRecord, key: str, value: str | None) -> bool:
    have = node.props.get(key)
    return not have or not value or str(have) == value


class OrgMatcher:
    """Find the stored organisation an incoming one is: id, registration number, name."""

    def __init__(self, store: GraphStore) -> None:
        self.by_id: dict[str, NodeRecord] = {}
        self.by_reg: dict[str, NodeRecord] = {}
        self.by_name: dict[str, list[NodeRecord]] = {}
        for node in store.iter_nodes("Organization"):
            self.by_id[node.id] = node
            reg = _reg_key(node.props.get("registration_number"))
            if reg:
                self.by_reg[reg] = node
            for key in _names(node):
                self.by_name.setdefault(key, []).append(node)

    def match(
        self,
        node_id: str | None = None,
        *,
        registration_number: str | None = None,
        names: Iterable[str | None] = (),
    ) -> NodeRecord | None:
        if node_id and node_id in self.by_id:
            return self.by_id[node_id]
        reg = _reg_key(registration_number)
        if reg and reg in self.by_reg:
            return self.by_reg[reg]
        for name in names:
            candidates = self.by_name.get(normalize(name), [])
            if len(candidates) == 1:
                return candidates[0]
        return None


class NodeCollector:
    """Nodes of one import, one per id: the first occurrence wins, repeats merge.

    A node that matched a stored one is written as the stored node with the
    new fields over it (:func:`merge_into`), so re-importing the same file
    writes the same properties and changes nothing.
    """

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.nodes: dict[str, NodeRecord] = {}

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    def add(
        self,
        node: NodeRecord,
        origin: Origin,
        existing: NodeRecord | None = None,
        keep: Iterable[str] = ("name",),
    ) -> str:
        """Add (or merge into ``existing``) a node; returns the id it landed under."""
        if existing is not None:
            node = merge_into(existing, node, keep)
        if node.id in self.nodes:
            return node.id
        self.nodes[node.id] = node
        self.batch.add_node(node, origin)
        return node.id
