"""A fast path for clean rows: the record pydantic would make, or "not sure".

:func:`importers.validation.add_row` validates every row with the row's
pydantic model. Most rows of a real file are clean: every cell printable
text, enums spelled exactly, numbers plain digits, dates ``YYYY`` or
``YYYY-MM-DD``. For such rows, :func:`compile_row` builds once per model a
function that turns the row's cells straight into the store record
(:class:`~graph.model.NodeRecord` or :class:`~graph.model.RelRecord`),
without the model, and answers ``None`` ("not sure") for anything it does not
recognise as clean. A row answered ``None`` goes through pydantic as before,
so every error message, and every record of a row with anything unusual in
it, stays exactly what pydantic makes.

The function is compiled from the model's fields (their types, enums,
bounds, defaults, list and date validators) and from the model's validators,
each of which must be one this module knows how to repeat
(:data:`_KNOWN_VALIDATORS`); a model with any other validator, or a field of
a type not handled here, gets no fast path at all (:func:`compile_row`
returns ``None``). What the fast path accepts, it accepts only when pydantic
would accept the row and make the same record: ``tests/importers/test_fastrow.py``
checks this on the demo data, ``partnermap synth`` output, the real files the
importers read, and mutated rows.

Examples
--------
>>> from graph.model import Organization, Partnership
>>> fast = compile_row(Organization)
>>> fast({"id": "o1", "name": " עמותת אור ", "sector": "nonprofit", "kind": ""})
NodeRecord(label='Organization', id='o1', props={'name': 'עמותת אור', 'sector': 'nonprofit'})
>>> fast({"id": "o1", "name": "x", "sector": "shop"}) is None  # pydantic says why
True
>>> rel = compile_row(Partnership)({"source_id": "o1", "target_id": "o2", "since": "2020"})
>>> rel.key, sorted(rel.props.items())
(('o1', 'PARTNERS_WITH', 'o2'), [('context', 'routine'), ('since', '2020'), ('strength', 3)])
"""

from __future__ import annotations

import functools
import math
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import annotated_types
from pydantic import BaseModel, BeforeValidator
from pydantic_core import PydanticUndefined

from graph.model import EDGE_MODELS, NodeModel, NodeRecord, RelRecord, _check_date, _split_list

__all__ = ["FastRow", "compile_header", "compile_row", "fast_row"]

FastRow = Callable[[dict[str, Any]], NodeRecord | RelRecord | None]

#: Marks a cell the fast path cannot vouch for (the row then goes through pydantic).
_UNSURE: Any = object()
#: Marks an optional field left blank (it takes its default).
_BLANK: Any = object()

#: A plain decimal number: what Python's ``float`` and pydantic parse to the same value.
_DECIMAL = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")
#: Extra columns kept as properties: plain lower-case names only (others through pydantic).
_EXTRA_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")

#: Where each relationship model's ends are: (source field, target field).
_EDGE_ENDS: dict[str, tuple[str, str]] = {
    "MEMBER_OF": ("member_id", "forum_id"),
    "PARTNERS_IN": ("organization_id", "program_id"),
    "PARTNERS_WITH": ("source_id", "target_id"),
}


# -- what each validator of graph.model does, repeated on a clean row's values -----------
# Each check takes the converted values (field -> value, blanks left out) and answers
# False when pydantic would refuse the row (or do something not repeated here).


def _name_from_title(values: dict[str, Any]) -> bool:
    if "name" not in values and "title" in values:
        values["name"] = values["title"]
    return True


def _not_own_parent(values: dict[str, Any]) -> bool:
    return values.get("parent_id") != values["id"]


def _program_ranges(values: dict[str, Any]) -> bool:
    low, high = values.get("age_min"), values.get("age_max")
    if low is not None and high is not None and low > high:
        return False
    start, end = values.get("start"), values.get("end")
    return not (start and end and start[:4] > end[:4])


