"""Isolated actors of the planted town (``planted.py``), one planted case per kind."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from graph.analytics.isolates import ISOLATE_KINDS, find_isolates
from graph.network import build_network
from graph.store.sqlite import SQLiteStore
from tests.analytics.planted import L1, planted_town


@pytest.fixture
def town(sqlite_store: SQLiteStore) -> SQLiteStore:
    planted_town(sqlite_store)
    return sqlite_store


def _kinds(store: SQLiteStore, **scope: Any) -> dict[str, list[str]]:
    return {e["id"]: e["kinds"] for e in find_isolates(build_network(store, **scope))}


def test_each_planted_kind_is_found(town: SQLiteStore) -> None:
    found = _kinds(town, locality_id=L1)
    assert found == {
        "o-parents": ["isolate", "no_forum"],
        "o-synagogue": ["disconnected", "no_forum", "sector_siloed", "single_tie"],
        "o-scouts": ["disconnected", "no_forum", "sector_siloed", "single_tie"],
        "o-residents": ["no_forum", "single_tie"],
        "o-welfare-dept": ["no_forum", "sector_siloed", "single_tie"],
    }


def test_well_connected_actors_are_not_reported(town: SQLiteStore) -> None:
    found = _kinds(town, locality_id=L1)
    for oid in ("o-muni", "o-edu", "o-ngo-a", "o-ngo-b", "o-ngo-c", "o-biz"):
        assert oid not in found
    # national funders enter the town through one tie: context, not a finding
    assert "o-fund-y" not in found


def test_whole_graph_judges_everyone(town: SQLiteStore) -> None:
    found = _kinds(town)
    assert found["o-ofakim-ngo"] == ["isolate", "no_forum"]
    assert found["o-ngo-d"] == ["isolate", "no_forum"]
    # קרן סמואלי funds one program and sits in no forum
    assert found["o-fund-y"] == ["no_forum", "single_tie"]


def test_context_changes_who_is_isolated(town: SQLiteStore) -> None:
    routine = _kinds(town, locality_id=L1, context="routine")
    # without the emergency team the community centre falls out of the main network
    assert routine["o-ngo-c"] == ["disconnected", "no_forum"]
    assert routine["o-residents"] == ["disconnected", "no_forum", "single_tie"]


def test_reasons_and_order(town: SQLiteStore) -> None:
    entries = find_isolates(build_network(town, locality_id=L1))
    order = [ISOLATE_KINDS.index(e["kinds"][0]) for e in entries]
    assert order == sorted(order)
    disconnected = [e["name"] for e in entries if e["kinds"][0] == "disconnected"]
    assert disconnected == sorted(disconnected)
    residents = next(e for e in entries if e["id"] == "o-residents")
    assert residents["name"] == "ועד שכונת הדקל"
    assert residents["sector"] == "community"
    assert residents["locality_ids"] == [L1]
    assert residents["reasons"] == [
        "sits in no forum",
        'only one tie: to מתנ"ס קריית מלאכי (partnership)',
    ]
    assert residents["reasons_he"][1] == 'קשר אחד בלבד: אל מתנ"ס קריית מלאכי (שותפות)'
    siloed = next(e for e in entries if e["id"] == "o-welfare-dept")
    # one tie is "its only tie" (not "all its 1 ties"), and the sector by its label
    assert "its only tie is within its own sector (Local authority)" in siloed["reasons"]
    assert "הקשר היחיד שלו בתוך המגזר שלו (רשות מקומית)" in siloed["reasons_he"]
    assert "علاقته الوحيدة داخل قطاعه (سلطة محلية)" in siloed["reasons_ar"]


def test_filter_kinds(town: SQLiteStore) -> None:
    G = build_network(town, locality_id=L1)
    only = find_isolates(G, kinds=["sector_siloed"])
    # by name: מחלקת < קהילת < שבט
    assert [e["id"] for e in only] == ["o-welfare-dept", "o-synagogue", "o-scouts"]
    assert all(e["kinds"] == ["sector_siloed"] for e in only)
    with pytest.raises(ValueError, match="lonely"):
        find_isolates(G, kinds=["lonely"])


def test_two_equal_components_pick_one_deterministically() -> None:
    G = nx.Graph()
    for oid in "abcd":
        G.add_node(oid, name=oid, sector="nonprofit", locality_ids=[], forum_ids=["f"])
    G.add_edge("c", "d", kinds=["forum"])
    G.add_edge("a", "b", kinds=["forum"])
    found = {e["id"]: e["kinds"] for e in find_isolates(G)}
    # the main component is {a, b} (the smallest id wins a tie in size)
    assert found["c"][0] == "disconnected" and "disconnected" not in found["a"]
