"""Partnerships and memberships: relationships named by their two ends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.store.sqlite import SQLiteStore

Headers = Callable[[str], dict[str, str]]


def test_partnership_round_trip(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    body = {"source_id": "ngo", "target_id": "fund", "kind": "grant", "strength": 5}
    r = client.post("/api/v1/partnerships", json=body, headers=as_role("editor"))
    assert r.status_code == 201, r.text
    assert r.json()["strength"] == 5 and r.json()["context"] == "routine"
    assert town.get_relationship(("ngo", "PARTNERS_WITH", "fund")).props["strength"] == 5

    r = client.get("/api/v1/partnerships/ngo/fund", headers=as_role("viewer"))
    assert r.status_code == 200 and r.json()["kind"] == "grant"
    r = client.patch(
        "/api/v1/partnerships/ngo/fund", json={"context": "emergency"}, headers=as_role("editor")
    )
    assert r.status_code == 200
    assert r.json()["context"] == "emergency" and r.json()["strength"] == 5
    r = client.get("/api/v1/partnerships", params={"node_id": "fund"}, headers=as_role("viewer"))
    assert [(p["source_id"], p["target_id"]) for p in r.json()["data"]] == [("ngo", "fund")]
    r = client.get("/api/v1/partnerships", headers=as_role("viewer"))
    assert r.json()["count"] == 2

    assert (
        client.delete("/api/v1/partnerships/ngo/fund", headers=as_role("editor")).status_code == 204
    )
    assert town.get_relationship(("ngo", "PARTNERS_WITH", "fund")) is None
    assert client.get("/api/v1/partnerships/ngo/fund", headers=as_role("viewer")).status_code == 404
    assert (
        client.delete("/api/v1/partnerships/ngo/fund", headers=as_role("editor")).status_code == 404
    )


def test_membership_round_trip(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    body = {"member_id": "biz", "forum_id": "f1", "position": "observer", "since": "2024"}
    r = client.post("/api/v1/memberships", json=body, headers=as_role("editor"))
    assert r.status_code == 201, r.text
    r = client.get("/api/v1/memberships", params={"forum_id": "f1"}, headers=as_role("viewer"))
    assert [m["member_id"] for m in r.json()["data"]] == ["biz", "ceo", "ngo"]
    r = client.get("/api/v1/memberships", params={"member_id": "ceo"}, headers=as_role("viewer"))
    assert r.json()["data"][0]["position"] == "chair"
    r = client.patch(
        "/api/v1/memberships/biz/f1", json={"position": "member"}, headers=as_role("editor")
    )
    assert r.status_code == 200 and r.json()["since"] == "2024"
    assert client.delete("/api/v1/memberships/biz/f1", headers=as_role("editor")).status_code == 204


@pytest.mark.parametrize(
    ("resource", "body"),
    [
        ("partnerships", {"source_id": "ngo", "target_id": "ghost"}),
        ("partnerships", {"source_id": "ngo", "target_id": "p1"}),  # a program, not an org
        ("memberships", {"member_id": "ngo", "forum_id": "muni"}),  # not a forum
        ("memberships", {"member_id": "l1", "forum_id": "f1"}),  # a locality cannot sit
    ],
)
def test_bad_ends_are_409(
    resource: str, body: dict[str, Any], town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    before = len(list(town.iter_relationships()))
    r = client.post(f"/api/v1/{resource}", json=body, headers=as_role("editor"))
    assert r.status_code == 409, r.text
    assert len(list(town.iter_relationships())) == before


def test_existing_relationship_is_409(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    body = {"source_id": "biz", "target_id": "muni", "strength": 1}
    r = client.post("/api/v1/partnerships", json=body, headers=as_role("editor"))
    assert r.status_code == 409
    assert town.get_relationship(("biz", "PARTNERS_WITH", "muni")).props["strength"] == 4


@pytest.mark.parametrize(
    ("url", "change"),
    [
        ("/api/v1/partnerships/biz/muni", {"strength": 9}),
        ("/api/v1/partnerships/biz/muni", {"target_id": "ngo"}),
        ("/api/v1/memberships/ngo/f1", {"position": "boss"}),
    ],
)
def test_invalid_patch_is_422(
    url: str, change: dict[str, Any], town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    before = sorted((r.key, r.props) for r in town.iter_relationships())
    r = client.patch(url, json=change, headers=as_role("editor"))
    assert r.status_code == 422, r.text
    assert sorted((r.key, r.props) for r in town.iter_relationships()) == before


def test_self_partnership_is_422(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    r = client.post(
        "/api/v1/partnerships",
        json={"source_id": "ngo", "target_id": "ngo"},
        headers=as_role("editor"),
    )
    assert r.status_code == 422


def test_derived_relationships_are_not_partnerships(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    # OPERATES_IN muni->l1 exists, but it is not a partnership and cannot be deleted here
    assert client.get("/api/v1/partnerships/muni/l1", headers=as_role("viewer")).status_code == 404
    assert client.get("/api/v1/memberships/ngo/l1", headers=as_role("viewer")).status_code == 404


def test_writes_need_editor(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    r = client.delete("/api/v1/partnerships/biz/muni", headers=as_role("viewer"))
    assert r.status_code == 403
    assert town.get_relationship(("biz", "PARTNERS_WITH", "muni")) is not None


def test_program_partner_round_trip(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    body = {"organization_id": "biz", "program_id": "p1", "role": "mentoring"}
    r = client.post("/api/v1/program_partners", json=body, headers=as_role("editor"))
    assert r.status_code == 201, r.text
    assert town.get_relationship(("biz", "PARTNERS_IN", "p1")).props == {"role": "mentoring"}
    r = client.get("/api/v1/program_partners?program_id=p1", headers=as_role("viewer"))
    assert r.json() == {"data": [body], "count": 1}
    bad = {"organization_id": "biz", "program_id": "f1"}
    assert (
        client.post("/api/v1/program_partners", json=bad, headers=as_role("editor")).status_code
        == 409
    )
    r = client.delete("/api/v1/program_partners/biz/p1", headers=as_role("editor"))
    assert r.status_code == 204


def test_partnership_etag_and_if_match(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    """A relationship's ETag changes with it; a stale If-Match is 412 and changes nothing."""
    editor = as_role("editor")
    url = "/api/v1/partnerships/ngo/fund"
    made = client.post(
        "/api/v1/partnerships",
        json={"source_id": "ngo", "target_id": "fund", "strength": 2},
        headers=editor,
    )
    assert made.status_code == 201
    tag = made.headers["etag"]
    assert client.get(url, headers=as_role("viewer")).headers["etag"] == tag
    changed = client.patch(url, json={"strength": 4}, headers={**editor, "If-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    stale = client.patch(url, json={"strength": 1}, headers={**editor, "If-Match": tag})
    assert stale.status_code == 412
    assert client.delete(url, headers={**editor, "If-Match": tag}).status_code == 412
    assert town.get_relationship(("ngo", "PARTNERS_WITH", "fund")).props["strength"] == 4  # type: ignore[union-attr]
    star = client.patch(url, json={"kind": "mou"}, headers={**editor, "If-Match": "*"})
    assert star.status_code == 200
    fresh = star.headers["etag"]
    assert client.delete(url, headers={**editor, "If-Match": fresh}).status_code == 204