def _investment_target(values: dict[str, Any]) -> bool:
    program, locality = values.get("program_id"), values.get("locality_id")
    if not program and not locality:
        return False
    if not values.get("name"):
        values["name"] = f"{values['funder_id']} → {program or locality}"
    return True


def _not_self(values: dict[str, Any]) -> bool:
    return values["source_id"] != values["target_id"]


def _no_check(values: dict[str, Any]) -> bool:
    return True


#: Validators of graph.model (by module and qualified name) -> (when, check).
#: ``_Base._blanks`` (blank cells, hostile text) and ``NodeModel._id_chars`` are
#: covered by the row test of :func:`compile_row` itself. A model with a
#: validator not listed here is not compiled.
_KNOWN_VALIDATORS: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "graph.model._Base._blanks": ("before", _no_check),
    "graph.model.NodeModel._id_chars": ("after", _no_check),
    "graph.model.Role._name_from_title": ("before", _name_from_title),
    "graph.model.Goal._name_from_title": ("before", _name_from_title),
    "graph.model.Organization._not_own_parent": ("after", _not_own_parent),
    "graph.model.Program._ranges": ("after", _program_ranges),
    "graph.model.Investment._target": ("after", _investment_target),
    "graph.model.Partnership._not_self": ("after", _not_self),
}


def _validator_key(func: Any) -> str:
    func = getattr(func, "__func__", func)
    return f"{func.__module__}.{func.__qualname__}"


# -- converters of one cell ---------------------------------------------------------------


def _text(value: str) -> Any:
    return value.strip() or _BLANK


def _id(value: str) -> Any:
    value = value.strip()
    if ";" in value:  # the id validator refuses it: pydantic says so
        return _UNSURE
    return value or _BLANK


class _Enum:
    """An enum field's cell: one of the values exactly (the plain text, even for a member)."""

    def __init__(self, allowed: frozenset[str]) -> None:
        self.values = {v: v for v in allowed}

    def __call__(self, value: str) -> Any:
        found = self.values.get(value)
        if found is not None:
            return found
        return _UNSURE if value.strip() else _BLANK


def _integer(low: int | None, high: int | None) -> Callable[[str], Any]:
    def convert(value: str) -> Any:
        if value.isascii() and value.isdigit() and len(value) <= 9:
            number = int(value)
            if (low is None or number >= low) and (high is None or number <= high):
                return number
            return _UNSURE
        return _UNSURE if value.strip() else _BLANK

    return convert


def _number(low: float | None, high: float | None) -> Callable[[str], Any]:
    match = _DECIMAL.fullmatch

    def convert(value: str) -> Any:
        if match(value):
            number = float(value)
            if (low is None or number >= low) and (high is None or number <= high):
                return number
            return _UNSURE
        return _UNSURE if value.strip() else _BLANK

    return convert


#: Date cells already converted, and what each gave (a text, _BLANK or _UNSURE): a date
#: column repeats few values (years, the days a term starts), so most cells are looked up.
_DATES: dict[str, Any] = {}
_MAX_DATES = 4096


def _date(value: str) -> Any:
    found = _DATES.get(value)
    if found is not None:
        return found
    if not value.strip():
        found = _BLANK
    else:
        try:
            found = _check_date(value)
        except ValueError:
            found = _UNSURE
    if len(_DATES) < _MAX_DATES:  # a column of ever new dates is converted cell by cell
        _DATES[value] = found
    return found


def _id_list(value: str) -> Any:
    parts = _split_list(value)
    return parts if parts else _BLANK


def _enum_list(allowed: frozenset[str]) -> Callable[[str], Any]:
    def convert(value: str) -> Any:
        parts = _split_list(value)
        if not parts:
            return _BLANK
        for part in parts:
            if part not in allowed:
                return _UNSURE
        return parts

    return convert


def _bool(value: str) -> Any:
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    return _UNSURE if value.strip() else _BLANK


# -- compiling a model ----------------------------------------------------------------------


