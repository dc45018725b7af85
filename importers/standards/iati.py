"""IATI activity XML (versions 1.0x and 2.0x).

The file is read safely and streaming: :func:`defusedxml.ElementTree.iterparse`
with DTDs, entities and external references refused (a billion-laughs or
external-entity file is an import error, nothing is expanded or fetched),
one ``<iati-activity>`` at a time, each element cleared once it is handled,
so memory stays flat however large the file. Issues name the file and the
activity's position (1 = the first activity), with its identifier.

Mapping (the code tables are in :mod:`importers.standards.iati_codes`)
-------------------------------------------------------------------------
==================================  ==========================================================
IATI                                partnermap
==================================  ==========================================================
``iati-activity``                   Program, id = ``iati-identifier``; ``name`` from
                                    ``title`` (English narrative first), ``description``,
                                    ``status`` from ``activity-status`` (``ACTIVITY_STATUS``),
                                    ``start``/``end`` from ``activity-date`` (actual, else
                                    planned), ``recipient_country``, ``dac_sectors``
``participating-org``               Organization, id = ``@ref`` when it is an org identifier
                                    (``XX-AGENCY-…``), else ``iati-org-<name>``; sector from
                                    ``@type`` (``ORG_TYPE_SECTORS``) or the name
                                    (ministry → government, university → academia, …),
                                    else other with a warning
  role 4 implementing (else 3, 2,   the Program's ``operator_id`` (``OPERATES``)
  1, then ``reporting-org``)
  other roles                       ``PARTNERS_IN`` with role funding / accountable /
                                    extending / implementing
``sector`` (DAC 5-digit)            ``domains`` via ``DAC_DOMAINS`` (code, else its
                                    3-digit category); an unknown code is a warning naming it
``transaction``                     Investment, id ``<activity>#t<n>``: ``amount`` from
                                    ``value``, ``currency`` from ``@currency`` or the
                                    activity's ``default-currency``, ``year`` from
                                    ``transaction-date`` (else ``value-date``); ``kind`` and
                                    ``status`` from ``transaction-type``
                                    (``TRANSACTION_TYPES``; loans, interest,
                                    equity and negative values: a warning, not
                                    imported); funder =
                                    ``provider-org``, else the funding org, else the
                                    reporting org; ``receiver_id`` from ``receiver-org``
``location/name``                   the Program's ``locality_id`` when it names a stored
                                    locality, else kept in ``location``
==================================  ==========================================================

IATI's participating-org ``@ref`` is often a publisher's own code, reused
across roles for different bodies (in the Spanish ministry's file ``61``
is both a Spanish ministry and FAO), so only refs shaped like
organisation identifiers are used as ids; others are kept as ``iati_ref``.
Names such as "Otra entidad" ("another body") are categories, not
organisations: they are imported, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml.ElementTree import iterparse

from graph.model import Investment, Organization, Program, ProgramPartner, Sector, edge_record
from graph.store.base import GraphStore
from importers.pipeline import Batch, Origin
from importers.report import ImportReport
from importers.standards.common import (
    LocalityMatcher,
    NodeCollector,
    OrgMatcher,
    build_node,
    head_text,
    parse_number,
    registration_from_org_id,
    slug,
    year_of,
)
from importers.standards.iati_codes import (
    ACTIVITY_STATUS,
    OPERATOR_ROLES,
    ORG_TYPE_SECTORS,
    ROLE_WORDS,
    ROLES,
    TRANSACTION_TYPES,
    dac_domains,
    sector_from_name,
)

__all__ = ["detect", "parse"]

_ORG_ID_RE = re.compile(r"^[A-Z]{2}(-[A-Za-z0-9]+){2,}$|^XI-IATI-|^XM-DAC-")
_PLACEHOLDER_RE = re.compile(r"^(otra|otro|otras|otros|other|others|vía|via)\b", re.IGNORECASE)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _local(tag: Any) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def _children(elem: Element, tag: str) -> list[Element]:
    return [child for child in elem if _local(child.tag) == tag]


def _child(elem: Element, tag: str) -> Element | None:
    found = _children(elem, tag)
    return found[0] if found else None


def _narrative(elem: Element | None) -> str:
    """The English narrative (or the first one, or the element's own text in 1.0x)."""
    if elem is None:
        return ""
    narratives = _children(elem, "narrative")
    if not narratives:
        return (elem.text or "").strip()
    for narrative in narratives:
        if (narrative.get(_XML_LANG) or "").lower() == "en" and (narrative.text or "").strip():
            return (narrative.text or "").strip()
    return (narratives[0].text or "").strip()


def detect(path: Path) -> bool:
    """Whether ``path`` looks like an IATI activity file."""
    head = head_text(path, 2048)
    return "<iati-activities" in head or "<iati-activity" in head


def _activities(path: Path) -> Iterator[Element]:
    """Each ``iati-activity`` element, streamed; cleared after the caller is done."""
    context = iterparse(str(path), events=("start", "end"), forbid_dtd=True)
    root: Element | None = None
    for event, elem in context:
        if event == "start" and root is None:
            root = elem
        elif event == "end" and _local(elem.tag) == "iati-activity":
            yield elem
            elem.clear()
            if root is not None:
                root.clear()  # drop handled activities from the root too


def parse(path: Path, report: ImportReport, store: GraphStore) -> Batch:
    """Parse IATI activities into organisations, programs and investments.

    Parameters
    ----------
    path : Path
        An ``iati-activities`` XML file.
    report : ImportReport
        Receives every problem; an unsafe or malformed file is one error.
    store : GraphStore
        Read only: organisations (id, registration number, name) and
        localities (name) are matched against it.

    Returns
    -------
    Batch
        Organizations, Programs, Investments and ``PARTNERS_IN`` relationships.
        When the file cannot be read safely, an empty batch.
    """
    state = _State(path.name, report, store)
    try:
        for index, activity in enumerate(_activities(path), start=1):
            state.activity(activity, Origin(path.name, index))
    except defusedxml.DTDForbidden:
        report.error(
            "unsafe-xml", path.name, None, None, None,
            "the XML declares a DTD, which is refused for safety (entity expansion, "
            "external references); IATI files need none",
        )  # fmt: skip
        return Batch()
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden) as exc:
        report.error(
            "unsafe-xml", path.name, None, None, None,
            f"the XML declares entities or external references, which are refused: {exc}",
        )  # fmt: skip
        return Batch()
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        report.error("xml", path.name, line, None, None, f"not well-formed XML: {exc}")
        return Batch()
    except OSError as exc:
        report.error("file", path.name, None, None, None, f"cannot read the file: {exc}")
        return Batch()
    if state.count == 0:
        report.error("empty", path.name, None, None, None, "no iati-activity element in the file")
    return state.batch


