"""Partnership health against values computed by hand, and the survey file's validation.

The two waves (item answers x give scores (x - 1) / 3):

wave 2023-05-01: a->b trust 1, value 1; b->a 2/3, 2/3; c->a 1, 1/3; d->a 2/3, 2/3.
wave 2024-05-01: a->b trust 1/3, value 1; b->a trust (2/3 + 1)/2 = 5/6 (one item
empty), value 2/3; c->b 1/3, 0. d did not answer.

Network 2024: trust (1/3 + 5/6 + 1/3)/3 = 0.5, value (1 + 2/3 + 0)/3 = 5/9;
2023: trust (1 + 2/3 + 1 + 2/3)/4 = 5/6, value (1 + 2/3 + 1/3 + 2/3)/4 = 2/3;
delta -1/3 and -1/9. Invited a, b, c, d; 3 answered: 0.75.
Organisations 2024: a received b->a (5/6, 2/3); b received a->b and c->b
(trust 1/3, value 1/2); c received nothing.
Concerns 2024: d silent (answered before: 0.75); a->b declined (trust 1 -> 1/3),
b declined (trust received 1 -> 1/3) and a->b low trust high value (1 - 1/3),
all 2/3; c->b unreciprocated (b answered but did not name c: 0.5).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from graph.analytics.health import health_report, item_score
from graph.errors import NotFound
from graph.model import Locality, Organization, SurveyResponse, to_record
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore
from importers.registry import run_import

W1, W2 = "2023-05-01", "2024-05-01"


def _rating(wave: str, a: str, b: str, trust: Any, value: Any) -> SurveyResponse:
    t = trust if isinstance(trust, tuple) else (trust,) * 3
    v = value if isinstance(value, tuple) else (value,) * 3
    return SurveyResponse(
        wave=wave,
        respondent_id=a,
        partner_id=b,
        reliability=t[0],
        mission_support=t[1],
        openness=t[2],
        power_influence=v[0],
        involvement=v[1],
        resource_contribution=v[2],
    )


def survey_town(store: Any) -> None:
    nodes: list[Any] = [Locality(id="h", name="חורה")] + [
        Organization(id=o, name=f"ארגון {o}", sector="nonprofit", locality_ids="h") for o in "abcd"
    ]
    nodes += [
        _rating(W1, "a", "b", 4, 4),
        _rating(W1, "b", "a", 3, 3),
        _rating(W1, "c", "a", 4, 2),
        _rating(W1, "d", "a", 3, 3),
        _rating(W2, "a", "b", 2, 4),
        _rating(W2, "b", "a", (3, 4, None), 3),
        _rating(W2, "c", "b", 2, 1),
    ]
    store.write([to_record(n) for n in nodes])


@pytest.fixture
def town(sqlite_store: SQLiteStore) -> SQLiteStore:
    survey_town(sqlite_store)
    return sqlite_store


def test_item_score_is_x_minus_one_over_three() -> None:
    assert [item_score(x) for x in (1, 2, 3, 4)] == pytest.approx([0, 1 / 3, 2 / 3, 1])


def test_latest_wave_by_hand(town: SQLiteStore) -> None:
    out = health_report(town, Scope("h"))
    assert out["wave"] == W2 and out["previous_wave"] == W1
    assert out["scope"] == {"locality_id": "h", "context": "both"}
    net = out["network"]
    assert net["respondents"] == 3 and net["invited"] == 4 and net["response_rate"] == 0.75
    assert net["ties_rated"] == 3
    assert net["trust"] == pytest.approx(0.5, abs=1e-4)
    assert net["value"] == pytest.approx(5 / 9, abs=1e-4)
    assert net["delta"]["trust"] == pytest.approx(0.5 - 5 / 6, abs=1e-4)
    assert net["delta"]["value"] == pytest.approx(5 / 9 - 2 / 3, abs=1e-4)
    orgs = {o["id"]: o for o in out["organizations"]}
    assert orgs["a"]["trust"] == pytest.approx(5 / 6, abs=1e-4)
    assert orgs["a"]["value"] == pytest.approx(2 / 3, abs=1e-4)
    assert (orgs["b"]["trust"], orgs["b"]["value"]) == pytest.approx((1 / 3, 0.5), abs=1e-4)
    assert orgs["b"]["ratings_received"] == 2 and orgs["b"]["ratings_given"] == 1
    assert orgs["c"]["trust"] is None and orgs["c"]["ratings_given"] == 1
    ties = {(t["source"], t["target"]): t for t in out["ties"]}
    assert ties["a", "b"]["reciprocated"] and not ties["c", "b"]["reciprocated"]
    assert ties["b", "a"]["trust"] == pytest.approx(5 / 6, abs=1e-4)
    assert [(c["kind"], c["ids"], c["score"]) for c in out["concerns"]] == [
        ("silent", ["d"], 0.75),
        ("declined", ["a", "b"], pytest.approx(2 / 3, abs=1e-4)),
        ("declined", ["b"], pytest.approx(2 / 3, abs=1e-4)),
        ("low_trust_high_value", ["a", "b"], pytest.approx(2 / 3, abs=1e-4)),
        ("unreciprocated", ["c", "b"], 0.5),
    ]
    low = out["concerns"][3]
    assert low["reasons"] == ["ארגון a values ארגון b highly (100%) but trusts it little (33%)"]
    assert low["reasons_he"][0].startswith("ארגון a מעריכים מאוד")


def test_first_wave_has_no_delta(town: SQLiteStore) -> None:
    out = health_report(town, Scope("h"), wave=dt.date(2023, 5, 1))
    assert out["wave"] == W1 and out["previous_wave"] is None
    assert out["network"]["delta"] is None and out["network"]["respondents"] == 4
    assert out["network"]["trust"] == pytest.approx(5 / 6, abs=1e-4)
    # c and d rated a, who answered but named only b
    assert [(c["kind"], c["ids"]) for c in out["concerns"]] == [
        ("unreciprocated", ["c", "a"]),
        ("unreciprocated", ["d", "a"]),
    ]


def test_unknown_wave_and_place(town: SQLiteStore) -> None:
    with pytest.raises(NotFound, match="2023-05-01, 2024-05-01"):
        health_report(town, Scope("h"), wave=dt.date(2022, 1, 1))
    with pytest.raises(NotFound):
        health_report(town, Scope("nowhere"))


def test_no_survey_is_an_empty_answer(sqlite_store: SQLiteStore) -> None:
    sqlite_store.write([to_record(Locality(id="h", name="חורה"))])
    out = health_report(sqlite_store, Scope("h"))
    assert out["wave"] is None and out["concerns"] == [] and out["network"]["invited"] == 0


# -- the survey file is validated like the others ----------------------------------------


def _folder(tmp_path: Path, survey: str) -> Path:
    (tmp_path / "organizations.csv").write_text(
        "id,name,sector\na,א,nonprofit\nb,ב,community\n", encoding="utf-8"
    )
    (tmp_path / "survey_responses.csv").write_text(survey, encoding="utf-8")
    return tmp_path


HEAD = "wave,respondent_id,partner_id,reliability,mission_support,openness,power_influence,involvement,resource_contribution,frequency\n"  # noqa: E501


def test_survey_rows_are_validated(tmp_path: Path, sqlite_store: SQLiteStore) -> None:
    folder = _folder(
        tmp_path,
        HEAD
        + "2024-05-01,a,b,4,3,,2,1,,monthly\n"  # fine: empty items allowed
        + "2024-05-01,a,zz,4,3,3,2,1,1,monthly\n"  # unknown organisation
        + "2024-05-01,b,a,5,3,3,2,1,1,monthly\n"  # item above 4
        + ",b,a,4,3,3,2,1,1,monthly\n"  # no wave
        + "2024-05-01,b,a,4,3,3,2,1,1,hourly\n",  # unknown frequency
    )
    report = run_import(sqlite_store, folder)
    assert not report.valid
    found = {(e.file, e.row_number, e.field) for e in report.errors}
    assert ("survey_responses.csv", 3, "partner_id") in found
    assert ("survey_responses.csv", 4, "reliability") in found
    assert ("survey_responses.csv", 6, "frequency") in found
    assert any(e.row_number == 5 and "wave" in e.message for e in report.errors)
    assert not list(sqlite_store.iter_nodes("SurveyResponse"))  # nothing half-written


def test_a_valid_survey_imports_and_reports(tmp_path: Path, sqlite_store: SQLiteStore) -> None:
    folder = _folder(tmp_path, HEAD + "2024-05-01,a,b,4,4,4,1,1,1,monthly\n")
    assert run_import(sqlite_store, folder).valid
    out = health_report(sqlite_store)
    assert out["network"]["trust"] == 1.0 and out["network"]["value"] == 0.0
