"""Emergency readiness on a town worked out by hand (see tests/analytics/readiness_fixture.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.analytics.readiness import readiness_report
from graph.errors import NotFound
from tests.analytics.readiness_fixture import town

AS_OF = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def report() -> dict:
    return readiness_report(town(), "l", as_of=AS_OF)


def _need(report: dict, nid: str) -> dict:
    return next(n for n in report["needs"] if n["id"] == nid)


def test_statuses_and_order(report: dict) -> None:
    # uncovered: water-south (3 x 300 = 900) before shelter-north (5 x 50 = 250);
    # under_covered: food-south (4 x 200 = 800) before volunteers-south (3 x 30 = 90);
    # single_provider: transport-north; covered: food-north (500) before medical-north (0).
    assert [(n["id"], n["status"]) for n in report["needs"]] == [
        ("n-water-south", "uncovered"),
        ("n-shelter-north", "uncovered"),
        ("n-food-south", "under_covered"),
        ("n-volunteers-south", "under_covered"),
        ("n-transport-north", "single_provider"),
        ("n-food-north", "covered"),
        ("n-medical-north", "covered"),
    ]


def test_area_matching_and_capacity_sums(report: dict) -> None:
    north = _need(report, "n-food-north")
    # vol serves north by name (60), bakery its whole town (50); ot works in l2, gone has ended.
    assert {p["id"] for p in north["providers"]} == {"vol", "bakery"}
    assert north["capacity"] == 110
    assert north["coverage"] == 1.0  # 110 / 100, capped at 1
    south = _need(report, "n-food-south")
    # vol's food is for north only: bakery alone, 50 of 200.
    assert [p["id"] for p in south["providers"]] == ["bakery"]
    assert south["capacity"] == 50
    assert south["coverage"] == pytest.approx(0.25)
    assert "150 people would be left without Food" in south["reasons"]


def test_unstated_capacity_counts_zero_and_unknown_population(report: dict) -> None:
    vols = _need(report, "n-volunteers-south")
    assert vols["capacity"] == 0 and vols["coverage"] == 0.0
    assert "one provider did not state a capacity (counted as 0)" in vols["reasons"]
    medical = _need(report, "n-medical-north")
    # far (no capacity) + city (10); no population: coverage cannot be judged, two providers.
    assert medical["capacity"] == 10 and medical["coverage"] is None
    assert medical["status"] == "covered"


def test_national_provider_serves_every_locality(report: dict) -> None:
    transport = _need(report, "n-transport-north")
    assert [(p["id"], p["capacity"]) for p in transport["providers"]] == [("nat", 40)]
    assert transport["coverage"] == 1.0
    assert "רק National Aid יכול לספק: אם ייפול, לא יהיה מענה" in transport["reasons_he"]
    assert transport["reasons"][-1] == (
        "one of its providers cannot be reached from the emergency team"
    )


def test_uncovered_reason_in_three_languages(report: dict) -> None:
    water = _need(report, "n-water-south")
    assert water["providers"] == [] and water["capacity"] == 0
    assert water["reasons"] == ["no organisation can supply Water in south"]
    assert water["reasons_he"] == ["אף ארגון אינו יכול לספק מים בsouth"]
    assert water["reasons_ar"][0].startswith("لا توجد جهة")


def test_steps_over_emergency_ties_only(report: dict) -> None:
    steps = {p["id"]: p["steps"] for n in report["needs"] for p in n["providers"]}
    # city is on the team (through its role); vol 1 (emergency partnership); far 2 (program of
    # context both, with vol); bakery only by a routine forum, a routine partnership and an
    # emergency partnership that ended in 2020; nat by nothing.
    assert steps == {"city": 0, "vol": 1, "far": 2, "bakery": None, "nat": None}
    assert [p["id"] for p in _need(report, "n-food-north")["providers"]] == ["vol", "bakery"]
    assert _need(report, "n-food-north")["providers"][0]["contact_role_id"] == "r-vol"
    assert _need(report, "n-food-north")["providers"][0]["contact_role_title"] == "רכזת מתנדבים"


def test_unreachable_providers(report: dict) -> None:
    assert [(u["id"], u["categories"]) for u in report["unreachable_providers"]] == [
        ("bakery", ["food"]),
        ("nat", ["transport"]),
    ]
    assert report["unreachable_providers"][0]["reasons"][0].startswith(
        "nobody on the emergency team reaches Bakery"
    )


def test_an_earlier_date_brings_back_the_ended_partnership() -> None:
    before = readiness_report(town(), "l", as_of=dt.date(2019, 6, 1))
    steps = {p["id"]: p["steps"] for n in before["needs"] for p in n["providers"]}
    assert steps["bakery"] == 1
    # gone had not closed yet in 2019: a third food provider of north and south.
    assert {p["id"] for p in _need(before, "n-food-south")["providers"]} == {"bakery", "gone"}


def test_single_points_of_failure(report: dict) -> None:
    assert [(s["id"], s["needs"]) for s in report["single_points_of_failure"]] == [
        ("bakery", ["n-food-south"]),
        ("nat", ["n-transport-north"]),
        ("vol", ["n-volunteers-south"]),
    ]


def test_invitations_rank_by_severity_times_population_never_members(report: dict) -> None:
    # bakery: food-north 5x100 + food-south 4x200 = 1300; vol: 500 + volunteers-south 3x30 = 590;
    # nat: transport-north 2x40 = 80; far: medical-north (no population) = 0; city is a member.
    invites = [
        (i["id"], i["score"], i["needs_covered"]) for i in report["invite_to_emergency_team"]
    ]
    assert invites == [
        ("bakery", 1300, ["n-food-north", "n-food-south"]),
        ("vol", 590, ["n-food-north", "n-volunteers-south"]),
        ("nat", 80, ["n-transport-north"]),
        ("far", 0, ["n-medical-north"]),
    ]
    assert "city" not in {i["id"] for i in report["invite_to_emergency_team"]}
    assert report["invite_to_emergency_team"][0]["reasons"] == [
        "would bring 2 needs to the team: Food",
        "those needs concern 300 people (weighted by severity: 1,300)",
        "it is the only provider of one need",
        "today nobody on the team reaches it through emergency ties",
    ]


def test_team(report: dict) -> None:
    team = report["emergency_team"]
    assert team["forum_id"] == "team"
    assert team["members"] == ["city", "mda"]
    # Providers are local_authority, nonprofit and business; the team has local_authority and
    # government.
    assert team["sectors_missing"] == ["business", "nonprofit"]
    assert report["scope"] == {"locality_id": "l", "as_of": "2026-11-30", "context": "emergency"}


def test_no_team_means_nobody_is_reached() -> None:
    sub = town()
    sub.nodes[:] = [n for n in sub.nodes if n.id != "team"]
    sub.relationships[:] = [r for r in sub.relationships if r.target != "team"]
    out = readiness_report(sub, "l", as_of=AS_OF)
    assert out["emergency_team"] == {
        "forum_id": None,
        "members": [],
        "sectors_missing": ["business", "local_authority", "nonprofit"],
    }
    assert {u["id"] for u in out["unreachable_providers"]} == {
        "bakery",
        "nat",
        "vol",
        "far",
        "city",
    }
    assert out["unreachable_providers"][0]["reasons"][0] == (
        "the locality has no emergency team, so nobody can be reached through one"
    )
    # With no members, the municipality is invited too.
    assert "city" in {i["id"] for i in out["invite_to_emergency_team"]}


def test_unknown_locality() -> None:
    with pytest.raises(NotFound):
        readiness_report(town(), "nowhere", as_of=AS_OF)
