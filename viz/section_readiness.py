"""The emergency readiness tab of a locality's dashboard (SPEC section 7).

A "who does what where" (3W) matrix of the locality's needs: a row per
category, a column per area, each cell coloured by the need's status
(uncovered, under-covered, one provider only, covered) and saying in words
who supplies it and for how many people; then the emergency team, the single
points of failure, the providers the team cannot reach, whom to invite and
every need with its providers and contact roles. Localities without needs get
no tab.

Examples
--------
>>> matrix([{"id": "n1", "category": "food", "area": "north", "status": "covered"},
...         {"id": "n2", "category": "food", "area": "south", "status": "uncovered"},
...         {"id": "n3", "category": "water", "area": "north", "status": "covered"}])
(['north', 'south'], [('food', [['n1'], ['n2']]), ('water', [['n3'], []])])
"""

from __future__ import annotations

from typing import Any

from viz.sections import Section, SectionRequest, render_fragment

__all__ = ["matrix", "readiness_section"]


def matrix(needs: list[dict[str, Any]]) -> tuple[list[str], list[tuple[str, list[list[str]]]]]:
    """The areas (columns) and, per category (rows, catalogue order), the need ids of each cell."""
    from graph.model_process import NeedCategory

    areas = sorted({str(n["area"]) for n in needs})
    order = [c.value for c in NeedCategory]
    categories = sorted({str(n["category"]) for n in needs}, key=order.index)
    rows = []
    for category in categories:
        cells = [
            [str(n["id"]) for n in needs if n["category"] == category and str(n["area"]) == area]
            for area in areas
        ]
        rows.append((category, cells))
    return areas, rows


def readiness_section(request: SectionRequest) -> Section | None:
    """The readiness tab, or ``None`` when the locality has no needs."""
    from graph.analytics.readiness import STATUSES, readiness_report
    from graph.vocabulary import render

    report = readiness_report(request.store, request.locality_id, as_of=request.scope.as_of)
    if not report["needs"]:
        return None
    lang = request.lang
    by_id = {n["id"]: n for n in report["needs"]}
    areas, rows = matrix(report["needs"])
    counts = {s: sum(1 for n in report["needs"] if n["status"] == s) for s in STATUSES}
    members = set(report["emergency_team"]["members"])
    names = {m: r.name for m, r in request.store.get_many(sorted(members)).items()}
    map_link = request.links.get("readiness_map", "")
    html = render_fragment(
        "readiness.html",
        lang,
        report=report,
        needs=by_id,
        areas=areas,
        rows=rows,
        statuses=STATUSES,
        counts=counts,
        members=sorted(members),
        names=names,
        map_link=map_link,
        reasons_key={"he": "reasons_he", "ar": "reasons_ar"}.get(lang, "reasons"),
    )
    return Section("readiness", render("readiness.ui.tab", lang), html)
