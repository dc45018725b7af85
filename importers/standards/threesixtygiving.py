"""360Giving grants data: JSON, and CSV or XLSX in the flattened layout.

The flattened layout is the one 360Giving's own tools write: one row per
grant, with either the titled headers (``Identifier``, ``Amount Awarded``,
``Recipient Org:Identifier``, ``Grant Programme:Title`` …) or the JSON-path
headers (``id``, ``amountAwarded``, ``recipientOrganization/0/id`` …). An
XLSX workbook is read from its ``grants`` sheet (else its first sheet).
Issues name the file and the grant's position (JSON: 1 = the first grant)
or its row (CSV/XLSX, header = row 1).

Mapping
-------
===================================  ==========================================================
360Giving                            partnermap
===================================  ==========================================================
``fundingOrganization``              Organization, id = its org identifier (``GB-CHC-…``),
                                     sector philanthropy
``recipientOrganization``            Organization, id = its org identifier; sector from the
                                     identifier's register (:data:`ORG_ID_SECTORS`), else
                                     nonprofit; ``charityNumber`` / ``companyNumber`` kept;
                                     ``IL-ROA-…`` / ``IL-ROC-…`` numbers become
                                     ``registration_number`` (and match stored
                                     organisations); ``addressLocality`` → ``locality_ids``
                                     when it names a stored locality
``grantProgramme``                   Program ``360g:<funder>:<code or title>`` operated by
                                     the funder (grants without one: ``…:grants``)
funder → recipient                   ``PARTNERS_WITH`` with kind ``grant``, ``since`` the
                                     first award date (one per pair, however many grants)
grant                                Investment, id = the grant ``id``: ``amount`` =
                                     ``amountAwarded``, ``currency``, ``year`` from
                                     ``awardDate`` (ISO, DD/MM/YYYY, timestamps, Excel
                                     dates), ``program_id`` = its programme, ``recipient_id``,
                                     ``award_date``, ``title``, ``description``
``beneficiaryLocation``              ``locality_id`` when a name or geoCode matches a stored
                                     locality, else the text in ``beneficiary_location``
===================================  ==========================================================

Grants to individuals (``recipientIndividual``) are imported without a
recipient, so no personal data is stored.

Why a partnership and not a program partner: two charities funded by the
same programme have not worked together, and ``PARTNERS_IN`` would tie
every grantee of a programme to every other one in the actor network (465
false ties among baring.json's 49 organisations). A grant ties the funder
to its grantee only.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

from graph.model import (
    Investment,
    InvestmentStatus,
    Organization,
    Partnership,
    Program,
    Sector,
    edge_record,
)
from graph.store.base import GraphStore
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
    registration_from_org_id,
    slug,
    year_of,
)

__all__ = ["ORG_ID_SECTORS", "detect", "parse", "unflatten"]

#: org-id register prefixes -> sector of a recipient (default nonprofit).
ORG_ID_SECTORS: dict[str, Sector] = {
    "GB-LAE": Sector.local_authority,
    "GB-LAS": Sector.local_authority,
    "GB-LANI": Sector.local_authority,
    "GB-PLA": Sector.local_authority,
    "GB-GOR": Sector.government,
    "GB-NHS": Sector.government,
    "GB-EDU": Sector.academia,
    "GB-UKPRN": Sector.academia,
    "GB-HESA": Sector.academia,
    "GB-MPR": Sector.community,
    "IL-ROA": Sector.nonprofit,
    "IL-ROC": Sector.business,
    "IL-GOV": Sector.government,
}

_TOP = {
    "identifier": "id",
    "title": "title",
    "description": "description",
    "currency": "currency",
    "amount awarded": "amountAwarded",
    "amount applied for": "amountAppliedFor",
    "amount disbursed": "amountDisbursed",
    "award date": "awardDate",
    "url": "url",
    "last modified": "dateModified",
}
_GROUPS = {
    "recipient org": "recipientOrganization",
    "recipient ind": "recipientIndividual",
    "funding org": "fundingOrganization",
    "grant programme": "grantProgramme",
    "beneficiary location": "beneficiaryLocation",
    "planned dates": "plannedDates",
}
_SUB = {
    "identifier": "id",
    "name": "name",
    "charity number": "charityNumber",
    "company number": "companyNumber",
    "city": "addressLocality",
    "postal code": "postalCode",
    "department": "department",
    "code": "code",
    "title": "title",
    "url": "url",
    "country code": "countryCode",
    "geographic code": "geoCode",
    "geographic code type": "geoCodeType",
    "start date": "startDate",
    "end date": "endDate",
    "duration (months)": "duration",
}


def _set_path(target: dict[str, Any], path: list[str], value: Any) -> None:
    """Set ``value`` at a JSON path such as ``recipientOrganization/0/id``."""
    node: Any = target
    for step, nxt in pairwise(path):
        if isinstance(node, list):
            idx = int(step)
            while len(node) <= idx:
                node.append({})
            node = node[idx]
            continue
        default: Any = [] if nxt.isdigit() else {}
        node = node.setdefault(step, default)
    last = path[-1]
    if isinstance(node, list):
        idx = int(last)
        while len(node) <= idx:
            node.append(None)
        node[idx] = value
    else:
        node[last] = value


def unflatten(header: list[str], row: list[Any]) -> dict[str, Any]:
    """One flattened row as a grant dict like the JSON's.

    >>> unflatten(["Identifier", "Amount Awarded", "Recipient Org:Identifier"],
    ...           ["g1", "500", "GB-CHC-1"])
    {'id': 'g1', 'amountAwarded': '500', 'recipientOrganization': [{'id': 'GB-CHC-1'}]}
    >>> unflatten(["id", "fundingOrganization/0/name"], ["g2", "Fund"])
    {'id': 'g2', 'fundingOrganization': [{'name': 'Fund'}]}
    """
    grant: dict[str, Any] = {}
    for title, value in zip(header, row, strict=False):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str):
            value = value.strip()
        key = title.strip()
        low = key.lower()
        if "/" in key:
            _set_path(grant, key.split("/"), value)
        elif ":" in key:
            group, _, sub = (p.strip() for p in low.partition(":"))
            if group in _GROUPS:
                first = grant.setdefault(_GROUPS[group], [{}])[0]
                first[_SUB.get(sub, sub)] = value
        elif low in _TOP:
            grant[_TOP[low]] = value
        elif key:
            grant[key] = value
    return grant


def detect(path: Path) -> bool:
    """Whether ``path`` is 360Giving JSON, or a flattened 360Giving CSV/XLSX."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return '"grants"' in head_text(path, 8192)
    if suffix in {".csv", ".xlsx"}:
        rows = read_rows(path, ImportReport(), sheet="grants") if suffix == ".xlsx" else None
        first = (
            [str(c or "") for c in rows[0]]
            if rows
            else head_text(path).split("\n", 1)[0].split(",")
        )
        cols = {c.strip().strip('"').lower() for c in first}
        return "amount awarded" in cols or "amountawarded" in cols
    return False


