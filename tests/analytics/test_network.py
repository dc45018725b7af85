"""The actor network built from a store: ties, evidence, role folding, context, scope.

Expected values come from the planted town (``planted.py``: every tie is
known by construction) and, for the Davis Southern Women data, from the
published bipartite centralities of Borgatti & Halgin (2011), as NetworkX
holds them in ``networkx/algorithms/bipartite/tests/test_centrality.py``.
"""

from __future__ import annotations

import math

import networkx as nx
import pytest
from networkx.algorithms import bipartite

from graph.errors import NotFound, ValidationFailed
from graph.locality import locality_part
from graph.network import TIE_KINDS, affiliation_graph, build_network
from graph.scope import Scope, read
from graph.store.sqlite import SQLiteStore
from tests.analytics.planted import L1, L2, davis_store, planted_town


@pytest.fixture
def town(sqlite_store: SQLiteStore) -> SQLiteStore:
    planted_town(sqlite_store)
    return sqlite_store


def _ev(G: nx.Graph, u: str, v: str) -> list[tuple[str, str]]:
    return [(e["kind"], e["id"]) for e in G.edges[u, v]["evidence"]]


def test_nodes_are_organisations_with_attributes(town: SQLiteStore) -> None:
    G = build_network(town)
    assert all(town.get(n).label == "Organization" for n in G)  # type: ignore[union-attr]
    assert "r-mayor" not in G and "f-admin" not in G
    attrs = G.nodes["o-edu"]
    assert attrs["name"] == "מחלקת חינוך"
    assert attrs["sector"] == "local_authority"
    assert attrs["parent_id"] == "o-muni"
    assert attrs["locality_ids"] == [L1]
    assert attrs["forum_ids"] == ["f-admin", "f-ec"]


def test_ties_carry_their_evidence(town: SQLiteStore) -> None:
    G = build_network(town)
    # program partner + shared professional team
    assert G.edges["o-edu", "o-ngo-a"]["kinds"] == ["forum", "program"]
    assert _ev(G, "o-edu", "o-ngo-a") == [("forum", "f-ec"), ("program", "p-lang-a")]
    assert G.edges["o-edu", "o-ngo-a"]["weight"] == pytest.approx(6 / 12 + 1)
    # funding: funder to operator, log-scaled money
    assert _ev(G, "o-fund-x", "o-ngo-a") == [("funding", "i-x-lang-a")]
    assert G.edges["o-fund-x", "o-ngo-a"]["weight"] == pytest.approx(math.log10(200001) / 6)
    # explicit partnership, weight = strength
    assert G.edges["o-ngo-c", "o-residents"]["kinds"] == ["partnership"]
    assert G.edges["o-ngo-c", "o-residents"]["weight"] == 4
    # PART_OF plus the local administration's clique
    assert set(G.edges["o-edu", "o-muni"]["kinds"]) == {"forum", "part_of"}
    for tie in G.edges.values():
        assert set(tie["kinds"]) <= set(TIE_KINDS)
        assert tie["kinds"] == sorted({e["kind"] for e in tie["evidence"]})
        assert all(set(e) == {"kind", "id", "name"} for e in tie["evidence"])


def test_roles_fold_into_their_organisation(town: SQLiteStore) -> None:
    G = build_network(town)
    # the mayor's seat (and convening) puts the municipality in the administration
    assert ("forum", "f-admin") in _ev(G, "o-muni", "o-biz")
    # the early-childhood lead's seat counts for nonprofit B
    assert _ev(G, "o-ngo-a", "o-ngo-b") == [("forum", "f-ec")]


def test_forum_is_a_clique_of_its_members(town: SQLiteStore) -> None:
    G = build_network(town)
    admin = ["o-biz", "o-edu", "o-fund-x", "o-muni", "o-ngo-b"]
    for i, u in enumerate(admin):
        for v in admin[i + 1 :]:
            assert ("forum", "f-admin") in _ev(G, u, v)
    assert not G.has_edge("o-parents", "o-muni")
    assert G.degree("o-parents") == 0


