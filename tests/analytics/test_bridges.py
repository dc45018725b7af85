"""Cross-sector bridges: published values, planted structures, a real network.

* Borgatti's structural-holes example (Connections 20(1), 1997) with the
  effective size and constraint NetworkX's ``test_structuralholes.py``
  holds as "verified in UCINET and igraph".
* A planted organisation that alone joins two sectors.
* The DHHS inter-agency network (Leischow et al. 2010), agencies as the
  groups, against an independent all-pairs enumeration of shortest paths.
"""

from __future__ import annotations

import itertools
import math
import random
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx
import pytest

from graph.analytics.bridges import (
    cross_sector_betweenness,
    find_bridges,
    structural_holes,
)
from graph.analytics.brokerage import brokerage
from graph.analytics.holes import cut_off

SECTORS = ["local_authority", "government", "nonprofit", "philanthropy", "business", "academia"]


# -- Borgatti's example ---------------------------------------------------------


def _borgatti(weighted: bool) -> nx.Graph:
    weights = {
        ("A", "B"): 2,
        ("A", "F"): 3,
        ("A", "G"): 5,
        ("A", "E"): 2,
        ("E", "G"): 8,
        ("F", "G"): 3,
        ("B", "G"): 4,
        ("B", "D"): 1,
        ("D", "G"): 3,
        ("G", "C"): 10,
    }
    G = nx.Graph()
    for (u, v), w in weights.items():
        G.add_edge(u, v, **({"weight": w} if weighted else {}))
    # Every actor its own sector: all of them are potential bridges.
    for node, sector in zip(sorted(G), [*SECTORS, "community"], strict=True):
        G.nodes[node]["sector"] = sector
        G.nodes[node]["name"] = f"ארגון {node}"
    return G


@pytest.mark.parametrize(
    ("weighted", "expected"),
    [
        # node: (effective size, constraint), NetworkX test_structuralholes.py
        (False, {"G": (4.67, 0.400), "A": (2.50, 0.595)}),
        (True, {"G": (5.47, 0.299), "A": (2.47, 0.795)}),
    ],
)
def test_borgatti_structural_holes_through_find_bridges(
    weighted: bool, expected: dict[str, tuple[float, float]]
) -> None:
    bridges = {b["id"]: b for b in find_bridges(_borgatti(weighted))}
    for node, (effective, constraint) in expected.items():
        assert bridges[node]["effective_size"] == pytest.approx(effective, abs=1e-2)
        assert bridges[node]["constraint"] == pytest.approx(constraint, abs=1e-3)
    # C has one tie only: it brokers nothing and is no bridge.
    assert "C" not in bridges
    # G is the hub: the top bridge, and the only link of C.
    top = find_bridges(_borgatti(weighted))[0]
    assert top["id"] == "G"
    assert top["articulation_point"] is True
    assert top["actors_only_through"] == 1


def test_structural_holes_fast_path_equals_networkx() -> None:
    for weighted in (False, True):
        G = _borgatti(weighted)
        G.add_node("lonely")
        mine = structural_holes(G, list(G))
        effective = nx.effective_size(G, weight="weight" if weighted else None)
        constraint = nx.constraint(G, weight="weight" if weighted else None)
        for node in G:
            if node == "lonely":
                assert all(math.isnan(x) for x in mine[node])
                continue
            assert mine[node] == pytest.approx((effective[node], constraint[node]))


def test_constraint_equals_igraphs_on_a_weighted_random_graph() -> None:
    # igraph's Graph.constraint (Burt's constraint, mutual weights over contacts only) is
    # an independent implementation in C: ours must agree to rounding on every node.
    import igraph as ig

    G = nx.gnp_random_graph(120, 0.08, seed=11)
    rng = random.Random(3)
    for u, v in G.edges:
        G[u][v]["weight"] = rng.choice([0.25, 1, 1, 2.5, 4])
    nodes = list(G)
    g = ig.Graph(n=len(nodes), edges=list(G.edges), directed=False)
    theirs = g.constraint(weights=[G[u][v]["weight"] for u, v in G.edges])
    mine = structural_holes(G, nodes)
    checked = 0
    for i, node in enumerate(nodes):
        if G.degree(node) == 0:
            assert math.isnan(mine[node][1])
            continue
        assert mine[node][1] == pytest.approx(theirs[i], rel=1e-12)
        checked += 1
    assert checked > 100


