"""Cross-sector bridges: the actors that join sectors that would not meet.

:func:`find_bridges` ranks the organisations of the actor network that
connect different sectors, combining four views of "being in between":

* **cross-sector betweenness** (:func:`cross_sector_betweenness`): the
  share of shortest paths between actors of *different* sectors that run
  through the node (Brandes 2008's subset betweenness with sources in one
  sector and targets in all others, summed over sectors);
* **brokerage** (:func:`graph.analytics.brokerage.brokerage`): Gould &
  Fernandez (1989) roles with the sector as the group;
* **articulation points**: actors whose removal cuts some actors off from
  the rest of the network, with the sectors cut off (the sectors this node
  alone connects);
* **structural holes** (:func:`graph.analytics.holes.structural_holes`): Burt's (1992) effective
  size and constraint of the node's ego network.

Shortest paths count ties as hops (tie weights are strengths, not
distances). Burt's measures use the ``weight`` edge attribute as tie
strength, as NetworkX does.

References
----------
.. [1] Brandes, U. (2001). A faster algorithm for betweenness centrality.
   *Journal of Mathematical Sociology* 25(2), 163-177.
.. [2] Brandes, U. (2008). On variants of shortest-path betweenness
   centrality and their generic computation. *Social Networks* 30(2),
   136-145.
.. [3] Gould, R. V. and Fernandez, R. M. (1989). Structures of mediation.
   *Sociological Methodology* 19, 89-126.
.. [4] Burt, R. S. (1992). *Structural Holes: The Social Structure of
   Competition*. Harvard University Press.
.. [5] Borgatti, S. P. (1997). Structural holes: unpacking Burt's
   redundancy measures. *Connections* 20(1), 35-38.
"""

from __future__ import annotations

import bisect
import math
import random
from collections import Counter
from collections.abc import Hashable, Iterable
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np

from graph.analytics import holes
from graph.analytics.brokerage import BROKERAGE_ROLES, brokerage, brokerage_matrix
from graph.analytics.holes import BurtMeasures, structural_holes
from graph.network import adjacency_of, edge_ends, igraph_of
from graph.vocabulary import Reason, reasons

__all__ = [
    "EXACT_MAX_NODES",
    "KEY_BETWEENNESS",
    "PIVOTS",
    "cross_sector_betweenness",
    "find_bridges",
    "is_key_bridge",
    "split_bridges",
    "structural_holes",
]

#: Above this many nodes cross-sector betweenness is sampled from pivots.
EXACT_MAX_NODES = 3000
#: Pivot sources drawn (with the ``seed``) when sampling.
PIVOTS = 256

#: A bridge on at least this share of the cross-sector shortest paths matters
#: (:func:`is_key_bridge`), besides those that alone link some actors.
KEY_BETWEENNESS = 0.05

# Weights of the score components (they add up to 1).
_W_BETWEENNESS = 0.4
_W_BROKERAGE = 0.25
_W_ARTICULATION = 0.15
_W_HOLES = 0.2


def _to_igraph(G: nx.Graph) -> tuple[ig.Graph, list[Hashable]]:
    """An undirected igraph copy of ``G`` (no self-loops, no parallel ties), shared."""
    return igraph_of(G)


def cross_sector_betweenness(
    G: nx.Graph,
    attribute: str = "sector",
    *,
    k: int | None = None,
    seed: int | None = 0,
    normalized: bool = True,
) -> dict[Hashable, float]:
    r"""Betweenness counting only pairs of actors in different sectors.

    .. math::

        c_X(v) = \sum_{\{s, t\}:\, g(s) \ne g(t),\, v \notin \{s, t\}}
                 \frac{\sigma(s, t \mid v)}{\sigma(s, t)}

    over unordered pairs, where :math:`\sigma(s, t)` is the number of
    shortest ``s``-``t`` paths (ties as hops) and :math:`\sigma(s, t|v)`
    those through ``v``. It is computed as the sum, over sectors ``S``, of
    subset betweenness with sources in ``S`` and targets outside ``S``
    (igraph's Brandes accumulation restricted to those targets).

    Normalised, it is divided by the number of cross-sector pairs that do
    not include ``v``, :math:`P - (n - n_{g(v)})` with
    :math:`P = (n^2 - \sum_S n_S^2) / 2`: the (fractional) share of those
    pairs whose shortest paths pass through ``v``, in [0, 1]. Pairs in
    different components count in the denominator (no path joins them),
    so a fragmented network has low values everywhere: that is the point.
    A sampled estimate is clipped to 1.

    Parameters
    ----------
    G : networkx.Graph
        The network, read as undirected.
    attribute : str, default "sector"
        The node attribute naming the group; missing is the group ``None``.
    k : int, optional
        Number of pivot sources. By default the computation is exact up to
        :data:`EXACT_MAX_NODES` nodes and uses :data:`PIVOTS` pivots above.
        With ``k`` pivots drawn uniformly, the sum is scaled by ``n / k``
        (an unbiased estimate, Brandes & Pich 2007).
    seed : int, optional
        Seed of the pivot draw.
    normalized : bool, default True
        Divide by the number of cross-sector pairs as above.

    Returns
    -------
    dict
        ``{node: value}``.

    Examples
    --------
    The municipality ``m`` is the only way between the nonprofits and the
    business: 2 cross-sector pairs of the 2 that do not include it.

    >>> G = nx.Graph([("n1", "m"), ("n2", "m"), ("m", "b")])
    >>> nx.set_node_attributes(G, {"n1": "nonprofit", "n2": "nonprofit",
    ...                            "m": "local_authority", "b": "business"}, "sector")
    >>> cross_sector_betweenness(G, normalized=False)["m"]
    2.0
    >>> cross_sector_betweenness(G)["m"]
    1.0

    References
    ----------
    .. [1] Brandes, U. (2008). On variants of shortest-path betweenness
       centrality and their generic computation. *Social Networks* 30(2).
    .. [2] Brandes, U. and Pich, C. (2007). Centrality estimation in large
       networks. *Int. J. Bifurcation and Chaos* 17(7), 2303-2318.
    """
    g, nodes = _to_igraph(G)
    groups = [G.nodes[node].get(attribute) for node in nodes]
    return dict(zip(nodes, _cross(g, groups, k=k, seed=seed, normalized=normalized), strict=True))


