"""Hostile cells in an import (issue 17): impossible dates, invisible characters in ids,
control characters in text, non-finite numbers, ``parent_id`` loops.

Each case is a one-row change to a valid folder; the expected issue (file, row, column)
is where the test put the bad cell (the header is row 1).
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from graph.model import NodeRecord, Organization, Program
from graph.store.sqlite import SQLiteStore
from importers.export import export_bytes
from importers.registry import run_import


def _write(folder: Path, name: str, rows: list[dict[str, str]]) -> None:
    with (folder / name).open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(dict.fromkeys(k for r in rows for k in r)))
        writer.writeheader()
        writer.writerows(rows)


def _orgs(**changes: str) -> list[dict[str, str]]:
    rows = [
        {"id": "o1", "name": "עיריית שדרות", "sector": "local_authority", "parent_id": ""},
        {"id": "o2", "name": "אגף החינוך", "sector": "local_authority", "parent_id": "o1"},
    ]
    rows[1].update(changes)
    return rows


def _issues(store: SQLiteStore, folder: Path) -> list[list[object]]:
    report = run_import(store, folder)
    assert not report.valid
    assert store.counts().nodes == {}, "a rejected import writes nothing"
    return [e[:4] for e in report.flatten()]


@pytest.mark.parametrize(
    ("since", "why"),
    [("2023-02-30", "not a day of the calendar"), ("0000", "from the year 1000")],
)
def test_impossible_dates_are_rejected(
    tmp_path: Path, sqlite_store: SQLiteStore, since: str, why: str
) -> None:
    _write(tmp_path, "organizations.csv", _orgs())
    _write(
        tmp_path,
        "roles.csv",
        [{"id": "r1", "title": "מנכ״ל", "organization_id": "o1", "since": since}],
    )
    report = run_import(sqlite_store, tmp_path)
    assert [e[:4] for e in report.flatten()] == [["date", "roles.csv", 2, "since"]]
    assert why in report.errors[0].message


def test_real_dates_still_pass() -> None:
    p = Program(id="p", name="x", operator_id="o", start="2024-02-29", end="2025")
    assert (p.start, p.end) == ("2024-02-29", "2025")


@pytest.mark.parametrize(
    "bad_id",
    ["o\u202e2", "o\u200b2", "o\u20662", "o\x002", "o\x1b2", "\ufeffo2", "o\u20602"],
)
def test_invisible_or_control_characters_in_ids_are_rejected(
    tmp_path: Path, sqlite_store: SQLiteStore, bad_id: str
) -> None:
    _write(tmp_path, "organizations.csv", _orgs(id=bad_id))
    assert _issues(sqlite_store, tmp_path) == [["value", "organizations.csv", 3, "id"]]


def test_invisible_characters_in_a_reference_are_rejected(
    tmp_path: Path, sqlite_store: SQLiteStore
) -> None:
    _write(tmp_path, "organizations.csv", _orgs(parent_id="o\u200d1"))
    assert _issues(sqlite_store, tmp_path) == [["value", "organizations.csv", 3, "parent_id"]]


def test_control_characters_are_stripped_from_text(
    tmp_path: Path, sqlite_store: SQLiteStore
) -> None:
    _write(tmp_path, "organizations.csv", _orgs(name="אגף\x00 החינוך\x1b[2J\x07", kind="a\x0bb"))
    report = run_import(sqlite_store, tmp_path)
    assert report.valid, report.flatten()
    stored = sqlite_store.get("o2")
    assert stored is not None
    assert stored.props["name"] == "אגף החינוך[2J" and stored.props["kind"] == "ab"
    # Hebrew with tabs and line breaks in a description stays as written.
    assert Program(id="p", name="x", operator_id="o", description="א\tב\nג").description == (
        "א\tב\nג"
    )


@pytest.mark.parametrize("amount", ["nan", "inf", "-inf", "1e400", "Infinity"])
def test_non_finite_amounts_are_rejected(
    tmp_path: Path, sqlite_store: SQLiteStore, amount: str
) -> None:
    _write(tmp_path, "organizations.csv", _orgs())
    _write(tmp_path, "localities.csv", [{"id": "l1", "name": "שדרות"}])
    _write(
        tmp_path,
        "investments.csv",
        [{"id": "i1", "funder_id": "o1", "locality_id": "l1", "amount": amount}],
    )
    assert _issues(sqlite_store, tmp_path) == [["number", "investments.csv", 2, "amount"]]


def test_parent_loops_are_rejected(tmp_path: Path, sqlite_store: SQLiteStore) -> None:
    rows = _orgs()
    rows[0]["parent_id"] = "o2"  # o1 -> o2 -> o1
    _write(tmp_path, "organizations.csv", rows)
    report = run_import(sqlite_store, tmp_path)
    assert [e[:4] for e in report.flatten()] == [["cycle", "organizations.csv", 2, "parent_id"]]
    assert "o1 → o2 → o1" in report.errors[0].message
    with pytest.raises(ValueError, match="its own parent"):
        Organization(id="o3", name="x", sector="other", parent_id="o3")


def test_parent_loops_through_the_store_are_rejected(
    tmp_path: Path, sqlite_store: SQLiteStore
) -> None:
    _write(tmp_path, "organizations.csv", _orgs())
    assert run_import(sqlite_store, tmp_path).valid
    # A second import makes the stored o1 a child of o2, whose parent is o1.
    again = tmp_path / "again"
    again.mkdir()
    _write(
        again,
        "organizations.csv",
        [{"id": "o1", "name": "עיריית שדרות", "sector": "local_authority", "parent_id": "o2"}],
    )
    report = run_import(sqlite_store, again)
    assert [e[:4] for e in report.flatten()] == [["cycle", "organizations.csv", 2, "parent_id"]]
    stored = sqlite_store.get("o1")
    assert stored is not None and "parent_id" not in stored.props


def test_graphml_and_gexf_are_well_formed_whatever_the_store_holds(
    sqlite_store: SQLiteStore,
) -> None:
    # Written straight into the store, as an older version or another tool could have.
    nasty = "a\x00b\x1b[31mc\x0bd\ufffe"
    sqlite_store.write(
        [
            NodeRecord("Organization", "o\x01x", {"name": nasty, "sector": "other", "k\x02": 1}),
            NodeRecord("Organization", "o2", {"name": "ב", "sector": "other"}),
        ]
    )
    for fmt in ("graphml", "gexf"):
        root = ET.fromstring(export_bytes(sqlite_store, fmt))
        text = ET.tostring(root, encoding="unicode")
        assert "ab[31mcd" in text and "\x1b" not in text
