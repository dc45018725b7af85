"""Metrics of the planted town (values derived by hand from ``planted.py``) and of
Davis Southern Women (compared with NetworkX on its own projection)."""

from __future__ import annotations

import networkx as nx
import pytest
from networkx.algorithms import bipartite

from graph.analytics.metrics import (
    investment_metrics,
    network_metrics,
    scope_metrics,
    split_by_age_stage,
)
from graph.network import build_network
from graph.scope import Scope, read
from graph.store.sqlite import SQLiteStore
from tests.analytics.planted import L1, davis_store, planted_town


@pytest.fixture
def town(sqlite_store: SQLiteStore) -> SQLiteStore:
    planted_town(sqlite_store)
    return sqlite_store


def test_town_network_metrics(town: SQLiteStore) -> None:
    m = network_metrics(build_network(town, locality_id=L1))
    # 11 organisations of the town + the two national foundations that fund it
    assert m["nodes"] == 13
    assert m["by_sector"] == {
        "business": 1,
        "community": 4,
        "local_authority": 3,
        "nonprofit": 3,
        "philanthropy": 2,
    }
    # administration clique 10, EC team +2, emergency team +1, PART_OF +1 (welfare),
    # partnerships 3, funding +2 (the municipality already sits with nonprofit B)
    assert m["ties"] == 19
    assert m["density"] == pytest.approx(19 / (13 * 12 / 2), abs=1e-6)
    # main network, the synagogue-scouts pair, the parents' committee
    assert m["components"] == 3
    assert m["isolates"] == 1
    assert m["largest_component_share"] == pytest.approx(10 / 13, abs=1e-6)
    # same-sector ties: education-municipality, welfare-municipality, A-B, synagogue-scouts
    assert m["cross_sector_tie_share"] == pytest.approx(15 / 19, abs=1e-6)
    assert m["ties_by_kind"]["funding"] == 3
    assert m["ties_by_kind"]["part_of"] == 2
    assert m["ties_by_sector_pair"]["community|community"] == 1


def _tie_counts_by_hand(G: nx.Graph) -> tuple[dict[str, int], dict[str, int]]:
    by_kind: dict[str, int] = {}
    by_pair: dict[str, int] = {}
    for u, v, kinds in G.edges(data="kinds"):
        for kind in kinds or []:
            by_kind[kind] = by_kind.get(kind, 0) + 1
        a, b = sorted(str(G.nodes[x].get("sector") or "other") for x in (u, v))
        by_pair[f"{a}|{b}"] = by_pair.get(f"{a}|{b}", 0) + 1
    return by_kind, by_pair


def test_tie_counts_from_arrays_equal_a_count_tie_by_tie(town: SQLiteStore) -> None:
    # The counts come from the network's edge arrays (the kinds codes build_network
    # hands over, or found afterwards for a copy); with a self-loop, tie by tie.
    G = build_network(town)
    assert G.number_of_edges() > 15
    by_kind, by_pair = _tie_counts_by_hand(G)
    for H in (G, nx.Graph(G)):
        m = network_metrics(H)
        assert m["ties_by_kind"] == by_kind
        assert m["ties_by_sector_pair"] == dict(sorted(by_pair.items()))
        assert m["ties"] == G.number_of_edges()
        assert m["density"] == round(nx.density(G), 6)
    looped = nx.Graph(G)
    looped.add_edge("o-muni", "o-muni", kinds=["partnership"])
    by_kind, by_pair = _tie_counts_by_hand(looped)
    m = network_metrics(looped)
    assert (m["ties_by_kind"], m["ties_by_sector_pair"]) == (by_kind, dict(sorted(by_pair.items())))
    assert m["ties"] == looped.number_of_edges() == G.number_of_edges() + 1
    assert m["density"] == round(nx.density(looped), 6)


def test_town_investment_metrics(town: SQLiteStore) -> None:
    sub = read(town, Scope(L1), dated=False)
    inv = investment_metrics(build_network(sub, locality_id=L1), sub)
    assert inv["total"] == 500000
    assert inv["count"] == 4
    # all program money is for ages 0-5; the locality grant for employment has no ages
    assert inv["by_age_stage"] == {
        "early_childhood": 400000,
        "school": 0,
        "service": 0,
        "young_adults": 0,
        "other_ages": 0,
        "unspecified": 100000,
    }
    # p-lang-b (early childhood and welfare) splits its 50,000 evenly
    assert inv["by_domain"] == {
        "early_childhood": 375000,
        "employment": 100000,
        "welfare": 25000,
    }
    assert [(f["id"], f["amount"]) for f in inv["by_funder"]] == [
        ("o-fund-x", 300000),
        ("o-fund-y", 150000),
        ("o-muni", 50000),
    ]
    assert inv["by_funder"][0]["name"] == 'קרן רש"י'
    assert inv["by_funder"][0]["sector"] == "philanthropy"
    # an emergency-only view has no routine programs, so only the locality grant is left
    emergency = investment_metrics(build_network(sub, locality_id=L1, context="emergency"), sub)
    assert emergency["total"] == 100000


def test_split_by_age_stage() -> None:
    assert split_by_age_stage(6, 17) == {"school": 1.0}
    shares = split_by_age_stage(15, 40)
    assert shares == pytest.approx(
        {"school": 3 / 26, "service": 4 / 26, "young_adults": 14 / 26, "other_ages": 5 / 26}
    )
    assert sum(shares.values()) == pytest.approx(1.0)
    assert split_by_age_stage(None, 3) == {"early_childhood": 1.0}
    assert split_by_age_stage("x", 3) == {"unspecified": 1.0}


def test_empty_network() -> None:
    m = scope_metrics(nx.Graph())
    assert (m["nodes"], m["ties"], m["density"], m["components"]) == (0, 0, 0.0, 0)
    assert m["cross_sector_tie_share"] == 0.0 and m["by_sector"] == {}


def test_davis_metrics_match_networkx_on_its_projection(sqlite_store: SQLiteStore) -> None:
    B = davis_store(sqlite_store)
    m = network_metrics(build_network(sqlite_store))
    P = bipartite.projected_graph(B, B.graph["top"])
    assert m["nodes"] == 18 == P.number_of_nodes()
    assert m["ties"] == P.number_of_edges() == 139
    assert m["density"] == pytest.approx(nx.density(P), abs=1e-6)
    assert m["components"] == nx.number_connected_components(P) == 1
    degrees = [d for _, d in P.degree()]
    freeman = sum(max(degrees) - d for d in degrees) / (17 * 16)
    assert m["degree_centralization"] == pytest.approx(freeman, abs=1e-6)
    assert m["cross_sector_tie_share"] == 0.0  # every woman is "community"
