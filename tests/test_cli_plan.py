"""``partnermap plan`` on the hand-worked plan town (tests/analytics/plan_town.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import api.cli as cli
from graph.store.sqlite import SQLiteStore
from tests.analytics.plan_town import plan_town_records

runner = CliRunner()


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "300")
    path = tmp_path / "cli.db"
    with SQLiteStore(path) as store:
        store.write(*plan_town_records())
    url = f"sqlite:///{path}"
    monkeypatch.setenv("PARTNERMAP_STORE", url)
    return url


def test_plan_json(store_url: str) -> None:
    result = runner.invoke(
        cli.app, ["plan", "--locality", "town", "--as-of", "2026-06-30", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["leverage"]["ratio"] == 3.1
    assert [g["status"] for g in body["goals"]] == ["behind", "no_data", "on_track", "achieved"]


def test_plan_tables_in_hebrew_and_english(store_url: str) -> None:
    he = runner.invoke(cli.app, ["plan", "--locality", "town", "--as-of", "2026-06-30"])
    assert he.exit_code == 0, he.stderr
    assert "התכנית הקולקטיבית של עיירה, נכון ל-2026-06-30" in he.stdout
    assert "בפיגור" in he.stdout and "₪3.1 מבחוץ על כל שקל של הרשות" in he.stdout
    assert "מינוי רכז נוער" in he.stdout  # the overdue commitment
    en = runner.invoke(cli.app, ["plan", "--locality", "town", "--as-of", "2026-06-30",
                                 "--lang", "en"])  # fmt: skip
    assert en.exit_code == 0, en.stderr
    assert "Behind schedule" in en.stdout
    assert "₪3.1 from outside for every shekel of the authority" in en.stdout
    assert "The authority: ₪200,000 · From outside: ₪620,000" in en.stdout
    assert "₪120,000 in the locality serves no goal" in en.stdout
    assert "The collective plan of Town, as of 2026-06-30" in en.stdout  # name_en


def test_plan_tables_in_arabic(store_url: str) -> None:
    ar = runner.invoke(cli.app, ["plan", "--locality", "town", "--as-of", "2026-06-30",
                                 "--lang", "ar"])  # fmt: skip
    assert ar.exit_code == 0, ar.stderr
    assert "₪3.1 من الخارج مقابل كل شيكل من السلطة" in ar.stdout
    assert "متأخر" in ar.stdout  # the status of g-behind


def test_plan_errors(store_url: str) -> None:
    missing = runner.invoke(cli.app, ["plan", "--locality", "nowhere"])
    assert missing.exit_code == 1
    assert "--locality" in missing.stderr and "nowhere" in missing.stderr
    bad_date = runner.invoke(cli.app, ["plan", "--locality", "town", "--as-of", "June"])
    assert bad_date.exit_code == 2
    assert "--as-of" in bad_date.stderr
    assert runner.invoke(cli.app, ["plan"]).exit_code == 2  # --locality is required
    assert runner.invoke(cli.app, ["plan", "--locality", "town", "--lang", "fr"]).exit_code == 2
