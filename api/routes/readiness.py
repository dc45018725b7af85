"""``GET /analysis/readiness``: emergency readiness of one locality (SPEC section 7).

The same object as ``partnermap readiness --locality ID --json``, cached per
graph version, locality and as-of date.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import StoreDep, ViewerDep
from api.routes.analysis import BoundedCache
from api.routes.scoping import OneLocalityDep

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
    scope: OneLocalityDep,
) -> Any:
    import json

    from graph.analytics.readiness import readiness_report

    locality_id, date = str(scope.locality_id), scope.as_of
    key = (store.graph_version(), locality_id, date.isoformat())

    def compute() -> bytes:
        report = readiness_report(store, locality_id, as_of=date)
        return json.dumps(report, ensure_ascii=False).encode("utf-8")

    return Response(_cache(request).get(key, compute), media_type="application/json")
