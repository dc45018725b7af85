"""Real files of ../shared/data under the wrong format: one clear problem, not thousands."""

from __future__ import annotations

from pathlib import Path

from importers.report import ImportReport
from importers.standards import threesixtygiving as tsg


def test_an_iati_xml_read_as_360giving_is_one_problem(shared_data: Path, sqlite_store) -> None:
    # `partnermap import MAEC_IATI_INDONESIA.xml --format 360giving` used to read the XML's
    # 7,033 lines as CSV rows and report 7,032 'grant without an identifier'.
    path = shared_data / "iati" / "MAEC_IATI_INDONESIA.xml"
    report = ImportReport()
    batch = tsg.parse(path, report, sqlite_store)
    assert not batch.nodes
    assert [(e.type, e.file, e.value) for e in report.errors] == [
        ("format", "MAEC_IATI_INDONESIA.xml", ".xml")
    ]


def test_a_csv_without_a_grant_identifier_column_is_one_problem(
    shared_data: Path, sqlite_store
) -> None:
    # The national statistics file (255 authorities) has no Identifier/id column.
    path = shared_data / "il" / "cbs_local_authorities_2021.csv"
    report = ImportReport()
    tsg.parse(path, report, sqlite_store)
    assert [(e.file, e.row_number, e.field) for e in report.errors] == [
        ("cbs_local_authorities_2021.csv", 1, "id")
    ]
    assert "Identifier" in report.errors[0].message
