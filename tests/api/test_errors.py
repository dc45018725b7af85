"""Errors: one JSON shape, the right status, never a stack trace; health and readiness."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from api.config import Settings
from graph.errors import StoreUnavailable
from graph.store.sqlite import SQLiteStore

Headers = Callable[[str], dict[str, str]]


class DownStore(SQLiteStore):
    """A store whose server went away: every read fails as a real outage would."""

    def _read(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        raise StoreUnavailable("the store at bolt://db:7687 cannot be reached")

    def graph_version(self) -> str:
        raise StoreUnavailable("the store at bolt://db:7687 cannot be reached")


@pytest.fixture
def down(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    store = DownStore(tmp_path / "down.db")
    app = create_app(Settings(store=store.url, keys_path=tmp_path / "k.sqlite3"), store=store)
    headers = {"X-API-Key": app.state.keys.create(__import__("api.auth").auth.Role.admin).secret}
    with TestClient(app) as client:
        yield client, headers
    store.close()


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"
    assert client.get("/api/v1/healthz").status_code == 200


def test_store_down_is_503_with_a_clear_message(
    down: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = down
    assert client.get("/healthz").status_code == 200  # the process is up
    r = client.get("/readyz")
    assert r.status_code == 503 and "cannot be reached" in r.json()["detail"]
    for url in ["/api/v1/organizations", "/api/v1/localities/l1", "/api/v1/analysis"]:
        r = client.get(url, headers=headers)
        assert r.status_code == 503, url
        assert r.json() == {"detail": "the store at bolt://db:7687 cannot be reached"}


def test_unexpected_error_is_a_bare_500(
    town: SQLiteStore, app: FastAPI, as_role: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(town, "find", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/api/v1/organizations", headers=as_role("viewer"))
    assert r.status_code == 500
    assert r.json() == {"detail": "internal error"}
    assert "Traceback" not in r.text and "passwd" not in r.text


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/v1/nothing-here", 404),
        ("GET", "/api/v1/organizations/ghost", 404),
        ("GET", "/api/v1/organizations?limit=abc", 422),
        ("PUT", "/api/v1/organizations/ngo", 405),
        ("POST", "/api/v1/organizations", 422),  # no body
    ],
)
def test_errors_are_json_detail(
    method: str, url: str, status: int, town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    r = client.request(method, url, headers=as_role("admin"))
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    assert "detail" in r.json()


def test_malformed_json_is_422(client: TestClient, as_role: Headers) -> None:
    r = client.post(
        "/api/v1/organizations",
        content=b"{not json",
        headers={**as_role("editor"), "Content-Type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["detail"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"port": 0}, "port"),
        ({"port": 70000}, "port"),
        ({"max_page_size": 0}, "max_page_size"),
        ({"default_page_size": 900, "max_page_size": 100}, "default_page_size"),
        ({"cors_origins": ["*"]}, "cors_origins"),
        ({"max_ego_depth": 50}, "max_ego_depth"),
    ],
)
def test_bad_settings_are_refused(values: dict[str, Any], message: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(store=f"sqlite:///{tmp_path}/g.db", **values)


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PARTNERMAP_STORE", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("PARTNERMAP_PORT", "9123")
    monkeypatch.setenv("PARTNERMAP_MAX_PAGE_SIZE", "77")
    monkeypatch.setenv("PARTNERMAP_CORS_ORIGINS", '["https://dash.example"]')
    s = Settings()
    assert (s.port, s.max_page_size, s.cors_origins) == (9123, 77, ["https://dash.example"])
    assert s.resolved_keys_path() == tmp_path / "env.keys.sqlite3"
    monkeypatch.setenv("PARTNERMAP_PORT", "eighty")
    with pytest.raises(ValidationError, match="port"):
        Settings()


def test_cors_is_off_by_default(town: SQLiteStore, make_app: Callable[..., FastAPI]) -> None:
    origin = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    with TestClient(make_app()) as client:
        r = client.options("/api/v1/organizations", headers=origin)
        assert "access-control-allow-origin" not in r.headers
    with TestClient(make_app(cors_origins=["https://dash.example"])) as client:
        ok = {**origin, "Origin": "https://dash.example"}
        r = client.options("/api/v1/organizations", headers=ok)
        assert r.headers["access-control-allow-origin"] == "https://dash.example"
        r = client.options("/api/v1/organizations", headers=origin)
        assert "access-control-allow-origin" not in r.headers


def test_bad_store_url_fails_at_start(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="unknown store URL"):
        create_app(Settings(store="mysql://x", keys_path=tmp_path / "k.sqlite3"))