def _grants(path: Path, report: ImportReport) -> list[tuple[dict[str, Any], int]] | None:
    """The grants of a file with their row (flattened) or position (JSON)."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as exc:
            report.error("json", path.name, exc.lineno, None, None, f"not valid JSON: {exc.msg}")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            report.error("file", path.name, None, None, None, f"cannot read the file: {exc}")
            return None
        grants = data.get("grants") if isinstance(data, dict) else None
        if not isinstance(grants, list):
            report.error("json", path.name, None, "grants", None, 'expected {"grants": [...]}')
            return None
        return [(g if isinstance(g, dict) else {}, i) for i, g in enumerate(grants, start=1)]
    if path.suffix.lower() not in {".csv", ".xlsx", ".xlsm"}:
        report.error(
            "format", path.name, None, None, path.suffix or None,
            "a 360Giving file is .json, or a flattened .csv or .xlsx",
        )  # fmt: skip
        return None
    rows = read_rows(path, report, sheet="grants")
    if not rows:
        if rows is not None:
            report.error("empty", path.name, None, None, None, "the file has no header row")
        return None
    header = [str(c or "").strip() for c in rows[0]]
    if "id" not in unflatten(header, ["x"] * len(header)):
        # Without it every row would be its own 'grant without an identifier'.
        report.error(
            "missing", path.name, 1, "id", None,
            "no grant identifier column (Identifier or id) in the header: "
            "is this a 360Giving file?",
        )  # fmt: skip
        return None
    return [
        (unflatten(header, row), i)
        for i, row in enumerate(rows[1:], start=2)
        if any(str(c or "").strip() for c in row)
    ]


def _first(grant: dict[str, Any], key: str) -> dict[str, Any]:
    value = grant.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse(path: Path, report: ImportReport, store: GraphStore) -> Batch:
    """Parse a 360Giving file into funders, recipients, programmes and grants.

    Parameters
    ----------
    path : Path
        ``.json`` (``{"grants": [...]}``), or a flattened ``.csv`` / ``.xlsx``.
    report : ImportReport
        Receives every problem, naming the grant's row or position and field.
    store : GraphStore
        Read only: organisations (id, registration number) and localities
        (names) are matched against it.

    Returns
    -------
    Batch
        Organizations, Programs, Investments and ``PARTNERS_WITH`` relationships
        (funder to grantee).
    """
    batch = Batch()
    grants = _grants(path, report)
    if grants is None:
        return batch
    nodes = NodeCollector(batch)
    orgs, places = OrgMatcher(store), LocalityMatcher(store)
    grant_ties: dict[tuple[str, str], tuple[str | None, Origin]] = {}
    for grant, row in grants:
        origin = Origin(path.name, row)
        gid = _text(grant.get("id"))
        if not gid:
            report.error("missing", path.name, row, "id", None, "grant without an identifier")
            continue
        if gid in nodes:
            report.error("duplicate-id", path.name, row, "id", gid, "repeated grant identifier")
            continue
        funder = _first(grant, "fundingOrganization")
        funder_id = _org(funder, Sector.philanthropy, "fundingOrganization", origin, orgs, places,
                         nodes, report)  # fmt: skip
        if funder_id is None:
            continue
        recipient = _first(grant, "recipientOrganization")
        recipient_id = None
        if recipient:
            prefix = "-".join(_text(recipient.get("id")).split("-")[:2]).upper()
            sector = ORG_ID_SECTORS.get(prefix, Sector.nonprofit)
            recipient_id = _org(recipient, sector, "recipientOrganization", origin, orgs, places,
                                nodes, report)  # fmt: skip
            if recipient_id is None:
                continue
        elif not grant.get("recipientIndividual"):
            report.warning("missing", path.name, row, "recipientOrganization", None,
                           f"grant {gid} names no recipient")  # fmt: skip
        program_id = _programme(grant, funder_id, nodes.nodes[funder_id].name, origin, nodes,
                                report)  # fmt: skip
        if program_id is None:
            continue
        try:
            amount = parse_number(grant.get("amountAwarded"))
        except ValueError:
            report.error("number", path.name, row, "amountAwarded", grant.get("amountAwarded"),
                         "expected a number")  # fmt: skip
            continue
        if amount is None:
            report.error(
                "missing", path.name, row, "amountAwarded", None, "amountAwarded is required"
            )
            continue
        currency = _text(grant.get("currency")).upper()
        if not currency:
            report.error("missing", path.name, row, "currency", None, "currency is required")
            continue
        award = grant.get("awardDate")
        year = year_of(award)
        if year is None:
            report.warning("date", path.name, row, "awardDate", award,
                           "award date not understood; imported without a year")  # fmt: skip
        locations = [loc for loc in grant.get("beneficiaryLocation") or [] if isinstance(loc, dict)]
        place = None
        for loc in locations:
            place = places.match(names=[loc.get("name"), loc.get("geoCode")])
            if place:
                break
        location_text = "; ".join(
            _text(loc.get("name") or loc.get("geoCode") or loc.get("countryCode"))
            for loc in locations
        ).strip("; ")
        planned = _first(grant, "plannedDates")
        data = {
            "id": gid,
            "name": _text(grant.get("title")) or gid,
            "description": _text(grant.get("description")) or None,
            "funder_id": funder_id,
            "program_id": program_id,
            "locality_id": place.id if place else None,
            "beneficiary_location": location_text or None,
            "recipient_id": recipient_id,
            "amount": amount,
            "currency": currency,
            "year": year,
            "award_date": iso_date(award),
            "planned_start": iso_date(planned.get("startDate")),
            "planned_end": iso_date(planned.get("endDate")),
            "kind": "grant",
            "status": InvestmentStatus.committed,
        }
        record = build_node(Investment, data, report, origin)
        if record is None:
            continue
        nodes.add(record, origin)
        if recipient_id and recipient_id != funder_id:
            since = iso_date(award) or (str(year) if year else None)
            pair = (funder_id, recipient_id)
            known = grant_ties.get(pair)
            if known is None or (since and (known[0] is None or since < known[0])):
                grant_ties[pair] = (since, known[1] if known else origin)
    for (source, target), (since, origin) in grant_ties.items():
        tie = Partnership(source_id=source, target_id=target, kind="grant", since=since)
        batch.add_relationship(edge_record(tie), origin)
    return batch


def _org(
    org: dict[str, Any],
    sector: Sector,
    field: str,
    origin: Origin,
    orgs: OrgMatcher,
    places: LocalityMatcher,
    nodes: NodeCollector,
    report: ImportReport,
) -> str | None:
    org_id, name = _text(org.get("id")), _text(org.get("name"))
    if not org_id:
        report.error("missing", origin.file, origin.row, f"{field}.id", None,
                     "the organisation has no identifier")  # fmt: skip
        return None
    if org_id in nodes:
        return org_id
    city = _text(org.get("addressLocality"))
    place = places.match(names=[city]) if city else None
    registration = registration_from_org_id(org_id)
    data: dict[str, Any] = {
        "id": org_id,
        "name": name or org_id,
        "sector": sector,
        "registration_number": registration,
        "charity_number": _text(org.get("charityNumber")) or None,
        "company_number": _text(org.get("companyNumber")) or None,
        "address_locality": city or None,
        "locality_ids": [place.id] if place else [],
    }
    record = build_node(Organization, data, report, origin)
    if record is None:
        return None
    existing = orgs.match(org_id, registration_number=registration)
    return nodes.add(record, origin, existing, keep=("name", "sector", "kind"))


def _programme(
    grant: dict[str, Any],
    funder_id: str,
    funder_name: str,
    origin: Origin,
    nodes: NodeCollector,
    report: ImportReport,
) -> str | None:
    programme = _first(grant, "grantProgramme")
    code, title = _text(programme.get("code")), _text(programme.get("title"))
    key = slug(code or title) or "grants"
    # The file's own funder id, not the stored one it merged into: ids stay stable.
    source_id = _text(_first(grant, "fundingOrganization").get("id")) or funder_id
    program_id = f"360g:{source_id}:{key}"
    if program_id in nodes:
        return program_id
    data = {
        "id": program_id,
        "name": title or code or f"{funder_name} grants",
        "operator_id": funder_id,
        "programme_code": code or None,
        "url": _text(programme.get("url")) or None,
    }
    record = build_node(Program, data, report, origin)
    if record is None:
        return None
    return nodes.add(record, origin)
