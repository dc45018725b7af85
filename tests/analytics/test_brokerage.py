"""Gould & Fernandez brokerage: a network worked by hand, and brute force.

Expected values of the hand example are derived in the comments below from
the definition (Gould & Fernandez 1989, each undirected tie read both ways);
the random cases compare with a direct enumeration of every two-step path.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import networkx as nx
import pytest

from graph.analytics.brokerage import BROKERAGE_ROLES, brokerage

L, N, B, Z = "local_authority", "nonprofit", "business", "academia"


def _hand_graph() -> nx.Graph:
    G = nx.Graph()
    sectors = {"v": L, "a1": L, "a2": L, "n1": N, "n2": N, "b": B, "z": Z}
    G.add_nodes_from((node, {"sector": s, "name": f"ארגון {node}"}) for node, s in sectors.items())
    G.add_edges_from(
        [
            ("v", "a1"),
            ("v", "a2"),
            ("v", "n1"),
            ("v", "n2"),
            ("v", "b"),
            ("n1", "n2"),  # closes the nonprofit pair around v
            ("a1", "b"),  # closes one own-outsider pair around v
            ("z", "a1"),
            ("z", "a2"),
        ]
    )
    return G


def _counts(c: int = 0, i: int = 0, g: int = 0, r: int = 0, li: int = 0) -> dict[str, int]:
    return {"coordinator": c, "itinerant": i, "gatekeeper": g, "representative": r, "liaison": li}


def test_worked_by_hand() -> None:
    result = brokerage(_hand_graph())
    # v (local_authority): neighbours a1, a2 (L), n1, n2 (N), b (B).
    # C(5,2) = 10 unordered pairs; closed: {n1,n2}, {a1,b}; 8 open:
    #   {a1,a2}       L-L      coordinator, both ways        -> coordinator 2
    #   {a1,n1} {a1,n2} {a2,n1} {a2,n2} {a2,b}: own-outsider  -> 5 representative
    #                  (own -> v -> outsider) + 5 gatekeeper (the way back)
    #   {n1,b} {n2,b}  N-B, two other sectors, both ways    -> liaison 2 x 2 = 4
    #   {n1,n2} would be itinerant 2, but n1-n2 are tied     -> itinerant 0
    # Check by the counting formula: coordinator 2*(2-1) = 2; representative
    # 2*3 - 1 closed ({a1,b}) = 5; liaison 3^2 - (2^2 + 1^2) = 4.
    assert result["v"] == _counts(c=2, g=5, r=5, li=4)
    # a1 (L): neighbours v (L), b (B), z (Z).
    #   {v,b} tied -> nothing; {v,z}: own v, outsider z -> 1 representative
    #   + 1 gatekeeper; {b,z}: two other sectors -> liaison 2.
    assert result["a1"] == _counts(g=1, r=1, li=2)
    # a2 (L): neighbours v (L), z (Z): {v,z} open -> representative 1, gatekeeper 1.
    assert result["a2"] == _counts(g=1, r=1)
    # z (academia): neighbours a1, a2, both L and not tied -> itinerant, both ways = 2.
    assert result["z"] == _counts(i=2)
    # n1: {v,n2} tied; b: {v,a1} tied; n2: {v,n1} tied -> nothing.
    for node in ("n1", "n2", "b"):
        assert result[node] == _counts()


def test_gatekeeper_equals_representative_when_undirected() -> None:
    result = brokerage(nx.les_miserables_graph(), attribute="group")
    assert all(r["gatekeeper"] == r["representative"] for r in result.values())


def test_directed_worked_by_hand() -> None:
    # a -> v -> c, v -> d, e -> v ; groups a:1 v:1 c:2 d:1 e:3 ; tie a -> d.
    D = nx.DiGraph([("a", "v"), ("v", "c"), ("v", "d"), ("e", "v"), ("a", "d")])
    nx.set_node_attributes(D, {"a": 1, "v": 1, "c": 2, "d": 1, "e": 3}, "sector")
    # In {a(1), e(3)} x out {c(2), d(1)}:
    #   a->v->c: 1,1,2 representative; a->v->d: closed (a -> d);
    #   e->v->c: 3,1,2 liaison;       e->v->d: 3,1,1 gatekeeper.
    assert brokerage(D)["v"] == _counts(g=1, r=1, li=1)
    # Only the ties a -> d direction closes the pair: reversing it reopens a->v->d.
    D.remove_edge("a", "d")
    D.add_edge("d", "a")
    assert brokerage(D)["v"]["coordinator"] == 1


def _enumerate(G: nx.Graph, attribute: str) -> dict[object, dict[str, int]]:
    """Every ordered (a, v, c) with a -> v -> c and no a -> c, classified directly."""
    out = {}
    for v in G:
        counts = dict.fromkeys(BROKERAGE_ROLES, 0)
        ins = set(G.predecessors(v)) if G.is_directed() else set(G[v])
        outs = set(G.successors(v)) if G.is_directed() else set(G[v])
        for a in ins - {v}:
            for c in outs - {v}:
                if a == c or G.has_edge(a, c):
                    continue
                ga, gv, gc = (G.nodes[x].get(attribute) for x in (a, v, c))
                if ga == gv == gc:
                    counts["coordinator"] += 1
                elif ga == gc:
                    counts["itinerant"] += 1
                elif ga == gv:
                    counts["representative"] += 1
                elif gc == gv:
                    counts["gatekeeper"] += 1
                else:
                    counts["liaison"] += 1
        out[v] = counts
    return out


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_matches_enumeration_on_random_graphs(seed: int, directed: bool) -> None:
    G = nx.gnp_random_graph(30, 0.2, seed=seed, directed=directed)
    rng = random.Random(seed)
    for node in G:
        if rng.random() < 0.9:  # some nodes without a sector: the group None
            G.nodes[node]["sector"] = rng.choice(["nonprofit", "business", "community"])
    G.add_edge(0, 0)  # self-loops are not ties
    assert brokerage(G) == _enumerate(G, "sector")


@pytest.mark.parametrize("seed", range(3))
def test_overlapping_forum_cliques_match_enumeration(seed: int) -> None:
    # The actor network's shape: forums are cliques that share members, many groups,
    # so closed pairs of every role (and triangles of every mix of groups) abound.
    rng = random.Random(seed)
    G = nx.Graph()
    G.add_nodes_from(range(60))
    for _ in range(8):
        G.add_edges_from(itertools.combinations(rng.sample(range(60), rng.randint(4, 12)), 2))
    for _ in range(40):
        G.add_edge(*rng.sample(range(60), 2))
    groups = ["nonprofit", "business", "community", "government", "academia", None]
    nx.set_node_attributes(G, {n: rng.choice(groups) for n in G}, "sector")
    G.nodes[0]["sector"] = "the only one"  # a group of one member
    expected = _enumerate(G, "sector")
    assert brokerage(G) == expected
    assert all(sum(expected[v][r] for v in G) > 0 for r in expected[0])


def test_real_network_matches_enumeration(shared_data: Path) -> None:
    G = nx.read_gml(shared_data / "sna" / "dhhs.gml", label="id")
    result = brokerage(G, "agency")
    assert result == _enumerate(G, "agency")
    # A real inter-agency network does have brokers across agencies.
    assert sum(r["liaison"] for r in result.values()) > 0


def test_nodes_subset() -> None:
    result = brokerage(_hand_graph(), nodes=["v"])
    assert list(result) == ["v"]
    assert result["v"]["liaison"] == 4


@pytest.mark.parametrize("seed", range(4))
def test_subset_path_equals_whole_graph_path(seed: int) -> None:
    # A subset is counted node by node; the whole undirected graph tie by tie.
    G = nx.gnp_random_graph(40, 0.25, seed=seed)
    rng = random.Random(seed)
    nx.set_node_attributes(G, {n: rng.choice("abc") for n in G}, "sector")
    whole = brokerage(G)
    assert brokerage(G, nodes=list(G)) == whole
