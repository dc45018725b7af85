"""``GET /reports/{locality_id}``: a locality's meeting-ready pack as Excel or PDF."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep, ViewerDep
from api.routes.scoping import AsOfParam, LocalityPathDep
from graph.scope import parse_as_of

__all__ = ["router"]

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get(
    "/{locality_id}",
    summary="A locality's report for a meeting: findings, measures, charts and the map",
    name="locality_report",
    response_class=Response,
    responses={
        200: {
            "description": "The report file.",
            "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                "application/pdf": {},
            },
        }
    },
)
async def locality_report(
    store: StoreDep,
    _who: ViewerDep,
    locality_id: LocalityPathDep,
    format: Annotated[Literal["xlsx", "pdf"], Query(description="xlsx or pdf.")] = "xlsx",
    lang: Annotated[Literal["he", "en", "ar"], Query(description="The language.")] = "he",
    as_of: AsOfParam = None,
) -> Response:
    from viz.reports import FORMATS, build_pack, pdf_bytes, workbook_bytes

    date = parse_as_of(as_of, "query as_of")

    def make() -> bytes:
        pack = build_pack(store, locality_id, lang=lang, as_of=date)
        return workbook_bytes(pack) if format == "xlsx" else pdf_bytes(pack)

    data = await run_in_threadpool(make)
    media_type, suffix = FORMATS[format]
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in locality_id)
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="partnermap-{safe}{suffix}"'},
    )