# -- a planted bridge -----------------------------------------------------------


def _planted() -> nx.Graph:
    G = nx.Graph()
    nonprofits = [f"n{i}" for i in range(6)]
    businesses = [f"b{i}" for i in range(6)]
    G.add_nodes_from(nonprofits, sector="nonprofit")
    G.add_nodes_from(businesses, sector="business")
    G.add_edges_from(itertools.combinations(nonprofits, 2), weight=1.0)
    G.add_edges_from(itertools.combinations(businesses, 2), weight=1.0)
    # A nonprofit hub with ten nonprofit leaves: high plain betweenness,
    # but everything it mediates stays inside one sector.
    for i in range(10):
        G.add_node(f"leaf{i}", sector="nonprofit")
        G.add_edge("n0", f"leaf{i}", weight=1.0)
    # The one community organisation that alone joins the two sectors.
    G.add_node("x", sector="community", name="ועד הורים <b>")
    G.add_edges_from([("x", "n1"), ("x", "n2"), ("x", "b1"), ("x", "b2")], weight=2.0)
    return G


def test_planted_bridge_ranks_first() -> None:
    G = _planted()
    plain = nx.betweenness_centrality(G)
    assert plain["n0"] > plain["x"]  # the decoy wins on plain betweenness...
    bridges = find_bridges(G)
    top = bridges[0]
    assert top["id"] == "x"  # ...the planted bridge wins across sectors
    assert top["articulation_point"] is True
    assert nx.is_connected(G) and not nx.is_connected(G.subgraph(set(G) - {"x"}))
    assert top["sectors_connected"] == ["business", "nonprofit"]
    # Removing x leaves 6 + 10 nonprofits on one side: the 6 businesses are cut off.
    assert top["actors_only_through"] == 6
    assert top["sectors_only_through"] == ["business"]
    assert top["name"] == "ועד הורים <b>"  # kept as data; escaping is the viewer's job
    # x: neighbours n1, n2 (nonprofit, tied to each other: closed) and b1, b2
    # (business, tied: closed); the 2 x 2 = 4 nonprofit-business pairs are open,
    # both sectors other than x's own: liaison, both ways, 4 x 2 = 8.
    assert top["brokerage"] == {
        "coordinator": 0,
        "itinerant": 0,
        "gatekeeper": 0,
        "representative": 0,
        "liaison": 8,
    }
    assert top["reasons"] and top["reasons_he"]
    assert any("החוליה היחידה" in r for r in top["reasons_he"])
    assert 0 <= bridges[-1]["score"] <= top["score"] <= 1
    assert [b["score"] for b in bridges] == sorted((b["score"] for b in bridges), reverse=True)


def test_top_cuts_and_only_bridges_listed() -> None:
    G = _planted()
    assert len(find_bridges(G, top=2)) == 2
    ids = {b["id"] for b in find_bridges(G)}
    # Leaves and clique members tied inside their own sector only are not bridges.
    assert not any(i.startswith("leaf") for i in ids)
    assert "b4" not in ids
    assert find_bridges(nx.Graph()) == []


@pytest.mark.parametrize("seed", range(6))
def test_top_k_is_the_head_of_the_full_ranking(seed: int) -> None:
    # find_bridges skips Burt's measures of a candidate that could not make the top
    # even with the full hole term (0.2). On graphs with fewer bridges than the 55
    # candidates of top=5, the top 5 must be the head of the list top=200 returns,
    # for which every bridge is measured; weighted ties make the constraints differ.
    rng = random.Random(seed)
    G = nx.gnm_random_graph(45, 120, seed=seed)
    for n in G:
        G.nodes[n]["sector"] = rng.choice(SECTORS[:4])
        G.nodes[n]["name"] = f"org {n}"
    for u, v in G.edges:
        G.edges[u, v]["weight"] = rng.choice([0.5, 1.0, 2.0, 5.0])
    everyone = find_bridges(G, top=200)
    assert 10 < len(everyone) < 55  # all measured, and the cut at 5 is a real one
    assert find_bridges(G, top=5) == everyone[:5]
    assert find_bridges(G, top=1) == everyone[:1]


