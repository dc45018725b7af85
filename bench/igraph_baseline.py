"""The raw igraph work an analysis needs, and how close sampled betweenness comes to exact.

Used by ``bench/bench_analytics.py --json``. :func:`raw_igraph` times what a
hand-written igraph script would do on the same actor network: build the
igraph graph from the network's weighted edge list, then the heavy measures
the report rests on (cross-sector betweenness with the same pivots as
:mod:`graph.analytics.bridges`, articulation points, Burt's constraint,
components and degrees). :func:`sampling_quality` compares the pivot-sampled
cross-sector betweenness with the exact one: the overlap of their top 20 and
Spearman's rank correlation.
"""

from __future__ import annotations

import random
import time
from typing import Any

import igraph as ig
import networkx as nx

from graph.analytics.bridges import EXACT_MAX_NODES, PIVOTS, cross_sector_betweenness
from graph.network import gc_paused

__all__ = ["raw_igraph", "sampling_quality", "spearman"]


def raw_igraph(G: nx.Graph, seed: int = 0) -> float:
    """Seconds igraph alone needs for the report's heavy measures on ``G``.

    Timed with Python's cycle collector paused, as the analysis it is
    compared with runs: otherwise the collector's scans of whatever else the
    process holds (the analysis keeps its last networks) fall on this side.
    """
    with gc_paused():
        return _raw_igraph(G, seed)


def _raw_igraph(G: nx.Graph, seed: int) -> float:
    start = time.perf_counter()
    nodes = list(G)
    index = {n: i for i, n in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in G.edges() if u != v]
    weights = [float(w or 1.0) for u, v, w in G.edges(data="weight") if u != v]
    g = ig.Graph(n=len(nodes), edges=edges, directed=False)
    g.es["weight"] = weights
    sectors = [G.nodes[n].get("sector") for n in nodes]
    n = g.vcount()
    k = n if n <= EXACT_MAX_NODES else PIVOTS
    pivots = set(range(n)) if k >= n else set(random.Random(seed).sample(range(n), k))
    members: dict[Any, list[int]] = {}
    for i, sector in enumerate(sectors):
        members.setdefault(sector, []).append(i)
    for group in members.values():
        sources = [i for i in group if i in pivots]
        if sources and len(group) < n:
            inside = set(group)
            g.betweenness(
                directed=False, sources=sources, targets=[i for i in range(n) if i not in inside]
            )
    g.articulation_points()
    g.constraint(weights="weight")
    g.connected_components()
    g.degree()
    return time.perf_counter() - start


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for m in range(i, j + 1):
            ranks[order[m]] = (i + j) / 2 + 1  # ties share their mean rank
        i = j + 1
    return ranks


def spearman(a: list[float], b: list[float]) -> float:
    """Spearman's rank correlation (Pearson's on mean ranks).

    >>> round(spearman([1, 2, 3], [10, 20, 30]), 6), round(spearman([1, 2, 3], [3, 2, 1]), 6)
    (1.0, -1.0)
    >>> round(spearman([1, 2, 3, 4], [1, 3, 2, 4]), 6)
    0.8
    """
    ra, rb = _ranks(a), _ranks(b)
    n = len(ra)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb) if va and vb else 0.0


def sampling_quality(G: nx.Graph, seed: int = 0, top: int = 20) -> dict[str, Any]:
    """Sampled (:data:`PIVOTS` pivots) against exact cross-sector betweenness on ``G``."""
    t0 = time.perf_counter()
    exact = cross_sector_betweenness(G, k=G.number_of_nodes(), seed=seed)
    t1 = time.perf_counter()
    sampled = cross_sector_betweenness(G, k=PIVOTS, seed=seed)
    t2 = time.perf_counter()
    nodes = list(G)
    best_exact = sorted(nodes, key=lambda n: (-exact[n], str(n)))[:top]
    best_sampled = sorted(nodes, key=lambda n: (-sampled[n], str(n)))[:top]
    on_paths = [n for n in nodes if exact[n] > 0]
    return {
        "nodes": G.number_of_nodes(),
        "ties": G.number_of_edges(),
        "pivots": PIVOTS,
        "exact_s": round(t1 - t0, 3),
        "sampled_s": round(t2 - t1, 3),
        f"top{top}_overlap": len(set(best_exact) & set(best_sampled)) / top,
        "spearman_all": round(spearman([exact[n] for n in nodes], [sampled[n] for n in nodes]), 4),
        "spearman_on_paths": round(
            spearman([exact[n] for n in on_paths], [sampled[n] for n in on_paths]), 4
        ),
    }