def _cross(
    g: ig.Graph, groups: list[Any], *, k: int | None, seed: int | None, normalized: bool
) -> list[float]:
    """:func:`cross_sector_betweenness` on an igraph graph, by vertex index."""
    n = g.vcount()
    members: dict[Any, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    if k is None:
        k = n if n <= EXACT_MAX_NODES else PIVOTS
    if k >= n:
        pivots, scale = set(range(n)), 1.0
    else:
        pivots, scale = set(random.Random(seed).sample(range(n), k)), n / k
    raw = [0.0] * n
    everyone = np.arange(n)
    for group_members in members.values():
        sources = [i for i in group_members if i in pivots]
        if not sources or len(group_members) == n:
            continue
        outside = np.ones(n, dtype=bool)
        outside[group_members] = False
        targets = everyone[outside].tolist()
        values = g.betweenness(directed=False, sources=sources, targets=targets)
        # igraph halves undirected subset betweenness; summed over both
        # sectors of a pair, each unordered cross-sector pair counts once.
        raw = [r + b for r, b in zip(raw, values, strict=True)]
    if not normalized:
        return [r * scale for r in raw]
    size = {group: len(m) for group, m in members.items()}
    pairs = (n * n - sum(s * s for s in size.values())) / 2
    out = []
    for i, group in enumerate(groups):
        denominator = pairs - (n - size[group])
        out.append(min(1.0, raw[i] * scale / denominator) if denominator > 0 else 0.0)
    return out


def _sector_list(groups: Iterable[Any]) -> list[str]:
    return sorted({str(g) for g in groups if g is not None})


def _reasons(entry: dict[str, Any], undirected: bool) -> list[Reason]:
    why: list[Reason] = []
    counts = entry["brokerage"]
    share = entry["cross_sector_betweenness"]
    if share >= 0.005:  # below that it would read "on 0% of the shortest paths"
        why.append(("bridge.betweenness", {"share": share}))
    if entry["articulation_point"]:
        n, sectors = entry["actors_only_through"], entry["sectors_only_through"]
        why.append(("bridge.only_link", {"n": n, "sectors": sectors}))
    if counts["liaison"]:
        why.append(("bridge.liaison", {"n": counts["liaison"]}))
    joins = counts["representative"] + (0 if undirected else counts["gatekeeper"])
    if joins:
        why.append(("bridge.joins", {"n": joins, "sector": entry["sector"]}))
    if counts["itinerant"]:
        why.append(("bridge.itinerant", {"n": counts["itinerant"]}))
    if entry["sectors_connected"]:
        others = entry["sectors_connected"]
        why.append(("bridge.sectors_connected", {"n": len(others), "sectors": others}))
    constraint = entry.get("constraint")
    if constraint is not None and constraint < 0.5:
        why.append(("bridge.low_constraint", {"value": constraint}))
    return why


def is_key_bridge(entry: dict[str, Any], threshold: float = KEY_BETWEENNESS) -> bool:
    """Whether a bridge matters: it alone links some actors to the rest of the
    network (an articulation point), or it lies on at least ``threshold`` of
    the shortest paths between actors of different sectors.

    Examples
    --------
    >>> is_key_bridge({"articulation_point": True, "cross_sector_betweenness": 0.0})
    True
    >>> is_key_bridge({"articulation_point": False, "cross_sector_betweenness": 0.049})
    False
    """
    return bool(entry["articulation_point"]) or entry["cross_sector_betweenness"] >= threshold


def split_bridges(
    entries: list[dict[str, Any]], threshold: float = KEY_BETWEENNESS
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The bridges that matter (:func:`is_key_bridge`), and a note on the rest.

    Returns
    -------
    tuple
        The key bridges in their order, and ``{"count", "threshold",
        "reasons", "reasons_he", "reasons_ar"}`` about the others (``count``
        0 and no reasons when there are none).

    Examples
    --------
    >>> weak = {"articulation_point": False, "cross_sector_betweenness": 0.01}
    >>> strong = {"articulation_point": False, "cross_sector_betweenness": 0.2}
    >>> key, note = split_bridges([strong, weak, weak])
    >>> len(key), note["count"], note["reasons"]
    (1, 2, ['2 more actors link sectors weakly: each on less than 5% of the cross-sector \
shortest paths and cutting no one off; not listed.'])
    """
    key = [e for e in entries if is_key_bridge(e, threshold)]
    rest = len(entries) - len(key)
    note: dict[str, Any] = {"count": rest, "threshold": threshold}
    note.update(reasons([("bridge.others", {"n": rest, "share": threshold})] if rest else []))
    return key, note


def find_bridges(
    G: nx.Graph,
    *,
    top: int = 50,
    seed: int | None = 0,
    attribute: str = "sector",
    k: int | None = None,
    weight: str | None = "weight",
) -> list[dict[str, Any]]:
    """The actors that bridge sectors, best first (SPEC section 3 ``bridges``).

    A node is a bridge when it has a tie outside its own sector *and* is
    between actors: it lies on cross-sector shortest paths or brokers some
    open pair of neighbours across a sector line (any Gould & Fernandez
    role but coordinator). So its own sector and at least one other meet
    through it. Its ``score`` in [0, 1] is the weighted sum of

    * 0.40 x its cross-sector betweenness relative to the network's highest,
    * 0.25 x its cross-sector brokerage paths (all roles but coordinator),
      log-scaled relative to the highest,
    * 0.15 x (0.5 + 0.5 x log(1 + actors it alone links) / log(1 + the most
      any bridge alone links)) if it is an articulation point,
    * 0.20 x (1 - Burt's constraint), clipped to [0, 1].

    Burt's measures are computed only for candidates: the best
    ``max(2 * top, top + 50)`` bridges on the other three components (they
    can add at most 0.2, so only a close call can be missed), and among
    those only for the ones that could still make the ``top`` with the full
    0.2 (the rest could not be returned whatever their constraint).

    Parameters
    ----------
    G : networkx.Graph
        The actor network (``graph.network.build_network``): nodes with a
        ``sector`` (or ``attribute``) and a ``name``, ties with a ``weight``.
    top : int, default 50
        How many bridges to return.
    seed : int, optional
        Seed of the pivot sample of :func:`cross_sector_betweenness`
        (used only above :data:`EXACT_MAX_NODES` nodes or when ``k`` is given).
    attribute : str, default "sector"
        The node attribute naming the group.
    k : int, optional
        Pivots for cross-sector betweenness (see there).
    weight : str or None, default "weight"
        Tie strength for Burt's measures.

    Returns
    -------
    list of dict
        Entries ``{"id", "name", "sector", "sectors_connected", "brokerage",
        "cross_sector_betweenness", "articulation_point", "score",
        "reasons", "reasons_he", "reasons_ar", "sectors_only_through",
        "actors_only_through", "effective_size", "constraint"}``, by score
        descending. ``sectors_connected`` are the sectors of the node's
        neighbours other than its own; ``sectors_only_through`` and
        ``actors_only_through`` describe the actors cut off from the largest
        remaining part if the node were removed (empty unless it is an
        articulation point).

    Examples
    --------
    >>> G = nx.Graph([("n1", "m"), ("n2", "m"), ("m", "b"), ("n1", "n2")])
    >>> nx.set_node_attributes(G, {"n1": "nonprofit", "n2": "nonprofit",
    ...                            "m": "local_authority", "b": "business"}, "sector")
    >>> [(b["id"], b["sectors_connected"], b["articulation_point"]) for b in find_bridges(G)]
    [('m', ['business', 'nonprofit'], True)]
    >>> find_bridges(G)[0]["reasons"][0]
    'on 100% of the shortest paths between actors of different sectors'

    References
    ----------
    .. [1] Brandes, U. (2008). On variants of shortest-path betweenness
       centrality. *Social Networks* 30(2), 136-145.
    .. [2] Gould, R. V. and Fernandez, R. M. (1989). Structures of mediation.
       *Sociological Methodology* 19, 89-126.
    .. [3] Burt, R. S. (1992). *Structural Holes*. Harvard University Press.
    """
    if G.number_of_nodes() == 0 or top <= 0:
        return []
    undirected = not G.is_directed()
    U = G if undirected else G.to_undirected(as_view=True)
    g, order = _to_igraph(U)
    node_attrs: Any = getattr(U, "_node", None) or U.nodes
    groups = [node_attrs[n].get(attribute) for n in order]
    group = dict(zip(order, groups, strict=True))
    # Brokerage counts by vertex, in BROKERAGE_ROLES order (coordinator first).
    roles = brokerage_matrix(G, attribute)
    if roles is None:
        by_node = brokerage(G, attribute)
        roles = np.array([[by_node[n][r] for r in BROKERAGE_ROLES] for n in order], dtype=np.int64)
    between = _cross(g, groups, k=k, seed=seed, normalized=True)
    betweenness = dict(zip(order, between, strict=True))
    cut_off = {order[v]: info for v, info in holes.cut_off(g, groups, edge_ends(U)).items()}

    # Brokerage paths across a sector line: every role but coordinator.
    path_counts = roles[:, 1:].sum(axis=1)
    paths = dict(zip(order, path_counts.tolist(), strict=True))

    def cross_paths(node: Hashable) -> int:
        return paths[node]

    # A bridge has a tie outside its own sector and is between actors.
    code_of: dict[Any, int] = {}
    codes = np.fromiter(
        (code_of.setdefault(x, len(code_of)) for x in groups), dtype=np.int64, count=len(groups)
    )
    ties = adjacency_of(U)
    rows = np.repeat(np.arange(len(order)), np.diff(ties.indptr))
    crossing = np.bincount(rows[codes[ties.indices] != codes[rows]], minlength=len(order)) > 0
    between_any = np.asarray(between, dtype=np.float64) > 0
    position = {node: i for i, node in enumerate(order)}
    bridges = [order[i] for i in np.flatnonzero((between_any | (path_counts > 0)) & crossing)]
    if not bridges:
        return []
    top_betweenness = max(betweenness[n] for n in bridges) or 1.0
    top_paths = math.log1p(max(cross_paths(n) for n in bridges)) or 1.0
    top_cut = math.log1p(max((cut_off[n][0] for n in bridges if n in cut_off), default=0)) or 1.0

    def partial(node: Hashable) -> float:
        return (
            _W_BETWEENNESS * betweenness[node] / top_betweenness
            + _W_BROKERAGE * math.log1p(cross_paths(node)) / top_paths
            + (
                _W_ARTICULATION * (0.5 + 0.5 * math.log1p(cut_off[node][0]) / top_cut)
                if node in cut_off
                else 0.0
            )
        )

    partials = {n: partial(n) for n in bridges}
    ranked = sorted(bridges, key=lambda n: (-partials[n], str(n)))
    candidates = ranked[: max(2 * top, top + 50)]
    burt = BurtMeasures(ties if weight == "weight" else adjacency_of(U, weight))
    entries = []
    # The (-score, id) keys of the best `top` entries so far: a candidate that could not
    # beat the last of them even with no constraint at all (its hole term at most 0.2)
    # cannot be among the bridges returned, so its Burt measures, the slowest part on a
    # big network, are not computed. The entries returned are the same.
    best: list[tuple[float, str]] = []
    for node in candidates:
        if len(best) >= top:
            bound = round(min(1.0, partials[node] + _W_HOLES), 4)
            if (-bound, str(node)) > best[top - 1]:
                continue
        effective, constraint = burt(position[node])
        hole_term = 0.0 if math.isnan(constraint) else 1.0 - min(1.0, max(0.0, constraint))
        n_cut, cut_groups = cut_off.get(node, (0, Counter()))
        entry: dict[str, Any] = {
            "id": node,
            "name": str(U.nodes[node].get("name") or node),
            "sector": group[node],
            "sectors_connected": _sector_list(
                group[nb] for nb in U[node] if group[nb] != group[node]
            ),
            "brokerage": dict(zip(BROKERAGE_ROLES, roles[position[node]].tolist(), strict=True)),
            "cross_sector_betweenness": round(betweenness[node], 6),
            "articulation_point": node in cut_off,
            "score": round(min(1.0, partials[node] + _W_HOLES * hole_term), 4),
            "sectors_only_through": _sector_list(cut_groups),
            "actors_only_through": n_cut,
            "effective_size": None if math.isnan(effective) else round(effective, 4),
            "constraint": None if math.isnan(constraint) else round(constraint, 4),
        }
        entries.append(entry)
        bisect.insort(best, (-entry["score"], str(node)))
        del best[top:]
    entries.sort(key=lambda e: (-e["score"], str(e["id"])))
    for entry in entries[:top]:  # only what is returned is put in words
        entry.update(reasons(_reasons(entry, undirected)))
    return entries[:top]
