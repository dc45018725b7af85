"""CBS local authorities and localities: real files, matching, idempotence, bad input.

Expected counts are computed here with the csv module straight from the
shared files, not from the importer.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from graph.model import Locality, to_record
from graph.text import normalize
from importers.report import ImportReport
from importers.standards import cbs

STATUS = {"עירייה": "city", "מועצה מקומית": "local_council", "מועצה אזורית": "regional_council"}


def _authorities(il: Path) -> list[dict[str, str]]:
    with (il / "cbs_local_authorities_2021.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _localities(il: Path) -> list[dict[str, str]]:
    with (il / "localities.csv").open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_authorities_import_every_row(il, sqlite_store, load_file):
    rows = _authorities(il)
    load_file(sqlite_store, cbs.parse_authorities, il / "cbs_local_authorities_2021.csv")
    assert sqlite_store.counts().nodes == {"Locality": len(rows)} == {"Locality": 255}
    by_status = Counter(STATUS[r["כללי: מעמד מוניציפלי"]] for r in rows)
    stored = Counter(n.props["municipal_status"] for n in sqlite_store.iter_nodes("Locality"))
    assert stored == by_status
    ofakim = sqlite_store.get("cbs-0031")
    assert ofakim is not None
    assert ofakim.props["name"] == "אופקים"
    assert ofakim.props["population"] == 33999
    assert ofakim.props["socioeconomic_cluster"] == 3
    assert ofakim.props["district"] == "הדרום"
    # ".." is a missing value: the status year of באקה אל-גרביה is unknown.
    missing_year = [r for r in rows if r["כללי: שנת קבלת מעמד מוניציפלי"] == ".."]
    assert len(missing_year) == 9
    for row in missing_year:
        code = row["כללי: סמל הרשות"]
        node = sqlite_store.get(f"cbs-{code}")
        assert node is not None and "status_year" not in node.props
    # Regional councils keep their two-digit code: Nahal Sorek (31) is not Ofakim (0031).
    nahal_sorek = sqlite_store.get("cbs-31")
    assert nahal_sorek is not None and nahal_sorek.props["municipal_status"] == "regional_council"


def test_reimport_changes_nothing(il, sqlite_store, load_file):
    path = il / "cbs_local_authorities_2021.csv"
    load_file(sqlite_store, cbs.parse_authorities, path)
    load_file(sqlite_store, cbs.parse_localities, il / "localities.csv")
    before = sqlite_store.counts()
    again = load_file(sqlite_store, cbs.parse_authorities, path)
    again2 = load_file(sqlite_store, cbs.parse_localities, il / "localities.csv")
    assert again.stats["nodes_written"] == again2.stats["nodes_written"] == 0
    assert sqlite_store.counts() == before


def test_localities_join_their_authorities(il, sqlite_store, load_file):
    authorities = _authorities(il)
    localities = _localities(il)
    load_file(sqlite_store, cbs.parse_authorities, il / "cbs_local_authorities_2021.csv")
    report = load_file(sqlite_store, cbs.parse_localities, il / "localities.csv")
    # Cities and local councils are their own authority: one node, not two.
    towns = [r for r in localities if r["municipal_status_name"] in ("עירייה", "מועצה מקומית")]
    assert len(towns) == 201
    expected = len(authorities) + len(localities) - len(towns)
    assert sqlite_store.count("Locality") == expected == 1282
    codes = Counter(n.props["cbs_code"] for n in sqlite_store.iter_nodes("Locality"))
    assert max(codes.values()) == 1
    ofakim = sqlite_store.get("cbs-0031")
    assert ofakim is not None and ofakim.props["name_en"] == "Ofaqim"
    assert ofakim.props["population"] == 33999  # the authority's figure is kept
    # Villages point at their regional council, which exists as a node.
    members = Counter(
        r["municipal_status_id"]
        for r in localities
        if r["municipal_status_name"].startswith("מועצה אזורית")
    )
    stored = Counter(
        n.props["regional_council_id"]
        for n in sqlite_store.iter_nodes("Locality")
        if n.props.get("regional_council_id")
    )
    assert stored == {f"cbs-{code.zfill(2)}": n for code, n in members.items()}
    for council_id in stored:
        council = sqlite_store.get(council_id)
        assert council is not None and council.props["municipal_status"] == "regional_council"
    # The membership file disagrees for some towns (עמק לוד was merged into שדות דן).
    with (il / "municipality-to-city.csv").open(encoding="utf-8") as handle:
        membership = list(csv.DictReader(handle))
    by_name = {normalize(r["name"]): r for r in localities}
    conflicts = {
        i
        for i, r in enumerate(membership, start=2)
        if normalize(r["city"]) in by_name
        and normalize(by_name[normalize(r["city"])]["municipal_status_name"])
        != normalize(f"מועצה אזורית {r['municipality']}")
    }
    warned = {w.row_number for w in report.warnings if w.type == "conflict"}
    assert len(conflicts) == 10
    assert conflicts == warned
    unknown = {w.row_number for w in report.warnings if w.type == "unknown-reference"}
    assert len(unknown) == 8  # 9 towns not in the list, one of them a blank row
    assert all(normalize(membership[row - 2]["city"]) not in by_name for row in unknown)


def test_merges_into_existing_localities_by_name(il, sqlite_store, load_file):
    seeds = [
        Locality(id="loc-kiryat-shmona", name="קרית שמונה", population=1),
        Locality(id="loc-maalot", name="מעלות תרשיחא"),
        Locality(id="loc-ofakim", name="אופקים", name_en="Ofakim"),
    ]
    sqlite_store.write([to_record(s) for s in seeds])
    load_file(sqlite_store, cbs.parse_authorities, il / "cbs_local_authorities_2021.csv")
    assert sqlite_store.count("Locality") == 255  # three merged, none duplicated
    kiryat = sqlite_store.get("loc-kiryat-shmona")
    assert kiryat is not None
    assert kiryat.props["name"] == "קרית שמונה"  # the stored display name stays
    assert kiryat.props["name_he"] == "קריית שמונה"
    assert kiryat.props["cbs_code"] == "2800"
    assert kiryat.props["population"] > 20000
    assert sqlite_store.get("cbs-2800") is None
    assert sqlite_store.get("loc-maalot").props["municipal_status"] == "city"
    # The localities list then finds them by code.
    load_file(sqlite_store, cbs.parse_localities, il / "localities.csv")
    assert sqlite_store.get("cbs-0031") is None
    assert sqlite_store.get("loc-ofakim").props["latitude"] > 31


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


HEADER = (
    'שם הרשות,כללי: סמל הרשות,כללי: מחוז,כללי: מעמד מוניציפלי,דמוגרפיה: סה"כ אוכלוסייה בסוף השנה'
)


def test_bad_cells_are_reported_with_row_and_column(tmp_path, sqlite_store):
    path = _write(
        tmp_path / "auth.csv",
        f"{HEADER}\nשדרות,1031,הדרום,עירייה,אלף\n"
        "ירוחם,0831,הדרום,עיר גדולה,..\nנוף,abc,הצפון,עירייה,5\n",
    )
    report = ImportReport()
    batch = cbs.parse_authorities(path, report, sqlite_store)
    assert report.flatten() == [
        ["number", "auth.csv", 2, 'דמוגרפיה: סה"כ אוכלוסייה בסוף השנה', "אלף"],
        ["value", "auth.csv", 4, "כללי: סמל הרשות", "abc"],
    ]
    assert [(w.type, w.row_number, w.value) for w in report.warnings] == [
        ("unknown-code", 3, "עיר גדולה")
    ]
    assert [n.id for n, _ in batch.nodes] == ["cbs-0831"]


def test_missing_column_and_windows_1255(tmp_path, sqlite_store):
    report = ImportReport()
    cbs.parse_authorities(
        _write(tmp_path / "a.csv", "שם הרשות,מחוז\nשדרות,הדרום\n"), report, sqlite_store
    )
    assert {e.field for e in report.errors} == {"cbs_code", "municipal_status"}
    report = ImportReport()
    path = _write(tmp_path / "b.csv", f"{HEADER}\nשדרות,1031,הדרום,עירייה,33000\n", "cp1255")
    batch = cbs.parse_authorities(path, report, sqlite_store)
    assert report.valid and [w.type for w in report.warnings] == ["encoding"]
    assert batch.nodes[0][0].props["name"] == "שדרות"


def test_detect(il):
    assert cbs.detect_authorities(il / "cbs_local_authorities_2021.csv")
    assert cbs.detect_localities(il / "localities.csv")
    assert not cbs.detect(il / "moe_programs_sample.csv")


def test_unpadded_stored_code_matches_the_town_not_the_council(il, sqlite_store, load_file):
    # Ofakim stored with its code as a spreadsheet shows it: 31, not 0031.
    # Nahal Sorek regional council's code is also 31; the status tells them apart.
    town = Locality(id="ofakim", name="Ofakim", municipal_status="city", cbs_code="31")
    sqlite_store.write([to_record(town)])
    load_file(sqlite_store, cbs.parse_authorities, il / "cbs_local_authorities_2021.csv")
    assert sqlite_store.get("ofakim").props["name_he"] == "אופקים"
    assert sqlite_store.get("cbs-0031") is None
    assert sqlite_store.get("cbs-31").props["name"] == "נחל שורק"
    assert sqlite_store.count("Locality") == 255


def test_village_does_not_merge_into_its_namesake_council(il, sqlite_store, load_file):
    # Megiddo is a kibbutz and a regional council; the stored council has no code.
    council = Locality(id="rc-megiddo", name="מגידו", municipal_status="regional_council")
    sqlite_store.write([to_record(council)])
    load_file(sqlite_store, cbs.parse_localities, il / "localities.csv")
    kibbutz = [
        n for n in sqlite_store.iter_nodes("Locality")
        if n.props.get("name") == "מגידו" and n.id != "rc-megiddo"
    ]  # fmt: skip
    # ... while the council itself is recognised by name and gets its code.
    assert len(kibbutz) == 1 and kibbutz[0].props["regional_council_id"] == "rc-megiddo"
    assert sqlite_store.get("rc-megiddo").props["cbs_code"] == "13"
    assert sqlite_store.get("cbs-13") is None