def test_context_filter(town: SQLiteStore) -> None:
    both = build_network(town)
    routine = build_network(town, context="routine")
    emergency = build_network(town, context="emergency")
    assert both.has_edge("o-muni", "o-ngo-c") and both.has_edge("o-biz", "o-ngo-a")
    # the emergency team and the emergency-only partnership are not routine
    assert not routine.has_edge("o-muni", "o-ngo-c")
    assert not routine.has_edge("o-biz", "o-ngo-a")
    # a partnership for both contexts stays in each
    assert routine.has_edge("o-ngo-c", "o-residents")
    assert emergency.has_edge("o-ngo-c", "o-residents")
    # routine forums and programs (and the funding of them) leave the emergency network
    assert _ev(emergency, "o-muni", "o-ngo-c") == [("forum", "f-emergency")]
    assert not emergency.has_edge("o-edu", "o-ngo-a")
    assert not emergency.has_edge("o-fund-x", "o-ngo-a")
    assert emergency.nodes["o-edu"]["forum_ids"] == []
    assert emergency.graph["scope"]["context"] == "emergency"
    with pytest.raises(ValidationFailed, match="context"):
        build_network(town, context="war")


def test_scopes(town: SQLiteStore) -> None:
    whole = build_network(town)
    local = build_network(town, locality_id=L1)
    cluster = build_network(town, cluster_id="c-south")
    assert "o-ngo-d" in whole and "o-ngo-d" not in local and "o-ngo-d" in cluster
    assert "o-ofakim-ngo" not in local and "o-ofakim-ngo" not in cluster
    # national funders come in through the money they put in the town
    assert local.has_edge("o-fund-x", "o-ngo-a")
    assert local.graph["scope"]["locality_ids"] == [L1]
    assert cluster.graph["scope"]["locality_ids"] == sorted([L1, L2])
    assert whole.graph["scope"]["locality_ids"] is None
    # the same network from a store or from the subgraph
    sub = read(town, Scope(L1), dated=False)
    same = build_network(sub, locality_id=L1)
    assert nx.utils.edges_equal(sorted(same.edges(data=True)), sorted(local.edges(data=True)))
    with pytest.raises(NotFound, match="nowhere"):
        build_network(town, locality_id="nowhere")
    with pytest.raises(NotFound, match="c-none"):
        build_network(town, cluster_id="c-none")


@pytest.mark.parametrize("loc", [L1, L2, "loc-ofakim"])
def test_one_pass_locality_read_equals_the_store_subgraph(town: SQLiteStore, loc: str) -> None:
    expected = town.subgraph(loc)
    got = locality_part(town.iter_nodes(), town.iter_relationships(), loc)
    assert [n.id for n in got.nodes] == [n.id for n in expected.nodes]
    assert got.nodes == expected.nodes
    assert sorted(r.key for r in got.relationships) == sorted(r.key for r in expected.relationships)


def test_deterministic(town: SQLiteStore) -> None:
    a, b = build_network(town), build_network(town)
    assert list(a.edges(data=True)) == list(b.edges(data=True))


def test_copies_made_while_building_equal_copies_made_from_the_network(town: SQLiteStore) -> None:
    # build_network hands its ties to the igraph and array copies as it goes; a copy of
    # the same network made afterwards from its NetworkX adjacency must be the same.
    import igraph as ig

    from graph.network import adjacency_of, igraph_of

    built = build_network(town)
    assert built.number_of_edges() > 15
    again = nx.Graph(built)  # the same nodes and ties, no copies kept yet
    g_built, nodes_built = igraph_of(built)
    g_again, nodes_again = igraph_of(again)
    assert nodes_built == nodes_again == list(built)
    assert isinstance(g_built, ig.Graph)
    assert g_built.get_edgelist() == g_again.get_edgelist()
    a, b = adjacency_of(built), adjacency_of(again)
    assert a.indptr.tolist() == b.indptr.tolist()
    assert a.indices.tolist() == b.indices.tolist()
    assert a.weights.tolist() == b.weights.tolist()
    # Each row is the network's own adjacency, in its order, with its weights.
    for i, node in enumerate(nodes_built):
        row = slice(a.indptr[i], a.indptr[i + 1])
        assert [nodes_built[j] for j in a.indices[row]] == list(built[node])
        assert a.weights[row].tolist() == [d["weight"] for d in built[node].values()]