# -- the DHHS inter-agency network ---------------------------------------------------


def _dhhs(shared_data: Path) -> nx.Graph:
    return nx.read_gml(shared_data / "sna" / "dhhs.gml", label="id")


def _cross_by_enumeration(G: nx.Graph, attribute: str) -> dict[Any, float]:
    """Sum, over unordered pairs of different groups, of the share of their
    shortest paths through each inner node: every path listed explicitly."""
    through: dict[Any, float] = dict.fromkeys(G, 0.0)
    for s, t in itertools.combinations(G, 2):
        if G.nodes[s][attribute] == G.nodes[t][attribute] or not nx.has_path(G, s, t):
            continue
        paths = list(nx.all_shortest_paths(G, s, t))
        for path in paths:
            for inner in path[1:-1]:
                through[inner] += 1 / len(paths)
    return through


def test_dhhs_cross_agency_betweenness_exact(shared_data: Path) -> None:
    G = _dhhs(shared_data)
    expected = _cross_by_enumeration(G, "agency")
    got = cross_sector_betweenness(G, "agency", normalized=False)
    assert got == pytest.approx(expected)
    # And with NetworkX's subset betweenness over every ordered pair of agencies.
    groups: dict[Any, list[Any]] = {}
    for node, agency in G.nodes(data="agency"):
        groups.setdefault(agency, []).append(node)
    subset: Counter[Any] = Counter()
    for a, b in itertools.permutations(groups, 2):
        for node, value in nx.betweenness_centrality_subset(G, groups[a], groups[b]).items():
            subset[node] += value
    assert got == pytest.approx({node: subset[node] for node in G})
    # Normalised: divided by the cross-agency pairs without the node.
    sizes = Counter(agency for _, agency in G.nodes(data="agency"))
    n = len(G)
    pairs = (n * n - sum(s * s for s in sizes.values())) / 2
    normalised = cross_sector_betweenness(G, "agency")
    for node, agency in G.nodes(data="agency"):
        assert normalised[node] == pytest.approx(expected[node] / (pairs - (n - sizes[agency])))


def test_dhhs_bridges_carry_exact_brokerage(shared_data: Path) -> None:
    G = _dhhs(shared_data)
    for node in G:
        G.nodes[node]["name"] = G.nodes[node]["vertexnames"]
    roles = brokerage(G, "agency")
    bridges = find_bridges(G, attribute="agency", top=100)
    assert bridges
    for b in bridges:
        assert b["brokerage"] == roles[b["id"]]
    # The highest cross-agency broker by enumeration leads the list.
    expected = _cross_by_enumeration(G, "agency")
    assert bridges[0]["id"] == max(expected, key=lambda k: expected[k])


def test_dhhs_sampled_close_to_exact(shared_data: Path) -> None:
    G = _dhhs(shared_data)
    exact = cross_sector_betweenness(G, "agency", normalized=False)
    total = sum(exact.values())
    sampled = cross_sector_betweenness(G, "agency", k=40, seed=1, normalized=False)
    assert sum(abs(sampled[n] - exact[n]) for n in G) / total < 0.15
    assert max(sampled, key=lambda k: sampled[k]) == max(exact, key=lambda k: exact[k])
    # The pivot estimate is unbiased: its mean over seeds approaches the exact value.
    runs = [
        cross_sector_betweenness(G, "agency", k=10, seed=s, normalized=False) for s in range(30)
    ]
    mean = {n: statistics.mean(run[n] for run in runs) for n in G}
    assert sum(abs(mean[n] - exact[n]) for n in G) / total < 0.08
    # Same seed, same answer; all pivots is the exact answer.
    assert cross_sector_betweenness(G, "agency", k=10, seed=3) == cross_sector_betweenness(
        G, "agency", k=10, seed=3
    )
    assert cross_sector_betweenness(G, "agency", k=len(G), normalized=False) == pytest.approx(exact)


