"""Tables of the report pack beyond the network findings.

The plan, emergency readiness, partnership health, what changed over the
last three years, and the infrastructure outcomes compass. Each provider
returns the tables of one analysis for a locality, or an empty list when the
locality has no data for it (no goals or agreements, no needs, no survey, no
change, no compass ratings), so a town without a plan gets no empty plan pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from graph.analytics.changes import changes_report
from graph.analytics.compass import compass_report
from graph.analytics.health import health_report
from graph.analytics.plan import plan_report
from graph.analytics.readiness import readiness_report
from graph.scope import Scope
from graph.store.base import GraphStore
from graph.vocabulary import render, term
from viz.reports.pack import Column, Table

__all__ = [
    "changes_tables",
    "compass_tables",
    "health_tables",
    "plan_tables",
    "readiness_tables",
]


def _col(key: str, lang: str, kind: str = "text") -> Column:
    return Column(key, render(f"report.col.{key}", lang), kind)


def _reasons(entry: Mapping[str, Any], lang: str) -> str:
    key = "reasons" if lang == "en" else f"reasons_{lang}"
    return "; ".join(str(r) for r in entry.get(key) or entry.get("reasons") or [])


def plan_tables(store: GraphStore, locality_id: str, lang: str, as_of: dt.date) -> list[Table]:
    """The locality's goals with progress and money, and its overdue commitments."""
    plan = plan_report(store, Scope(locality_id, as_of))
    goals = plan.get("goals") or []
    overdue = plan.get("overdue_commitments") or []
    if not goals and not plan.get("agreements"):
        return []
    leverage = plan.get("leverage") or {}
    if leverage.get("ratio") is not None:
        note = render(
            "report.note.plan_leverage",
            lang,
            ratio=leverage["ratio"],
            external=leverage.get("external") or 0,
            authority=leverage.get("authority") or 0,
        )
    else:
        note = render("report.note.plan_no_leverage", lang)
    goal_rows = []
    for goal in goals:
        money = goal.get("money") or {}
        goal_rows.append(
            {
                "goal": goal.get("title"),
                "domains": term("domain", goal.get("domain"), lang) if goal.get("domain") else "",
                "status": term("plan.status", goal.get("status"), lang),
                "progress": goal.get("progress"),
                "money": (money.get("committed") or 0) + (money.get("paid") or 0),
                "reasons": _reasons(goal, lang),
            }
        )
    names = {n.id: n.name for n in store.get_many({c.get("party_id") for c in overdue}).values()}
    tables = [
        Table(
            "plan_goals",
            render("report.sheet.plan_goals", lang),
            [
                _col("goal", lang),
                _col("domains", lang),
                _col("status", lang),
                _col("progress", lang, "share"),
                _col("money", lang, "money"),
                _col("reasons", lang),
            ],
            goal_rows,
            note=note,
        )
    ]
    if overdue:
        tables.append(
            Table(
                "plan_commitments",
                render("report.sheet.plan_commitments", lang),
                [_col("party", lang), _col("commitment", lang), _col("due", lang)],
                [
                    {
                        "party": names.get(c.get("party_id"), c.get("party_id")),
                        "commitment": c.get("description"),
                        "due": c.get("due"),
                    }
                    for c in overdue
                ],
            )
        )
    return tables


def readiness_tables(store: GraphStore, locality_id: str, lang: str, as_of: dt.date) -> list[Table]:
    """Each emergency need with who covers it, its coverage and status."""
    ready = readiness_report(store, locality_id, as_of=as_of)
    needs = ready.get("needs") or []
    if not needs:
        return []
    rows = [
        {
            "need": term("category", n.get("category"), lang),
            "area": n.get("area"),
            "population": n.get("population"),
            "providers": ", ".join(str(p.get("name")) for p in n.get("providers") or []),
            "coverage": n.get("coverage"),
            "status": term("readiness_status", n.get("status"), lang),
            "reasons": _reasons(n, lang),
        }
        for n in needs
    ]
    return [
        Table(
            "readiness",
            render("report.sheet.readiness", lang),
            [
                _col("need", lang),
                _col("area", lang),
                _col("population", lang, "number"),
                _col("providers", lang),
                _col("coverage", lang, "share"),
                _col("status", lang),
                _col("reasons", lang),
            ],
            rows,
        )
    ]


