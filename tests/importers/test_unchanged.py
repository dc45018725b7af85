"""Re-imports skip rows the store already holds exactly (importers/unchanged.py).

The dataset is tests/importers/fixtures_tabular.py's; expected counts come
from its row counts, not from reading the store back.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from graph.model import NodeRecord
from graph.store.sqlite import SQLiteStore
from importers import tabular, validation
from importers.registry import run_import
from tests.importers.fixtures_tabular import tables, write_csv


def _rows(data: dict[str, list[dict[str, str]]], *stems: str) -> int:
    return sum(len(data[s]) for s in stems)


def spy_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every row an import parses, by its id (or ends): the fast path's and pydantic's.

    The import calls the fast path of each file's header itself
    (``tabular.compile_header``) and hands other rows to ``validate_row``.
    """
    parsed: list[str] = []
    real_validate, real_compile = validation.validate_row, tabular.compile_header

    def name(row: dict[str, Any]) -> str:
        return row.get("id") or f"{row.get('source_id')}>{row.get('target_id')}"

    def validating(model, row, file, number, report):  # type: ignore[no-untyped-def]
        parsed.append(name(row))
        return real_validate(model, row, file, number, report)

    def compiling(model: Any, header: tuple[str, ...]) -> Any:
        fast = real_compile(model, header)
        if fast is None:
            return None

        def counted(row: dict[str, Any]) -> Any:
            parsed.append(name(row))
            return fast(row)

        return counted

    monkeypatch.setattr(validation, "validate_row", validating)
    monkeypatch.setattr(tabular, "compile_header", compiling)
    return parsed


NODE_FILES = ("localities", "organizations", "roles", "forums", "goals", "programs", "investments")
REL_FILES = ("memberships", "program_partners", "partnerships")


def test_a_second_import_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tables()
    folder = write_csv(tmp_path / "town", data)
    store = SQLiteStore(tmp_path / "g.db")
    first = run_import(store, folder)
    assert first.valid and first.stats["nodes_written"] == _rows(data, *NODE_FILES)
    version = store.graph_version()
    parsed = spy_parsing(monkeypatch)
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
    parsed = spy_parsing(monkeypatch)
    report = run_import(store, write_csv(tmp_path / "v2", changed))
    assert report.valid, report.errors
    edge = changed["partnerships"][0]
    assert parsed == [changed["organizations"][3]["id"], f"{edge['source_id']}>{edge['target_id']}"]
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
