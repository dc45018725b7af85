"""Emergency readiness reads the same from both stores as from the hand-worked subgraph."""

from __future__ import annotations

import datetime as dt

from graph.analytics.readiness import readiness_report
from graph.store.base import GraphStore
from tests.analytics.readiness_fixture import town, write_town

AS_OF = dt.date(2026, 11, 30)


def test_readiness_from_a_store_equals_the_subgraph(store: GraphStore) -> None:
    write_town(store)
    from_store = readiness_report(store, "l", as_of=AS_OF)
    # The national provider "nat" has no tie into the town: the store's locality subgraph
    # leaves it out, and readiness brings it back through its capability.
    assert from_store == readiness_report(town(), "l", as_of=AS_OF)
    assert [n["status"] for n in from_store["needs"]][:3] == [
        "uncovered",
        "uncovered",
        "under_covered",
    ]
    assert {p["id"] for p in from_store["unreachable_providers"]} == {"bakery", "nat"}
