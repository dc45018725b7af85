"""Guards against hostile files, checked before any reader trusts them.

**ZIP members** are read through :class:`ZipBudget`, which counts the bytes
as they inflate (never the sizes a ZIP header claims, which a bomb
understates) and stops at the limit, so a member that inflates to gigabytes
costs at most the limit to refuse. The CLI and the API (``POST /imports``)
use the same budget.

**Workbooks** (``.xlsx``, ``.xlsm``) are scanned by :func:`workbook_problem`
before the spreadsheet reader opens them: the reader lays a sheet out as a
dense grid from its first to its last cell, so a 2.5 KB file with one cell at
``XFD1048576`` asks for 17 billion cells (about 512 GiB). The scan streams
each sheet's XML within the ZIP budget, finds its last row and column and
counts its cells, and refuses a sheet larger than :data:`MAX_SHEET_CELLS`
cells or wider than :data:`MAX_SHEET_COLUMNS` columns, naming the sheet and
the cell.

Examples
--------
>>> column_number("A"), column_number("XFD")
(1, 16384)
>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
...     z.writestr("big.csv", b"0" * 10_000)
>>> with zipfile.ZipFile(buffer) as z:
...     ZipBudget(4096).read(z, z.getinfo("big.csv"))
Traceback (most recent call last):
...
importers.guards.TooLarge: big.csv unpacks to more than the limit of 4096 bytes
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = [
    "MAX_SHEET_CELLS",
    "MAX_SHEET_COLUMNS",
    "MAX_UNZIPPED_BYTES",
    "SheetSize",
    "TooLarge",
    "ZipBudget",
    "column_number",
    "sheet_size",
    "workbook_problem",
]

#: What one ZIP (a CSV zip or a workbook) may unpack to in all.
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
#: The most cells a sheet's grid (last row × last column) may span.
MAX_SHEET_CELLS = 5_000_000
#: The most columns a sheet may use (the widest file of the format has 14).
MAX_SHEET_COLUMNS = 1_000

_CHUNK = 1024 * 1024
_CELL_RE = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s/>])([^>]*)>")
_ROW_RE = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s/>])([^>]*)>")
_REF_RE = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]{0,4})(\d{1,10})["\']')


class TooLarge(Exception):
    """A ZIP member, or a sheet, is larger than the limit."""


def column_number(letters: str) -> int:
    """A spreadsheet column's number: ``A`` is 1, ``Z`` 26, ``AA`` 27."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


