"""The seven node resources: list with filters and paging, get, create, update, delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from graph.store.sqlite import SQLiteStore

Headers = Callable[[str], dict[str, str]]

#: A valid new node of each resource (references point into the town fixture) and a change.
NEW: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "localities": (
        {"id": "l9", "name": "אופקים", "municipal_status": "city", "socioeconomic_cluster": 3},
        {"population": 36000},
    ),
    "organizations": (
        {"id": "o9", "name": "מרכז צעירים", "sector": "nonprofit", "locality_ids": ["l1"]},
        {"kind": "youth_centre"},
    ),
    "roles": (
        {
            "id": "r9",
            "title": "מנהלת שותפויות",
            "kind": "partnerships_manager",
            "organization_id": "muni",
        },
        {"since": "2024-01-01"},  # holders are personal data: tests/api/test_scopes.py
    ),
    "forums": (
        {
            "id": "f9",
            "name": "צוות חירום",
            "kind": "emergency_team",
            "locality_id": "l1",
            "context": "emergency",
        },
        {"meetings_per_year": 24},
    ),
    "programs": (
        {
            "id": "p9",
            "name": "מעגן",
            "operator_id": "ngo",
            "locality_id": "l1",
            "domains": ["employment"],
            "age_min": 18,
            "age_max": 35,
        },
        {"status": "active"},
    ),
    "investments": (
        {"id": "i9", "funder_id": "fund", "program_id": "p1", "amount": 50000, "year": 2025},
        {"status": "paid"},
    ),
    "goals": (
        {"id": "g9", "title": "תעסוקה צעירים", "locality_id": "l1", "domain": "employment"},
        {"target": 75.0},
    ),
}


@pytest.mark.parametrize("resource", sorted(NEW))
def test_crud_round_trip(
    resource: str, town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    body, change = NEW[resource]
    url = f"/api/v1/{resource}"
    before = client.get(url, headers=as_role("viewer")).json()["count"]

    r = client.post(url, json=body, headers=as_role("editor"))
    assert r.status_code == 201, r.text
    created = r.json()
    assert {k: created[k] for k in body} == body

    got = client.get(f"{url}/{body['id']}", headers=as_role("viewer"))
    assert got.status_code == 200 and got.json() == created
    assert client.get(url, headers=as_role("viewer")).json()["count"] == before + 1

    r = client.patch(f"{url}/{body['id']}", json=change, headers=as_role("editor"))
    assert r.status_code == 200, r.text
    assert r.json() == {**created, **change}
    assert town.get(body["id"]).props[next(iter(change))] == next(iter(change.values()))

    assert client.delete(f"{url}/{body['id']}", headers=as_role("editor")).status_code == 204
    assert client.get(f"{url}/{body['id']}", headers=as_role("viewer")).status_code == 404
    assert town.get(body["id"]) is None
    assert client.delete(f"{url}/{body['id']}", headers=as_role("editor")).status_code == 404


def test_list_filters(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    def ids(**params: Any) -> list[str]:
        r = client.get("/api/v1/organizations", params=params, headers=as_role("viewer"))
        assert r.status_code == 200
        return [o["id"] for o in r.json()["data"]]

    assert ids() == ["biz", "comm", "far", "fund", "muni", "ngo"]
    assert ids(locality_id="l1") == ["biz", "comm", "muni", "ngo"]
    assert ids(sector="nonprofit") == ["far", "ngo"]
    assert ids(sector="nonprofit", locality_id="l2") == ["far"]
    r = client.get(
        "/api/v1/programs", params={"domain": "early_childhood"}, headers=as_role("viewer")
    )
    assert [p["id"] for p in r.json()["data"]] == ["p1"]
    r = client.get("/api/v1/roles", params={"kind": "authority_ceo"}, headers=as_role("viewer"))
    assert [p["id"] for p in r.json()["data"]] == ["ceo"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("אור", ["ngo"]),  # Hebrew
        ("קרית שמונה", ["far"]),  # the stored name is spelled קריית: variants match
        ("الأمل", ["comm"]),  # Arabic
        ("rashi", ["fund"]),  # English, any case
        ("nothing-like-this", []),
    ],
)
def test_text_search_any_script(
    q: str, expected: list[str], town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    r = client.get("/api/v1/organizations", params={"q": q}, headers=as_role("viewer"))
    assert r.status_code == 200
    assert [o["id"] for o in r.json()["data"]] == expected
    assert r.json()["count"] == len(expected)


def test_paging_and_its_bound(
    town: SQLiteStore, make_app: Callable[..., FastAPI], keys: dict[str, str]
) -> None:
    headers = {"X-API-Key": keys["viewer"]}
    with TestClient(make_app(default_page_size=2, max_page_size=3)) as client:
        url = "/api/v1/organizations"
        first = client.get(url, headers=headers).json()
        assert [o["id"] for o in first["data"]] == ["biz", "comm"] and first["count"] == 6
        page = client.get(url, params={"limit": 2, "offset": 2}, headers=headers).json()
        assert [o["id"] for o in page["data"]] == ["far", "fund"]
        big = client.get(url, params={"limit": 1000}, headers=headers).json()
        assert len(big["data"]) == 3 and big["count"] == 6
        past = client.get(url, params={"offset": 100}, headers=headers).json()
        assert past == {"data": [], "count": 6}
        assert client.get(url, params={"limit": 0}, headers=headers).status_code == 422
        assert client.get(url, params={"offset": -1}, headers=headers).status_code == 422


def test_create_existing_id_is_409(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    body = {"id": "ngo", "name": "other", "sector": "business"}
    r = client.post("/api/v1/organizations", json=body, headers=as_role("editor"))
    assert r.status_code == 409 and "ngo" in r.json()["detail"]
    assert town.get("ngo").props["sector"] == "nonprofit"
    # an id used by another label is taken too
    body = {"id": "l1", "name": "x", "sector": "business"}
    assert (
        client.post("/api/v1/organizations", json=body, headers=as_role("editor")).status_code
        == 409
    )


@pytest.mark.parametrize(
    ("resource", "body", "field"),
    [
        ("programs", {"id": "p8", "name": "x", "operator_id": "ghost"}, "operator_id"),
        ("programs", {"id": "p8", "name": "x", "operator_id": "l1"}, "operator_id"),
        (
            "organizations",
            {"id": "o8", "name": "x", "sector": "other", "locality_ids": ["l1", "nowhere"]},
            "locality_ids",
        ),
        ("roles", {"id": "r8", "title": "x", "organization_id": "f1"}, "organization_id"),
        ("goals", {"id": "g8", "title": "x", "locality_id": "l1", "owner_id": "ngo"}, "owner_id"),
        (
            "investments",
            {"id": "i8", "funder_id": "fund", "program_id": "g1", "amount": 1},
            "program_id",
        ),
    ],
)
def test_dangling_or_wrong_kind_reference_is_409(
    resource: str,
    body: dict[str, Any],
    field: str,
    town: SQLiteStore,
    client: TestClient,
    as_role: Headers,
) -> None:
    r = client.post(f"/api/v1/{resource}", json=body, headers=as_role("editor"))
    assert r.status_code == 409, r.text
    assert field in r.json()["detail"]
    assert town.get(body["id"]) is None


def test_delete_still_referenced_is_409(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    r = client.delete("/api/v1/organizations/ngo", headers=as_role("editor"))
    assert r.status_code == 409
    assert "p1" in r.json()["detail"]
    assert town.get("ngo") is not None
    # once nothing refers to it, it goes, with its memberships
    assert client.delete("/api/v1/organizations/comm", headers=as_role("editor")).status_code == 204


def test_patch_that_dangles_is_409_and_changes_nothing(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    r = client.patch(
        "/api/v1/programs/p1", json={"operator_id": "ghost"}, headers=as_role("editor")
    )
    assert r.status_code == 409
    assert town.get("p1").props["operator_id"] == "ngo"


@pytest.mark.parametrize(
    ("resource", "node_id", "change"),
    [
        ("organizations", "ngo", {"sector": "charity"}),
        ("programs", "p1", {"age_min": 10}),  # above age_max 5
        ("programs", "p1", {"operator_id": None}),  # a required field cleared
        ("localities", "l1", {"socioeconomic_cluster": 11}),
        ("investments", "inv1", {"amount": -5}),
        ("organizations", "ngo", {"id": "ngo2"}),
    ],
)
def test_invalid_patch_is_422_and_changes_nothing(
    resource: str,
    node_id: str,
    change: dict[str, Any],
    town: SQLiteStore,
    client: TestClient,
    as_role: Headers,
) -> None:
    before = town.get(node_id)
    r = client.patch(f"/api/v1/{resource}/{node_id}", json=change, headers=as_role("editor"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"]
    assert town.get(node_id) == before


def test_patch_keeps_unset_fields_and_extra_properties(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    r = client.patch(
        "/api/v1/organizations/ngo",
        json={"website": "https://or.example"},
        headers=as_role("editor"),
    )
    assert r.status_code == 200
    assert r.json()["website"] == "https://or.example"
    assert r.json()["sector"] == "nonprofit" and r.json()["locality_ids"] == ["l1"]
    r = client.patch("/api/v1/organizations/ngo", json={"kind": None}, headers=as_role("editor"))
    assert r.status_code == 200 and r.json()["website"] == "https://or.example"


@pytest.mark.parametrize(
    "body",
    [
        {"id": "x", "name": "x", "sector": "bogus"},
        {"id": "x", "name": "", "sector": "other"},
        {"name": "no id", "sector": "other"},
        {"id": "a;b", "name": "x", "sector": "other"},
    ],
)
def test_invalid_create_is_422(body: dict[str, Any], client: TestClient, as_role: Headers) -> None:
    r = client.post("/api/v1/organizations", json=body, headers=as_role("editor"))
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], list)


def test_text_that_is_not_unicode_is_refused(client: TestClient, as_role: Headers) -> None:
    raw = '{"id": "x1", "name": "bad \\ud800 text", "sector": "other"}'
    r = client.post(
        "/api/v1/organizations",
        content=raw,
        headers={**as_role("editor"), "Content-Type": "application/json"},
    )
    assert r.status_code in (400, 422)
    assert "Unicode" in r.json()["detail"]


def test_get_of_another_label_is_404(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    r = client.get("/api/v1/localities/ngo", headers=as_role("viewer"))
    assert r.status_code == 404 and "Locality" in r.json()["detail"]
    r = client.patch("/api/v1/localities/ngo", json={"name": "x"}, headers=as_role("editor"))
    assert r.status_code == 404
    r = client.delete("/api/v1/localities/ngo", headers=as_role("editor"))
    assert r.status_code == 404 and town.get("ngo") is not None


def test_hebrew_ids_in_urls(client: TestClient, as_role: Headers) -> None:
    body = {"id": "ישוב-1", "name": "ירוחם", "municipal_status": "local_council"}
    assert (
        client.post("/api/v1/localities", json=body, headers=as_role("editor")).status_code == 201
    )
    r = client.get("/api/v1/localities/ישוב-1", headers=as_role("viewer"))
    assert r.status_code == 200 and r.json()["name"] == "ירוחם"


def test_patch_accepts_what_create_accepts(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    r = client.patch(
        "/api/v1/programs/p1",
        json={"domains": "early_childhood;welfare"},
        headers=as_role("editor"),
    )
    assert r.status_code == 200 and r.json()["domains"] == ["early_childhood", "welfare"]
    r = client.patch(
        "/api/v1/localities/l1", json={"socioeconomic_cluster": 0}, headers=as_role("editor")
    )
    assert r.status_code == 422
