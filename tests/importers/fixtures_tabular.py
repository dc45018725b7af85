"""A dataset in the SPEC section 2 format, built from Python lists, and writers for it.

Three localities (a Jewish development town, a Bedouin city, a regional
council), 34 organisations across all sectors with Hebrew, Arabic and
English names, and every optional file. :func:`bad_tables` returns a copy
with one bad row per kind of problem, and :data:`BAD_ROWS` says where each
one is (file, row with the header as row 1, column).
"""

# ruff: noqa: E501 - data tables read best one row per line
from __future__ import annotations

import copy
import csv
from pathlib import Path
from typing import Any

Tables = dict[str, list[dict[str, str]]]

# fmt: off
LOCALITIES = [
    ("loc-sderot", "שדרות", "city", "5", "34000", "הדרום"),
    ("loc-rahat", "رهط", "city", "1", "79000", "הדרום"),
    ("loc-eshkol", "מועצה אזורית אשכול", "regional_council", "6", "16000", "הדרום"),
]

# id, name, sector, kind, parent_id, locality_ids, registration_number
ORGS = [
    ("o-sderot", "עיריית שדרות", "local_authority", "municipality", "", "loc-sderot", ""),
    ("o-sderot-edu", "אגף החינוך שדרות", "local_authority", "department", "o-sderot", "loc-sderot", ""),
    ("o-sderot-welfare", "מחלקת הרווחה", "local_authority", "department", "o-sderot", "loc-sderot", ""),
    ("o-sderot-youth", "יחידת הנוער", "local_authority", "department", "o-sderot", "loc-sderot", ""),
    ("o-rahat", "بلدية رهط", "local_authority", "municipality", "", "loc-rahat", ""),
    ("o-rahat-edu", "قسم التربية رهط", "local_authority", "department", "o-rahat", "loc-rahat", ""),
    ("o-eshkol", "מועצה אזורית אשכול", "local_authority", "municipality", "", "loc-eshkol", ""),
    ("o-moe", "משרד החינוך", "government", "ministry", "", "", ""),
    ("o-welfare-min", "משרד הרווחה", "government", "ministry", "", "", ""),
    ("o-interior", "משרד הפנים", "government", "ministry", "", "", ""),
    ("o-hfc", "פיקוד העורף", "government", "military", "", "", ""),
    ("o-rashi", "קרן רש\"י", "philanthropy", "foundation", "", "", "580000001"),
    ("o-samueli", "Samueli Foundation", "philanthropy", "foundation", "", "", ""),
    ("o-joint", "ג'וינט ישראל", "nonprofit", "nonprofit", "", "", "580000002"),
    ("o-matnas", "מתנ\"ס שדרות", "nonprofit", "community_centre", "", "loc-sderot", ""),
    ("o-amal", "جمعية الأمل", "nonprofit", "nonprofit", "", "loc-rahat", "580000003"),
    ("o-ajeec", "אג'יק - מכון הנגב", "nonprofit", "nonprofit", "", "loc-rahat;loc-sderot", ""),
    ("o-lev", "עמותת לב לגיל הרך", "nonprofit", "nonprofit", "", "loc-sderot", ""),
    ("o-safa", "עמותת שָׂפָה", "nonprofit", "nonprofit", "", "loc-sderot", ""),
    ("o-tech", "Negev Tech Ltd", "business", "company", "", "loc-sderot", "510000001"),
    ("o-bank", "בנק הפועלים סניף שדרות", "business", "bank", "", "loc-sderot", ""),
    ("o-bedouin-biz", "شركة النقب للتجارة", "business", "company", "", "loc-rahat", ""),
    ("o-sapir", "המכללה האקדמית ספיר", "academia", "college", "", "loc-sderot", ""),
    ("o-bgu", "אוניברסיטת בן-גוריון", "academia", "university", "", "", ""),
    ("o-parents", "ועד ההורים העירוני", "community", "parents_committee", "", "loc-sderot", ""),
    ("o-residents", "ועד שכונת נאות השקמה", "community", "residents_committee", "", "loc-sderot", ""),
    ("o-synagogue", "קהילת בית הכנסת", "community", "religious", "", "loc-sderot", ""),
    ("o-scouts", "שבט הצופים שדרות", "community", "youth_movement", "", "loc-sderot", ""),
    ("o-women-rahat", "مجموعة نساء رهط", "community", "women_group", "", "loc-rahat", ""),
    ("o-youth-rahat", "شبيبة رهط", "community", "youth_group", "", "loc-rahat", ""),
    ("o-kibbutz", "קיבוץ ניר עוז", "community", "kibbutz", "", "loc-eshkol", ""),
    ("o-eshkol-edu", "מחלקת חינוך אשכול", "local_authority", "department", "o-eshkol", "loc-eshkol", ""),
    ("o-employment", "מרכז הכוון תעסוקה", "nonprofit", "employment_centre", "", "loc-rahat", ""),
    ("o-other", "Volunteers Hub", "other", "", "", "", ""),
]

