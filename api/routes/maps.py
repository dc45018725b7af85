"""Maps and dashboards as HTML: ``/maps/{id}``, ``/dashboard/{id}`` and ``/dashboard``.

Every page is self-contained (scripts and styles inlined, nothing fetched
from a network), Hebrew and right-to-left by default and English with
``?lang=en``. ``?context=`` keeps the ties of routine or emergency work.
``/maps/{locality_id}?download=true`` sends the map as a file to keep.

Drawing a page costs seconds of CPU on a large locality (about 1.5 s for a
2,000-node map), so every page is kept, encoded, in a :class:`BoundedCache`
on ``app.state.page_cache`` by ``(page, graph_version, locality_id, lang,
context, as_of, download)``: a repeated request reads the graph version and
nothing else. A write makes a new graph version, hence new pages. The cache
holds at most ``analysis_cache_size`` pages and :data:`PAGE_CACHE_BYTES` (a
2,000-node map is 4-5 MB).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.routing import NoMatchFound

from api.deps import AccessDep, StoreDep, ViewerDep
from api.routes.analysis import BoundedCache
from api.routes.scoping import AsOfParam, LocalityScopeDep
from graph.errors import ValidationFailed
from graph.model import NodeRecord
from graph.scope import Scope, parse_as_of
from graph.store.base import GraphStore
from viz.i18n import LANGS, pick_lang
from viz.maps import (
    LocalityView,
    load_locality,
    render_dashboard,
    render_locality_index,
    render_map,
)
from viz.sections import SECTION_PARAMS, SectionRequest, build_sections
from viz.time_map import time_mode

__all__ = ["PAGE_CACHE_BYTES", "PageCache", "display_name", "page_cache", "router"]

#: The most bytes of HTML the page cache keeps.
PAGE_CACHE_BYTES = 64 * 1024 * 1024

#: Encoded HTML pages by ``(page, graph_version, *request parts)``.
PageCache = BoundedCache[tuple[str | bool, ...], bytes]
_PAGE_CACHE_LOCK = threading.Lock()

router = APIRouter(tags=["maps"])

LangParam = Annotated[
    Literal["he", "en", "ar"],
    Query(description="Page language: he (default, right to left), en, or ar (right to left)."),
]
_HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "An HTML page."}
}


def display_name(node: NodeRecord, lang: str) -> str:
    """The node's name in ``lang`` when it has one, else its name.

    >>> display_name(NodeRecord("Locality", "l", {"name": "שדרות", "name_en": "Sderot"}), "en")
    'Sderot'
    """
    return str(node.props.get(f"name_{pick_lang(lang)}") or node.name)


def page_cache(request: Request) -> PageCache:
    """The app's page cache, made on first use."""
    state = request.app.state
    cache: PageCache | None = getattr(state, "page_cache", None)
    if cache is None:
        with _PAGE_CACHE_LOCK:
            cache = getattr(state, "page_cache", None)
            if cache is None:
                settings = getattr(state, "settings", None)
                cache = BoundedCache(
                    settings.analysis_cache_size if settings else 16,
                    max_weight=PAGE_CACHE_BYTES,
                    weigh=len,
                )
                state.page_cache = cache
    return cache


def _cached_page(
    request: Request, store: GraphStore, parts: tuple[Any, ...], draw: Callable[[], str]
) -> bytes:
    # The version is read first: a write while drawing can only make the page newer.
    key = (parts[0], store.graph_version(), *parts[1:])
    return page_cache(request).get(key, lambda: draw().encode("utf-8"))


def _view(request: Request, store: GraphStore, scope: Scope) -> LocalityView:
    cache = getattr(request.app.state, "report_cache", None)
    if cache is None:
        return load_locality(store, str(scope.locality_id), scope=scope)
    built: list[LocalityView] = []

    def compute(_store: GraphStore, _scope: Scope) -> dict[str, Any]:
        # A cold cache: read and build once, and keep the report this view made.
        built.append(load_locality(store, str(scope.locality_id), scope=scope))
        return built[0].report or {}

    report = cache.get(store, scope, compute=compute)
    if built:
        return built[0]
    return load_locality(store, str(scope.locality_id), scope=scope, report=report)


def _url(request: Request, name: str, query: Mapping[str, str], **path: str) -> str:
    url = request.url_for(name, **path).include_query_params(**query)
    return str(url.path) + ("?" + url.query if url.query else "")


