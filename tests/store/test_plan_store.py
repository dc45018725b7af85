"""The collective plan read from each store equals the plan of the same records in memory.

The plan town's values are worked out by hand in tests/analytics/plan_town.py; here
they must survive a round trip through SQLite and a real Neo4j (readings, agreements
and commitments are second-wave nodes the locality subgraph has to reach).
"""

from __future__ import annotations

from graph.analytics.plan import collective_plan, plan_report
from graph.scope import Scope
from graph.store.base import GraphStore, Subgraph
from tests.analytics.plan_town import AS_OF, LOCALITY, plan_town_records


def test_plan_from_the_store_equals_the_plan_in_memory(store: GraphStore) -> None:
    nodes, rels = plan_town_records()
    store.write(nodes, rels)
    scope = Scope(LOCALITY, AS_OF)
    stored = plan_report(store, scope)
    assert stored.pop("graph_version") == store.graph_version()
    assert stored == collective_plan(Subgraph(nodes, rels), scope)
    assert stored["leverage"]["ratio"] == 3.1
    assert stored["agreements"][0]["commitments"]["overdue"] == 1
    assert [g["status"] for g in stored["goals"]] == ["behind", "no_data", "on_track", "achieved"]