class _State:
    """What one parse accumulates."""

    def __init__(self, file: str, report: ImportReport, store: GraphStore) -> None:
        self.file = file
        self.report = report
        self.batch = Batch()
        self.nodes = NodeCollector(self.batch)
        self.orgs = OrgMatcher(store)
        self.places = LocalityMatcher(store)
        self.warned: set[tuple[str, str]] = set()
        self.count = 0

    def warn_once(self, key: tuple[str, str], origin: Origin, field: str, message: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            self.report.warning("unknown-code", self.file, origin.row, field, key[1], message)

    def org(self, elem: Element, origin: Origin, field: str) -> str | None:
        ref = (elem.get("ref") or "").strip()
        name = _narrative(elem) or ref
        if not name:
            self.report.warning(
                "missing", self.file, origin.row, field, None, "organisation without name or ref"
            )
            return None
        is_org_id = bool(ref and _ORG_ID_RE.match(ref))
        org_id = ref if is_org_id else f"iati-org-{slug(name)}"
        if org_id in self.nodes:
            return org_id
        type_code = (elem.get("type") or "").strip()
        sector = ORG_TYPE_SECTORS.get(type_code)
        if sector is None:
            sector = sector_from_name(name)
        if sector is None:
            sector = Sector.other
            self.warn_once(
                ("org-type", name),
                origin,
                f"{field}@type",
                f"no organisation type for {name!r}; sector set to other",
            )
        if _PLACEHOLDER_RE.match(name):
            self.warn_once(
                ("placeholder", name),
                origin,
                field,
                f"{name!r} looks like a category of bodies, not one organisation",
            )
        data = {
            "id": org_id,
            "name": name,
            "sector": sector,
            "kind": f"IATI type {type_code}" if type_code else None,
            "registration_number": registration_from_org_id(org_id),
            "iati_ref": ref if ref and not is_org_id else None,
        }
        record = build_node(Organization, data, self.report, origin)
        if record is None:
            return None
        existing = self.orgs.match(
            org_id, registration_number=data["registration_number"], names=[name]
        )
        return self.nodes.add(record, origin, existing, keep=("name", "sector", "kind"))

    def activity(self, act: Element, origin: Origin) -> None:
        self.count += 1
        report, file = self.report, self.file
        ident = _text(_child(act, "iati-identifier"))
        if not ident:
            report.error("missing", file, origin.row, "iati-identifier", None,
                         "activity without an iati-identifier")  # fmt: skip
            return
        if ident in self.nodes:
            report.error("duplicate-id", file, origin.row, "iati-identifier", ident,
                         "repeated activity identifier")  # fmt: skip
            return
        by_role: dict[str, list[str]] = {}
        for part in _children(act, "participating-org"):
            role = (part.get("role") or "").strip()
            role = ROLE_WORDS.get(role.lower(), role)
            if role not in ROLES:
                report.warning("unknown-code", file, origin.row, "participating-org@role", role,
                               f"unknown role in {ident}; organisation not linked")  # fmt: skip
                continue
            org_id = self.org(part, origin, "participating-org")
            if org_id and org_id not in by_role.get(role, []):
                by_role.setdefault(role, []).append(org_id)
        reporting = _child(act, "reporting-org")
        # The reporting org becomes a node only when it stands in for a missing role.
        needs_reporting = not by_role.get("1") or not any(by_role.get(r) for r in OPERATOR_ROLES)
        reporting_id = (
            self.org(reporting, origin, "reporting-org")
            if reporting is not None and needs_reporting
            else None
        )
        operator = next((by_role[r][0] for r in OPERATOR_ROLES if by_role.get(r)), reporting_id)
        if operator is None:
            report.error("missing", file, origin.row, "participating-org", None,
                         f"activity {ident} names no organisation to operate it")  # fmt: skip
            return
        domains: list[str] = []
        codes: list[str] = []
        for sector in _children(act, "sector"):
            vocabulary = (sector.get("vocabulary") or "1").strip()
            code = (sector.get("code") or "").strip()
            if vocabulary not in {"1", "2", "DAC", "DAC-3"} or not code:
                continue
            codes.append(code)
            found = dac_domains(code)
            if found is None:
                self.warn_once(("dac", code), origin, "sector@code",
                               f"DAC sector code {code} is not in the domain table")  # fmt: skip
                continue
            domains.extend(d.value for d in found if d.value not in domains)
        dates = {d.get("type"): d.get("iso-date") for d in _children(act, "activity-date")}
        status_elem = _child(act, "activity-status")
        status_code = (status_elem.get("code") or "") if status_elem is not None else ""
        location_elem = _child(act, "location")
        location = _narrative(_child(location_elem, "name")) if location_elem is not None else ""
        place = self.places.match(names=[location]) if location else None
        country = _child(act, "recipient-country")
        data: dict[str, Any] = {
            "id": ident,
            "name": _narrative(_child(act, "title")) or ident,
            "description": _narrative(_child(act, "description")) or None,
            "operator_id": operator,
            "locality_id": place.id if place else None,
            "location": location if location and not place else None,
            "domains": domains,
            "status": ACTIVITY_STATUS.get(status_code, status_code or None),
            "start": _date(dates.get("2") or dates.get("start-actual"))
            or _date(dates.get("1") or dates.get("start-planned")),
            "end": _date(dates.get("4") or dates.get("end-actual"))
            or _date(dates.get("3") or dates.get("end-planned")),
            "recipient_country": country.get("code") if country is not None else None,
            "dac_sectors": codes,
        }
        record = build_node(Program, data, report, origin)
        if record is None:
            return
        self.nodes.add(record, origin)
        partner_roles: dict[str, list[str]] = {}
        for role, org_ids in sorted(by_role.items()):
            for org_id in org_ids:
                if org_id != operator:
                    partner_roles.setdefault(org_id, []).append(ROLES[role])
        for org_id, roles in partner_roles.items():
            edge = ProgramPartner(program_id=ident, organization_id=org_id, role=", ".join(roles))
            self.batch.add_relationship(edge_record(edge), origin)
        funder = by_role["1"][0] if by_role.get("1") else reporting_id
        currency = (act.get("default-currency") or "").strip()
        for number, trans in enumerate(_children(act, "transaction"), start=1):
            self.transaction(trans, number, ident, funder, currency, origin)

    def transaction(
        self,
        trans: Element,
        number: int,
        ident: str,
        funder: str | None,
        default_currency: str,
        origin: Origin,
    ) -> None:
        report, file = self.report, self.file
        where = f"transaction {number} of {ident}"
        type_elem = _child(trans, "transaction-type")
        type_code = (type_elem.get("code") or "").strip().upper() if type_elem is not None else ""
        if type_code not in TRANSACTION_TYPES:
            report.warning("unknown-code", file, origin.row, "transaction-type@code", type_code,
                           f"{where}: unknown transaction type; not imported")  # fmt: skip
            return
        mapped = TRANSACTION_TYPES[type_code]
        if mapped is None:
            report.warning("unsupported", file, origin.row, "transaction-type@code", type_code,
                           f"{where}: a loan, interest or equity flow, not an investment;"
                           " not imported")  # fmt: skip
            return
        value = _child(trans, "value")
        try:
            amount = parse_number(value.text if value is not None else None)
        except ValueError:
            report.error("number", file, origin.row, "transaction/value",
                         value.text if value is not None else None,
                         f"{where}: expected a number")  # fmt: skip
            return
        if amount is None:
            report.error("missing", file, origin.row, "transaction/value", None,
                         f"{where}: no value")  # fmt: skip
            return
        if amount < 0:
            report.warning(
                "value", file, origin.row, "transaction/value",
                value.text if value is not None else None,
                f"{where}: a negative value (funds returned, or a correction) is not an"
                " investment; not imported",
            )  # fmt: skip
            return
        currency = (
            (value.get("currency") if value is not None else "") or default_currency
        ).strip()
        if not currency:
            report.error("missing", file, origin.row, "transaction/value@currency", None,
                         f"{where}: no currency and no default-currency")  # fmt: skip
            return
        provider = _child(trans, "provider-org")
        provider_id = self.org(provider, origin, "provider-org") if provider is not None else None
        receiver = _child(trans, "receiver-org")
        receiver_id = self.org(receiver, origin, "receiver-org") if receiver is not None else None
        date_elem = _child(trans, "transaction-date")
        year = year_of(date_elem.get("iso-date") if date_elem is not None else None) or year_of(
            value.get("value-date") if value is not None else None
        )
        kind, status = mapped
        data = {
            "id": f"{ident}#t{number}",
            "name": f"{ident} transaction {number}",
            "funder_id": provider_id or funder,
            "program_id": ident,
            "amount": amount,
            "currency": currency,
            "year": year,
            "kind": kind,
            "status": status,
            "transaction_type": type_code,
            "receiver_id": receiver_id,
        }
        record = build_node(Investment, data, report, origin)
        if record is not None:
            self.nodes.add(record, origin)


def _text(elem: Element | None) -> str:
    return (elem.text or "").strip() if elem is not None else ""


def _date(value: str | None) -> str | None:
    text = (value or "").strip()[:10]
    return text if re.match(r"^\d{4}-\d{2}-\d{2}$", text) else None
