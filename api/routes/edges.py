"""The explicit relationship resources: ``/partnerships``, ``/memberships``, ``/program_partners``.

A relationship is named by its two ends in the URL:
``/partnerships/{source_id}/{target_id}``,
``/memberships/{member_id}/{forum_id}`` and
``/program_partners/{organization_id}/{program_id}``. Both ends must exist
and be of the right kind (else 409); the bodies are
:class:`graph.model.Partnership`, :class:`graph.model.Membership` and
:class:`graph.model.ProgramPartner`. ETags and ``If-Match`` work as for
nodes (:mod:`api.routes.nodes`), checked by the store.
"""

# No `from __future__ import annotations`: the route signatures use types made at run time.

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response, status
from pydantic import BaseModel

from api.access import Access
from api.deps import AccessDep, EditorDep, SettingsDep, StoreDep, ViewerDep
from api.routes.common import (
    PATCH_RETRIES,
    Limit,
    Offset,
    check_references,
    check_text,
    clamp_limit,
    etag,
    if_match,
    mark_audit,
    record_change,
)
from api.schemas import ListPublic, update_model
from graph.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from graph.model import Membership, Partnership, ProgramPartner, RelRecord, edge_record
from graph.store.base import GraphStore, RecordKey

_STALE: dict[int | str, dict[str, Any]] = {
    412: {"description": "If-Match names an ETag that is no longer current."}
}

__all__ = ["ENDS", "edge_router", "memberships", "partnerships", "program_partners", "routers"]

#: Path segment -> (model, source field, target field) of every relationship resource made here.
ENDS: dict[str, tuple[type[BaseModel], str, str]] = {}


