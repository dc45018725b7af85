"""The fund's instruments over HTTP: ``/analysis/compass`` and ``/analysis/localities``.

Both answer the same JSON as ``partnermap compass --json`` and
``partnermap rank-localities --json``, with the rubric the server was started
with (``PARTNERMAP_RUBRIC``, else the one that ships). Ranking needs every locality's summary
(:func:`graph.analytics.overview.locality_summaries`: one read of the whole
store), so summaries and rankings are cached per graph version, as-of date
and context in :func:`fund_cache`; the all-localities dashboard reads the
same cache through :func:`overview`.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import AccessDep, StoreDep, ViewerDep
from api.routes.analysis import BoundedCache
from api.routes.scoping import AsOfParam, ContextParam, OneLocalityDep
from graph.scope import Scope, parse_as_of
from graph.store.base import GraphStore

__all__ = ["fund_cache", "overview", "router"]

router = APIRouter(prefix="/analysis", tags=["analysis"])

FundCache = BoundedCache[tuple[str, ...], Any]
_LOCK = threading.Lock()

_JSON: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"schema": {"type": "object"}}},
          "description": "The answer, as the CLI's --json."},
}  # fmt: skip


def fund_cache(request: Request) -> FundCache:
    """The app's cache of summaries and rankings, made on first use."""
    state = request.app.state
    cache: FundCache | None = getattr(state, "fund_cache", None)
    if cache is None:
        with _LOCK:
            cache = getattr(state, "fund_cache", None)
            if cache is None:
                cache = BoundedCache(8)
                state.fund_cache = cache
    return cache


def overview(
    request: Request, store: GraphStore, scope: Scope
) -> tuple[dict[str, dict[str, Any]], dict[str, Any], float]:
    """Every locality's summary, the server's ranking, and the seconds they took to compute.

    Cached per graph version, as-of date and context: a repeated call reads the
    graph version and nothing else.
    """
    from graph.analytics.overview import locality_summaries
    from graph.analytics.selection import rank_localities

    def compute() -> tuple[dict[str, dict[str, Any]], dict[str, Any], float]:
        started = time.perf_counter()
        summaries = locality_summaries(store, scope)
        rubric = request.app.state.rubric
        ranking = rank_localities(store, rubric, scope=scope, summaries=summaries)
        return summaries, ranking, time.perf_counter() - started

    key = ("overview", store.graph_version(), scope.as_of.isoformat(), scope.context)
    found: tuple[dict[str, dict[str, Any]], dict[str, Any], float] = fund_cache(request).get(
        key, compute
    )
    return found


def _json(data: Any) -> Response:
    body = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    return Response(body, media_type="application/json")


@router.get(
    "/compass",
    summary="The infrastructure outcomes compass of a locality (as `partnermap compass --json`)",
    name="analysis_compass",
    response_class=Response,
    responses=_JSON,
)
def compass(
    store: StoreDep,
    _who: ViewerDep,
    scope: OneLocalityDep,
) -> Response:
    """Outcome × domain cells with their first and latest status and the change; met shares."""
    from graph.analytics.compass import compass_report

    return _json(compass_report(store, scope))


@router.get(
    "/localities",
    summary="Localities ranked by the selection rubric (as `partnermap rank-localities --json`)",
    name="analysis_localities",
    response_class=Response,
    responses=_JSON,
)
def localities(
    request: Request,
    store: StoreDep,
    _who: ViewerDep,
    access: AccessDep,
    as_of: AsOfParam = None,
    context: ContextParam = "both",
) -> Response:
    """Ranking with a per-criterion breakdown (value, points, weight) and missing criteria."""
    scope = Scope(None, parse_as_of(as_of, "query as_of"), context)
    _, ranking, _ = overview(request, store, scope)
    if access.scoped:  # a key scoped to localities sees only its own
        mine = set(access.allowed_localities(e["id"] for e in ranking["localities"]))
        ranking = {**ranking, "localities": [e for e in ranking["localities"] if e["id"] in mine]}
    return _json(ranking)
