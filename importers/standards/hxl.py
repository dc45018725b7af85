"""HXL-tagged "Who does What Where" (3W) tables.

A 3W table has a row of HXL hashtags (``#org``, ``#sector``, ``#adm1`` …)
under (or instead of) its human headers; the hashtag row is found wherever
it is among the first 25 rows, and columns are read by tag and attribute
(``#org+impl``, ``#adm1+code``), never by position or header text. The old
underscore tags of HXL 1.0 beta (``#activity_id``, ``#lat_deg``) are read
as their modern forms. CSV and XLSX (first sheet) are accepted.

Mapping
-------
===========================================  =================================================
HXL column                                   partnermap
===========================================  =================================================
``#org+impl``, else ``#org``                 Organization (operator); id ``hxl-org-<name>``
                                             (``#org+code``: ``hxl-org-<code>``); sector from
                                             ``#org+type`` (:data:`ORG_TYPES`), else from the
                                             name (UN agencies, ministries → government;
                                             universities → academia), else nonprofit
``#org+funder`` / ``#org+prog`` / ``+lead``  Organization, ``PARTNERS_IN`` the program with
                                             role ``funder`` / ``lead``
``#sector``                                  Program ``domains`` via :data:`SECTOR_DOMAINS`
                                             (unknown sector → a warning, no domain);
                                             the text is kept in ``sector``
``#country``, ``#adm1`` … ``#adm3``, ``#loc``  the most specific area is a Locality: id
                                             ``hxl-<code>`` from ``#admN+code``, else
                                             ``hxl-<country>-<adm1>-…`` from the names
                                             (Niger under two countries gives two ids);
                                             ``country``, ``admin_level``, ``latitude``,
                                             ``longitude`` (``#geo+lat``/``+lon``)
``#activity`` / ``#activity+code``           Program name / ``activity_code``
``#status``, ``#date+start``, ``#date+end``  Program ``status``, ``start``, ``end``
===========================================  =================================================

Emergency capabilities (SPEC section 7): a row whose ``#sector`` names an
emergency service (:data:`SECTOR_CATEGORIES`: food security → food, shelter
and camp management → shelter, WASH → water, health and nutrition → medical,
psychosocial support → mental_health, logistics → transport, telecom and
information management → information, relief items → equipment) also says
that its organisation can supply that category there: one Capability per
organisation and category, id ``capability:<org>:<category>``, with
``locality_ids`` the areas it works in (it serves only those), the
humanitarian sectors in ``hxl_sectors``, and no capacity (a 3W counts
activities and beneficiaries reached, not what an organisation could still
supply). Protection, education, livelihoods, registration, coordination and
other sectors name no emergency category and give no capability.

One Program per operator + sector + area (+ activity when the table has an
activity column), id ``hxl:<org>:<sector>:<area>[:<activity>]``, with
``context`` emergency (3W tables are humanitarian response). The rows of
one program (months, indicators) merge into it. A row without an
organisation is reported as a warning and skipped.

Organisations and areas merge into stored ones with the same id or,
unambiguously, the same normalised name (areas only when the stored
locality has no other ``country``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graph.model import Domain, Locality, Organization, Program, ProgramPartner, Sector, edge_record
from graph.model_process import Capability, NeedCategory
from graph.store.base import GraphStore
from graph.text import normalize
from importers.pipeline import Batch, Origin
from importers.report import ImportReport
from importers.standards.common import (
    LocalityMatcher,
    NodeCollector,
    OrgMatcher,
    build_node,
    head_text,
    iso_date,
    parse_number,
    read_rows,
    slug,
)

__all__ = [
    "ORG_TYPES",
    "SECTOR_CATEGORIES",
    "SECTOR_DOMAINS",
    "Columns",
    "detect",
    "find_hashtag_row",
    "parse",
    "parse_tag",
    "sector_domains",
]

_TAG_RE = re.compile(r"^#([A-Za-z][A-Za-z0-9_]*)((?:\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*)$")
#: HXL 1.0 beta tags and their modern tag and attributes.
_ALIASES: dict[str, tuple[str, frozenset[str]]] = {
    "activity_id": ("activity", frozenset({"code"})),
    "org_id": ("org", frozenset({"code"})),
    "sector_id": ("sector", frozenset({"code"})),
    "period_date": ("date", frozenset()),
    "lat_deg": ("geo", frozenset({"lat"})),
    "lon_deg": ("geo", frozenset({"lon"})),
    "country_code": ("country", frozenset({"code"})),
    "adm1_code": ("adm1", frozenset({"code"})),
    "adm2_code": ("adm2", frozenset({"code"})),
    "adm3_code": ("adm3", frozenset({"code"})),
    "adm1_id": ("adm1", frozenset({"code"})),
    "adm2_id": ("adm2", frozenset({"code"})),
}

#: Humanitarian sectors and clusters -> partnermap domains (keys compared normalised).
SECTOR_DOMAINS: dict[str, tuple[Domain, ...]] = {
    "education": (Domain.formal_education,),
    "health": (Domain.health,),
    "reproductive health": (Domain.health,),
    "hiv/aids": (Domain.health,),
    "nutrition": (Domain.health,),
    "malaria prevention and control": (Domain.health,),
    "health care referral services": (Domain.health,),
    "mental health": (Domain.health, Domain.welfare),
    "mental health and psychosocial support": (Domain.health, Domain.welfare),
    "protection": (Domain.welfare,),
    "child protection": (Domain.welfare,),
    "gender-based violence": (Domain.welfare,),
    "legal assistance / protection": (Domain.welfare,),
    "community services": (Domain.community,),
    "early recovery": (Domain.community,),
    "food security": (Domain.emergency,),
    "food": (Domain.emergency,),
    "food distribution": (Domain.emergency,),
    "core relief items (cris)": (Domain.emergency,),
    "non-food items": (Domain.emergency,),
    "shelter": (Domain.emergency,),
    "shelter / other infrastructure": (Domain.emergency,),
    "camp management": (Domain.emergency,),
    "camp coordination and camp management": (Domain.emergency,),
    "registration": (Domain.emergency,),
    "cash assistance": (Domain.emergency,),
    "domestic needs / household support": (Domain.emergency,),
    "return": (Domain.emergency,),
    "logistics": (Domain.emergency,),
    "transportation": (Domain.emergency,),
    "transport / logistics": (Domain.emergency,),
    "telecom": (Domain.emergency,),
    "emergency telecommunications": (Domain.emergency,),
    "coordination": (Domain.emergency,),
    "water & sanitation": (Domain.emergency, Domain.health),
    "water sanitation & hygiene": (Domain.emergency, Domain.health),
    "water, sanitation and hygiene": (Domain.emergency, Domain.health),
    "wash": (Domain.emergency, Domain.health),
    "livelihood": (Domain.employment,),
    "livelihoods": (Domain.employment,),
    "income generation": (Domain.employment,),
    "agriculture": (Domain.employment,),
    "crop production": (Domain.employment,),
    "environment": (Domain.other,),
    "information management": (Domain.other,),
    "agency operational support": (Domain.other,),
    "other": (Domain.other,),
}
_SECTOR_INDEX = {normalize(k.replace("&", " and ")): v for k, v in SECTOR_DOMAINS.items()}

#: Humanitarian sectors that are emergency services -> the need category they supply.
SECTOR_CATEGORIES: dict[str, NeedCategory] = {
    "food security": NeedCategory.food,
    "food": NeedCategory.food,
    "food distribution": NeedCategory.food,
    "shelter": NeedCategory.shelter,
    "shelter / other infrastructure": NeedCategory.shelter,
    "camp management": NeedCategory.shelter,
    "camp coordination and camp management": NeedCategory.shelter,
    "water & sanitation": NeedCategory.water,
    "water sanitation & hygiene": NeedCategory.water,
    "water, sanitation and hygiene": NeedCategory.water,
    "wash": NeedCategory.water,
    "health": NeedCategory.medical,
    "reproductive health": NeedCategory.medical,
    "hiv/aids": NeedCategory.medical,
    "nutrition": NeedCategory.medical,
    "malaria prevention and control": NeedCategory.medical,
    "health care referral services": NeedCategory.medical,
    "mental health": NeedCategory.mental_health,
    "mental health and psychosocial support": NeedCategory.mental_health,
    "logistics": NeedCategory.transport,
    "transportation": NeedCategory.transport,
    "transport / logistics": NeedCategory.transport,
    "telecom": NeedCategory.information,
    "emergency telecommunications": NeedCategory.information,
    "information management": NeedCategory.information,
    "core relief items (cris)": NeedCategory.equipment,
    "non-food items": NeedCategory.equipment,
}
_CATEGORY_INDEX = {normalize(k.replace("&", " and ")): v for k, v in SECTOR_CATEGORIES.items()}

#: ``#org+type`` values -> sector (keys compared normalised).
ORG_TYPES: dict[str, Sector] = {
    "ngo": Sector.nonprofit,
    "ingo": Sector.nonprofit,
    "nngo": Sector.nonprofit,
    "international ngo": Sector.nonprofit,
    "national ngo": Sector.nonprofit,
    "local ngo": Sector.nonprofit,
    "red cross": Sector.nonprofit,
    "red cross/red crescent": Sector.nonprofit,
    "rcrc": Sector.nonprofit,
    "un": Sector.government,
    "un agency": Sector.government,
    "government": Sector.government,
    "gov": Sector.government,
    "donor": Sector.philanthropy,
    "foundation": Sector.philanthropy,
    "private sector": Sector.business,
    "private": Sector.business,
    "academic": Sector.academia,
    "academia": Sector.academia,
    "community based organization": Sector.community,
    "cbo": Sector.community,
}
_INTERGOVERNMENTAL = {
    "unhcr", "unicef", "wfp", "who", "unfpa", "undp", "iom", "fao", "ocha", "unops",
    "unrwa", "unesco", "ilo", "unaids", "un women", "unhabitat", "un habitat", "unmas",
}  # fmt: skip
_GOV_WORDS = ("united nations", "world food programme", "world health organization",
              "international organization for migration", "ministry", "ministere",
              "ministère", "government", "gouvernement", "direction regionale")  # fmt: skip


def parse_tag(cell: Any) -> tuple[str, frozenset[str]] | None:
    """A hashtag cell as (tag, attributes), or ``None`` when it is not one.

    >>> parse_tag("#org +impl")
    ('org', frozenset({'impl'}))
    >>> parse_tag("#activity_id")
    ('activity', frozenset({'code'}))
    >>> parse_tag("Organisation") is None
    True
    """
    found = _TAG_RE.match(str(cell or "").strip())
    if not found:
        return None
    tag = found.group(1).lower()
    attrs = frozenset(a.strip().lower() for a in found.group(2).split("+") if a.strip())
    if tag in _ALIASES:
        alias, extra = _ALIASES[tag]
        return alias, attrs | extra
    return tag, attrs


def find_hashtag_row(rows: list[list[Any]], limit: int = 25) -> int | None:
    """Index of the first row whose non-blank cells are all hashtags (at least one)."""
    for idx, row in enumerate(rows[:limit]):
        cells = [c for c in row if str(c or "").strip()]
        if cells and all(parse_tag(c) for c in cells):
            return idx
    return None


class Columns:
    """Columns of a table by HXL tag."""

    def __init__(self, tag_row: list[Any]) -> None:
        self.tags: list[tuple[int, str, frozenset[str]]] = []
        for idx, cell in enumerate(tag_row):
            parsed = parse_tag(cell)
            if parsed:
                self.tags.append((idx, *parsed))

    def find(
        self, tag: str, include: Iterable[str] = (), exclude: Iterable[str] = ()
    ) -> int | None:
        """The first column with ``tag``, every attribute of ``include``, none of ``exclude``."""
        inc, exc = set(include), set(exclude)
        for idx, t, attrs in self.tags:
            if t == tag and inc <= attrs and not (exc & attrs):
                return idx
        return None


def sector_domains(sector: str) -> tuple[Domain, ...] | None:
    """The domains of a humanitarian sector name, or ``None`` when unknown.

    >>> sector_domains("Water Sanitation & Hygiene")
    (<Domain.emergency: 'emergency'>, <Domain.health: 'health'>)
    >>> sector_domains("Astronautics") is None
    True
    """
    return _SECTOR_INDEX.get(normalize(sector.replace("&", " and ")))


def _org_sector(name: str, org_type: str) -> tuple[Sector, bool]:
    """Sector from ``#org+type`` or the name; the flag says the type was not understood."""
    if org_type:
        found = ORG_TYPES.get(normalize(org_type))
        if found is not None:
            return found, False
    key = normalize(name)
    if key in _INTERGOVERNMENTAL or any(w in key for w in _GOV_WORDS):
        return Sector.government, bool(org_type)
    if "university" in key or "universite" in key or "université" in key:
        return Sector.academia, bool(org_type)
    return Sector.nonprofit, bool(org_type)


