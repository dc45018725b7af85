"""The actor network: organisations tied by what they do together.

:func:`build_network` turns the stored property graph (or a
:class:`~graph.store.base.Subgraph` of it) into an undirected
:class:`networkx.Graph` whose nodes are organisations only. Roles fold into
their organisation: a role's seat in a forum counts for the organisation
the role belongs to. Two organisations are tied when they

* have an explicit ``PARTNERS_WITH`` partnership (kind ``partnership``),
* sit in the same forum, the convener included (kind ``forum``),
* work in the same program as operator or ``PARTNERS_IN`` partner
  (kind ``program``),
* are funder and operator of a funded program (kind ``funding``), or
* are parent and unit (``PART_OF``, kind ``part_of``).

Every tie keeps its ``evidence``: one ``{"kind", "id", "name"}`` dict per
forum, program, partnership or investment behind it, and a ``weight`` that
sums the evidence: a partnership counts its ``strength`` (1-5, default 3),
a forum ``meetings_per_year / 12`` (6 meetings when unknown), an investment
``log10(1 + amount) / 6`` (one million shekels is about 1), a shared
program or a ``PART_OF`` link 1.

:func:`affiliation_graph` gives the two-mode organisation-forum graph the
forum ties are projected from (for bipartite measures).

Examples
--------
>>> from graph.model import NodeRecord, RelRecord, node_localities
>>> from graph.store.base import Subgraph
>>> sub = Subgraph(
...     [NodeRecord("Organization", "a", {"name": "עירייה", "sector": "local_authority"}),
...      NodeRecord("Organization", "b", {"name": "מתנ\\"ס", "sector": "nonprofit"}),
...      NodeRecord("Forum", "f", {"name": "מינהלת", "meetings_per_year": 12})],
...     [RelRecord("MEMBER_OF", "a", "f"), RelRecord("MEMBER_OF", "b", "f")])
>>> G = build_network(sub)
>>> G.edges["a", "b"]["kinds"], G.edges["a", "b"]["weight"]
(['forum'], 1.0)
>>> G.edges["a", "b"]["evidence"]
[{'kind': 'forum', 'id': 'f', 'name': 'מינהלת'}]
"""

from __future__ import annotations

import gc
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, combinations
from typing import Any

import networkx as nx
import numpy as np

from graph.errors import ValidationFailed
from graph.model import NodeRecord, RelRecord
from graph.network_arrays import (
    Adjacency,
    adjacency_of,
    components_of,
    edge_ends,
    igraph_of,
    seed_copies,
    tie_kinds_of,
)
from graph.scope import Scope, read
from graph.store.base import GraphStore, Subgraph

__all__ = [
    "CONTEXTS",
    "NETWORK_LABELS",
    "NETWORK_RELATIONSHIPS",
    "TIE_KINDS",
    "Adjacency",
    "adjacency_of",
    "affiliation_graph",
    "build_network",
    "components_of",
    "context_allows",
    "edge_ends",
    "gc_paused",
    "igraph_of",
    "same_network_records",
    "tie_kinds_of",
]

TIE_KINDS = ("partnership", "forum", "program", "funding", "part_of")
CONTEXTS = ("routine", "emergency", "both")

#: The node labels and relationship types :func:`build_network` reads; nothing else
#: of a subgraph changes the network (see :func:`same_network_records`).
NETWORK_LABELS = frozenset({"Organization", "Role", "Forum", "Program", "Investment", "Locality"})
NETWORK_RELATIONSHIPS = frozenset(
    {
        "MEMBER_OF",
        "CONVENED_BY",
        "ROLE_IN",
        "OPERATES",
        "PARTNERS_IN",
        "MADE",
        "FUNDS",
        "PARTNERS_WITH",
        "PART_OF",
    }
)

#: Meetings a year assumed for a forum that does not say.
_DEFAULT_MEETINGS = 6
_DEFAULT_STRENGTH = 3


