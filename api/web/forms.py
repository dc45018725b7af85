"""Forms made from the pydantic models, so every resource the API can write gets one.

:func:`resources` lists what the API edits: the node resources of
:data:`api.routes.nodes.PATHS` and the relationship resources of
:data:`api.routes.edges.ENDS`. :func:`fields_of` turns a resource's model
into :class:`FieldSpec` s: a choice list for an enumeration, checkboxes for
a list of one, a search-as-you-type picker for a reference (the reference
fields and the labels they may name come from
:data:`importers.pipeline.REFERENCES`), a number, a date or text.
:func:`form_errors` maps the model's validation errors and the API's
reference checks to the fields they concern, with the API's own messages.

Examples
--------
>>> orgs = resources()["organizations"]
>>> [(f.name, f.widget) for f in fields_of(orgs)][:5]
[('id', 'text'), ('name', 'text'), ('name_he', 'text'), ('name_en', 'text'), ('name_ar', 'text')]
>>> sector = next(f for f in fields_of(orgs) if f.name == "sector")
>>> sector.widget, sector.required, sector.choices[:2], sector.enum_kind
('select', True, ['local_authority', 'government'], 'sector')
>>> parent = next(f for f in fields_of(orgs) if f.name == "parent_id")
>>> parent.widget, parent.search_paths
('ref', ['organizations'])
>>> members = resources()["memberships"]
>>> [(f.name, f.widget, f.search_paths) for f in fields_of(members)][:2]
[('member_id', 'ref', ['roles', 'organizations']), ('forum_id', 'ref', ['forums'])]
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from api.routes.edges import ENDS
from api.routes.nodes import PATHS
from graph.model import NODE_MODELS
from importers.pipeline import REFERENCES

__all__ = [
    "FieldSpec",
    "Resource",
    "display",
    "fields_of",
    "form_data",
    "form_errors",
    "is_date",
    "resources",
]

_DATE_FIELDS = frozenset({"since", "until", "start", "end"})
_LONG_TEXT = frozenset({"description"})


@dataclass(frozen=True)
class Resource:
    """One editable resource: its URL segment, model, label (or relationship type) and ends."""

    path: str
    model: type[BaseModel]
    label: str
    #: For a relationship, its (source field, target field); ``None`` for a node.
    ends: tuple[str, str] | None = None

    @property
    def is_edge(self) -> bool:
        return self.ends is not None

    def key_of(self, data: dict[str, Any]) -> tuple[str, ...]:
        """The identifying values: ``(id,)`` or ``(source, target)``."""
        if self.ends is None:
            return (str(data.get("id") or ""),)
        return (str(data.get(self.ends[0]) or ""), str(data.get(self.ends[1]) or ""))


def resources() -> dict[str, Resource]:
    """Every editable resource by URL segment: nodes first (in ``PATHS`` order), then ties."""
    out: dict[str, Resource] = {}
    for label, path in PATHS.items():
        model = NODE_MODELS.get(label)
        if model is not None:
            out[path] = Resource(path, model, label)
    for path, (edge, source, target) in ENDS.items():
        out[path] = Resource(path, edge, str(getattr(edge, "rel_type", path)), (source, target))
    return out


@dataclass(frozen=True)
class FieldSpec:
    """How one model field is shown and read back."""

    name: str
    widget: str  # text, textarea, number, date, select, checks, ref, refs
    required: bool
    choices: list[str] = field(default_factory=list)
    enum_kind: str = ""
    #: For references: the resources whose names the picker searches.
    search_paths: list[str] = field(default_factory=list)
    description: str = ""


def is_date(info: Any) -> bool:
    """Whether a model field holds a date, ``YYYY`` or ``YYYY-MM-DD`` (``graph.model.DateText``)."""
    return any(
        getattr(getattr(m, "func", None), "__name__", "") == "_check_date"
        for m in getattr(info, "metadata", ())
    )


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``X | None`` and ``list[X]``: (inner type, is a list)."""
    is_list = False
    for _ in range(3):
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else str
        elif origin is list:
            is_list = True
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            break
    return annotation, is_list


