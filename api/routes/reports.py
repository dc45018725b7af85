"""``GET /reports/{locality_id}``: a locality's meeting-ready pack as Excel or PDF."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from starlette.concurrency import run_in_threadpool

from api.deps import AccessDep, StoreDep, ViewerDep
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
    access: AccessDep,
    locality_id: Annotated[str, Path(description="A locality's id.")],
    format: Annotated[Literal["xlsx", "pdf"], Query(description="xlsx or pdf.")] = "xlsx",
    lang: Annotated[Literal["he", "en", "ar"], Query(description="The language.")] = "he",
    as_of: Annotated[str | None, Query(description="As of this date (YYYY-MM-DD).")] = None,
) -> Response:
    from viz.reports import FORMATS, build_pack, pdf_bytes, workbook_bytes

    date = parse_as_of(as_of, "query as_of")
    access.locality(store, locality_id, "path locality_id")

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
