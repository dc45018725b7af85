"""The tabular importer and the import registry, against the dataset of fixtures_tabular.

Expected counts come from SPEC section 1 applied to the fixture's rows
(:func:`expected_counts`); expected problems from where :func:`bad_tables`
planted them.
"""

from __future__ import annotations

import sys
import types
import zipfile
from pathlib import Path

import pytest

from graph.errors import ValidationFailed
from graph.model import NodeRecord
from graph.store.sqlite import SQLiteStore
from importers import tabular
from importers.pipeline import Batch, Origin
from importers.registry import FORMATS, detect_format, run_import
from importers.report import ImportReport
from importers.tabular import parse
from tests.importers.fixtures_tabular import (
    BAD_ROWS,
    bad_tables,
    expected_counts,
    tables,
    write_csv,
    write_xlsx,
)


def _nodes(store: SQLiteStore) -> list[NodeRecord]:
    return list(store.iter_nodes())


def _rels(store: SQLiteStore) -> list[tuple[str, str, str, dict]]:
    return [(r.type, r.source, r.target, r.props) for r in store.iter_relationships()]


@pytest.fixture
def good_folder(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "good", tables())


def test_good_folder_imports_with_exact_counts(sqlite_store, good_folder):
    report = run_import(sqlite_store, good_folder)
    assert report.valid, report.errors
    nodes, rels = expected_counts(tables())
    counts = sqlite_store.counts()
    assert counts.nodes == nodes
    assert counts.relationships == rels
    assert len(nodes) == 7 and nodes["Organization"] >= 30
    assert report.stats["nodes_written"] == sum(nodes.values())


def test_names_are_byte_exact_and_extra_columns_kept(sqlite_store, good_folder):
    run_import(sqlite_store, good_folder)
    for row in tables()["organizations"]:
        node = sqlite_store.get(row["id"])
        assert node is not None
        assert node.props["name"].encode("utf-8") == row["name"].encode("utf-8")
        if row["website_he"]:
            assert node.props["website_he"] == row["website_he"]
        else:
            assert "website_he" not in node.props
    assert sqlite_store.get("o-safa").props["name"] == "עמותת שָׂפָה"  # niqqud kept
    assert sqlite_store.get("o-amal").props["name"] == "جمعية الأمل"
    assert sqlite_store.get("o-rahat").props["name_he"] == "עיריית רהט"
    assert sqlite_store.get("o-ajeec").props["locality_ids"] == ["loc-rahat", "loc-sderot"]


def test_blank_optional_cells_take_their_defaults(sqlite_store, good_folder):
    run_import(sqlite_store, good_folder)
    assert sqlite_store.get("i-1").props["currency"] == "ILS"  # blank cell
    assert sqlite_store.get("i-6").props["currency"] == "USD"
    assert sqlite_store.get("i-4").props["amount"] == pytest.approx(1200000.5)


def test_importing_twice_changes_nothing(sqlite_store, good_folder):
    run_import(sqlite_store, good_folder)
    before = sqlite_store.counts()
    nodes = _nodes(sqlite_store)
    report = run_import(sqlite_store, good_folder)
    assert report.valid
    assert report.stats["nodes_written"] == 0 and report.stats["relationships_written"] == 0
    assert sqlite_store.counts().as_dict() == before.as_dict()
    assert _nodes(sqlite_store) == nodes


