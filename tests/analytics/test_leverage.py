"""Leverage points on planted towns: each kind of entry, planted and found.

The towns go through the real path: model validation, the SQLite store,
``graph.scope.read`` and ``build_network``. Expected scores follow from the
formulas in ``graph.analytics.leverage``'s docstring, worked in comments.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from graph.analytics.bridges import find_bridges
from graph.analytics.leverage import find_leverage
from graph.model import (
    Forum,
    Goal,
    Investment,
    Locality,
    Membership,
    NodeModel,
    Organization,
    Partnership,
    Program,
    ProgramPartner,
    Role,
    edge_record,
    to_record,
)
from graph.network import build_network
from graph.scope import Scope, read
from graph.store.base import GraphStore, Subgraph

L, L2 = "loc-yeruham", "loc-dimona"


def _m(model: type[NodeModel], **fields: Any) -> NodeModel:
    """Validate from plain cells, as an importer would (``"a;b"`` lists, enum names)."""
    return model.model_validate(fields)


def _write(store: GraphStore, nodes: list[NodeModel], edges: list[Any]) -> None:
    store.write([to_record(n) for n in nodes], [edge_record(e) for e in edges])


def _org(oid: str, name: str, sector: str, locs: str = L) -> NodeModel:
    return _m(Organization, id=oid, name=name, sector=sector, locality_ids=locs)


def _town(store: GraphStore) -> None:
    nodes: list[NodeModel] = [
        _m(Locality, id=L, name="ירוחם", municipal_status="local_council"),
        _m(Locality, id=L2, name="דימונה", municipal_status="city"),
        _org("muni", "מועצה מקומית ירוחם", "local_authority"),
        _org("ngo-a", "עמותת צעדים", "nonprofit"),
        _org("ngo-b", 'מתנ"ס ירוחם', "nonprofit"),
        _org("biz", "מפעל פניציה", "business"),
        _org("comm", "ועד הורים <script>", "community"),
        _org("uni", "מכללת ספיר", "academia"),
        _org("fund", 'קרן רש"י', "philanthropy", locs=""),
        _org("ngo-dimona", "עמותה בדימונה", "nonprofit", locs=L2),
        _org("biz-dimona", "עסק בדימונה", "business", locs=L2),
        _m(Role, id="r-head", title="ראש המועצה", kind="head_of_authority", organization_id="muni"),
        _m(
            Forum,
            id="f-admin",
            name="מינהלת יישובית",
            kind="local_administration",
            locality_id=L,
            convener_id="muni",
            meetings_per_year=11,
        ),
        _m(Forum, id="f-prof", name="צוות מקצועי", kind="professional_team", locality_id=L),
        _m(Forum, id="f-dimona", name="מינהלת דימונה", kind="local_administration", locality_id=L2),
        _m(
            Goal,
            id="g-none",
            title="הגדלת ההשתתפות בתנועות נוער",
            locality_id=L,
            domain="informal_education",
        ),
        _m(Goal, id="g-nomoney", title="מוכנות לכיתה א", locality_id=L, domain="early_childhood"),
        _m(Goal, id="g-funded", title="תעסוקת צעירים", locality_id=L, domain="employment"),
        _m(
            Program,
            id="p-ec",
            name="שפה לפעוטות",
            operator_id="ngo-a",
            locality_id=L,
            domains="early_childhood",
            age_min=0,
            age_max=3,
            goal_ids="g-nomoney",
        ),
        _m(
            Program,
            id="p-jobs",
            name="צעירים לתעסוקה",
            operator_id="biz",
            locality_id=L,
            domains="employment",
            age_min=18,
            age_max=30,
            goal_ids="g-funded",
        ),
        _m(
            Program,
            id="p-welfare",
            name="ליווי משפחות",
            operator_id="ngo-b",
            locality_id=L,
            domains="welfare",
            age_min=0,
            age_max=5,
        ),
        _m(
            Program,
            id="p-noage",
            name="קהילה פעילה",
            operator_id="ngo-b",
            locality_id=L,
            domains="community",
        ),
        _m(Investment, id="inv-jobs", funder_id="fund", program_id="p-jobs", amount=250000),
        _m(
            Investment,
            id="inv-open",
            funder_id="fund",
            locality_id=L,
            domain="early_childhood",
            amount=100000,
        ),
    ]
    edges: list[Any] = [
        Membership(member_id="r-head", forum_id="f-admin"),  # a role seats its organisation
        Membership(member_id="ngo-a", forum_id="f-admin"),
        Membership(member_id="ngo-b", forum_id="f-admin"),
        *(Membership(member_id=m, forum_id="f-prof") for m in ("muni", "ngo-a", "biz", "comm")),
        Membership(member_id="uni", forum_id="f-prof"),
        Membership(member_id="ngo-dimona", forum_id="f-dimona"),
        ProgramPartner(program_id="p-jobs", organization_id="uni"),
    ]
    _write(store, nodes, edges)


def _leverage(store: GraphStore, locality_id: str | None = L) -> dict[str, dict[str, Any]]:
    sub = read(store, Scope(locality_id), dated=False)
    G = build_network(sub, locality_id=locality_id)
    entries = find_leverage(G, sub, top=None)
    scores = [e["score"] for e in entries]
    assert scores == sorted(scores, reverse=True)
    for e in entries:
        assert 0 <= e["score"] <= 1
        assert e["reasons"] and e["reasons_he"]
    return {f"{e['kind']}:{e['id']}": e for e in entries}


def test_forum_missing_local_sectors(sqlite_store: GraphStore) -> None:
    _town(sqlite_store)
    found = _leverage(sqlite_store)
    admin = found["forum:f-admin"]
    # Sectors of organisations operating in ירוחם: local_authority, nonprofit,
    # business, community, academia (5; the national fund does not count).
    # f-admin seats muni (convener, and through its role), ngo-a, ngo-b:
    # missing business, community, academia -> 3 of 5.
    assert admin["missing_sectors"] == ["academia", "business", "community"]
    # A local administration is a cross-sector forum: 1.0 x (0.5 + 0.5 x 3/5) = 0.8.
    assert admin["score"] == pytest.approx(0.8)
    assert {c["id"] for c in admin["candidates"]} == {"uni", "biz", "comm"}
    assert any("ועד הורים <script>" in r for r in admin["reasons"])  # plain data, unescaped
    # f-prof seats every local sector; f-dimona is outside the scope.
    assert "forum:f-prof" not in found
    assert "forum:f-dimona" not in found


def test_forum_of_other_locality_in_whole_scope(sqlite_store: GraphStore) -> None:
    _town(sqlite_store)
    found = _leverage(sqlite_store, locality_id=None)
    # דימונה has nonprofit and business organisations; its forum seats only the nonprofit.
    assert found["forum:f-dimona"]["missing_sectors"] == ["business"]
    assert found["forum:f-dimona"]["score"] == pytest.approx(1.0 * (0.5 + 0.5 * 1 / 2))
    assert "forum:f-admin" in found


def test_goals_without_program_or_money(sqlite_store: GraphStore) -> None:
    _town(sqlite_store)
    found = _leverage(sqlite_store)
    assert found["goal:g-none"]["gap"] == "no_program"
    assert found["goal:g-none"]["score"] == pytest.approx(0.9)
    nomoney = found["goal:g-nomoney"]
    assert nomoney["gap"] == "no_money"
    assert nomoney["programs"] == ["p-ec"]
    # 100,000 for early childhood in ירוחם waits unallocated: 0.8, not 0.7.
    assert nomoney["unallocated_money"] == pytest.approx(100000)
    assert nomoney["score"] == pytest.approx(0.8)
    assert "goal:g-funded" not in found


def test_continuum_gaps_by_locality_and_domain(sqlite_store: GraphStore) -> None:
    _town(sqlite_store)
    found = _leverage(sqlite_store)
    welfare = found[f"locality_domain:{L}:welfare"]
    # Welfare serves all four stages; ages 0-5 cover early_childhood only:
    # 0.4 + 0.4 x 3/4 = 0.7 (no welfare goal).
    assert welfare["missing_stages"] == ["school", "service", "young_adults"]
    assert welfare["covered_stages"] == ["early_childhood"]
    assert welfare["score"] == pytest.approx(0.7)
    # A program without ages covers nothing and is named: 0.4 + 0.4 x 4/4 = 0.8.
    community = found[f"locality_domain:{L}:community"]
    assert community["missing_stages"] == ["early_childhood", "school", "service", "young_adults"]
    assert community["score"] == pytest.approx(0.8)
    assert any("no age range" in r for r in community["reasons"])
    # A goal in informal education and no program at all: 0.4 + 0.4 + 0.2 = 1.0.
    assert found[f"locality_domain:{L}:informal_education"]["score"] == pytest.approx(1.0)
    # Early childhood 0-3 covers its only stage; employment 18-30 covers service
    # and young adults: no gap.
    assert f"locality_domain:{L}:early_childhood" not in found
    assert f"locality_domain:{L}:employment" not in found
    assert any("שירות" in r for r in welfare["reasons_he"])


def _bridge_town() -> tuple[nx.Graph, Subgraph]:
    """Two sectors that meet only through ``x``, which also alone joins two goals."""
    nodes: list[NodeModel] = [_m(Locality, id=L, name="ירוחם")]
    nonprofits, businesses = ["n0", "n1", "n2", "n3"], ["b0", "b1", "b2", "b3"]
    nodes += [_org(o, f"עמותה {o}", "nonprofit") for o in nonprofits]
    nodes += [_org(o, f"עסק {o}", "business") for o in businesses]
    nodes.append(_org("x", "מכללה", "academia"))
    edges: list[Any] = []
    for group in (nonprofits, businesses):
        edges += [
            Partnership(source_id=a, target_id=b, strength=4)
            for i, a in enumerate(group)
            for b in group[i + 1 :]
        ]
    edges += [Partnership(source_id="x", target_id=o) for o in ("n0", "b0")]
    # p1 (n1; x, n3) -> g1 and p2 (n2; x, n3) -> g2 share n3 besides x;
    # p3 (b1; x) -> g3 and p4 (b2; x) -> g4 share nobody but x with any goal.
    plan = {"p1": ("n1", ["x", "n3"]), "p2": ("n2", ["x", "n3"]), "p3": ("b1", ["x"])}
    plan["p4"] = ("b2", ["x"])
    for i, (pid, (operator, partners)) in enumerate(plan.items(), start=1):
        nodes.append(_m(Goal, id=f"g{i}", title=f"יעד {i}", locality_id=L, domain="employment"))
        nodes.append(
            _m(
                Program,
                id=pid,
                name=f"תכנית {i}",
                operator_id=operator,
                locality_id=L,
                domains="employment",
                age_min=18,
                age_max=35,
                goal_ids=f"g{i}",
            )
        )
        edges += [ProgramPartner(program_id=pid, organization_id=o) for o in partners]
    sub = Subgraph([to_record(n) for n in nodes], [edge_record(e) for e in edges])
    return build_network(sub, locality_id=L), sub


def test_actor_joining_sectors_and_goals_ranks_first() -> None:
    G, sub = _bridge_town()
    bridges = find_bridges(G)
    assert bridges[0]["id"] == "x"
    entries = find_leverage(G, sub, bridges=bridges)
    actors = [e for e in entries if e["kind"] == "actor"]
    top = actors[0]
    assert top["id"] == "x"
    assert top["sectors_connected"] == ["business", "nonprofit"]
    # g1 and g2 also share n3, so only g3 and g4 are joined by x alone.
    assert top["goals_joined"] == ["g3", "g4"]
    # 0.6 x bridge score + 0.4 x min(1, 2/3)
    assert top["score"] == pytest.approx(0.6 * bridges[0]["score"] + 0.4 * 2 / 3, abs=1e-4)
    assert any("יעדים" in r for r in top["reasons_he"])
    # n3 is in two goals, but they share x too: no goals joined by n3 alone.
    assert all(e["goals_joined"] == [] for e in actors if e["id"] == "n3")
    # Given no bridges, find_leverage computes them itself: same answer.
    assert find_leverage(G, sub) == entries


def test_top_cuts_the_list(sqlite_store: GraphStore) -> None:
    _town(sqlite_store)
    sub = read(sqlite_store, Scope(L), dated=False)
    G = build_network(sub, locality_id=L)
    assert len(find_leverage(G, sub, top=3)) == 3
    assert find_leverage(nx.Graph(), Subgraph([], [])) == []


def test_cross_sector_program_with_one_funder(sqlite_store: GraphStore) -> None:
    _town(sqlite_store)
    found = _leverage(sqlite_store)
    jobs = found["program:p-jobs"]
    # Run by biz (business) with uni (academia), advances g-funded, one funder:
    # 0.4 + 0.15 x (2-1)/2 + 0.15 x 1/2 + 0.1 = 0.65.
    assert jobs["sectors"] == ["academia", "business"]
    assert jobs["funders"] == ["fund"]
    assert jobs["investment_total"] == pytest.approx(250000)
    assert jobs["score"] == pytest.approx(0.65)
    assert any('קרן רש"י' in r for r in jobs["reasons_he"])
    # p-ec: one operator, one goal -> not a leverage point; p-welfare: no goal.
    assert "program:p-ec" not in found
    assert "program:p-welfare" not in found