def context_allows(item_context: Any, context: str) -> bool:
    """Whether a forum, program or partnership of ``item_context`` is kept.

    ``"routine"`` keeps routine and both, ``"emergency"`` keeps emergency and
    both, ``"both"`` keeps everything. Items without a context are routine.

    >>> context_allows("both", "emergency"), context_allows("routine", "emergency")
    (True, False)
    """
    if context == "both":
        return True
    value = str(item_context or "routine")
    return value in (context, "both")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a block that builds many objects.

    Building a national network creates millions of small tuples, lists and
    dicts, none of them in reference cycles; the collector's repeated scans
    of that growing heap cost more than the building itself (about 60% of
    :func:`build_network` on 480k ties). Reference counting still frees
    everything; the collector resumes (if it was on) when the block ends.

    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def same_network_records(a: Subgraph, b: Subgraph) -> bool:
    """Whether :func:`build_network` reads the same records, in the same order, from both.

    Then it makes the same network of both (for the same scope and context): the
    nodes of :data:`NETWORK_LABELS` and the relationships of
    :data:`NETWORK_RELATIONSHIPS` are compared whole (every property) and in
    order, as the weights add up in that order. A change anywhere else (a goal,
    a need, a survey answer, a goal's ``ADVANCES``) leaves the network as it was.

    >>> from graph.model import NodeRecord as N, RelRecord as R
    >>> org, goal = N("Organization", "a", {"name": "א"}), N("Goal", "g", {"title": "x"})
    >>> same_network_records(Subgraph([org], []), Subgraph([org, goal], [R("ADVANCES", "p", "g")]))
    True
    >>> renamed = N("Organization", "a", {"name": "ב"})
    >>> same_network_records(Subgraph([org], []), Subgraph([renamed], []))
    False
    """
    labels, types = NETWORK_LABELS, NETWORK_RELATIONSHIPS
    return [n for n in a.nodes if n.label in labels] == [
        n for n in b.nodes if n.label in labels
    ] and [r for r in a.relationships if r.type in types] == [
        r for r in b.relationships if r.type in types
    ]


def _check_context(context: str) -> None:
    if context not in CONTEXTS:
        raise ValidationFailed(f"context must be one of {', '.join(CONTEXTS)}, not {context!r}")


def _scope_localities(
    nodes: Iterable[NodeRecord], locality_id: str | None, cluster_id: str | None
) -> list[str] | None:
    if locality_id is not None:
        return [locality_id]
    if cluster_id is not None:
        return sorted(
            n.id for n in nodes if n.label == "Locality" and n.props.get("cluster_id") == cluster_id
        )
    return None


def _records(
    source: GraphStore | Subgraph, locality_id: str | None, cluster_id: str | None
) -> tuple[list[NodeRecord], Iterable[RelRecord]]:
    if isinstance(source, Subgraph):
        return source.nodes, source.relationships
    if locality_id is None and cluster_id is None:
        return list(source.iter_nodes()), source.iter_relationships()
    # No date cut here: a caller that wants one reads the scope itself and passes the subgraph.
    sub = read(source, Scope(locality_id, cluster_id=cluster_id), dated=False)
    return sub.nodes, sub.relationships


def _money_weight(amount: Any) -> float:
    try:
        value = float(amount or 0)
    except (TypeError, ValueError):
        return 0.0
    return math.log10(1.0 + max(value, 0.0)) / 6.0


def _forum_weight(meetings: Any) -> float:
    try:
        value = float(meetings) if meetings is not None else _DEFAULT_MEETINGS
    except (TypeError, ValueError):
        value = _DEFAULT_MEETINGS
    return value / 12.0


class _Ties:
    """Accumulates ties between organisations (by vertex index) before they become edges.

    ``pairs`` maps ``(i, j)`` with ``i < j`` to ``[weight, evidence list]``;
    weights add up in the order the evidence comes in.
    """

    def __init__(self) -> None:
        self.pairs: dict[tuple[int, int], list[Any]] = {}

    def add(self, i: int, j: int, weight: float, evidence: dict[str, Any]) -> None:
        if i == j:
            return
        key = (i, j) if i < j else (j, i)
        entry = self.pairs.get(key)
        if entry is None:
            self.pairs[key] = [weight, [evidence]]
        else:
            entry[0] += weight
            entry[1].append(evidence)

    def clique(self, members: list[int], weight: float, evidence: dict[str, Any]) -> None:
        # One shared evidence dict for the whole clique keeps big forums cheap.
        pairs = self.pairs
        for key in combinations(sorted(members), 2):
            entry = pairs.get(key)
            if entry is None:
                pairs[key] = [weight, [evidence]]
            else:
                entry[0] += weight
                entry[1].append(evidence)