def test_bom_and_no_bom_give_the_same_graph(tmp_path):
    stores = []
    for bom in (False, True):
        folder = write_csv(tmp_path / f"bom{bom}", tables(), bom=bom)
        if bom:
            assert (folder / "organizations.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        store = SQLiteStore(tmp_path / f"bom{bom}.db")
        assert run_import(store, folder).valid
        stores.append(store)
    assert _nodes(stores[0]) == _nodes(stores[1])
    assert _rels(stores[0]) == _rels(stores[1])
    for store in stores:
        store.close()


def test_xlsx_and_zip_give_the_same_graph_as_csv(tmp_path, good_folder):
    csv_store = SQLiteStore(tmp_path / "csv.db")
    assert run_import(csv_store, good_folder).valid
    book = write_xlsx(tmp_path / "data.xlsx", tables())
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in good_folder.iterdir():
            zf.write(file, f"export/{file.name}")  # a folder inside the ZIP is fine
    # Uploads saved without their name are told apart by their bytes.
    nameless = [tmp_path / "upload-1", tmp_path / "upload-2"]
    nameless[0].write_bytes(book.read_bytes())
    nameless[1].write_bytes(archive.read_bytes())
    for source in (book, archive, *nameless):
        assert detect_format(source) == "tabular"
        store = SQLiteStore(tmp_path / f"{source.name}.db")
        report = run_import(store, source)
        assert report.valid, report.errors
        assert _nodes(store) == _nodes(csv_store), source
        assert _rels(store) == _rels(csv_store), source
        store.close()
    csv_store.close()


def test_every_bad_row_is_named_and_nothing_is_written(sqlite_store, tmp_path):
    folder = write_csv(tmp_path / "bad", bad_tables())
    assert len({kind for kind, *_ in BAD_ROWS}) >= 7 and len(BAD_ROWS) >= 10
    report = run_import(sqlite_store, folder)
    assert not report.valid
    found = {(e.type, e.file, e.row_number, e.field) for e in report.errors}
    for bad in BAD_ROWS:
        assert bad in found, bad
    assert sqlite_store.counts().nodes == {}
    assert sqlite_store.graph_version() == "0"
    messages = {(e.file, e.row_number, e.field): e.message for e in report.errors}
    assert messages[("memberships.csv", 7, "position")] == (
        "expected one of: chair, member, facilitator, observer"
    )
    assert messages[("partnerships.csv", 7, "strength")] == "expected a value from 1 to 5"
    assert messages[("investments.csv", 3, "amount")] == "expected a number"
    assert messages[("organizations.csv", 30, "name")] == "name is required"
    assert "a Locality" in messages[("programs.csv", 9, "operator_id")]
    assert "exists nowhere" in messages[("programs.csv", 8, "operator_id")]
    assert "YYYY-MM-DD" in messages[("partnerships.csv", 3, "since")]


def test_partial_lands_the_good_rows_and_lists_the_skipped(sqlite_store, tmp_path):
    folder = write_csv(tmp_path / "bad", bad_tables())
    report = run_import(sqlite_store, folder, partial=True)
    skipped = {(s.type, s.file, s.row_number, s.field) for s in report.skipped_rows}
    for bad in BAD_ROWS:
        assert bad in skipped, bad
    assert sqlite_store.get("o-hfc").props["name"] == "פיקוד העורף"  # the first row wins
    for gone in ("o-other", "p-stem", "loc-eshkol", "f-peer", "i-2"):
        assert sqlite_store.get(gone) is None, gone
    # Rows that depend on a skipped row are skipped too: i-6 funds p-stem.
    assert sqlite_store.get("i-6") is None
    assert any(s.file == "investments.csv" and s.row_number == 7 for s in report.skipped_rows)
    assert sqlite_store.get("o-sderot") is not None
    skipped_nodes = {s.value for s in report.skipped_rows if s.field == "id"}
    assert sqlite_store.counts().nodes["Organization"] < 34
    assert "o-hfc" in skipped_nodes  # the repeated row


def test_dry_run_writes_nothing(sqlite_store, good_folder):
    report = run_import(sqlite_store, good_folder, dry_run=True)
    assert report.valid
    assert report.stats["would_write"]["nodes"] == sum(expected_counts(tables())[0].values())
    assert sqlite_store.counts().nodes == {}


def test_unknown_files_warn_and_missing_organizations_is_an_error(tmp_path):
    folder = write_csv(tmp_path / "d", {"localities": tables()["localities"]})
    (folder / "notes.txt").write_text("hello")
    (folder / "budget.csv").write_text("a,b\n1,2\n")
    report = ImportReport()
    parse(folder, report)
    assert ["missing", "organizations.csv", None, None, None] in report.flatten()
    assert sorted(w.file for w in report.warnings if w.type == "unknown-file") == [
        "budget.csv",
        "notes.txt",
    ]


def test_encoding_errors_name_file_and_line(tmp_path):
    folder = tmp_path / "latin"
    folder.mkdir()
    (folder / "organizations.csv").write_bytes(
        "id,name,sector\no1,Café,nonprofit\n".encode("latin-1")
    )
    report = ImportReport()
    parse(folder, report)
    assert [e.type for e in report.errors] == ["encoding"]
    assert report.errors[0].file == "organizations.csv"
    assert report.errors[0].row_number == 2
    assert "UTF-8" in report.errors[0].message


def test_row_numbers_count_the_header_and_blank_rows_are_skipped(tmp_path):
    folder = tmp_path / "rows"
    folder.mkdir()
    text = "id,name,sector\n,,\no1,א,nonprofit\no2,ב,nope\n"
    (folder / "organizations.csv").write_text(text, encoding="utf-8")
    report = ImportReport()
    batch = parse(folder, report)
    assert [n.id for n, _ in batch.nodes] == ["o1"]
    assert batch.nodes[0][1] == Origin("organizations.csv", 3)
    assert report.flatten() == [["enum", "organizations.csv", 4, "sector", "nope"]]
    assert batch.failed_ids == {"o2"}


def test_json_format_reports_positions(tmp_path, sqlite_store):
    doc = tmp_path / "x.json"
    doc.write_text(
        '{"format": "partnermap", "version": 1, "nodes": ['
        '{"label": "Organization", "id": "o1", "name": "אור", "sector": "nonprofit"},'
        '{"label": "Planet", "id": "x"},'
        '{"label": "Organization", "id": "o2", "name": "ب", "sector": "bank"}],'
        '"relationships": [{"type": "PARTNERS_WITH", "source": "o1", "target": "o2"},'
        '{"type": "OPERATES", "source": "o1", "target": "p"}]}',
        encoding="utf-8",
    )
    assert detect_format(doc) == "json"
    report = run_import(sqlite_store, doc)
    flat = report.flatten()
    assert ["enum", "x.json:nodes", 2, "label", "Planet"] in flat
    assert ["enum", "x.json:nodes", 3, "sector", "bank"] in flat
    assert [w.field for w in report.warnings] == ["type"]  # OPERATES is derived
    assert sqlite_store.counts().nodes == {}


def test_detect_format_refuses_what_it_cannot_read(tmp_path):
    odd = tmp_path / "thing.txt"
    odd.write_text("nothing here")
    with pytest.raises(ValidationFailed, match="--format"):
        detect_format(odd)
    with pytest.raises(ValidationFailed, match="no such file"):
        detect_format(tmp_path / "missing")
    with pytest.raises(ValidationFailed, match="unknown format"):
        run_import(None, odd, format="excel")  # type: ignore[arg-type]


def test_standards_formats_are_dispatched_lazily(monkeypatch, tmp_path, sqlite_store):
    calls: list[Path] = []
    fake = types.ModuleType("importers.standards.hxl")

    def detect(path: Path) -> bool:
        return path.suffix == ".hxl"

    def fake_parse(path: Path, report: ImportReport, store: object) -> Batch:
        calls.append(path)
        batch = Batch()
        org = NodeRecord("Organization", "h1", {"name": "منظمة", "sector": "nonprofit"})
        batch.add_node(org, Origin(path.name, 2))
        return batch

    fake.detect = detect  # type: ignore[attr-defined]
    fake.parse = fake_parse  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "importers.standards.hxl", fake)
    source = tmp_path / "three-w.hxl"
    source.write_text("#org\n")
    assert "hxl" in FORMATS
    assert detect_format(source) == "hxl"
    report = run_import(sqlite_store, source)
    assert report.valid and calls == [source]
    assert sqlite_store.get("h1").props["name"] == "منظمة"


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("il/cbs_local_authorities_2021.csv", "cbs"),
        ("il/localities.csv", "localities"),  # not our localities.csv, despite the name
        ("il/moe_programs_sample.csv", "moe"),
        ("360giving/baring.json", "360giving"),
        ("iati/MAEC_IATI_INDONESIA.xml", "iati"),
        ("hxl/rowca-3w-hxl.csv", "hxl"),
    ],
)
def test_real_files_are_detected_by_the_standards_modules(shared_data, relative, expected):
    assert detect_format(shared_data / relative) == expected


