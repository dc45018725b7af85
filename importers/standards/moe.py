"""Israel's Ministry of Education programs catalogue (תכניות חינוכיות, "תיק תכניות").

The catalogue lists programs that external operators run in schools, with
transliterated Hebrew column names (``MisparTochnit``, ``ShemTaagid`` …).
Catalogue programs are national offers: they get no locality.

Mapping
-------
==========================  ==============================================================
catalogue column            partnermap
==========================  ==============================================================
MisparTochnit               Program id ``moe-<number>``, ``moe_program_number``
ShemTochnit                 Program ``name``
TaktsirTochnit              ``description``
MataraMerkazit              ``main_goal``
TeurStatusTochnit           ``status`` (פעילה → active, else the Hebrew text)
TeurTchumMerkazi            ``domains`` via :data:`MAIN_DOMAINS`; an unknown value is a warning
MiktsoaNoseIkari            ``topics`` (list); topics in :data:`TOPIC_DOMAINS` add domains
ShichvatLomdim              ``age_min`` / ``age_max`` via :data:`GRADE_AGES` (grade 1 = 6 …
                            grade 12 = 17, י"ג/י"ד = 18/19, kindergarten = 3–5);
                            parents, staff and principals go to ``target_population``;
                            kindergarten also adds the early_childhood domain
Alut                        ``cost`` (as published; 0 = free)
TaarichIdkunReshuma         ``catalogue_updated``
MisparTaagid                operator Organization id ``il-reg-<number>``,
                            ``registration_number``; merges into a stored organisation
                            with that registration number (leading zeros ignored)
ShemTaagid                  operator ``name``
TeurMakorTochnit            operator ``sector`` via :data:`OPERATOR_SECTORS` (else from
                            MakorTochnit codes 3/4, else other with a warning)
==========================  ==============================================================

The ministry itself is one Organization (``il-gov-education``, merged into
a stored "משרד החינוך" / "Ministry of Education"), ``PARTNERS_IN`` every
program with role ``catalogue`` (it approves and lists them).

A registration number of an operator that is not a company or nonprofit
can be a person's ID number (a sole trader): it is stored as published,
like the catalogue does, but it is personal data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.model import Domain, Organization, Program, ProgramPartner, Sector, edge_record
from graph.store.base import GraphStore
from graph.text import normalize
from importers.pipeline import Batch, Origin
from importers.report import ImportReport
from importers.standards.common import (
    NodeCollector,
    OrgMatcher,
    build_node,
    head_text,
    parse_number,
    read_rows,
)

__all__ = [
    "GRADE_AGES",
    "MAIN_DOMAINS",
    "MINISTRY_ID",
    "OPERATOR_SECTORS",
    "TOPIC_DOMAINS",
    "detect",
    "grades_to_ages",
    "parse",
]

MINISTRY_ID = "il-gov-education"

#: TeurMakorTochnit (the operator's source) -> sector.
OPERATOR_SECTORS: dict[str, Sector] = {
    normalize("חיצוני - מגזר שלישי"): Sector.nonprofit,
    normalize("חיצוני - מגזר עסקי"): Sector.business,
    normalize("חיצוני - אקדמיה"): Sector.academia,
    normalize("חיצוני - רשות מקומית"): Sector.local_authority,
    normalize("חיצוני - משרד ממשלתי"): Sector.government,
    normalize("חיצוני - קרן"): Sector.philanthropy,
    normalize("פנימי"): Sector.government,
    normalize("פנימי - משרד החינוך"): Sector.government,
}
#: MakorTochnit codes seen with those descriptions (used when the text is missing).
_SOURCE_CODES = {"3": Sector.business, "4": Sector.nonprofit}

#: TeurTchumMerkazi (main field) -> domains.
MAIN_DOMAINS: dict[str, tuple[Domain, ...]] = {
    normalize("לימודי"): (Domain.formal_education,),
    normalize("חברתי - ערכי"): (Domain.informal_education,),
    normalize("רווחתי - רגשי"): (Domain.welfare,),
}

#: MiktsoaNoseIkari topics that add a domain.
TOPIC_DOMAINS: dict[str, Domain] = {
    normalize("מדעים"): Domain.stem21,
    normalize("מתמטיקה"): Domain.stem21,
    normalize("מחשבים"): Domain.stem21,
    normalize("טכנולוגיה"): Domain.stem21,
    normalize("רובוטיקה"): Domain.stem21,
    normalize("פיתוח חשיבה"): Domain.stem21,
    normalize("הנגשת השכלה גבוהה"): Domain.higher_education,
    normalize("מניעת נשירה"): Domain.welfare,
    normalize("מענה למצבי לחץ ומצוקה"): Domain.welfare,
    normalize("טיפוח מנהיגות"): Domain.informal_education,
    normalize("חינוך לאזרחות"): Domain.community,
}

#: ShichvatLomdim grade labels -> (age_min, age_max) in years.
GRADE_AGES: dict[str, tuple[int, int]] = {
    normalize(label): (grade + 5, grade + 5)
    for grade, label in enumerate(
        ["א'", "ב'", "ג'", "ד'", "ה'", "ו'", "ז'", "ח'", "ט'", "י'", 'י"א', 'י"ב', 'י"ג', 'י"ד'],
        start=1,
    )
}
GRADE_AGES[normalize("ילדי הגן")] = (3, 5)
GRADE_AGES[normalize("גן")] = (3, 5)
GRADE_AGES[normalize("גני ילדים")] = (3, 5)
_AUDIENCES = {
    normalize("הורים"): "parents",
    normalize("צוותי חינוך"): "educational staff",
    normalize("מנהלים"): "principals",
}
_KINDERGARTEN = (3, 5)
_STATUS = {normalize("פעילה"): "active", normalize("לא פעילה"): "inactive"}
_REQUIRED = ("MisparTochnit", "ShemTochnit", "MisparTaagid", "ShemTaagid")


def grades_to_ages(cell: str) -> tuple[int | None, int | None, list[str], list[str]]:
    """Ages, audiences and unknown labels of a ``ShichvatLomdim`` cell.

    >>> grades_to_ages("ח' | ט' | י\\"א | הורים")
    (13, 16, ['parents'], [])
    >>> grades_to_ages("ילדי הגן | א' | חוג")
    (3, 6, [], ['חוג'])
    """
    ages: list[int] = []
    audiences: list[str] = []
    unknown: list[str] = []
    for label in (p.strip() for p in cell.split("|")):
        if not label:
            continue
        key = normalize(label)
        if key in GRADE_AGES:
            ages.extend(GRADE_AGES[key])
        elif key in _AUDIENCES:
            audiences.append(_AUDIENCES[key])
        else:
            unknown.append(label)
    return (min(ages) if ages else None, max(ages) if ages else None, audiences, unknown)


def detect(path: Path) -> bool:
    """Whether ``path`` is a catalogue extract (``MisparTochnit`` and ``MisparTaagid`` columns)."""
    first = head_text(path).split("\n", 1)[0]
    return "MisparTochnit" in first and "MisparTaagid" in first


def parse(path: Path, report: ImportReport, store: GraphStore) -> Batch:
    """Parse a Ministry of Education catalogue extract into programs and operators.

    Parameters
    ----------
    path : Path
        CSV (or XLSX) with the catalogue's columns.
    report : ImportReport
        Receives every problem, with row, column and value.
    store : GraphStore
        Read only: operators are matched by registration number, the
        ministry by name.

    Returns
    -------
    Batch
        Organizations (operators and the ministry), Programs and
        ``PARTNERS_IN`` relationships.
    """
    batch = Batch()
    name = path.name
    rows = read_rows(path, report)
    if not rows:
        if rows is not None:
            report.error("empty", name, None, None, None, "the file has no header row")
        return batch
    header = [str(c or "").strip().lstrip("\ufeff") for c in rows[0]]
    col = {title: idx for idx, title in enumerate(header)}
    for required in _REQUIRED:
        if required not in col:
            report.error("missing-column", name, 1, required, None, f"no {required!r} column")
    if not report.valid:
        return batch
    orgs = OrgMatcher(store)
    nodes = NodeCollector(batch)
    ministry_id: str | None = None
    for rownum, row in enumerate(rows[1:], start=2):
        if not any(str(c or "").strip() for c in row):
            continue
        origin = Origin(name, rownum)

        def cell(title: str, row: list[Any] = row) -> str:
            idx = col.get(title)
            value = row[idx] if idx is not None and idx < len(row) else None
            return "" if value is None else str(value).strip()

        if ministry_id is None:
            ministry_id = _ministry(origin, orgs, nodes, report)
        operator_id = _operator(cell, origin, orgs, nodes, report)
        if operator_id is None:
            continue
        number = cell("MisparTochnit")
        if not number:
            report.error("missing", name, rownum, "MisparTochnit", None, "no program number")
            continue
        domains: list[str] = []
        main = cell("TeurTchumMerkazi")
        if main:
            found = MAIN_DOMAINS.get(normalize(main))
            if found is None:
                report.warning("unknown-code", name, rownum, "TeurTchumMerkazi", main,
                               "main field not in the domain table")  # fmt: skip
            else:
                domains.extend(d.value for d in found)
        topics = [t.strip() for t in cell("MiktsoaNoseIkari").split("|") if t.strip()]
        for topic in topics:
            extra = TOPIC_DOMAINS.get(normalize(topic))
            if extra is not None and extra.value not in domains:
                domains.append(extra.value)
        age_min, age_max, audiences, unknown = grades_to_ages(cell("ShichvatLomdim"))
        for label in unknown:
            report.warning("unknown-code", name, rownum, "ShichvatLomdim", label,
                           "grade or audience not in the table; ignored")  # fmt: skip
        if age_min is not None and age_min <= _KINDERGARTEN[1] and "early_childhood" not in domains:
            domains.append(Domain.early_childhood.value)
        try:
            cost = parse_number(cell("Alut"))
        except ValueError:
            report.warning("number", name, rownum, "Alut", cell("Alut"), "cost is not a number")
            cost = None
        status = cell("TeurStatusTochnit")
        audience = (["students"] if age_min is not None else []) + audiences
        data = {
            "id": f"moe-{number}",
            "name": cell("ShemTochnit"),
            "name_he": cell("ShemTochnit"),
            "operator_id": operator_id,
            "domains": domains,
            "age_min": age_min,
            "age_max": age_max,
            "target_population": "; ".join(audience) or None,
            "description": cell("TaktsirTochnit") or None,
            "main_goal": cell("MataraMerkazit") or None,
            "status": _STATUS.get(normalize(status), status or None),
            "topics": topics,
            "cost": cost,
            "catalogue_updated": cell("TaarichIdkunReshuma") or None,
            "moe_program_number": number,
        }
        record = build_node(Program, data, report, origin)
        if record is None:
            continue
        if record.id in nodes:
            report.error("duplicate-id", name, rownum, "MisparTochnit", number,
                         "repeated program number")  # fmt: skip
            continue
        nodes.add(record, origin)
        if ministry_id and ministry_id != operator_id:
            edge = ProgramPartner(
                program_id=record.id, organization_id=ministry_id, role="catalogue"
            )
            batch.add_relationship(edge_record(edge), origin)
    return batch


def _operator(
    cell: Any, origin: Origin, orgs: OrgMatcher, nodes: NodeCollector, report: ImportReport
) -> str | None:
    number = "".join(ch for ch in cell("MisparTaagid") if ch.isdigit())
    if not number:
        report.error("missing", origin.file, origin.row, "MisparTaagid", cell("MisparTaagid"),
                     "expected the operator's registration number")  # fmt: skip
        return None
    org_id = f"il-reg-{number.lstrip('0') or '0'}"
    if org_id in nodes:
        return org_id
    source = cell("TeurMakorTochnit")
    sector = OPERATOR_SECTORS.get(normalize(source)) or _SOURCE_CODES.get(cell("MakorTochnit"))
    if sector is None:
        report.warning("unknown-code", origin.file, origin.row, "TeurMakorTochnit", source,
                       "operator source not in the sector table; sector set to other")  # fmt: skip
        sector = Sector.other
    data = {
        "id": org_id,
        "name": cell("ShemTaagid") or number,
        "name_he": cell("ShemTaagid") or None,
        "sector": sector,
        "kind": source or None,
        "registration_number": number,
    }
    record = build_node(Organization, data, report, origin)
    if record is None:
        return None
    existing = orgs.match(org_id, registration_number=number)
    return nodes.add(record, origin, existing, keep=("name", "sector", "kind"))


def _ministry(
    origin: Origin, orgs: OrgMatcher, nodes: NodeCollector, report: ImportReport
) -> str | None:
    data = {
        "id": MINISTRY_ID,
        "name": "משרד החינוך",
        "name_he": "משרד החינוך",
        "name_en": "Ministry of Education",
        "sector": Sector.government,
        "kind": "ministry",
    }
    record = build_node(Organization, data, report, origin)
    if record is None:  # pragma: no cover - constant data
        return None
    existing = orgs.match(MINISTRY_ID, names=["משרד החינוך", "Ministry of Education"])
    return nodes.add(record, origin, existing, keep=("name", "sector", "kind", "name_en"))
