"""The seven node resources, each a router made by :func:`node_router`.

``/localities``, ``/organizations``, ``/roles``, ``/forums``, ``/programs``,
``/investments`` and ``/goals`` share one shape: list with filters and
paging, get, create (201), partial update (PATCH), delete (204). Bodies are
the models of :mod:`graph.model`; a reference to an id that exists nowhere,
or to a node of the wrong kind, is 409, and so is a delete that would leave
another node's reference dangling.
"""

# No `from __future__ import annotations`: the route signatures use types made at run time.

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response, status
from pydantic import BaseModel

from api.deps import EditorDep, SettingsDep, StoreDep, ViewerDep
from api.routes.common import (
    Limit,
    Offset,
    check_references,
    check_text,
    clamp_limit,
    mark_audit,
    write_lock,
)
from api.schemas import ListPublic, update_model
from graph.errors import Conflict, NotFound, ValidationFailed
from graph.model import NODE_MODELS, NodeModel, NodeRecord, parent_cycle, to_record
from graph.store.base import GraphStore

__all__ = ["PATHS", "node_router", "routers"]

#: Label -> the resource's path segment.
PATHS: dict[str, str] = {
    "Locality": "localities",
    "Organization": "organizations",
    "Role": "roles",
    "Forum": "forums",
    "Program": "programs",
    "Investment": "investments",
    "Goal": "goals",
    "SurveyResponse": "survey_responses",
    "Need": "needs",
    "Capability": "capabilities",
    "GoalReading": "goal_readings",
    "Agreement": "agreements",
    "Commitment": "commitments",
    "CompassRating": "compass_ratings",
    "Assessment": "assessments",
}


def _public(model: type[NodeModel], record: NodeRecord) -> NodeModel:
    return model.model_validate({"id": record.id, **record.props})


def _get(store: GraphStore, model: type[NodeModel], node_id: str) -> NodeRecord:
    record = store.get(node_id)
    if record is None or record.label != model.label:
        raise NotFound(f"no {model.label} with id {node_id!r}")
    return record


def _check_capability(store: GraphStore, record: NodeRecord) -> None:
    """A contact role of another organisation is 409; an area no need names is 422."""
    from importers.readiness_checks import store_problems

    for problem in store_problems(store, record):
        error = Conflict if problem.field == "contact_role_id" else ValidationFailed
        raise error(f"body.{problem.field}: {problem.message}")


def _check_parent_loop(store: GraphStore, record: NodeRecord) -> None:
    if record.label != "Organization" or not record.props.get("parent_id"):
        return

    def parent_of(org_id: str) -> str | None:
        found = record if org_id == record.id else store.get(org_id)
        value = found.props.get("parent_id") if found is not None else None
        return str(value) if value else None

    loop = parent_cycle(record.id, parent_of)
    if loop is not None:
        raise ValidationFailed(f"body.parent_id: it makes a loop: {' → '.join(loop)}")


def _save(store: GraphStore, node: NodeModel) -> NodeRecord:
    record = to_record(node)
    check_text(record.props, f"the {node.label}")
    check_references(store, node.label, record.props)
    if node.label == "Capability":
        _check_capability(store, record)
    _check_parent_loop(store, record)
    store.write([record])
    return record


def node_router(model: type[NodeModel], path: str) -> APIRouter:
    """The CRUD router of one node label, mounted at ``/{path}``."""
    label = model.label
    update = update_model(model, exclude=("id",))
    page = ListPublic[model]  # type: ignore[valid-type]
    router = APIRouter(prefix=f"/{path}", tags=[path])
    id_doc = f"The {label}'s id."

    @router.get("", response_model=page, summary=f"List {path}")
    def list_nodes(
        store: StoreDep,
        settings: SettingsDep,
        _who: ViewerDep,
        locality_id: Annotated[str | None, Query(description="In this locality.")] = None,
        sector: Annotated[str | None, Query(description="Organisations of this sector.")] = None,
        domain: Annotated[str | None, Query(description="About this domain.")] = None,
        kind: Annotated[str | None, Query(description="Of this kind.")] = None,
        q: Annotated[
            str | None, Query(description="Text in any of the names (Hebrew, Arabic, English).")
        ] = None,
        limit: Limit = None,
        offset: Offset = 0,
    ) -> Any:
        filters: dict[str, Any] = {
            "locality_id": locality_id,
            "sector": sector,
            "domain": domain,
            "kind": kind,
            "text": q or None,
        }
        records = store.find(label, limit=clamp_limit(limit, settings), offset=offset, **filters)
        listed = page(
            data=[_public(model, r) for r in records], count=store.count(label, **filters)
        )
        return Response(listed.model_dump_json(), media_type="application/json")

    @router.get("/{node_id}", response_model=model, summary=f"Get one {label}")
    def get_node(
        node_id: Annotated[str, Path(description=id_doc)],
        store: StoreDep,
        _who: ViewerDep,
    ) -> Any:
        # Validated on the way out already; FastAPI would validate it a second time.
        node = _public(model, _get(store, model, node_id))
        return Response(node.model_dump_json(), media_type="application/json")

    @router.post(
        "",
        response_model=model,
        status_code=status.HTTP_201_CREATED,
        summary=f"Create a {label}",
        responses={409: {"description": "The id is taken, or a reference is dangling."}},
    )
    def create_node(
        body: Annotated[model, Body()],  # type: ignore[valid-type]
        request: Request,
        store: StoreDep,
        _who: EditorDep,
    ) -> Any:
        node: NodeModel = body
        mark_audit(request, node.id)
        with write_lock(request):
            if store.get(node.id) is not None:
                raise Conflict(f"id {node.id!r} already exists: use PATCH to change it")
            record = _save(store, node)
        return _public(model, record)

    @router.patch(
        "/{node_id}",
        response_model=model,
        summary=f"Change some fields of a {label}",
        responses={409: {"description": "A reference would be dangling."}},
    )
    def update_node(
        node_id: str,
        body: Annotated[update, Body()],  # type: ignore[valid-type]
        request: Request,
        store: StoreDep,
        _who: EditorDep,
    ) -> Any:
        mark_audit(request, node_id)
        patch: BaseModel = body
        changes: dict[str, Any] = patch.model_dump(exclude_unset=True)
        if "id" in changes and changes["id"] != node_id:
            raise ValidationFailed(f"body.id: the id of {label} {node_id!r} cannot be changed")
        with write_lock(request):
            current = _get(store, model, node_id)
            merged = {**current.props, **changes, "id": node_id}
            record = _save(store, model.model_validate(merged))
        return _public(model, record)

    @router.delete(
        "/{node_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        summary=f"Delete a {label}",
        responses={409: {"description": "Another node still refers to it."}},
    )
    def delete_node(node_id: str, request: Request, store: StoreDep, _who: EditorDep) -> Response:
        mark_audit(request, node_id)
        _get(store, model, node_id)
        if store.delete_nodes([node_id]) == 0:
            raise NotFound(f"no {label} with id {node_id!r}")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router


routers: list[APIRouter] = [node_router(NODE_MODELS[label], path) for label, path in PATHS.items()]
