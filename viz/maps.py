"""The interactive network map and the locality dashboard, as self-contained HTML.

:func:`render_map` turns an actor network (:func:`graph.network.build_network`)
and the findings of :func:`graph.analytics.report.analysis_report` (made
into data by :func:`viz.payload.map_payload`) into one HTML page drawn by
vis-network: colour by sector, shape by kind of node,
size by bridge score or number of ties, the findings highlighted with a
toggle each, tooltips with their reasons, filters and a name search.
:func:`render_dashboard` adds the findings as lists that focus the map, the
investment charts and the network metrics; :func:`render_locality_index`
lists the localities.

Every asset is inlined: vis-network 9.1.2 (the copy pyvis 0.3.2 ships,
vendored in ``viz/static/``) and the page's own script and style. No page
loads anything from a network, so maps work offline and a saved file is
complete. pyvis's own ``Network`` template is not used: it links Bootstrap
from a CDN whatever ``cdn_resources`` says, and its ``add_edge`` is
quadratic in the number of edges.

Untrusted text (names, reasons, evidence) reaches the page in two ways
only: through Jinja2 autoescaping, and inside one JSON ``<script>`` block
escaped by :func:`script_json`; the page's script shows it with
``textContent`` and builds tooltips as DOM elements, never as HTML strings.

Examples
--------
>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_node("a", name="<script>alert(1)</script>", sector="community", locality_ids=[])
>>> html = render_map(G, lang="en")
>>> "<script>alert(1)</script>" in html, "\\\\u003cscript\\\\u003ealert(1)" in html
(False, True)
>>> '<html lang="en" dir="ltr"' in html
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import networkx as nx
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from graph.hygiene import dumps_finite
from graph.model import NodeRecord
from graph.scope import Scope, read
from graph.store.base import GraphStore, Subgraph
from graph.vocabulary import fmt_number, fmt_percent, render, term
from viz.charts import bar_chart, investment_breakdown, investment_series
from viz.i18n import direction, label, pick_lang, t
from viz.payload import HIGHLIGHT_COLOURS, SECTOR_COLOURS, map_payload
from viz.sections import Section

__all__ = [
    "HIGHLIGHT_COLOURS",
    "SECTOR_COLOURS",
    "LocalityView",
    "load_locality",
    "map_payload",
    "render_dashboard",
    "render_locality_index",
    "render_map",
    "script_json",
]


_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(data: Any) -> Markup:
    """JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&`` and the line separators U+2028/U+2029 become
    ``\\uXXXX`` escapes, so no value can close the script element or open a
    comment, and the text parses as the same JSON.

    >>> str(script_json({"n": "</script><b>&\u2028"}))
    '{"n": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    >>> import json
    >>> json.loads(str(script_json({"n": "</script>"})))["n"]
    '</script>'
    """
    text = dumps_finite(data, ensure_ascii=False, default=str).translate(_JSON_ESCAPES)
    return Markup(text)  # noqa: S704 - escaped above for a <script> context


@cache
def _asset(name: str) -> str:
    return resources.files("viz").joinpath("static", name).read_text(encoding="utf-8")


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("viz", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset"] = lambda name: Markup(_asset(name))  # noqa: S704 - our own files
    return env


# -- one locality's data --------------------------------------------------------


@dataclass
class LocalityView:
    """What a locality's map and dashboard are drawn from."""

    locality: NodeRecord
    sub: Subgraph
    network: nx.Graph
    report: dict[str, Any] | None


def _analysis_report(store: GraphStore, G: nx.Graph, sub: Subgraph, scope: Scope) -> dict[str, Any]:
    from graph.analytics.report import report_from

    report: dict[str, Any] = report_from(
        G, sub, graph_version=store.graph_version(), seed=0, scope=scope
    )
    return report


def load_locality(
    store: GraphStore,
    locality_id: str,
    *,
    context: str = "both",
    report: dict[str, Any] | None = None,
    scope: Scope | None = None,
) -> LocalityView:
    """A locality's subgraph, actor network and analysis report, as of a date.

    Parameters
    ----------
    store : GraphStore
        The graph.
    locality_id : str
        The locality.
    context : {"both", "routine", "emergency"}
        Passed to :func:`graph.network.build_network` and the report.
    report : dict, optional
        A report already computed (the API caches them); else one is computed.
    scope : graph.scope.Scope, optional
        The locality, as-of date and context (replaces ``locality_id`` and
        ``context``); default the locality as of today.

    Raises
    ------
    graph.errors.NotFound
        When there is no locality with that id.
    """
    from graph.network import build_network

    if scope is None:
        scope = Scope(locality_id, context=context)
    sub = read(store, scope)
    locality = next(n for n in sub.nodes if n.id == scope.locality_id)
    network = build_network(sub, locality_id=scope.locality_id, context=scope.context)
    if report is None:
        report = _analysis_report(store, network, sub, scope)
    return LocalityView(locality, sub, network, report)


# -- pages ----------------------------------------------------------------------


