"""Hostile files (issue 17 items 1 and 5): spreadsheet bombs and ZIP bombs, generated here.

- A 2.5 KB workbook whose one far cell sits at ``XFD1048576``: the spreadsheet reader
  would lay out 16,384 × 1,048,576 cells (about 512 GiB) and abort the process. The CLI
  is run in a child process whose address space is capped at 2 GiB (``RLIMIT_AS``): it
  must exit 1 with a message naming the cell, not die.
- A ZIP whose headers understate a member's size (1 KB claimed, 64 MB real): reading
  it whole once inflated everything in one call; now memory stays near the chunk size.
- A member larger than the limit is refused as it streams, at the limit.
"""

from __future__ import annotations

import io
import os
import resource
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from importers import tabular
from importers.guards import MAX_SHEET_CELLS, sheet_size, workbook_problem
from importers.report import ImportReport

_SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>{rows}</sheetData></worksheet>"
)


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write_workbook(path: Path, rows_xml: str) -> Path:
    """A minimal XLSX with one sheet named organizations."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="application'
            '/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship '
            f'Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="organizations" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship '
            f'Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": _SHEET_XML.format(rows=rows_xml),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def bomb_workbook(path: Path) -> Path:
    header = _cell("A1", "id") + _cell("B1", "name") + _cell("C1", "sector")
    return write_workbook(
        path, f'<row r="1">{header}</row><row r="1048576">{_cell("XFD1048576", "x")}</row>'
    )


_CLI = (sys.executable, "-c", "from api.cli import main; main()")


def _limit_memory() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def test_a_far_cell_workbook_is_refused_within_a_memory_limit(tmp_path: Path) -> None:
    bomb = bomb_workbook(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 2600  # the 2.5 KB of the issue
    done = subprocess.run(
        [*_CLI, "import", str(bomb), "--store", f"sqlite:///{tmp_path / 'g.db'}", "--json"],
        capture_output=True,
        text=True,
        preexec_fn=_limit_memory,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "XFD1048576" in done.stdout and "too large" in done.stdout


def test_workbook_problem_names_the_sheet_and_cell(tmp_path: Path) -> None:
    problem = workbook_problem(bomb_workbook(tmp_path / "bomb.xlsx"))
    assert problem is not None
    assert "organizations" in problem and "XFD1048576" in problem


def test_a_normal_workbook_is_not_refused(tmp_path: Path) -> None:
    rows = '<row r="1">' + _cell("A1", "id") + _cell("B1", "name") + _cell("C1", "sector")
    rows += (
        '</row><row r="2">' + _cell("A2", "o1") + _cell("B2", "עמותה") + _cell("C2", "nonprofit")
    )
    book = write_workbook(tmp_path / "ok.xlsx", rows + "</row>")
    assert workbook_problem(book) is None
    report = ImportReport()
    batch = tabular.parse(book, report)
    assert report.valid and [n.id for n, _ in batch.nodes] == ["o1"]


def test_sheet_size_counts_across_chunk_edges() -> None:
    # 2,000 rows × 3 columns, cut into 7-byte chunks so that tags straddle them.
    xml = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in "ABC") + "</row>"
        for r in range(1, 2001)
    ).encode()
    size = sheet_size(iter(xml[i : i + 7] for i in range(0, len(xml), 7)))
    assert (size.rows, size.columns, size.cells, size.furthest) == (2000, 3, 6000, "C2000")
    assert size.area < MAX_SHEET_CELLS


def _understated_zip(path: Path, real: int, claimed: int) -> Path:
    """A ZIP of organizations.csv whose headers claim ``claimed`` bytes for ``real`` bytes."""
    data = b"id,name,sector\n" + b"0" * (real - 15)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organizations.csv", data)
    raw = bytearray(path.read_bytes())
    # Local header: uncompressed size at offset 22; central directory entry: at offset 24.
    struct.pack_into("<I", raw, 22, claimed)
    central = raw.rfind(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, claimed)
    path.write_bytes(bytes(raw))
    return path


def test_an_understated_zip_member_never_inflates_whole(tmp_path: Path) -> None:
    bomb = _understated_zip(tmp_path / "bomb.zip", real=64 * 1024**2, claimed=1024)
    assert bomb.stat().st_size < 200 * 1024
    report = ImportReport()
    tracemalloc.start()
    try:
        tabular.parse(bomb, report)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not report.valid
    assert peak < 16 * 1024**2, f"peak {peak / 1024**2:.1f} MB"


def test_a_member_beyond_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "MAX_UNZIPPED_BYTES", 4 * 1024**2)
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organizations.csv", b"id,name,sector\n" + b"0" * 40 * 1024**2)
    report = ImportReport()
    tracemalloc.start()
    try:
        batch = tabular.parse(big, report)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not batch.nodes
    assert "more than the limit of 4194304" in report.errors[0].message
    assert peak < 4 * 1024**2, f"peak {peak / 1024**2:.1f} MB"


def test_a_large_csv_in_a_zip_is_read_as_a_stream(tmp_path: Path) -> None:
    """32 MB of (blank) rows cost a few MB, not the member's bytes two or three times."""
    rows = b"id,name,sector\n" + (b" " * 1023 + b"\n") * 32 * 1024 + b"o1,x,nonprofit\n"
    path = tmp_path / "rows.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organizations.csv", rows)
    del rows
    report = ImportReport()
    tracemalloc.start()
    try:
        batch = tabular.parse(path, report)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.valid and [n.id for n, _ in batch.nodes] == ["o1"]
    assert batch.nodes[0][1].row == 32 * 1024 + 2  # blank rows are counted, not kept
    assert peak < 8 * 1024**2, f"peak {peak / 1024**2:.1f} MB"


def test_a_csv_zip_still_imports(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    rows = b"id,name,sector\n" + b"".join(b"o%d,x,nonprofit\n" % i for i in range(5_000))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organizations.csv", rows)
    path = tmp_path / "ok.zip"
    path.write_bytes(buffer.getvalue())
    report = ImportReport()
    batch = tabular.parse(path, report)
    assert report.valid and len(batch.nodes) == 5_000
