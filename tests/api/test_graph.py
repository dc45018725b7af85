"""Graph queries: ego networks, shortest paths with evidence, locality subgraphs."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from graph.store.sqlite import SQLiteStore

Headers = Callable[[str], dict[str, str]]


def test_ego_depth_one_is_the_direct_neighbours(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    r = client.get("/api/v1/graph/ego/ngo", params={"depth": 1}, headers=as_role("viewer"))
    assert r.status_code == 200
    body = r.json()
    assert body["center"] == "ngo" and body["truncated"] is False
    assert sorted(n["id"] for n in body["nodes"]) == ["f1", "l1", "ngo", "p1"]
    ids = {n["id"] for n in body["nodes"]}
    assert all(rel["source"] in ids and rel["target"] in ids for rel in body["relationships"])
    assert {(r["type"], r["source"], r["target"]) for r in body["relationships"]} >= {
        ("MEMBER_OF", "ngo", "f1"),
        ("OPERATES", "ngo", "p1"),
    }


def test_ego_depth_two_reaches_further(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    one = client.get("/api/v1/graph/ego/ngo?depth=1&as_of=2024", headers=as_role("viewer")).json()
    two = client.get("/api/v1/graph/ego/ngo?depth=2&as_of=2024", headers=as_role("viewer")).json()
    ids = {n["id"] for n in two["nodes"]}
    assert {n["id"] for n in one["nodes"]} < ids
    assert {"inv1", "ceo", "muni", "g1"} <= ids  # via p1, f1
    # inv1 is of 2024: as of today (2026 and later) it no longer counts.
    today = client.get("/api/v1/graph/ego/ngo?depth=2", headers=as_role("viewer")).json()
    assert "inv1" not in {n["id"] for n in today["nodes"]}


def test_ego_answers_are_kept_per_graph_version(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    """A kept answer is served again only while the graph is unchanged."""
    from graph.model import NodeRecord, RelRecord

    url = "/api/v1/graph/ego/ngo?depth=1"
    first = client.get(url, headers=as_role("viewer"))
    assert client.get(url, headers=as_role("viewer")).content == first.content
    assert len(client.app.state.ego_cache) == 1  # type: ignore[attr-defined]
    town.write(
        [NodeRecord("Organization", "newcomer", {"name": "חדשה", "sector": "business"})],
        [RelRecord("PARTNERS_WITH", "ngo", "newcomer", {"strength": 2})],
    )
    after = client.get(url, headers=as_role("viewer")).json()
    assert "newcomer" in {n["id"] for n in after["nodes"]}
    assert "newcomer" not in {n["id"] for n in first.json()["nodes"]}


def test_ego_bounds(
    town: SQLiteStore, make_app: Callable[..., FastAPI], keys: dict[str, str]
) -> None:
    headers = {"X-API-Key": keys["viewer"]}
    with TestClient(make_app(max_ego_depth=2, max_ego_nodes=3)) as client:
        r = client.get("/api/v1/graph/ego/ngo?depth=3", headers=headers)
        assert r.status_code == 422 and "maximum of 2" in r.json()["detail"]
        r = client.get("/api/v1/graph/ego/ngo?depth=2", headers=headers)
        assert r.status_code == 200
        assert r.json()["truncated"] is True and len(r.json()["nodes"]) == 3
        assert client.get("/api/v1/graph/ego/ngo?depth=0", headers=headers).status_code == 422


def test_ego_of_unknown_node_is_404(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    assert client.get("/api/v1/graph/ego/ghost", headers=as_role("viewer")).status_code == 404


def test_path_carries_the_evidence_of_each_tie(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    r = client.get(
        "/api/v1/graph/path",
        params={"source": "biz", "target": "fund", "as_of": "2024"},
        headers=as_role("viewer"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["found"] is True and body["length"] == 3
    assert [n["id"] for n in body["nodes"]] == ["biz", "muni", "ngo", "fund"]
    kinds = [step["kinds"] for step in body["ties"]]
    assert kinds == [["partnership"], ["forum"], ["funding"]]
    assert body["ties"][1]["evidence"][0]["id"] == "f1"
    assert body["ties"][2]["evidence"][0]["id"] == "inv1"


def test_path_folds_roles_into_their_organisation(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    r = client.get("/api/v1/graph/path?source=ceo&target=ngo", headers=as_role("viewer"))
    assert r.status_code == 200
    assert [n["id"] for n in r.json()["nodes"]] == ["muni", "ngo"]


def test_no_path(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    r = client.get("/api/v1/graph/path?source=comm&target=muni", headers=as_role("viewer"))
    assert r.status_code == 200
    assert r.json() == {
        "source": "comm",
        "target": "muni",
        "found": False,
        "length": None,
        "nodes": [],
        "ties": [],
    }
    # in emergency context the routine forum and partnership do not count
    r = client.get(
        "/api/v1/graph/path?source=biz&target=ngo&context=emergency", headers=as_role("viewer")
    )
    assert r.json()["found"] is False


def test_path_errors(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    h = as_role("viewer")
    r = client.get("/api/v1/graph/path?source=ghost&target=muni", headers=h)
    assert r.status_code == 404 and "source" in r.json()["detail"]
    r = client.get("/api/v1/graph/path?source=p1&target=muni", headers=h)
    assert r.status_code == 422 and "Program" in r.json()["detail"]
    r = client.get("/api/v1/graph/path?source=ngo&target=muni&context=sometimes", headers=h)
    assert r.status_code == 422
    assert client.get("/api/v1/graph/path?source=ngo", headers=h).status_code == 422


def test_path_sees_writes(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    url = "/api/v1/graph/path?source=comm&target=muni"
    assert client.get(url, headers=as_role("viewer")).json()["found"] is False
    body = {"source_id": "comm", "target_id": "muni", "strength": 2}
    assert (
        client.post("/api/v1/partnerships", json=body, headers=as_role("editor")).status_code == 201
    )
    assert client.get(url, headers=as_role("viewer")).json()["length"] == 1


def test_subgraph_of_a_locality(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    r = client.get(
        "/api/v1/graph/subgraph",
        params={"locality_id": "l1", "as_of": "2024"},
        headers=as_role("viewer"),
    )
    assert r.status_code == 200
    ids = {n["id"] for n in r.json()["nodes"]}
    assert {"l1", "muni", "ngo", "p1", "inv1", "fund", "ceo", "f1"} <= ids
    assert "far" not in ids and "l2" not in ids
    r = client.get("/api/v1/graph/subgraph?locality_id=ghost", headers=as_role("viewer"))
    assert r.status_code == 404


def test_whole_graph_is_bounded(
    town: SQLiteStore, make_app: Callable[..., FastAPI], keys: dict[str, str]
) -> None:
    headers = {"X-API-Key": keys["viewer"]}
    with TestClient(make_app()) as client:
        r = client.get("/api/v1/graph/subgraph?as_of=2024", headers=headers)
        assert r.status_code == 200 and len(r.json()["nodes"]) == town.count()
    with TestClient(make_app(max_subgraph_nodes=5)) as client:
        r = client.get("/api/v1/graph/subgraph", headers=headers)
        assert r.status_code == 422 and "locality_id" in r.json()["detail"]
