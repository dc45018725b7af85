"""The first date of a period given as a year alone is its 1 January (SPEC section 6)."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from api.cli import app
from graph.scope import parse_as_of


def test_a_year_as_the_start_of_a_period_is_its_first_day() -> None:
    assert parse_as_of("2022", "--from", start=True) == dt.date(2022, 1, 1)
    assert parse_as_of("2022", "--to") == dt.date(2022, 12, 31)
    assert parse_as_of("2022-03-04", "--from", start=True) == dt.date(2022, 3, 4)


def test_changes_from_a_year_to_the_same_year_is_that_whole_year(tmp_path) -> None:
    store = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(
        app, ["changes", "--from", "2022", "--to", "2022", "--json", "--store", store]
    )
    assert result.exit_code == 0, result.output
    assert '"from": "2022-01-01"' in result.stdout and '"to": "2022-12-31"' in result.stdout