def edge_router(
    model: type[BaseModel], path: str, source_field: str, target_field: str
) -> APIRouter:
    """The CRUD router of one explicit relationship type, mounted at ``/{path}``."""
    rel_type: str = model.rel_type  # type: ignore[attr-defined]
    ENDS[path] = (model, source_field, target_field)
    update = update_model(model, exclude=(source_field, target_field))
    page = ListPublic[model]  # type: ignore[valid-type]
    router = APIRouter(prefix=f"/{path}", tags=[path])
    item = f"/{{{source_field}}}/{{{target_field}}}"
    Source = Annotated[str, Path(alias=source_field, description=f"The {source_field}.")]
    Target = Annotated[str, Path(alias=target_field, description=f"The {target_field}.")]

    def public(rel: RelRecord) -> BaseModel:
        return model.model_validate(
            {**rel.props, source_field: rel.source, target_field: rel.target}
        )

    def fetch(store: GraphStore, source: str, target: str, access: Access) -> RelRecord:
        rel = store.get_relationship((source, rel_type, target))
        missing = f"no {path[:-1]} from {source!r} to {target!r}"
        if rel is None or rel.owner is not None:
            raise NotFound(missing)
        if not access.visible_relationships(store, [rel]):
            raise NotFound(missing)
        return rel

    def save(
        store: GraphStore,
        body: BaseModel,
        *,
        create: bool = False,
        expect: dict[RecordKey, str] | None = None,
    ) -> RelRecord:
        rel = edge_record(body)  # type: ignore[arg-type]
        check_text(rel.props, f"the {path[:-1]}")
        check_text([rel.source, rel.target], f"the {path[:-1]}")
        check_references(store, rel_type, {"source": rel.source, "target": rel.target})
        store.write(relationships=[rel], create_only=[rel.key] if create else (), expect=expect)
        return rel

    @router.get("", response_model=page, summary=f"List {path}")
    def list_edges(
        store: StoreDep,
        settings: SettingsDep,
        _who: ViewerDep,
        access: AccessDep,
        source: Annotated[
            str | None, Query(alias=source_field, description=f"Only this {source_field}.")
        ] = None,
        target: Annotated[
            str | None, Query(alias=target_field, description=f"Only this {target_field}.")
        ] = None,
        node_id: Annotated[
            str | None, Query(description="Only relationships with this id at either end.")
        ] = None,
        limit: Limit = None,
        offset: Offset = 0,
    ) -> Any:
        anchor = source or target or node_id
        if anchor:
            rels = store.relationships(anchor, types=[rel_type])
        else:
            rels = list(store.iter_relationships(rel_type))
        rels = sorted(
            (
                r
                for r in rels
                if r.owner is None
                and (source is None or r.source == source)
                and (target is None or r.target == target)
                and (node_id is None or node_id in (r.source, r.target))
            ),
            key=lambda r: r.key,
        )
        rels = access.visible_relationships(store, rels)
        size = clamp_limit(limit, settings)
        return {"data": [public(r) for r in rels[offset : offset + size]], "count": len(rels)}

    @router.get(item, response_model=model, summary=f"Get one of the {path}")
    def get_edge(
        source: Source,
        target: Target,
        response: Response,
        store: StoreDep,
        _who: ViewerDep,
        access: AccessDep,
    ) -> Any:
        rel = fetch(store, source, target, access)
        response.headers["ETag"] = etag(rel.props)
        return public(rel)

    @router.post(
        "",
        response_model=model,
        status_code=status.HTTP_201_CREATED,
        summary=f"Create one of the {path}",
        responses={409: {"description": "It exists already, or an end is missing."}},
    )
    def create_edge(
        body: Annotated[model, Body()],  # type: ignore[valid-type]
        request: Request,
        response: Response,
        store: StoreDep,
        _who: EditorDep,
        access: AccessDep,
    ) -> Any:
        rel = edge_record(body)
        mark_audit(request, rel.source, rel.target)
        access.check_relationship_write(store, rel.source, rel.target)
        message = f"a {path[:-1]} from {rel.source!r} to {rel.target!r} exists: use PATCH"
        if store.get_relationship(rel.key) is not None:
            raise Conflict(message)
        try:
            # The store refuses it if another request or process created it meanwhile.
            saved = save(store, body, create=True)
        except Conflict as exc:
            taken = store.get_relationship(rel.key) is not None
            raise Conflict(message if taken else exc.message) from exc
        item = (saved.source, saved.target)
        record_change(request, "create", path, item, None, {"props": dict(saved.props)})
        response.headers["ETag"] = etag(saved.props)
        return public(saved)

    @router.patch(
        item,
        response_model=model,
        summary=f"Change some fields of one of the {path}",
        responses=_STALE,
    )
    def update_edge(
        source: Source,
        target: Target,
        body: Annotated[update, Body()],  # type: ignore[valid-type]
        request: Request,
        response: Response,
        store: StoreDep,
        _who: EditorDep,
        access: AccessDep,
    ) -> Any:
        mark_audit(request, source, target)
        access.check_relationship_write(store, source, target)
        patch: BaseModel = body
        changes: dict[str, Any] = patch.model_dump(exclude_unset=True)
        for field, value in ((source_field, source), (target_field, target)):
            if field in changes and changes[field] != value:
                raise ValidationFailed(f"body.{field}: the ends of a relationship cannot change")
        key = (source, rel_type, target)
        for _ in range(PATCH_RETRIES):
            current = fetch(store, source, target, access)
            wanted = if_match(request, current.props)
            read = wanted if wanted is not None else etag(current.props).strip('"')
            merged = {**current.props, **changes, source_field: source, target_field: target}
            try:
                saved = save(store, model.model_validate(merged), expect={key: read})
            except PreconditionFailed:
                if wanted is not None:
                    raise
                continue  # another writer got in between: merge onto what it wrote
            before, after = {"props": dict(current.props)}, {"props": dict(saved.props)}
            record_change(request, "update", path, (source, target), before, after)
            response.headers["ETag"] = etag(saved.props)
            return public(saved)
        raise Conflict(f"the {path[:-1]} is being changed by others too often; try again")

    @router.delete(
        item,
        status_code=status.HTTP_204_NO_CONTENT,
        summary=f"Delete one of {path}",
        responses=_STALE,
    )
    def delete_edge(
        source: Source,
        target: Target,
        request: Request,
        store: StoreDep,
        _who: EditorDep,
        access: AccessDep,
    ) -> Response:
        mark_audit(request, source, target)
        access.check_relationship_write(store, source, target)
        key = (source, rel_type, target)
        current = fetch(store, source, target, access)
        wanted = if_match(request, current.props)
        expect: dict[RecordKey, str] | None = {key: wanted} if wanted is not None else None
        if store.delete_relationships([key], expect=expect) == 0:
            raise NotFound(f"no {path[:-1]} from {source!r} to {target!r}")
        record_change(request, "delete", path, (source, target), {"props": current.props}, None)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router


partnerships = edge_router(Partnership, "partnerships", "source_id", "target_id")
memberships = edge_router(Membership, "memberships", "member_id", "forum_id")
#: Not in SPEC section 4's list, but without it the API could not say who partners in a program.
program_partners = edge_router(ProgramPartner, "program_partners", "organization_id", "program_id")
routers: list[APIRouter] = [partnerships, memberships, program_partners]
