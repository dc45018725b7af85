"""The locality selection rubric (graph/analytics/selection.py): weighting worked out by hand."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from graph.analytics.selection import (
    ALL_CRITERIA,
    DEFAULT_RUBRIC,
    load_rubric,
    parse_rubric,
    rank_from,
    rank_localities,
)
from graph.errors import ValidationFailed
from graph.model import NodeRecord, to_record
from graph.model_process import Assessment
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore
from importers.registry import run_import
from tests.conftest import SHARED_DATA


def _a(loc: str, criterion: str, score: int, assessor: str, date: str = "") -> NodeRecord:
    return to_record(
        Assessment.model_validate(
            {"locality_id": loc, "criterion": criterion, "score": str(score),
             "assessor": assessor, "date": date}
        )
    )  # fmt: skip


LOCS = [
    NodeRecord("Locality", "a", {"name": "אופקים", "socioeconomic_cluster": 3,
                                 "municipal_status": "city", "population": 30000}),
    NodeRecord("Locality", "b", {"name": "ירוחם", "socioeconomic_cluster": 4}),
    NodeRecord("Locality", "c", {"name": "ריק"}),
]  # fmt: skip


def test_weighted_mean_of_criteria_with_data_and_several_assessors() -> None:
    rubric = parse_rubric(
        "[weights]\nurgency = 2\nsocioeconomic_cluster = 1\nmunicipal_status = 1\n"
        "[municipal_status]\ncity = 0.5\n",
        "t.toml",
    )
    marks = [_a("a", "urgency", 2, "x"), _a("a", "urgency", 5, "y"), _a("b", "urgency", 5, "x")]
    out = rank_from(LOCS, {}, marks, rubric)
    by_id = {e["id"]: e for e in out["localities"]}
    a = by_id["a"]
    # urgency: mean (2 + 5) / 2 = 3.5 -> (3.5 - 1) / 4 = 0.625, weight 2
    assert a["criteria"]["urgency"] == {"value": 3.5, "points": 0.625, "weight": 2.0}
    # cluster 3 -> (10 - 3) / 9 = 0.7778, weight 1; city -> 0.5 from the rubric, weight 1
    assert a["criteria"]["socioeconomic_cluster"]["points"] == pytest.approx(0.7778)
    assert a["criteria"]["municipal_status"]["points"] == 0.5
    # (2 * 0.625 + 0.7778 + 0.5) / 4
    assert a["score"] == pytest.approx((1.25 + 7 / 9 + 0.5) / 4, abs=1e-4)
    assert a["missing"] == [] and a["coverage"] == 1.0
    # b has no status: (2 * 1.0 + 6/9) / 3 over the criteria with data
    b = by_id["b"]
    assert b["missing"] == ["municipal_status"]
    assert b["score"] == pytest.approx((2 + 6 / 9) / 3, abs=1e-4)
    assert b["coverage"] == pytest.approx(3 / 4)
    # c has nothing: no score, last
    c = by_id["c"]
    assert c["score"] is None and c["rank"] == 3
    assert c["missing"] == ["urgency", "socioeconomic_cluster", "municipal_status"]
    assert [e["id"] for e in out["localities"]] == ["b", "a", "c"]
    assert b["reasons"][0] == "score 89%, rank 1 of 3"
    assert "Urgency to act: mean 5 of 5 (1 assessor" in b["reasons"][1]
    assert b["reasons_he"][-1].startswith("חסרים נתונים: מעמד מוניציפלי")


def test_unlisted_criteria_weigh_nothing() -> None:
    rubric = parse_rubric("[weights]\nsocioeconomic_cluster = 1\n", "t.toml")
    marks = [_a("b", "urgency", 5, "x")]
    out = rank_from(LOCS, {}, marks, rubric)
    b = next(e for e in out["localities"] if e["id"] == "b")
    assert list(b["criteria"]) == ["socioeconomic_cluster"]
    assert b["score"] == pytest.approx(6 / 9, abs=1e-4)


def test_min_coverage_ranks_thin_data_after_assessed_towns() -> None:
    rubric = parse_rubric(
        "[weights]\nurgency = 3\nsocioeconomic_cluster = 1\n[scales]\nmin_coverage = 0.5\n", "t"
    )
    # a: cluster only (coverage 1/4), scores 7/9; b: urgency 2 -> .25 and cluster 6/9
    out = rank_from(LOCS[:2], {}, [_a("b", "urgency", 2, "x")], rubric)
    assert [e["id"] for e in out["localities"]] == ["b", "a"]
    assert out["localities"][1]["score"] > out["localities"][0]["score"]
    assert "ranked after the assessed localities" in out["localities"][1]["reasons"][-1]


def test_network_signals_from_summaries() -> None:
    rubric = parse_rubric(
        "[weights]\npartnerships_manager = 1\nlocal_administration = 1\ncross_sector_share = 1\n"
        "uncoordinated_duplicates = 1\n[scales]\nduplicates_cap = 4\n",
        "t",
    )
    summaries = {
        "a": {"organizations": 5, "partnerships_manager": True, "local_administration": False,
              "cross_sector_share": 0.4, "uncoordinated_duplicates": 2},
        "b": {"organizations": 0},
    }  # fmt: skip
    out = rank_from(LOCS[:2], summaries, [], rubric)
    a = next(e for e in out["localities"] if e["id"] == "a")
    # 1 + 0 + 0.4 + 2/4 over 4
    assert a["score"] == pytest.approx(1.9 / 4)
    b = next(e for e in out["localities"] if e["id"] == "b")
    assert b["score"] is None and len(b["missing"]) == 4


def test_assessments_after_as_of_are_left_out() -> None:
    rubric = parse_rubric("[weights]\nurgency = 1\n", "t")
    marks = [_a("a", "urgency", 1, "x", "2024-01-01"), _a("a", "urgency", 5, "y", "2026-06-01")]
    out = rank_from(LOCS[:1], {}, marks, rubric, scope=Scope(as_of=dt.date(2025, 1, 1)))
    assert out["localities"][0]["criteria"]["urgency"]["value"] == 1.0


def test_custom_rubric_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        "# only need and readiness\n[weights]\nurgency = 1\nresources = 3\n", encoding="utf-8"
    )
    rubric = load_rubric(path)
    assert rubric.source == str(path)
    assert rubric.weights == {"urgency": 1.0, "resources": 3.0}
    marks = [_a("a", "urgency", 5, "x"), _a("a", "resources", 1, "x")]
    a = rank_from(LOCS[:1], {}, marks, rubric)["localities"][0]
    assert a["score"] == pytest.approx(1 / 4)  # (1 * 1 + 3 * 0) / 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[weights]\nurgency = 1\nresources 3\n", r"bad\.toml: not a valid TOML rubric: .*line 3"),
        (
            "[weights]\nurgency = 1\n\nleadership = 2\n",
            r"bad\.toml, line 4: \[weights\] leadership",
        ),
        ("[weights]\nurgency = -1\n", r"bad\.toml, line 2: \[weights\] urgency: expected a number"),
        ('[weights]\nurgency = "high"\n', r"line 2: \[weights\] urgency: expected a number"),
        ("[weigths]\nurgency = 1\n", r"bad\.toml: unknown table \[weigths\]"),
        ("[population]\nmin = 1\n", r"bad\.toml: a rubric needs a \[weights\] table"),
        ("[weights]\nurgency = 1\n[municipal_status]\ntown = 1\n", r"line 4: .*town is not"),
        ("[weights]\nurgency = 1\n[scales]\nduplicates_cap = 0\n", r"line 4: duplicates_cap"),
    ],
)
def test_malformed_rubric_names_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed, match=expected):
        load_rubric(path)


def test_missing_rubric_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match=r"nope\.toml: cannot read the rubric"):
        load_rubric(tmp_path / "nope.toml")


def test_default_rubric_weighs_every_criterion() -> None:
    rubric = load_rubric()
    assert rubric.source == "default"
    assert set(rubric.weights) == set(ALL_CRITERIA)
    assert all(w > 0 for w in rubric.weights.values())
    # Every weight is explained by a comment on its line or the lines above it.
    text = DEFAULT_RUBRIC.read_text(encoding="utf-8")
    assert text.count("#") > len(ALL_CRITERIA)


def test_cbs_data_feeds_the_quantitative_criteria(sqlite_store: SQLiteStore) -> None:
    path = SHARED_DATA / "il" / "cbs_local_authorities_2021.csv"
    report = run_import(sqlite_store, path, format="cbs")
    assert report.valid
    rubric = parse_rubric(
        "[weights]\nsocioeconomic_cluster = 3\nmunicipal_status = 1\npopulation = 1\n"
        "district = 1\n[municipal_status]\ncity = 1\nlocal_council = 1\nregional_council = 0.5\n"
        '[population]\nmin = 10000\nmax = 60000\n[district]\n"הדרום" = 1\ndefault = 0.4\n',
        "t",
    )
    out = rank_localities(sqlite_store, rubric, Scope(as_of=dt.date(2026, 11, 30)))
    by_name = {e["name"]: e for e in out["localities"]}
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert len(out["localities"]) == len(rows) - 1 == 255
    # Ofakim in the CBS file: cluster 3, city, 33,999 residents, South:
    # (3 * 7/9 + 1 + 1 + 1) / 6
    ofakim = by_name["אופקים"]
    assert ofakim["criteria"]["socioeconomic_cluster"]["value"] == 3
    assert ofakim["score"] == pytest.approx((3 * 7 / 9 + 3) / 6, abs=1e-4)
    assert ofakim["missing"] == []

    # Cluster 9 earns at most (3 * 1/9 + 1 + 1 + 1) / 6 = 0.56; cluster 2 at least
    # (3 * 8/9 + 0.5 + population + 0.4) / 6, above 0.59 for any population in the file.
    def cluster(e: dict) -> float:
        return e["criteria"].get("socioeconomic_cluster", {}).get("value", 0)

    ranks_low = [e["rank"] for e in out["localities"] if cluster(e) in (1, 2)]
    ranks_high = [e["rank"] for e in out["localities"] if cluster(e) >= 9]
    assert ranks_low and ranks_high and max(ranks_low) < min(ranks_high)
