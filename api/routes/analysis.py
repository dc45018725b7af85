"""Analysis: the report of ``partnermap analyze --json`` and its sections.

The report is computed by :func:`graph.analytics.report.analysis_report`
(imported when first needed) and cached per graph version and scope in a
small LRU :class:`ReportCache`; concurrent requests for the same report
wait for one computation rather than each starting their own.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from api.deps import StoreDep, ViewerDep
from graph.errors import NotFound, StoreUnavailable
from graph.store.base import GraphStore

__all__ = ["ReportCache", "router"]

router = APIRouter(prefix="/analysis", tags=["analysis"])

Key = tuple[str, str | None, str]
Compute = Callable[[GraphStore, str | None, str], dict[str, Any]]


def _compute(store: GraphStore, locality_id: str | None, context: str) -> dict[str, Any]:
    try:
        from graph.analytics.report import analysis_report
    except ImportError as exc:
        raise StoreUnavailable(f"the analysis module is not available: {exc}") from exc
    report: dict[str, Any] = analysis_report(
        store, locality_id=locality_id, context=context, seed=0
    )
    return report


class ReportCache:
    """Reports by ``(graph_version, locality_id, context)``, the ``size`` most recent kept.

    Examples
    --------
    >>> calls = []
    >>> cache = ReportCache(2, compute=lambda s, loc, ctx: calls.append(loc) or {"loc": loc})
    >>> class Store:
    ...     def graph_version(self): return "v1"
    >>> cache.get(Store(), "l1", "both"), cache.get(Store(), "l1", "both"), calls
    ({'loc': 'l1'}, {'loc': 'l1'}, ['l1'])
    """

    def __init__(self, size: int = 16, compute: Compute = _compute) -> None:
        self.size = size
        self._compute = compute
        self._items: OrderedDict[Key, dict[str, Any]] = OrderedDict()
        self._encoded: dict[tuple[Key, str], bytes] = {}
        self._locks: dict[Key, threading.Lock] = {}
        self._lock = threading.Lock()

    def _cached(self, key: Key) -> dict[str, Any] | None:
        with self._lock:
            report = self._items.get(key)
            if report is not None:
                self._items.move_to_end(key)
            return report

    def get(self, store: GraphStore, locality_id: str | None, context: str) -> dict[str, Any]:
        return self._get((store.graph_version(), locality_id, context), store)

    def get_json(
        self, store: GraphStore, locality_id: str | None, context: str, section: str = ""
    ) -> bytes:
        """The report (or one ``section`` of it) as UTF-8 JSON, encoded once per version."""
        key = (store.graph_version(), locality_id, context)
        report = self._get(key, store)
        with self._lock:
            encoded = self._encoded.get((key, section))
        if encoded is None:
            value = report.get(section) if section else report
            encoded = json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
            with self._lock:
                if key in self._items:
                    self._encoded[(key, section)] = encoded
        return encoded

    def _get(self, key: Key, store: GraphStore) -> dict[str, Any]:
        locality_id, context = key[1], key[2]
        report = self._cached(key)
        if report is not None:
            return report
        with self._lock:
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            report = self._cached(key)
            if report is None:
                report = self._compute(store, locality_id, context)
                with self._lock:
                    self._items[key] = report
                    while len(self._items) > self.size:
                        old, _ = self._items.popitem(last=False)
                        self._locks.pop(old, None)
                        for done in [k for k in self._encoded if k[0] == old]:
                            del self._encoded[done]
        with self._lock:
            if key not in self._items:
                self._locks.pop(key, None)
        return report


LocalityParam = Annotated[str | None, Query(description="One locality; default the whole graph.")]
ContextParam = Annotated[
    Literal["both", "routine", "emergency"],
    Query(description="Keep ties of this context (and of both)."),
]


_JSON_OBJECT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report as JSON.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
_JSON_ANY: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The section as JSON (a list of findings, or the metrics object).",
        "content": {"application/json": {"schema": {}}},
    }
}


def _report(
    request: Request, store: GraphStore, locality_id: str | None, context: str, section: str = ""
) -> Response:
    if locality_id is not None:
        loc = store.get(locality_id)
        if loc is None or loc.label != "Locality":
            raise NotFound(f"query locality_id: no locality with id {locality_id!r}")
    cache: ReportCache = request.app.state.report_cache
    body = cache.get_json(store, locality_id, context, section)
    return Response(body, media_type="application/json")


@router.get(
    "",
    summary="The whole analysis report (as `partnermap analyze --json`)",
    response_class=Response,
    responses=_JSON_OBJECT,
)
def analysis(
    request: Request,
    store: StoreDep,
    _who: ViewerDep,
    locality_id: LocalityParam = None,
    context: ContextParam = "both",
) -> Response:
    return _report(request, store, locality_id, context)


def _section(name: str, doc: str) -> None:
    @router.get(
        f"/{name}",
        summary=doc,
        name=f"analysis_{name}",
        response_class=Response,
        responses=_JSON_ANY,
    )
    def section(
        request: Request,
        store: StoreDep,
        _who: ViewerDep,
        locality_id: LocalityParam = None,
        context: ContextParam = "both",
    ) -> Response:
        return _report(request, store, locality_id, context, name)


for _name, _doc in (
    ("duplicates", "Programs that look like duplicated interventions"),
    ("isolates", "Actors with no or few ties"),
    ("bridges", "Actors that bridge sectors"),
    ("leverage", "Where a small push moves much"),
    ("metrics", "Size, density and cross-sector share of the network"),
):
    _section(_name, _doc)