def test_copies_follow_a_changed_network() -> None:
    from graph.network import adjacency_of, igraph_of

    G = nx.Graph([("a", "b")])
    assert igraph_of(G)[0].ecount() == 1
    G.add_edge("b", "c", weight=2.0)
    assert igraph_of(G)[0].ecount() == 2
    assert adjacency_of(G).weights.tolist() == [1.0, 1.0, 2.0, 2.0]


# -- Davis Southern Women: store -> network reproduces published values ---------------


def test_davis_projection_equals_networkx(sqlite_store: SQLiteStore) -> None:
    B = davis_store(sqlite_store)
    G = build_network(sqlite_store)
    expected = bipartite.weighted_projected_graph(B, B.graph["top"])
    assert set(G.nodes) == set(expected.nodes)
    assert {frozenset(e) for e in G.edges} == {frozenset(e) for e in expected.edges}
    for u, v, w in expected.edges(data="weight"):
        # one monthly forum counts 1, so the weight is the number of shared events
        assert G.edges[u, v]["weight"] == pytest.approx(w)
        assert len(G.edges[u, v]["evidence"]) == w


def test_davis_bipartite_centralities_match_borgatti_halgin(sqlite_store: SQLiteStore) -> None:
    B0 = davis_store(sqlite_store)
    B = affiliation_graph(sqlite_store)
    women = [n for n, d in B.nodes(data=True) if d["bipartite"] == 0]
    assert sorted(women) == sorted(B0.graph["top"])
    assert B.number_of_edges() == 89
    for measure, table in (
        (bipartite.degree_centrality, DEGREE),
        (bipartite.betweenness_centrality, BETWEENNESS),
        (bipartite.closeness_centrality, CLOSENESS),
    ):
        got = measure(B, women)
        for node, value in table.items():
            assert got[node] == pytest.approx(value, abs=1e-2), (measure.__name__, node)


# Borgatti & Halgin (2011), "Analyzing affiliation networks", as held in NetworkX's
# networkx/algorithms/bipartite/tests/test_centrality.py.
DEGREE = {
    "E8": 0.78,
    "E9": 0.67,
    "E7": 0.56,
    "Nora Fayette": 0.57,
    "Evelyn Jefferson": 0.57,
    "Theresa Anderson": 0.57,
    "E6": 0.44,
    "Sylvia Avondale": 0.50,
    "Laura Mandeville": 0.50,
    "Brenda Rogers": 0.50,
    "Katherina Rogers": 0.43,
    "E5": 0.44,
    "Helen Lloyd": 0.36,
    "E3": 0.33,
    "Ruth DeSand": 0.29,
    "Verne Sanderson": 0.29,
    "E12": 0.33,
    "Myra Liddel": 0.29,
    "E11": 0.22,
    "Eleanor Nye": 0.29,
    "Frances Anderson": 0.29,
    "Pearl Oglethorpe": 0.21,
    "E4": 0.22,
    "Charlotte McDowd": 0.29,
    "E10": 0.28,
    "Olivia Carleton": 0.14,
    "Flora Price": 0.14,
    "E2": 0.17,
    "E1": 0.17,
    "Dorothy Murchison": 0.14,
    "E13": 0.17,
    "E14": 0.17,
}

