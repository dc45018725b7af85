"""The collective plan (graph/analytics/plan.py) on the hand-worked plan town.

Expected values are worked out in tests/analytics/plan_town.py's docstring.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graph.analytics.plan import collective_plan, goal_progress, goal_status, time_elapsed
from graph.scope import Scope
from graph.store.base import Subgraph
from tests.analytics.plan_town import AS_OF, LOCALITY, plan_town_records


@pytest.fixture(scope="module")
def plan() -> dict:
    nodes, rels = plan_town_records()
    return collective_plan(Subgraph(nodes, rels), Scope(LOCALITY, AS_OF))


def _goal(plan: dict, gid: str) -> dict:
    return next(g for g in plan["goals"] if g["id"] == gid)


def test_progress_and_status_of_each_goal(plan: dict) -> None:
    assert [g["id"] for g in plan["goals"]] == ["g-behind", "g-none", "g-on", "g-ach"]
    ach, on, behind, none = (_goal(plan, g) for g in ("g-ach", "g-on", "g-behind", "g-none"))
    assert ach["latest"] == {"date": "2026-03-01", "value": 21.0}
    assert (ach["progress"], ach["status"]) == (pytest.approx(1.1), "achieved")
    # The 2026-09-01 reading is after the as-of date: 163 on 2026-06-01 is the latest.
    assert on["latest"] == {"date": "2026-06-01", "value": 163.0}
    assert on["progress"] == pytest.approx(0.63)
    assert on["time_elapsed"] == pytest.approx(911 / 1460, abs=1e-4)
    assert on["status"] == "on_track"
    # A goal to lower a number: 40 -> 35 of the way to 20 is a quarter; the clock starts
    # at its first reading (no baseline_year), 545 of 729 days gone.
    assert behind["progress"] == pytest.approx(0.25)
    assert behind["time_elapsed"] == pytest.approx(545 / 729, abs=1e-4)
    assert behind["status"] == "behind"
    assert (none["latest"], none["progress"], none["status"]) == (None, None, "no_data")


def test_reading_after_the_date_changes_the_picture_only_later() -> None:
    nodes, rels = plan_town_records()
    later = collective_plan(Subgraph(nodes, rels), Scope(LOCALITY, dt.date(2026, 9, 1)))
    on = _goal(later, "g-on")
    assert on["latest"] == {"date": "2026-09-01", "value": 100.0}
    assert (on["progress"], on["status"]) == (0.0, "behind")


def test_status_boundaries() -> None:
    # progress equal to the time gone is on track; a hair less is behind; exactly 1 is achieved
    assert goal_status(0.5, 0.5) == "on_track"
    assert goal_status(0.4999, 0.5) == "behind"
    assert goal_status(1.0, 1.0) == "achieved"
    assert goal_status(0.9999, 1.0) == "behind"
    assert goal_status(None, 0.1) == "no_data"
    # 2024 is a leap year: 2024-01-01 .. 2024-07-02 is 183 of the 365 days to 2024-12-31
    assert time_elapsed(dt.date(2024, 1, 1), 2024, dt.date(2024, 7, 2)) == pytest.approx(
        183 / 365, abs=1e-4
    )
    assert time_elapsed(dt.date(2024, 1, 1), 2026, dt.date(2023, 5, 1)) == 0.0
    assert goal_progress(1200, 1800, 1800) == 1.0
    assert goal_progress(5, 5, 7) is None


def test_programs_partners_and_money_of_a_goal(plan: dict) -> None:
    on = _goal(plan, "g-on")
    assert [(p["id"], p["operator_id"], p["partner_ids"]) for p in on["programs"]] == [
        ("p1", "ngo", ["biz"]),
        ("p2", "auth", []),
    ]
    # planned i4; committed i2 + i6; paid i3 + i1; i5 (2027) and i9 (USD) left out
    assert on["money"] == {
        "planned": 500000,
        "committed": 400000,
        "paid": 300000,
        "by_source": {
            "local_authority": 200000,
            "government": 200000,
            "philanthropy": 800000,
            "business": 0,
            "other": 0,
        },
    }
    ach = _goal(plan, "g-ach")
    assert (ach["money"]["planned"], ach["money"]["committed"], ach["money"]["paid"]) == (
        500000,
        300000,
        200000,
    )
    assert _goal(plan, "g-behind")["programs"] == []
    assert plan["other_currency"] == ["i9"]


def test_unlinked_money(plan: dict) -> None:
    assert plan["unlinked_money"] == {"total": 120000, "investments": ["i7", "i8"]}


def test_leverage_counts_committed_and_paid_up_to_the_date(plan: dict) -> None:
    lev = plan["leverage"]
    # planned i4 excluded, i5 of 2027 excluded, matching i2 + i6 counted
    assert (lev["authority"], lev["external"], lev["matching"]) == (200000, 620000, 400000)
    assert lev["ratio"] == pytest.approx(3.1)
    assert lev["by_year"] == {
        "2025": {"authority": 100000, "external": 380000},
        "2026": {"authority": 100000, "external": 240000},
    }
    assert lev["reasons"][0] == "₪3.1 from outside for every shekel of the authority"
    assert lev["reasons_he"][0] == "₪3.1 מבחוץ על כל שקל של הרשות"


def test_leverage_a_year_later_counts_the_2027_money() -> None:
    nodes, rels = plan_town_records()
    later = collective_plan(Subgraph(nodes, rels), Scope(LOCALITY, dt.date(2027, 1, 1)))
    lev = later["leverage"]
    assert lev["external"] == 670000  # + i5, business in kind, 2027
    assert lev["by_year"]["2027"] == {"authority": 0, "external": 50000}
    assert lev["ratio"] == pytest.approx(3.35)


def test_leverage_without_authority_money_has_no_ratio() -> None:
    nodes, rels = plan_town_records()
    kept = [n for n in nodes if n.id not in ("i1", "i6")]
    lev = collective_plan(Subgraph(kept, rels), Scope(LOCALITY, AS_OF))["leverage"]
    assert (lev["authority"], lev["ratio"]) == (0, None)
    assert lev["reasons"][0] == "₪620,000 from outside, and no money of the authority yet"


def test_agreements_and_overdue_commitments(plan: dict) -> None:
    assert [a["id"] for a in plan["agreements"]] == ["a1"]  # a2 signed later, a3 elsewhere
    a1 = plan["agreements"][0]
    assert a1["commitments"] == {"open": 4, "done": 1, "dropped": 1, "overdue": 1}
    assert a1["party_ids"] == ["auth", "fund", "ngo"]
    assert plan["overdue_commitments"] == [
        {
            "id": "c1",
            "agreement_id": "a1",
            "party_id": "auth",
            "description": "מינוי רכז נוער",
            "due": "2026-03-31",
            "days_overdue": 91,
        }
    ]


def test_reasons_in_three_languages(plan: dict) -> None:
    behind = _goal(plan, "g-behind")
    assert behind["reasons"][0] == (
        "behind schedule: only 25% of the way to the target with 75% of the time gone"
    )
    assert behind["reasons_he"][0] == "בפיגור: רק 25% מהדרך ליעד עברו, כשכבר חלפו 75% מהזמן"
    assert behind["reasons"][-1] == "no program advances this goal"
    assert len(behind["reasons_ar"]) == len(behind["reasons"]) == 3
    on = _goal(plan, "g-on")
    assert on["reasons"][-1] == (
        "₪300,000 paid, ₪400,000 committed and ₪500,000 planned for its programs"
    )


def test_a_goal_behind_schedule_with_no_money_is_a_stronger_leverage_point() -> None:
    import networkx as nx

    from graph.analytics.leverage import find_leverage

    nodes, rels = plan_town_records()
    G = nx.Graph()
    G.graph["scope"] = {"locality_ids": ["town"], "as_of": AS_OF.isoformat()}
    goals = {e["id"]: e for e in find_leverage(G, Subgraph(nodes, rels)) if e["kind"] == "goal"}
    # g-behind: no program (0.9) and behind schedule (+0.1); g-none: no program, no reading
    assert set(goals) == {"g-behind", "g-none"}
    assert (goals["g-behind"]["score"], goals["g-behind"]["plan_status"]) == (1.0, "behind")
    assert goals["g-behind"]["reasons"][:2] == [
        "behind schedule: 25% of the way with 75% of the time gone, and no money",
        "no program advances this goal",
    ]
    assert goals["g-behind"]["reasons_he"][0] == "בפיגור: 25% מהדרך כשחלפו 75% מהזמן, ואין לו כסף"
    assert (goals["g-none"]["score"], goals["g-none"]["plan_status"]) == (0.9, "no_data")
    # As of 2024-12-31 the goal has no reading yet: no judgement, no bonus.
    G.graph["scope"]["as_of"] = "2024-12-31"
    early = {e["id"]: e for e in find_leverage(G, Subgraph(nodes, rels)) if e["kind"] == "goal"}
    assert (early["g-behind"]["score"], early["g-behind"]["plan_status"]) == (0.9, "no_data")


def test_the_report_judges_goals_at_its_own_date(tmp_path) -> None:
    from graph.analytics.report import analysis_report
    from graph.store.sqlite import SQLiteStore

    with SQLiteStore(tmp_path / "g.db") as store:
        store.write(*plan_town_records())
        now = analysis_report(store, scope=Scope(LOCALITY, AS_OF), sections=("leverage",))
        before = analysis_report(
            store, scope=Scope(LOCALITY, dt.date(2024, 12, 31)), sections=("leverage",)
        )
    score = {e["id"]: e["score"] for e in now["leverage"] if e["kind"] == "goal"}
    assert score["g-behind"] == 1.0  # behind as of 2026-06-30
    early = {e["id"]: e for e in before["leverage"] if e["kind"] == "goal"}
    assert (early["g-behind"]["score"], early["g-behind"]["plan_status"]) == (0.9, "no_data")
