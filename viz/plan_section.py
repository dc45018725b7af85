"""The "plan" tab of a locality's dashboard: goals, the money behind them, leverage, agreements.

Drawn from :func:`graph.analytics.plan.collective_plan` as of the page's date:
goal cards with a progress bar and a mark at the share of the time gone; a
goal -> program -> partners -> money view as nested bars (a bar per program
under its goal, split into paid, committed and planned, all on one scale);
leverage by year as an inline SVG bar chart; and the commitments of the
locality's agreements, overdue rows marked. The tab is left out when the
locality has no goal and no agreement.

Examples
--------
>>> _bar_parts({"paid": 50, "committed": 25, "planned": 25}, 200.0)
[('paid', 25.0), ('committed', 12.5), ('planned', 12.5)]
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from graph.analytics.plan import collective_plan
from graph.model import NodeRecord
from graph.scope import end_date, read
from graph.vocabulary import pick_lang, render
from viz.sections import Section, SectionRequest, render_fragment

__all__ = ["plan_section"]

_MONEY_PARTS = ("paid", "committed", "planned")
_CHART_W, _CHART_H, _CHART_PAD = 640, 220, 28


def _name(node: NodeRecord | None, fallback: str, lang: str) -> str:
    if node is None:
        return fallback
    return str(node.props.get(f"name_{pick_lang(lang)}") or node.name)


def _isolated(key: str, lang: str, **names: str | list[str]) -> Markup:
    """A catalogue wording whose name parameters are each wrapped in ``<bdi>`` (escaped).

    A Hebrew name such as מתנ"ס inside an English sentence (or the reverse) is
    reordered by the bidi algorithm unless it is isolated; the wording itself is ours.

    >>> str(_isolated("plan.ui.operator", "en", name='מתנ"ס <b>'))
    'Run by <bdi>מתנ&#34;ס &lt;b&gt;</bdi>'
    """
    marks = {k: f"\ue000{i}\ue001" for i, k in enumerate(names)}
    text = escape(render(key, lang, **marks))
    for k, value in names.items():
        parts = value if isinstance(value, list) else [value]
        iso = Markup(", ").join(Markup("<bdi>%s</bdi>") % part for part in parts)
        text = text.replace(marks[k], iso)
    return text


def _bar_parts(money: dict[str, Any], scale: float) -> list[tuple[str, float]]:
    """(part, width in percent of the widest bar) for paid, committed and planned."""
    if scale <= 0:
        return []
    return [(k, round(100.0 * float(money[k]) / scale, 2)) for k in _MONEY_PARTS if money[k]]


def _total(money: dict[str, Any]) -> float:
    return float(sum(money[k] for k in _MONEY_PARTS))


def _year_chart(by_year: dict[str, dict[str, float]], rtl: bool) -> dict[str, Any]:
    """Bar geometry of leverage by year: two bars a year (the authority, from outside)."""
    years = list(by_year)
    top = max((max(v.values()) for v in by_year.values()), default=0.0)
    if not years or top <= 0:
        return {"years": [], "width": _CHART_W, "height": _CHART_H}
    plot_h = _CHART_H - 2 * _CHART_PAD
    slot = (_CHART_W - 2 * _CHART_PAD) / len(years)
    bar = min(48.0, slot / 3)
    out = []
    for i, year in enumerate(years):
        index = len(years) - 1 - i if rtl else i
        x0 = _CHART_PAD + index * slot + (slot - 2 * bar) / 2
        bars = []
        for j, side in enumerate(("authority", "external")):
            h = plot_h * by_year[year][side] / top
            bars.append(
                {
                    "side": side,
                    "amount": by_year[year][side],
                    "x": round(x0 + j * bar, 1),
                    "y": round(_CHART_PAD + plot_h - h, 1),
                    "w": round(bar - 2, 1),
                    "h": round(h, 1),
                }
            )
        out.append({"year": year, "x": round(x0 + bar, 1), "bars": bars})
    return {"years": out, "width": _CHART_W, "height": _CHART_H, "base": _CHART_H - _CHART_PAD}


def plan_section(request: SectionRequest) -> Section | None:
    """The plan tab of ``request.locality_id`` as of ``request.scope.as_of``."""
    lang = request.lang
    sub = read(request.store, request.scope, dated=False)
    plan = collective_plan(sub, request.scope)
    if not plan["goals"] and not plan["agreements"]:
        return None
    nodes = {n.id: n for n in sub.nodes}

    def name(node_id: Any) -> str:
        return _name(nodes.get(str(node_id)), str(node_id), lang)

    scale = max(
        (_total(p["money"]) for g in plan["goals"] for p in g["programs"]),
        default=0.0,
    )
    suffix = {"he": "_he", "ar": "_ar"}.get(pick_lang(lang), "")
    goals = []
    for g in plan["goals"]:
        programs = [
            {
                "name": name(p["id"]),
                "operator": _isolated("plan.ui.operator", lang, name=name(p["operator_id"]))
                if p["operator_id"]
                else None,
                "partners": _isolated(
                    "plan.ui.partners", lang, names=[name(x) for x in p["partner_ids"]]
                )
                if p["partner_ids"]
                else None,
                "money": p["money"],
                "total": _total(p["money"]),
                "parts": _bar_parts(p["money"], scale),
            }
            for p in g["programs"]
        ]
        progress = g["progress"]
        goals.append(
            {
                **g,
                "reasons_shown": g.get(f"reasons{suffix}") or g["reasons"],
                "bar": None if progress is None else round(100 * min(1.0, max(0.0, progress)), 1),
                "mark": None if g["time_elapsed"] is None else round(100 * g["time_elapsed"], 1),
                "programs_shown": programs,
                "total": _total(g["money"]),
            }
        )
    overdue = {c["id"]: c for c in plan["overdue_commitments"]}
    listed = {a["id"] for a in plan["agreements"]}
    commitments = sorted(
        (
            n
            for n in sub.nodes
            if n.label == "Commitment" and str(n.props.get("agreement_id")) in listed
        ),
        key=lambda n: n.id,
    )
    rows = [
        {
            "id": c.id,
            "agreement": name(c.props.get("agreement_id")),
            "party": name(c.props.get("party_id")),
            "description": c.props.get("description"),
            "due": c.props.get("due"),
            "status": c.props.get("status") or "open",
            "overdue": overdue.get(c.id),
        }
        for c in commitments
    ]
    rows.sort(key=lambda r: (r["overdue"] is None, str(end_date(r["due"])), r["id"]))
    agreements = [{**a, "parties": [name(p) for p in a["party_ids"]]} for a in plan["agreements"]]
    lev = plan["leverage"]
    html = render_fragment(
        "plan.html",
        lang,
        plan=plan,
        goals=goals,
        agreements=agreements,
        commitments=rows,
        leverage=lev,
        leverage_reasons=lev.get(f"reasons{suffix}") or lev["reasons"],
        chart=_year_chart(lev["by_year"], pick_lang(lang) in ("he", "ar")),
        unlinked=plan["unlinked_money"],
    )
    return Section("plan", render("plan.ui.tab", lang), html)
