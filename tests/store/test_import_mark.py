"""A re-import of the files last imported, with nothing changed since, reads no row.

Every test runs on SQLite and on a real Neo4j (the ``store`` fixture). The
dataset is tests/importers/fixtures_tabular.py's; expected counts come from
its row counts, never from reading the store back.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from graph.model import NodeRecord
from graph.store.base import GraphStore
from importers import tabular
from importers.registry import run_import
from tests.importers.fixtures_tabular import tables, write_csv

NODE_FILES = ("localities", "organizations", "roles", "forums", "goals", "programs", "investments")
REL_FILES = ("memberships", "program_partners", "partnerships")


def _rows(data: dict[str, list[dict[str, str]]], stems: tuple[str, ...]) -> int:
    return sum(len(data[s]) for s in stems if s in data)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders :func:`importers.tabular.parse` is asked to read, in order."""
    seen: list[str] = []
    real = tabular.parse

    def counting(path, report, store=None, *, progress=None):  # type: ignore[no-untyped-def]
        seen.append(Path(path).name)
        return real(path, report, store, progress=progress)

    monkeypatch.setattr(tabular, "parse", counting)
    return seen


def test_the_same_files_again_read_nothing(
    store: GraphStore, tmp_path: Path, reads: list[str]
) -> None:
    data = tables()
    folder = write_csv(tmp_path / "town", data)
    first = run_import(store, folder)
    assert first.valid, first.errors
    version = store.graph_version()
    again = run_import(store, folder)
    assert reads == ["town"]  # the second import never opened a file for its rows
    assert again.valid and again.stats["nodes_written"] == 0
    assert again.stats["relationships_written"] == 0
    # The counts a row-by-row no-op gives: every node row, every relationship row.
    assert again.stats["nodes_unchanged"] == _rows(data, NODE_FILES)
    assert again.stats["relationships_unchanged"] == _rows(data, REL_FILES)
    assert store.graph_version() == version
    dry = run_import(store, folder, dry_run=True)
    assert dry.valid and dry.dry_run and dry.stats["would_write"]["nodes"] == 0
    assert reads == ["town"]


def test_a_write_in_between_runs_the_row_level_import(
    store: GraphStore, tmp_path: Path, reads: list[str]
) -> None:
    data = tables()
    folder = write_csv(tmp_path / "town", data)
    assert run_import(store, folder).valid
    org, other = data["organizations"][5], data["organizations"][6]["id"]
    stored, other_before = store.get(org["id"]), store.get(other)
    assert stored is not None and other_before is not None
    # An API edit of one organisation: the graph changed since the import.
    store.write([NodeRecord("Organization", stored.id, {**stored.props, "name": "ערוך"})])
    assert store.import_mark() is None
    report = run_import(store, folder)
    assert reads == ["town", "town"]
    assert report.valid, report.errors
    assert report.stats["nodes_written"] == 1  # the edited one, back as the file says
    assert report.stats["nodes_unchanged"] == _rows(data, NODE_FILES) - 1
    back = store.get(org["id"])
    assert back is not None and back.props == stored.props
    assert store.get(other) == other_before  # the rest is as the first import wrote it
    # That import left its own mark: the next one reads nothing again.
    assert run_import(store, folder).stats["nodes_unchanged"] == _rows(data, NODE_FILES)
    assert reads == ["town", "town"]


def test_a_deleted_record_is_imported_again(
    store: GraphStore, tmp_path: Path, reads: list[str]
) -> None:
    data = tables()
    folder = write_csv(tmp_path / "town", data)
    assert run_import(store, folder).valid
    inv = data["investments"][0]["id"]
    assert store.delete_nodes([inv]) == 1
    report = run_import(store, folder)
    assert reads == ["town", "town"]
    assert report.valid and report.stats["nodes_written"] == 1
    assert store.get(inv) is not None


def test_a_changed_file_is_imported(store: GraphStore, tmp_path: Path, reads: list[str]) -> None:
    data = tables()
    assert run_import(store, write_csv(tmp_path / "town", data)).valid
    changed = copy.deepcopy(data)
    changed["organizations"][3]["name"] = "שם חדש"
    report = run_import(store, write_csv(tmp_path / "town", changed))
    assert reads == ["town", "town"]
    assert report.valid and report.stats["nodes_written"] == 1
    assert store.get(changed["organizations"][3]["id"]).props["name"] == "שם חדש"  # type: ignore[union-attr]
    # Back to the first version of the file: a real import again, which restores the name.
    report = run_import(store, write_csv(tmp_path / "town", data))
    assert reads == ["town", "town", "town"]
    assert report.stats["nodes_written"] == 1
    assert (
        store.get(data["organizations"][3]["id"]).props["name"] == data["organizations"][3]["name"]
    )  # type: ignore[union-attr]


def test_a_failed_import_leaves_no_mark_and_warnings_come_back(
    store: GraphStore, tmp_path: Path, reads: list[str]
) -> None:
    data = tables()
    bad = copy.deepcopy(data)
    bad["programs"][0]["operator_id"] = "o-nowhere"
    report = run_import(store, write_csv(tmp_path / "bad", bad))
    assert not report.valid and store.import_mark() is None
    assert run_import(store, write_csv(tmp_path / "bad", bad)).error_count == report.error_count
    assert reads == ["bad", "bad"]  # an invalid import is read again every time
    folder = write_csv(tmp_path / "town", data)
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # warned about, ignored
    first = run_import(store, folder)
    assert first.valid and [w.type for w in first.warnings] == ["unknown-file"]
    again = run_import(store, folder)
    assert reads == ["bad", "bad", "town"]
    assert again.warnings == first.warnings


def test_the_mark_is_kept_with_the_write_until_the_graph_changes(store: GraphStore) -> None:
    node = NodeRecord("Organization", "o-1", {"name": "א", "sector": "nonprofit"})
    assert store.import_mark() is None
    store.write([node], import_mark="first")
    assert store.import_mark() == "first"
    store.write([node])  # writes nothing: the graph is as the mark says
    assert store.import_mark() == "first"
    store.write([node], import_mark="second")  # nothing written, a new mark all the same
    assert store.import_mark() == "second"
    store.write([NodeRecord("Organization", "o-2", {"name": "ב", "sector": "business"})])
    assert store.import_mark() is None
    store.write([], import_mark="third")
    assert store.delete_nodes(["o-2"]) == 1
    assert store.import_mark() is None
    store.write([], import_mark="fourth")
    store.clear()
    assert store.import_mark() is None
