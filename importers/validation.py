"""Row validation shared by the importers: one row -> a model, or issues naming the column.

Every importer hands each row (a dict of cell values) to :func:`validate_row`,
which validates it with the row's pydantic model from :mod:`graph.model` and
turns each pydantic error into an :class:`~importers.report.ImportIssue` with
a type (``missing``, ``enum``, ``number``, ``range``, ``date``, ``value``),
the column, the value and what was expected. :func:`add_row` also puts the
valid row's record into a :class:`~importers.pipeline.Batch`.

Examples
--------
>>> from importers.pipeline import Batch, Origin
>>> from graph.model import Organization
>>> batch, report = Batch(), ImportReport()
>>> add_row(Organization, {"id": "o1", "name": "עמותת אור", "sector": "nonprofit"},
...     Origin("organizations.csv", 2), batch, report)
>>> add_row(Organization, {"id": "o2", "name": "", "sector": "nonprofit"},
...     Origin("organizations.csv", 3), batch, report)
>>> [n.id for n, _ in batch.nodes], sorted(batch.failed_ids)
(['o1'], ['o2'])
>>> report.flatten()
[['missing', 'organizations.csv', 3, 'name', None]]
"""

from __future__ import annotations

import contextvars
import functools
import types
import typing
from enum import Enum
from typing import Any

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from graph.model import (
    EDGE_MODELS,
    NodeRecord,
    RelRecord,
    edge_record,
    row_has_blank,
    to_record,
)
from importers.fastrow import compile_row
from importers.pipeline import Batch, Origin
from importers.report import ImportReport

__all__ = ["add_row", "validate_row"]

_DATE_FIELDS = {"since", "until", "start", "end"}


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
    # The shared input rules of graph.model name their column first: "parent_id: ...".
    head, sep, _ = msg.partition(": ")
    if sep and head in data:
        kind = "number" if "finite number" in msg else "value"
        return kind, head, data.get(head)
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
    if kind == "finite_number":
        return "number", field, value, "expected a finite number (not NaN or infinity)"
    if kind in {"float_parsing", "float_type"}:
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


#: Set by :func:`add_row` around its call of :func:`validate_row`: the caller takes
#: a clean row's record straight from the fast path (:mod:`importers.fastrow`).
_RECORDS_WANTED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "records_wanted", default=False
)


def validate_row(
    model: type[BaseModel],
    data: dict[str, Any],
    file: str,
    row: int,
    report: ImportReport,
) -> BaseModel | NodeRecord | RelRecord | None:
    """Validate one row; record every problem in ``report`` and return the model or ``None``.

    Called by :func:`add_row`, a clean row's store record is returned instead
    of the model: the fast path of :mod:`importers.fastrow` makes it without
    pydantic, exactly as ``to_record`` (or ``edge_record``) of the model would.
    Every other caller gets the model.

    Examples
    --------
    >>> from graph.model import Program
    >>> report = ImportReport()
    >>> validate_row(Program, {"id": "p", "name": "x", "operator_id": "o",
    ...     "age_min": "9", "age_max": "abc", "context": "sometimes"}, "programs.csv", 4, report)
    >>> [(e.type, e.field, e.message) for e in report.errors]  # doctest: +NORMALIZE_WHITESPACE
    [('number', 'age_max', 'expected a whole number'),
     ('enum', 'context', 'expected one of: routine, emergency, both')]
    """
    if _RECORDS_WANTED.get():
        fast = compile_row(model)
        record = fast(data) if fast is not None else None
        if record is not None:
            return record
    # A blank cell is a missing value: optional fields then take their default
    # (a blank currency is ILS, a blank context routine).
    if row_has_blank(data):  # most rows have none: then no copy
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


def add_row(
    model: type[BaseModel],
    data: dict[str, Any],
    origin: Origin,
    batch: Batch,
    report: ImportReport,
) -> None:
    """Validate one row and add its record to ``batch``; a failed row's id goes to ``failed_ids``.

    Rows of the relationship models become relationship records, all others node records.
    A clean row's record comes from the fast path of :mod:`importers.fastrow` (the same
    record, made without the model); any other row is validated by pydantic.
    """
    token = _RECORDS_WANTED.set(True)
    try:
        obj = validate_row(model, data, origin.file, origin.row, report)
    finally:
        _RECORDS_WANTED.reset(token)
    if isinstance(obj, NodeRecord):
        batch.add_node(obj, origin)
        return
    if isinstance(obj, RelRecord):
        batch.add_relationship(obj, origin)
        return
    if obj is None:
        node_id = data.get("id")
        if isinstance(node_id, str) and node_id.strip():
            batch.failed_ids.add(node_id.strip())
        kind = next((t for t, m in EDGE_MODELS.items() if m is model), model.__name__)
        batch.failed_rows.append((kind, dict(data), origin))
        return
    if model in EDGE_MODELS.values():
        batch.add_relationship(edge_record(obj), origin)  # type: ignore[arg-type]
    else:
        batch.add_node(to_record(obj), origin)  # type: ignore[arg-type]