def health_tables(store: GraphStore, locality_id: str, lang: str, as_of: dt.date) -> list[Table]:
    """The latest survey wave up to ``as_of``: its concerns and each organisation's scores."""
    health = health_report(store, Scope(locality_id, as_of))
    if not health.get("wave"):
        return []
    network = health.get("network") or {}
    note = render(
        "report.note.health",
        lang,
        wave=health["wave"],
        respondents=network.get("respondents") or 0,
        invited=network.get("invited") or 0,
        rate=network.get("response_rate") or 0.0,
        trust=network.get("trust") or 0.0,
        value=network.get("value") or 0.0,
    )
    names = {o.get("id"): o.get("name") for o in health.get("organizations") or []}
    concerns = [
        {
            "concern": term("health_concern", c.get("kind"), lang),
            "who": " ↔ ".join(str(names.get(i, i)) for i in c.get("ids") or []),
            "reasons": _reasons(c, lang),
        }
        for c in health.get("concerns") or []
    ]
    organizations = [
        {
            "name": o.get("name"),
            "trust": o.get("trust"),
            "value_score": o.get("value"),
            "ratings": o.get("ratings_received"),
        }
        for o in health.get("organizations") or []
    ]
    return [
        Table(
            "health_concerns",
            render("report.sheet.health_concerns", lang),
            [_col("concern", lang), _col("who", lang), _col("reasons", lang)],
            concerns,
            note=note,
        ),
        Table(
            "health_organizations",
            render("report.sheet.health_organizations", lang),
            [
                _col("name", lang),
                _col("trust", lang, "share"),
                _col("value_score", lang, "share"),
                _col("ratings", lang, "number"),
            ],
            organizations,
        ),
    ]


def _year_title(year: int, lang: str) -> str:
    return render("report.col.share_year", lang, year=str(year))


def changes_tables(store: GraphStore, locality_id: str, lang: str, as_of: dt.date) -> list[Table]:
    """What changed from 1 January three years before ``as_of`` to ``as_of`` (as the dashboard).

    One row per tie added or ended (with the forums, programs or partnerships
    that make it) and per actor who joined or left; nothing when nothing changed.
    """
    start = dt.date(as_of.year - 3, 1, 1)
    report = changes_report(store, start, as_of, Scope(locality_id, as_of))
    ties, actors = report["ties"], report["actors"]
    names = {
        n.id: n.name for n in store.get_many(set(actors["joined"]) | set(actors["left"])).values()
    }
    evidence_key = "reasons" if lang == "en" else f"reasons_{lang}"
    rows: list[dict[str, Any]] = []
    for kind in ("added", "ended"):
        for tie in ties[kind]:
            rows.append(
                {
                    "change": render(f"report.change.tie_{kind}", lang),
                    "who": f"{tie['source_name']} ↔ {tie['target_name']}",
                    "evidence": "; ".join(str(r) for r in (tie.get(evidence_key) or [])[1:]),
                }
            )
    for kind in ("joined", "left"):
        for actor in actors[kind]:
            rows.append(
                {
                    "change": render(f"report.change.actor_{kind}", lang),
                    "who": names.get(actor, actor),
                    "evidence": "",
                }
            )
    if not rows:
        return []
    note = render("report.note.changes", lang, start=start.isoformat(), end=as_of.isoformat())
    note += " " + "; ".join(str(r) for r in report.get(evidence_key) or [])
    return [
        Table(
            "changes",
            render("report.sheet.changes", lang),
            [_col("change", lang), _col("who", lang), _col("evidence", lang)],
            rows,
            note=note,
        )
    ]


def compass_tables(store: GraphStore, locality_id: str, lang: str, as_of: dt.date) -> list[Table]:
    """The outcomes compass: each rated outcome x domain, first and latest year, and met shares."""
    compass = compass_report(store, Scope(locality_id, as_of))
    cells = compass.get("cells") or []
    if not cells:
        return []

    def status(entry: Mapping[str, Any]) -> str:
        return f"{term('compass_status', entry['status'], lang)} ({entry['year']})"

    rows = [
        {
            "outcome": term("outcome", c["outcome"], lang),
            "domain": term("domain", c["domain"], lang),
            "first": status(c["first"]),
            "latest": status(c["latest"]),
            "change": term("compass_change", c["change"], lang),
            "evidence": c.get("evidence") or "",
        }
        for c in cells
    ]
    years = compass.get("years") or []
    shares = [
        {
            "outcome": term("outcome", o["outcome"], lang),
            "share_first": o.get("met_share_first"),
            "share_latest": o.get("met_share_latest"),
        }
        for o in compass.get("outcomes") or []
        if o.get("met_share_first") is not None or o.get("met_share_latest") is not None
    ]
    return [
        Table(
            "compass",
            render("report.sheet.compass", lang),
            [
                _col("outcome", lang),
                _col("domain", lang),
                _col("first", lang),
                _col("latest", lang),
                _col("change", lang),
                _col("evidence", lang),
            ],
            rows,
            note=render("report.note.compass", lang),
        ),
        Table(
            "compass_shares",
            render("report.sheet.compass_shares", lang),
            [
                _col("outcome", lang),
                Column(
                    "share_first",
                    render("report.col.share_year", lang, year=str(years[0])),
                    "share",
                ),
                Column(
                    "share_latest",
                    render("report.col.share_year", lang, year=str(years[-1])),
                    "share",
                ),
            ],
            shares,
            note=render("report.note.compass_shares", lang),
        ),
    ]
