"""Analysis: the report of ``partnermap analyze --json`` and its sections.

The report is computed by :func:`graph.analytics.report.analysis_report`
(imported when first needed) and cached per graph version and scope in a
small LRU :class:`ReportCache` (the key holds the as-of date: a report of
2023 and one of today are two entries); concurrent requests for the same report
wait for one computation rather than each starting their own. The cache is
built on :class:`BoundedCache`, which the map and dashboard pages share.

``GET /analysis`` answers the whole report exactly as SPEC section 3 (the
same object as ``partnermap analyze --json``). The list sections
(``/duplicates``, ``/isolates``, ``/bridges``, ``/leverage``) answer one page,
``{"data": [...], "count": total, "graph_version": ..., "scope": ...}``:
on a national graph a section holds tens of thousands of findings (35,000
isolates, 23 MB of JSON), too much for one answer. ``/metrics`` is one small
object and is sent as it is.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, Request, Response

from api.deps import SettingsDep, StoreDep, ViewerDep
from api.report_schemas import (
    AnalysisReport,
    Bridge,
    Duplicate,
    Isolate,
    LeveragePoint,
    Metrics,
    SectionPage,
)
from api.routes.common import Limit, Offset, clamp_limit
from api.routes.scoping import ScopeDep
from graph.errors import ValidationFailed
from graph.hygiene import dumps_finite
from graph.scope import Scope
from graph.store.base import GraphStore

__all__ = ["PAGED_SECTIONS", "BoundedCache", "ReportCache", "router"]

router = APIRouter(prefix="/analysis", tags=["analysis"])

Key = tuple[str, Scope]
Compute = Callable[[GraphStore, Scope], dict[str, Any]]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: The sections that are lists of findings, answered a page at a time.
PAGED_SECTIONS = ("duplicates", "isolates", "bridges", "leverage")


def _compute(store: GraphStore, scope: Scope) -> dict[str, Any]:
    from graph.analytics.report import analysis_report

    report: dict[str, Any] = analysis_report(store, scope, seed=0)
    return report


class BoundedCache(Generic[K, V]):
    """The ``size`` most recently used values by key, each computed once.

    Concurrent :meth:`get` calls for one missing key wait for a single
    computation; calls for other keys do not wait. A computation that raises
    caches nothing. Keys should hold ``store.graph_version()`` so that a write
    makes every older value unreachable (and soon evicted).

    Parameters
    ----------
    size : int
        The most values kept.
    max_weight : int, optional
        With ``weigh``: the most total weight kept (say, bytes); the least
        recently used values go first, and a value heavier than this alone
        is returned but not kept.
    weigh : callable, optional
        A value's weight (say, ``len`` of encoded bytes).

    Examples
    --------
    >>> cache: BoundedCache[str, int] = BoundedCache(2)
    >>> cache.get("a", lambda: 1), cache.get("a", lambda: 2), cache.get("b", lambda: 3)
    (1, 1, 3)
    >>> cache.get("c", lambda: 4), "a" in cache, len(cache)
    (4, False, 2)
    >>> pages: BoundedCache[str, bytes] = BoundedCache(9, max_weight=5, weigh=len)
    >>> pages.get("x", lambda: b"abc"), pages.get("y", lambda: b"de"), len(pages)
    (b'abc', b'de', 2)
    >>> pages.get("z", lambda: b"f"), "x" in pages, pages.weight
    (b'f', False, 3)
    """

    def __init__(
        self,
        size: int = 16,
        *,
        max_weight: int | None = None,
        weigh: Callable[[V], int] | None = None,
    ) -> None:
        self.size = size
        self.max_weight = max_weight
        self._weigh = weigh
        #: The total weight of the values kept (0 without ``weigh``).
        self.weight = 0
        self._items: OrderedDict[K, V] = OrderedDict()
        self._locks: dict[K, threading.Lock] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def _cached(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def _keep(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            if self._weigh is not None:
                self.weight += self._weigh(value)
            while self._items and (
                len(self._items) > self.size
                or (self.max_weight is not None and self.weight > self.max_weight)
            ):
                old, dropped = self._items.popitem(last=False)
                self._locks.pop(old, None)
                if self._weigh is not None:
                    self.weight -= self._weigh(dropped)

    def get(self, key: K, compute: Callable[[], V]) -> V:
        """The value of ``key``: the cached one, else ``compute()`` (then kept)."""
        value = self._cached(key)
        if value is not None:
            return value
        with self._lock:
            key_lock = self._locks.setdefault(key, threading.Lock())
        try:
            with key_lock:
                value = self._cached(key)
                if value is None:
                    value = compute()
                    self._keep(key, value)
        finally:
            with self._lock:
                if key not in self._items:
                    self._locks.pop(key, None)
        return value


@dataclass
class _Entry:
    """One report and its sections already encoded as JSON."""

    report: dict[str, Any]
    encoded: dict[str, bytes] = field(default_factory=dict)


def _dumps(value: Any) -> bytes:
    return dumps_finite(value, ensure_ascii=False, default=str).encode("utf-8")


class ReportCache:
    """Reports by ``(graph_version, scope)``, the ``size`` most recent kept.

    The scope (:class:`graph.scope.Scope`) holds the locality, the as-of date
    and the context, so each date is its own entry.

    Examples
    --------
    >>> import datetime as dt
    >>> calls = []
    >>> cache = ReportCache(2, compute=lambda s, sc: calls.append(sc.as_of.year) or {"y": 1})
    >>> class Store:
    ...     def graph_version(self): return "v1"
    >>> now, then = Scope("l1", dt.date(2026, 1, 1)), Scope("l1", dt.date(2023, 1, 1))
    >>> cache.get(Store(), now), cache.get(Store(), now), cache.get(Store(), then), calls
    ({'y': 1}, {'y': 1}, {'y': 1}, [2026, 2023])
    """

    def __init__(self, size: int = 16, compute: Compute = _compute) -> None:
        self.size = size
        self._compute = compute
        self._items: BoundedCache[Key, _Entry] = BoundedCache(size)

    def _entry(self, store: GraphStore, scope: Scope, compute: Compute | None = None) -> _Entry:
        key = (store.graph_version(), scope)
        run = compute or self._compute
        return self._items.get(key, lambda: _Entry(run(store, scope)))

    def get(
        self, store: GraphStore, scope: Scope, *, compute: Compute | None = None
    ) -> dict[str, Any]:
        """The report of this scope at the store's current version.

        ``compute`` replaces the cache's own computation for a missing entry
        (the map route builds its network once and makes the report from it).
        """
        return self._entry(store, scope, compute).report

    def get_json(self, store: GraphStore, scope: Scope, section: str = "") -> bytes:
        """The report (or one ``section`` of it) as UTF-8 JSON, encoded once per version."""
        entry = self._entry(store, scope)
        encoded = entry.encoded.get(section)
        if encoded is None:
            encoded = _dumps(entry.report.get(section) if section else entry.report)
            entry.encoded[section] = encoded  # a race only encodes twice
        return encoded

    def get_page(
        self, store: GraphStore, scope: Scope, section: str, offset: int, limit: int
    ) -> bytes:
        """``limit`` findings of a list ``section`` from ``offset``, as UTF-8 JSON.

        ``{"data": [...], "count": total, "graph_version": ..., "scope": ...}``.

        Examples
        --------
        >>> cache = ReportCache(compute=lambda s, sc: {
        ...     "graph_version": "v1", "scope": {"locality_id": sc.locality_id},
        ...     "isolates": [1, 2, 3]})
        >>> class Store:
        ...     def graph_version(self): return "v1"
        >>> import json
        >>> json.loads(cache.get_page(Store(), Scope(), "isolates", 1, 1))
        {'data': [2], 'count': 3, 'graph_version': 'v1', 'scope': {'locality_id': None}}
        """
        report = self._entry(store, scope).report
        items: list[Any] = report.get(section) or []
        return _dumps(
            {
                "data": items[offset : offset + limit],
                "count": len(items),
                "graph_version": report.get("graph_version"),
                "scope": report.get("scope"),
            }
        )


# The bodies are sent as the cache holds them (the report's own JSON, byte for byte);
# these models only describe them in /openapi.json (tests validate real reports).
_JSON_OBJECT: dict[int | str, dict[str, Any]] = {
    200: {"model": AnalysisReport, "description": "The report as JSON."}
}
_JSON_ANY: dict[int | str, dict[str, Any]] = {
    200: {"model": Metrics, "description": "The metrics object as JSON."}
}
_PAGE_MODELS: dict[str, type[Any]] = {
    "duplicates": SectionPage[Duplicate],
    "isolates": SectionPage[Isolate],
    "bridges": SectionPage[Bridge],
    "leverage": SectionPage[LeveragePoint],
}


def _json_page(name: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "model": _PAGE_MODELS[name],
            "description": "One page of the section's findings and how many there are in all.",
        }
    }


_PAGE_DOC = """One page of the report's `{name}` list, in the report's order.