def test_sampled_mode_kicks_in_above_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.analytics.bridges as bridges_module

    G = nx.gnm_random_graph(60, 150, seed=2)
    rng = random.Random(2)
    for node in G:
        G.nodes[node]["sector"] = rng.choice(SECTORS)
    exact = cross_sector_betweenness(G)
    monkeypatch.setattr(bridges_module, "EXACT_MAX_NODES", 50)
    monkeypatch.setattr(bridges_module, "PIVOTS", 20)
    sampled = cross_sector_betweenness(G, seed=5)
    assert sampled != exact
    assert sampled == cross_sector_betweenness(G, k=20, seed=5)


def test_no_bridges_within_one_sector_and_missing_sectors() -> None:
    G = nx.path_graph(5)
    nx.set_node_attributes(G, "nonprofit", "sector")
    assert find_bridges(G) == []
    # Without a sector attribute every node is in the group None: still one group.
    assert find_bridges(nx.path_graph(5)) == []
    # 0 - 1 - [2] - 3 - 4 with 2 a community group: the cross-sector pairs are
    # {2, x} (4 pairs). 1 lies on 2-0 only: 1 of the 3 pairs that exclude 1
    # ({2,0}, {2,3}, {2,4}) -> 1/3; 3 likewise; every pair includes 2 -> 0.
    # 2 brokers nonprofits 1-3 (itinerant, both ways); 1 and 3 join their
    # sector to the community group (representative 1, gatekeeper 1).
    # The ends have a single tie and broker nothing.
    G.nodes[2]["sector"] = "community"
    bridges = {b["id"]: b for b in find_bridges(G)}
    assert set(bridges) == {1, 2, 3}
    assert bridges[1]["cross_sector_betweenness"] == pytest.approx(1 / 3, abs=1e-6)
    assert bridges[2]["cross_sector_betweenness"] == 0
    assert bridges[2]["brokerage"]["itinerant"] == 2
    assert bridges[1]["brokerage"]["representative"] == bridges[1]["brokerage"]["gatekeeper"] == 1
    assert bridges[2]["sectors_connected"] == ["nonprofit"]
    assert bridges[1]["sectors_connected"] == ["community"]
    assert all(b["articulation_point"] for b in bridges.values())


def test_structural_holes_with_zero_weights_equals_networkx() -> None:
    # A tie of weight 0 (an investment of 0 shekels) must not divide by zero.
    G = nx.gnp_random_graph(25, 0.3, seed=4)
    rng = random.Random(1)
    for u, v in G.edges:
        G[u][v]["weight"] = rng.choice([0, 0, 1, 2.5])
    effective = nx.effective_size(G, weight="weight")
    constraint = nx.constraint(G, weight="weight")
    mine = structural_holes(G, list(G))
    for node in G:
        assert mine[node] == pytest.approx((effective[node], constraint[node]))


def test_score_formula_on_a_path_by_hand() -> None:
    # 0 - 1 - [2] - 3 - 4, node 2 a community group, the others nonprofits.
    G = nx.path_graph(5)
    nx.set_node_attributes(G, "nonprofit", "sector")
    G.nodes[2]["sector"] = "community"
    bridges = {b["id"]: b for b in find_bridges(G)}
    # Node 1: betweenness 1/3 = the highest -> 0.4 x 1; cross-sector paths
    # 2 (representative 1 + gatekeeper 1) = the highest -> 0.25 x 1; alone
    # links 1 actor (node 0), the most is 2 (node 2 splits {0,1} from {3,4})
    # -> 0.15 x (0.5 + 0.5 x ln 2 / ln 3); constraint: two untied contacts,
    # 2 x (1/2)^2 = 0.5 -> 0.2 x (1 - 0.5).
    expected_1 = 0.4 + 0.25 + 0.15 * (0.5 + 0.5 * math.log(2) / math.log(3)) + 0.1
    assert bridges[1]["constraint"] == pytest.approx(0.5)
    assert bridges[1]["score"] == pytest.approx(expected_1, abs=1e-4)
    assert bridges[3]["score"] == bridges[1]["score"]
    # Node 2: betweenness 0; itinerant 2 -> 0.25 x 1; alone links 2 -> 0.15 x 1;
    # constraint 0.5 -> 0.1.
    assert bridges[2]["score"] == pytest.approx(0.25 + 0.15 + 0.1, abs=1e-4)


