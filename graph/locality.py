"""A locality's part of the graph: the one rule of which records it holds.

A partnership manager looking at her town sees the locality, every node in
it (organisations operating there, its forums, programs, goals, needs and
investments), the investments into its programs, every node one
relationship away from those (national funders, ministries, forum members,
roles), the roles of every organisation kept, and all relationships among
them; less what that drew in from other localities. One relationship away
from a national actor that works in many towns lie its partners, programs
and money in those other towns: a node that belongs only to other
localities stays when it is tied directly to an actor anchored here (one
whose only locality is this one: the municipality's twin-town partnership
stays; so does an organisation whose role sits in the town's forum) and
goes otherwise. Then roles of organisations that went,
investments into programs that went (or, without a program, into another
locality), and every relationship that lost an end go too. National nodes
(no locality) stay. A role reached by itself (a national body's officer who
sits in the town's emergency team) brings its organisation when that
organisation may stay (national, of this locality, or tied to an anchored
actor). An id that is not a Locality has no part.

This module is that rule's only implementation (:meth:`LocalityIndex.part`).
Both stores fetch candidate records with their own queries and cut them with
it (:meth:`graph.store.base.GraphStore.subgraph`); :func:`graph.scope.read`,
the one way into a scope's records, reads through it; the all-localities
overview (:mod:`graph.analytics.overview`) carves every locality from one
:class:`LocalityIndex`. The existence check of a locality named by a user is
:func:`graph.scope.check_locality`.

Examples
--------
>>> from graph.model import NodeRecord as N, RelRecord as R
>>> nodes = [N("Locality", "l1"), N("Locality", "l2"),
...          N("Organization", "muni", {"locality_ids": ["l1"]}),
...          N("Organization", "fund", {"locality_ids": ["l1", "l2"]}),
...          N("Organization", "twin", {"locality_ids": ["l2"]}),
...          N("Organization", "other-town", {"locality_ids": ["l2"]}),
...          N("Organization", "ministry"), N("Organization", "command"),
...          N("Forum", "team", {"locality_id": "l1"}),
...          N("Role", "officer", {"organization_id": "command"})]
>>> rels = [R("PARTNERS_WITH", "muni", "twin"), R("PARTNERS_WITH", "fund", "other-town"),
...         R("PARTNERS_WITH", "fund", "ministry"), R("MEMBER_OF", "officer", "team"),
...         R("ROLE_IN", "officer", "command")]
>>> part = locality_part(nodes, rels, "l1")
>>> [n.id for n in part.nodes]
['command', 'fund', 'l1', 'ministry', 'muni', 'officer', 'team', 'twin']
>>> [r.key for r in part.relationships]  # doctest: +NORMALIZE_WHITESPACE
[('fund', 'PARTNERS_WITH', 'ministry'), ('muni', 'PARTNERS_WITH', 'twin'),
 ('officer', 'MEMBER_OF', 'team'), ('officer', 'ROLE_IN', 'command')]
>>> locality_part(nodes, rels, "muni").nodes
[]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from graph.model import NodeRecord, RelRecord, Subgraph, node_localities

__all__ = ["LocalityIndex", "locality_part", "role_organizations"]

#: Nodes with more relationships than this are indexed as hubs.
_HUB_DEGREE = 200


class LocalityIndex:
    """Records indexed to carve localities' parts from: build once, ask :meth:`part` often.

    Parameters
    ----------
    nodes, relationships : iterable
        The records to carve from: the whole graph, or a store's candidates
        for one locality (every record the rule could keep, and every
        relationship among them).
    """

    def __init__(self, nodes: Iterable[NodeRecord], relationships: Iterable[RelRecord]) -> None:
        self.by_id: dict[str, NodeRecord] = {}
        #: Node id -> its localities (only nodes that have some).
        self.localities: dict[str, tuple[str, ...]] = {}
        #: Locality id -> the ids of the nodes in it (the locality itself included).
        self.members: dict[str, set[str]] = defaultdict(set)
        for node in nodes:
            self.by_id[node.id] = node
            found = tuple(node_localities(node))
            if found:
                self.localities[node.id] = found
            for loc in found:
                self.members[loc].add(node.id)
        self.touching: dict[str, list[RelRecord]] = defaultdict(list)
        self.roles: dict[str, list[str]] = defaultdict(list)
        self.funders: dict[str, list[str]] = defaultdict(list)
        for rel in relationships:
            self.touching[rel.source].append(rel)
            if rel.target != rel.source:
                self.touching[rel.target].append(rel)
            if rel.type == "ROLE_IN":
                self.roles[rel.target].append(rel.source)
            elif rel.type == "FUNDS":
                self.funders[rel.target].append(rel.source)
        # Hubs (national ministries, big funders) touch thousands of relationships;
        # their ties to small nodes are found from the small side, their ties to
        # each other from this short list.
        self.hubs = {nid for nid, rs in self.touching.items() if len(rs) > _HUB_DEGREE}
        self.hub_rels: dict[str, list[RelRecord]] = defaultdict(list)
        for hub in self.hubs:
            for rel in self.touching[hub]:
                if rel.source in self.hubs and rel.target in self.hubs:
                    self.hub_rels[hub].append(rel)

    def part(self, locality_id: str) -> Subgraph:
        """The part of the graph of ``locality_id`` (see the module), sorted as the stores sort."""
        by_id, touching, locs = self.by_id, self.touching, self.localities
        here = by_id.get(locality_id)
        if here is None or here.label != "Locality":
            return Subgraph([], [])
        members = self.members.get(locality_id, set())
        core = set(members)
        for nid in [m for m in members if by_id[m].label == "Program"]:
            core.update(self.funders.get(nid, ()))
        reached = set(core)
        for nid in core:
            if nid != locality_id:
                for rel in touching.get(nid, ()):
                    reached.add(rel.source)
                    reached.add(rel.target)
        # Anchored: the locality and the actors whose only locality it is.
        anchored = {locality_id} | {
            m for m in members if by_id[m].label != "Locality" and locs.get(m) == (locality_id,)
        }
        tied: set[str] = set()
        for nid in anchored:
            for rel in touching.get(nid, ()):
                other = rel.target if rel.source == nid else rel.source
                tied.add(other)
                found = by_id.get(other)
                if found is not None and found.label == "Role":  # tied through its officer
                    tied.add(str(found.props.get("organization_id") or ""))

        def belongs(nid: str) -> bool:
            label = by_id[nid].label
            if label in ("Role", "Investment"):
                return True  # judged below, by what they belong to
            if label == "Locality":
                return nid == locality_id
            theirs = locs.get(nid, ())
            return not theirs or locality_id in theirs or nid in tied

        kept = {nid for nid in reached if nid in by_id and belongs(nid)}
        for nid in [k for k in kept if by_id[k].label == "Organization"]:
            kept.update(r for r in self.roles.get(nid, ()) if r in by_id)
        # A role reached on its own (a national body's officer in the town's emergency
        # team) brings its organisation, when that belongs here; not the others' roles.
        for nid in [k for k in kept if by_id[k].label == "Role"]:
            org = by_id[nid].props.get("organization_id")
            if isinstance(org, str) and org in by_id and belongs(org):
                kept.add(org)
        for nid in list(kept):
            node = by_id[nid]
            if node.label == "Role":
                if node.props.get("organization_id") not in kept:
                    kept.discard(nid)
            elif node.label == "Investment":
                program = node.props.get("program_id")
                elsewhere = (
                    program not in kept if program else node.props.get("locality_id") != locality_id
                )
                if elsewhere:
                    kept.discard(nid)
        rels: dict[tuple[str, str, str], RelRecord] = {}
        for nid in kept:
            for rel in self.hub_rels.get(nid, ()) if nid in self.hubs else touching.get(nid, ()):
                if rel.source in kept and rel.target in kept:
                    rels[rel.key] = rel
        return Subgraph(
            sorted((by_id[k] for k in kept), key=lambda n: n.id),
            [rels[k] for k in sorted(rels)],
        )


def role_organizations(nodes: Iterable[NodeRecord]) -> set[str]:
    """The organisations the roles among ``nodes`` belong to: a store's candidates for a
    locality hold them, since a role reached by itself brings its organisation.

    >>> role_organizations([NodeRecord("Role", "r1", {"organization_id": "o1"}),
    ...                     NodeRecord("Role", "r2", {}), NodeRecord("Organization", "o2")])
    {'o1'}
    """
    return {
        org
        for n in nodes
        if n.label == "Role" and isinstance(org := n.props.get("organization_id"), str) and org
    }


def locality_part(
    nodes: Iterable[NodeRecord], relationships: Iterable[RelRecord], locality_id: str
) -> Subgraph:
    """The part of ``locality_id`` in these records (:meth:`LocalityIndex.part` of one locality).

    Parameters
    ----------
    nodes, relationships : iterable
        The whole graph, or a superset of the locality's part with every
        relationship among its records (a store's candidates).
    locality_id : str
        The locality; an id that is not a Locality among ``nodes`` has an empty part.

    Returns
    -------
    Subgraph
        Nodes sorted by id, relationships by ``(source, type, target)``.
    """
    return LocalityIndex(nodes, relationships).part(locality_id)