def build_network(
    source: GraphStore | Subgraph,
    *,
    locality_id: str | None = None,
    cluster_id: str | None = None,
    context: str = "both",
) -> nx.Graph:
    """The undirected actor network of a scope.

    Parameters
    ----------
    source : GraphStore or Subgraph
        Where the graph comes from. A store is read in one pass (the whole
        graph) or through :func:`graph.scope.read` (without its date cut); a subgraph is taken as
        already scoped (``locality_id``/``cluster_id`` then only label it).
    locality_id, cluster_id : str, optional
        The scope: one locality or a cluster of localities; default the whole graph.
    context : {"both", "routine", "emergency"}
        Keep forums, programs and partnerships of this context (and
        ``both``); investments follow their program.

    Returns
    -------
    networkx.Graph
        Nodes are organisation ids with ``name``, ``sector``, ``kind``,
        ``locality_ids``, ``parent_id`` and ``forum_ids`` (forums it sits in,
        after the context filter); edges have ``weight``, ``kinds`` and
        ``evidence``. ``G.graph["scope"]`` holds ``locality_id``,
        ``cluster_id``, ``context`` and ``locality_ids`` (the scope's
        localities, ``None`` for the whole graph).

    Examples
    --------
    >>> from graph.model import NodeRecord, RelRecord, node_localities
    >>> from graph.store.base import Subgraph
    >>> orgs = [NodeRecord("Organization", i, {"name": i, "sector": "nonprofit"}) for i in "abc"]
    >>> prog = NodeRecord("Program", "p", {"name": "חוגים", "operator_id": "a",
    ...                                     "context": "emergency"})
    >>> sub = Subgraph(orgs + [prog], [RelRecord("OPERATES", "a", "p"),
    ...     RelRecord("PARTNERS_IN", "b", "p"),
    ...     RelRecord("PARTNERS_WITH", "b", "c", {"strength": 5, "context": "routine"})])
    >>> sorted(build_network(sub).edges(data="weight"))
    [('a', 'b', 1.0), ('b', 'c', 5.0)]
    >>> sorted(build_network(sub, context="routine").edges)
    [('b', 'c')]
    """
    _check_context(context)
    with gc_paused():
        return _build(source, locality_id, cluster_id, context)