def detect(path: Path) -> bool:
    """Whether ``path`` is a CSV or XLSX table with an HXL hashtag row."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rows = read_rows(path, ImportReport())
    elif suffix in {".csv", ".txt"}:
        # Only the head is read: the hashtag row is within the first 25 rows.
        lines = head_text(path, 65536).splitlines()[:25]
        rows = [list(r) for r in csv.reader(lines)]
    else:
        return False
    return bool(rows) and find_hashtag_row(rows or []) is not None


def parse(path: Path, report: ImportReport, store: GraphStore) -> Batch:
    """Parse an HXL 3W table into organisations, areas and programs.

    Parameters
    ----------
    path : Path
        CSV or XLSX with an HXL hashtag row.
    report : ImportReport
        Receives every problem (file, row, HXL tag, value).
    store : GraphStore
        Read only: organisations and localities are matched against it.

    Returns
    -------
    Batch
        Organizations, Localities, Programs and ``PARTNERS_IN`` relationships.
    """
    batch = Batch()
    name = path.name
    rows = read_rows(path, report)
    if rows is None:
        return batch
    tag_idx = find_hashtag_row(rows)
    if tag_idx is None:
        report.error(
            "missing-column", name, None, None, None, "no HXL hashtag row in the first 25 rows"
        )
        return batch
    cols = Columns(rows[tag_idx])
    org_col = cols.find("org", ["impl"])
    if org_col is None:
        org_col = cols.find(
            "org", exclude=["funder", "prog", "lead", "code", "id", "type", "acronym"]
        )
    if org_col is None:
        report.error("missing-column", name, tag_idx + 1, "#org", None, "no #org column")
        return batch
    c = {
        "org_code": cols.find("org", ["code"], ["funder", "prog", "lead"]),
        "org_type": cols.find("org", ["type"]),
        "funder": cols.find("org", ["funder"], ["code", "type"]),
        "lead": cols.find("org", ["prog"], ["code", "type"]),
        "lead2": cols.find("org", ["lead"], ["code", "type"]),
        "sector": cols.find("sector", exclude=["code"]),
        "activity": cols.find("activity", exclude=["code", "id"]),
        "activity_code": cols.find("activity", ["code"]),
        "country": cols.find("country", exclude=["code"]),
        "country_code": cols.find("country", ["code"]),
        "status": cols.find("status"),
        "start": cols.find("date", ["start"]),
        "end": cols.find("date", ["end"]),
        "lat": cols.find("geo", ["lat"]),
        "lon": cols.find("geo", ["lon"]),
    }
    levels = []
    for level in ("adm1", "adm2", "adm3", "adm4", "loc"):
        levels.append((level, cols.find(level, exclude=["code"]), cols.find(level, ["code"])))
    has_activity = c["activity"] is not None or c["activity_code"] is not None
    orgs, places = OrgMatcher(store), LocalityMatcher(store)
    nodes = NodeCollector(batch)
    warned_sectors: set[str] = set()
    rels: set[tuple[str, str, str]] = set()
    capabilities: dict[tuple[str, str], tuple[Origin, set[str], set[str]]] = {}
    for rownum, row in enumerate(rows[tag_idx + 1 :], start=tag_idx + 2):
        if not any(str(v or "").strip() for v in row):
            continue
        origin = Origin(name, rownum)

        def get(key: str | int | None, row: list[Any] = row) -> str:
            idx = c.get(key) if isinstance(key, str) else key
            value = row[idx] if idx is not None and idx < len(row) else None
            return "" if value is None else str(value).strip()

        org_name = get(org_col)
        if not org_name:
            report.warning(
                "missing", name, rownum, "#org", None, "row without an organisation; skipped"
            )
            continue
        org_id = _add_org(org_name, get("org_code"), get("org_type"), origin, orgs, nodes, report)
        if org_id is None:
            continue
        loc_id, area_key = _add_area(get, levels, origin, places, nodes, report)
        sector = get("sector")
        domains = sector_domains(sector) if sector else ()
        if domains is None:
            domains = ()
            if sector not in warned_sectors:
                warned_sectors.add(sector)
                report.warning(
                    "unknown-code",
                    name,
                    rownum,
                    "#sector",
                    sector,
                    "sector not in the domain table; program imported without a domain",
                )
        activity, activity_code = get("activity"), get("activity_code")
        # Ids from the file's own names, so they do not depend on what was stored before.
        parts = [slug(get("org_code") or org_name), slug(sector) or "general", area_key]
        if has_activity:
            parts.append(slug(activity_code or activity) or "general")
        program_id = "hxl:" + ":".join(parts)
        if program_id not in nodes:
            area = nodes.nodes[loc_id].name if loc_id else get("country") or "national"
            data = {
                "id": program_id,
                "name": activity or f"{org_name}: {sector or 'activity'} ({area})",
                "operator_id": org_id,
                "locality_id": loc_id,
                "domains": [d.value for d in domains],
                "context": "emergency",
                "status": get("status") or None,
                "start": iso_date(get("start")),
                "end": iso_date(get("end")),
                "sector": sector or None,
                "country": get("country") or None,
                "activity_code": activity_code or None,
            }
            record = build_node(Program, data, report, origin)
            if record is None:
                continue
            nodes.add(record, origin)
        category = _CATEGORY_INDEX.get(normalize(sector.replace("&", " and "))) if sector else None
        if category is not None:
            cap = capabilities.setdefault((org_id, category.value), (origin, set(), set()))
            if loc_id:
                cap[1].add(loc_id)
            cap[2].add(sector)
        for key, role in (("funder", "funder"), ("lead", "lead"), ("lead2", "lead")):
            partner = get(key)
            if not partner:
                continue
            partner_id = _add_org(partner, "", "", origin, orgs, nodes, report)
            if partner_id is None or partner_id == org_id:
                continue
            if (partner_id, program_id, role) in rels:
                continue
            rels.add((partner_id, program_id, role))
            edge = ProgramPartner(program_id=program_id, organization_id=partner_id, role=role)
            batch.add_relationship(edge_record(edge), origin)
    for (org_id, cat), (origin, localities, sectors) in sorted(capabilities.items()):
        data = {
            "organization_id": org_id,
            "category": cat,
            "locality_ids": sorted(localities),
            "hxl_sectors": sorted(sectors),
        }
        record = build_node(Capability, data, report, origin)
        if record is not None:
            # Another 3W file may have said where else it works: unite, do not overwrite.
            stored = store.get(record.id)
            nodes.add(record, origin, stored if stored and stored.label == "Capability" else None)
    return batch


def _add_org(
    org_name: str,
    code: str,
    org_type: str,
    origin: Origin,
    orgs: OrgMatcher,
    nodes: NodeCollector,
    report: ImportReport,
) -> str | None:
    org_id = f"hxl-org-{slug(code or org_name)}"
    if org_id in nodes:
        return org_id
    sector, unknown_type = _org_sector(org_name, org_type)
    if unknown_type:
        report.warning(
            "unknown-code",
            origin.file,
            origin.row,
            "#org+type",
            org_type,
            f"organisation type not in the table; sector {sector.value} guessed from the name",
        )
    data = {"id": org_id, "name": org_name, "sector": sector, "kind": org_type or None}
    record = build_node(Organization, data, report, origin)
    if record is None:
        return None
    existing = orgs.match(org_id, names=[org_name])
    return nodes.add(record, origin, existing, keep=("name", "sector", "kind"))


def _add_area(
    get: Any,
    levels: list[tuple[str, int | None, int | None]],
    origin: Origin,
    places: LocalityMatcher,
    nodes: NodeCollector,
    report: ImportReport,
) -> tuple[str | None, str]:
    """The row's most specific admin area: its Locality's id (or ``None``) and its own key.

    The key is built from the file's names and codes only; the id is the
    stored locality's when the area matched one.
    """
    country = get("country") or get("country_code")
    names: list[str] = []
    area_name, area_code, area_level = "", "", ""
    for level, name_col, code_col in levels:
        name, code = get(name_col), get(code_col)
        if name or code:
            names.append(name or code)
            area_name, area_code, area_level = name or code, code, level
    if not names:
        return None, slug(country) or "national"
    key = (
        f"hxl-{slug(area_code)}"
        if area_code
        else "hxl-" + "-".join(slug(p) for p in [country, *names] if p)
    )
    if key in nodes:
        return key, key
    data: dict[str, Any] = {
        "id": key,
        "name": area_name,
        "country": country or None,
        "admin_level": area_level,
        "pcode": area_code or None,
        "parent_area": names[-2] if len(names) > 1 else None,
    }
    for axis in ("lat", "lon"):
        try:
            value = parse_number(get(axis))
        except ValueError:
            report.warning(
                "number", origin.file, origin.row, f"#geo+{axis}", get(axis),
                "not a coordinate; ignored",
            )  # fmt: skip
            value = None
        if value is not None:
            data["latitude" if axis == "lat" else "longitude"] = value
    record = build_node(Locality, data, report, origin)
    if record is None:
        return None, key
    existing = places.match(key, names=[area_name], country=country or None)
    return nodes.add(record, origin, existing), key
