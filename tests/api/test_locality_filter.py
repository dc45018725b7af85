"""Every route's locality filter is api/routes/scoping.py's (issue 15, "one locality scope").

The town of ``tests/api/conftest.py``: l1 (Sderot) with muni, ngo, biz, comm and the
national fund's investment; l2 (Kiryat Shmona) with far.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import graph.network
from api.auth import Role
from graph.store.sqlite import SQLiteStore

Headers = dict[str, str]

# (url with {loc}, the request part the 404 names)
LOCALITY_ROUTES = [
    ("/api/v1/analysis?locality_id={loc}", "query locality_id"),
    ("/api/v1/analysis/isolates?locality_id={loc}", "query locality_id"),
    ("/api/v1/analysis/metrics?locality_id={loc}", "query locality_id"),
    ("/api/v1/analysis/changes?from=2020&locality_id={loc}", "query locality_id"),
    ("/api/v1/analysis/health?locality_id={loc}", "query locality_id"),
    ("/api/v1/analysis/compass?locality_id={loc}", "query locality_id"),
    ("/api/v1/analysis/plan?locality_id={loc}", "query locality_id"),
    ("/api/v1/analysis/readiness?locality_id={loc}", "query locality_id"),
    ("/api/v1/graph/subgraph?locality_id={loc}", "query locality_id"),
    ("/api/v1/graph/path?source=muni&target=ngo&locality_id={loc}", "query locality_id"),
    ("/api/v1/export?locality_id={loc}", "query locality_id"),
    ("/api/v1/maps/{loc}", "path locality_id"),
    ("/api/v1/dashboard/{loc}", "path locality_id"),
    ("/api/v1/reports/{loc}", "path locality_id"),
]


@pytest.fixture
def viewer(town: SQLiteStore, app: FastAPI) -> Callable[..., Headers]:
    def make(*localities: str) -> Headers:
        key = app.state.keys.create(Role.viewer, localities=localities)
        return {"X-API-Key": key.secret}

    return make


@pytest.mark.parametrize("not_a_locality", ["nowhere", "muni"])
@pytest.mark.parametrize(("url", "part"), LOCALITY_ROUTES)
def test_what_is_not_a_locality_is_404_naming_the_request_part(
    client: TestClient, viewer: Callable[..., Headers], url: str, part: str, not_a_locality: str
) -> None:
    answer = client.get(url.format(loc=not_a_locality), headers=viewer())
    assert answer.status_code == 404, answer.text
    assert answer.json() == {"detail": f"{part}: no locality with id {not_a_locality!r}"}


@pytest.mark.parametrize(("url", "part"), LOCALITY_ROUTES)
def test_a_key_of_l1_sees_l2_nowhere(
    client: TestClient, viewer: Callable[..., Headers], url: str, part: str
) -> None:
    answer = client.get(url.format(loc="l2"), headers=viewer("l1"))
    assert answer.status_code == 404, answer.text
    assert answer.json() == {"detail": f"{part}: no locality with id 'l2'"}
    # the unscoped key reads l2 (so the 404 above is the key's scope, not the route)
    assert client.get(url.format(loc="l2"), headers=viewer()).status_code == 200


def test_changes_and_health_default_to_the_keys_locality(
    client: TestClient, viewer: Callable[..., Headers]
) -> None:
    # These two took locality_id without asking the key (a key of l1 saw the whole graph).
    changes = client.get("/api/v1/analysis/changes?from=2020", headers=viewer("l1"))
    assert changes.status_code == 200, changes.text
    assert changes.json()["scope"]["locality_id"] == "l1"
    whole = client.get("/api/v1/analysis/changes?from=2020", headers=viewer())
    assert whole.json()["scope"]["locality_id"] is None


def _locality_params(app: FastAPI) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for path, item in app.openapi()["paths"].items():
        for method, op in item.items():
            for param in op.get("parameters", []):
                if param["name"] == "locality_id":
                    out[(method, path)] = param
    return out


def test_every_locality_parameter_comes_from_scoping(app: FastAPI) -> None:
    # The descriptions of scoping.py's three ways to name a locality; the node lists'
    # locality_id is a filter of a list among sector, domain and kind, not a scope.
    ours = {
        ("query", False, "One locality; default the whole graph."),
        ("query", True, "The locality (its id)."),
        ("path", True, "A locality's id."),
    }
    found = _locality_params(app)
    scoped = {k: p for k, p in found.items() if p.get("description") != "In this locality."}
    assert len(scoped) >= len(LOCALITY_ROUTES)
    for key, param in scoped.items():
        assert (param["in"], param["required"], param["description"]) in ours, key
    lists = {path for (_, path), p in found.items() if p.get("description") == "In this locality."}
    assert lists and all(
        not path.startswith(("/api/v1/analysis", "/api/v1/graph")) for path in lists
    )


def test_the_map_builds_the_network_once_on_a_cold_cache(
    client: TestClient, viewer: Callable[..., Headers], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = graph.network.build_network
    calls: list[dict[str, Any]] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return original(*args, **kwargs)

    # every module that holds the function under its own name, and graph.network itself
    for module in list(sys.modules.values()):
        if getattr(module, "build_network", None) is original:
            monkeypatch.setattr(module, "build_network", counting)
    headers = viewer()
    first = client.get("/api/v1/maps/l1", headers=headers)
    assert first.status_code == 200, first.text
    assert len(calls) == 1 and calls[0]["locality_id"] == "l1"
    again = client.get("/api/v1/maps/l1", headers=headers)
    assert again.content == first.content and len(calls) == 1  # the page cache
    # the analysis of the same scope is warm now: its report came with the map
    client.get("/api/v1/analysis?locality_id=l1", headers=headers).raise_for_status()
    assert len(calls) == 1