def _build(
    source: GraphStore | Subgraph, locality_id: str | None, cluster_id: str | None, context: str
) -> nx.Graph:
    nodes, rels = _records(source, locality_id, cluster_id)

    orgs: dict[str, NodeRecord] = {}
    role_org: dict[str, str] = {}
    forums: dict[str, NodeRecord] = {}
    programs: dict[str, NodeRecord] = {}
    investments: dict[str, NodeRecord] = {}
    for node in nodes:
        if node.label == "Organization":
            orgs[node.id] = node
        elif node.label == "Role":
            org = node.props.get("organization_id")
            if org:
                role_org[node.id] = str(org)
        elif node.label == "Forum":
            if context_allows(node.props.get("context"), context):
                forums[node.id] = node
        elif node.label == "Program":
            if context_allows(node.props.get("context"), context):
                programs[node.id] = node
        elif node.label == "Investment":
            investments[node.id] = node

    # Organisations are vertices 0..n-1 in id order (igraph's and the arrays' order too),
    # so ties are pairs of indices and sorting indices sorts the ids.
    order = sorted(orgs)
    index = {oid: i for i, oid in enumerate(order)}
    ties = _Ties()
    forum_members: dict[str, set[int]] = defaultdict(set)
    program_actors: dict[str, set[int]] = defaultdict(set)
    program_operator: dict[str, int] = {}
    invest_funder: dict[str, int] = {}
    invest_program: dict[str, str] = {}

    for rel in rels:
        kind = rel.type
        if kind == "MEMBER_OF":
            member = rel.source if rel.source in orgs else role_org.get(rel.source)
            if member in orgs and rel.target in forums:
                forum_members[rel.target].add(index[member])
        elif kind == "CONVENED_BY":
            if rel.source in forums and rel.target in orgs:
                forum_members[rel.source].add(index[rel.target])
        elif kind == "ROLE_IN":
            role_org[rel.source] = rel.target
        elif kind in ("OPERATES", "PARTNERS_IN"):
            if rel.source in orgs and rel.target in programs:
                program_actors[rel.target].add(index[rel.source])
                if kind == "OPERATES":
                    program_operator[rel.target] = index[rel.source]
        elif kind == "MADE":
            if rel.source in orgs and rel.target in investments:
                invest_funder[rel.target] = index[rel.source]
        elif kind == "FUNDS":
            if rel.source in investments and rel.target in programs:
                invest_program[rel.source] = rel.target
        elif kind == "PARTNERS_WITH":
            if (
                rel.source in orgs
                and rel.target in orgs
                and context_allows(rel.props.get("context"), context)
            ):
                label = rel.props.get("kind") or "partnership"
                ties.add(
                    index[rel.source],
                    index[rel.target],
                    float(rel.props.get("strength") or _DEFAULT_STRENGTH),
                    {
                        "kind": "partnership",
                        "id": f"{rel.source}->{rel.target}",
                        "name": f"{orgs[rel.source].name} – {orgs[rel.target].name} ({label})",
                    },
                )
        elif kind == "PART_OF":
            if rel.source in orgs and rel.target in orgs:
                ties.add(
                    index[rel.source],
                    index[rel.target],
                    1.0,
                    {
                        "kind": "part_of",
                        "id": f"{rel.source}->{rel.target}",
                        "name": f"{orgs[rel.source].name} ⊂ {orgs[rel.target].name}",
                    },
                )

    org_forums: dict[int, list[str]] = defaultdict(list)
    for fid in sorted(forum_members):
        members = forum_members[fid]
        forum = forums[fid]
        for vertex in members:
            org_forums[vertex].append(fid)
        ties.clique(
            list(members),
            _forum_weight(forum.props.get("meetings_per_year")),
            {"kind": "forum", "id": fid, "name": forum.name},
        )
    for pid in sorted(program_actors):
        ties.clique(
            list(program_actors[pid]),
            1.0,
            {"kind": "program", "id": pid, "name": programs[pid].name},
        )
    for iid in sorted(invest_funder):
        funded = invest_program.get(iid)
        operator = program_operator.get(funded) if funded else None
        if operator is None:
            continue
        inv = investments[iid]
        name = inv.name
        funder = invest_funder[iid]
        if funded in programs and name in ("", f"{order[funder]} → {funded}"):
            # An unnamed investment is named by ids (graph.model.Investment); people read
            # the program it funds instead.
            name = programs[funded].name
        ties.add(
            funder,
            operator,
            _money_weight(inv.props.get("amount")),
            {"kind": "funding", "id": iid, "name": name},
        )

    G = nx.Graph()
    G.graph["scope"] = {
        "locality_id": locality_id,
        "cluster_id": cluster_id,
        "context": context,
        "locality_ids": _scope_localities(nodes, locality_id, cluster_id),
    }
    node_attrs = G._node
    for i, oid in enumerate(order):
        node = orgs[oid]
        p = node.props
        node_attrs[oid] = {
            "name": node.name,
            "sector": str(p.get("sector") or "other"),
            "kind": p.get("kind"),
            "locality_ids": list(p.get("locality_ids") or []),
            "parent_id": p.get("parent_id"),
            "forum_ids": org_forums.get(i, []),
        }
    us, vs, datas, weights, kinds = _edges(ties.pairs, len(order))
    _fill_adjacency(G, order, us, vs, datas)
    nx._clear_cache(G)
    seed_copies(G, order, us, vs, weights, kinds)
    return G


_KindCodes = tuple[list[int], list[tuple[str, ...]]]


def _edges(
    pairs: dict[tuple[int, int], list[Any]], n: int
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]], list[float], _KindCodes]:
    """The ties sorted by ``(u, v)``: their ends, edge data, weights and kinds codes.

    Every tie's data is ``{"weight", "kinds", "evidence"}``: the weight rounded
    to 6 decimals, its evidence sorted by kind then id when there is more than
    one, and ``kinds`` the sorted kinds of its evidence (one list shared by all
    ties with the same kinds: read-only, as the whole network is).
    """
    m = len(pairs)
    ends = np.fromiter(chain.from_iterable(pairs), dtype=np.int64, count=2 * m).reshape(m, 2)
    ranked = np.argsort(ends[:, 0] * max(n, 1) + ends[:, 1], kind="stable")
    entries = list(pairs.values())
    datas: list[dict[str, Any]] = []
    weights: list[float] = []
    kind_codes: list[int] = []
    code_of: dict[tuple[str, ...], int] = {}
    shared: list[list[str]] = []
    single: dict[str, tuple[int, list[str]]] = {}  # one evidence kind -> (code, kinds list)
    rounded: dict[float, float] = {}  # a few hundred distinct sums among 300k ties
    for at in ranked.tolist():
        weight, evidence = entries[at]
        if len(evidence) == 1:
            found = single.get(evidence[0]["kind"])
            if found is None:
                key = (evidence[0]["kind"],)
                code = code_of.get(key)
                if code is None:
                    code = code_of[key] = len(code_of)
                    shared.append(list(key))
                found = single[key[0]] = (code, shared[code])
            code, kinds = found
        else:
            evidence.sort(key=_evidence_key)
            key = tuple(sorted({e["kind"] for e in evidence}))
            code = code_of.get(key)
            if code is None:
                code = code_of[key] = len(code_of)
                shared.append(list(key))
            kinds = shared[code]
        w = rounded.get(weight)
        if w is None:
            w = rounded[weight] = round(weight, 6)
        datas.append({"weight": w, "kinds": kinds, "evidence": evidence})
        weights.append(w)
        kind_codes.append(code)
    ends = ends[ranked]
    return ends[:, 0].copy(), ends[:, 1].copy(), datas, weights, (kind_codes, list(code_of))


