"""Statistics, programs and grants in one store: one connected picture, nothing twice.

Small files written here tie the real ones together the way real data
would: a foundation's 360Giving grant and IATI activity for the Ministry of
Education operator 580010890 (כל ישראל חברים) in Kiryat Shmona, spelled
"קרית שמונה", "קריית-שמונה" and "קריית שמונה" by the different sources,
and an HXL 3W row naming the operator by name.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph.store.sqlite import SQLiteStore
from importers.standards import cbs, hxl, iati, moe
from importers.standards import threesixtygiving as tsg

KIRYAT_SHMONA = "cbs-2800"
OPERATOR = "il-reg-580010890"


def _small_files(folder: Path) -> dict[str, Path]:
    grants = folder / "grants.csv"
    grants.write_text(
        "Identifier,Title,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
        "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,Grant Programme:Title,"
        "Beneficiary Location:Name\n"
        "360G-demo-1,מנהיגות נוער,ILS,250000,15/01/2024,IL-ROA-580010890,כל ישראל חברים,"
        "IL-ROA-580999999,קרן הצפון,נוער,קרית שמונה\n",
        encoding="utf-8",
    )
    threew = folder / "3w.csv"
    threew.write_text(
        "Organisation,Sector,Area\n#org,#sector,#adm1\n"
        "כל ישראל חברים,Education,קריית-שמונה\n"
        "עמותת הגליל,Education,קריית-שמונה\n",
        encoding="utf-8",
    )
    activity = folder / "activity.xml"
    activity.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03"><iati-activity default-currency="ILS">
 <iati-identifier>IL-ROA-580999999-2024-1</iati-identifier>
 <title><narrative>STEM בצפון</narrative></title>
 <participating-org role="1" ref="IL-ROA-580999999" type="60"><narrative>קרן הצפון</narrative>
 </participating-org>
 <participating-org role="4" ref="IL-ROA-580010890" type="22">
  <narrative>Kol Israel Haverim</narrative></participating-org>
 <sector vocabulary="1" code="43082"/>
 <location><name><narrative>קריית שמונה</narrative></name></location>
 <transaction><transaction-type code="2"/><transaction-date iso-date="2024-05-01"/>
  <value>90000</value></transaction>
</iati-activity></iati-activities>
""",
        encoding="utf-8",
    )
    return {"grants": grants, "3w": threew, "activity": activity}


def _imports(shared: Path, small: dict[str, Path]) -> list[tuple[object, Path]]:
    return [
        (cbs.parse_authorities, shared / "il" / "cbs_local_authorities_2021.csv"),
        (cbs.parse_localities, shared / "il" / "localities.csv"),
        (moe.parse, shared / "il" / "moe_programs_sample.csv"),
        (tsg.parse, shared / "360giving" / "baring.json"),
        (tsg.parse, small["grants"]),
        (iati.parse, shared / "iati" / "MAEC_IATI_INDONESIA.xml"),
        (iati.parse, small["activity"]),
        (hxl.parse, shared / "hxl" / "rowca-3w-hxl.csv"),
        (hxl.parse, shared / "hxl" / "unhcr-3w.csv"),
        (hxl.parse, small["3w"]),
    ]