def _page_strings(lang: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "dir": direction(lang),
        "t": lambda key, **kw: t(lang, key, **kw),
        "label": lambda kind, value: label(lang, kind, value),
    }


def render_map(
    G: nx.Graph,
    report: Mapping[str, Any] | None = None,
    *,
    sub: Subgraph | None = None,
    lang: str = "he",
    title: str | None = None,
    context: str = "both",
    links: Mapping[str, str] | None = None,
    seed: int = 0,
    readiness: Mapping[str, Any] | None = None,
    mode: Callable[[dict[str, Any]], None] | None = None,
) -> str:
    """One self-contained HTML page with the interactive map.

    Parameters
    ----------
    G, report, sub, lang, context, seed
        As for :func:`map_payload`.
    title : str, optional
        The place name shown in the heading (escaped).
    links : mapping, optional
        ``{"lang_en": url, "lang_ar": url, "dashboard": url}`` when served by the API;
        a saved file has none.
    readiness : mapping, optional
        The emergency view (:func:`viz.readiness_map.readiness_overlay`):
        providers marked with their contact role, the emergency team drawn
        as a group.
    mode : callable, optional
        Changes the payload before it is drawn: a map mode of
        :mod:`viz.time_map` colours the ties (added and ended, or by trust)
        and adds their legend.

    Returns
    -------
    str
        ``<!DOCTYPE html>`` page, Hebrew and right-to-left by default.
    """
    lang = pick_lang(lang)
    payload = map_payload(G, report, sub=sub, lang=lang, context=context, seed=seed)
    if readiness is not None:
        payload["readiness"] = dict(readiness)
    if mode is not None:
        mode(payload)
    return (
        _env()
        .get_template("map.html")
        .render(
            **_page_strings(lang),
            title=t(lang, "map_title", name=title or t(lang, "app_name")),
            data=script_json(payload),
            links=dict(links or {}),
            readiness=readiness is not None,
        )
    )


def render_dashboard(
    G: nx.Graph,
    report: Mapping[str, Any] | None,
    *,
    sub: Subgraph | None = None,
    locality_name: str,
    lang: str = "he",
    context: str = "both",
    links: Mapping[str, str] | None = None,
    seed: int = 0,
    sections: Sequence[Section] = (),
) -> str:
    """The locality dashboard: the map, findings that focus it, charts and metrics.

    Parameters
    ----------
    G, report, sub, lang, context, seed
        As for :func:`map_payload`. Investment charts use the report's
        ``metrics["investment"]`` and fall back to
        :func:`viz.charts.investment_breakdown` of ``sub``.
    locality_name : str
        Shown in the heading (escaped).
    links : mapping, optional
        URLs of ``lang_<code>`` (the page in another language), ``index``, ``map``,
        ``export_map``,
        ``export_json``, ``export_csv``, ``export_graphml`` and
        ``context_both|routine|emergency``; a link that is missing is not shown.
    sections : sequence of viz.sections.Section, optional
        More tabs (what changed, health, readiness, plan, compass), shown
        after the network tab in this order.

    Returns
    -------
    str
        One self-contained HTML page.
    """
    lang = pick_lang(lang)
    payload = map_payload(G, report, sub=sub, lang=lang, context=context, seed=seed)
    metrics = dict((report or {}).get("metrics") or {})
    fallback = investment_breakdown(sub) if sub is not None else None
    series = investment_series(metrics, fallback)
    charts = []
    for key, kind, title_key in (
        ("by_age_stage", "age_stage", "investment_by_age"),
        ("by_domain", "domain", "investment_by_domain"),
        ("by_funder", None, "investment_by_funder"),
    ):
        values = series.get(key) or {}
        items = [(label(lang, kind, k) if kind else k, v) for k, v in values.items()][:12]
        title_text = t(lang, title_key)
        svg = bar_chart(items, title=title_text, lang=lang, money=True) if items else None
        charts.append({"title": title_text, "svg": svg})
    # Each measure by its plain-words name; shares as percentages (the glossary explains).
    density = metrics.get("density", round(nx.density(G), 4))
    components = metrics.get("components", nx.number_connected_components(G) if len(G) else 0)
    # (name, value, the glossary's anchor that explains it)
    metric_rows = [
        (term("metric", "nodes", lang), fmt_number(metrics.get("nodes", len(G)), lang), "actor"),
        (
            term("metric", "ties", lang),
            fmt_number(metrics.get("ties", G.number_of_edges()), lang),
            "tie",
        ),
        (term("metric", "density", lang), fmt_percent(density, lang), "density"),
        (term("metric", "components", lang), fmt_number(components, lang), "components"),
    ]
    if "cross_sector_tie_share" in metrics:
        share = metrics["cross_sector_tie_share"]
        name = term("metric", "cross_sector_tie_share", lang)
        metric_rows.append((name, fmt_percent(share, lang), "cross_sector_tie_share"))
    others = (report or {}).get("bridges_others") or {}
    field = "reasons" if lang == "en" else f"reasons_{lang}"
    bridges_note = " ".join(others.get(field) or others.get("reasons") or [])
    by_sector = metrics.get("by_sector")
    if not isinstance(by_sector, Mapping):
        by_sector = {}
    return (
        _env()
        .get_template("dashboard.html")
        .render(
            **_page_strings(lang),
            title=t(lang, "dashboard_title", name=locality_name),
            data=script_json(payload),
            findings=payload["findings"],
            charts=charts,
            metric_rows=metric_rows,
            bridges_note=bridges_note,
            by_sector=[(label(lang, "sector", k), v) for k, v in by_sector.items()],
            graph_version=(report or {}).get("graph_version"),
            links=dict(links or {}),
            context=context,
            colours=SECTOR_COLOURS,
            sections=list(sections),
            as_of=((report or {}).get("scope") or {}).get("as_of"),
            as_of_words={k: render(f"changes.ui.as_of_{k}", lang) for k in ("label", "go", "note")},
        )
    )


