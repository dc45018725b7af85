"""The "what changed" and "partnership health" tabs of a locality's dashboard (SPEC section 6).

What changed: two date pickers (``?from=`` and ``?to=``; default three years
back from the page's as-of date, and the as-of date), the changes of
:func:`graph.analytics.changes.changes_report` in words, a link to the map
drawing the added and ended ties, and a trend chart of the main metrics at
the end of each year (inline SVG). Health: the survey wave of ``?wave=``
(default the latest) from :func:`graph.analytics.health.health_report`; the
tab is left out when the locality has no survey.

Examples
--------
>>> svg = str(trend_chart({2022: 3, 2023: 5}, title="Ties <b>", lang="en"))
>>> svg.startswith("<svg") and "Ties &lt;b&gt;" in svg and "<polyline" in svg
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from markupsafe import Markup, escape

from graph.analytics.changes import changes_between, metric_trend
from graph.analytics.health import health_report
from graph.errors import PartnermapError
from graph.scope import Scope, parse_as_of, read, start_date
from graph.vocabulary import fmt_number, fmt_percent, render, term
from viz.sections import Section, SectionRequest, render_fragment

__all__ = ["changes_section", "health_section", "trend_chart"]

#: The first year the trend chart shows (the demo's history starts in 2019).
TREND_FROM = 2019
_W, _H, _PAD = 460, 150, 30


def trend_chart(
    values: Mapping[int, float], *, title: str, lang: str, share: bool = False
) -> Markup:
    """A line of one metric by year as one ``<svg>``; every text escaped.

    ``share`` writes the values as percentages. Right-to-left languages read
    the years from the right.
    """
    years = sorted(values)
    top = max((float(v) for v in values.values()), default=0.0) or 1.0
    rtl = lang in ("he", "ar")
    step = (_W - 2 * _PAD) / max(len(years) - 1, 1)
    points = []
    labels = []
    for i, year in enumerate(years):
        x = (_W - _PAD - i * step) if rtl else (_PAD + i * step)
        y = _H - _PAD - (_H - 2 * _PAD) * float(values[year]) / top
        points.append(f"{x:.1f},{y:.1f}")
        shown = fmt_percent(values[year], lang) if share else fmt_number(values[year], lang)
        labels.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#0072B2">'
            f"<title>{year}: {escape(shown)}</title></circle>"
            f'<text x="{x:.1f}" y="{y - 7:.1f}" font-size="11" text-anchor="middle">'
            f"{escape(shown)}</text>"
            f'<text x="{x:.1f}" y="{_H - 8}" font-size="11" text-anchor="middle">{year}</text>'
        )
    name = escape(title)
    return Markup(  # noqa: S704 - every text above is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pm-chart pm-trend" role="img" '
        f'width="{_W}" height="{_H}" viewBox="0 0 {_W} {_H}" aria-label="{name}">'
        f"<title>{name}</title>"
        f'<line x1="{_PAD}" y1="{_H - _PAD}" x2="{_W - _PAD}" y2="{_H - _PAD}" stroke="#ccc"/>'
        f'<polyline fill="none" stroke="#0072B2" stroke-width="2" points="{" ".join(points)}"/>'
        f"{''.join(labels)}</svg>"
    )


def _date(params: Mapping[str, str], key: str, default: dt.date) -> tuple[dt.date, str | None]:
    text = params.get(key)
    if not text:
        return default, None
    try:
        return parse_as_of(text, key), None
    except PartnermapError as exc:
        return default, exc.message


def changes_section(request: SectionRequest) -> Section | None:
    """The "what changed" tab of every locality."""
    lang, scope = request.lang, request.scope
    start, bad_from = _date(request.params, "from", dt.date(scope.as_of.year - 3, 1, 1))
    end, bad_to = _date(request.params, "to", scope.as_of)
    problems = [p for p in (bad_from, bad_to) if p]
    if start > end:  # two dates the wrong way round: the period between them
        start, end = end, start
    sub = read(request.store, Scope(request.locality_id, end, scope.context), dated=False)
    report = changes_between(sub, start, end, Scope(request.locality_id, end, scope.context))
    trend = metric_trend(sub, range(TREND_FROM, max(end.year, TREND_FROM) + 1), scope)
    charts = [
        trend_chart(
            {y: m["ties"] for y, m in trend.items()},
            title=render("changes.metric.ties", lang),
            lang=lang,
        ),
        trend_chart(
            {y: m["cross_sector_tie_share"] for y, m in trend.items()},
            title=render("changes.metric.cross_sector_tie_share", lang),
            lang=lang,
            share=True,
        ),
        trend_chart(
            {y: m["components"] for y, m in trend.items()},
            title=render("changes.metric.components", lang),
            lang=lang,
        ),
    ]
    map_link = request.links.get("map", "")
    if map_link:
        sep = "&" if "?" in map_link else "?"
        map_link = f"{map_link}{sep}changes_from={start.isoformat()}&changes_to={end.isoformat()}"
    names = {n.id: n.name for n in sub.nodes}
    forums = [
        {
            "name": names.get(f["id"], f["id"]),
            "gained": ", ".join(term("sector", x, lang) for x in f["sectors_gained"]),
            "lost": ", ".join(term("sector", x, lang) for x in f["sectors_lost"]),
        }
        for f in report["forums"]
    ]
    html = render_fragment(
        "changes.html",
        lang,
        report=report,
        names=names,
        forums=forums,
        start=start.isoformat(),
        end=end.isoformat(),
        charts=charts,
        trend_titles=[
            render(k, lang)
            for k in (
                "changes.metric.ties",
                "changes.metric.cross_sector_tie_share",
                "changes.metric.components",
            )
        ],
        problems=problems,
        map_link=map_link,
        hidden={"lang": lang, "context": scope.context, **_as_of(request)},
        reasons_key={"he": "reasons_he", "ar": "reasons_ar"}.get(lang, "reasons"),
    )
    return Section("changes", render("changes.ui.tab", lang), html)


def _as_of(request: SectionRequest) -> dict[str, str]:
    text = request.params.get("as_of")
    return {"as_of": text} if text else {}


def health_section(request: SectionRequest) -> Section | None:
    """The "partnership health" tab, or ``None`` when the locality has no survey."""
    lang = request.lang
    wave_text = request.params.get("wave")
    problem = None
    try:
        wave = start_date(wave_text) if wave_text else None
    except ValueError:
        wave, problem = None, f"wave: {wave_text!r}"
    scope = Scope(request.locality_id, request.scope.as_of, request.scope.context)
    try:
        report = health_report(request.store, scope, wave=wave)
    except PartnermapError as exc:
        report, problem = health_report(request.store, scope), exc.message
    if report["wave"] is None:
        return None
    in_scope = read(request.store, scope, dated=False).nodes
    waves = sorted(
        {
            str(n.props["wave"])[:10]
            for n in in_scope
            if n.label == "SurveyResponse" and n.props.get("wave")
        }
    )
    map_link = request.links.get("map", "")
    if map_link:
        map_link = f"{map_link}{'&' if '?' in map_link else '?'}ties=trust"
    names = {o["id"]: o["name"] for o in report["organizations"]}
    html = render_fragment(
        "health.html",
        lang,
        report=report,
        waves=waves,
        names=names,
        problem=problem,
        map_link=map_link,
        hidden={"lang": lang, "context": request.scope.context, **_as_of(request)},
        reasons_key={"he": "reasons_he", "ar": "reasons_ar"}.get(lang, "reasons"),
    )
    return Section("health", render("health.ui.tab", lang), html)