class ZipBudget:
    """Bytes that may still be unpacked from one ZIP, spent as members really inflate.

    Parameters
    ----------
    limit : int
        The most bytes all members read through this budget may inflate to.
    """

    def __init__(self, limit: int = MAX_UNZIPPED_BYTES) -> None:
        self.limit = limit
        self.spent = 0

    def chunks(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The member's bytes in chunks; :class:`TooLarge` as soon as the budget is spent."""
        with archive.open(info) as stream:
            yield from self._counted(stream, info.filename)

    def _counted(self, stream: IO[bytes], name: str) -> Iterator[bytes]:
        while chunk := stream.read(_CHUNK):
            self.spent += len(chunk)
            if self.spent > self.limit:
                raise TooLarge(f"{name} unpacks to more than the limit of {self.limit} bytes")
            yield chunk

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        """The whole member, within the budget."""
        return b"".join(self.chunks(archive, info))

    def copy(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
        """Write the member to ``target`` within the budget (a partial file is removed)."""
        try:
            with target.open("wb") as out:
                for chunk in self.chunks(archive, info):
                    out.write(chunk)
        except BaseException:
            target.unlink(missing_ok=True)
            raise


@dataclass(frozen=True)
class SheetSize:
    """What a sheet's XML says about its grid."""

    rows: int
    columns: int
    cells: int
    #: The cell (``XFD1048576``) that reaches furthest, for messages.
    furthest: str

    @property
    def area(self) -> int:
        return self.rows * self.columns


def sheet_size(chunks: Iterator[bytes]) -> SheetSize:
    """The last row and column and the cell count of a worksheet's XML, read as a stream.

    Cells without an ``r`` reference follow the one before them, so without
    one the cell count is taken as the width (an upper bound).

    >>> xml = b'<sheetData><row r="1"><c r="A1"/><c r="C1"/></row><row r="9"><c/></row>'
    >>> sheet_size(iter([xml[:30], xml[30:]]))
    SheetSize(rows=9, columns=3, cells=3, furthest='C1')
    """
    rows = columns = cells = unreferenced = row_tags = reach = 0
    furthest, tail = "", b""
    for chunk in chunks:
        data = tail + chunk
        # An element cut by the chunk's end is read whole with the next chunk.
        cut = data.rfind(b"<")
        if cut != -1 and data.find(b">", cut) == -1:
            data, tail = data[:cut], data[cut:]
        else:
            tail = b""
        if len(tail) > _CHUNK:  # no element of a sheet is a megabyte long
            raise TooLarge("the sheet holds an element longer than a megabyte")
        for match in _ROW_RE.finditer(data):
            row_tags += 1
            ref = _REF_RE.search(match.group(1))
            if ref is not None:
                rows = max(rows, int(ref.group(2)))
        for match in _CELL_RE.finditer(data):
            cells += 1
            ref = _REF_RE.search(match.group(1))
            if ref is None:
                unreferenced += 1
                continue
            letters = ref.group(1).decode("ascii").upper()
            column, row = column_number(letters), int(ref.group(2))
            if column * row > reach:
                reach, furthest = column * row, f"{letters}{row}"
            columns, rows = max(columns, column), max(rows, row)
    rows = max(rows, row_tags)
    columns = max(columns, unreferenced)
    return SheetSize(rows, columns, cells, furthest)


_SHEET_TAG_RE = re.compile(rb"<(?:[\w.-]+:)?sheet\s[^>]*>")
_ATTR_RE = re.compile(rb'([\w:.-]+)\s*=\s*"([^"]*)"')


def _sheet_names(archive: zipfile.ZipFile, budget: ZipBudget) -> dict[str, str]:
    """Worksheet part (``xl/worksheets/sheet1.xml``) -> the sheet's name in the workbook."""
    try:
        book = budget.read(archive, archive.getinfo("xl/workbook.xml"))
        rels = budget.read(archive, archive.getinfo("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets: dict[bytes, str] = {}
    for tag in re.findall(rb"<(?:[\w.-]+:)?Relationship\s[^>]*>", rels):
        attrs = dict(_ATTR_RE.findall(tag))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
        targets[attrs.get(b"Id", b"")] = target if target.startswith("xl/") else f"xl/{target}"
    names: dict[str, str] = {}
    for tag in _SHEET_TAG_RE.findall(book):
        attrs = {k.split(b":")[-1]: v for k, v in _ATTR_RE.findall(tag)}
        part = targets.get(attrs.get(b"id", b""))
        if part:
            names[part] = attrs.get(b"name", b"").decode("utf-8", "replace")
    return names


def workbook_problem(path: Path, *, limit: int = MAX_UNZIPPED_BYTES) -> str | None:
    """Why the workbook at ``path`` is too large to read, or ``None`` when it is not.

    Only ZIP workbooks (``.xlsx``, ``.xlsm``) are scanned; other files answer ``None``.
    """
    try:
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as archive:
            budget = ZipBudget(limit)
            names = _sheet_names(archive, budget)
            for info in archive.infolist():
                name = info.filename
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                size = sheet_size(budget.chunks(archive, info))
                sheet = names.get(name) or Path(name).stem
                if size.columns > MAX_SHEET_COLUMNS:
                    return (
                        f"{sheet} reaches column {size.columns} (cell {size.furthest}); "
                        f"a sheet may use at most {MAX_SHEET_COLUMNS} columns"
                    )
                if size.area > MAX_SHEET_CELLS or size.cells > MAX_SHEET_CELLS:
                    return (
                        f"{sheet} spans {size.rows} rows × {size.columns} columns "
                        f"(to cell {size.furthest}); a sheet may span at most "
                        f"{MAX_SHEET_CELLS:,} cells"
                    )
    except TooLarge as exc:
        return str(exc)
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
        return f"cannot read the workbook: {exc}"
    return None
