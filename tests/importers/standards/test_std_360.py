"""360Giving: the real JSON files and small flattened CSV/XLSX files written here.

Expected counts are computed here with the json module from the files
themselves: baring.json has 53 grants, 48 distinct recipient org ids, one
funder and 8 distinct programme titles.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl

from graph.model import Locality, Organization, Sector, to_record
from importers.report import ImportReport
from importers.standards import threesixtygiving as tsg


def _grants(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["grants"]


def test_baring_counts(shared_data, sqlite_store, load_file):
    path = shared_data / "360giving" / "baring.json"
    grants = _grants(path)
    recipients = {g["recipientOrganization"][0]["id"] for g in grants}
    funders = {g["fundingOrganization"][0]["id"] for g in grants}
    programmes = {g["grantProgramme"][0]["title"] for g in grants}
    assert (len(grants), len(recipients), len(funders), len(programmes)) == (53, 48, 1, 8)
    load_file(sqlite_store, tsg.parse, path)
    assert sqlite_store.count("Investment") == len(grants)
    assert sqlite_store.count("Organization") == len(recipients) + len(funders)
    assert sqlite_store.count("Program") == len(programmes)
    assert sqlite_store.count("Organization", sector="philanthropy") == 1
    assert sqlite_store.count("Organization", sector="nonprofit") == 48
    for grant in grants:
        inv = sqlite_store.get(grant["id"])
        assert inv is not None
        assert inv.props["amount"] == grant["amountAwarded"]
        assert inv.props["currency"] == grant["currency"]
        award = dt.datetime.strptime(grant["awardDate"], "%d/%m/%Y")
        assert inv.props["year"] == award.year
        assert inv.props["award_date"] == award.strftime("%Y-%m-%d")
        assert inv.props["funder_id"] == grant["fundingOrganization"][0]["id"]
        assert inv.props["recipient_id"] == grant["recipientOrganization"][0]["id"]
    total = sum(i.props["amount"] for i in sqlite_store.iter_nodes("Investment"))
    assert total == sum(g["amountAwarded"] for g in grants)
    # One grant tie per funder and recipient, dated by the first award.
    ties = list(sqlite_store.iter_relationships("PARTNERS_WITH"))
    assert len(ties) == len(recipients)
    first_award: dict[str, dt.date] = {}
    for grant in grants:
        rid = grant["recipientOrganization"][0]["id"]
        award = dt.datetime.strptime(grant["awardDate"], "%d/%m/%Y").date()
        first_award[rid] = min(first_award.get(rid, award), award)
    for tie in ties:
        assert tie.source == "GB-CHC-258583" and tie.props["kind"] == "grant"
        assert tie.props["since"] == first_award[tie.target].isoformat()
    assert sqlite_store.count() == len(grants) + len(recipients) + 1 + len(programmes)
    assert not list(sqlite_store.iter_relationships("PARTNERS_IN"))


def test_ocf_counts_and_reimport(shared_data, sqlite_store, load_file):
    path = shared_data / "360giving" / "ocf1.json"
    grants = _grants(path)
    recipients = {g["recipientOrganization"][0]["id"] for g in grants}
    funders = {g["fundingOrganization"][0]["id"] for g in grants}
    load_file(sqlite_store, tsg.parse, path)
    assert sqlite_store.count("Investment") == len(grants) == 156
    assert sqlite_store.count("Organization") == len(recipients) + len(funders)
    # No stored locality is in Oxfordshire: locations stay text.
    with_place = [g for g in grants if any(b.get("name") for b in g["beneficiaryLocation"])]
    for grant in with_place:
        inv = sqlite_store.get(grant["id"])
        assert grant["beneficiaryLocation"][0]["name"] in inv.props["beneficiary_location"]
        assert "locality_id" not in inv.props
    version = sqlite_store.graph_version()
    before = sqlite_store.counts()
    again = load_file(sqlite_store, tsg.parse, path)
    assert again.stats["nodes_written"] == 0
    assert sqlite_store.graph_version() == version and sqlite_store.counts() == before


TITLED = [
    "Identifier", "Title", "Currency", "Amount Awarded", "Award Date",
    "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:City",
    "Funding Org:Identifier", "Funding Org:Name", "Grant Programme:Title",
    "Beneficiary Location:Name",
]  # fmt: skip


def _seed(store) -> None:
    store.write(
        [
            to_record(Locality(id="loc-kiryat-shmona", name="קרית שמונה")),
            to_record(
                Organization(
                    id="org-kol",
                    name="כל ישראל חברים",
                    sector=Sector.nonprofit,
                    registration_number="580010890",
                )
            ),
        ]
    )


def test_flattened_csv(tmp_path, sqlite_store, load_file):
    _seed(sqlite_store)
    rows = [
        ["360G-x-1", "מלגות", "ILS", "150000", "2019-04-01", "IL-ROA-580010890", "כל ישראל",
         "קריית שמונה", "360G-fund", "קרן לדוגמה", "גיל רך", "קריית-שמונה"],
        ["360G-x-2", "Books", "GBP", "1,200.50", "01/04/2020", "GB-CHC-1", "Reading Club",
         "Leeds", "360G-fund", "קרן לדוגמה", "", "Leeds"],
        ["360G-x-3", "Later", "GBP", "10", "2021-06-30T00:00:00+00:00", "GB-COH-2", "Shop",
         "", "360G-fund", "קרן לדוגמה", "", ""],
    ]  # fmt: skip
    lines = [",".join(TITLED)] + [",".join(f'"{c}"' for c in r) for r in rows]
    path = tmp_path / "grants.csv"
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    assert tsg.detect(path)
    load_file(sqlite_store, tsg.parse, path)
    first = sqlite_store.get("360G-x-1")
    assert first.props["locality_id"] == "loc-kiryat-shmona"
    assert first.props["recipient_id"] == "org-kol"  # merged by registration number
    assert (first.props["year"], first.props["currency"], first.props["amount"]) == (
        2019, "ILS", 150000.0)  # fmt: skip
    assert sqlite_store.get("org-kol").props["locality_ids"] == ["loc-kiryat-shmona"]
    second = sqlite_store.get("360G-x-2")
    assert (second.props["year"], second.props["amount"]) == (2020, 1200.5)
    assert second.props["beneficiary_location"] == "Leeds"
    assert second.props["program_id"] == "360g:360G-fund:grants"
    assert sqlite_store.get("360G-x-3").props["year"] == 2021
    assert sqlite_store.get("360G-fund").props["sector"] == "philanthropy"
    assert sqlite_store.count("Organization") == 4  # seeded + fund + two UK recipients


def test_flattened_xlsx_with_json_path_headers(tmp_path, sqlite_store, load_file):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "grants"
    sheet.append(["id", "title", "currency", "amountAwarded", "awardDate",
                  "recipientOrganization/0/id", "recipientOrganization/0/name",
                  "fundingOrganization/0/id", "fundingOrganization/0/name",
                  "grantProgramme/0/code", "grantProgramme/0/title"])  # fmt: skip
    sheet.append(["g-1", "Youth", "GBP", 5000, dt.datetime(2018, 11, 5), "GB-CHC-9", "Youth Ltd",
                  "GB-CHC-8", "Fund", "P1", "Youth programme"])  # fmt: skip
    sheet.append(["g-2", "Older", "GBP", 700, 43000, "GB-CHC-9", "Youth Ltd",
                  "GB-CHC-8", "Fund", "P1", "Youth programme"])  # fmt: skip
    path = tmp_path / "grants.xlsx"
    book.save(path)
    assert tsg.detect(path)
    load_file(sqlite_store, tsg.parse, path)
    assert sqlite_store.get("g-1").props["year"] == 2018
    assert sqlite_store.get("g-2").props["year"] == 2017  # Excel day 43000 = 2017-09-23
    assert sqlite_store.count("Program") == 1
    assert sqlite_store.get("360g:GB-CHC-8:p1").props["name"] == "Youth programme"


def test_bad_grants_are_reported(tmp_path, sqlite_store):
    path = tmp_path / "bad.json"
    grants = [
        {"id": "a", "currency": "GBP", "awardDate": "2019",
         "fundingOrganization": [{"id": "F", "name": "F"}]},
        {"id": "b", "amountAwarded": "lots", "currency": "GBP",
         "fundingOrganization": [{"id": "F", "name": "F"}]},
        {"id": "c", "amountAwarded": 5, "currency": "GBP", "awardDate": "someday",
         "fundingOrganization": [{"name": "No id"}]},
    ]  # fmt: skip
    path.write_text(json.dumps({"grants": grants}), encoding="utf-8")
    report = ImportReport()
    tsg.parse(path, report, sqlite_store)
    assert report.flatten() == [
        ["missing", "bad.json", 1, "amountAwarded", None],
        ["number", "bad.json", 2, "amountAwarded", "lots"],
        ["missing", "bad.json", 3, "fundingOrganization.id", None],
    ]
    broken = tmp_path / "broken.json"
    broken.write_text('{"grants": [\n{"id": }', encoding="utf-8")
    report = ImportReport()
    tsg.parse(broken, report, sqlite_store)
    assert report.flatten() == [["json", "broken.json", 2, None, None]]
