"""The meeting-ready report pack of one locality: the same content for Excel and PDF.

:func:`build_pack` gathers what a steering committee or a council meeting
needs from a locality's analysis: a summary in plain words, the findings as
typed tables (duplicated programs, isolated actors, cross-sector bridges,
leverage points, network measures), investment charts and a picture of the
network. :mod:`viz.reports.xlsx` writes it as a workbook and
:mod:`viz.reports.pdf` as a PDF. Every text comes from the one catalogue
(:mod:`graph.vocabulary`), in Hebrew, English or Arabic.

Extra tables (the plan, readiness, health) are added by *providers* listed
in :func:`table_providers`: a function from the store, locality and language
to tables, or an empty list when the locality has no such data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import networkx as nx
from markupsafe import Markup, escape

from graph.scope import Scope, today
from graph.store.base import GraphStore
from graph.vocabulary import direction, pick_lang, render, term
from viz.charts import bar_chart, investment_breakdown, investment_series
from viz.payload import SECTOR_COLOURS

__all__ = ["Column", "Pack", "Table", "build_pack", "network_svg", "table_providers"]


@dataclass(frozen=True)
class Column:
    """A column: its key in the rows, its header and its type (text, number, money, share, bool)."""

    key: str
    title: str
    kind: str = "text"


@dataclass
class Table:
    """One section of the pack: a sheet in Excel, a table in the PDF."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    note: str = ""


@dataclass
class Pack:
    """Everything the report shows, already in one language."""

    lang: str
    title: str
    as_of: dt.date
    locality_id: str
    locality_name: str
    summary: list[str]
    tables: list[Table]
    charts: list[tuple[str, Markup]] = field(default_factory=list)
    map_svg: str = ""
    graph_version: str = ""

    @property
    def dir(self) -> str:
        return direction(self.lang)


TableProvider = Callable[[GraphStore, str, str, dt.date], list[Table]]


def table_providers() -> list[TableProvider]:
    """Providers of extra tables, in the order they appear."""
    from viz.reports.extra import (
        changes_tables,
        compass_tables,
        health_tables,
        plan_tables,
        readiness_tables,
    )

    return [changes_tables, plan_tables, readiness_tables, health_tables, compass_tables]


def _reasons(entry: Mapping[str, Any], lang: str) -> str:
    key = "reasons" if lang == "en" else f"reasons_{lang}"
    items = entry.get(key) or entry.get("reasons_he" if lang == "ar" else "reasons") or []
    return "; ".join(str(r) for r in items)


def _finding_tables(report: Mapping[str, Any], lang: str) -> list[Table]:
    def col(key: str, kind: str = "text") -> Column:
        return Column(key, render(f"report.col.{key}", lang), kind)

    yes, no = render("report.yes", lang), render("report.no", lang)
    dups = Table(
        "duplicates",
        render("report.sheet.duplicates", lang),
        [
            col("programs"),
            col("operators"),
            col("domains"),
            col("score", "number"),
            col("coordinated"),
            col("investment", "money"),
            col("reasons"),
        ],
        [
            {
                "programs": " / ".join(d.get("names") or d.get("programs") or []),
                "operators": " / ".join(d.get("operator_names") or d.get("operators") or []),
                "domains": ", ".join(term("domain", x, lang) for x in d.get("domains") or []),
                "score": d.get("score"),
                "coordinated": yes if d.get("coordinated") else no,
                "investment": d.get("investment_total") or 0,
                "reasons": _reasons(d, lang),
            }
            for d in report.get("duplicates") or []
        ],
    )
    isolates = Table(
        "isolates",
        render("report.sheet.isolates", lang),
        [col("name"), col("sector"), col("kinds"), col("reasons")],
        [
            {
                "name": i.get("name"),
                "sector": term("sector", i.get("sector"), lang),
                "kinds": ", ".join(term("isolate", k, lang) for k in i.get("kinds") or []),
                "reasons": _reasons(i, lang),
            }
            for i in report.get("isolates") or []
        ],
    )
    bridges = Table(
        "bridges",
        render("report.sheet.bridges", lang),
        [
            col("name"),
            col("sector"),
            col("sectors_connected"),
            col("betweenness", "share"),
            col("articulation"),
            col("score", "number"),
            col("reasons"),
        ],
        [
            {
                "name": b.get("name"),
                "sector": term("sector", b.get("sector"), lang),
                "sectors_connected": ", ".join(
                    term("sector", s, lang) for s in b.get("sectors_connected") or []
                ),
                "betweenness": b.get("cross_sector_betweenness"),
                "articulation": yes if b.get("articulation_point") else no,
                "score": b.get("score"),
                "reasons": _reasons(b, lang),
            }
            for b in report.get("bridges") or []
        ],
    )
    leverage = Table(
        "leverage",
        render("report.sheet.leverage", lang),
        [col("name"), col("kind"), col("score", "number"), col("reasons")],
        [
            {
                "name": x.get("name") or x.get("id"),
                "kind": term("leverage_kind", x.get("kind"), lang),
                "score": x.get("score"),
                "reasons": _reasons(x, lang),
            }
            for x in report.get("leverage") or []
        ],
    )
    metrics = report.get("metrics") or {}
    measures = Table(
        "metrics",
        render("report.sheet.metrics", lang),
        [col("measure"), col("value", "number")],
        [
            {"measure": render(f"report.metric.{key}", lang), "value": metrics.get(key)}
            for key in ("nodes", "ties", "density", "components", "cross_sector_tie_share")
            if isinstance(metrics.get(key), int | float)
        ],
    )
    return [dups, isolates, bridges, leverage, measures]


