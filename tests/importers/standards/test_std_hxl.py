"""HXL 3W tables: the two real files, a hashtag row elsewhere, and duplicated interventions.

Expected values are computed here with the csv module. Organisation names
are compared case-folded with hyphens and spaces collapsed (unhcr-3w.csv
spells the same body "MSF-H" and "MSF - H", "Oxfam" and "OXFAM"): 267
spellings, 259 organisations.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

from importers.report import ImportReport
from importers.standards import hxl
from importers.standards.common import read_rows, slug


def _fold(name: str) -> str:
    return re.sub(r"[\s\-]+", " ", name).strip().casefold()


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))[2:]  # human header, hashtag row


def test_rowca(shared_data, sqlite_store, load_file):
    path = shared_data / "hxl" / "rowca-3w-hxl.csv"
    rows = _rows(path)
    # columns: 0 #sector, 1 #org, 7 #activity_id, 12 #country, 13 #adm1
    programs = {(r[1], r[0], r[7], r[12], r[13]) for r in rows}
    assert (len(rows), len(programs)) == (244, 133)
    assert hxl.detect(path)
    load_file(sqlite_store, hxl.parse, path)
    assert sqlite_store.count("Program") == len(programs)
    assert sqlite_store.count("Organization") == len({r[1] for r in rows}) == 11
    assert sqlite_store.count("Locality") == len({(r[12], r[13]) for r in rows}) == 23
    school = [p for p in sqlite_store.iter_nodes("Program") if p.props["name"] == "School canteens"]
    assert school and all(p.props["context"] == "emergency" for p in school)
    assert all(p.props["domains"] == ["emergency"] for p in school)  # Food Security


def test_unhcr_and_duplicated_interventions(shared_data, sqlite_store, load_file):
    path = shared_data / "hxl" / "unhcr-3w.csv"
    rows = _rows(path)
    # columns: 0 #country, 1 #adm1, 4 #sector, 7 #org
    orgs = {_fold(r[7]) for r in rows}
    assert (len(rows), len({r[7] for r in rows}), len(orgs)) == (2250, 267, 259)
    report = load_file(sqlite_store, hxl.parse, path)
    assert report.warnings == []  # every sector is in the table
    assert sqlite_store.count("Organization") == len(orgs)
    assert sqlite_store.count("Locality") == len({(r[0], r[1]) for r in rows}) == 57
    assert sqlite_store.count("Program") == len({(_fold(r[7]), r[4], r[0], r[1]) for r in rows})
    # Duplicated interventions: organisations doing the same sector in the same area.
    same = defaultdict(set)
    for r in rows:
        same[(r[0], r[1], r[4])].add(_fold(r[7]))
    crowded = {k: v for k, v in same.items() if len(v) > 1}
    assert len(crowded) == 370
    assert sum(len(v) for v in crowded.values()) == 1949
    by_area_sector = defaultdict(list)
    for program in sqlite_store.iter_nodes("Program"):
        by_area_sector[(program.props["locality_id"], program.props["sector"])].append(program)
    for (country, area, sector), names in crowded.items():
        loc_id = f"hxl-{slug(country)}-{slug(area)}"
        loc = sqlite_store.get(loc_id)
        assert loc is not None and loc.props["name"] == area, loc_id
        programs = by_area_sector[(loc.id, sector)]
        assert len(programs) == len(names)
        assert len({p.props["operator_id"] for p in programs}) == len(names)
        domains = {d for p in programs for d in p.props["domains"]}
        assert domains == set(hxl.sector_domains(sector))
    # The same adm1 name in two countries is two areas.
    niger = [n for n in sqlite_store.iter_nodes("Locality") if n.props["name"] == "Niger"]
    assert len(niger) == 2
    version = sqlite_store.graph_version()
    again = load_file(sqlite_store, hxl.parse, path)
    assert again.stats["nodes_written"] == 0 and sqlite_store.graph_version() == version


def test_hashtag_row_anywhere_and_attributes(tmp_path, sqlite_store, load_file):
    path = tmp_path / "3w.csv"
    path.write_text(
        "3W report,,,,,\n"
        "Updated 2024,,,,,\n"
        "Implementer,Donor,Cluster,District,District code,Activity\n"
        "#org+impl,#org+funder,#sector,#adm1+name,#adm1+code,#activity\n"
        'מתנ"ס שדרות,קרן רש"י,Education,שדרות,IL-1031,חוגי מדע\n'
        'מתנ"ס שדרות,קרן רש"י,Education,שדרות,IL-1031,חוגי מדע\n'
        "עמותת אור,,Astronautics,שדרות,IL-1031,\n"
        ",,Health,שדרות,IL-1031,\n"
        "جمعية الأمل,,Child Protection,رهط,IL-1161,\n",
        encoding="utf-8",
    )
    assert hxl.find_hashtag_row(read_rows(path, ImportReport())) == 3
    report = load_file(sqlite_store, hxl.parse, path)
    assert [(w.row_number, w.field, w.value) for w in report.warnings] == [
        (7, "#sector", "Astronautics"),
        (8, "#org", None),
    ]
    loc = sqlite_store.get("hxl-il-1031")
    assert loc is not None and loc.props["name"] == "שדרות"
    programs = {p.props["name"]: p for p in sqlite_store.iter_nodes("Program")}
    science = programs["חוגי מדע"]
    assert science.props["domains"] == ["formal_education"]
    assert science.props["locality_id"] == "hxl-il-1031"
    funders = sqlite_store.relationships(science.id, types=["PARTNERS_IN"])
    assert [(r.source, r.props["role"]) for r in funders] == [(hxl_org('קרן רש"י'), "funder")]
    assert sqlite_store.get(hxl_org('קרן רש"י')) is not None
    other = next(p for p in programs.values() if p.props["operator_id"] == hxl_org("עמותת אור"))
    assert "domains" not in other.props
    arabic = next(p for p in programs.values() if p.props["operator_id"] == hxl_org("جمعية الأمل"))
    assert arabic.props["locality_id"] == "hxl-il-1161"
    assert arabic.props["domains"] == ["welfare"]
    assert sqlite_store.get(hxl_org("جمعية الأمل")).props["name"] == "جمعية الأمل"


def hxl_org(name: str) -> str:
    return f"hxl-org-{slug(name)}"


def test_no_hashtag_row_is_an_error(tmp_path, sqlite_store):
    path = tmp_path / "plain.csv"
    path.write_text("org,sector\nA,Health\n", encoding="utf-8")
    report = ImportReport()
    hxl.parse(path, report, sqlite_store)
    assert report.flatten() == [["missing-column", "plain.csv", None, None, None]]
    assert not hxl.detect(path)


def test_unreadable_csv_is_an_error_not_a_crash(tmp_path, sqlite_store):
    path = tmp_path / "huge.csv"
    path.write_text("#org,#sector\n" + "A," + "x" * 200_000 + "\n", encoding="utf-8")
    report = ImportReport()
    batch = hxl.parse(path, report, sqlite_store)
    assert batch.nodes == []
    assert [(e.type, e.file, e.row_number) for e in report.errors] == [("file", "huge.csv", 2)]
