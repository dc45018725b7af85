"""The demo's history (importers/demo/history.py) shows what FINDINGS.md's "Time" section says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from graph.analytics.changes import changes_report
from graph.analytics.health import health_report
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore
from importers.demo import demo_path
from importers.registry import run_import

FROM, TO = dt.date(2022, 1, 1), dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path_factory.mktemp("time") / "demo.db")
    assert run_import(store, demo_path()).valid
    yield store
    store.close()


def test_ofakim_2022_to_2025(demo: SQLiteStore) -> None:
    out = changes_report(demo, FROM, TO, Scope("loc-ofakim"))
    assert out["actors"] == {"joined": ["org-ofa-biz-tech"], "left": ["org-ofa-npo-yad"]}
    assert (len(out["ties"]["added"]), len(out["ties"]["ended"])) == (73, 16)
    assert {i["id"] for i in out["isolates"]["resolved"]} == {
        "org-ofa-parents-city",
        "org-ofa-syn-or-hachaim",
        "org-ofa-ym-ariel",
        "org-sapir",
    }
    assert out["duplicates"]["new"] == [
        {"programs": ["prog-ofa-transition", "prog-ofa-young-careers"]}
    ]
    assert [f["id"] for f in out["forums"]] == ["forum-ofa-design"]
    m = out["metrics"]
    assert (m["before"]["ties"], m["after"]["ties"]) == (207, 264)
    assert (m["before"]["components"], m["after"]["components"]) == (4, 1)
    tech = next(t for t in out["ties"]["added"] if t["target"] == "org-ofa-yc"
                and t["source"] == "org-ofa-biz-tech")  # fmt: skip
    assert tech["kinds"] == ["forum", "partnership"]


def test_kiryat_malachi_2022_to_2025(demo: SQLiteStore) -> None:
    out = changes_report(demo, FROM, TO, Scope("loc-kiryat-malachi"))
    assert out["actors"] == {"joined": ["org-km-biz-print"], "left": ["org-km-com-coop"]}
    assert (len(out["ties"]["added"]), len(out["ties"]["ended"])) == (17, 16)
    assert ("org-km-npo-light", "org-km-youth") in {
        (t["source"], t["target"]) for t in out["ties"]["added"]
    }
    assert out["duplicates"]["new"] == [{"programs": ["prog-km-first-words", "prog-km-good-word"]}]
    assert out["metrics"]["delta"]["ties"] == 1


def test_health_of_the_two_towns(demo: SQLiteStore) -> None:
    ofa = health_report(demo, Scope("loc-ofakim"))
    assert (ofa["wave"], ofa["previous_wave"]) == ("2025-05-01", "2023-05-01")
    net = ofa["network"]
    assert (net["respondents"], net["invited"]) == (5, 6)
    assert net["delta"]["trust"] < -0.15 and net["delta"]["value"] > 0.1
    kinds = [(c["kind"], c["ids"]) for c in ofa["concerns"]]
    assert kinds[0] == ("silent", ["org-ofa-npo-women"])
    assert ("low_trust_high_value", ["org-ofa-matnas", "org-ofa-auth"]) in kinds
    assert ("declined", ["org-ofa-auth", "org-ofa-yc"]) in kinds
    km = health_report(demo, Scope("loc-kiryat-malachi"))
    assert km["network"]["response_rate"] == 1.0 and km["network"]["delta"]["trust"] > 0.25
    assert [c["kind"] for c in km["concerns"]] == ["unreciprocated"]


def test_todays_view_keeps_the_newcomers_and_drops_who_left(demo: SQLiteStore) -> None:
    from graph.scope import read

    now = {n.id for n in read(demo, Scope("loc-ofakim", dt.date(2026, 11, 30))).nodes}
    assert "org-ofa-biz-tech" in now and "org-ofa-npo-yad" not in now
    assert demo.get("org-ofa-npo-yad") is not None  # ended, still stored