ROLES = [
    ("r-mayor", "ראש העירייה", "head_of_authority", "o-sderot", "אלון דוידי", "2013", ""),
    ("r-ceo", 'מנכ"ל העירייה', "authority_ceo", "o-sderot", "", "2020-01-01", ""),
    ("r-pm", "מנהלת שותפויות", "partnerships_manager", "o-sderot", "", "2022", ""),
    ("r-ec-lead", "מובילת תחום גיל רך", "domain_lead", "o-sderot-edu", "", "", ""),
    ("r-rahat-mayor", "رئيس البلدية", "head_of_authority", "o-rahat", "", "", ""),
    ("r-rashi-officer", "רכזת תכניות", "foundation_officer", "o-rashi", "", "", ""),
    ("r-moe-sup", "מפקחת מחוז דרום", "ministry_supervisor", "o-moe", "", "", ""),
]

FORUMS = [
    ("f-admin", "מינהלת יישובית שדרות", "local_administration", "loc-sderot", "", "o-sderot", "11", "both"),
    ("f-ec", "צוות מקצועי גיל רך", "professional_team", "loc-sderot", "early_childhood", "o-sderot-edu", "10", "routine"),
    ("f-emergency", "צוות חירום", "emergency_team", "loc-sderot", "emergency", "o-sderot", "", "emergency"),
    ("f-peer", "פורום ראשי מועצות", "peer_forum", "", "", "o-interior", "4", "routine"),
]

MEMBERSHIPS = [
    ("r-mayor", "f-admin", "chair", "2022", ""),
    ("r-pm", "f-admin", "facilitator", "2022", ""),
    ("r-ceo", "f-admin", "member", "", ""),
    ("o-rashi", "f-admin", "member", "", ""),
    ("o-matnas", "f-admin", "member", "", ""),
    ("o-tech", "f-admin", "observer", "", ""),
    ("r-ec-lead", "f-ec", "chair", "", ""),
    ("o-lev", "f-ec", "member", "", ""),
    ("o-parents", "f-ec", "member", "", ""),
    ("o-hfc", "f-emergency", "member", "2023-10-08", ""),
    ("o-matnas", "f-emergency", "member", "", ""),
    ("r-rahat-mayor", "f-peer", "member", "", ""),
]

GOALS = [
    ("g-youth", "loc-sderot", "informal_education", "הגדלת השתתפות בתנועות נוער", "participants", "1200", "1800", "2028", "r-pm"),
    ("g-ready", "loc-sderot", "early_childhood", "מוכנות לכיתה א'", "share_ready", "0.6", "0.8", "2027", "r-ec-lead"),
    ("g-rahat-emp", "loc-rahat", "employment", "تشغيل النساء", "employment_rate", "0.25", "0.4", "2030", ""),
]

# id, name, operator, locality, domains, age_min, age_max, target_population, start, end, context, status, goal_ids, description
PROGRAMS = [
    ("p-safa", "שפה בגיל הרך", "o-safa", "loc-sderot", "early_childhood", "0", "3", "", "2022", "2025", "routine", "active", "g-ready", "העשרה לשונית"),
    ("p-lev", "מילים ראשונות", "o-lev", "loc-sderot", "early_childhood;welfare", "1", "4", "", "2023", "2026", "routine", "active", "g-ready", ""),
    ("p-scouts", "צופים לכולם", "o-scouts", "loc-sderot", "informal_education", "9", "17", "", "2020", "", "both", "active", "g-youth", ""),
    ("p-stem", "Robotics Lab", "o-tech", "loc-sderot", "stem21", "12", "18", "", "2024", "", "routine", "active", "", ""),
    ("p-resilience", "חוסן קהילתי", "o-matnas", "loc-sderot", "emergency;community", "", "", "", "2023-10-15", "", "emergency", "active", "", ""),
    ("p-rahat-emp", "برنامج التشغيل", "o-employment", "loc-rahat", "employment", "18", "35", "women", "2021", "2024", "routine", "ended", "g-rahat-emp", ""),
    ("p-rahat-edu", "تعزيز القراءة", "o-amal", "loc-rahat", "formal_education", "6", "12", "", "2022", "", "routine", "active", "", ""),
    ("p-academic", "מסלול אקדמיה", "o-sapir", "loc-sderot", "higher_education", "18", "30", "", "2019", "", "routine", "active", "", ""),
]