def _fill_adjacency(
    G: nx.Graph, order: list[str], us: np.ndarray, vs: np.ndarray, datas: list[dict[str, Any]]
) -> None:
    """Write the ties into a fresh ``G``'s adjacency, each row sorted by vertex index.

    The rows are made whole in C (``dict(zip(...))``) from the ties sorted by
    their ends (``networkx``'s ``add_edges_from`` costs about 3x more per tie);
    both directions of a tie share one data dict, as ``networkx.Graph`` does.
    """
    n, m = len(order), len(datas)
    adj = G._adj
    if not m:
        for oid in order:
            adj[oid] = {}
        return
    rows = np.concatenate((us, vs))
    cols = np.concatenate((vs, us))
    sort = np.lexsort((cols, rows))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    names = np.array(order, dtype=object)[cols[sort]].tolist()
    data_of = np.empty(m, dtype=object)
    data_of[:] = datas
    edge_data = data_of[sort % m].tolist()
    bounds = indptr.tolist()
    for i, oid in enumerate(order):
        a, b = bounds[i], bounds[i + 1]
        adj[oid] = dict(zip(names[a:b], edge_data[a:b], strict=True))


_ORDER = {k: i for i, k in enumerate(TIE_KINDS)}


def _evidence_key(evidence: dict[str, Any]) -> tuple[int, str]:
    return (_ORDER[evidence["kind"]], evidence["id"])


def affiliation_graph(
    source: GraphStore | Subgraph,
    *,
    locality_id: str | None = None,
    cluster_id: str | None = None,
    context: str = "both",
) -> nx.Graph:
    """The two-mode graph of organisations and the forums they sit in.

    Roles fold into their organisation and conveners count as members, as
    in :func:`build_network`; forums without any member are left out.
    Nodes have ``bipartite`` 0 (organisations) or 1 (forums) and ``name``.

    Examples
    --------
    >>> from graph.model import NodeRecord, RelRecord, node_localities
    >>> from graph.store.base import Subgraph
    >>> sub = Subgraph([NodeRecord("Organization", "a", {"name": "א"}),
    ...                 NodeRecord("Role", "r", {"name": "רכזת", "organization_id": "a"}),
    ...                 NodeRecord("Forum", "f", {"name": "צוות"})],
    ...                [RelRecord("MEMBER_OF", "r", "f")])
    >>> sorted(affiliation_graph(sub).edges)
    [('a', 'f')]
    """
    _check_context(context)
    nodes, rels = _records(source, locality_id, cluster_id)
    orgs = {n.id: n for n in nodes if n.label == "Organization"}
    forums = {
        n.id: n
        for n in nodes
        if n.label == "Forum" and context_allows(n.props.get("context"), context)
    }
    role_org = {
        n.id: str(n.props["organization_id"])
        for n in nodes
        if n.label == "Role" and n.props.get("organization_id")
    }
    B = nx.Graph()
    for oid in sorted(orgs):
        B.add_node(oid, bipartite=0, name=orgs[oid].name)
    pairs: set[tuple[str, str]] = set()
    for rel in rels:
        if rel.type == "MEMBER_OF":
            member = rel.source if rel.source in orgs else role_org.get(rel.source)
            if member in orgs and rel.target in forums:
                pairs.add((member, rel.target))
        elif rel.type == "CONVENED_BY" and rel.source in forums and rel.target in orgs:
            pairs.add((rel.target, rel.source))
    for fid in sorted({f for _, f in pairs}):
        B.add_node(fid, bipartite=1, name=forums[fid].name)
    B.add_edges_from(sorted(pairs))
    return B