def network_svg(G: nx.Graph, *, lang: str, width: int = 720, height: int = 520) -> Markup:
    """A still picture of the actor network (for print): circles by sector, the busiest named.

    Positions come from igraph's Kamada-Kawai layout started from a circle,
    so the same network gives the same picture. Names are escaped.
    """
    if len(G) == 0:
        return Markup("")
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    layout_graph = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in G.edges()])
    # Kamada-Kawai from a circle: the same network always gives the same picture.
    coords = layout_graph.layout_kamada_kawai(seed=layout_graph.layout_circle().coords).coords
    pos = {node: (coords[i][0], coords[i][1]) for i, node in enumerate(nodes)}
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    margin = 40

    def at(node: Any) -> tuple[float, float]:
        x, y = pos[node]
        return (
            margin + (x - min(xs)) / span_x * (width - 2 * margin),
            margin + (y - min(ys)) / span_y * (height - 2 * margin),
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" direction="{direction(lang)}">'
    ]
    for a, b in G.edges():
        (x1, y1), (x2, y2) = at(a), at(b)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            'stroke="#9aa5b1" stroke-width="0.7" stroke-opacity="0.6"/>'
        )
    degree = dict(G.degree())
    named = set(sorted(degree, key=lambda n: (-degree[n], str(n)))[:12])
    for node, data in G.nodes(data=True):
        x, y = at(node)
        colour = SECTOR_COLOURS.get(str(data.get("sector")), SECTOR_COLOURS["other"])
        radius = 4 + min(degree[node], 30) / 3
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colour}" '
            'stroke="#fff" stroke-width="1"/>'
        )
    for node in sorted(named, key=str):
        x, y = at(node)
        name = escape(str(G.nodes[node].get("name") or node))
        parts.append(
            f'<text x="{x:.1f}" y="{y - 9:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#1f2328">{name}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every name above is escaped


def build_pack(
    store: GraphStore,
    locality_id: str,
    *,
    lang: str = "he",
    as_of: dt.date | None = None,
) -> Pack:
    """The report pack of one locality in one language.

    Raises
    ------
    graph.errors.NotFound
        When there is no locality with that id.
    """
    from viz.maps import load_locality

    lang = pick_lang(lang)
    as_of = as_of or today()
    view = load_locality(store, locality_id, scope=Scope(locality_id, as_of))
    report: Mapping[str, Any] = view.report or {}
    loc = view.locality
    name = str(loc.props.get(f"name_{lang}") or loc.name)
    metrics = report.get("metrics") or {}
    summary = [
        render("report.intro", lang),
        render(
            "report.summary",
            lang,
            nodes=int(metrics.get("nodes") or view.network.number_of_nodes()),
            ties=int(metrics.get("ties") or view.network.number_of_edges()),
            share=float(metrics.get("cross_sector_tie_share") or 0.0),
        ),
        render(
            "report.counts",
            lang,
            duplicates=len(report.get("duplicates") or []),
            isolates=len(report.get("isolates") or []),
            bridges=len(report.get("bridges") or []),
            leverage=len(report.get("leverage") or []),
        ),
    ]
    tables = _finding_tables(report, lang)
    for provider in table_providers():
        tables.extend(provider(store, locality_id, lang, as_of))
    series = investment_series(metrics, investment_breakdown(view.sub))
    charts = []
    for key, kind in (("by_domain", "domain"), ("by_funder", None)):
        values = series.get(key) or {}
        items = [(term(kind, k, lang) if kind else k, v) for k, v in values.items()][:10]
        if items:
            title = render(f"report.chart.{key}", lang)
            charts.append((title, Markup(bar_chart(items, title=title, lang=lang, money=True))))  # noqa: S704
    return Pack(
        lang=lang,
        title=render("report.title", lang, name=name),
        as_of=as_of,
        locality_id=locality_id,
        locality_name=name,
        summary=summary,
        tables=tables,
        charts=charts,
        map_svg=network_svg(view.network, lang=lang),  # Markup: escaped inside
        graph_version=str(report.get("graph_version") or store.graph_version()),
    )
