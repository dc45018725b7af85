"""A small town whose emergency readiness is worked out by hand (tests/analytics/test_readiness.py).

Locality ``l`` ("Sderot-like"), areas ``north`` and ``south``. The emergency team ``team``
(kind emergency_team) has the municipality ``city`` (through its role ``r-city``) and the
national ``mda`` as members.

Ties (context decides whether they count for reaching a provider):

* city - vol: partnership, context emergency       -> vol is 1 step from the team
* vol - far: program ``p-both`` (context both)      -> far is 2 steps
* city - bakery: forum ``routine-forum`` (no context = routine)    -> does not count
* bakery - vol: partnership, context routine         -> does not count
* city - bakery: partnership, context emergency, until 2020 -> counts only before 2021
* nat (national): no tie at all

Capabilities:

======== ============ ========= ================ =================
org      category     capacity  areas            note
======== ============ ========= ================ =================
vol      food         60        north
vol      volunteers   (none)    (whole town)
bakery   food         50        (whole town)
far      medical      (none)    north; south
city     medical      10        north            team member
nat      transport    40        (whole town)     national org
ot       food         500       (whole town)     works in l2 only
gone     food         500       (whole town)     ended in 2020
======== ============ ========= ================ =================
"""

from __future__ import annotations

from graph.model import NodeRecord as N
from graph.model import RelRecord as R
from graph.model import derived_relationships
from graph.store.base import GraphStore, Subgraph

__all__ = ["NEEDS", "ORGS", "town", "write_town"]

ORGS = {
    "city": ("עיריית העיר", "local_authority", ["l"], {}),
    "mda": ("מד״א", "government", [], {}),
    "vol": ("Volunteers", "nonprofit", ["l"], {}),
    "far": ("Far Clinic", "nonprofit", ["l"], {}),
    "bakery": ("Bakery", "business", ["l"], {}),
    "nat": ("National Aid", "nonprofit", [], {}),
    "ot": ("Other Town Kitchen", "nonprofit", ["l2"], {}),
    "gone": ("Closed Kitchen", "nonprofit", ["l"], {"until": "2020"}),
}

#: id -> (category, area, population, severity)
NEEDS = {
    "n-food-north": ("food", "north", 100, 5),
    "n-food-south": ("food", "south", 200, 4),
    "n-shelter-north": ("shelter", "north", 50, 5),
    "n-water-south": ("water", "south", 300, 3),
    "n-transport-north": ("transport", "north", 40, 2),
    "n-medical-north": ("medical", "north", None, 5),
    "n-volunteers-south": ("volunteers", "south", 30, 3),
}

_CAPS = [
    ("vol", "food", 60, ["north"], "r-vol"),
    ("vol", "volunteers", None, [], None),
    ("bakery", "food", 50, [], None),
    ("far", "medical", None, ["north", "south"], None),
    ("city", "medical", 10, ["north"], "r-city"),
    ("nat", "transport", 40, [], None),
    ("ot", "food", 500, [], None),
    ("gone", "food", 500, [], None),
]


def town() -> Subgraph:
    """The fixture as a subgraph (all of it: the readiness of ``l`` reads it whole)."""
    nodes = [
        N("Locality", "l", {"name": "Town"}),
        N("Locality", "l2", {"name": "Other town"}),
        N("Role", "r-city", {"title": "מנהלת שותפויות", "organization_id": "city"}),
        N("Role", "r-vol", {"title": "רכזת מתנדבים", "organization_id": "vol"}),
        N("Forum", "team", {"name": "צוות חירום", "kind": "emergency_team", "locality_id": "l"}),
        N("Forum", "routine-forum", {"name": "שולחן עגול", "kind": "other", "locality_id": "l"}),
        N("Program", "p-both", {"name": "מרפאה ניידת", "operator_id": "far", "locality_id": "l",
                                "context": "both"}),
    ]  # fmt: skip
    for oid, (name, sector, locs, extra) in ORGS.items():
        nodes.append(
            N("Organization", oid, {"name": name, "sector": sector, "locality_ids": locs, **extra})
        )
    for nid, (category, area, population, severity) in NEEDS.items():
        props = {"locality_id": "l", "area": area, "category": category, "severity": severity}
        if population is not None:
            props["population"] = population
        nodes.append(N("Need", nid, props))
    for org, category, capacity, areas, role in _CAPS:
        props = {"organization_id": org, "category": category, "areas": areas}
        if capacity is not None:
            props["capacity"] = capacity
        if role:
            props["contact_role_id"] = role
        nodes.append(N("Capability", f"capability:{org}:{category}", props))
    rels = [
        R("ROLE_IN", "r-city", "city"),
        R("ROLE_IN", "r-vol", "vol"),
        R("MEMBER_OF", "r-city", "team"),
        R("MEMBER_OF", "mda", "team"),
        R("MEMBER_OF", "city", "routine-forum"),
        R("MEMBER_OF", "bakery", "routine-forum"),
        R("PARTNERS_WITH", "city", "vol", {"context": "emergency"}),
        R("PARTNERS_WITH", "bakery", "vol", {"context": "routine"}),
        R("PARTNERS_WITH", "city", "bakery", {"context": "emergency", "until": "2020"}),
        R("OPERATES", "far", "p-both"),
        R("PARTNERS_IN", "vol", "p-both"),
    ]
    return Subgraph(sorted(nodes, key=lambda n: n.id), rels)


def write_town(store: GraphStore) -> None:
    """Write the fixture into a store, with the relationships its reference fields imply."""
    sub = town()
    rels: dict[tuple[str, str, str], R] = {}
    for node in sub.nodes:
        for rel in derived_relationships(node):
            rels[rel.key] = rel
    for rel in sub.relationships:
        rels.setdefault(rel.key, rel)
    store.write(sub.nodes, list(rels.values()))
