"""``GET /export``: the whole graph, or a locality's part, as JSON, CSV (zip), GraphML or GEXF."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import StoreDep, ViewerDep
from graph.errors import NotFound

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
    format: Annotated[Literal["json", "csv", "graphml", "gexf"], Query()] = "json",
    locality_id: Annotated[str | None, Query(description="Only this locality's part.")] = None,
) -> Response:
    from importers.export import MEDIA_TYPES, export_bytes

    if locality_id is not None:
        loc = store.get(locality_id)
        if loc is None or loc.label != "Locality":
            raise NotFound(f"query locality_id: no locality with id {locality_id!r}")
        source = store.subgraph(locality_id)
        stem = f"partnermap-{locality_id}"
    else:
        source = store.subgraph()
        stem = "partnermap"
    media_type, suffix = MEDIA_TYPES[format]
    safe_stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in stem)
    return Response(
        export_bytes(source, format),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{safe_stem}{suffix}"'},
    )
