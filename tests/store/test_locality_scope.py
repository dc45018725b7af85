"""A locality's part of the graph has one rule (graph/locality.py), on every path.

The store's candidate queries (SQLite's generic ones and Neo4j's Cypher)
cut by the interface's ``subgraph``, the one-pass read of
:func:`graph.scope.read` and the overview's index must all give the same
part, because all of them end in :func:`graph.locality.locality_part`.
The expected part of the hand-built town is worked out by hand below.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.errors import NotFound
from graph.locality import LocalityIndex, locality_part
from graph.model import NodeRecord as N
from graph.model import RelRecord as R
from graph.model import Subgraph
from graph.scope import Scope, check_locality, cut, read
from graph.store.base import GraphStore
from importers.registry import run_import

DEMO = Path(__file__).resolve().parents[2] / "importers" / "demo" / "data"


def _town(store: GraphStore) -> None:
    store.write(
        [
            N("Locality", "l1", {"name": "שדרות"}),
            N("Locality", "l2", {"name": "אופקים"}),
            # anchored: l1 is its only locality
            N("Organization", "muni", {"name": "עירייה", "locality_ids": ["l1"]}),
            # tied to two localities: in l1, but not anchored
            N("Organization", "shared", {"name": "עמותה", "locality_ids": ["l1", "l2"]}),
            # no locality: a national actor
            N("Organization", "national", {"name": "משרד"}),
            N("Organization", "twin", {"name": "עיר תאומה", "locality_ids": ["l2"]}),
            N("Organization", "far", {"name": "רחוק", "locality_ids": ["l2"]}),
            N("Organization", "guest", {"name": "אורח", "locality_ids": ["l2"]}),
            N("Program", "p1", {"name": "קריאה", "locality_id": "l1", "operator_id": "shared"}),
            N("Program", "p2", {"name": "חשבון", "locality_id": "l2", "operator_id": "shared"}),
            N("Forum", "f1", {"name": "מינהלת", "locality_id": "l1", "convener_id": "muni"}),
            N("Investment", "i1", {"funder_id": "national", "program_id": "p1", "amount": 1}),
            N("Investment", "i3", {"funder_id": "shared", "program_id": "p2", "amount": 1}),
            N("Investment", "i4", {"funder_id": "shared", "locality_id": "l2", "amount": 1}),
            N("Role", "r-muni", {"title": "מנכ״ל", "organization_id": "muni"}),
            N("Role", "r-national", {"title": "מפקח", "organization_id": "national"}),
            N("Role", "r-far", {"title": "רכזת", "organization_id": "far"}),
            # reached only through their officers, who sit in l1's forum
            N("Organization", "command", {"name": "פיקוד"}),
            N("Role", "r-officer", {"title": "קצין", "organization_id": "command"}),
            N("Organization", "visitor", {"name": "מבקרת", "locality_ids": ["l2"]}),
            N("Role", "r-visitor", {"title": "רכזת", "organization_id": "visitor"}),
        ],
        [
            R("PARTNERS_WITH", "muni", "twin"),
            R("PARTNERS_WITH", "shared", "far"),
            R("MEMBER_OF", "national", "f1"),
            R("MEMBER_OF", "guest", "f1"),
            R("MEMBER_OF", "r-officer", "f1"),
            R("MEMBER_OF", "r-visitor", "f1"),
        ],
    )


# By hand. Core of l1: its members l1, muni, shared, p1, f1, and i1 (funds p1). One step
# out of the core (not of l1 itself): twin, r-muni, l2, far, p2, i3, i4, national, guest.
# Anchored (l1 their only locality): muni, p1, f1. Of the other towns' nodes, twin
# (muni's partner) and guest (member of f1) are tied to an anchor and stay; far (partner
# of the two-town `shared` only) and p2 go, as does l2. Roles of kept organisations:
# r-muni, r-national (r-far's organisation went). i3 funds p2, which went; i4 has no
# program and is l2's money: both go. r-officer and r-visitor sit in f1 (one step out of
# the core) and bring their organisations: command is national; visitor, of l2 only,
# is tied to the anchored f1 through its officer. visitor's tie to l2 goes with l2.
L1_NODES = [
    "command",
    "f1",
    "guest",
    "i1",
    "l1",
    "muni",
    "national",
    "p1",
    "r-muni",
    "r-national",
    "r-officer",
    "r-visitor",
    "shared",
    "twin",
    "visitor",
]
L1_RELS = sorted(
    [
        ("r-officer", "MEMBER_OF", "f1"),
        ("r-officer", "ROLE_IN", "command"),
        ("r-visitor", "MEMBER_OF", "f1"),
        ("r-visitor", "ROLE_IN", "visitor"),
        ("f1", "CONVENED_BY", "muni"),
        ("f1", "IN_LOCALITY", "l1"),
        ("guest", "MEMBER_OF", "f1"),
        ("i1", "FUNDS", "p1"),
        ("muni", "OPERATES_IN", "l1"),
        ("muni", "PARTNERS_WITH", "twin"),
        ("national", "MADE", "i1"),
        ("national", "MEMBER_OF", "f1"),
        ("p1", "IN_LOCALITY", "l1"),
        ("r-muni", "ROLE_IN", "muni"),
        ("r-national", "ROLE_IN", "national"),
        ("shared", "OPERATES", "p1"),
        ("shared", "OPERATES_IN", "l1"),
    ]
)

# By hand, from l2's side. Core: l2, shared, twin, far, guest, p2, i4 (l2's money), i3
# (funds p2). Anchored: twin, far, guest, p2, i4. muni (twin's partner) and f1 (guest
# sits in it) are tied to an anchor and stay, with r-muni; l1 and p1 (tied only to the
# two-town `shared`) go; national is never reached (only l1's forum and money touch it).
# visitor is l2's, with its officer r-visitor (who sits in f1, kept); r-officer and its
# command are two steps out (through f1, which is not l2's) and never reached.
L2_NODES = [
    "f1",
    "far",
    "guest",
    "i3",
    "i4",
    "l2",
    "muni",
    "p2",
    "r-far",
    "r-muni",
    "r-visitor",
    "shared",
    "twin",
    "visitor",
]
L2_RELS = sorted(
    [
        ("r-visitor", "MEMBER_OF", "f1"),
        ("r-visitor", "ROLE_IN", "visitor"),
        ("visitor", "OPERATES_IN", "l2"),
        ("f1", "CONVENED_BY", "muni"),
        ("far", "OPERATES_IN", "l2"),
        ("guest", "MEMBER_OF", "f1"),
        ("guest", "OPERATES_IN", "l2"),
        ("i3", "FUNDS", "p2"),
        ("i4", "FUNDS", "l2"),
        ("muni", "PARTNERS_WITH", "twin"),
        ("p2", "IN_LOCALITY", "l2"),
        ("r-far", "ROLE_IN", "far"),
        ("r-muni", "ROLE_IN", "muni"),
        ("shared", "MADE", "i3"),
        ("shared", "MADE", "i4"),
        ("shared", "OPERATES", "p2"),
        ("shared", "OPERATES_IN", "l2"),
        ("shared", "PARTNERS_WITH", "far"),
        ("twin", "OPERATES_IN", "l2"),
    ]
)


def _keys(sub: Subgraph) -> list[tuple[str, str, str]]:
    return [r.key for r in sub.relationships]


def _every_path(store: GraphStore, locality_id: str) -> dict[str, Subgraph]:
    nodes, rels = list(store.iter_nodes()), list(store.iter_relationships())
    generic = GraphStore.locality_candidates(store, locality_id)
    return {
        "store": store.subgraph(locality_id),
        # the interface's generic candidate queries, beside the store's own (Neo4j's Cypher)
        "generic candidates": locality_part(generic.nodes, generic.relationships, locality_id),
        "read": read(store, Scope(locality_id), dated=False),
        "one pass": locality_part(nodes, rels, locality_id),
        "index": LocalityIndex(nodes, rels).part(locality_id),
    }


def test_every_path_gives_the_hand_worked_part(store: GraphStore) -> None:
    # No store cuts on its own: they fetch candidates, the interface applies the rule.
    assert type(store).subgraph is GraphStore.subgraph
    _town(store)
    for path, sub in _every_path(store, "l1").items():
        assert [n.id for n in sub.nodes] == L1_NODES, path
        assert _keys(sub) == L1_RELS, path
    for path, sub in _every_path(store, "l2").items():
        assert [n.id for n in sub.nodes] == L2_NODES, path
        assert _keys(sub) == L2_RELS, path


def test_what_is_not_a_locality_has_no_part_and_is_not_found(store: GraphStore) -> None:
    _town(store)
    for not_a_locality in ("nowhere", "muni"):
        assert store.subgraph(not_a_locality) == Subgraph([], [])
        with pytest.raises(NotFound) as err:
            read(store, Scope(not_a_locality), where="query locality_id")
        assert str(err.value) == f"query locality_id: no locality with id {not_a_locality!r}"
        with pytest.raises(NotFound, match=f"^--locality: no locality with id '{not_a_locality}'$"):
            check_locality(store, not_a_locality, "--locality")
    check_locality(store, "l1")  # a locality passes
    check_locality(store, None)  # the whole graph needs no check


def test_every_path_agrees_on_the_demo(store: GraphStore) -> None:
    report = run_import(store, DEMO)
    assert report.valid, report.flatten()[:3]
    localities = sorted(n.id for n in store.iter_nodes("Locality"))
    assert len(localities) == 9  # importers/demo/FINDINGS.md
    for loc in localities:
        parts = _every_path(store, loc)
        first = parts["store"]
        assert any(n.id == loc for n in first.nodes) and len(first.nodes) > 10, loc
        for path, sub in parts.items():
            assert sub.nodes == first.nodes, (loc, path)
            assert _keys(sub) == _keys(first), (loc, path)
    # The date half comes after the place half: read at a date is the cut of the part.
    scope = Scope("loc-sderot", dt.date(2024, 6, 30))
    assert read(store, scope) == cut(read(store, scope, dated=False), scope)
