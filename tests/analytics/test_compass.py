"""The outcomes compass (graph/analytics/compass.py): change rules and met shares, by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from graph.analytics.compass import compass_from, compass_report
from graph.errors import NotFound
from graph.model import NodeRecord, to_record
from graph.model_process import CompassRating
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore


def _r(outcome: str, domain: str, year: int, status: str, loc: str = "l") -> NodeRecord:
    return to_record(
        CompassRating.model_validate(
            {"locality_id": loc, "domain": domain, "outcome": outcome, "year": str(year),
             "status": status, "evidence": f"protocol {year}"}
        )
    )  # fmt: skip


# Four cells of data_culture and two of workforce, over 2022, 2023 and 2024:
#   data_culture/stem21:           partly 2022 -> met 2024          improved
#   data_culture/early_childhood:  met 2022 -> partly 2024          declined
#   data_culture/informal_ed.:     not_met 2022 -> met 2023 -> not_met 2024   same (first vs latest)
#   data_culture/employment:       partly 2024 only                 single
#   workforce/stem21:              not_met 2023 only                single
#   workforce/early_childhood:     partly 2022 -> partly 2023       same (latest 2023)
RATINGS = [
    _r("data_culture", "stem21", 2022, "partly"),
    _r("data_culture", "stem21", 2024, "met"),
    _r("data_culture", "early_childhood", 2022, "met"),
    _r("data_culture", "early_childhood", 2024, "partly"),
    _r("data_culture", "informal_education", 2022, "not_met"),
    _r("data_culture", "informal_education", 2023, "met"),
    _r("data_culture", "informal_education", 2024, "not_met"),
    _r("data_culture", "employment", 2024, "partly"),
    _r("workforce", "stem21", 2023, "not_met"),
    _r("workforce", "early_childhood", 2022, "partly"),
    _r("workforce", "early_childhood", 2023, "partly"),
]


def _cells(out: dict) -> dict[tuple[str, str], dict]:
    return {(c["outcome"], c["domain"]): c for c in out["cells"]}


def test_change_rules() -> None:
    cells = _cells(compass_from(RATINGS))
    assert cells["data_culture", "stem21"]["change"] == "improved"
    assert cells["data_culture", "early_childhood"]["change"] == "declined"
    # The middle year does not matter: not_met in 2022 and in 2024.
    assert cells["data_culture", "informal_education"]["change"] == "same"
    assert cells["data_culture", "employment"]["change"] == "single"
    assert cells["workforce", "stem21"]["change"] == "single"
    assert cells["workforce", "early_childhood"]["change"] == "same"
    stem = cells["data_culture", "stem21"]
    assert stem["first"] == {"year": 2022, "status": "partly"}
    assert stem["latest"] == {"year": 2024, "status": "met"}
    assert stem["evidence"] == "protocol 2024"
    assert stem["reasons"] == [
        "Data-based decision culture in STEM and 21st-century skills: "
        "Partly met in 2022, Met in 2024 (Improved)"
    ]
    assert stem["reasons_he"][0].startswith("תרבות של קבלת החלטות מבוססת נתונים ב")


def test_met_shares_over_the_domains_rated_that_year() -> None:
    out = compass_from(RATINGS)
    assert out["years"] == [2022, 2023, 2024]
    shares = {o["outcome"]: o for o in out["outcomes"]}
    # data_culture 2022: stem21 partly .5, early_childhood met 1, informal not_met 0 -> 1.5/3
    assert shares["data_culture"]["met_share_first"] == pytest.approx(0.5)
    assert shares["data_culture"]["domains_first"] == 3
    # data_culture 2024: met 1 + partly .5 + not_met 0 + partly .5 -> 2/4
    assert shares["data_culture"]["met_share_latest"] == pytest.approx(0.5)
    assert shares["data_culture"]["domains_latest"] == 4
    # workforce 2022: early_childhood partly -> .5; 2024: nothing rated -> None
    assert shares["workforce"]["met_share_first"] == pytest.approx(0.5)
    assert shares["workforce"]["met_share_latest"] is None
    assert shares["workforce"]["reasons"] == [
        "Workforce development: not rated in one of the years"
    ]
    # an outcome never rated
    assert shares["policy_influence"]["met_share_first"] is None
    assert shares["policy_influence"]["reasons"] == []
    assert [o["outcome"] for o in out["outcomes"]][:2] == ["shared_outcomes", "data_culture"]


def test_as_of_leaves_out_later_years() -> None:
    out = compass_from(RATINGS, scope=Scope("l", dt.date(2023, 6, 30)))
    assert out["years"] == [2022, 2023]
    cells = _cells(out)
    assert ("data_culture", "employment") not in cells
    assert cells["data_culture", "informal_education"]["change"] == "improved"
    assert out["scope"]["as_of"] == "2023-06-30"


def test_domain_is_a_mobility_domain() -> None:
    with pytest.raises(ValidationError, match="domain"):
        CompassRating.model_validate(
            {"locality_id": "l", "domain": "young adults", "outcome": "workforce",
             "year": "2024", "status": "met"}
        )  # fmt: skip


def test_report_reads_one_locality(sqlite_store: SQLiteStore) -> None:
    sqlite_store.write(
        [NodeRecord("Locality", "l", {"name": "ירוחם"}), NodeRecord("Locality", "m", {"name": "x"}),
         *RATINGS, _r("continuum", "stem21", 2022, "met", loc="m")]
    )  # fmt: skip
    out = compass_report(sqlite_store, Scope("l", dt.date(2026, 1, 1)))
    assert len(out["cells"]) == 6
    assert {c["outcome"] for c in out["cells"]} == {"data_culture", "workforce"}
    with pytest.raises(NotFound):
        compass_report(sqlite_store, Scope("nowhere"))


def test_import_refuses_a_domain_outside_the_mobility_domains(
    sqlite_store: SQLiteStore, tmp_path
) -> None:
    from importers.registry import run_import

    (tmp_path / "localities.csv").write_text("id,name\nl,ירוחם\n", encoding="utf-8")
    (tmp_path / "organizations.csv").write_text("id,name,sector\no,עירייה,local_authority\n")
    (tmp_path / "compass_ratings.csv").write_text(
        "locality_id,domain,outcome,year,status\n"
        "l,stem21,workforce,2024,met\n"
        "l,צעירים,workforce,2024,met\n",
        encoding="utf-8",
    )
    report = run_import(sqlite_store, tmp_path)
    assert not report.valid
    (issue,) = report.errors
    assert (issue.file, issue.row_number, issue.field, issue.value) == (
        "compass_ratings.csv",
        3,
        "domain",
        "צעירים",
    )
    assert "early_childhood" in issue.message
    assert sqlite_store.count() == 0  # nothing half-written