PROGRAM_PARTNERS = [
    ("p-safa", "o-sderot-edu", "referral"),
    ("p-lev", "o-sderot-welfare", "referral"),
    ("p-stem", "o-sapir", "mentors"),
    ("p-resilience", "o-hfc", "training"),
    ("p-rahat-emp", "o-rahat", "host"),
]

# id, funder, program, locality, domain, amount, currency, year, kind, status
INVESTMENTS = [
    ("i-1", "o-rashi", "p-safa", "", "", "250000", "", "2023", "grant", "paid"),
    ("i-2", "o-samueli", "p-lev", "", "", "180000", "ILS", "2024", "grant", "committed"),
    ("i-3", "o-sderot", "p-scouts", "", "", "50000", "ILS", "2024", "budget", "paid"),
    ("i-4", "o-moe", "", "loc-rahat", "formal_education", "1200000.5", "ILS", "2024", "budget", "planned"),
    ("i-5", "o-joint", "p-rahat-emp", "", "", "300000", "ILS", "2022", "matching", "paid"),
    ("i-6", "o-tech", "p-stem", "", "", "20000", "USD", "2024", "in_kind", "committed"),
]

PARTNERSHIPS = [
    ("o-sderot", "o-rashi", "strategic", "both", "2018", "", "5"),
    ("o-sderot", "o-sapir", "academic", "routine", "", "", "4"),
    ("o-matnas", "o-hfc", "emergency", "emergency", "2023-10-07", "", "3"),
    ("o-rahat", "o-ajeec", "", "routine", "", "", "2"),
    ("o-joint", "o-employment", "funding", "routine", "2021", "2024", "3"),
    ("o-tech", "o-bank", "", "routine", "", "", "1"),
]

_COLUMNS = {
    "localities": ["id", "name", "municipal_status", "socioeconomic_cluster", "population", "district"],
    "organizations": ["id", "name", "sector", "kind", "parent_id", "locality_ids", "registration_number"],
    "roles": ["id", "title", "kind", "organization_id", "holder", "since", "until"],
    "forums": ["id", "name", "kind", "locality_id", "domain", "convener_id", "meetings_per_year", "context"],
    "memberships": ["member_id", "forum_id", "position", "since", "until"],
    "goals": ["id", "locality_id", "domain", "title", "indicator", "baseline", "target", "target_year", "owner_id"],
    "programs": ["id", "name", "operator_id", "locality_id", "domains", "age_min", "age_max",
                 "target_population", "start", "end", "context", "status", "goal_ids", "description"],
    "program_partners": ["program_id", "organization_id", "role"],
    "investments": ["id", "funder_id", "program_id", "locality_id", "domain", "amount", "currency",
                    "year", "kind", "status"],
    "partnerships": ["source_id", "target_id", "kind", "context", "since", "until", "strength"],
}
# fmt: on

_ROWS = {
    "localities": LOCALITIES,
    "organizations": ORGS,
    "roles": ROLES,
    "forums": FORUMS,
    "memberships": MEMBERSHIPS,
    "goals": GOALS,
    "programs": PROGRAMS,
    "program_partners": PROGRAM_PARTNERS,
    "investments": INVESTMENTS,
    "partnerships": PARTNERSHIPS,
}


def tables() -> Tables:
    """The good dataset: file stem -> rows as dicts; one extra column on organisations."""
    out: Tables = {
        stem: [dict(zip(_COLUMNS[stem], row, strict=True)) for row in rows]
        for stem, rows in _ROWS.items()
    }
    # An unknown column is kept as a property.
    for i, org in enumerate(out["organizations"]):
        org["website_he"] = f"אתר-{i}" if i % 3 == 0 else ""
    out["organizations"][0]["name_en"] = "Sderot Municipality"
    out["organizations"][4]["name_he"] = "עיריית רהט"
    return out


