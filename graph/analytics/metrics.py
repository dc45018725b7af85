"""Summary measures of a scope: the network's shape and where the money goes.

:func:`network_metrics` gives SPEC section 3's ``metrics`` (nodes, ties,
density, components, cross-sector tie share, organisations by sector) and
what a partnership manager reads next to them: Freeman degree
centralisation, the largest component's share, ties by kind and by pair of
sectors. :func:`investment_metrics` gives the investment portfolio of the
scope along the birth-to-employment continuum (:data:`graph.model.AGE_STAGES`),
by domain and by funder: the series the dashboard charts plot.
:func:`scope_metrics` is both together, as the report carries them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import networkx as nx
import numpy as np

from graph.model import AGE_STAGES
from graph.network import (
    TIE_KINDS,
    components_of,
    context_allows,
    edge_ends,
    igraph_of,
    tie_kinds_of,
)
from graph.store.base import Subgraph

__all__ = ["investment_metrics", "network_metrics", "scope_metrics", "split_by_age_stage"]

#: Ages above the continuum (over 35) and programs without an age range.
OTHER_AGES, UNSPECIFIED = "other_ages", "unspecified"


def _degree_centralization(degrees: list[int]) -> float:
    n = len(degrees)
    if n < 3:
        return 0.0
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def _density(n: int, m: int, directed: bool) -> float:
    """:func:`networkx.density` from the counts (it would count the ties again)."""
    if m == 0 or n <= 1:
        return 0
    d = m / (n * (n - 1))
    return d if directed else d * 2


def _ties_by_ends_and_kinds(
    G: nx.Graph, sectors: dict[Any, str], m: int
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, ...], int]]:
    """Ties counted by the sectors of their ends and by their kinds list.

    On a simple undirected network without self-loops the counts are made
    from the shared igraph copy's edge arrays (a national network has hundreds
    of thousands of ties but a few dozen distinct pairs and kind lists);
    otherwise tie by tie.
    """
    if not G.is_directed() and not G.is_multigraph():
        us, vs = edge_ends(G)
        if len(us) == m:
            nodes = igraph_of(G)[1]
            code_of: dict[str, int] = {}
            codes = np.fromiter(
                (code_of.setdefault(sectors[v], len(code_of)) for v in nodes),
                dtype=np.int64,
                count=len(nodes),
            )
            k = max(len(code_of), 1)
            names = list(code_of)
            pairs = np.bincount(codes[us] * k + codes[vs], minlength=k * k)
            ends = {
                (names[c // k], names[c % k]): int(pairs[c]) for c in np.flatnonzero(pairs).tolist()
            }
            kind_codes, kind_lists = tie_kinds_of(G)
            counts = np.bincount(kind_codes, minlength=len(kind_lists)).tolist()
            return ends, {kinds: c for kinds, c in zip(kind_lists, counts, strict=True) if c}
    by_ends: defaultdict[tuple[str, str], int] = defaultdict(int)
    by_kinds: defaultdict[tuple[str, ...], int] = defaultdict(int)
    for u, v, kinds in G.edges(data="kinds"):
        by_ends[(sectors[u], sectors[v])] += 1
        by_kinds[tuple(kinds) if kinds else ()] += 1
    return dict(by_ends), dict(by_kinds)


def network_metrics(G: nx.Graph) -> dict[str, Any]:
    """Size, density, fragmentation and sector mixing of an actor network.

    Parameters
    ----------
    G : networkx.Graph
        The actor network (:func:`graph.network.build_network`).

    Returns
    -------
    dict
        ``nodes``, ``ties``, ``density``, ``components``,
        ``cross_sector_tie_share`` (share of ties between organisations of
        different sectors), ``by_sector`` (organisations per sector), and
        ``isolates`` (organisations without ties), ``average_degree``,
        ``degree_centralization`` (Freeman, 0 = everyone equally tied,
        1 = a star), ``largest_component_share``, ``ties_by_kind``,
        ``ties_by_sector_pair`` (``"a|b"`` with ``a <= b``).

    Examples
    --------
    >>> G = nx.star_graph(3)
    >>> nx.set_node_attributes(G, "nonprofit", "sector")
    >>> G.nodes[0]["sector"] = "local_authority"
    >>> m = network_metrics(G)
    >>> m["ties"], m["density"], m["degree_centralization"], m["cross_sector_tie_share"]
    (3, 0.5, 1.0, 1.0)
    >>> m["by_sector"]
    {'local_authority': 1, 'nonprofit': 3}

    References
    ----------
    .. [1] Freeman, L. C. (1978). "Centrality in social networks:
       conceptual clarification". Social Networks 1(3): 215-239.
    """
    n = G.number_of_nodes()
    adj: Any = getattr(G, "_adj", None)
    if adj is not None and not G.is_directed() and not G.is_multigraph():
        degrees = [len(nbrs) + (node in nbrs) for node, nbrs in adj.items()]  # a loop counts 2
    else:
        degrees = [d for _, d in G.degree()]
    m = sum(degrees) // 2 if not G.is_directed() else G.number_of_edges()
    sectors = {node: str(s or "other") for node, s in G.nodes(data="sector")}
    # Counted by (sector, sector) and by list of kinds first: a national network has
    # hundreds of thousands of ties but a few dozen distinct pairs and kind lists.
    ends, kind_lists = _ties_by_ends_and_kinds(G, sectors, m)
    cross = 0
    by_pair: Counter[str] = Counter()
    for (a, b), count in ends.items():
        a, b = sorted((a, b))
        by_pair[f"{a}|{b}"] += count
        cross += count if a != b else 0
    by_kind: Counter[str] = Counter()
    for kinds, count in kind_lists.items():
        for kind in kinds:
            by_kind[kind] += count
    sizes = components_of(G)[1] if n else []
    largest = max(sizes, default=0)
    return {
        "nodes": n,
        "ties": m,
        "density": round(_density(n, m, G.is_directed()), 6) if n > 1 else 0.0,
        "components": len(sizes),
        "cross_sector_tie_share": round(cross / m, 6) if m else 0.0,
        "by_sector": dict(sorted(Counter(sectors.values()).items())),
        "isolates": sum(1 for d in degrees if d == 0),
        "average_degree": round(2 * m / n, 6) if n else 0.0,
        "degree_centralization": round(_degree_centralization(degrees), 6),
        "largest_component_share": round(largest / n, 6) if n else 0.0,
        "ties_by_kind": {k: by_kind[k] for k in TIE_KINDS if by_kind[k]},
        "ties_by_sector_pair": dict(sorted(by_pair.items())),
    }


def split_by_age_stage(age_min: Any, age_max: Any) -> dict[str, float]:
    """Shares of an age range that fall in each stage of the 0-35 continuum.

    Each year of age counts once; years above 35 go to ``other_ages``; a
    range that is not given is all ``unspecified``.

    >>> split_by_age_stage(0, 3)
    {'early_childhood': 1.0}
    >>> split_by_age_stage(16, 19)
    {'school': 0.5, 'service': 0.5}
    >>> split_by_age_stage(None, None)
    {'unspecified': 1.0}
    """
    try:
        lo = int(age_min) if age_min is not None else None
        hi = int(age_max) if age_max is not None else None
    except (TypeError, ValueError):
        return {UNSPECIFIED: 1.0}
    if lo is None and hi is None:
        return {UNSPECIFIED: 1.0}
    lo = 0 if lo is None else lo
    hi = 120 if hi is None else hi
    if hi < lo:
        return {UNSPECIFIED: 1.0}
    years = hi - lo + 1
    shares: dict[str, float] = {}
    covered = 0
    for stage, (s_lo, s_hi) in AGE_STAGES.items():
        inside = min(hi, s_hi) - max(lo, s_lo) + 1
        if inside > 0:
            shares[stage] = inside / years
            covered += inside
    if covered < years:
        shares[OTHER_AGES] = (years - covered) / years
    return shares


def _amount(node: Any) -> float:
    try:
        return max(float(node.props.get("amount") or 0), 0.0)
    except (TypeError, ValueError):
        return 0.0


def investment_metrics(G: nx.Graph, subgraph: Subgraph) -> dict[str, Any]:
    """The investment portfolio of a scope: totals by age stage, domain, funder and status.

    An investment counts when it funds a program of the scope (in the
    scope's localities and context) or a locality domain of the scope.
    Money into a program with several domains is split evenly among them;
    money into a locality domain has no age range (``unspecified``).

    Parameters
    ----------
    G : networkx.Graph
        The actor network of the scope (for its ``scope`` and funder names).
    subgraph : Subgraph
        The scope's nodes.

    Returns
    -------
    dict
        ``total``, ``count``, ``by_age_stage`` (the stages of
        :data:`graph.model.AGE_STAGES` in order, then ``other_ages`` and
        ``unspecified``), ``by_domain``, ``by_status``, ``by_year`` and
        ``by_funder`` (a list of ``{"id", "name", "sector", "amount"}``,
        largest first). Amounts are in the investments' currency (ILS).

    Examples
    --------
    >>> from graph.model import NodeRecord
    >>> sub = Subgraph([
    ...     NodeRecord("Program", "p", {"name": "שפה", "age_min": 0, "age_max": 11,
    ...                                 "domains": ["early_childhood"], "locality_id": "l"}),
    ...     NodeRecord("Investment", "i", {"funder_id": "f", "program_id": "p",
    ...                                    "amount": 1200, "status": "paid"})], [])
    >>> investment_metrics(nx.Graph(), sub)["by_age_stage"]
    {'early_childhood': 600.0, 'school': 600.0, 'service': 0.0, 'young_adults': 0.0, \
'other_ages': 0.0, 'unspecified': 0.0}
    """
    scope = G.graph.get("scope") or {}
    context = scope.get("context") or "both"
    wanted = scope.get("locality_ids")
    in_scope = (lambda loc: True) if wanted is None else (lambda loc: loc in wanted)
    programs = {
        n.id: n
        for n in subgraph.nodes
        if n.label == "Program"
        and in_scope(n.props.get("locality_id"))
        and context_allows(n.props.get("context"), context)
    }
    stages = {k: 0.0 for k in (*AGE_STAGES, OTHER_AGES, UNSPECIFIED)}
    by_domain: dict[str, float] = defaultdict(float)
    by_status: dict[str, float] = defaultdict(float)
    by_year: dict[str, float] = defaultdict(float)
    by_funder: dict[str, float] = defaultdict(float)
    total, count = 0.0, 0
    for node in subgraph.nodes:
        if node.label != "Investment":
            continue
        p = node.props
        program = programs.get(str(p.get("program_id") or ""))
        if program is not None:
            shares = split_by_age_stage(program.props.get("age_min"), program.props.get("age_max"))
            domains = list(program.props.get("domains") or []) or ["other"]
        elif not p.get("program_id") and in_scope(p.get("locality_id")):
            shares = {UNSPECIFIED: 1.0}
            domains = [str(p.get("domain") or "other")]
        else:
            continue
        amount = _amount(node)
        total += amount
        count += 1
        for stage, share in shares.items():
            stages[stage] += amount * share
        for domain in domains:
            by_domain[domain] += amount / len(domains)
        by_status[str(p.get("status") or "committed")] += amount
        by_year[str(p.get("year") or "unknown")] += amount
        by_funder[str(p.get("funder_id"))] += amount
    funders: list[dict[str, Any]] = [
        {
            "id": fid,
            "name": str(G.nodes[fid].get("name", fid)) if fid in G else fid,
            "sector": str(G.nodes[fid].get("sector", "other")) if fid in G else "other",
            "amount": round(amount, 2),
        }
        for fid, amount in by_funder.items()
    ]
    funders.sort(key=lambda f: (-f["amount"], f["id"]))
    return {
        "total": round(total, 2),
        "count": count,
        "by_age_stage": {k: round(v, 2) for k, v in stages.items()},
        "by_domain": {k: round(v, 2) for k, v in sorted(by_domain.items())},
        "by_status": {k: round(v, 2) for k, v in sorted(by_status.items())},
        "by_year": {k: round(v, 2) for k, v in sorted(by_year.items())},
        "by_funder": funders,
    }


def scope_metrics(G: nx.Graph, subgraph: Subgraph | None = None) -> dict[str, Any]:
    """:func:`network_metrics`, with ``investment`` (:func:`investment_metrics`) given a subgraph.

    >>> scope_metrics(nx.Graph())["nodes"]
    0
    """
    out = network_metrics(G)
    if subgraph is not None:
        out["investment"] = investment_metrics(G, subgraph)
    return out
