"""Ministry of Education catalogue: the 20 real programs, operators, sectors and ages.

Expected values are computed here from the CSV with the csv module and a
grade table written out in the test, independently of the importer.
"""

from __future__ import annotations

import csv
from pathlib import Path

from graph.model import Organization, Sector, to_record
from importers.report import ImportReport
from importers.standards import moe

# Israeli grade letters: grade n is age n + 5 (א' = 6 ... י"ב = 17).
GRADE = {
    "א'": 6, "ב'": 7, "ג'": 8, "ד'": 9, "ה'": 10, "ו'": 11, "ז'": 12, "ח'": 13,
    "ט'": 14, "י'": 15, 'י"א': 16, 'י"ב': 17, 'י"ג': 18, 'י"ד': 19,
}  # fmt: skip


def _rows(il: Path) -> list[dict[str, str]]:
    with (il / "moe_programs_sample.csv").open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_programs_and_operators(il, sqlite_store, load_file):
    rows = _rows(il)
    load_file(sqlite_store, moe.parse, il / "moe_programs_sample.csv")
    assert sqlite_store.count("Program") == len(rows) == 20
    operators = {r["MisparTaagid"] for r in rows}
    # every operator once, plus the ministry that lists the programs
    assert sqlite_store.count("Organization") == len(operators) + 1
    third_sector = sum("מגזר שלישי" in r["TeurMakorTochnit"] for r in rows)
    business = sum("מגזר עסקי" in r["TeurMakorTochnit"] for r in rows)
    assert third_sector + business == len(rows)
    assert sqlite_store.count("Organization", sector="nonprofit") == third_sector == 5
    assert sqlite_store.count("Organization", sector="business") == business == 15
    for row in rows:
        program = sqlite_store.get(f"moe-{row['MisparTochnit']}")
        assert program is not None
        assert program.props["name"] == row["ShemTochnit"]
        operator = sqlite_store.get(program.props["operator_id"])
        assert operator is not None
        assert operator.props["registration_number"] == row["MisparTaagid"]
        ages = [GRADE[g.strip()] for g in row["ShichvatLomdim"].split("|") if g.strip() in GRADE]
        if "ילדי הגן" in row["ShichvatLomdim"]:
            ages += [3, 5]
        assert program.props.get("age_min") == (min(ages) if ages else None)
        assert program.props.get("age_max") == (max(ages) if ages else None)
        main = row["TeurTchumMerkazi"]
        expected = {"לימודי": "formal_education", "חברתי - ערכי": "informal_education",
                    "רווחתי - רגשי": "welfare"}[main]  # fmt: skip
        assert expected in program.props["domains"]
    assert len(sqlite_store.relationships(moe.MINISTRY_ID, types=["PARTNERS_IN"])) == 20


def test_merges_operator_by_registration_number_and_reimports_unchanged(
    il, sqlite_store, load_file
):
    stored = Organization(
        id="org-kol-israel", name='כל ישראל חברים (ע"ר)', sector=Sector.nonprofit,
        registration_number="580010890",
    )  # fmt: skip
    ministry = Organization(id="gov-moe", name="משרד החינוך", sector=Sector.government)
    sqlite_store.write([to_record(stored), to_record(ministry)])
    load_file(sqlite_store, moe.parse, il / "moe_programs_sample.csv")
    program = sqlite_store.get("moe-1013")  # operated by 580010890
    assert program is not None and program.props["operator_id"] == "org-kol-israel"
    assert sqlite_store.get("il-reg-580010890") is None
    assert sqlite_store.get(moe.MINISTRY_ID) is None
    assert len(sqlite_store.relationships("gov-moe", types=["PARTNERS_IN"])) == 20
    assert sqlite_store.get("org-kol-israel").props["name"] == 'כל ישראל חברים (ע"ר)'
    before = sqlite_store.counts()
    again = load_file(sqlite_store, moe.parse, il / "moe_programs_sample.csv")
    assert again.stats["nodes_written"] == 0 and again.stats["relationships_written"] == 0
    assert sqlite_store.counts() == before


def test_unknown_codes_are_warnings(tmp_path, sqlite_store):
    path = tmp_path / "moe.csv"
    path.write_text(
        "MisparTochnit,ShemTochnit,MisparTaagid,ShemTaagid,TeurMakorTochnit,TeurTchumMerkazi,"
        "ShichvatLomdim\n"
        "1,שפה,580000001,עמותה,חיצוני - מגזר חלל,אמנותי,ילדי הגן | חוג\n"
        "2,קריאה,,אין,חיצוני - מגזר שלישי,לימודי,א'\n",
        encoding="utf-8",
    )
    report = ImportReport()
    batch = moe.parse(path, report, sqlite_store)
    assert report.flatten() == [["missing", "moe.csv", 3, "MisparTaagid", ""]]
    assert sorted((w.field, w.value) for w in report.warnings) == [
        ("ShichvatLomdim", "חוג"),
        ("TeurMakorTochnit", "חיצוני - מגזר חלל"),
        ("TeurTchumMerkazi", "אמנותי"),
    ]
    program = next(n for n, _ in batch.nodes if n.id == "moe-1")
    assert (program.props["age_min"], program.props["age_max"]) == (3, 5)
    assert program.props["domains"] == ["early_childhood"]


def test_detect(il):
    assert moe.detect(il / "moe_programs_sample.csv")
    assert not moe.detect(il / "localities.csv")
