"""Structure around a node: Burt's structural holes and what an articulation point alone links.

Two measures :mod:`graph.analytics.bridges` scores bridges with, computed on
the array copies of the actor network (:mod:`graph.network_arrays`):

* :func:`structural_holes`: Burt's (1992) effective size and constraint of a
  node's ego network, with mutual tie strengths as NetworkX defines them;
* :func:`cut_off`: for every articulation point, the actors (and their
  groups) cut off from the largest remaining part if it were removed.

References
----------
.. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of
   Competition*. Harvard University Press.
.. [2] Borgatti, S. P. (1997). Structural holes: unpacking Burt's
   redundancy measures. *Connections* 20(1), 35-38.
.. [3] Hopcroft, J. and Tarjan, R. (1973). Algorithm 447: efficient
   algorithms for graph manipulation. *Communications of the ACM* 16(6),
   372-378 (biconnected components and the block-cut tree).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Hashable, Iterable
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np

from graph.network import Adjacency, adjacency_of

__all__ = ["BurtMeasures", "cut_off", "structural_holes"]


def _share(weight: float, scale: float) -> float:
    """A weight over a sum or maximum; 0 when that is 0 (as NetworkX does)."""
    return weight / scale if scale else 0.0


def structural_holes(
    G: nx.Graph, nodes: Iterable[Hashable], weight: str | None = "weight"
) -> dict[Hashable, tuple[float, float]]:
    r"""Burt's effective size and constraint of some nodes of an undirected graph.

    The same measures as :func:`networkx.effective_size` and
    :func:`networkx.constraint` (mutual weights normalised by the sum for
    :math:`p_{ij}` and by the maximum for :math:`m_{ij}`):

    .. math::

        e_i = \sum_{j \in N(i)} \Big(1 - \sum_{q \in N(i)} p_{iq} m_{jq}\Big),
        \qquad
        c_i = \sum_{j \in N(i)} \Big(p_{ij} + \sum_{q \in N(i)} p_{iq} p_{qj}\Big)^2

    This is an explicit fast path: NetworkX rescans a node's neighbours
    for every normalised weight, cubic in the degree, which a hub with
    thousands of ties cannot afford; here each neighbour's weight sums are
    computed once and indirect ties are found by set intersection.
    Isolated nodes get ``nan`` for both, as in NetworkX.

    Parameters
    ----------
    G : networkx.Graph
        An undirected graph.
    nodes : iterable of nodes
        The nodes to measure.
    weight : str or None, default "weight"
        Edge attribute of tie strength; missing values (or ``None``) count 1.

    Returns
    -------
    dict
        ``{node: (effective_size, constraint)}``.

    Examples
    --------
    A star: every contact is non-redundant, each holds a quarter of the ties.

    >>> structural_holes(nx.star_graph(4), [0])
    {0: (4.0, 0.25)}

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes*. Harvard University Press.
    .. [2] Borgatti, S. P. (1997). Structural holes: unpacking Burt's
       redundancy measures. *Connections* 20(1), 35-38.
    """
    burt = BurtMeasures(adjacency_of(G, weight))
    position = {node: i for i, node in enumerate(burt.nodes)}
    return {i: burt(position[i]) for i in nodes}


class BurtMeasures:
    """:func:`structural_holes` one vertex at a time, on the network's CSR arrays.

    For vertex ``i`` the ties among its contacts are gathered at once (every
    contact's row, kept where the other end is a contact too) and the sums
    over them done by :func:`numpy.bincount`, which adds in input order: the
    same order, term by term, as a loop over the contacts ``q`` of ``i`` and
    then over the contacts ``j`` of both, so the results equal that loop's
    to the last bit.
    """

    def __init__(self, adjacency: Adjacency) -> None:
        self.nodes = adjacency.nodes
        self.indptr, self.indices, self.weights = adjacency[1:]
        n = len(self.nodes)
        self.degree = np.diff(self.indptr)
        rows = np.repeat(np.arange(n), self.degree)
        # 1 / (sum of a node's tie weights) and 1 / (its strongest tie), 0 for none
        # (the sums added in row order, as Python's sum() over the row would).
        total = np.bincount(rows, weights=self.weights, minlength=n)
        strongest = np.zeros(n)
        np.maximum.at(strongest, rows, self.weights)
        self.inv_sum = _inverse(total)
        self.inv_max = _inverse(strongest)
        self.contact = np.zeros(n, dtype=bool)

    def __call__(self, i: int) -> tuple[float, float]:
        lo, hi = self.indptr[i], self.indptr[i + 1]
        if lo == hi:
            return (math.nan, math.nan)
        contacts = self.indices[lo:hi]
        w_i = self.weights[lo:hi]
        p_i = w_i * self.inv_sum[i]
        # Every tie (q, j) of every contact q, in the order of the loop it replaces.
        lens = self.degree[contacts]
        starts = self.indptr[contacts]
        ends = np.cumsum(lens)
        at = np.arange(ends[-1]) + np.repeat(starts - (ends - lens), lens)
        j = self.indices[at]
        self.contact[contacts] = True
        keep = self.contact[j]
        self.contact[contacts] = False
        j = j[keep]
        w_qj = self.weights[at][keep]
        q = np.repeat(np.arange(len(contacts)), lens)[keep]
        p_iq = p_i[q]
        n = len(self.nodes)
        indirect = np.bincount(j, weights=p_iq * self.inv_sum[contacts][q] * w_qj, minlength=n)
        redundancy = np.bincount(j, weights=p_iq * w_qj * self.inv_max[j], minlength=n)
        effective = sum((1.0 - redundancy[contacts]).tolist())
        direct = (p_i + indirect[contacts]).tolist()
        constraint = sum(x**2 for x in direct)
        return (effective, constraint)


def _inverse(values: np.ndarray) -> np.ndarray:
    """``1 / values``, 0 where a value is 0 (as NetworkX's normalised weights)."""
    out = np.zeros_like(values)
    np.divide(1.0, values, out=out, where=values != 0)
    return out


def cut_off(
    g: ig.Graph, groups: list[Any], ends: tuple[np.ndarray, np.ndarray] | None = None
) -> dict[int, tuple[int, Counter[Any]]]:
    """For each articulation point: actors (and their groups) it alone links.

    Removing an articulation point splits its component into pieces; the
    pieces other than the largest are "cut off" (of equal largest pieces,
    the first is kept: the pieces below it in block order, then the rest
    above). Computed on the block-cut tree, rooted at each component's first
    block: each piece is a child subtree or the rest above. The tree's group
    counts are summed up level by level in arrays.
    """
    trees, points = ig.GraphBase.biconnected_components(g, True)
    if not points:
        return {}
    n = g.vcount()
    code_of: dict[Any, int] = {}
    codes = np.fromiter(
        (code_of.setdefault(group, len(code_of)) for group in groups), dtype=np.int64, count=n
    )
    k = len(code_of)
    # Each block's vertices, from the edges igraph lists for it.
    if ends is None:
        us, vs = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2).T
    else:
        us, vs = ends
    lengths = np.fromiter(map(len, trees), dtype=np.int64, count=len(trees))
    edge_ids = np.fromiter(itertools.chain.from_iterable(trees), dtype=np.int64)
    block_of_edge = np.repeat(np.arange(len(trees)), lengths)
    pairs = np.unique(
        np.concatenate((block_of_edge * n + us[edge_ids], block_of_edge * n + vs[edge_ids]))
    )
    block, vertex = pairs // n, pairs % n
    n_blocks = len(trees)
    # Tree nodes: blocks 0..B-1, then the articulation points B..B+A-1.
    point_node = np.full(n, -1, dtype=np.int64)
    point_list = np.asarray(points, dtype=np.int64)
    point_node[point_list] = n_blocks + np.arange(len(point_list))
    at_point = point_node[vertex] >= 0
    size = n_blocks + len(point_list)
    counts = np.zeros((size, k), dtype=np.int64)
    np.add.at(counts, (block[~at_point], codes[vertex[~at_point]]), 1)
    counts[point_node[point_list], codes[point_list]] = 1
    tie_block, tie_point = block[at_point], point_node[vertex[at_point]]
    # Root every tree at its first block, through one extra node above all roots.
    component = np.asarray(g.connected_components().membership, dtype=np.int64)
    first_block = np.full(int(component.max()) + 1, n_blocks, dtype=np.int64)
    np.minimum.at(first_block, component[vertex], block)
    roots = np.unique(first_block[component[vertex]])
    top = size
    tree = ig.Graph(
        n=size + 1,
        edges=np.column_stack(
            (
                np.concatenate((tie_block, np.full(len(roots), top))),
                np.concatenate((tie_point, roots)),
            )
        ).tolist(),
    )
    visited, layers, parents = tree.bfs(top)
    parent = np.asarray(parents, dtype=np.int64)
    visited_arr = np.asarray(visited, dtype=np.int64)
    for lo, hi in reversed(list(itertools.pairwise(layers))[2:]):
        nodes = visited_arr[lo:hi]
        np.add.at(counts, parent[nodes], counts[nodes])
    root_of = np.empty(size, dtype=np.int64)
    root_of[:n_blocks] = first_block[component[_any_vertex(block, vertex, n_blocks)]]
    root_of[point_node[point_list]] = first_block[component[point_list]]
    totals = counts.sum(axis=1)
    # The pieces of each point: its child blocks in block order, then the rest above.
    child = parent[tie_block] == tie_point
    c_point, c_block = tie_point[child], tie_block[child]
    ranked = np.lexsort((c_block, -totals[c_block], c_point))
    c_point, c_block = c_point[ranked], c_block[ranked]
    first = np.ones(len(c_point), dtype=bool)
    first[1:] = c_point[1:] != c_point[:-1]
    largest_child = np.full(size, -1, dtype=np.int64)
    largest_child[c_point[first]] = c_block[first]
    nodes = point_node[point_list]
    whole = counts[root_of[nodes]]
    above = whole - counts[nodes]
    kept_child = counts[largest_child[nodes]]
    use_above = above.sum(axis=1) > kept_child.sum(axis=1)
    kept = np.where(use_above[:, None], above, kept_child)
    own = np.zeros((len(nodes), k), dtype=np.int64)
    own[np.arange(len(nodes)), codes[point_list]] = 1
    cut = whole - own - kept
    values = list(code_of)
    out: dict[int, tuple[int, Counter[Any]]] = {}
    for v, row in zip(points, cut.tolist(), strict=True):
        cut_groups = Counter({values[c]: x for c, x in enumerate(row) if x})
        out[v] = (cut_groups.total(), cut_groups)
    return out


def _any_vertex(block: np.ndarray, vertex: np.ndarray, n_blocks: int) -> np.ndarray:
    """One vertex of each block (``block`` sorted, every block present)."""
    starts = np.searchsorted(block, np.arange(n_blocks))
    return vertex[starts]
