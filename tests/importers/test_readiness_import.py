"""needs.csv and capabilities.csv: checks beyond one row, at import and through the API."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.store.sqlite import SQLiteStore
from importers.registry import run_import

FILES: dict[str, list[list[str]]] = {
    "localities": [["id", "name"], ["l", "שדרות"], ["l2", "ירוחם"]],
    "organizations": [
        ["id", "name", "sector", "locality_ids"],
        ["city", "עיריית שדרות", "local_authority", "l"],
        ["vol", "עמותת מתנדבים", "nonprofit", "l"],
        ["yer", "מתנ״ס ירוחם", "nonprofit", "l2"],
        ["nat", "ארגון ארצי", "nonprofit", ""],
    ],
    "roles": [
        ["id", "title", "kind", "organization_id"],
        ["r-vol", "רכזת מתנדבים", "other", "vol"],
        ["r-city", "מנהלת שותפויות", "partnerships_manager", "city"],
    ],
    "needs": [
        ["id", "locality_id", "area", "category", "population", "severity"],
        ["n1", "l", "שכונה א", "food", "120", "5"],
        ["n2", "l", "שכונה ב", "shelter", "80", "4"],
        ["n3", "l2", "מרכז", "water", "50", "3"],
    ],
    "capabilities": [
        ["organization_id", "category", "capacity", "areas", "contact_role_id"],
        ["vol", "food", "100", "שכונה א;שכונה ב", "r-vol"],
        ["nat", "water", "", "מרכז", ""],
        ["city", "shelter", "80", "", "r-city"],
    ],
}


def _write(folder: Path, files: dict[str, list[list[str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    return folder


def _with(file: str, row: list[str]) -> dict[str, list[list[str]]]:
    return {**FILES, file: [*FILES[file], row]}


def test_good_needs_and_capabilities_import(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    report = run_import(sqlite_store, _write(tmp_path / "ok", FILES))
    assert report.valid, report.errors
    cap = sqlite_store.get("capability:vol:food")
    assert cap is not None and cap.props["areas"] == ["שכונה א", "שכונה ב"]
    # A second import of capabilities alone finds the areas among the stored needs.
    again = run_import(
        sqlite_store,
        _write(
            tmp_path / "caps",
            {"organizations": FILES["organizations"], "capabilities": FILES["capabilities"]},
        ),
    )
    assert again.valid, again.errors


@pytest.mark.parametrize(
    ("file", "row", "field", "value", "words"),
    [
        # vol works in l; "שכונה ג" is named by no need of l.
        ("capabilities", ["vol", "water", "10", "שכונה ג", ""], "areas", "שכונה ג",
         "expected one of: שכונה א, שכונה ב"),
        # yer works in l2, whose needs name only "מרכז".
        ("capabilities", ["yer", "food", "10", "שכונה א", ""], "areas", "שכונה א",
         "expected one of: מרכז"),
        # r-city is the municipality's role, not the nonprofit's.
        ("capabilities", ["vol", "transport", "5", "", "r-city"], "contact_role_id", "r-city",
         "belongs to 'city', not to 'vol'"),
        ("capabilities", ["vol", "medical", "-3", "", ""], "capacity", "-3", "at least 0"),
        ("capabilities", ["ghost", "food", "3", "", ""], "organization_id", "ghost",
         "exists nowhere"),
        ("capabilities", ["vol", "shelterz", "3", "", ""], "category", "shelterz", "shelter"),
        ("needs", ["n9", "l", "שכונה א", "food", "-1", "3"], "population", "-1", "at least 0"),
        ("needs", ["n9", "l", "שכונה א", "food", "10", "9"], "severity", "9", "from 1 to 5"),
    ],
)  # fmt: skip
def test_a_bad_row_is_named_and_nothing_is_written(
    sqlite_store: SQLiteStore,
    tmp_path: Path,
    file: str,
    row: list[str],
    field: str,
    value: str,
    words: str,
) -> None:
    report = run_import(sqlite_store, _write(tmp_path / "bad", _with(file, row)))
    assert not report.valid
    assert sqlite_store.counts().nodes == {}  # nothing written
    [error] = report.errors
    assert (error.file, error.row_number, error.field) == (
        f"{file}.csv",
        len(FILES[file]) + 1,
        field,
    )
    assert error.value == value
    assert words in error.message


def test_partial_import_skips_only_the_bad_capability(
    sqlite_store: SQLiteStore, tmp_path: Path
) -> None:
    bad = _with("capabilities", ["vol", "water", "10", "שכונה ג", ""])
    report = run_import(sqlite_store, _write(tmp_path / "p", bad), partial=True)
    assert [e.field for e in report.skipped_rows] == ["areas"]
    assert sqlite_store.get("capability:vol:food") is not None
    assert sqlite_store.get("capability:vol:water") is None


def test_a_capability_may_name_its_own_localities(
    sqlite_store: SQLiteStore, tmp_path: Path
) -> None:
    header = [*FILES["capabilities"][0], "locality_ids"]
    rows = [[*r, ""] for r in FILES["capabilities"][1:]]
    # The national organisation serves only l2 here: "מרכז" is an area of l2, "שכונה א" is not.
    good = {**FILES, "capabilities": [header, *rows, ["nat", "food", "5", "מרכז", "", "l2"]]}
    assert run_import(sqlite_store, _write(tmp_path / "own", good)).valid
    bad = {**FILES, "capabilities": [header, *rows, ["nat", "food", "5", "שכונה א", "", "l2"]]}
    report = run_import(sqlite_store, _write(tmp_path / "bad-area", bad))
    assert [(e.field, e.value) for e in report.errors] == [("areas", "שכונה א")]
    assert "expected one of: מרכז" in report.errors[0].message
    ghost = {**FILES, "capabilities": [header, *rows, ["nat", "food", "5", "", "", "nowhere"]]}
    report = run_import(sqlite_store, _write(tmp_path / "ghost", ghost))
    assert [(e.row_number, e.field, e.value) for e in report.errors] == [
        (5, "locality_ids", "nowhere")
    ]
    two = {**FILES, "capabilities": [header, *rows, ["nat", "food", "5", "מרכז", "", "l;l2"]]}
    assert run_import(sqlite_store, _write(tmp_path / "two", two)).valid


def test_renaming_an_area_that_stored_capabilities_serve(
    sqlite_store: SQLiteStore, tmp_path: Path
) -> None:
    assert run_import(sqlite_store, _write(tmp_path / "ok", FILES)).valid
    needs = [list(r) for r in FILES["needs"]]
    needs[1][2] = "שכונה ג"  # n1: "שכונה א" -> "שכונה ג"
    alone = {"organizations": FILES["organizations"], "needs": needs}
    report = run_import(sqlite_store, _write(tmp_path / "rename", alone))
    [error] = report.errors
    assert (error.type, error.file, error.row_number, error.field, error.value) == (
        "orphaned-area", "needs.csv", 2, "area", "שכונה ג"
    )  # fmt: skip
    assert "capability:vol:food" in error.message
    assert sqlite_store.get("n1").props["area"] == "שכונה א"  # nothing written
    # With the capability moved to the new name in the same import, it lands.
    caps = [list(r) for r in FILES["capabilities"]]
    caps[1][3] = "שכונה ג;שכונה ב"
    both = {**alone, "roles": FILES["roles"], "capabilities": caps}
    assert run_import(sqlite_store, _write(tmp_path / "both", both)).valid
    assert sqlite_store.get("capability:vol:food").props["areas"] == ["שכונה ג", "שכונה ב"]
