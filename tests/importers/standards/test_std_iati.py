"""IATI: the real Spanish ministry file, streaming, and hostile XML.

Expected counts are computed here with xml.etree.ElementTree over the same
file: 83 activities, 216 transactions (25 of them negative disbursements,
which are reported, not imported), 27 distinct DAC sector codes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from importers.report import ImportReport
from importers.standards import iati

FILE = "MAEC_IATI_INDONESIA.xml"


def _activities(path: Path) -> list[ET.Element]:
    return ET.parse(path).getroot().findall("iati-activity")


def test_real_file_counts(shared_data, sqlite_store, load_file):
    path = shared_data / "iati" / FILE
    acts = _activities(path)
    transactions = [t for a in acts for t in a.findall("transaction")]
    negative = [t for t in transactions if float(t.find("value").text) < 0]
    codes = {s.get("code") for a in acts for s in a.findall("sector")}
    names = {p.findtext("narrative").strip() for a in acts for p in a.findall("participating-org")}
    assert (len(acts), len(transactions), len(negative), len(codes)) == (83, 216, 25, 27)
    report = load_file(sqlite_store, iati.parse, path)
    assert sqlite_store.count("Program") == len(acts)
    assert sqlite_store.count("Investment") == len(transactions) - len(negative)
    skipped = [w for w in report.warnings if w.field == "transaction/value"]
    assert len(skipped) == len(negative)
    # Every organisation named in a participating-org, once (the reporting org
    # is not needed: every activity has a funding and an implementing org).
    stored = {n.props["name"] for n in sqlite_store.iter_nodes("Organization")}
    assert stored == names
    assert {c for p in sqlite_store.iter_nodes("Program") for c in p.props["dac_sectors"]} == codes
    assert not [w for w in report.warnings if w.field == "sector@code"]  # all 27 are mapped
    for act in acts:
        program = sqlite_store.get(act.findtext("iati-identifier"))
        implementing = next(p for p in act.findall("participating-org") if p.get("role") == "4")
        operator = sqlite_store.get(program.props["operator_id"])
        assert operator.props["name"] == implementing.findtext("narrative").strip()
        for number, trans in enumerate(act.findall("transaction"), start=1):
            inv = sqlite_store.get(f"{program.id}#t{number}")
            value = float(trans.find("value").text)
            if value < 0:
                assert inv is None
                continue
            assert inv.props["amount"] == value and inv.props["currency"] == "EUR"
            assert inv.props["year"] == int(trans.find("transaction-date").get("iso-date")[:4])
            code = trans.find("transaction-type").get("code")
            assert inv.props["status"] == {"2": "committed", "3": "paid"}[code]
            assert sqlite_store.get(inv.props["funder_id"]).props["name"] == "Spain"
    version = sqlite_store.graph_version()
    again = load_file(sqlite_store, iati.parse, path)
    assert again.stats["nodes_written"] == 0 and sqlite_store.graph_version() == version


SMALL = """<?xml version="1.0"?>
<iati-activities version="2.03">
 <iati-activity default-currency="ILS">
  <iati-identifier>IL-ROA-580000001-A1</iati-identifier>
  <reporting-org ref="IL-ROA-580000001" type="22"><narrative>עמותת גשר</narrative></reporting-org>
  <title><narrative xml:lang="he">גשר לגיל הרך</narrative>
   <narrative xml:lang="en">Bridge</narrative></title>
  <participating-org role="1" ref="XM-DAC-7" type="60">
   <narrative>Some Foundation</narrative></participating-org>
  <participating-org role="4" ref="IL-ROA-580000001" type="22">
   <narrative>עמותת גשר</narrative></participating-org>
  <sector vocabulary="1" code="11240"/>
  <sector vocabulary="1" code="99999"/>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-02-01"/>
   <value>1000</value></transaction>
  <transaction><transaction-type code="6"/><transaction-date iso-date="2024-03-01"/>
   <value>50</value></transaction>
 </iati-activity>
