"""A small demo-like locality for the map, dashboard, API and browser tests.

Two nonprofits run near-identical early-childhood language programs for
ages 0-3/0-4 funded by different foundations and never sit in one forum (a
duplicated intervention); a parents' committee and an organisation whose
name is an HTML script tag are tied to nobody (isolates); the community
centre links the business sector with the schools (a bridge). Names are in
Hebrew, Arabic and English.

Other test modules load this file by path (``load_sample()``), since the
tests folders are not packages.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from graph.model import (
    Forum,
    Investment,
    Locality,
    Membership,
    Organization,
    Partnership,
    Program,
    ProgramPartner,
    Role,
    edge_record,
    to_record,
)
from graph.store.base import GraphStore

XSS_NAME = "<script>alert(1)</script>"
#: A person's name (personal data): it must never reach a page.
HOLDER = "דנה כהן-לוי"
ARABIC_NAME = "جمعية الأمل"
LOCALITY = "l-sderot"


def load_sample() -> ModuleType:
    """This module, imported by file path (for tests in other folders)."""
    spec = importlib.util.spec_from_file_location("pm_sample_data", Path(__file__))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _org(oid: str, name: str, sector: str, locs: str = LOCALITY, **kw: Any) -> Organization:
    return Organization(id=oid, name=name, sector=sector, locality_ids=locs, **kw)


def write_sample(store: GraphStore) -> None:
    """Write the sample into ``store`` (one atomic write)."""
    nodes = [
        Locality(
            id=LOCALITY,
            name="שדרות",
            name_en="Sderot",
            municipal_status="city",
            socioeconomic_cluster=5,
            population=34000,
            district="דרום",
        ),
        Locality(
            id="l-ofakim",
            name="אופקים",
            name_en="Ofakim",
            municipal_status="city",
            socioeconomic_cluster=3,
            population=36000,
        ),
        _org("muni", "עיריית שדרות", "local_authority", name_en="Sderot Municipality"),
        _org("edu", "אגף החינוך", "local_authority", parent_id="muni"),
        _org("moe", "משרד החינוך", "government", locs=""),
        _org("np1", "עמותת שפה ראשונה", "nonprofit"),
        _org("np2", "עמותת מילים קטנות", "nonprofit"),
        _org("f1", 'קרן רש"י', "philanthropy", locs="", name_en="Rashi Foundation"),
        _org("f2", "קרן סמואלי", "philanthropy", locs=""),
        _org("biz", "Sapir Tech Ltd", "business"),
        _org("acad", "מכללת ספיר", "academia"),
        _org("arab", ARABIC_NAME, "nonprofit"),
        _org("mtns", 'מתנ"ס שדרות', "nonprofit", kind="community centre"),
        _org("comm1", "ועד הורים נאות השקמה", "community"),
        _org("xss", XSS_NAME, "community"),
        _org("ofa1", "עיריית אופקים", "local_authority", locs="l-ofakim"),
        Role(
            id="r-pm",
            title="מנהלת שותפויות",
            kind="partnerships_manager",
            organization_id="muni",
            holder=HOLDER,
        ),
        Forum(
            id="fo-admin",
            name="מינהלת יישובית",
            kind="local_administration",
            locality_id=LOCALITY,
            convener_id="muni",
            meetings_per_year=11,
        ),
        Forum(
            id="fo-emerg",
            name="צוות חירום",
            kind="emergency_team",
            locality_id=LOCALITY,
            context="emergency",
            domain="emergency",
        ),
        Program(
            id="p1",
            name="שפה בגיל הרך",
            operator_id="np1",
            locality_id=LOCALITY,
            domains="early_childhood",
            age_min=0,
            age_max=3,
            start="2024",
            end="2026",
        ),
        Program(
            id="p2",
            name="מילים ראשונות",
            operator_id="np2",
            locality_id=LOCALITY,
            domains="early_childhood",
            age_min=0,
            age_max=4,
            start="2024",
            end="2026",
        ),
        Program(
            id="p3",
            name="הייטק לצעירים",
            operator_id="biz",
            locality_id=LOCALITY,
            domains="employment",
            age_min=18,
            age_max=30,
        ),
        Program(
            id="p4",
            name="סייבר בתיכון",
            operator_id="acad",
            locality_id=LOCALITY,
            domains="stem21;formal_education",
            age_min=14,
            age_max=18,
        ),
        Investment(id="i1", funder_id="f1", program_id="p1", amount=250000, year=2025),
        Investment(id="i2", funder_id="f2", program_id="p2", amount=300000, year=2025),
        Investment(id="i3", funder_id="moe", program_id="p4", amount=400000, year=2025),
        Investment(id="i4", funder_id="muni", program_id="p3", amount=100000, kind="budget"),
    ]
    rels = [
        *(
            Membership(member_id=m, forum_id="fo-admin")
            for m in ("edu", "np1", "f1", "mtns", "acad")
        ),
        *(Membership(member_id=m, forum_id="fo-emerg") for m in ("r-pm", "arab", "mtns")),
        ProgramPartner(program_id="p3", organization_id="mtns"),
        ProgramPartner(program_id="p4", organization_id="edu"),
        Partnership(source_id="mtns", target_id="biz", strength=4),
        Partnership(source_id="edu", target_id="mtns"),
        Partnership(source_id="arab", target_id="mtns", context="emergency"),
    ]
    store.write([to_record(n) for n in nodes], [edge_record(r) for r in rels])


def sample_report() -> dict[str, Any]:
    """A report shaped like SPEC section 3 for the sample, for tests of the page alone."""
    return {
        "graph_version": "test",
        "scope": {"locality_id": LOCALITY},
        "duplicates": [
            {
                "programs": ["p1", "p2"],
                "locality_id": LOCALITY,
                "domains": ["early_childhood"],
                "score": 0.87,
                "coordinated": False,
                "investment_total": 550000,
                "reasons": ["same locality", "ages 0-3 overlap <b>"],
            }
        ],
        "isolates": [
            {
                "id": "xss",
                "name": XSS_NAME,
                "sector": "community",
                "kinds": ["isolate"],
                "locality_ids": [LOCALITY],
                "reasons": ["no ties <img src=x onerror=alert(2)>"],
            },
            {
                "id": "comm1",
                "name": "ועד הורים נאות השקמה",
                "sector": "community",
                "kinds": ["isolate", "no_forum"],
                "locality_ids": [LOCALITY],
                "reasons": ["אין קשרים"],
            },
        ],
        "bridges": [
            {
                "id": "mtns",
                "name": 'מתנ"ס שדרות',
                "sector": "nonprofit",
                "sectors_connected": ["business", "local_authority"],
                "score": 0.9,
                "articulation_point": True,
                "reasons": ["the only link between business and schools"],
            }
        ],
        "leverage": [],
        "metrics": {
            "nodes": 14,
            "ties": 20,
            "density": 0.2,
            "components": 4,
            "cross_sector_tie_share": 0.6,
            "by_sector": {"nonprofit": 4},
        },
    }