def render_locality_index(
    localities: Sequence[NodeRecord],
    *,
    lang: str = "he",
    links: Mapping[str, Mapping[str, str]],
    summaries: Mapping[str, Mapping[str, Any]] | None = None,
    ranking: Mapping[str, Any] | None = None,
    computed: str = "",
    as_of: str = "",
) -> str:
    """The strategist's home: every locality in one sortable table.

    Parameters
    ----------
    localities : sequence of NodeRecord
        In the order to show; ``name`` is shown (escaped).
    lang : {"he", "en", "ar"}
        Page language (Hebrew and Arabic right to left).
    links : mapping
        A locality id to ``{"dashboard": url, "map": url}``, and ``""`` to
        ``{"lang_en": url, "lang_ar": url}``.
    summaries : mapping, optional
        Locality id -> :func:`graph.analytics.overview.locality_summaries`
        entry. With them each row shows its duplicates, isolated actors,
        uncovered needs, goals behind (bars, scaled to the largest value in
        the column), money by source (a stacked bar scaled to the town with
        the most money) with the total, the leverage ratio and the rubric
        score; without them, only the CBS columns.
    ranking : mapping, optional
        :func:`graph.analytics.selection.rank_localities` (the rubric score and rank).
    computed : str, optional
        A line saying how long the summaries took.
    as_of : str, optional
        The date the summaries are as of (``YYYY-MM-DD``), shown in the date form.

    Returns
    -------
    str
        One HTML page; its own small script sorts the table by any column.

    Examples
    --------
    >>> loc = NodeRecord("Locality", "l", {"name": "<b>ירוחם</b>", "population": 11031})
    >>> html = render_locality_index([loc], lang="en", links={})
    >>> "&lt;b&gt;ירוחם&lt;/b&gt;" in html, "11,031" in html
    (True, True)
    """
    from graph import vocabulary as v
    from graph.analytics.overview import MONEY_SOURCES

    lang = pick_lang(lang)
    scores = {
        e["id"]: (e.get("score"), e.get("rank")) for e in (ranking or {}).get("localities", [])
    }
    rows = []
    for loc in localities:
        summary = (summaries or {}).get(loc.id)
        score, rank = scores.get(loc.id, (None, None))
        words = ""
        if summary:
            parts = [
                f"{v.term('money_source', src, lang)}: {v.fmt_money(amount, lang)}"
                for src, amount in summary["money"]["by_source"].items()
                if amount
            ]
            words = "; ".join(parts)
        population = loc.props.get("population")
        rows.append({
            "id": loc.id,
            "name": loc.name,
            "status": loc.props.get("municipal_status") or "",
            "status_label": label(lang, "municipal_status", loc.props.get("municipal_status")),
            "cluster": loc.props.get("socioeconomic_cluster") or "",
            "population": population if isinstance(population, int | float) else "",
            "links": links.get(loc.id, {}),
            "summary": summary,
            "score": score,
            "rank": rank,
            "money_words": words,
        })  # fmt: skip

    def top(get: Any) -> float:
        values = [get(r["summary"]) for r in rows if r["summary"]]
        return float(max((x for x in values if x is not None), default=0) or 0)

    tops = {
        "duplicates": top(lambda s: s["duplicates"]),
        "isolates": top(lambda s: s["isolates"]),
        "uncovered": top(lambda s: s["uncovered_needs"]),
        "behind": top(lambda s: s["goals_behind"]),
        "money": top(lambda s: s["money"]["total"]),
    }
    helpers = {
        "msg": lambda key, **kw: v.render(key, lang, **kw),
        "money": lambda amount: v.fmt_money(amount, lang),
        "num": lambda value: v.fmt_number(value, lang),
        "pct": lambda share: v.fmt_percent(share, lang),
        "term": lambda kind, value: v.term(kind, value, lang),
    }
    return (
        _env()
        .get_template("index.html")
        .render(
            **_page_strings(lang),
            **helpers,
            title=t(lang, "localities_title"),
            rows=rows,
            links=dict(links.get("", {})),
            summary_mode=summaries is not None,
            tops=tops,
            sources=MONEY_SOURCES,
            colours=SECTOR_COLOURS,
            computed=computed,
            as_of=as_of,
        )
    )