def _lang_links(
    request: Request, name: str, lang: str, query: Mapping[str, str], **path: str
) -> dict[str, str]:
    """``lang_<code>``: the same page in each other language."""
    return {
        f"lang_{code}": _url(request, name, {"lang": code, **query}, **path)
        for code in LANGS
        if code != lang
    }


def _export_url(request: Request, locality_id: str, fmt: str) -> str:
    try:
        return _url(request, "export", {"format": fmt, "locality_id": locality_id})
    except NoMatchFound:  # an app without the export router
        return ""


@router.get(
    "/maps/{locality_id}",
    response_class=HTMLResponse,
    responses=_HTML,
    summary="The interactive network map of a locality (self-contained HTML)",
    name="locality_map",
)
def locality_map(
    request: Request,
    store: StoreDep,
    _who: ViewerDep,
    scope: LocalityScopeDep,
    lang: LangParam = "he",
    download: Annotated[bool, Query(description="Send as a file to save.")] = False,
    view_name: Annotated[
        Literal["network", "readiness"],
        Query(
            alias="view",
            description="readiness: mark the providers of the locality's emergency needs "
            "(with their contact role) and draw the emergency team as a group.",
        ),
    ] = "network",
    changes_from: Annotated[
        str | None,
        Query(
            description="Draw the ties that started (green) and ended (orange, dashed) "
            "from this date (YYYY or YYYY-MM-DD) to changes_to.",
            max_length=10,
        ),
    ] = None,
    changes_to: Annotated[
        str | None,
        Query(description="The end of changes_from's period (default as_of).", max_length=10),
    ] = None,
    ties: Annotated[
        Literal["sector", "trust"],
        Query(description="trust: colour each tie by the trust of the latest survey wave."),
    ] = "sector",
) -> HTMLResponse:
    locality_id = str(scope.locality_id)
    context = scope.context
    as_of = scope.as_of.isoformat()
    dated = {"as_of": as_of} if request.query_params.get("as_of") else {}
    start = parse_as_of(changes_from, "query changes_from") if changes_from else None
    end = parse_as_of(changes_to, "query changes_to") if changes_to else None
    if start is not None and start > (end or scope.as_of):
        raise ValidationFailed("query changes_from: comes after changes_to (or as_of)")

    def draw() -> str:
        view = _view(request, store, scope)
        network, mode = time_mode(store, scope, lang, changes_from=start, changes_to=end, ties=ties)
        overlay = None
        if view_name == "readiness":
            from graph.analytics.readiness import readiness_report
            from graph.vocabulary import render
            from viz.readiness_map import readiness_overlay

            report = readiness_report(store, locality_id, as_of=scope.as_of)
            overlay = readiness_overlay(report, lang, team_name=render("readiness.ui.team", lang))
        links = (
            {}
            if download
            else {
                **_lang_links(
                    request,
                    "locality_map",
                    lang,
                    {"context": context, **dated},
                    locality_id=locality_id,
                ),
                "dashboard": _url(
                    request,
                    "locality_dashboard",
                    {"lang": lang, "context": context, **dated},
                    locality_id=locality_id,
                ),
                "glossary": _url(request, "glossary", {"lang": lang}),
            }
        )
        return render_map(
            network if network is not None else view.network,
            view.report,
            sub=view.sub,
            lang=lang,
            context=context,
            title=display_name(view.locality, lang),
            links=links,
            readiness=overlay,
            mode=mode,
        )

    key = ("map", locality_id, lang, context, as_of, download, view_name, start, end, ties)
    html = _cached_page(request, store, key, draw)
    headers = {}
    if download:
        safe = "".join(
            c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in locality_id
        )
        headers["Content-Disposition"] = f'attachment; filename="partnermap-map-{safe}-{lang}.html"'
    return HTMLResponse(html, headers=headers)


