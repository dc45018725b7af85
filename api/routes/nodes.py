"""The seven node resources, each a router made by :func:`node_router`.

``/localities``, ``/organizations``, ``/roles``, ``/forums``, ``/programs``,
``/investments`` and ``/goals`` share one shape: list with filters and
paging, get, create (201), partial update (PATCH), delete (204). Bodies are
the models of :mod:`graph.model`; a reference to an id that exists nowhere,
or to a node of the wrong kind, is 409, and so is a delete that would leave
another node's reference dangling.

Every read and write answers an ``ETag``; PATCH and DELETE with ``If-Match``
are refused with 412 when the node changed since. The store checks ids and
ETags inside the write's transaction, so several server processes on one
store give one 201 per id and lose no update.
"""

# No `from __future__ import annotations`: the route signatures use types made at run time.

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response, status
from pydantic import BaseModel

from api.access import Access
from api.deps import AccessDep, EditorDep, ReadAccessDep, SettingsDep, StoreDep, ViewerDep
from api.routes.analysis import BoundedCache
from api.routes.common import (
    PATCH_RETRIES,
    Limit,
    Offset,
    check_references,
    check_text,
    clamp_limit,
    etag,
    explicit_rels,
    if_match,
    mark_audit,
    on_store,
    record_change,
)
from api.routes.plain import PlainRoute
from api.schemas import ListPublic, update_model
from graph.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from graph.model import NODE_MODELS, NodeModel, NodeRecord, parent_cycle, to_record
from graph.store.base import GraphStore, RecordKey

__all__ = ["PATHS", "check_need_area", "node_router", "routers", "save_node"]

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


def _public(model: type[NodeModel], record: NodeRecord, access: Access) -> NodeModel:
    shown = access.public(record)  # personal data only for keys allowed to see it
    return model.model_validate({"id": shown.id, **shown.props})


#: The most bytes of encoded entity GET answers one server process keeps.
BODY_CACHE_BYTES = 16 * 1024 * 1024
_BODIES: BoundedCache[tuple[str, str, str, bool], bytes] = BoundedCache(
    65536, max_weight=BODY_CACHE_BYTES, weigh=len
)


def _encode(model: type[NodeModel], shown: NodeRecord) -> bytes:
    """A node's answer body: checked against its model and encoded (as FastAPI would)."""
    return model.model_validate({"id": shown.id, **shown.props}).model_dump_json().encode("utf-8")


def _get(store: GraphStore, model: type[NodeModel], node_id: str, access: Access) -> NodeRecord:
    record = store.get(node_id)
    if record is None or record.label != model.label:
        raise NotFound(f"no {model.label} with id {node_id!r}")
    return access.check_read(store, record, f"no {model.label} with id {node_id!r}")


def _scoped_page(
    store: GraphStore, access: Access, label: str, limit: int, offset: int, **filters: Any
) -> tuple[list[NodeRecord], int]:
    """A page of what a key scoped to localities sees, and how many it sees in all."""
    if filters.get("locality_id") is not None:
        access.locality(store, filters["locality_id"], "query locality_id")
    seen = access.visible(store, store.find(label, **filters))
    return seen[offset : offset + limit], len(seen)


def check_need_area(store: GraphStore, need_id: str, new: NodeRecord | None) -> None:
    """409 when a need's change or deletion would leave capabilities naming a vanished area."""
    from importers.readiness_checks import orphaned_capabilities

    old = store.get(need_id)
    if old is None:
        return
    orphans = orphaned_capabilities(store, old, new)
    if orphans:
        raise Conflict(
            f"need {need_id!r} is the last to name area {old.props.get('area')!r} of "
            f"{old.props.get('locality_id')!r}, and capabilities still serve it: "
            f"{', '.join(orphans)}; change their areas first"
        )


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


def save_node(
    store: GraphStore,
    node: NodeModel,
    *,
    create: bool = False,
    expect: dict[RecordKey, str] | None = None,
) -> NodeRecord:
    """Write one node after every check a write gets (text, references, capability and need
    rules, organisation parent loops); the JSON routes and the workbench both write through it.
    """
    record = to_record(node)
    check_text(record.props, f"the {node.label}")
    check_references(store, node.label, record.props)
    if node.label == "Capability":
        _check_capability(store, record)
    if node.label == "Need" and not create:
        check_need_area(store, record.id, record)
    _check_parent_loop(store, record)
    store.write([record], create_only=[record.id] if create else (), expect=expect)
    return record


