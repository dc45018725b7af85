"""The emergency-readiness gaps planted in the demo (importers/demo/FINDINGS.md) are found."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.analytics.readiness import readiness_report
from graph.store.sqlite import SQLiteStore
from importers.demo import demo_path
from importers.registry import run_import

AS_OF = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SQLiteStore:
    store = SQLiteStore(tmp_path_factory.mktemp("demo") / "g.db")
    report = run_import(store, demo_path())
    assert report.valid, report.errors
    return store


def _status(report: dict) -> dict[tuple[str, str], str]:
    return {(n["category"], n["area"]): n["status"] for n in report["needs"]}


def test_sderot(demo: SQLiteStore) -> None:
    r = readiness_report(demo, "loc-sderot", as_of=AS_OF)
    status = _status(r)
    assert [k for k, s in status.items() if s == "uncovered"] == [
        ("transport", "נאות הנשיא"),  # 4 x 200 = 800
        ("translation", "נווה אשכול"),  # 3 x 80 = 240
    ]
    shelter = next(n for n in r["needs"] if (n["category"], n["area"]) == ("shelter", "נווה אשכול"))
    assert (shelter["capacity"], shelter["status"]) == (500, "under_covered")
    spof = {s["id"]: s["needs"] for s in r["single_points_of_failure"]}
    assert spof["org-sde-npo-volunteers"] == ["need-sde-food-1", "need-sde-food-2",
                                              "need-sde-volunteers-1"]  # fmt: skip
    # food 600x5 + 300x4 + volunteers 100x3 = 4,500; information 1000x2; food 200x4.
    assert [(i["id"], i["score"]) for i in r["invite_to_emergency_team"]] == [
        ("org-sde-npo-volunteers", 4500),
        ("org-sde-biz-print", 2000),
        ("org-sde-biz-bakery", 800),
    ]
    assert {u["id"] for u in r["unreachable_providers"]} == {"org-sde-biz-bakery",
                                                             "org-sde-biz-print"}  # fmt: skip
    assert r["emergency_team"]["sectors_missing"] == ["business"]


def test_ofakim(demo: SQLiteStore) -> None:
    r = readiness_report(demo, "loc-ofakim", as_of=AS_OF)
    assert [k for k, s in _status(r).items() if s == "uncovered"] == [("food", "ורדים")]
    assert {u["id"] for u in r["unreachable_providers"]} == {
        "org-ofa-biz-solar",
        "org-ofa-syn-or-hachaim",
        "org-bgu",
    }
    assert r["invite_to_emergency_team"][0]["id"] == "org-ofa-syn-or-hachaim"
    # Before the solar company's emergency partnership ended (2024), the team reached it.
    before = readiness_report(demo, "loc-ofakim", as_of=dt.date(2024, 6, 1))
    assert "org-ofa-biz-solar" not in {u["id"] for u in before["unreachable_providers"]}


def test_yeruham(demo: SQLiteStore) -> None:
    r = readiness_report(demo, "loc-yeruham", as_of=AS_OF)
    assert [k for k, s in _status(r).items() if s == "uncovered"] == [("medical", "שכונת האגם")]
    assert {u["id"] for u in r["unreachable_providers"]} == {"org-yer-biz-cafe", "org-bgu"}
    members = set(r["emergency_team"]["members"])
    assert not members & {i["id"] for i in r["invite_to_emergency_team"]}