BETWEENNESS = {
    "E8": 0.24,
    "E9": 0.23,
    "E7": 0.13,
    "Nora Fayette": 0.11,
    "Evelyn Jefferson": 0.10,
    "Theresa Anderson": 0.09,
    "E6": 0.07,
    "Sylvia Avondale": 0.07,
    "Laura Mandeville": 0.05,
    "Brenda Rogers": 0.05,
    "Katherina Rogers": 0.05,
    "E5": 0.04,
    "Helen Lloyd": 0.04,
    "E3": 0.02,
    "Ruth DeSand": 0.02,
    "Verne Sanderson": 0.02,
    "E12": 0.02,
    "Myra Liddel": 0.02,
    "E11": 0.02,
    "Eleanor Nye": 0.01,
    "Frances Anderson": 0.01,
    "Pearl Oglethorpe": 0.01,
    "E4": 0.01,
    "Charlotte McDowd": 0.01,
    "E10": 0.01,
    "Olivia Carleton": 0.01,
    "Flora Price": 0.01,
    "E2": 0.00,
    "E1": 0.00,
    "Dorothy Murchison": 0.00,
    "E13": 0.00,
    "E14": 0.00,
}

CLOSENESS = {
    "E8": 0.85,
    "E9": 0.79,
    "E7": 0.73,
    "Nora Fayette": 0.80,
    "Evelyn Jefferson": 0.80,
    "Theresa Anderson": 0.80,
    "E6": 0.69,
    "Sylvia Avondale": 0.77,
    "Laura Mandeville": 0.73,
    "Brenda Rogers": 0.73,
    "Katherina Rogers": 0.73,
    "E5": 0.59,
    "Helen Lloyd": 0.73,
    "E3": 0.56,
    "Ruth DeSand": 0.71,
    "Verne Sanderson": 0.71,
    "E12": 0.56,
    "Myra Liddel": 0.69,
    "E11": 0.54,
    "Eleanor Nye": 0.67,
    "Frances Anderson": 0.67,
    "Pearl Oglethorpe": 0.67,
    "E4": 0.54,
    "Charlotte McDowd": 0.60,
    "E10": 0.55,
    "Olivia Carleton": 0.59,
    "Flora Price": 0.59,
    "E2": 0.52,
    "E1": 0.52,
    "Dorothy Murchison": 0.65,
    "E13": 0.52,
    "E14": 0.52,
}


def test_an_unnamed_investment_is_shown_by_the_program_it_funds(town: SQLiteStore) -> None:
    # i-x-lang-a has no name (tests/analytics/planted.py), so the model names it by ids,
    # "o-fund-x → p-lang-a"; the evidence people read names the program instead.
    G = build_network(town)
    (evidence,) = G.edges["o-fund-x", "o-ngo-a"]["evidence"]
    assert evidence == {"kind": "funding", "id": "i-x-lang-a", "name": town.get("p-lang-a").name}
    assert "→" not in evidence["name"]


def test_ties_share_data_both_ways_and_kinds_lists_by_value(town: SQLiteStore) -> None:
    # build_network writes each adjacency row whole: the data dict of a tie is one object
    # seen from both ends (as networkx.Graph.add_edge makes it), every row is in vertex
    # (id) order, and ties with equal kinds share one read-only kinds list.
    G = build_network(town)
    order = list(G)
    assert order == sorted(order)
    rank = {node: i for i, node in enumerate(order)}
    kinds_lists: dict[tuple[str, ...], list[str]] = {}
    for u, row in G.adj.items():
        assert [rank[v] for v in row] == sorted(rank[v] for v in row)
        for v, data in row.items():
            assert G.adj[v][u] is data
            assert list(data) == ["weight", "kinds", "evidence"]
            assert kinds_lists.setdefault(tuple(data["kinds"]), data["kinds"]) is data["kinds"]
    assert len(kinds_lists) >= 4  # forum, program, funding, partnership, part_of and mixes
    assert G.number_of_edges() == sum(len(row) for row in G.adj.values()) // 2
