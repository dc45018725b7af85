"""Checks of emergency capabilities that one row alone cannot make (SPEC section 7).

A row of ``capabilities.csv`` is checked against the rest of the graph:

* **areas**: a locality's areas are the ``area`` values of its needs
  (``needs.csv``, in the same import or already stored). Every area a
  capability names must be an area of one of its organisation's localities
  (of the capability's own ``locality_ids`` when it names some; of any
  locality when the organisation is national). An empty ``areas`` means the
  whole locality and is always fine.
* **contact role**: ``contact_role_id`` must be a role *of the same
  organisation* (a role of another organisation is not its contact).

Unknown organisations and roles are reported by the reference check of
:mod:`importers.pipeline`; a negative capacity by the row's own validation.
The same function serves the import and the API's create and update.

Examples
--------
>>> from graph.model import NodeRecord as N
>>> cap = N("Capability", "capability:o:food", {"organization_id": "o", "category": "food",
...          "areas": ["north", "moon"], "contact_role_id": "r"})
>>> org = N("Organization", "o", {"locality_ids": ["l"]})
>>> role = N("Role", "r", {"organization_id": "other"})
>>> for p in capability_problems(cap, org, role, {"l": {"north", "south"}}):
...     print(p.type, p.field, p.value)
unknown-area areas moon
wrong-contact contact_role_id r
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graph.analytics.readiness import id_list
from graph.model import NodeRecord
from graph.store.base import GraphStore

__all__ = [
    "CapabilityProblem",
    "batch_problems",
    "capability_problems",
    "known_areas",
    "orphaned_capabilities",
    "store_problems",
]

_SHOWN_AREAS = 12


@dataclass(frozen=True)
class CapabilityProblem:
    """One problem of a capability: an issue type, the field, the value and a message."""

    type: str
    field: str
    value: str
    message: str


def capability_problems(
    capability: NodeRecord,
    organization: NodeRecord | None,
    contact_role: NodeRecord | None,
    areas: Mapping[str, set[str]],
) -> list[CapabilityProblem]:
    """The problems of one capability, given its organisation, contact role and known areas.

    ``areas`` maps a locality id to the areas its needs name. An organisation
    or role that is ``None`` (unknown) is left to the reference check.
    """
    out: list[CapabilityProblem] = []
    named = [str(a) for a in capability.props.get("areas") or []]
    if organization is not None and named:
        own = id_list(capability.props.get("locality_ids"))
        localities = own or id_list(organization.props.get("locality_ids"))
        scope = localities or sorted(areas)
        known: set[str] = set().union(*(areas.get(loc, set()) for loc in scope)) if scope else set()
        where = (
            f"locality {', '.join(localities)}"
            if localities
            else "any locality (the organisation is national)"
        )
        for area in named:
            if area in known:
                continue
            listed = sorted(known)
            expected = (
                "expected one of: "
                + ", ".join(listed[:_SHOWN_AREAS])
                + (", …" if len(listed) > _SHOWN_AREAS else "")
                if listed
                else "no need names any area there yet: import needs.csv first"
            )
            out.append(
                CapabilityProblem(
                    "unknown-area",
                    "areas",
                    area,
                    f"area {area!r} is named by no need of {where} "
                    f"(areas are the areas of needs.csv); {expected}",
                )
            )
    if contact_role is not None and organization is not None:
        owner = contact_role.props.get("organization_id")
        if contact_role.label == "Role" and owner != organization.id:
            out.append(
                CapabilityProblem(
                    "wrong-contact",
                    "contact_role_id",
                    contact_role.id,
                    f"role {contact_role.id!r} belongs to {owner!r}, not to "
                    f"{organization.id!r}: expected a role of the capability's organisation",
                )
            )
    return out


def known_areas(needs: list[NodeRecord]) -> dict[str, set[str]]:
    """Locality id -> the areas its needs name."""
    out: dict[str, set[str]] = {}
    for need in needs:
        loc, area = need.props.get("locality_id"), need.props.get("area")
        if loc and area:
            out.setdefault(str(loc), set()).add(str(area))
    return out


def store_problems(store: GraphStore, capability: NodeRecord) -> list[CapabilityProblem]:
    """:func:`capability_problems` of a capability about to be written through the API."""
    p = capability.props
    org = store.get(str(p.get("organization_id") or ""))
    role = store.get(str(p.get("contact_role_id"))) if p.get("contact_role_id") else None
    needs: list[NodeRecord] = []
    if org is not None and p.get("areas"):
        localities = id_list(p.get("locality_ids")) or id_list(org.props.get("locality_ids"))
        if localities:
            for loc in localities:
                needs.extend(store.find("Need", locality_id=str(loc)))
        else:
            needs = list(store.iter_nodes("Need"))
    return capability_problems(capability, org, role, known_areas(needs))


def _moved_needs(
    store: GraphStore, alive: Mapping[str, NodeRecord], stored: Mapping[str, NodeRecord]
) -> dict[str, list[CapabilityProblem]]:
    """Needs of the batch that take away an area stored capabilities (not in the batch) serve."""
    out: dict[str, list[CapabilityProblem]] = {}
    # Only a need both in the batch and stored can move; stored is the smaller, as a rule.
    both = [alive[k] for k in stored if k in alive] if len(stored) < len(alive) else alive.values()
    for need in both:
        old = stored.get(need.id)
        if need.label != "Need" or old is None or old.label != "Need":
            continue
        area, loc = old.props.get("area"), old.props.get("locality_id")
        if any(
            n.label == "Need" and n.props.get("area") == area and n.props.get("locality_id") == loc
            for n in alive.values()
        ):
            continue  # the batch keeps the area (this row or another)
        orphans = [c for c in orphaned_capabilities(store, old, need) if c not in alive]
        if orphans:
            out[need.id] = [
                CapabilityProblem(
                    "orphaned-area",
                    "area",
                    str(need.props.get("area")),
                    f"need {need.id!r} was the last to name area {area!r} of {loc!r}, and "
                    f"stored capabilities still serve it: {', '.join(orphans)}; import them "
                    "with their new areas in the same import",
                )
            ]
    return out


def batch_problems(
    store: GraphStore,
    alive: Mapping[str, NodeRecord],
    stored: Mapping[str, NodeRecord],
) -> dict[str, list[CapabilityProblem]]:
    """The problems of every capability among ``alive`` (the batch's rows still valid).

    Organisations, roles and needs are looked up in the batch first, then in
    ``stored`` (what the store holds of the ids the batch refers to) and, for
    needs, in the store.
    """
    caps = [n for n in alive.values() if n.label == "Capability"]
    if not caps:
        return _moved_needs(store, alive, stored)

    def lookup(node_id: object) -> NodeRecord | None:
        key = str(node_id or "")
        return alive.get(key) or stored.get(key)

    localities: set[str] = set()
    national = False
    for cap in caps:
        org = lookup(cap.props.get("organization_id"))
        if org is None or not cap.props.get("areas"):
            continue
        locs = id_list(cap.props.get("locality_ids")) or id_list(org.props.get("locality_ids"))
        localities.update(str(x) for x in locs)
        national = national or not locs
    needs: dict[str, NodeRecord] = {}
    if national:
        needs.update((n.id, n) for n in store.iter_nodes("Need"))
    else:
        for loc in sorted(localities):
            needs.update((n.id, n) for n in store.find("Need", locality_id=loc))
    needs.update((n.id, n) for n in alive.values() if n.label == "Need")
    areas = known_areas(list(needs.values()))
    out: dict[str, list[CapabilityProblem]] = _moved_needs(store, alive, stored)
    for cap in caps:
        role_id = cap.props.get("contact_role_id")
        found = capability_problems(
            cap,
            lookup(cap.props.get("organization_id")),
            lookup(role_id) if role_id else None,
            areas,
        )
        if found:
            out[cap.id] = found
    return out


def orphaned_capabilities(store: GraphStore, old: NodeRecord, new: NodeRecord | None) -> list[str]:
    """Capabilities left naming an area no need names once need ``old`` becomes ``new``.

    ``new`` is ``None`` when the need is deleted. A need is the last of its
    area when no other need of its locality names that area; then every
    capability that names the area and serves that locality (or is national,
    when no need anywhere else names the area) would be left pointing at
    nothing. The API refuses such a change (409) rather than leave them so.
    """
    if old.label != "Need":
        return []
    area, loc = old.props.get("area"), old.props.get("locality_id")
    if new is not None and (new.props.get("area"), new.props.get("locality_id")) == (area, loc):
        return []
    if any(
        n.id != old.id and n.props.get("area") == area
        for n in store.find("Need", locality_id=str(loc))
    ):
        return []
    elsewhere = any(
        n.id != old.id and n.props.get("area") == area for n in store.iter_nodes("Need")
    )
    out = []
    for cap in store.iter_nodes("Capability"):
        if area not in id_list(cap.props.get("areas")):
            continue
        localities = id_list(cap.props.get("locality_ids"))
        if not localities:
            org = store.get(str(cap.props.get("organization_id") or ""))
            localities = id_list(org.props.get("locality_ids")) if org is not None else []
        if loc in localities or (not localities and not elsewhere):
            out.append(cap.id)
    return sorted(out)