#: Where each bad row of :func:`bad_tables` is: (kind, file, row, column).
BAD_ROWS: list[tuple[str, str, int, str]] = []


def bad_tables() -> Tables:
    """A copy of :func:`tables` with one bad row (or cell) of each kind listed in BAD_ROWS."""
    t = copy.deepcopy(tables())
    BAD_ROWS.clear()

    def bad(kind: str, stem: str, index: int, column: str, value: str) -> None:
        t[stem][index][column] = value
        BAD_ROWS.append((kind, f"{stem}.csv", index + 2, column))

    bad("enum", "organizations", 33, "sector", "shop")
    bad("range", "localities", 2, "socioeconomic_cluster", "11")
    bad("range", "programs", 3, "age_min", "19")  # age_max is 18
    bad("unknown-reference", "programs", 6, "operator_id", "o-nowhere")
    bad("number", "investments", 1, "amount", "lots")
    bad("date", "partnerships", 1, "since", "2020-13-45")
    bad("missing", "organizations", 28, "name", "")
    bad("range", "partnerships", 5, "strength", "9")
    bad("unknown-reference", "programs", 7, "operator_id", "loc-sderot")  # a locality
    bad("enum", "memberships", 5, "position", "boss")
    bad("number", "forums", 3, "meetings_per_year", "four")
    bad("enum", "programs", 2, "domains", "informal_education;sports")
    # A repeated id: a new row that reuses an organisation's id.
    t["organizations"].append({**t["organizations"][10], "name": "כפילות"})
    BAD_ROWS.append(("duplicate-id", "organizations.csv", len(t["organizations"]) + 1, "id"))
    return t


def write_csv(folder: Path, data: Tables, *, bom: bool = False) -> Path:
    """Write each table as ``<stem>.csv`` in ``folder`` (UTF-8, with a BOM if asked)."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem, rows in data.items():
        columns = list(dict.fromkeys(k for row in rows for k in row)) or _COLUMNS[stem]
        with (folder / f"{stem}.csv").open(
            "w", encoding="utf-8-sig" if bom else "utf-8", newline=""
        ) as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def write_xlsx(path: Path, data: Tables) -> Path:
    """Write each table as a sheet named like the file, numbers as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for stem, rows in data.items():
        sheet = book.create_sheet(stem)
        columns = list(dict.fromkeys(k for row in rows for k in row))
        sheet.append(columns)
        for row in rows:
            sheet.append([_typed(row.get(c, "")) for c in columns])
    book.save(path)
    return path


def _typed(value: str) -> Any:
    """A cell as a spreadsheet user would type it: numbers become numbers."""
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


def expected_counts(data: Tables) -> tuple[dict[str, int], dict[str, int]]:
    """Node and relationship counts that SPEC section 1 implies for a good dataset."""
    nodes = {
        "Locality": len(data["localities"]),
        "Organization": len(data["organizations"]),
        "Role": len(data["roles"]),
        "Forum": len(data["forums"]),
        "Goal": len(data["goals"]),
        "Program": len(data["programs"]),
        "Investment": len(data["investments"]),
    }

    def filled(stem: str, column: str) -> int:
        return sum(1 for row in data[stem] if row.get(column))

    def listed(stem: str, column: str) -> int:
        return sum(len([v for v in row.get(column, "").split(";") if v]) for row in data[stem])

    rels = {
        "PART_OF": filled("organizations", "parent_id"),
        "OPERATES_IN": listed("organizations", "locality_ids"),
        "ROLE_IN": len(data["roles"]),
        "MEMBER_OF": len(data["memberships"]),
        "IN_LOCALITY": filled("forums", "locality_id")
        + filled("programs", "locality_id")
        + filled("goals", "locality_id"),
        "CONVENED_BY": filled("forums", "convener_id"),
        "OPERATES": len(data["programs"]),
        "PARTNERS_IN": len(data["program_partners"]),
        "ADVANCES": listed("programs", "goal_ids"),
        "MADE": len(data["investments"]),
        "FUNDS": len(data["investments"]),
        "PARTNERS_WITH": len(data["partnerships"]),
        "OWNED_BY": filled("goals", "owner_id"),
    }
    return nodes, {k: v for k, v in rels.items() if v}
