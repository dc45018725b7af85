"""Request and response schemas of the HTTP API.

Node and relationship bodies are the pydantic models of
:mod:`graph.model` themselves (``Create`` and ``Public`` are the model);
:func:`update_model` derives the ``Update`` schema (every field optional,
the identifying fields left out) and :class:`ListPublic` wraps a page.

Examples
--------
>>> from graph.model import Program
>>> ProgramUpdate = update_model(Program, exclude=("id",))
>>> ProgramUpdate(age_max=12).model_dump(exclude_unset=True)
{'age_max': 12}
>>> "id" in ProgramUpdate.model_fields
False
>>> ProgramUpdate(domains="welfare;health").model_dump(exclude_unset=True)["domains"]
[<Domain.welfare: 'welfare'>, <Domain.health: 'health'>]
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

__all__ = [
    "AuditEntryPublic",
    "AuditList",
    "EgoGraph",
    "ErrorPublic",
    "GraphNode",
    "GraphRelationship",
    "ListPublic",
    "PathResult",
    "PathStep",
    "SubgraphPublic",
    "error_responses",
    "update_model",
]

T = TypeVar("T")


class ListPublic(BaseModel, Generic[T]):
    """One page of a list and how many items match in all."""

    data: list[T]
    count: int = Field(ge=0, description="How many items match the filters (all pages).")


def update_model(model: type[BaseModel], *, exclude: tuple[str, ...]) -> type[BaseModel]:
    """A PATCH schema: the model's fields, all optional, without ``exclude``."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in exclude:
            continue
        # Keep the field's constraints and before-validators ("a;b" lists, bounds).
        base: Any = info.annotation
        annotation: Any = base | None
        if info.metadata:
            annotation = Annotated[annotation, *info.metadata]
        fields[name] = (annotation, Field(default=None, description=info.description))
    return create_model(  # type: ignore[no-any-return,call-overload,unused-ignore]
        f"{model.__name__}Update",
        __config__=ConfigDict(extra="allow", str_strip_whitespace=True),
        **fields,
    )


class ErrorPublic(BaseModel):
    """Every error: a message, or (422 on a malformed request) a list of problems."""

    detail: str | list[dict[str, Any]]


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these error statuses."""
    text = {
        400: "The request cannot be used.",
        401: "No valid API key.",
        403: "The key's role may not do this.",
        404: "Nothing with that id.",
        409: "It would leave a dangling reference, or the id is taken.",
        413: "The request body is too large.",
        422: "The input breaks a rule of the model.",
        503: "The graph store cannot be reached.",
    }
    # The JSON media type is named so that HTML routes (the maps) document their errors too.
    json_body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorPublic"}}}
    return {
        code: {"model": ErrorPublic, "description": text[code], "content": json_body}
        for code in codes
    }


class GraphNode(BaseModel):
    id: str
    label: str
    name: str
    properties: dict[str, Any]


class GraphRelationship(BaseModel):
    type: str
    source: str
    target: str
    properties: dict[str, Any]


class EgoGraph(BaseModel):
    """The nodes within ``depth`` relationships of ``center``."""

    center: str
    depth: int
    nodes: list[GraphNode]
    relationships: list[GraphRelationship]
    truncated: bool = Field(description="True when the size limit cut the neighbourhood short.")


class SubgraphPublic(BaseModel):
    locality_id: str | None
    nodes: list[GraphNode]
    relationships: list[GraphRelationship]


class PathStep(BaseModel):
    """One tie of a path: the two organisations and the evidence that ties them."""

    source: str
    target: str
    kinds: list[str]
    weight: float
    evidence: list[dict[str, Any]]


class PathResult(BaseModel):
    source: str
    target: str
    found: bool
    length: int | None = Field(description="Number of ties on the path; null when none exists.")
    nodes: list[GraphNode]
    ties: list[PathStep]


class AuditEntryPublic(BaseModel):
    seq: int
    at: str
    key_id: str | None
    role: str | None
    method: str
    path: str
    ids: list[str]
    status: int


class AuditList(BaseModel):
    data: list[AuditEntryPublic]
    count: int


class ChangePublic(BaseModel):
    """One landed write's values (``GET /audit/changes/{seq}``)."""

    seq: int
    at: str = Field(description="When it landed (UTC, ISO 8601).")
    key_id: str | None
    action: str = Field(description="create, update, delete or undo.")
    resource: str = Field(description="The API's resource, e.g. organizations or memberships.")
    item: list[str] = Field(description="The id, or a relationship's two ends.")
    before: dict[str, Any] | None = Field(
        description='{"props": ...} before the change (a deleted node also keeps its "rels"); '
        "null where the item did not exist."
    )
    after: dict[str, Any] | None
    undo_of: int | None
    undone_by: int | None
    undoable: bool = Field(description="Whether it can be undone now (the item is as it left it).")