def test_one_connected_picture(shared_data, sqlite_store, load_file, tmp_path):
    small = _small_files(tmp_path)
    for parse, path in _imports(shared_data, small):
        load_file(sqlite_store, parse, path)
    # The operator and the town appear once, whatever each source called them.
    operator = sqlite_store.get(OPERATOR)
    assert operator is not None
    same_number = [
        n for n in sqlite_store.iter_nodes("Organization")
        if n.props.get("registration_number") == "580010890"
    ]  # fmt: skip
    assert same_number == [operator]
    assert sqlite_store.get("IL-ROA-580010890") is None
    assert sqlite_store.get(f"hxl-org-{hxl.slug('כל ישראל חברים')}") is None
    named = sqlite_store.find("Locality", text="קרית שמונה")
    assert [n.id for n in named] == [KIRYAT_SHMONA]
    funders = [n for n in sqlite_store.iter_nodes("Organization") if n.name == "קרן הצפון"]
    assert [f.id for f in funders] == ["IL-ROA-580999999"]
    # One connected picture: statistics, catalogue, grant, IATI activity and 3W.
    graph = nx.Graph()
    graph.add_edges_from((r.source, r.target) for r in sqlite_store.iter_relationships())
    component = nx.node_connected_component(graph, KIRYAT_SHMONA)
    hxl_program = next(
        p.id for p in sqlite_store.iter_nodes("Program")
        if p.props.get("locality_id") == KIRYAT_SHMONA and p.props["operator_id"] == OPERATOR
    )  # fmt: skip
    for node_id in (
        OPERATOR, "moe-1013", "360G-demo-1", "IL-ROA-580999999", "IL-ROA-580999999-2024-1",
        "IL-ROA-580999999-2024-1#t1", hxl_program, moe.MINISTRY_ID,
    ):  # fmt: skip
        assert node_id in component, node_id
    # Two operators, same town, same domain: the duplicated-intervention shape.
    education_here = [
        p for p in sqlite_store.iter_nodes("Program")
        if p.props.get("locality_id") == KIRYAT_SHMONA and "formal_education" in p.props["domains"]
    ]  # fmt: skip
    assert len({p.props["operator_id"] for p in education_here}) == 2


def test_mixing_merges_only_what_is_shared(shared_data, sqlite_store, load_file, tmp_path):
    """Counts in one store equal the counts of each file in its own store, less the overlaps."""
    small = _small_files(tmp_path)
    imports = _imports(shared_data, small)
    separate: dict[str, int] = {}
    for index, (parse, path) in enumerate(imports):
        with SQLiteStore(tmp_path / f"alone-{index}.db") as alone:
            if parse is cbs.parse_localities:  # the localities list builds on the authorities
                load_file(alone, cbs.parse_authorities, imports[0][1])
                before = alone.counts().nodes
            else:
                before = {}
            load_file(alone, parse, path)
            for label, n in alone.counts().nodes.items():
                separate[label] = separate.get(label, 0) + n - before.get(label, 0)
    for parse, path in imports:
        load_file(sqlite_store, parse, path)
    together = sqlite_store.counts().nodes
    # Overlaps, counted by hand: the operator 580010890 (its 360Giving, IATI and
    # 3W copies), the foundation (its IATI copy), Oxfam (in both real 3W files)
    # and the British Council (GB-CHC-209131 in baring.json, by name in
    # unhcr-3w.csv); and Kiryat Shmona (its 3W copy).
    assert separate["Organization"] - together["Organization"] == 3 + 1 + 1 + 1
    council = [n for n in sqlite_store.iter_nodes("Organization") if n.name == "British Council"]
    assert [c.id for c in council] == ["GB-CHC-209131"]
    assert separate["Locality"] - together["Locality"] == 1
    for label in ("Program", "Investment"):
        assert together[label] == separate[label]
    # Importing everything again writes only what an earlier file could not
    # know: baring.json's UHAI-EASHRI gives "Nairobi" as its town, a locality
    # that arrives later with unhcr-3w.csv. A third round changes nothing.
    written = {}
    for parse, path in imports:
        written[path.name] = load_file(sqlite_store, parse, path).stats["nodes_written"]
    assert {k: v for k, v in written.items() if v} == {"baring.json": 1}
    uhai = sqlite_store.get("360G-baringfoundation:org-uhai-eashri")
    assert uhai.props["locality_ids"] == ["hxl-kenya-nairobi"]
    version = sqlite_store.graph_version()
    for parse, path in imports:
        load_file(sqlite_store, parse, path)
    assert sqlite_store.graph_version() == version
