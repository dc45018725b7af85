"""The outcomes compass tab of a locality's dashboard (SPEC section 9).

A heat grid per compass year, year one beside the latest year: a row per
infrastructure outcome, a column per mobility domain, each cell coloured by
its status (met, partly met, not met, not rated that year), the latest grid
marking what improved or declined; then the met share of every outcome in
both years as bars, and every cell that changed, in words. Localities with
no compass ratings get no tab.

Examples
--------
>>> cells = [{"outcome": "data_culture", "domain": "stem21",
...           "first": {"year": 2022, "status": "partly"},
...           "latest": {"year": 2024, "status": "met"}, "change": "improved"}]
>>> g = grids(cells, [2022, 2024])
>>> g["domains"], g["first"]["data_culture"]["stem21"], g["latest"]["data_culture"]["stem21"]
(['stem21'], 'partly', 'met')
"""

from __future__ import annotations

from typing import Any

from viz.sections import Section, SectionRequest, render_fragment

__all__ = ["compass_section", "grids"]


def grids(cells: list[dict[str, Any]], years: list[int]) -> dict[str, Any]:
    """The domains (columns) and, per outcome, each domain's status in the first and latest year."""
    domains = sorted({str(c["domain"]) for c in cells})
    first: dict[str, dict[str, str]] = {}
    latest: dict[str, dict[str, str]] = {}
    change: dict[str, dict[str, str]] = {}
    for c in cells:
        o, d = str(c["outcome"]), str(c["domain"])
        if years and c["first"]["year"] == years[0]:
            first.setdefault(o, {})[d] = c["first"]["status"]
        if years and c["latest"]["year"] == years[-1]:
            latest.setdefault(o, {})[d] = c["latest"]["status"]
        change.setdefault(o, {})[d] = c["change"]
    return {"domains": domains, "first": first, "latest": latest, "change": change}


def compass_section(request: SectionRequest) -> Section | None:
    """The compass tab, or ``None`` when the locality has no compass ratings."""
    from graph.analytics.compass import compass_report
    from graph.model_process import CompassOutcome
    from graph.vocabulary import render

    report = compass_report(request.store, request.scope)
    if not report["years"]:
        return None
    lang = request.lang
    html = render_fragment(
        "compass.html",
        lang,
        report=report,
        grid=grids(report["cells"], report["years"]),
        outcomes=[o.value for o in CompassOutcome],
        changed=[c for c in report["cells"] if c["change"] in ("improved", "declined")],
        reasons_key={"he": "reasons_he", "ar": "reasons_ar"}.get(lang, "reasons"),
    )
    return Section("compass", render("fund.compass.title", lang), html)
