"""The fund's instruments on both stores: the same compass, summaries and ranking.

The ``store`` fixture runs each case on SQLite and on a real Neo4j. The town is
small and every expected value is worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graph.analytics.compass import compass_report
from graph.analytics.overview import locality_summaries
from graph.analytics.selection import parse_rubric, rank_localities
from graph.model import (
    Forum,
    Investment,
    Locality,
    Membership,
    Organization,
    Program,
    Role,
    derived_relationships,
    edge_record,
    to_record,
)
from graph.model_process import Assessment, CompassRating
from graph.scope import Scope
from graph.store.base import GraphStore

AS_OF = dt.date(2024, 6, 30)  # the 2024 investments are live (SPEC 6: a year ends 31 Dec)


def _write(store: GraphStore) -> None:
    nodes = [
        Locality(id="l", name="ירוחם", municipal_status="local_council",
                 socioeconomic_cluster=4, population=11000, district="הדרום"),
        Locality(id="m", name="رهط"),
        Organization(id="auth", name="מועצה מקומית ירוחם", sector="local_authority",
                     locality_ids=["l"]),
        Organization(id="ngo", name="עמותה", sector="nonprofit", locality_ids=["l"]),
        Organization(id="lonely", name="ועד שכונה", sector="community", locality_ids=["l"]),
        Organization(id="fund", name="Rashi Foundation", sector="philanthropy"),
        Role(id="pm", title="מנהלת שותפויות", kind="partnerships_manager",
             organization_id="auth"),
        Forum(id="adm", name="מינהלת", kind="local_administration", locality_id="l",
              convener_id="auth"),
        Program(id="p", name="שפה", operator_id="ngo", locality_id="l",
                domains=["early_childhood"], start="2024", end="2026"),
        Investment(id="i1", funder_id="fund", program_id="p", amount=300000, year=2024,
                   status="paid"),
        Investment(id="i2", funder_id="auth", program_id="p", amount=100000, year=2024,
                   status="paid", kind="matching"),
        CompassRating(locality_id="l", domain="early_childhood", outcome="data_culture",
                      year=2022, status="not_met"),
        CompassRating(locality_id="l", domain="early_childhood", outcome="data_culture",
                      year=2024, status="partly"),
        CompassRating(locality_id="l", domain="stem21", outcome="data_culture", year=2024,
                      status="met"),
        Assessment(locality_id="l", criterion="urgency", score=5, assessor="a"),
        Assessment(locality_id="l", criterion="urgency", score=4, assessor="b"),
    ]  # fmt: skip
    rels = [
        Membership(member_id="pm", forum_id="adm", position="chair"),
        Membership(member_id="ngo", forum_id="adm"),
    ]
    records = [to_record(n) for n in nodes]
    derived = [rel for rec in records for rel in derived_relationships(rec)]
    store.write(records, [edge_record(r) for r in rels] + derived)


@pytest.fixture
def town(store: GraphStore) -> GraphStore:
    _write(store)
    return store


def test_compass_on_both_stores(town: GraphStore) -> None:
    out = compass_report(town, Scope("l", AS_OF))
    assert out["years"] == [2022, 2024]
    cells = {c["domain"]: c["change"] for c in out["cells"]}
    assert cells == {"early_childhood": "improved", "stem21": "single"}
    share = next(o for o in out["outcomes"] if o["outcome"] == "data_culture")
    # 2022: not met over one domain -> 0; 2024: partly + met over two -> 0.75
    assert (share["met_share_first"], share["met_share_latest"]) == (0.0, 0.75)


def test_summaries_and_ranking_on_both_stores(town: GraphStore) -> None:
    s = locality_summaries(town, Scope(as_of=AS_OF))
    l_sum = s["l"]
    assert l_sum["organizations"] == 3
    assert l_sum["partnerships_manager"] and l_sum["local_administration"]
    # Ties: auth-ngo (forum), fund-ngo (funding), auth-ngo (funding: auth funds p) -> the pair
    # auth-ngo and the pair fund-ngo; both cross sectors. The community group has none.
    assert l_sum["ties"] == 2 and l_sum["cross_sector_share"] == 1.0
    assert l_sum["no_tie"] == 1
    money = l_sum["money"]
    assert money["by_source"]["philanthropy"] == 300000
    assert money["by_source"]["local_authority"] == 100000
    assert money["leverage"] == {"authority": 100000, "external": 300000, "ratio": 3.0,
                                 "matching": 100000}  # fmt: skip
    assert s["m"]["organizations"] == 0
    rubric = parse_rubric(
        "[weights]\nurgency = 2\nsocioeconomic_cluster = 1\npartnerships_manager = 1\n", "t"
    )
    ranking = rank_localities(town, rubric, Scope(as_of=AS_OF))
    first = ranking["localities"][0]
    assert first["id"] == "l"
    # urgency mean 4.5 -> 0.875 (x2), cluster 4 -> 6/9, manager 1: (1.75 + 0.6667 + 1) / 4
    assert first["score"] == pytest.approx((1.75 + 6 / 9 + 1) / 4, abs=1e-4)
    assert ranking["localities"][1]["score"] is None
