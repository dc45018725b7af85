"""Re-imports skip rows the store already holds exactly (importers/unchanged.py).

The dataset is tests/importers/fixtures_tabular.py's; expected counts come
from its row counts, not from reading the store back.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from graph.model import NodeRecord
from graph.store.sqlite import SQLiteStore
from importers import validation
from importers.registry import run_import
from tests.importers.fixtures_tabular import tables, write_csv


def _rows(data: dict[str, list[dict[str, str]]], *stems: str) -> int:
    return sum(len(data[s]) for s in stems)


NODE_FILES = ("localities", "organizations", "roles", "forums", "goals", "programs", "investments")
REL_FILES = ("memberships", "program_partners", "partnerships")


def test_a_second_import_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tables()
    folder = write_csv(tmp_path / "town", data)
    store = SQLiteStore(tmp_path / "g.db")
    first = run_import(store, folder)
    assert first.valid and first.stats["nodes_written"] == _rows(data, *NODE_FILES)
    version = store.graph_version()
    parsed: list[str] = []
    real = validation.validate_row

    def counting(model, row, file, number, report):  # type: ignore[no-untyped-def]
        parsed.append(file)
        return real(model, row, file, number, report)

    monkeypatch.setattr(validation, "validate_row", counting)
    again = run_import(store, folder)
    assert again.valid, again.errors
    assert parsed == []  # not one row validated
    assert again.stats["nodes_written"] == 0 and again.stats["relationships_written"] == 0
    assert again.stats["nodes_unchanged"] == _rows(data, *NODE_FILES)
    assert again.stats["relationships_unchanged"] == _rows(data, *REL_FILES)
    assert store.graph_version() == version


def test_only_changed_rows_are_parsed_and_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tables()
    store = SQLiteStore(tmp_path / "g.db")
    assert run_import(store, write_csv(tmp_path / "v1", data)).valid
    changed = copy.deepcopy(data)
    changed["organizations"][3]["name"] = "שם חדש"
    changed["partnerships"][0]["strength"] = "1"
    parsed: list[str] = []
    real = validation.validate_row

    def counting(model, row, file, number, report):  # type: ignore[no-untyped-def]
        parsed.append(f"{file}:{number}")
        return real(model, row, file, number, report)

    monkeypatch.setattr(validation, "validate_row", counting)
    report = run_import(store, write_csv(tmp_path / "v2", changed))
    assert report.valid, report.errors
    assert parsed == ["organizations.csv:5", "partnerships.csv:2"]  # header is row 1
    assert report.stats["nodes_written"] == 1
    oid = changed["organizations"][3]["id"]
    assert store.get(oid).props["name"] == "שם חדש"  # type: ignore[union-attr]


def test_a_record_changed_elsewhere_or_deleted_is_imported_again(tmp_path: Path) -> None:
    data = tables()
    folder = write_csv(tmp_path / "town", data)
    store = SQLiteStore(tmp_path / "g.db")
    assert run_import(store, folder).valid
    org = data["organizations"][5]
    edited = store.get(org["id"])
    assert edited is not None
    # An edit through the API (any write of the record) forgets the row's digest ...
    store.write([NodeRecord("Organization", edited.id, {**edited.props, "name": "ערוך"})])
    # ... and a deleted investment is no longer there to match.
    inv = data["investments"][0]["id"]
    assert store.delete_nodes([inv]) == 1
    report = run_import(store, folder)
    assert report.valid, report.errors
    assert report.stats["nodes_written"] == 2
    assert store.get(org["id"]).props["name"] == org["name"]  # type: ignore[union-attr]
    assert store.get(inv) is not None


def test_a_repeated_id_is_still_an_error_after_an_unchanged_row(tmp_path: Path) -> None:
    data = tables()
    store = SQLiteStore(tmp_path / "g.db")
    assert run_import(store, write_csv(tmp_path / "v1", data)).valid
    twice = copy.deepcopy(data)
    twice["organizations"].append({**twice["organizations"][2], "name": "כפילות"})
    report = run_import(store, write_csv(tmp_path / "v2", twice))
    assert not report.valid
    row = len(twice["organizations"]) + 1
    assert ["duplicate-id", "organizations.csv", row, "id", twice["organizations"][2]["id"]] in (
        report.flatten()
    )