def test_xlsx_cells_typed_by_the_spreadsheet_become_the_format_text(tmp_path, sqlite_store):
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    orgs = book.active
    orgs.title = "organizations"
    orgs.append(["id", "name", "sector", "registration_number"])
    orgs.append(["o1", "עמותת אור", "nonprofit", 580012345])
    roles = book.create_sheet("roles")
    roles.append(["id", "title", "organization_id", "since"])
    roles.append(["r1", "רכזת", "o1", dt.datetime(2021, 3, 4)])
    roles.append(["r2", "מנהלת", "o1", 2019])
    locs = book.create_sheet("localities")
    locs.append(["id", "name", "population", "socioeconomic_cluster"])
    locs.append(["l1", "سخنين", 32000.0, 2.5])
    book.create_sheet("README").append(["notes"])
    book.save(tmp_path / "w.xlsx")
    report = run_import(sqlite_store, tmp_path / "w.xlsx")
    assert report.flatten() == [["number", "localities", 2, "socioeconomic_cluster", "2.5"]]
    assert [w.file for w in report.warnings] == ["README"]
    report = run_import(sqlite_store, tmp_path / "w.xlsx", partial=True)
    assert sqlite_store.get("r1").props["since"] == "2021-03-04"
    assert sqlite_store.get("r2").props["since"] == "2019"
    assert sqlite_store.get("o1").props["registration_number"] == "580012345"


