"""``GET /export``: the whole graph, or a locality's part, as JSON, CSV (zip), GraphML or GEXF.

Without ``as_of`` everything is exported, what has ended included; with
``?as_of=D`` only what counts at ``D`` (:func:`graph.scope.cut`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import AccessDep, StoreDep, ViewerDep
from api.routes.scoping import LocalityDep
from graph.scope import Scope, parse_as_of, read

__all__ = ["router"]

router = APIRouter(prefix="/export", tags=["export"])


@router.get(
    "",
    summary="Export the graph (read back with POST /imports)",
    response_class=Response,
    responses={
        200: {
            "description": "The export file.",
            "content": {
                "application/json": {},
                "application/zip": {},
                "application/graphml+xml": {},
                "application/gexf+xml": {},
            },
        }
    },
)
def export(
    store: StoreDep,
    _who: ViewerDep,
    access: AccessDep,
    locality_id: LocalityDep,
    format: Annotated[Literal["json", "csv", "graphml", "gexf"], Query()] = "json",
    as_of: Annotated[
        str | None,
        Query(
            description="Only what counts on this date (YYYY or YYYY-MM-DD); "
            "default: everything, ended things included.",
            max_length=10,
        ),
    ] = None,
) -> Response:
    from importers.export import MEDIA_TYPES, export_bytes

    dated = bool(as_of and as_of.strip())
    scope = Scope(locality_id, parse_as_of(as_of, "query as_of"))
    # Cut to what the key sees; role holders only for keys that may see personal data.
    source = access.public_graph(read(store, scope, dated=dated, where="query locality_id"), store)
    stem = f"partnermap-{locality_id}" if locality_id is not None else "partnermap"
    if dated:
        stem += f"-{scope.as_of.isoformat()}"
    media_type, suffix = MEDIA_TYPES[format]
    safe_stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in stem)
    return Response(
        export_bytes(source, format),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{safe_stem}{suffix}"'},
    )