def _reference_owner(resource: Resource, name: str) -> tuple[str, str]:
    """The key of ``REFERENCES`` that a field is: (label, field) or (rel type, source|target)."""
    if resource.ends is not None and name in resource.ends:
        return resource.label, "source" if name == resource.ends[0] else "target"
    return resource.label, name


def fields_of(resource: Resource) -> list[FieldSpec]:
    """The form fields of a resource, in the model's order."""
    paths = {label: path for label, path in PATHS.items()}
    specs: list[FieldSpec] = []
    for name, info in resource.model.model_fields.items():
        inner, is_list = _unwrap(info.annotation)
        labels = REFERENCES.get(_reference_owner(resource, name), ())
        required = info.is_required()
        doc = info.description or ""
        if labels:
            search = [paths[label] for label in labels if label in paths]
            spec = FieldSpec(name, "refs" if is_list else "ref", required, search_paths=search)
        elif isinstance(inner, type) and issubclass(inner, Enum):
            choices = [str(member.value) for member in inner]
            widget = "checks" if is_list else "select"
            spec = FieldSpec(name, widget, required, choices, _snake(inner.__name__))
        elif inner in (int, float) and not is_list:
            spec = FieldSpec(name, "number", required)
        elif name in _DATE_FIELDS or is_date(info):
            spec = FieldSpec(name, "date", required)
        elif name in _LONG_TEXT:
            spec = FieldSpec(name, "textarea", required)
        else:
            spec = FieldSpec(name, "refs" if is_list else "text", required)
        specs.append(FieldSpec(**{**spec.__dict__, "description": doc}))
    return specs


def form_data(resource: Resource, form: FormData) -> dict[str, Any]:
    """The model's fields from a submitted form: text trimmed, lists joined with ``;`` (as in
    the import files). A blank field is left out, as a JSON body leaves it out: the model's
    default applies (``None`` for an optional field, so blanking a field clears it)."""
    data: dict[str, Any] = {}
    for spec in fields_of(resource):
        if spec.widget == "checks":
            values = [str(v).strip() for v in form.getlist(spec.name) if str(v).strip()]
            value: str | None = ";".join(values)
        else:
            raw = form.get(spec.name)
            value = raw.strip() if isinstance(raw, str) else None
        if value:
            data[spec.name] = value
    return data


def form_errors(resource: Resource, exc: Exception) -> dict[str, list[str]]:
    """Field -> messages of a failed write; ``""`` holds what concerns no one field.

    The messages are those the API answers with: pydantic's for the model's
    rules, :func:`api.routes.common.check_references`' for references.
    """
    names = set(resource.model.model_fields)
    errors: dict[str, list[str]] = {}
    if isinstance(exc, ValidationError):
        for error in exc.errors(include_url=False, include_context=False, include_input=False):
            loc = error["loc"]
            where = str(loc[0]) if loc and str(loc[0]) in names else ""
            message = error["msg"]
            if message.startswith("Value error, "):
                message = message[len("Value error, ") :]
            errors.setdefault(where, []).append(message)
        return errors
    message = str(getattr(exc, "message", exc))
    first = message.split(" ", 1)[0]
    if first.startswith("body."):  # the API names a body field: "body.parent_id: ..."
        first = first[len("body.") :].rstrip(":")
    if resource.ends is not None and first in ("source", "target"):
        first = resource.ends[0] if first == "source" else resource.ends[1]
    errors.setdefault(first if first in names else "", []).append(message)
    return errors


def display(value: Any) -> str:
    """A stored value as it goes back into a form field (lists joined with ``;``).

    >>> display(["a", "b"]), display(None), display(3.0), display(2.5)
    ('a;b', '', '3', '2.5')
    """
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
