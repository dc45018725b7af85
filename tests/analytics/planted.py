"""Small planted graphs for the analytics tests, written into a real store.

:func:`planted_town` builds a town (קריית מלאכי) whose right answers are
known by construction: a group of three duplicated early-childhood language
programs (two of them coordinated through a forum), near-misses of every
kind that must not be reported, and actors isolated in each of the ways
``graph.analytics.isolates`` names. :func:`davis_store` loads the Davis
Southern Women data (women as organisations, events as forums).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.model import (
    Forum,
    Investment,
    Locality,
    Membership,
    NodeModel,
    Organization,
    Partnership,
    Program,
    ProgramPartner,
    Role,
    edge_record,
    to_record,
)
from graph.store.base import GraphStore

__all__ = ["davis_store", "planted_town", "write"]

L1, L2, L3 = "loc-kiryat-malachi", "loc-sderot", "loc-ofakim"


def write(store: GraphStore, nodes: list[NodeModel], edges: list[Any]) -> None:
    """Validate through the model and write in one transaction."""
    store.write([to_record(n) for n in nodes], [edge_record(e) for e in edges])


def _org(oid: str, name: str, sector: str, locs: str = L1, **kw: Any) -> Organization:
    return Organization(id=oid, name=name, sector=sector, locality_ids=locs, **kw)


def _prog(
    pid: str,
    name: str,
    operator: str,
    domains: str,
    ages: str,
    period: str,
    loc: str = L1,
    **kw: Any,
) -> Program:
    amin, amax = ages.split("-")
    start, end = period.split("-")
    return Program(
        id=pid,
        name=name,
        operator_id=operator,
        locality_id=loc,
        domains=domains,
        age_min=amin,
        age_max=amax,
        start=start,
        end=end,
        **kw,
    )


def planted_town(store: GraphStore) -> None:
    """Write the planted town (and two neighbours) into ``store``.

    Expected findings, by construction:

    * duplicates: ``p-lang-a``/``p-lang-b`` (coordinated: forum ``f-ec``),
      ``p-lang-a``/``p-lang-c`` and ``p-lang-b``/``p-lang-c`` (not
      coordinated), one group of three.
    * not duplicates: ``p-lang-sderot`` (other locality), ``p-art-young``/
      ``p-art-teen`` (disjoint ages), ``p-welfare-old``/``p-welfare-new``
      (disjoint periods), ``p-health-1``/``p-health-2`` (same operator),
      ``p-jobs``/``p-service`` (no shared domain), ``p-sport-girls``/
      ``p-sport-seniors`` (disjoint target populations).
    * isolates: ``o-parents`` (isolate), ``o-synagogue``/``o-scouts``
      (disconnected, sector_siloed, single_tie), ``o-welfare-dept``
      (sector_siloed, single_tie), ``o-residents`` (single_tie), and no_forum
      for every organisation in no forum.
    """
    nodes: list[NodeModel] = [
        Locality(
            id=L1,
            name="קריית מלאכי",
            municipal_status="city",
            cluster_id="c-south",
            socioeconomic_cluster=4,
            population=25000,
        ),
        Locality(id=L2, name="שדרות", municipal_status="city", cluster_id="c-south"),
        Locality(id=L3, name="אופקים", municipal_status="city"),
        _org("o-muni", "עיריית קריית מלאכי", "local_authority"),
        _org("o-edu", "מחלקת חינוך", "local_authority", parent_id="o-muni"),
        _org("o-welfare-dept", "מחלקת רווחה", "local_authority", parent_id="o-muni"),
        _org("o-ngo-a", "עמותת שפה ראשונה", "nonprofit"),
        _org("o-ngo-b", "עמותת מילים קטנות", "nonprofit"),
        _org("o-ngo-c", 'מתנ"ס קריית מלאכי', "nonprofit"),
        _org("o-ngo-d", "עמותת שפה ראשונה שדרות", "nonprofit", locs=L2),
        _org("o-fund-x", 'קרן רש"י', "philanthropy", locs=""),
        _org("o-fund-y", "קרן סמואלי", "philanthropy", locs=""),
        _org("o-biz", "מפעל אלון", "business"),
        _org("o-parents", "ועד הורים גן חצב", "community"),
        _org("o-residents", "ועד שכונת הדקל", "community"),
        _org("o-synagogue", "קהילת בית הכנסת אור", "community"),
        _org("o-scouts", "שבט צופים מלאכי", "community"),
        _org("o-ofakim-ngo", "עמותת אופקים", "nonprofit", locs=L3),
        Role(
            id="r-mayor",
            title="ראש העירייה",
            kind="head_of_authority",
            organization_id="o-muni",
            holder="אליהו זוהר",
        ),
        Role(id="r-ec-lead", title="רכזת גיל רך", kind="domain_lead", organization_id="o-ngo-b"),
        Forum(
            id="f-admin",
            name="מינהלת יישובית",
            kind="local_administration",
            locality_id=L1,
            convener_id="o-muni",
            meetings_per_year=11,
            context="routine",
        ),
        Forum(
            id="f-ec",
            name="צוות מקצועי גיל רך",
            kind="professional_team",
            locality_id=L1,
            domain="early_childhood",
            meetings_per_year=6,
            context="routine",
        ),
        Forum(
            id="f-emergency",
            name="צוות חירום עירוני",
            kind="emergency_team",
            locality_id=L1,
            convener_id="o-muni",
            meetings_per_year=4,
            context="emergency",
        ),
        # The three duplicated language programs (ages 0-3, 1-4, 2-5).
        _prog(
            "p-lang-a",
            "שפה ראשונה בגיל הרך",
            "o-ngo-a",
            "early_childhood",
            "0-3",
            "2023-2025",
            target_population="פעוטות והוריהם",
            description="העשרת שפה לפעוטות וליווי הורים בבית",
        ),
        _prog(
            "p-lang-b",
            "מילים ראשונות לפעוטות",
            "o-ngo-b",
            "early_childhood;welfare",
            "1-4",
            "2024-2026",
            target_population="פעוטות והוריהם",
            description="העשרת שפה לפעוטות והדרכת הורים",
        ),
        _prog(
            "p-lang-c",
            "שפה בגן ובבית",
            "o-ngo-c",
            "early_childhood",
            "2-5",
            "2024-2024",
            description="פיתוח שפה לילדי גן",
        ),
        # Near-misses.
        _prog(
            "p-lang-sderot",
            "שפה ראשונה בגיל הרך",
            "o-ngo-d",
            "early_childhood",
            "0-3",
            "2023-2025",
            loc=L2,
        ),
        _prog("p-art-young", "אמנות לילדים", "o-ngo-a", "informal_education", "6-10", "2023-2025"),
        _prog("p-art-teen", "אמנות לנוער", "o-ngo-b", "informal_education", "14-17", "2023-2025"),
        _prog("p-welfare-old", "ליווי משפחות", "o-ngo-a", "welfare", "0-18", "2015-2017"),
        _prog("p-welfare-new", "ליווי משפחות", "o-ngo-c", "welfare", "0-18", "2020-2022"),
        _prog("p-health-1", "בריאות השן", "o-ngo-a", "health", "0-3", "2023-2023"),
        _prog("p-health-2", "בריאות השן ב", "o-ngo-a", "health", "0-3", "2023-2023"),
        _prog("p-jobs", "הכוון תעסוקתי", "o-ngo-b", "employment", "18-21", "2023-2025"),
        _prog("p-service", "הכנה לשירות", "o-ngo-c", "meaningful_service", "18-21", "2023-2025"),
        _prog(
            "p-sport-girls",
            "ספורט",
            "o-ngo-b",
            "community",
            "10-30",
            "2023-2025",
            target_population="נערות",
        ),
        _prog(
            "p-sport-seniors",
            "ספורט",
            "o-ngo-c",
            "community",
            "10-30",
            "2023-2025",
            target_population="אזרחים ותיקים",
        ),
        Investment(
            id="i-x-lang-a", funder_id="o-fund-x", program_id="p-lang-a", amount=200000, year=2024
        ),
        Investment(
            id="i-y-lang-c", funder_id="o-fund-y", program_id="p-lang-c", amount=150000, year=2024
        ),
        Investment(
            id="i-muni-lang-b",
            funder_id="o-muni",
            program_id="p-lang-b",
            amount=50000,
            year=2024,
            kind="budget",
        ),
        Investment(
            id="i-x-jobs-loc",
            funder_id="o-fund-x",
            locality_id=L1,
            domain="employment",
            amount=100000,
            year=2024,
        ),
    ]
    edges: list[Any] = [
        Membership(member_id="r-mayor", forum_id="f-admin", position="chair"),
        Membership(member_id="o-edu", forum_id="f-admin"),
        Membership(member_id="o-biz", forum_id="f-admin"),
        Membership(member_id="o-fund-x", forum_id="f-admin"),
        Membership(member_id="o-ngo-b", forum_id="f-admin"),
        Membership(member_id="o-ngo-a", forum_id="f-ec"),
        Membership(member_id="r-ec-lead", forum_id="f-ec"),
        Membership(member_id="o-edu", forum_id="f-ec"),
        Membership(member_id="o-ngo-c", forum_id="f-emergency"),
        ProgramPartner(program_id="p-lang-a", organization_id="o-edu", role="מיקום"),
        Partnership(
            source_id="o-ngo-c",
            target_id="o-residents",
            kind="volunteers",
            strength=4,
            context="both",
        ),
        Partnership(source_id="o-synagogue", target_id="o-scouts", kind="joint_events", strength=2),
        Partnership(
            source_id="o-biz", target_id="o-ngo-a", kind="in_kind", strength=2, context="emergency"
        ),
    ]
    write(store, nodes, edges)


def davis_store(store: GraphStore) -> nx.Graph:
    """Load Davis Southern Women: women as organisations, events as monthly forums.

    Returns NetworkX's own bipartite graph for comparison.
    """
    B = nx.davis_southern_women_graph()
    women, events = B.graph["top"], B.graph["bottom"]
    nodes: list[NodeModel] = [Organization(id=w, name=w, sector="community") for w in women] + [
        Forum(id=e, name=e, kind="other", meetings_per_year=12) for e in events
    ]
    is_woman = set(women)
    pairs = [(u, v) if u in is_woman else (v, u) for u, v in B.edges()]
    edges = [Membership(member_id=w, forum_id=e) for w, e in pairs]
    write(store, nodes, edges)
    return B
