"""The plan findings planted in the demo (importers/demo/FINDINGS.md, "The plan and its money").

Statuses follow from importers/demo/plan.py's readings (see the comments there); leverage is
recomputed here from the CSV rows themselves (funder sector, status, year), independently of
graph/analytics/plan.py.
"""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from graph.analytics.plan import plan_report
from graph.analytics.report import analysis_report
from graph.scope import Scope
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


def _rows(name: str) -> list[dict[str, str]]:
    with (demo_path() / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_goal_statuses(demo: SQLiteStore) -> None:
    status = {}
    for loc in ("loc-kiryat-malachi", "loc-ashkelon", "loc-sderot", "loc-ofakim",
                "loc-nof-hagalil", "loc-beit-shean", "loc-yarka", "loc-shaar-hanegev"):  # fmt: skip
        for g in plan_report(demo, Scope(loc, AS_OF))["goals"]:
            status[g["id"]] = (g["status"], g["progress"])
    assert {k: s for k, (s, _) in status.items()} == {
        "goal-km-language": "achieved",
        "goal-bsh-reading": "achieved",
        "goal-km-youth": "on_track",
        "goal-sde-stem": "on_track",
        "goal-km-matriculation": "behind",
        "goal-ash-employment": "behind",
        "goal-ofa-employment": "behind",
        "goal-ofa-higher": "behind",
        "goal-shn-resilience": "behind",
        "goal-nof-early": "no_data",
        "goal-yar-women": "no_data",
    }
    assert status["goal-bsh-reading"][1] == 1.0  # 61 -> 70, read at 70
    assert status["goal-km-youth"][1] == pytest.approx(520 / 600, abs=1e-4)
    assert status["goal-shn-resilience"][1] == pytest.approx(48 / 50)


def _leverage_from_csv(locality: str) -> tuple[float, float, float]:
    sector = {o["id"]: o["sector"] for o in _rows("organizations")}
    programs = {p["id"]: p["locality_id"] for p in _rows("programs")}
    authority = external = matching = 0.0
    for inv in _rows("investments"):
        where = programs.get(inv["program_id"]) if inv["program_id"] else inv["locality_id"]
        if where != locality or inv["status"] == "planned" or int(inv["year"]) > AS_OF.year:
            continue
        amount = float(inv["amount"])
        if sector[inv["funder_id"]] == "local_authority":
            authority += amount
        else:
            external += amount
        if inv["kind"] == "matching":
            matching += amount
    return authority, external, matching


@pytest.mark.parametrize(
    ("locality", "ratio"), [("loc-kiryat-malachi", 3.2288), ("loc-sderot", 8.902)]
)
def test_leverage_of_the_mou_towns(demo: SQLiteStore, locality: str, ratio: float) -> None:
    lev = plan_report(demo, Scope(locality, AS_OF))["leverage"]
    authority, external, matching = _leverage_from_csv(locality)
    assert (lev["authority"], lev["external"], lev["matching"]) == (authority, external, matching)
    assert lev["ratio"] == pytest.approx(ratio, abs=1e-4)
    assert lev["ratio"] == pytest.approx(external / authority, abs=1e-4)


def test_agreements_and_overdue_commitments(demo: SQLiteStore) -> None:
    km = plan_report(demo, Scope("loc-kiryat-malachi", AS_OF))
    assert [a["id"] for a in km["agreements"]] == ["agreement-km-mou"]
    assert km["agreements"][0]["commitments"] == {"open": 3, "done": 3, "dropped": 1, "overdue": 2}
    assert [(c["id"], c["days_overdue"]) for c in km["overdue_commitments"]] == [
        ("commitment-km-4", 153),
        ("commitment-km-5", 61),
    ]
    sde = plan_report(demo, Scope("loc-sderot", AS_OF))
    assert [(c["id"], c["days_overdue"]) for c in sde["overdue_commitments"]] == [
        ("commitment-sde-4", 274)
    ]
    youth = next(g for g in km["goals"] if g["id"] == "goal-km-youth")
    assert youth["money"] == {
        "planned": 300000,
        "committed": 420000,
        "paid": 610000,
        "by_source": {"local_authority": 1080000, "government": 0, "philanthropy": 0,
                      "business": 0, "other": 250000},
    }  # fmt: skip


def test_behind_goals_without_money_are_leverage_points(demo: SQLiteStore) -> None:
    # The report sees the graph as of its date: money of 2023 has ended by 2026-11-30, so the
    # goals funded only then have no money now (importers/demo/FINDINGS.md).
    found = {}
    for loc in ("loc-kiryat-malachi", "loc-ashkelon", "loc-ofakim"):
        report = analysis_report(demo, scope=Scope(loc, AS_OF), sections=("leverage",))
        found.update(
            {e["id"]: (e["score"], e["plan_status"], e["reasons"][0]) for e in report["leverage"]
             if e["kind"] == "goal"}
        )  # fmt: skip
    behind = {k: v[0] for k, v in found.items() if v[1] == "behind"}
    assert behind == {
        "goal-km-matriculation": 1.0,  # no program: 0.9 + 0.1
        "goal-ash-employment": 0.8,  # its program has no money now: 0.7 + 0.1
        "goal-ofa-employment": 0.8,
        "goal-ofa-higher": 0.8,
    }
    assert all(found[g][2].startswith("behind schedule:") for g in behind)
    assert found["goal-km-language"][:2] == (0.7, "achieved")  # its programs still run in 2026
