"""``/analysis``: the report of ``partnermap analyze --json``, its sections, and the cache."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth import Role
from api.routes.analysis import PAGED_SECTIONS, ReportCache
from graph.analytics.report import analysis_report
from graph.model import Organization, Sector, to_record
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore

Headers = Callable[[str], dict[str, str]]
KeysFor = Callable[[FastAPI], dict[str, str]]
SECTIONS = ["duplicates", "isolates", "bridges", "leverage", "metrics"]


def _counting(app: FastAPI) -> list[tuple[str | None, str]]:
    """Make the app's report cache count how often it really computes."""
    calls: list[tuple[str | None, str]] = []

    def compute(store: Any, scope: Scope) -> dict[str, Any]:
        calls.append((scope.locality_id, scope.context))
        return analysis_report(store, scope, seed=0)

    app.state.report_cache = ReportCache(4, compute=compute)
    return calls


@pytest.mark.parametrize("locality_id", [None, "l1"])
def test_report_is_the_cli_report(
    locality_id: str | None, town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    params = {"locality_id": locality_id} if locality_id else {}
    r = client.get("/api/v1/analysis", params=params, headers=as_role("viewer"))
    assert r.status_code == 200
    expected = json.loads(
        json.dumps(analysis_report(town, locality_id=locality_id, seed=0), default=str)
    )
    assert r.json() == expected
    assert r.json()["scope"]["locality_id"] == locality_id
    assert r.json()["graph_version"] == town.graph_version()


def test_sections_are_parts_of_the_report(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    whole = client.get("/api/v1/analysis?locality_id=l1", headers=as_role("viewer")).json()
    for name in SECTIONS:
        r = client.get(f"/api/v1/analysis/{name}?locality_id=l1", headers=as_role("viewer"))
        assert r.status_code == 200
        if name == "metrics":
            assert r.json() == whole[name]
            continue
        assert r.json() == {
            "data": whole[name],  # the town's sections fit in one default page
            "count": len(whole[name]),
            "graph_version": whole["graph_version"],
            "scope": whole["scope"],
        }
    isolates = {i["id"] for i in whole["isolates"]}
    assert "comm" in isolates  # the Arabic-named group with no tie


def test_repeated_requests_are_cached_until_a_write(
    town: SQLiteStore, app: FastAPI, client: TestClient, as_role: Headers
) -> None:
    calls = _counting(app)
    for name in ["", "/isolates", "/metrics", "/bridges"]:
        assert client.get(f"/api/v1/analysis{name}", headers=as_role("viewer")).status_code == 200
    assert calls == [(None, "both")]
    client.get("/api/v1/analysis?context=emergency", headers=as_role("viewer"))
    assert calls == [(None, "both"), (None, "emergency")]
    body = {"source_id": "comm", "target_id": "muni"}
    assert (
        client.post("/api/v1/partnerships", json=body, headers=as_role("editor")).status_code == 201
    )
    after = client.get("/api/v1/analysis/isolates", headers=as_role("viewer")).json()["data"]
    assert len(calls) == 3
    assert "comm" not in {i["id"] for i in after if "isolate" in i["kinds"]}


def test_cache_is_bounded_and_computes_once_under_concurrency() -> None:
    calls: list[str | None] = []
    lock = threading.Lock()

    def slow(store: Any, scope: Scope) -> dict[str, Any]:
        with lock:
            calls.append(scope.locality_id)
        time.sleep(0.05)
        return {"scope": scope.locality_id}

    class Store:
        def graph_version(self) -> str:
            return "v1"

    cache = ReportCache(2, compute=slow)
    results: list[dict[str, Any]] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get(Store(), Scope("l1"))))  # type: ignore[arg-type]
        for _ in range(10)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["l1"] and results == [{"scope": "l1"}] * 10
    for loc in ("l2", "l3", "l1"):
        cache.get(Store(), Scope(loc))  # type: ignore[arg-type]
    assert calls == ["l1", "l2", "l3", "l1"]  # l1 was evicted by l2 and l3
    assert len(cache._items) == 2


def test_analysis_errors(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    r = client.get("/api/v1/analysis?locality_id=ghost", headers=as_role("viewer"))
    assert r.status_code == 404 and "ghost" in r.json()["detail"]
    r = client.get("/api/v1/analysis/bridges?context=always", headers=as_role("viewer"))
    assert r.status_code == 422
    assert client.get("/api/v1/analysis").status_code == 401


@pytest.fixture
def keys_for() -> KeysFor:
    """Viewer headers for an app made with other settings than the ``app`` fixture's."""
    return lambda app: {"Authorization": f"Bearer {app.state.keys.create(Role.viewer).secret}"}


@pytest.fixture
def crowded(town: SQLiteStore) -> SQLiteStore:
    """The town and 30 more community groups without a tie: at least 31 isolates."""
    town.write(
        [
            to_record(
                Organization(
                    id=f"g{i:02d}", name=f"קבוצה {i}", sector=Sector.community, locality_ids=["l1"]
                )
            )
            for i in range(30)
        ]
    )
    return town


def test_sections_come_a_page_at_a_time(
    crowded: SQLiteStore, make_app: Callable[..., FastAPI], keys_for: KeysFor
) -> None:
    app = make_app(default_page_size=10, max_page_size=20)
    with TestClient(app) as client:
        headers = keys_for(app)
        whole = client.get("/api/v1/analysis", headers=headers).json()
        isolates = whole["isolates"]
        assert len(isolates) >= 31  # the whole report is not paged
        first = client.get("/api/v1/analysis/isolates", headers=headers).json()
        assert first["count"] == len(isolates) and first["data"] == isolates[:10]
        assert first["graph_version"] == crowded.graph_version()
        assert first["scope"] == whole["scope"]
        pages: list[dict[str, Any]] = []
        for offset in range(0, len(isolates), 20):
            r = client.get(
                "/api/v1/analysis/isolates",
                params={"limit": 20, "offset": offset},
                headers=headers,
            )
            assert r.status_code == 200 and r.json()["count"] == len(isolates)
            pages += r.json()["data"]
        assert pages == isolates  # every finding once, in the report's order
        past = client.get(
            "/api/v1/analysis/isolates", params={"offset": 10_000}, headers=headers
        ).json()
        assert past["data"] == [] and past["count"] == len(isolates)
        for name in PAGED_SECTIONS:
            r = client.get(f"/api/v1/analysis/{name}", params={"limit": 1}, headers=headers)
            assert r.status_code == 200
            assert r.json()["data"] == whole[name][:1]
            assert r.json()["count"] == len(whole[name])


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 21}, "limit"), ({"limit": 0}, "limit"), ({"offset": -1}, "offset")],
)
def test_page_bounds_are_422(
    town: SQLiteStore,
    make_app: Callable[..., FastAPI],
    keys_for: KeysFor,
    params: dict[str, int],
    field: str,
) -> None:
    app = make_app(default_page_size=10, max_page_size=20)
    with TestClient(app) as client:
        r = client.get("/api/v1/analysis/bridges", params=params, headers=keys_for(app))
        assert r.status_code == 422
        assert field in json.dumps(r.json()["detail"])
        assert (
            client.get(
                "/api/v1/analysis/bridges", params={"limit": 20}, headers=keys_for(app)
            ).status_code
            == 200
        )
