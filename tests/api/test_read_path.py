"""The fast read path of an entity GET (issue 16) keeps every check of issue 17.

``GET /api/v1/{resource}/{id}`` resolves the caller in one dependency and keeps
each answer's encoded body by its properties' digest (its ETag). These tests
hold it to what the slower path did: the key headers as before (and documented
in OpenAPI), revocation at the next request, 404 outside a scoped key's
localities, a role's holder only for keys that may see it (each such read
audited), and a changed record answered with its new body and ETag at once.
The town is the one of ``tests/api/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from api.auth import Role
from api.routes.plain import PlainRoute
from graph.store.sqlite import SQLiteStore

Headers = dict[str, str]


def test_openapi_names_both_key_headers_on_every_keyed_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {
        "type": "http",
        "description": "An API key: `Authorization: Bearer <key>`",
        "scheme": "bearer",
    }
    assert schemes["APIKeyHeader"]["in"] == "header"
    assert schemes["APIKeyHeader"]["name"] == "X-API-Key"
    keyed = {
        f"{m} {p}": op.get("security")
        for p, item in spec["paths"].items()
        for m, op in item.items()
    }
    open_ones = {op for op, security in keyed.items() if security is None}
    assert open_ones == {"get /healthz", "get /readyz"}  # the only routes without a key
    both = [{"HTTPBearer": []}, {"APIKeyHeader": []}]
    assert all(security == both for op, security in keyed.items() if op not in open_ones)
    assert keyed["get /api/v1/organizations/{node_id}"] == both
    assert keyed["post /api/v1/organizations"] == both


def test_entity_get_key_headers(
    client: TestClient, town: SQLiteStore, keys: dict[str, str]
) -> None:
    url = "/api/v1/organizations/ngo"
    none = client.get(url)
    assert none.status_code == 401 and none.headers["www-authenticate"] == "Bearer"
    assert client.get(url, headers={"X-API-Key": keys["viewer"]}).status_code == 200
    assert client.get(url, headers={"Authorization": f"Bearer {keys['viewer']}"}).status_code == 200
    # Another scheme in Authorization is not a key: X-API-Key is asked next, as before.
    both = {"Authorization": "Basic dXNlcjpwdw==", "X-API-Key": keys["viewer"]}
    assert client.get(url, headers=both).status_code == 200
    assert client.get(url, headers={"Authorization": "Basic dXNlcjpwdw=="}).status_code == 401
    forged = {"Authorization": f"Bearer {keys['viewer'][:-4]}AAAA"}
    assert client.get(url, headers=forged).status_code == 401


def test_entity_get_refuses_a_revoked_key_at_the_next_request(
    app: FastAPI, town: SQLiteStore, keys: dict[str, str]
) -> None:
    headers = {"X-API-Key": keys["viewer"]}
    with TestClient(app) as client:
        for _ in range(3):  # answered, and its body kept
            assert client.get("/api/v1/organizations/ngo", headers=headers).status_code == 200
        assert app.state.keys.revoke(keys["viewer"].split("_")[1]) is True
        assert client.get("/api/v1/organizations/ngo", headers=headers).status_code == 401


def test_entity_get_after_a_change_answers_the_new_body_and_etag(
    client: TestClient, town: SQLiteStore, as_role: Callable[[str], Headers]
) -> None:
    url = "/api/v1/organizations/ngo"
    first = client.get(url, headers=as_role("viewer"))
    again = client.get(url, headers=as_role("viewer"))  # from the kept body
    assert first.content == again.content and first.headers["etag"] == again.headers["etag"]
    assert first.json()["name"] == "עמותת אור לגיל הרך"

    patched = client.patch(
        url,
        json={"name": "עמותת אור"},
        headers={**as_role("editor"), "If-Match": first.headers["etag"]},
    )
    assert patched.status_code == 200
    after = client.get(url, headers=as_role("viewer"))
    assert after.json()["name"] == "עמותת אור"
    assert after.headers["etag"] == patched.headers["etag"] != first.headers["etag"]
    stale = client.patch(
        url,
        json={"kind": "youth"},
        headers={**as_role("editor"), "If-Match": first.headers["etag"]},
    )
    assert stale.status_code == 412

    # Changed back: the same properties, so the same ETag as the first read, and its body.
    client.patch(url, json={"name": "עמותת אור לגיל הרך"}, headers=as_role("editor"))
    back = client.get(url, headers=as_role("viewer"))
    assert back.headers["etag"] == first.headers["etag"] and back.content == first.content

    # A deleted node (the community group, tied to nobody) is 404 at once, its body kept or not.
    assert client.get("/api/v1/organizations/comm", headers=as_role("viewer")).status_code == 200
    assert client.delete("/api/v1/organizations/comm", headers=as_role("editor")).status_code == 204
    assert client.get("/api/v1/organizations/comm", headers=as_role("viewer")).status_code == 404


def test_holder_hidden_from_a_viewer_after_an_admin_read_and_each_read_audited(
    client: TestClient, app: FastAPI, town: SQLiteStore, as_role: Callable[[str], Headers]
) -> None:
    url = "/api/v1/roles/ceo"
    admin, viewer = as_role("admin"), as_role("viewer")
    assert client.get(url, headers=admin).json()["holder"] == "Dana Levi"  # first, then kept
    shown = client.get(url, headers=viewer)
    assert shown.json()["holder"] is None and b"Dana Levi" not in shown.content
    assert client.get(url, headers=admin).json()["holder"] == "Dana Levi"
    assert client.get(url, headers=viewer).json()["holder"] is None
    # The ETag is the record's, whoever reads it (If-Match works for both).
    assert client.get(url, headers=admin).headers["etag"] == shown.headers["etag"]

    trail = client.get("/api/v1/audit?limit=50", headers=admin).json()["data"]
    reads = [e for e in trail if e["method"] == "GET" and e["path"] == url]
    assert len(reads) == 3  # the admin's three reads; the viewer's two showed no holder
    assert all(e["ids"] == ["ceo"] and e["role"] == "admin" for e in reads)


def test_entity_get_of_another_locality_is_404_for_a_scoped_key(
    client: TestClient, app: FastAPI, town: SQLiteStore, as_role: Callable[[str], Headers]
) -> None:
    scoped = {"X-API-Key": app.state.keys.create(Role.viewer, localities=["l2"]).secret}
    url = "/api/v1/organizations/ngo"  # of l1
    assert client.get(url, headers=as_role("viewer")).status_code == 200  # kept now
    hidden = client.get(url, headers=scoped)
    assert hidden.status_code == 404 and "ngo" in hidden.json()["detail"]
    assert client.get("/api/v1/organizations/far", headers=scoped).status_code == 200
    assert client.get("/api/v1/organizations/fund", headers=scoped).status_code == 200  # national


def test_entity_gets_are_plain_routes(app: FastAPI) -> None:
    routes = iter_route_contexts(app.routes)
    plain = {r.path_format for r in routes if isinstance(r.original_route, PlainRoute)}
    assert "/api/v1/organizations/{node_id}" in plain and "/api/v1/roles/{node_id}" in plain
    assert len(plain) == 15  # one per node resource (api.routes.nodes.PATHS), nothing else


async def _caller(request: Request) -> str:
    return "someone"


async def _guard(request: Request) -> None:
    raise AssertionError("never reached")


async def _hello(name: str, request: Request, who: Annotated[str, Depends(_caller)]) -> Response:
    return Response(f"{who} greets {name}")


def test_a_plain_route_under_router_dependencies_is_refused_when_built() -> None:
    """A dependency added by ``include_router`` would not be solved: refused, not skipped."""
    router = APIRouter()
    router.add_api_route("/hello/{name}", _hello, methods=["GET"], route_class_override=PlainRoute)
    fine = FastAPI()
    fine.include_router(router, prefix="/p")
    assert TestClient(fine).get("/p/hello/dana").text == "someone greets dana"
    guarded = FastAPI()
    guarded.include_router(router, prefix="/p", dependencies=[Depends(_guard)])
    with pytest.raises(TypeError, match="exactly one dependency"):
        list(iter_route_contexts(guarded.routes))