_STALE: dict[int | str, dict[str, Any]] = {
    412: {"description": "If-Match names an ETag that is no longer current."}
}


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
        access: AccessDep,
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
        size = clamp_limit(limit, settings)
        if access.scoped:
            records, count = _scoped_page(store, access, label, size, offset, **filters)
        else:
            records = store.find(label, limit=size, offset=offset, **filters)
            count = store.count(label, **filters)
        listed = page(data=[_public(model, r, access) for r in records], count=count)
        return Response(listed.model_dump_json(), media_type="application/json")

    async def get_node(
        node_id: Annotated[str, Path(description=id_doc)],
        request: Request,
        access: ReadAccessDep,
    ) -> Any:
        # One dependency (the viewer check and what it may see), called directly by
        # PlainRoute: FastAPI's solver cost more than the SQLite read below.
        store: GraphStore = request.app.state.store

        def answer() -> Response:
            record = _get(store, model, node_id, access)
            tag = etag(record.props)
            shown = access.public(record)  # personal data only for keys allowed to see it
            # The body is the model's JSON of these very properties (the ETag is their
            # digest): validated and encoded once, then kept while they stay as they are.
            key = (label, node_id, tag, shown is record)
            body = _BODIES.get(key, lambda: _encode(model, shown))
            return Response(body, media_type="application/json", headers={"ETag": tag})

        return await on_store(store, answer)

    router.add_api_route(
        "/{node_id}",
        get_node,
        methods=["GET"],
        response_model=model,
        summary=f"Get one {label}",
        route_class_override=PlainRoute,
    )

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
        response: Response,
        store: StoreDep,
        _who: EditorDep,
        access: AccessDep,
    ) -> Any:
        node: NodeModel = body
        mark_audit(request, node.id)
        message = f"id {node.id!r} already exists: use PATCH to change it"
        if store.get(node.id) is not None:
            raise Conflict(message)
        access.check_write(store, to_record(node))
        try:
            # The store refuses the id if another request or process created it meanwhile.
            record = save_node(store, node, create=True)
        except Conflict as exc:
            raise Conflict(message if store.get(node.id) is not None else exc.message) from exc
        record_change(request, "create", path, (node.id,), None, {"props": dict(record.props)})
        response.headers["ETag"] = etag(record.props)
        return _public(model, record, access)

    @router.patch(
        "/{node_id}",
        response_model=model,
        summary=f"Change some fields of a {label}",
        responses={409: {"description": "A reference would be dangling."}, **_STALE},
    )
    def update_node(
        node_id: str,
        body: Annotated[update, Body()],  # type: ignore[valid-type]
        request: Request,
        response: Response,
        store: StoreDep,
        _who: EditorDep,
        access: AccessDep,
    ) -> Any:
        mark_audit(request, node_id)
        patch: BaseModel = body
        changes: dict[str, Any] = patch.model_dump(exclude_unset=True)
        if "id" in changes and changes["id"] != node_id:
            raise ValidationFailed(f"body.id: the id of {label} {node_id!r} cannot be changed")
        for _ in range(PATCH_RETRIES):
            current = _get(store, model, node_id, access)
            wanted = if_match(request, current.props)
            read = wanted if wanted is not None else etag(current.props).strip('"')
            merged = {**current.props, **changes, "id": node_id}
            updated = model.model_validate(merged)
            access.check_write(store, to_record(updated), old=current)
            try:
                record = save_node(store, updated, expect={node_id: read})
            except PreconditionFailed:
                if wanted is not None:
                    raise
                continue  # another writer got in between: merge onto what it wrote
            before, after = {"props": dict(current.props)}, {"props": dict(record.props)}
            record_change(request, "update", path, (node_id,), before, after)
            response.headers["ETag"] = etag(record.props)
            return _public(model, record, access)
        raise Conflict(f"{label} {node_id!r} is being changed by others too often; try again")

    @router.delete(
        "/{node_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        summary=f"Delete a {label}",
        responses={409: {"description": "Another node still refers to it."}, **_STALE},
    )
    def delete_node(
        node_id: str, request: Request, store: StoreDep, _who: EditorDep, access: AccessDep
    ) -> Response:
        mark_audit(request, node_id)
        current = _get(store, model, node_id, access)
        access.check_write(store, None, old=current)
        if label == "Need":
            check_need_area(store, node_id, None)
        wanted = if_match(request, current.props)
        expect: dict[RecordKey, str] | None = {node_id: wanted} if wanted is not None else None
        rels = explicit_rels(store, node_id)  # what an undo brings back with the node
        if store.delete_nodes([node_id], expect=expect) == 0:
            raise NotFound(f"no {label} with id {node_id!r}")
        before = {"props": dict(current.props), "rels": rels}
        record_change(request, "delete", path, (node_id,), before, None)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router


routers: list[APIRouter] = [node_router(NODE_MODELS[label], path) for label, path in PATHS.items()]
