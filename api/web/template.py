"""The XLSX import template: one sheet per file of the import format, built from its one table.

Sheets and headers come from :data:`importers.tabular.COLUMNS` (so a file
added there appears here at once), each column is read with the model of
:data:`importers.tabular.FILE_MODELS`: every header cell carries a Hebrew
hint (as a cell comment, which the importer does not read), and columns
of an enumeration get a drop-down list of its values (Excel's data
validation). Lists longer than Excel's 255-character limit for inline lists
live on a hidden sheet ``_lists``; sheets whose name starts with ``_`` are
skipped by the importer. Sheets are right-to-left.

Examples
--------
>>> import io
>>> from openpyxl import load_workbook
>>> book = load_workbook(io.BytesIO(build_template()))
>>> book.sheetnames[:3], book["organizations"]["C1"].value
(['localities', 'organizations', 'roles'], 'sector')
>>> "מגזר" in book["organizations"]["C1"].comment.text
True
"""

from __future__ import annotations

import io
import types
import typing
from enum import Enum
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import BaseModel

from api.routes.edges import ENDS
from api.web.forms import is_date
from api.web.text import enum_label, field_label
from importers.pipeline import REFERENCES
from importers.tabular import COLUMNS, FILE_MODELS, REL_FILES

__all__ = ["ROWS", "build_template", "column_hint"]

#: Rows of each sheet that get the drop-down lists.
ROWS = 2000
_INLINE_LIMIT = 255
_LISTS = "_lists"
_HEADER_FILL = PatternFill("solid", fgColor="DBEAFE")


def _enum_of(model: type[BaseModel], name: str) -> tuple[type[Enum] | None, bool]:
    info = model.model_fields.get(name)
    if info is None:
        return None, False
    annotation: Any = info.annotation
    is_list = False
    for _ in range(3):
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else None
        elif origin is list:
            is_list = True
            annotation = typing.get_args(annotation)[0]
        else:
            break
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation, is_list
    return None, is_list


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def column_hint(file: str, column: str) -> str:
    """The Hebrew hint of a column: what it is and what it takes.

    >>> print(column_hint("programs", "domains"))
    תחומים (domains)
    כמה ערכים מופרדים ב־; מתוך: early_childhood (גיל רך), ...
    >>> print(column_hint("memberships", "forum_id"))
    פורום (forum_id) — חובה
    מזהה של פורום (מגיליון forums)
    """
    model = FILE_MODELS[file]
    info = model.model_fields.get(column)
    required = info is not None and info.is_required()
    lines = [f"{field_label('he', column)} ({column})" + (" — חובה" if required else "")]
    enum, is_list = _enum_of(model, column)
    if enum is not None:
        kind = _snake(enum.__name__)
        values = [f"{m.value} ({enum_label('he', kind, m.value, column)})" for m in enum]
        shown = ", ".join(values[:1]) + ", ..." if is_list else ", ".join(values)
        lead = "כמה ערכים מופרדים ב־; מתוך: " if is_list else "אחד מ: "
        lines.append(lead + shown)
        return "\n".join(lines)
    owner: tuple[str, str] = (str(getattr(model, "label", "")), column)
    rel_type = next((rt for rt, f in REL_FILES.items() if f == file), None)
    if rel_type is not None and file in ENDS:
        _, source, target = ENDS[file]
        if column in (source, target):
            owner = (rel_type, "source" if column == source else "target")
    labels = REFERENCES.get(owner, ())
    if labels:
        sheets = [f for f, m in FILE_MODELS.items() if getattr(m, "label", "") in labels]
        many = is_list or column.endswith("_ids")
        lines.append(
            ("מזהים (מופרדים ב־;) של " if many else "מזהה של ")
            + " או ".join(enum_label("he", "node_kind", label) for label in labels)
            + (f" (מגיליון {', '.join(sheets)})" if sheets else "")
        )
    elif column in ("since", "until", "start", "end") or is_date(info):
        lines.append("שנה (YYYY) או תאריך (YYYY-MM-DD)")
    elif info is not None and _number(info.annotation):
        lines.append("מספר")
    elif column == "id":
        lines.append("מזהה ייחודי בכל הקבצים, למשל org-sderot-city")
    return "\n".join(lines)


def _number(annotation: Any) -> bool:
    args = typing.get_args(annotation) or (annotation,)
    return any(a in (int, float) for a in args)


def build_template() -> bytes:
    """The template workbook as XLSX bytes."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    lists = book.create_sheet(_LISTS)
    lists.sheet_state = "hidden"
    list_columns: dict[str, str] = {}
    bold = Font(bold=True)
    for file, columns in COLUMNS.items():
        model = FILE_MODELS.get(file)
        if model is None:
            continue
        sheet = book.create_sheet(file, index=len(book.sheetnames) - 1)
        sheet.sheet_view.rightToLeft = True
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index, value=column)
            cell.font = bold
            cell.fill = _HEADER_FILL
            comment = Comment(column_hint(file, column), "partnermap")
            comment.width, comment.height = 320, 140
            cell.comment = comment
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(14, len(column) + 4)
            enum, is_list = _enum_of(model, column)
            if enum is None or is_list:
                continue
            values = [str(m.value) for m in enum]
            inline = '"' + ",".join(values) + '"'
            if len(inline) <= _INLINE_LIMIT:
                formula = inline
            else:
                kind = enum.__name__
                if kind not in list_columns:
                    col = get_column_letter(len(list_columns) + 1)
                    lists.cell(row=1, column=len(list_columns) + 1, value=kind)
                    for row, value in enumerate(values, start=2):
                        lists.cell(row=row, column=len(list_columns) + 1, value=value)
                    last = len(values) + 1
                    list_columns[kind] = f"{quote_sheetname(_LISTS)}!${col}$2:${col}${last}"
                formula = list_columns[kind]
            check = DataValidation(type="list", formula1=formula, allow_blank=True)
            check.error = f"{column}: " + ", ".join(values)
            check.errorTitle = field_label("he", column)
            check.showErrorMessage = True
            sheet.add_data_validation(check)
            check.add(f"{letter}2:{letter}{ROWS}")
    if not list_columns:
        book.remove(lists)
    else:
        book.move_sheet(_LISTS, offset=len(book.sheetnames))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