def _plain_types(annotation: Any) -> list[Any]:
    """The types of a field, ``None`` left out: ``int | None`` is ``[int]``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [t for t in typing.get_args(annotation) if t is not type(None)]
    return [annotation]


def _bounds(metadata: list[Any]) -> tuple[Any, Any] | None:
    low = high = None
    for meta in metadata:
        if isinstance(meta, annotated_types.Ge):
            low = meta.ge
        elif isinstance(meta, annotated_types.Le):
            high = meta.le
        elif isinstance(meta, annotated_types.MinLen):
            if meta.min_length != 1:
                return None
        else:
            return None  # Gt, Lt, patterns...: not repeated here
    return low, high


def _converter(annotation: Any, metadata: list[Any]) -> Callable[[str], Any] | None:
    """How a clean cell of a field becomes its value, or ``None`` when not handled."""
    befores = [m for m in metadata if isinstance(m, BeforeValidator)]
    rest = [m for m in metadata if not isinstance(m, BeforeValidator)]
    kinds = _plain_types(annotation)
    if len(kinds) != 1:
        return None
    kind = kinds[0]
    if befores:
        if len(befores) != 1 or rest:
            return None
        func = befores[0].func
        if func is _check_date and kind is str:
            return _date
        if func is _split_list and typing.get_origin(kind) is list:
            (item,) = typing.get_args(kind)
            if item is str:
                return _id_list
            if isinstance(item, type) and issubclass(item, Enum):
                return _enum_list(frozenset(str(m.value) for m in item))
        return None
    bounds = _bounds(rest)
    if bounds is None:
        return None
    low, high = bounds
    if isinstance(kind, type) and issubclass(kind, Enum):
        return _Enum(frozenset(str(m.value) for m in kind)) if bounds == (None, None) else None
    if kind is str:
        return _text if bounds == (None, None) else None
    if kind is bool:
        return _bool if bounds == (None, None) else None
    if kind is int:
        return _integer(low, high)
    if kind is float:
        return _number(low, high)
    return None


def _json_default(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float) and not math.isfinite(value):
        return _UNSURE
    return value


@dataclass
class _Plan:
    """What a model's rows need, worked out once from its fields and validators."""

    model: type[BaseModel]
    converters: dict[str, Callable[[str], Any]]
    required: list[str]
    defaults: dict[str, Any]
    befores: list[Callable[[dict[str, Any]], bool]]
    afters: list[Callable[[dict[str, Any]], bool]]
    #: A node's label, or "" for a relationship model.
    label: str
    #: A relationship model's type and end fields ("" for nodes).
    rel_type: str = ""
    source_field: str = ""
    target_field: str = ""
    extras_ok: dict[str, bool] = field(default_factory=dict)

    def extra_ok(self, key: str) -> bool:
        """Whether an extra column of this name is kept by pydantic as it is."""
        ok = self.extras_ok.get(key)
        if ok is None:
            ok = bool(_EXTRA_NAME.fullmatch(key)) and not hasattr(self.model, key)
            self.extras_ok[key] = ok
        return ok


def _plan(model: type[BaseModel]) -> _Plan | None:
    """The plan of ``model``'s rows, or ``None`` when the fast path cannot repeat pydantic."""
    if model.model_config.get("extra") != "allow" or not model.model_config.get(
        "str_strip_whitespace"
    ):
        return None
    befores: list[Callable[[dict[str, Any]], bool]] = []
    afters: list[Callable[[dict[str, Any]], bool]] = []
    decorators = model.__pydantic_decorators__
    if (
        decorators.root_validators
        or decorators.validators
        or decorators.field_serializers
        or decorators.model_serializers
        or decorators.computed_fields
    ):
        return None
    funcs = [d.func for d in decorators.model_validators.values()]
    funcs += [d.func for d in decorators.field_validators.values()]
    for func in funcs:
        known = _KNOWN_VALIDATORS.get(_validator_key(func))
        if known is None:
            return None
        (befores if known[0] == "before" else afters).append(known[1])
    converters: dict[str, Callable[[str], Any]] = {}
    required: list[str] = []
    defaults: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.alias not in (None, name) or info.validate_default:
            return None
        convert = _id if name == "id" else _converter(info.annotation, list(info.metadata))
        if convert is None:
            return None
        converters[name] = convert
        if info.is_required():
            required.append(name)
        elif info.default_factory is not None:
            defaults[name] = info.get_default(call_default_factory=True)
        elif info.default is not PydanticUndefined:
            defaults[name] = _json_default(info.default)
        if defaults.get(name) is _UNSURE:
            return None
    if model in EDGE_MODELS.values():
        rel_type = str(model.rel_type)  # type: ignore[attr-defined]
        source_field, target_field = _EDGE_ENDS[rel_type]
        return _Plan(
            model, converters, required, defaults, befores, afters, "", rel_type,
            source_field, target_field,
        )  # fmt: skip
    if issubclass(model, NodeModel):
        return _Plan(model, converters, required, defaults, befores, afters, model.label)
    return None


