"""``GET /analysis/changes`` and ``GET /analysis/health``: the network over time (SPEC section 6).

The same objects as ``partnermap changes --json`` and ``partnermap health
--json``, cached per graph version and request in a small
:class:`~api.routes.analysis.BoundedCache`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import StoreDep, ViewerDep
from api.routes.analysis import BoundedCache
from api.routes.scoping import ContextParam, LocalityDep
from graph.errors import NotFound, ValidationFailed
from graph.scope import Scope, parse_as_of
from graph.store.base import GraphStore

__all__ = ["router"]

router = APIRouter(prefix="/analysis", tags=["analysis"])

_LOCK = threading.Lock()
_DateParam = Annotated[
    str | None, Query(description="YYYY (31 December) or YYYY-MM-DD.", max_length=10)
]
_OBJECT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The JSON object.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def _cached(
    request: Request, store: GraphStore, key: tuple[Any, ...], compute: Callable[[], Any]
) -> Response:
    with _LOCK:
        cache = getattr(request.app.state, "time_cache", None)
        if cache is None:
            cache = BoundedCache(16)
            request.app.state.time_cache = cache
    full = (store.graph_version(), *key)
    body: bytes = cache.get(
        full, lambda: json.dumps(compute(), ensure_ascii=False, default=str).encode("utf-8")
    )
    return Response(body, media_type="application/json")


@router.get(
    "/changes",
    summary="What changed between two dates",
    description=(
        "Compares the locality (or the whole graph) as of `from` and as of `to`: ties added "
        "and ended with their evidence, actors that joined and left, isolated actors that got "
        "connected or became isolated, duplicated programs that appeared, were resolved or "
        "became coordinated, forums that gained or lost a sector, bridge ranks, metric deltas."
    ),
    response_class=Response,
    responses=_OBJECT,
)
def changes(
    request: Request,
    store: StoreDep,
    _who: ViewerDep,
    locality_id: LocalityDep,
    start: Annotated[
        str, Query(alias="from", description="The first date: YYYY or YYYY-MM-DD.", max_length=10)
    ],
    end: Annotated[
        str | None, Query(alias="to", description="The second date (default today).", max_length=10)
    ] = None,
    context: ContextParam = "both",
) -> Response:
    from graph.analytics.changes import changes_report

    before, after = parse_as_of(start, "query from", start=True), parse_as_of(end, "query to")
    if before > after:
        raise ValidationFailed(
            f"query from: {before.isoformat()} comes after to ({after.isoformat()})"
        )
    scope = Scope(locality_id, after, context)
    return _cached(
        request,
        store,
        ("changes", before, scope),
        lambda: changes_report(store, before, after, scope),
    )


@router.get(
    "/health",
    summary="Partnership health: trust and value from the survey waves",
    description=(
        "For one survey wave (default the latest): who answered, trust and value of each "
        "rated tie and organisation and of the network, the change since the previous wave, "
        "and the concerns (valued but not trusted, not returned, declined, silent)."
    ),
    response_class=Response,
    responses=_OBJECT,
)
def health(
    request: Request,
    store: StoreDep,
    _who: ViewerDep,
    locality_id: LocalityDep,
    wave: Annotated[
        str | None,
        Query(description="The wave's date, YYYY-MM-DD (default the latest).", max_length=10),
    ] = None,
) -> Response:
    from graph.analytics.health import health_report
    from graph.scope import start_date

    try:
        day = start_date(wave) if wave else None
    except ValueError:
        raise ValidationFailed(f"query wave: expected a date as YYYY-MM-DD, got {wave!r}") from None

    def build() -> dict[str, Any]:
        try:
            return health_report(store, Scope(locality_id), wave=day)
        except NotFound as exc:  # name the request's part, as every other answer does
            if exc.message.startswith("wave:"):
                raise NotFound(f"query {exc.message}") from None
            raise

    return _cached(request, store, ("health", locality_id, day), build)
