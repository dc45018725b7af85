"""3W tables as emergency capabilities (SPEC section 7): what maps and what does not.

rowca-3w-hxl.csv has four sectors: Water Sanitation & Hygiene (6 organisations), Food Security
(the World Food Programme alone), Protection (5) and Education (1), counted with the csv module
below. WASH maps to water and food security to food; protection and education name no emergency
category, so the file gives 6 + 1 = 7 capabilities.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from graph.analytics.readiness import readiness_report
from graph.model import NodeRecord
from importers.standards import hxl


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))[2:]  # human header, hashtag row


def test_rowca_capabilities(shared_data, sqlite_store, load_file):
    path = shared_data / "hxl" / "rowca-3w-hxl.csv"
    rows = _rows(path)
    orgs_by_sector: dict[str, set[str]] = {}
    for r in rows:
        orgs_by_sector.setdefault(r[0], set()).add(r[1])
    assert {k: len(v) for k, v in orgs_by_sector.items()} == {
        "Education": 1, "Food Security": 1, "Protection": 5, "Water Sanitation & Hygiene": 6
    }  # fmt: skip
    load_file(sqlite_store, hxl.parse, path)
    caps = {c.id: c.props for c in sqlite_store.iter_nodes("Capability")}
    assert len(caps) == 7
    assert sorted(p["category"] for p in caps.values()) == ["food"] + ["water"] * 6
    wfp = caps["capability:hxl-org-world-food-programme:food"]
    # WFP's food security rows are in 14 regions of Senegal (column 13, #adm1).
    regions = {r[13] for r in rows if r[1] == "World Food Programme"}
    assert len(regions) == 14 and len(wfp["locality_ids"]) == 14
    assert wfp["hxl_sectors"] == ["Food Security"] and "capacity" not in wfp
    oxfam = caps["capability:hxl-org-oxfam:water"]
    assert oxfam["locality_ids"] == ["hxl-mali-gao"]  # OXFAM's WASH rows: Gao only


def test_a_3w_capability_serves_only_where_it_works(shared_data, sqlite_store, load_file):
    load_file(sqlite_store, hxl.parse, shared_data / "hxl" / "rowca-3w-hxl.csv")
    # A need for water in Gao: OXFAM and the others whose WASH rows are in Gao provide;
    # a need for water in Mopti has its own providers, OXFAM not among them.
    sqlite_store.write(
        [
            NodeRecord("Need", "n-gao", {"locality_id": "hxl-mali-gao", "area": "Gao",
                                         "category": "water", "population": 1000, "severity": 5}),
            NodeRecord("Need", "n-mopti", {"locality_id": "hxl-mali-mopti", "area": "Mopti",
                                           "category": "water", "population": 10, "severity": 5}),
        ]
    )  # fmt: skip
    rows = _rows(shared_data / "hxl" / "rowca-3w-hxl.csv")
    wash = [r for r in rows if r[0] == "Water Sanitation & Hygiene"]
    in_gao = {r[1] for r in wash if r[13] == "Gao"}
    gao = readiness_report(sqlite_store, "hxl-mali-gao", as_of=dt.date(2026, 11, 30))
    [need] = gao["needs"]
    assert {p["name"] for p in need["providers"]} == in_gao
    assert "OXFAM" in in_gao
    mopti = readiness_report(sqlite_store, "hxl-mali-mopti", as_of=dt.date(2026, 11, 30))
    assert "OXFAM" not in {p["name"] for p in mopti["needs"][0]["providers"]}
    # No capacity in a 3W: every provider counts 0, so the need is under-covered.
    assert need["capacity"] == 0 and need["status"] == "under_covered"
