"""Time on every store: the same as-of views and changes on SQLite and a real Neo4j.

Expected values: ``tests/analytics/time_fixture.py`` (worked out by hand).
"""

from __future__ import annotations

import datetime as dt

from graph.analytics.changes import changes_report
from graph.analytics.report import analysis_report
from graph.scope import Scope, read
from graph.store.base import GraphStore
from tests.analytics.time_fixture import FROM, TO, history_town


def test_as_of_views_on_every_store(store: GraphStore) -> None:
    history_town(store)
    then = {n.id for n in read(store, Scope("t", FROM)).nodes}
    later = {n.id for n in read(store, Scope("t", TO)).nodes}
    assert {"old", "p5", "p6", "res"} <= then and "biz" not in then
    assert {"biz", "p3", "p4"} <= later and not {"old", "p5", "p6"} & later
    assert analysis_report(store, Scope("t", FROM))["metrics"]["ties"] == 3
    assert analysis_report(store, Scope("t", TO))["metrics"]["ties"] == 6
    assert store.get("old") is not None  # ended, still stored


def test_changes_on_every_store(store: GraphStore) -> None:
    history_town(store)
    out = changes_report(store, FROM, TO, Scope("t"))
    assert [(t["source"], t["target"]) for t in out["ties"]["added"]] == [
        ("biz", "muni"),
        ("biz", "ngo"),
        ("biz", "res"),
        ("muni", "res"),
        ("ngo", "res"),
    ]
    assert [(t["source"], t["target"]) for t in out["ties"]["ended"]] == [
        ("muni", "old"),
        ("ngo", "old"),
    ]
    assert out["actors"] == {"joined": ["biz"], "left": ["old"]}
    assert out["duplicates"]["became_coordinated"] == [{"programs": ["p1", "p2"]}]
    assert out["metrics"]["delta"]["ties"] == 3
    # a day before the partnership ngo-res ended for good (2021 = through 31 December)
    assert (
        changes_report(store, dt.date(2021, 12, 31), dt.date(2022, 1, 1), Scope("t"))["ties"][
            "ended"
        ][0]["target"]
        == "res"
    )


def test_health_on_every_store(store: GraphStore) -> None:
    from graph.analytics.health import health_report
    from tests.analytics.test_health import survey_town

    survey_town(store)
    out = health_report(store, Scope("h"))
    # tests/analytics/test_health.py's hand-computed values
    assert (out["wave"], out["previous_wave"]) == ("2024-05-01", "2023-05-01")
    assert out["network"]["response_rate"] == 0.75 and out["network"]["trust"] == 0.5
    assert [c["kind"] for c in out["concerns"]] == [
        "silent",
        "declined",
        "declined",
        "low_trust_high_value",
        "unreciprocated",
    ]