</iati-activities>
"""


def test_small_file_roles_codes_and_warnings(tmp_path, sqlite_store, load_file):
    path = tmp_path / "a.xml"
    path.write_text(SMALL, encoding="utf-8")
    assert iati.detect(path)
    report = load_file(sqlite_store, iati.parse, path)
    program = sqlite_store.get("IL-ROA-580000001-A1")
    assert program.props["name"] == "Bridge"
    assert program.props["domains"] == ["early_childhood"]
    operator = sqlite_store.get("IL-ROA-580000001")
    assert operator.props["registration_number"] == "580000001"
    assert operator.props["sector"] == "nonprofit"
    assert sqlite_store.get("XM-DAC-7").props["sector"] == "philanthropy"
    inv = sqlite_store.get("IL-ROA-580000001-A1#t1")
    assert (inv.props["currency"], inv.props["year"], inv.props["funder_id"]) == (
        "ILS", 2024, "XM-DAC-7")  # fmt: skip
    assert sqlite_store.get("IL-ROA-580000001-A1#t2") is None  # a loan repayment
    warned = {(w.field, w.value) for w in report.warnings}
    assert ("sector@code", "99999") in warned
    assert ("transaction-type@code", "6") in warned


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<iati-activities><iati-activity><iati-identifier>&lol3;</iati-identifier></iati-activity>
</iati-activities>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<iati-activities><iati-activity><iati-identifier>&secret;</iati-identifier></iati-activity>
</iati-activities>
"""


def test_hostile_xml_is_rejected(tmp_path, sqlite_store):
    for name, text in (("laughs.xml", BILLION_LAUGHS), ("xxe.xml", EXTERNAL)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        report = ImportReport()
        batch = iati.parse(path, report, sqlite_store)
        assert batch.nodes == [] and not report.valid
        assert report.flatten() == [["unsafe-xml", name, None, None, None]]
        assert "refused" in report.errors[0].message
        assert "root:" not in str(report.as_dict())


def test_malformed_xml_names_the_line(tmp_path, sqlite_store):
    path = tmp_path / "bad.xml"
    path.write_text("<iati-activities>\n<iati-activity>\n</iati-activities>\n", encoding="utf-8")
    report = ImportReport()
    iati.parse(path, report, sqlite_store)
    assert report.flatten() == [["xml", "bad.xml", 3, None, None]]


def test_activities_are_streamed_and_cleared(shared_data):
    seen = []
    for activity in iati._activities(shared_data / "iati" / FILE):
        assert len(activity) > 0  # whole while it is handled
        seen.append(activity)
    assert len(seen) == 83
    assert all(len(a) == 0 for a in seen)  # cleared once handled: memory stays flat


OLD_STYLE = """<?xml version="1.0"?>
<iati-activities version="1.05">
 <iati-activity default-currency="USD">
  <iati-identifier>GB-COH-1-X</iati-identifier>
  <title>Youth employment</title>
  <participating-org role="Funding" ref="GB-GOV-1" type="10">DFID</participating-org>
  <participating-org role="Implementing" type="21">Save the Children</participating-org>
  <sector vocabulary="DAC" code="16020"/>
  <activity-date type="start-actual" iso-date="2012-01-01"/>
  <transaction><transaction-type code="D"/><value value-date="2013-06-30">500</value>
  </transaction>
 </iati-activity>
</iati-activities>
"""


def test_version_1_files(tmp_path, sqlite_store, load_file):
    path = tmp_path / "old.xml"
    path.write_text(OLD_STYLE, encoding="utf-8")
    load_file(sqlite_store, iati.parse, path)
    program = sqlite_store.get("GB-COH-1-X")
    assert program.props["name"] == "Youth employment"
    assert program.props["domains"] == ["employment"]
    assert program.props["start"] == "2012-01-01"
    operator = sqlite_store.get(program.props["operator_id"])
    assert (operator.name, operator.props["sector"]) == ("Save the Children", "nonprofit")
    inv = sqlite_store.get("GB-COH-1-X#t1")
    assert (inv.props["amount"], inv.props["currency"], inv.props["year"]) == (500.0, "USD", 2013)
    assert (inv.props["funder_id"], inv.props["status"]) == ("GB-GOV-1", "paid")