@pytest.mark.parametrize("seed", range(3))
def test_articulation_points_and_cut_off_actors_match_networkx(seed: int) -> None:
    # A sparse network with many cut points; checked against
    # nx.articulation_points and against removing each node for real.
    G = nx.gnm_random_graph(60, 70, seed=seed)
    rng = random.Random(seed)
    nx.set_node_attributes(G, {n: rng.choice(SECTORS[:3]) for n in G}, "sector")
    points = set(nx.articulation_points(G))
    bridges = find_bridges(G, top=len(G))
    assert bridges
    for b in bridges:
        node = b["id"]
        assert b["articulation_point"] is (node in points)
        rest = nx.node_connected_component(G, node) - {node}
        pieces = sorted((len(p) for p in nx.connected_components(G.subgraph(rest))), reverse=True)
        assert b["actors_only_through"] == sum(pieces[1:])


# -- the cut-off pieces in arrays equal a walk of the block-cut tree --------------


def _cut_off_by_walk(g: ig.Graph, groups: list[Any]) -> dict[int, tuple[int, Counter[Any]]]:
    """The block-cut tree walked node by node with Counters (the first implementation)."""
    blocks, points = g.biconnected_components(return_articulation_points=True)
    cut = set(points)
    # Tree nodes: ("b", block index) and ("a", vertex); every vertex is
    # counted once, at its articulation node or its only block.
    tree: dict[tuple[str, int], list[tuple[str, int]]] = {}
    own: dict[tuple[str, int], Counter[Any]] = {}
    for b, block in enumerate(blocks):
        key = ("b", b)
        own[key] = Counter(groups[v] for v in block if v not in cut)
        tree.setdefault(key, [])
        for v in block:
            if v in cut:
                tree[key].append(("a", v))
                tree.setdefault(("a", v), []).append(key)
                own[("a", v)] = Counter([groups[v]])
    subtree: dict[tuple[str, int], Counter[Any]] = {}
    parent: dict[tuple[str, int], tuple[str, int] | None] = {}
    root_of: dict[tuple[str, int], tuple[str, int]] = {}
    for root in tree:
        if root[0] != "b" or root in parent:
            continue
        parent[root] = None
        order, stack = [], [root]
        while stack:
            node = stack.pop()
            order.append(node)
            root_of[node] = root
            for nxt in tree[node]:
                if nxt not in parent:
                    parent[nxt] = node
                    stack.append(nxt)
        for node in reversed(order):
            total = Counter(own[node])
            for nxt in tree[node]:
                if parent.get(nxt) == node:
                    total.update(subtree[nxt])
            subtree[node] = total
    out: dict[int, tuple[int, Counter[Any]]] = {}
    for v in points:
        key = ("a", v)
        pieces = [subtree[c] for c in tree[key] if parent.get(c) == key]
        above = subtree[root_of[key]] - subtree[key]
        if above.total():
            pieces.append(above)
        pieces.sort(key=lambda c: c.total(), reverse=True)
        cut_groups: Counter[Any] = Counter()
        for piece in pieces[1:]:
            cut_groups.update(piece)
        out[v] = (cut_groups.total(), cut_groups)
    return out


@pytest.mark.parametrize("seed", range(8))
def test_cut_off_in_arrays_equals_the_tree_walk(seed: int) -> None:
    # Sparse graphs and trees: many articulation points with pieces of equal size, so the
    # rule for which of equal pieces stays (the first below in block order, then the rest
    # above) is exercised; several components, isolated actors, a group of None.
    rng = random.Random(seed)
    G = nx.gnm_random_graph(80, 75 + 5 * seed, seed=seed)
    for t in range(12):  # small trees: removing a middle node leaves equal pieces
        tree = nx.random_labeled_tree(rng.randint(3, 9), seed=seed * 100 + t)
        G = nx.disjoint_union(G, tree)
    groups = [rng.choice([*SECTORS[:4], None]) for _ in G]
    g = ig.Graph(n=len(G), edges=list(G.edges), directed=False)
    expected = _cut_off_by_walk(g, groups)
    got = cut_off(g, groups)
    assert got == expected
    assert len(expected) > 10
