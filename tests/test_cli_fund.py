"""``partnermap compass`` and ``partnermap rank-localities``: tables in he/en/ar, JSON, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import api.cli as cli
from graph.model import Locality, to_record
from graph.model_process import Assessment, CompassRating
from graph.store.sqlite import SQLiteStore

runner = CliRunner()


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "300")
    path = tmp_path / "cli.db"
    rows = [
        Locality(id="l", name="ירוחם", name_en="Yeruham", socioeconomic_cluster=4),
        Locality(id="m", name="מצפה רמון", socioeconomic_cluster=6),
        CompassRating(locality_id="l", domain="stem21", outcome="continuum", year=2022,
                      status="not_met"),
        CompassRating(locality_id="l", domain="stem21", outcome="continuum", year=2024,
                      status="partly"),
        Assessment(locality_id="l", criterion="urgency", score=5, assessor="a"),
    ]  # fmt: skip
    with SQLiteStore(path) as store:
        store.write([to_record(r) for r in rows])
    url = f"sqlite:///{path}"
    monkeypatch.setenv("PARTNERMAP_STORE", url)
    return url


def test_compass_tables(store_url: str) -> None:
    en = runner.invoke(cli.app, ["compass", "--locality", "l", "--lang", "en"])
    assert en.exit_code == 0, en.stderr
    assert "Infrastructure outcomes compass (2022–2024)" in en.stdout
    assert "↑ Not met → Partly met" in en.stdout
    # continuum: 0% over stem21 in 2022, 50% in 2024
    assert "0% → 50%" in en.stdout
    he = runner.invoke(cli.app, ["compass", "--locality", "l"])
    assert he.exit_code == 0 and "מצפן תוצאות תשתית" in he.stdout and "מתקיים חלקית" in he.stdout
    ar = runner.invoke(cli.app, ["compass", "--locality", "l", "--lang", "ar"])
    assert ar.exit_code == 0 and "بوصلة نتائج البنية التحتية" in ar.stdout
    empty = runner.invoke(cli.app, ["compass", "--locality", "m", "--lang", "en"])
    assert "This locality has no compass ratings." in empty.stdout


def test_compass_errors(store_url: str) -> None:
    missing = runner.invoke(cli.app, ["compass", "--locality", "nowhere"])
    assert missing.exit_code == 1 and "--locality: no locality with id 'nowhere'" in missing.stderr
    bad = runner.invoke(cli.app, ["compass", "--locality", "l", "--as-of", "soon"])
    assert bad.exit_code == 2 and "--as-of" in bad.stderr


def test_rank_tables_and_json(store_url: str) -> None:
    en = runner.invoke(cli.app, ["rank-localities", "--lang", "en", "--as-of", "2026-11-30"])
    assert en.exit_code == 0, en.stderr
    assert "Locality selection rubric (the built-in rubric)" in en.stdout
    # Both localities lack most criteria: coverage below the default min_coverage of 0.5
    assert "no data: Formal leadership" in en.stdout
    body = json.loads(
        runner.invoke(cli.app, ["rank-localities", "--json", "--as-of", "2026-11-30"]).stdout
    )
    first = body["localities"][0]
    # l: urgency 5 -> 1 (weight 2), cluster 4 -> 6/9 (weight 3): (2 + 2) / 5 = 0.8
    assert first["id"] == "l" and first["score"] == pytest.approx(0.8)
    he = runner.invoke(cli.app, ["rank-localities", "--as-of", "2026-11-30"])
    assert he.exit_code == 0 and "מחוון בחירת יישוב" in he.stdout and "ירוחם" in he.stdout
