"""``GET /api/v1/analysis/plan`` on the hand-worked plan town (tests/analytics/plan_town.py)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from graph.store.sqlite import SQLiteStore
from tests.analytics.plan_town import plan_town_records

URL = "/api/v1/analysis/plan"


def test_plan_of_a_locality_as_of_a_date(
    client: TestClient, sqlite_store: SQLiteStore, as_role: Callable[[str], dict[str, str]]
) -> None:
    sqlite_store.write(*plan_town_records())
    res = client.get(
        URL, params={"locality_id": "town", "as_of": "2026-06-30"}, headers=as_role("viewer")
    )
    assert res.status_code == 200
    body = res.json()
    assert body["as_of"] == "2026-06-30"
    assert body["graph_version"] == sqlite_store.graph_version()
    assert {g["id"]: g["status"] for g in body["goals"]} == {
        "g-behind": "behind",
        "g-none": "no_data",
        "g-on": "on_track",
        "g-ach": "achieved",
    }
    lev = body["leverage"]
    assert (lev["authority"], lev["external"], lev["ratio"]) == (200000, 620000, 3.1)
    assert [c["id"] for c in body["overdue_commitments"]] == ["c1"]
    # a year as the date means its last day: 2027 counts the 2027 business money
    later = client.get(
        URL, params={"locality_id": "town", "as_of": "2027"}, headers=as_role("viewer")
    ).json()
    assert later["as_of"] == "2027-12-31"
    assert later["leverage"]["external"] == 670000


def test_plan_errors_name_the_request_part(
    client: TestClient, sqlite_store: SQLiteStore, as_role: Callable[[str], dict[str, str]]
) -> None:
    sqlite_store.write(*plan_town_records())
    viewer = as_role("viewer")
    res = client.get(URL, params={"locality_id": "nowhere"}, headers=viewer)
    assert res.status_code == 404
    assert "query locality_id" in res.json()["detail"]
    res = client.get(URL, params={"locality_id": "p1"}, headers=viewer)  # a program, not a town
    assert res.status_code == 404
    res = client.get(URL, params={"locality_id": "town", "as_of": "30/06/2026"}, headers=viewer)
    assert res.status_code in (400, 422)
    assert "query as_of" in str(res.json()["detail"])
    assert client.get(URL, headers=viewer).status_code == 422  # locality_id is required
    assert client.get(URL, params={"locality_id": "town"}).status_code == 401