Answers `{{"data": [...], "count": total, "graph_version": ..., "scope": ...}}`:
`limit` findings (default and largest page set by the server; a larger
`limit` is 422) from `offset`, with `count` the length of the whole list.
This replaced the bare list these sections once sent: on a national graph a
section holds tens of thousands of findings. `GET /analysis` still sends the
whole report, unpaged, as `partnermap analyze --json`."""


def _report(request: Request, store: GraphStore, scope: Scope, section: str = "") -> Response:
    cache: ReportCache = request.app.state.report_cache
    body = cache.get_json(store, scope, section)
    return Response(body, media_type="application/json")


@router.get(
    "",
    summary="The whole analysis report (as `partnermap analyze --json`)",
    response_class=Response,
    responses=_JSON_OBJECT,
)
def analysis(request: Request, store: StoreDep, _who: ViewerDep, scope: ScopeDep) -> Response:
    """The whole report of SPEC section 3, unpaged (the sections page it), as of `as_of`."""
    return _report(request, store, scope)


def _paged_section(name: str, doc: str) -> None:
    @router.get(
        f"/{name}",
        summary=doc,
        description=_PAGE_DOC.format(name=name),
        name=f"analysis_{name}",
        response_class=Response,
        responses=_json_page(name),
    )
    def section(
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
        _who: ViewerDep,
        scope: ScopeDep,
        limit: Limit = None,
        offset: Offset = 0,
    ) -> Response:
        if limit is not None and limit > settings.max_page_size:
            raise ValidationFailed(
                f"query limit: {limit} is above the largest page this server sends "
                f"({settings.max_page_size})"
            )
        cache: ReportCache = request.app.state.report_cache
        body = cache.get_page(store, scope, name, offset, clamp_limit(limit, settings))
        return Response(body, media_type="application/json")


for _name, _doc in (
    ("duplicates", "Programs that look like duplicated interventions"),
    ("isolates", "Actors with no or few ties"),
    ("bridges", "Actors that bridge sectors"),
    ("leverage", "Where a small push moves much"),
):
    _paged_section(_name, _doc)


@router.get(
    "/metrics",
    summary="Size, density and cross-sector share of the network",
    name="analysis_metrics",
    response_class=Response,
    responses=_JSON_ANY,
)
def metrics(request: Request, store: StoreDep, _who: ViewerDep, scope: ScopeDep) -> Response:
    """The report's `metrics` object as it is: small, so not paged."""
    return _report(request, store, scope, "metrics")