def _generic(plan: _Plan) -> FastRow:
    """The fast path of any row of the plan's model, cell by cell."""
    converters, required, defaults = plan.converters, plan.required, plan.defaults
    befores, afters, extra_ok = plan.befores, plan.afters, plan.extra_ok

    def fast(data: dict[str, Any]) -> NodeRecord | RelRecord | None:
        try:
            text = "".join(data) + "".join(data.values())
        except TypeError:  # a key or a cell that is not text
            return None
        if not text.isprintable():  # control or invisible characters: pydantic's guards say
            return None
        values: dict[str, Any] = {}
        extras: dict[str, Any] = {}
        for key, cell in data.items():
            convert = converters.get(key)
            if convert is None:
                if not extra_ok(key):
                    return None
                if cell.strip():
                    if type(cell) is not str:  # an enum member, say: pydantic dumps it
                        return None
                    extras[key] = cell  # extra columns are kept as they are
                continue
            value = convert(cell)
            if value is _BLANK:
                continue
            if value is _UNSURE:
                return None
            values[key] = value
        for check in befores:
            check(values)
        for name in required:
            if name not in values:
                return None
        for name, default in defaults.items():
            if name not in values:
                values[name] = list(default) if isinstance(default, list) else default
        for check in afters:
            if not check(values):
                return None
        if plan.rel_type:
            source, target = values.pop(plan.source_field), values.pop(plan.target_field)
            props = {k: v for k, v in values.items() if v is not None}
            props.update(extras)
            return RelRecord(plan.rel_type, source, target, props)
        node_id = values.pop("id")
        props = {k: v for k, v in values.items() if v is not None and v != []}
        props.update(extras)
        return NodeRecord(plan.label, node_id, props)

    return fast


