"""What a newcomer reads in the terminal: found by walking every command on the demo (QA)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api import cli
from graph.store.sqlite import SQLiteStore
from tests.analytics.readiness_fixture import write_town

runner = CliRunner()


@pytest.fixture
def town_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "300")
    with SQLiteStore(tmp_path / "town.db") as store:
        write_town(store)
        return store.url


def test_readiness_tables_name_the_town_and_say_what_coverage_counts(town_url: str) -> None:
    result = runner.invoke(
        cli.app, ["readiness", "--locality", "l", "--as-of", "2026-11-30", "--lang", "en",
                  "--store", town_url],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    # The locality is called "Town" (tests/analytics/readiness_fixture.py), not by its id.
    assert first == "Emergency readiness: Town"
    # n-food-south: 200 people, only the bakery (50, whole town) serves the south -> 25%.
    assert "50 of 200 (25%)" in result.stdout
    assert "Coverage (capacity of people)" in result.stdout
    he = runner.invoke(
        cli.app, ["readiness", "--locality", "l", "--as-of", "2026-11-30", "--store", town_url]
    )
    assert he.stdout.splitlines()[0] == "מוכנות לחירום: Town"
    assert "50 מתוך 200 (25%)" in he.stdout


def test_demo_says_how_to_reach_it_on_lines_that_copy_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importers.demo
    from tests.importers.fixtures_tabular import tables, write_csv

    monkeypatch.setenv("COLUMNS", "80")  # a narrow terminal used to break the command in two
    folder = write_csv(tmp_path / "demo", tables())
    monkeypatch.setattr(importers.demo, "demo_path", lambda: folder, raising=False)
    url = f"sqlite:///{tmp_path / 'a-rather-long-folder-name-for-the-demo' / 'demo.db'}"
    (tmp_path / "a-rather-long-folder-name-for-the-demo").mkdir()
    result = runner.invoke(cli.app, ["demo", "--store", url, "--no-serve"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"Explore it: partnermap analyze --locality loc-sderot --store {url}" in lines
    assert f"  (or export PARTNERMAP_STORE={url} for every command)" in lines
    # the ids --locality takes, with the names a newcomer knows (fixtures_tabular: 3 towns)
    start = lines.index("Localities (3), by the id that --locality takes:")
    assert lines[start + 1 : start + 4] == [
        "  loc-eshkol  מועצה אזורית אשכול",
        "  loc-rahat  رهط",
        "  loc-sderot  שדרות",
    ]


def test_path_speaks_the_chosen_language_and_names_tie_kinds(town_url: str) -> None:
    # city -> vol (partnership, context emergency) -> far (program p-both, context both):
    # two steps (tests/analytics/readiness_fixture.py); it used to print only English and
    # the raw kinds ('partnership: ...').
    args = ["path", "city", "far", "--context", "emergency", "--store", town_url]
    en = runner.invoke(cli.app, [*args, "--lang", "en"])
    assert en.exit_code == 0, en.stderr
    assert "2 steps, over ties of the context: Emergency" in en.stdout
    assert "עיריית העיר → Volunteers  (partnership: " in en.stdout
    he = runner.invoke(cli.app, args)
    assert "שני צעדים, בקשרים של ההקשר: חירום" in he.stdout
    assert "(שותפות: " in he.stdout and "(תכנית: " in he.stdout
    ar = runner.invoke(cli.app, [*args, "--lang", "ar"])
    assert "خطوتان، عبر علاقات السياق: الطوارئ" in ar.stdout
    # National Aid has no tie at all: said by name, exit 0
    none = runner.invoke(cli.app, ["path", "city", "nat", "--lang", "en", "--store", town_url])
    assert none.exit_code == 0
    assert none.stdout.strip() == (
        "No path from עיריית העיר to National Aid over ties of the context: Routine and emergency"
    )
    assert runner.invoke(cli.app, [*args, "--lang", "fr"]).exit_code == 2


def test_health_names_the_wave_option_when_no_survey_has_that_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.analytics.test_health import survey_town

    monkeypatch.setenv("COLUMNS", "300")
    with SQLiteStore(tmp_path / "h.db") as store:
        survey_town(store)  # waves 2023-05-01 and 2024-05-01 (tests/analytics/test_health.py)
        url = store.url
    result = runner.invoke(
        cli.app, ["health", "--locality", "h", "--wave", "2022-01-01", "--store", url]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --wave: no survey responses dated 2022-01-01")


@pytest.mark.parametrize("command", ["analyze", "plan", "health", "compass", "readiness"])
def test_an_unknown_locality_is_said_once_of_the_option(town_url: str, command: str) -> None:
    # analyze, plan and health used to say "--locality: locality_id: no locality ...".
    result = runner.invoke(cli.app, [command, "--locality", "nowhere", "--store", town_url])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: --locality: no locality with id 'nowhere'"


@pytest.mark.parametrize(
    "command", [["export", "--format", "json"], ["map"], ["report", "--format", "xlsx"]]
)
def test_an_unknown_locality_writes_nothing_and_is_said_of_the_option(
    town_url: str, command: list[str], tmp_path: Path
) -> None:
    # export said "--locality: no node with id ..." (its own check beside graph.scope's).
    out = tmp_path / "out.file"
    result = runner.invoke(
        cli.app, [*command, "--locality", "nowhere", "-o", str(out), "--store", town_url]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: --locality: no locality with id 'nowhere'"
    assert not out.exists()


def test_changes_and_ranking_titles_use_words_not_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.analytics.time_fixture import history_town

    monkeypatch.setenv("COLUMNS", "300")
    with SQLiteStore(tmp_path / "t.db") as store:
        history_town(store)  # locality "t" is called ירוחם (tests/analytics/time_fixture.py)
        url = store.url
    changes = runner.invoke(
        cli.app, ["changes", "--from", "2022-06-30", "--to", "2025-06-30", "--locality", "t",
                  "--store", url],
    )  # fmt: skip
    assert changes.exit_code == 0, changes.stderr
    assert changes.stdout.splitlines()[1] == "ירוחם"  # was the id, "t"
    ranking = runner.invoke(cli.app, ["rank-localities", "--store", url])
    assert ranking.exit_code == 0, ranking.stderr
    assert "מחוון בחירת יישוב (המחוון המובנה)" in ranking.stdout  # was "(default)"
    en = runner.invoke(cli.app, ["rank-localities", "--lang", "en", "--store", url])
    assert "Locality selection rubric (the built-in rubric)" in en.stdout