def test_crlf_and_multiline_quoted_cells(tmp_path, sqlite_store):
    folder = tmp_path / "crlf"
    folder.mkdir()
    text = 'id,name,sector\r\no1,"עמותה ""אור""",nonprofit\r\no2,بيت,community\r\n'
    (folder / "organizations.csv").write_bytes(text.encode())
    (folder / "programs.csv").write_bytes(
        'id,name,operator_id,description\r\np1,תכנית,o1,"שורה ראשונה\r\nשורה שנייה"\r\n'
        "p2,,o2,\r\n".encode()
    )
    report = run_import(sqlite_store, folder)
    assert report.flatten() == [["missing", "programs.csv", 3, "name", None]]
    run_import(sqlite_store, folder, partial=True)
    assert sqlite_store.get("o1").props["name"] == 'עמותה "אור"'
    assert sqlite_store.get("p1").props["description"] == "שורה ראשונה\r\nשורה שנייה"


def test_one_problem_is_one_error(tmp_path):
    folder = write_csv(
        tmp_path / "one",
        {
            "organizations": [{"id": "o1", "name": "א", "sector": "nonprofit"}],
            "roles": [{"id": "r1", "title": "", "organization_id": "o1"}],
            "investments": [{"id": "i1", "funder_id": "o1", "amount": "-5", "year": "1900"}],
        },
    )
    report = ImportReport()
    parse(folder, report)
    assert report.flatten() == [
        ["missing", "roles.csv", 2, "title", None],  # not also "name", taken from the title
        ["range", "investments.csv", 2, "amount", "-5"],
        ["range", "investments.csv", 2, "year", "1900"],
    ]
    assert report.errors[1].message == "expected a value of at least 0"
    assert report.errors[2].message == "expected a value from 1948 to 2100"


def test_a_row_with_two_bad_references_reports_both(sqlite_store, tmp_path: Path):
    # One row, two references that exist nowhere: two errors, each naming its column.
    folder = tmp_path / "two"
    folder.mkdir()
    (folder / "organizations.csv").write_text("id,name,sector\no1,עמותה,nonprofit\n")
    (folder / "programs.csv").write_text(
        "id,name,operator_id,locality_id,domains\np1,תכנית,nobody,nowhere,welfare\n"
    )
    report = run_import(sqlite_store, folder)
    assert not report.valid
    found = {(e.file, e.row_number, e.field, e.value) for e in report.errors}
    assert found == {
        ("programs.csv", 2, "operator_id", "nobody"),
        ("programs.csv", 2, "locality_id", "nowhere"),
    }
    assert sqlite_store.counts().nodes.get("Organization", 0) == 0  # nothing written


def test_a_row_with_a_bad_cell_still_shows_its_other_problems(sqlite_store, tmp_path: Path):
    # Row 3 repeats o1's id and has a bad sector; the membership has a bad position and a
    # forum that exists nowhere: each row reports both of its problems.
    folder = tmp_path / "both"
    folder.mkdir()
    (folder / "organizations.csv").write_text(
        "id,name,sector,parent_id\no1,א,nonprofit,\no1,ב,badsector,ghost\n"
    )
    (folder / "memberships.csv").write_text("member_id,forum_id,position\no1,fff,boss\n")
    report = run_import(sqlite_store, folder)
    found = {(e.file, e.row_number, e.field) for e in report.errors}
    assert found == {
        ("organizations.csv", 3, "sector"),
        ("organizations.csv", 3, "id"),
        ("organizations.csv", 3, "parent_id"),
        ("memberships.csv", 2, "position"),
        ("memberships.csv", 2, "forum_id"),
    }
    messages = {(e.file, e.row_number, e.field): e.message for e in report.errors}
    assert messages[("organizations.csv", 3, "id")] == (
        "id 'o1' is already used at organizations.csv row 2"
    )
    assert "exists nowhere" in messages[("memberships.csv", 2, "forum_id")]
    assert sqlite_store.counts().nodes.get("Organization", 0) == 0


def test_a_file_with_nothing_to_unguard_reads_its_rows_as_the_guarded_reading_does() -> None:
    # The lighter loop (first cell with text: not blank) against the reading every row
    # takes when the file holds an apostrophe; the cells here have none, so both read alike.
    cells = [
        ["id", "name", "sector"],
        ["o1", "א", "nonprofit"],
        ["", "", ""],  # blank: skipped, counted
        ["  ", " ", "\t"],  # blank too
        ["", "ב", "business"],  # first cell blank, the row is not
        [" ", "", "x"],
        ["o2", "ג", "other", "extra"],  # a cell beyond the header: a warning
        ["o3", "ד", "other", "  "],  # blank beyond the header: no warning
        ["o4"],  # short
    ]
    got = []
    for unguard in (False, True):
        report = ImportReport()
        rows = list(
            tabular._records(iter(enumerate(cells, start=1)), "f.csv", report, unguard=unguard)
        )
        got.append((rows, [(w.type, w.row_number) for w in report.warnings]))
    assert got[0] == got[1]
    rows, warnings = got[0]
    assert [n for n, _ in rows] == [2, 5, 6, 7, 8, 9]
    assert warnings == [("extra-cells", 7)]