def _for_header(plan: _Plan, header: tuple[str, ...]) -> FastRow:
    """The fast path of rows with exactly these columns, in this order, as straight-line code.

    The same steps as :func:`_generic`, unrolled for one header: text and enum
    cells converted inline, blank cells skipped without a call, the defaults
    of absent columns set without a test. Rows of one file share one header,
    so this is made once per file.
    """
    if not "".join(header).isprintable() or not all(
        k in plan.converters or plan.extra_ok(k) for k in header
    ):
        return lambda data: None
    env: dict[str, Any] = {
        "UNSURE": _UNSURE, "BLANK": _BLANK, "NodeRecord": NodeRecord, "RelRecord": RelRecord,
        "str": str, "type": type, "TypeError": TypeError,
    }  # fmt: skip
    lines = [
        "def fast(data):",
        "    try:",
        '        text = "".join(data.values())',
        "    except TypeError:",
        "        return None",
        "    if not text.isprintable():",
        "        return None",
        "    values = {}",
    ]
    for i, key in enumerate(header):
        k = repr(key)
        lines.append(f"    c = data[{k}]")
        convert = plan.converters.get(key)
        if convert is None:  # an extra column, kept as it is
            lines += [
                "    if c.strip():",
                "        if type(c) is not str:",
                "            return None",
                f"        values[{k}] = c",
            ]
        elif convert is _text:
            lines += ["    v = c.strip()", "    if v:", f"        values[{k}] = v"]
        elif isinstance(convert, _Enum):
            env[f"E{i}"] = convert.values
            lines += [
                f"    v = E{i}.get(c)",
                "    if v is not None:",
                f"        values[{k}] = v",
                "    elif c.strip():",
                "        return None",
            ]
        else:
            env[f"C{i}"] = convert
            lines += [
                "    if c:",
                f"        v = C{i}(c)",
                "        if v is UNSURE:",
                "            return None",
                "        if v is not BLANK:",
                f"            values[{k}] = v",
            ]
    for i, check in enumerate(plan.befores):
        env[f"B{i}"] = check
        lines.append(f"    B{i}(values)")
    for name in plan.required:
        lines += [f"    if {name!r} not in values:", "        return None"]
    for i, (name, default) in enumerate(plan.defaults.items()):
        if default is None or (default == [] and not plan.rel_type):
            continue  # a record leaves such values out
        env[f"D{i}"] = default
        value = f"list(D{i})" if isinstance(default, list) else f"D{i}"
        if name in header:
            lines += [f"    if {name!r} not in values:", f"        values[{name!r}] = {value}"]
        else:
            lines.append(f"    values[{name!r}] = {value}")
    for i, check in enumerate(plan.afters):
        env[f"A{i}"] = check
        lines += [f"    if not A{i}(values):", "        return None"]
    if plan.rel_type:
        lines += [
            f"    source = values.pop({plan.source_field!r})",
            f"    target = values.pop({plan.target_field!r})",
            f"    return RelRecord({plan.rel_type!r}, source, target, values)",
        ]
    else:
        lines += [
            '    node_id = values.pop("id")',
            f"    return NodeRecord({plan.label!r}, node_id, values)",
        ]
    exec("\n".join(lines), env)  # noqa: S102 - code made above from the model's own fields
    made: FastRow = env["fast"]
    return made


#: Headers remembered per model (a file has one; beyond this, rows take the generic path).
_MAX_HEADERS = 64


@functools.cache
def compile_row(model: type[BaseModel]) -> FastRow | None:
    """The fast path of ``model``'s rows, or ``None`` when the model has none.

    The returned function takes a row (column -> cell text) and returns its
    record, or ``None`` when pydantic must decide.
    """
    plan = _plan(model)
    if plan is None:
        return None
    generic = _generic(plan)
    by_header: dict[tuple[str, ...], FastRow] = {}

    def fast(data: dict[str, Any]) -> NodeRecord | RelRecord | None:
        header = tuple(data)
        made = by_header.get(header)
        if made is None:
            if len(by_header) >= _MAX_HEADERS or not all(type(k) is str for k in header):
                return generic(data)
            made = by_header[header] = _for_header(plan, header)
        return made(data)

    return fast


@functools.lru_cache(maxsize=_MAX_HEADERS)
def compile_header(model: type[BaseModel], header: tuple[str, ...]) -> FastRow | None:
    """:func:`compile_row` of ``model`` for rows whose columns are exactly ``header``, in order.

    It answers what :func:`compile_row`'s function answers for such a row,
    without looking the header up for every row (a big file's rows share it).
    ``None`` when the model has no fast path.

    >>> from graph.model import Organization
    >>> fast = compile_header(Organization, ("id", "name", "sector"))
    >>> fast({"id": "o1", "name": "x", "sector": "nonprofit"}).props
    {'name': 'x', 'sector': 'nonprofit'}
    """
    plan = _plan(model)
    if plan is None or not all(type(k) is str for k in header):
        return None
    return _for_header(plan, header)


def fast_row(model: type[BaseModel], data: dict[str, Any]) -> NodeRecord | RelRecord | None:
    """:func:`compile_row` of ``model`` applied to ``data`` (``None``: not sure)."""
    fast = compile_row(model)
    return fast(data) if fast is not None else None
