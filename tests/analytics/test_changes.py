"""What changed between two dates, and the date rules it rests on (SPEC section 6).

The expected values of the history town are worked out by hand in
``tests/analytics/time_fixture.py``'s docstring.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graph.analytics.changes import changes_report, metric_trend
from graph.errors import NotFound, ValidationFailed
from graph.model import NodeRecord as N
from graph.model import RelRecord as R
from graph.scope import Scope, counts_at, cut, parse_as_of, read
from graph.store.base import Subgraph
from graph.store.sqlite import SQLiteStore
from tests.analytics.time_fixture import FROM, TO, history_town

# -- the date rules -------------------------------------------------------------------


def test_a_year_alone_starts_on_1_january_and_ends_on_31_december() -> None:
    assert counts_at("2024", None, dt.date(2024, 1, 1))
    assert not counts_at("2024", None, dt.date(2023, 12, 31))
    assert counts_at(None, "2024", dt.date(2024, 12, 31))
    assert not counts_at(None, "2024", dt.date(2025, 1, 1))
    # An investment's year is both ends.
    assert counts_at("2024", "2024", dt.date(2024, 7, 1))
    assert not counts_at("2024", "2024", dt.date(2025, 1, 1))


def test_undated_things_always_count() -> None:
    assert counts_at(None, None, dt.date(1900, 1, 1)) and counts_at("", "", dt.date(2999, 1, 1))


def test_a_tie_that_ends_the_day_before_as_of_does_not_count() -> None:
    sub = Subgraph(
        [N("Organization", "a"), N("Organization", "b")],
        [R("PARTNERS_WITH", "a", "b", {"until": "2025-06-29"})],
    )
    assert cut(sub, Scope(as_of=dt.date(2025, 6, 29))).relationships
    assert not cut(sub, Scope(as_of=dt.date(2025, 6, 30))).relationships
    # both organisations stay: only the tie ended
    assert len(cut(sub, Scope(as_of=dt.date(2025, 6, 30))).nodes) == 2


def test_an_ended_node_takes_its_relationships_with_it() -> None:
    sub = Subgraph(
        [N("Organization", "a"), N("Forum", "f", {"until": "2020"})],
        [R("MEMBER_OF", "a", "f")],
    )
    view = cut(sub, Scope(as_of=dt.date(2021, 1, 1)))
    assert [n.id for n in view.nodes] == ["a"] and view.relationships == []


def test_as_of_is_parsed_like_an_end() -> None:
    assert parse_as_of("2024") == dt.date(2024, 12, 31)
    assert parse_as_of("2024-02-29") == dt.date(2024, 2, 29)
    assert parse_as_of(None) == dt.date.today()
    for bad in ("2024-13-01", "yesterday", "24"):
        with pytest.raises(ValidationFailed, match="as_of"):
            parse_as_of(bad)


# -- the history town -----------------------------------------------------------------


@pytest.fixture
def town(sqlite_store: SQLiteStore) -> SQLiteStore:
    history_town(sqlite_store)
    return sqlite_store


def test_ended_things_stay_in_the_store_but_leave_the_view(town: SQLiteStore) -> None:
    everything = {n.id for n in read(town, Scope("t"), dated=False).nodes}
    today = {n.id for n in read(town, Scope("t", dt.date(2026, 11, 30))).nodes}
    assert {"old", "p5", "p6"} <= everything
    assert not {"old", "p5", "p6"} & today
    assert town.get("old") is not None


def test_changes_of_the_history_town(town: SQLiteStore) -> None:
    out = changes_report(town, FROM, TO, Scope("t"))
    assert out["from"] == "2022-06-30" and out["to"] == "2025-06-30"
    assert out["scope"] == {"locality_id": "t", "context": "both"}
    added = [(t["source"], t["target"]) for t in out["ties"]["added"]]
    ended = [(t["source"], t["target"]) for t in out["ties"]["ended"]]
    assert added == [
        ("biz", "muni"),
        ("biz", "ngo"),
        ("biz", "res"),
        ("muni", "res"),
        ("ngo", "res"),
    ]
    assert ended == [("muni", "old"), ("ngo", "old")]
    assert out["ties"]["added"][0]["evidence"] == [
        {"kind": "forum", "id": "f", "name": "מינהלת יישובית"}
    ]
    assert out["ties"]["ended"][0]["reasons_he"][0] == "ארגון muni וארגון old כבר אינם עובדים יחד"
    assert out["actors"] == {"joined": ["biz"], "left": ["old"]}
    assert out["isolates"] == {
        "resolved": [{"id": "res", "name": "ארגון res", "kinds_before": ["isolate", "no_forum"]}],
        "new": [],
    }
    assert out["duplicates"] == {
        "new": [{"programs": ["p3", "p4"]}],
        "resolved": [{"programs": ["p5", "p6"]}],
        "became_coordinated": [{"programs": ["p1", "p2"]}],
    }
    assert out["forums"] == [
        {"id": "f", "sectors_gained": ["business", "community"], "sectors_lost": []}
    ]
    assert out["bridges"] == []
    m = out["metrics"]
    assert m["before"] == {
        "nodes": 4,
        "ties": 3,
        "density": 0.5,
        "components": 2,
        "cross_sector_tie_share": pytest.approx(2 / 3, abs=1e-6),
    }
    assert m["after"] == {
        "nodes": 4,
        "ties": 6,
        "density": 1.0,
        "components": 1,
        "cross_sector_tie_share": 1.0,
    }
    assert m["delta"]["ties"] == 3 and m["delta"]["components"] == -1
    assert m["delta"]["cross_sector_tie_share"] == pytest.approx(1 / 3, abs=1e-6)
    assert out["reasons"][0] == "5 ties added, 2 ended"
    assert out["reasons_he"][0] == "5 קשרים נוספו, 2 הסתיימו"


def test_no_change_between_a_date_and_itself(town: SQLiteStore) -> None:
    out = changes_report(town, TO, TO, Scope("t"))
    assert out["ties"] == {"added": [], "ended": []}
    assert out["actors"] == {"joined": [], "left": []}
    assert set(out["metrics"]["delta"].values()) == {0}


def test_changes_refuses_reversed_dates_and_unknown_places(town: SQLiteStore) -> None:
    with pytest.raises(ValidationFailed, match="from"):
        changes_report(town, TO, FROM, Scope("t"))
    with pytest.raises(NotFound, match="nowhere"):
        changes_report(town, FROM, TO, Scope("nowhere"))


def test_trend_of_ties_by_year(town: SQLiteStore) -> None:
    sub = read(town, Scope("t"), dated=False)
    trend = metric_trend(sub, range(2021, 2026), Scope("t"))
    # 2021-12-31: muni-ngo, muni-old, ngo-old (the ngo-res partnership ran through 2021: +1)
    # 2022: the same three; 2023: old has left (one tie); 2024: biz joined f (three);
    # 2025: res joined f too (six).
    assert {y: m["ties"] for y, m in trend.items()} == {
        2021: 4,
        2022: 3,
        2023: 1,
        2024: 3,
        2025: 6,
    }
