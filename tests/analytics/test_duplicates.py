"""Duplicated interventions in the planted town (``planted.py``).

Every expected pair, near-miss and coordination is planted by construction;
the assertions name the rule of SPEC section 3 each one exercises.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.analytics.duplicates import duplicate_groups, find_duplicates
from graph.model import NodeRecord
from graph.network import build_network
from graph.scope import Scope, read
from graph.store.base import Subgraph
from graph.store.sqlite import SQLiteStore
from tests.analytics.planted import L1, planted_town

LANG = ("p-lang-a", "p-lang-b", "p-lang-c")


def _dups(store: SQLiteStore, **scope: Any) -> list[dict[str, Any]]:
    context = scope.pop("context", "both")
    sub = read(store, Scope(**scope), dated=False)
    return find_duplicates(build_network(sub, context=context, **scope), sub)


@pytest.fixture
def town(sqlite_store: SQLiteStore) -> SQLiteStore:
    planted_town(sqlite_store)
    return sqlite_store


def _by_pair(dups: list[dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
    return {tuple(d["programs"]): d for d in dups}


def test_planted_group_of_three_is_found_and_nothing_else(town: SQLiteStore) -> None:
    for scope in ({}, {"locality_id": L1}, {"cluster_id": "c-south"}):
        pairs = _by_pair(_dups(town, **scope))
        assert set(pairs) == {
            ("p-lang-a", "p-lang-b"),
            ("p-lang-a", "p-lang-c"),
            ("p-lang-b", "p-lang-c"),
        }, scope


def test_near_misses_are_not_reported(town: SQLiteStore) -> None:
    reported = {p for d in _dups(town) for p in d["programs"]}
    # other locality, disjoint ages, disjoint periods, same operator, no shared
    # domain, disjoint target populations
    for miss in (
        "p-lang-sderot",
        "p-art-young",
        "p-art-teen",
        "p-welfare-old",
        "p-welfare-new",
        "p-health-1",
        "p-health-2",
        "p-jobs",
        "p-service",
        "p-sport-girls",
        "p-sport-seniors",
    ):
        assert miss not in reported, miss


def test_entry_shape_and_values(town: SQLiteStore) -> None:
    dups = _dups(town, locality_id=L1)
    ab = _by_pair(dups)[("p-lang-a", "p-lang-b")]
    assert ab["locality_id"] == L1
    assert ab["domains"] == ["early_childhood"]  # p-lang-b is also welfare; a is not
    assert ab["operators"] == ["o-ngo-a", "o-ngo-b"]
    assert ab["investment_total"] == 250000  # 200,000 from קרן רש"י + 50,000 municipal budget
    assert 0 < ab["score"] <= 1
    assert ab["reasons"][0] == "same locality: קריית מלאכי"
    assert "ages 0-3 and 1-4 overlap" in ab["reasons"]
    assert "טווחי הגילים 0-3 ו-1-4 חופפים" in ab["reasons_he"]
    assert len(ab["reasons"]) == len(ab["reasons_he"]) == len(ab["reasons_ar"])
    # the domain by its label, never its code; money in the catalogue's one format
    assert "shared domain: Early childhood" in ab["reasons"]
    assert "תחום משותף: גיל רך" in ab["reasons_he"]
    assert "مجال مشترك: الطفولة المبكرة" in ab["reasons_ar"]
    assert "₪250,000 invested in the two programs" in ab["reasons"]
    assert not any("early_childhood" in r for r in ab["reasons"] + ab["reasons_he"])
    # sorted by score, best first
    assert [d["score"] for d in dups] == sorted((d["score"] for d in dups), reverse=True)
    # the two near-identical programs (same ages, target, description) score highest
    assert dups[0]["programs"] == ["p-lang-a", "p-lang-b"]


def test_coordinated_through_operators_funders_or_not(town: SQLiteStore) -> None:
    pairs = _by_pair(_dups(town))
    ab = pairs[("p-lang-a", "p-lang-b")]
    assert ab["coordinated"] is True
    between = {(tuple(e["between"]), e["id"]) for e in ab["coordination"]}
    assert (("o-ngo-a", "o-ngo-b"), "f-ec") in between  # operators meet in the EC team
    # the operators of a and c never meet, nor do their funders
    ac = pairs[("p-lang-a", "p-lang-c")]
    assert ac["coordinated"] is False and ac["coordination"] == []
    assert any(r.startswith("not coordinated") for r in ac["reasons"])
    # b is funded by the municipality, which convenes c's operator in the emergency team
    bc = pairs[("p-lang-b", "p-lang-c")]
    assert bc["coordinated"] is True
    assert [(e["between"], e["id"]) for e in bc["coordination"]] == [
        (["o-muni", "o-ngo-c"], "f-emergency")
    ]
    # ...which is not a routine forum: in the routine network they do not coordinate
    routine = _by_pair(_dups(town, context="routine"))
    assert routine[("p-lang-b", "p-lang-c")]["coordinated"] is False


def test_group_of_three(town: SQLiteStore) -> None:
    dups = _dups(town)
    assert {d["group_id"] for d in dups} == {"dup-1"}
    groups = duplicate_groups(dups)
    assert len(groups) == 1
    assert groups[0]["programs"] == list(LANG)
    assert groups[0]["pairs"] == 3 and groups[0]["coordinated_pairs"] == 2


def test_a_lone_pair_has_no_group(town: SQLiteStore) -> None:
    town.delete_nodes(["p-lang-c"], force=True)
    dups = _dups(town)
    assert [d["programs"] for d in dups] == [["p-lang-a", "p-lang-b"]]
    assert dups[0]["group_id"] is None
    assert duplicate_groups(dups) == []


def _program(pid: str, op: str, name: str, **props: Any) -> NodeRecord:
    base = {"name": name, "operator_id": op, "locality_id": "l", "domains": ["welfare"]}
    return NodeRecord("Program", pid, {**base, **props})


def _run(*programs: NodeRecord) -> list[dict[str, Any]]:
    orgs = [NodeRecord("Organization", o, {"name": o, "sector": "nonprofit"}) for o in "abc"]
    sub = Subgraph([*orgs, *programs], [])
    return find_duplicates(build_network(sub), sub)


def test_hebrew_normalisation_in_name_similarity() -> None:
    # niqqud, final letters and the quote of an acronym do not make names differ
    dups = _run(
        _program("p1", "a", 'חוגי מתנ"ס לילדים'),
        _program("p2", "b", "חוגֵי מתנס לילדימ"),
    )
    assert dups[0]["reasons"][-2] == "similar names (100%)"


def test_missing_ages_and_dates_do_not_rule_out_but_lower_the_score() -> None:
    full = _run(
        _program("p1", "a", "ליווי", age_min=0, age_max=5, start="2024", end="2025"),
        _program("p2", "b", "ליווי", age_min=0, age_max=5, start="2024", end="2025"),
    )
    open_ = _run(_program("p1", "a", "ליווי"), _program("p2", "b", "ליווי"))
    assert len(full) == len(open_) == 1
    assert open_[0]["score"] < full[0]["score"]
    assert "ages not given for both programs" in open_[0]["reasons"]


def test_open_ended_period_overlaps_a_later_one() -> None:
    dups = _run(
        _program("p1", "a", "ליווי", start="2019"),
        _program("p2", "b", "ליווי", start="2024", end="2024"),
        _program("p3", "c", "ליווי", end="2018"),
    )
    assert [d["programs"] for d in dups] == [["p1", "p2"]]


def test_deterministic(town: SQLiteStore) -> None:
    assert _dups(town) == _dups(town)
