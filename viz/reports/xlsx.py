"""The report pack as an Excel workbook: a sheet per section, typed columns, right to left.

Each table of the pack becomes a pandas DataFrame written with openpyxl;
numbers stay numbers (money with a shekel format, shares as percentages),
Hebrew and Arabic sheets are laid out right to left, headers are bold and
frozen. Text that looks like a formula (``=HYPERLINK(...)`` in an
organisation's name) is stored as text, never as a formula.

Examples
--------
>>> import datetime as dt, io, openpyxl
>>> from viz.reports.pack import Column, Pack, Table
>>> pack = Pack("he", "דוח", dt.date(2026, 1, 1), "l1", "שדרות", ["שורה"],
...     [Table("t", "טבלה", [Column("name", "שם"), Column("amount", "סכום", "money")],
...            [{"name": "=1+1", "amount": 1500}])])
>>> book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(pack)))
>>> sheet = book["טבלה"]
>>> sheet.sheet_view.rightToLeft, sheet["A2"].value, sheet["A2"].data_type, sheet["B2"].value
(True, '=1+1', 's', 1500)
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from graph.vocabulary import render
from viz.reports.pack import Pack, Table

__all__ = ["workbook_bytes"]

_FORMATS = {"money": '"₪"#,##0', "share": "0.0%", "number": "0.00"}
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_name(title: str, used: set[str]) -> str:
    base = title.translate(_BAD_SHEET_CHARS).strip()[:31] or "Sheet"
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _frame(table: Table) -> pd.DataFrame:
    data: dict[str, list[Any]] = {}
    for column in table.columns:
        values = [row.get(column.key) for row in table.rows]
        if column.kind in _FORMATS:
            values = [float(v) if isinstance(v, int | float) else None for v in values]
        data[column.title] = values
    return pd.DataFrame(data, columns=[c.title for c in table.columns])


def _finish(sheet: Worksheet, table: Table | None, rtl: bool) -> None:
    sheet.sheet_view.rightToLeft = rtl
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":  # data, never a formula
                cell.data_type = "s"
    if table is None:
        return
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        longest = max([len(column.title), *(len(str(r.get(column.key) or "")) for r in table.rows)])
        sheet.column_dimensions[letter].width = min(max(10, longest + 2), 70)
        fmt = _FORMATS.get(column.kind)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if fmt:
                cell.number_format = fmt
            if column.key == "reasons":
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def workbook_bytes(pack: Pack) -> bytes:
    """The pack as an ``.xlsx`` file: a summary sheet, then one sheet per table."""
    rtl = pack.dir == "rtl"
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        summary = pd.DataFrame(
            {
                pack.title: [
                    render("report.as_of", pack.lang, date=pack.as_of.isoformat()),
                    *pack.summary,
                    *(table.note for table in pack.tables if table.note),
                ]
            }
        )
        name = _sheet_name(render("report.sheet.summary", pack.lang), used)
        summary.to_excel(writer, sheet_name=name, index=False)
        _finish(writer.sheets[name], None, rtl)
        writer.sheets[name].column_dimensions["A"].width = 110
        for table in pack.tables:
            name = _sheet_name(table.title, used)
            _frame(table).to_excel(writer, sheet_name=name, index=False)
            _finish(writer.sheets[name], table, rtl)
    return buffer.getvalue()
