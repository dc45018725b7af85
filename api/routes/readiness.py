"""``GET /analysis/readiness``: emergency readiness of one locality (SPEC section 7).

The same object as ``partnermap readiness --locality ID --json``, cached per
graph version, locality and as-of date.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import AccessDep, StoreDep, ViewerDep
from api.routes.analysis import BoundedCache
from graph.errors import NotFound
from graph.scope import parse_as_of

__all__ = ["router"]

router = APIRouter(prefix="/analysis", tags=["analysis"])

_LOCK = threading.Lock()


def _cache(request: Request) -> BoundedCache[tuple[str, str, str], bytes]:
    """This app's cache of readiness answers (made on first use)."""
    with _LOCK:
        cache = getattr(request.app.state, "readiness_cache", None)
        if cache is None:
            cache = BoundedCache(16)
            request.app.state.readiness_cache = cache
        return cache


@router.get(
    "/readiness",
    summary="Emergency readiness of a locality",
    description=(
        "Each need of the locality with its providers, capacity, coverage and status; "
        "the fewest emergency ties from the emergency team to each provider; providers "
        "nobody on the team can reach; single points of failure; whom to invite to the team."
    ),
)
def readiness(
    request: Request,
    store: StoreDep,
    _who: ViewerDep,
    access: AccessDep,
    locality_id: Annotated[str, Query(description="The locality's id.")],
    as_of: Annotated[
        str | None, Query(description="The date of the view: YYYY or YYYY-MM-DD (default today).")
    ] = None,
) -> Any:
    import json

    from graph.analytics.readiness import readiness_report

    date = parse_as_of(as_of, "query as_of")
    access.locality(store, locality_id, "query locality_id")
    loc = store.get(locality_id)
    if loc is None or loc.label != "Locality":
        raise NotFound(f"query locality_id: no locality with id {locality_id!r}")
    key = (store.graph_version(), locality_id, date.isoformat())

    def compute() -> bytes:
        report = readiness_report(store, locality_id, as_of=date)
        return json.dumps(report, ensure_ascii=False).encode("utf-8")

    return Response(_cache(request).get(key, compute), media_type="application/json")
