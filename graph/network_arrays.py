"""Copies of an actor network that C code can work on: igraph and CSR arrays.

The findings read the same :class:`networkx.Graph` many times over; the heavy
measures run on copies of it made once per network and shared while it lives:

* :func:`igraph_of`: an attribute-free :class:`igraph.Graph` (betweenness,
  articulation points, components);
* :func:`adjacency_of`: the weighted adjacency as compressed sparse rows of
  NumPy arrays (Burt's measures, brokerage's closed pairs), every row in the
  order of the network's own adjacency, so that sums over it add up in the
  same order as a loop over ``G[u]`` would.

:func:`graph.network.build_network` hands both over as it builds the network
(:func:`seed_copies`): it knows every tie by vertex index already, so no second
pass over the NetworkX graph is needed. A network built any other way gets its
copies on first use. Either way a copy is kept only while the network keeps its
number of nodes and ties: treat networks that have copies as read-only.

Examples
--------
>>> G = nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c"), ("c", "c")])
>>> A = adjacency_of(G)
>>> A.nodes, A.indptr.tolist(), A.indices.tolist(), A.weights.tolist()
(['a', 'b', 'c'], [0, 1, 3, 4], [1, 0, 2, 1], [2.0, 2.0, 1.0, 1.0])
>>> adjacency_of(G) is A
True
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, NamedTuple

import igraph as ig
import networkx as nx
import numpy as np

__all__ = [
    "Adjacency",
    "adjacency_of",
    "components_of",
    "edge_ends",
    "igraph_of",
    "seed_copies",
    "tie_kinds_of",
]


class Adjacency(NamedTuple):
    """A network's ties as compressed sparse rows (both directions of every tie).

    Vertex ``i`` is ``nodes[i]`` (the order of :func:`igraph_of`); its
    neighbours are ``indices[indptr[i]:indptr[i + 1]]`` (self-loops left out)
    with the tie strengths ``weights[...]`` at the same positions.
    """

    nodes: list[Hashable]
    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray


class _Copies:
    """What is kept of one network: its size when copied, and the copies made so far."""

    __slots__ = ("adjacency", "components", "ends", "graph", "kinds", "nodes", "size")

    def __init__(self, size: tuple[int, int], nodes: list[Hashable]) -> None:
        self.size = size
        self.nodes = nodes
        self.graph: ig.Graph | None = None
        self.adjacency: Adjacency | None = None
        self.ends: tuple[np.ndarray, np.ndarray] | None = None
        self.kinds: tuple[np.ndarray, list[tuple[str, ...]]] | None = None
        self.components: tuple[list[int], list[int]] | None = None


_COPIES: weakref.WeakKeyDictionary[nx.Graph, _Copies] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _size(G: nx.Graph) -> tuple[int, int]:
    """How many nodes, and how many entries their adjacency rows hold (C-speed counts:
    ``G.number_of_edges()`` sums a degree view in Python)."""
    adj: Any = getattr(G, "_adj", None)
    if adj is None:
        return (G.number_of_nodes(), G.number_of_edges())
    return (len(adj), sum(map(len, adj.values())))


def _copies(G: nx.Graph) -> _Copies:
    """The copies kept for ``G`` (a fresh, empty record when it changed or is new)."""
    size = _size(G)
    with _LOCK:
        known = _COPIES.get(G)
    if known is not None and known.size == size:
        return known
    record = _Copies(size, list(G))
    with _LOCK:
        _COPIES[G] = record
    return record


def seed_copies(
    G: nx.Graph,
    nodes: Sequence[Hashable],
    us: Sequence[int] | np.ndarray,
    vs: Sequence[int] | np.ndarray,
    weights: Sequence[float],
    kinds: tuple[Sequence[int], list[tuple[str, ...]]] | None = None,
) -> None:
    """Keep ``G``'s copies made from its ties by vertex index (used by ``build_network``).

    ``nodes`` must be ``list(G)``; tie ``k`` joins ``nodes[us[k]]`` and
    ``nodes[vs[k]]`` (``us[k] < vs[k]``) with ``weights[k]``; the ties must be
    sorted by ``(us, vs)`` and every node's adjacency in ``G`` sorted by
    vertex index, as ``build_network`` adds them. Then the copies equal what
    :func:`igraph_of` and :func:`adjacency_of` would make from ``G``.
    ``kinds``, when given, is what :func:`tie_kinds_of` would find: a code per
    tie and the kinds list of each code.

    >>> G = nx.Graph(); G.add_nodes_from("abc")
    >>> G.add_edge("a", "b", weight=2.0); G.add_edge("a", "c", weight=1.0)
    >>> seed_copies(G, ["a", "b", "c"], [0, 0], [1, 2], [2.0, 1.0])
    >>> igraph_of(G)[0].get_edgelist(), adjacency_of(G).indices.tolist()
    ([(0, 1), (0, 2)], [1, 2, 0, 0])
    """
    n = len(nodes)
    record = _Copies(_size(G), list(nodes))
    u = np.asarray(us, dtype=np.int64)
    v = np.asarray(vs, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float64)
    record.graph = ig.Graph(n=n, edges=np.column_stack((u, v)).tolist(), directed=False)
    record.ends = (u, v)
    if kinds is not None:
        record.kinds = (np.asarray(kinds[0], dtype=np.int64), list(kinds[1]))
    rows = np.concatenate((u, v))
    cols = np.concatenate((v, u))
    order = np.lexsort((cols, rows))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    record.adjacency = Adjacency(record.nodes, indptr, cols[order], np.concatenate((w, w))[order])
    with _LOCK:
        _COPIES[G] = record


def igraph_of(G: nx.Graph) -> tuple[ig.Graph, list[Hashable]]:
    """An undirected igraph copy of ``G`` and its nodes in vertex order.

    Vertex ``i`` is ``list(G)[i]``; edges come in ``G.edges()`` order,
    without self-loops (and, for a directed or multi graph, without parallel
    ties). The copy is made once per network and shared by every finding
    that runs igraph on it (bridges, components) while ``G`` lives and
    keeps its number of nodes and ties; the copy carries no attributes.
    Treat it as read-only.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "c")])
    >>> g, nodes = igraph_of(G)
    >>> nodes, g.get_edgelist()
    (['a', 'b', 'c'], [(0, 1), (1, 2)])
    >>> igraph_of(G)[0] is g
    True
    """
    record = _copies(G)
    if record.graph is not None:
        return record.graph, record.nodes
    nodes = record.nodes
    index = {n: i for i, n in enumerate(nodes)}
    if G.is_directed() or G.is_multigraph():
        pairs: Iterable[tuple[int, int]] = {
            (min(index[u], index[v]), max(index[u], index[v])) for u, v in G.edges() if u != v
        }
    else:
        pairs = [(index[u], index[v]) for u, v in G.edges() if u != v]
    g = ig.Graph(n=len(nodes), edges=list(pairs), directed=False)
    record.graph = g
    return g, nodes


def edge_ends(G: nx.Graph) -> tuple[np.ndarray, np.ndarray]:
    """The two ends of every edge of :func:`igraph_of`'s copy, by edge id, as arrays.

    >>> us, vs = edge_ends(nx.Graph([("a", "b"), ("b", "c")]))
    >>> us.tolist(), vs.tolist()
    ([0, 1], [1, 2])
    """
    g, _ = igraph_of(G)
    record = _copies(G)
    if record.ends is None:
        ends = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        record.ends = (ends[:, 0].copy(), ends[:, 1].copy())
    return record.ends


def tie_kinds_of(G: nx.Graph) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """The ``kinds`` of every edge of :func:`igraph_of`'s copy, as codes.

    Returns ``(codes, kinds)``: edge ``e`` has the kinds ``kinds[codes[e]]``
    (a tuple of its ``kinds`` list; empty when it has none). A network has
    thousands of ties but a handful of distinct kinds lists, so counting ties
    by kind is a count of codes.

    >>> G = nx.Graph([("a", "b", {"kinds": ["forum"]}), ("b", "c", {"kinds": ["forum"]})])
    >>> G.add_edge("c", "d")
    >>> codes, kinds = tie_kinds_of(G)
    >>> codes.tolist(), kinds
    ([0, 0, 1], [('forum',), ()])
    """
    record = _copies(G)
    if record.kinds is None:
        us, vs = edge_ends(G)
        nodes = record.nodes
        adj: Any = getattr(G, "_adj", None) or G.adj
        code_of: dict[tuple[str, ...], int] = {}
        codes = [
            code_of.setdefault(tuple(adj[nodes[u]][nodes[v]].get("kinds") or ()), len(code_of))
            for u, v in zip(us.tolist(), vs.tolist(), strict=True)
        ]
        record.kinds = (np.asarray(codes, dtype=np.int64), list(code_of))
    return record.kinds


def _weight(value: Any) -> float:
    return 1.0 if value is None else float(value)


def adjacency_of(G: nx.Graph, weight: str | None = "weight") -> Adjacency:
    """``G``'s ties as :class:`Adjacency` arrays, tie strength from the ``weight`` attribute.

    A missing or ``None`` weight counts 1; ``weight=None`` counts every tie 1.
    Rows follow ``G``'s adjacency (``G[u]``) in its order, without self-loops.
    The arrays for ``"weight"`` are made once per network (see the module
    docstring); other attributes are read afresh each time.

    >>> G = nx.Graph([("a", "b", {"weight": 3}), ("a", "c", {"weight": None})])
    >>> adjacency_of(G).weights.tolist(), adjacency_of(G, None).weights.tolist()
    ([3.0, 1.0, 3.0, 1.0], [1.0, 1.0, 1.0, 1.0])
    """
    record = _copies(G) if weight == "weight" else None
    if record is not None and record.adjacency is not None:
        return record.adjacency
    nodes = record.nodes if record is not None else list(G)
    index = {n: i for i, n in enumerate(nodes)}
    adj: Any = getattr(G, "_adj", None) or G.adj
    indptr = [0]
    cols: list[int] = []
    values: list[float] = []
    for u in nodes:
        row = adj[u]
        if u in row:
            row = {v: d for v, d in row.items() if v != u}
        cols += map(index.__getitem__, row)
        if weight is None:
            values += [1.0] * len(row)
        else:
            values += [_weight(d.get(weight)) for d in row.values()]
        indptr.append(len(cols))
    made = Adjacency(
        nodes,
        np.asarray(indptr, dtype=np.int64),
        np.asarray(cols, dtype=np.int64),
        np.asarray(values, dtype=np.float64),
    )
    if record is not None:
        record.adjacency = made
    return made


def components_of(G: nx.Graph) -> tuple[list[int], list[int], list[Hashable]]:
    """The connected components of ``G`` (as undirected), found once in C by igraph.

    Returns ``(membership, sizes, nodes)``: node ``nodes[i]`` is in component
    ``membership[i]``, which has ``sizes[membership[i]]`` nodes; the same
    components as :func:`networkx.connected_components`, on
    :func:`igraph_of`'s copy, kept with it (isolates and metrics both ask).

    >>> G = nx.Graph([("a", "b"), ("c", "d")]); G.add_node("e")
    >>> components_of(G)
    ([0, 0, 1, 1, 2], [2, 2, 1], ['a', 'b', 'c', 'd', 'e'])
    """
    g, nodes = igraph_of(G)
    record = _copies(G)
    if record.components is None:
        parts = g.connected_components()
        record.components = (list(parts.membership), list(parts.sizes()))
    membership, sizes = record.components
    return list(membership), list(sizes), nodes