@router.get(
    "/dashboard/{locality_id}",
    response_class=HTMLResponse,
    responses=_HTML,
    summary="A locality's dashboard: map, findings, investment charts, metrics",
    name="locality_dashboard",
)
def locality_dashboard(
    request: Request,
    store: StoreDep,
    _who: ViewerDep,
    scope: LocalityScopeDep,
    lang: LangParam = "he",
) -> HTMLResponse:
    locality_id = str(scope.locality_id)
    context = scope.context
    as_of = scope.as_of.isoformat()
    dated = {"as_of": as_of} if request.query_params.get("as_of") else {}

    def draw() -> str:
        view = _view(request, store, scope)
        query = {"lang": lang, "context": context, **dated}
        links = {
            "index": _url(request, "dashboard_index", {"lang": lang}),
            "map": _url(request, "locality_map", query, locality_id=locality_id),
            "glossary": _url(request, "glossary", {"lang": lang}),
            **_lang_links(
                request,
                "locality_dashboard",
                lang,
                {"context": context, **dated},
                locality_id=locality_id,
            ),
            "export_map": _url(
                request, "locality_map", {**query, "download": "true"}, locality_id=locality_id
            ),
            "export_json": _export_url(request, locality_id, "json"),
            "export_csv": _export_url(request, locality_id, "csv"),
            "export_graphml": _export_url(request, locality_id, "graphml"),
            "report_xlsx": _url(
                request,
                "locality_report",
                {"format": "xlsx", "lang": lang},
                locality_id=locality_id,
            ),
            "report_pdf": _url(
                request, "locality_report", {"format": "pdf", "lang": lang}, locality_id=locality_id
            ),
        }
        links["readiness_map"] = _url(
            request,
            "locality_map",
            {"lang": lang, "context": "emergency", "view": "readiness", **dated},
            locality_id=locality_id,
        )
        for ctx in ("both", "routine", "emergency"):
            links[f"context_{ctx}"] = _url(
                request,
                "locality_dashboard",
                {"lang": lang, "context": ctx, **dated},
                locality_id=locality_id,
            )
        section_request = SectionRequest(
            store=store,
            locality_id=locality_id,
            lang=lang,
            scope=scope,
            params=params,
            links=links,
        )
        return render_dashboard(
            view.network,
            view.report,
            sub=view.sub,
            lang=lang,
            context=context,
            locality_name=display_name(view.locality, lang),
            links=links,
            sections=build_sections(section_request),
        )

    params = {k: v for k, v in request.query_params.items() if k in SECTION_PARAMS}
    key = ("dashboard", locality_id, lang, context, as_of, *sorted(params.items()))
    return HTMLResponse(_cached_page(request, store, key, draw))


@router.get(
    "/dashboard",
    response_class=HTMLResponse,
    responses=_HTML,
    summary="Every locality in one sortable table: findings, money, leverage, rubric score",
    name="dashboard_index",
)
def dashboard_index(
    request: Request,
    store: StoreDep,
    _who: ViewerDep,
    access: AccessDep,
    lang: LangParam = "he",
    as_of: AsOfParam = None,
) -> HTMLResponse:
    """The strategist's home. Summaries and ranking are computed in one pass and cached
    per graph version and date (``api.routes.fund.overview``)."""
    from api.routes.fund import overview
    from graph.vocabulary import render

    scope = Scope(None, parse_as_of(as_of, "query as_of"))

    def draw() -> str:
        summaries, ranking, seconds = overview(request, store, scope)
        if access.scoped:  # a key scoped to localities sees only its own
            mine = set(access.allowed_localities(summaries))
            summaries = {k: v for k, v in summaries.items() if k in mine}
            ranking = {
                **ranking,
                "localities": [e for e in ranking["localities"] if e["id"] in mine],
            }
        order = {e["id"]: e["rank"] for e in ranking["localities"]}
        localities = sorted(
            access.visible(store, store.find("Locality")),
            key=lambda n: (order.get(n.id, len(order) + 1), display_name(n, lang)),
        )
        query = {"lang": lang, **({"as_of": as_of} if as_of else {})}
        # An id with a "/" cannot be a path segment: its row is shown without links.
        links: dict[str, dict[str, str]] = {
            loc.id: {
                "dashboard": _url(request, "locality_dashboard", query, locality_id=loc.id),
                "map": _url(request, "locality_map", {"lang": lang}, locality_id=loc.id),
            }
            for loc in localities
            if "/" not in loc.id
        }
        rest = {k: v for k, v in query.items() if k != "lang"}
        links[""] = {
            **_lang_links(request, "dashboard_index", lang, rest),
            "glossary": _url(request, "glossary", {"lang": lang}),
        }
        shown = [
            NodeRecord(n.label, n.id, {**n.props, "name": display_name(n, lang)})
            for n in localities
        ]
        computed = render("fund.index.computed", lang, seconds=round(seconds, 1), n=len(summaries))
        return render_locality_index(
            shown,
            lang=lang,
            links=links,
            summaries=summaries,
            ranking=ranking,
            computed=computed,
            as_of=scope.as_of.isoformat(),
        )

    key = ("index", lang, scope.as_of.isoformat(), *sorted(access.localities or ()))
    return HTMLResponse(_cached_page(request, store, key, draw))
