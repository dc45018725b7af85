"""API keys: roles, hashed storage, open local reading, the audit trail, ``keys create``."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from api.auth import KeyStore, Role
from api.cli import app as cli
from api.config import Settings
from api.throttle import FailedKeys

ORG = {"id": "o-new", "name": "עמותת חדשה", "sector": "nonprofit"}


def test_read_without_key_is_401(client: TestClient) -> None:
    r = client.get("/api/v1/organizations")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "API key" in r.json()["detail"]


def test_unknown_and_malformed_keys_are_401(client: TestClient, keys: dict[str, str]) -> None:
    forged = keys["admin"][:-4] + "AAAA"
    for key in (forged, "pmk_nope_x", "hello", keys["admin"] + "x"):
        r = client.get("/api/v1/organizations", headers={"X-API-Key": key})
        assert r.status_code == 401, key


def test_viewer_reads_but_cannot_write(
    client: TestClient, as_role: Callable[[str], dict[str, str]]
) -> None:
    assert client.get("/api/v1/organizations", headers=as_role("viewer")).status_code == 200
    r = client.post("/api/v1/organizations", json=ORG, headers=as_role("viewer"))
    assert r.status_code == 403
    assert "editor" in r.json()["detail"]
    assert client.get("/api/v1/organizations/o-new", headers=as_role("viewer")).status_code == 404


def test_editor_writes_with_either_header(client: TestClient, keys: dict[str, str]) -> None:
    r = client.post("/api/v1/organizations", json=ORG, headers={"X-API-Key": keys["editor"]})
    assert r.status_code == 201
    r = client.patch(
        "/api/v1/organizations/o-new",
        json={"kind": "youth"},
        headers={"Authorization": f"Bearer {keys['editor']}"},
    )
    assert r.status_code == 200 and r.json()["kind"] == "youth"


def test_audit_is_for_admins_only(
    client: TestClient, as_role: Callable[[str], dict[str, str]]
) -> None:
    assert client.get("/api/v1/audit", headers=as_role("editor")).status_code == 403
    assert client.get("/api/v1/audit", headers=as_role("admin")).status_code == 200


def test_audit_records_who_what_and_outcome(
    client: TestClient, app: FastAPI, keys: dict[str, str], as_role: Callable[[str], dict[str, str]]
) -> None:
    client.post("/api/v1/organizations", json=ORG, headers=as_role("editor"))
    client.post("/api/v1/organizations", json=ORG, headers=as_role("viewer"))
    client.delete("/api/v1/organizations/o-new", headers=as_role("editor"))
    client.get("/api/v1/organizations", headers=as_role("viewer"))  # reads are not audited
    body = client.get("/api/v1/audit", headers=as_role("admin")).json()
    assert body["count"] == 3
    newest, denied, created = body["data"]
    editor_id = keys["editor"].split("_")[1]
    assert created["key_id"] == editor_id and created["role"] == "editor"
    # A landed write also names the change that keeps its values (undoable by an admin).
    assert (created["method"], created["path"], created["ids"], created["status"]) == (
        "POST",
        "/api/v1/organizations",
        ["o-new", "change:1"],
        201,
    )
    assert denied["role"] == "viewer" and denied["status"] == 403 and denied["ids"] == []
    assert (newest["method"], newest["status"], newest["ids"]) == (
        "DELETE",
        204,
        ["o-new", "change:2"],
    )
    assert newest["at"] >= created["at"]


def test_keys_are_stored_hashed(app: FastAPI, keys: dict[str, str]) -> None:
    path: Path = app.state.keys.path
    app.state.keys.close()
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())
    for secret in keys.values():
        assert secret.encode() not in raw
        secret_part = secret.split("_", 2)[2]
        assert secret_part.encode() not in raw
        assert hashlib.sha256(secret.encode()).hexdigest().encode() in raw


def test_open_local_read_allows_reads_not_writes(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(open_local_read=True)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/api/v1/organizations").status_code == 200
        assert client.post("/api/v1/organizations", json=ORG).status_code == 401


def test_open_local_read_ignores_remote_clients(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(open_local_read=True)
    local = "http://127.0.0.1:8000"
    with TestClient(app, client=("203.0.113.9", 5000), base_url=local) as client:
        assert client.get("/api/v1/organizations").status_code == 401
    with TestClient(app, client=("127.0.0.1", 5000), base_url=local) as client:
        assert client.get("/api/v1/organizations").status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.org", "::"])
def test_open_local_read_refused_off_loopback(host: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="loopback"):
        Settings(store=f"sqlite:///{tmp_path}/g.db", host=host, open_local_read=True)


def test_role_order() -> None:
    assert [r.rank for r in (Role.viewer, Role.editor, Role.admin)] == [0, 1, 2]


def test_cli_keys_create_json(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(
        cli, ["keys", "create", "--role", "editor", "--json", "--store", store_url]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["role"] == "editor" and data["key"].startswith("pmk_")
    keys = KeyStore(tmp_path / "cli.keys.sqlite3")
    principal = keys.verify(data["key"])
    keys.close()
    assert principal is not None and principal.role is Role.editor


def test_cli_keys_create_rejects_unknown_role(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["keys", "create", "--role", "root", "--store", f"sqlite:///{tmp_path / 'c.db'}"]
    )
    assert result.exit_code == 2
    assert "root" in result.stderr


def test_revoked_key_stops_working_at_once(app: FastAPI, keys: dict[str, str]) -> None:
    with TestClient(app) as client:
        headers = {"X-API-Key": keys["viewer"]}
        assert client.get("/api/v1/localities", headers=headers).status_code == 200  # cached now
        assert app.state.keys.revoke(keys["viewer"].split("_")[1]) is True
        assert client.get("/api/v1/localities", headers=headers).status_code == 401


def test_an_address_that_keeps_trying_wrong_keys_is_told_to_wait(
    client: TestClient, keys: dict[str, str], app: FastAPI
) -> None:
    failed = app.state.failed_keys
    assert (failed.limit, failed.window) == (10, 300.0)
    for _ in range(failed.limit):
        r = client.get("/api/v1/organizations", headers={"X-API-Key": "pm_wrong"})
        assert r.status_code == 401
    # The eleventh try within five minutes is refused before the key is even looked at,
    # a right key included (else guessing could go on between right ones).
    for key in ("pm_wrong", keys["viewer"]):
        r = client.get("/api/v1/organizations", headers={"X-API-Key": key})
        assert r.status_code == 429
        assert 1 <= int(r.headers["Retry-After"]) <= 300
        assert r.json()["detail"].startswith("too many wrong keys from this address")
    # Another process on the same key file (a worker, a replica) refuses too: the count is
    # kept in the key file, not only in this process.
    other = FailedKeys(shared=app.state.keys)
    assert 1 <= other.wait("testclient") <= 300 and other.wait("10.0.0.9") == 0
    # Once the window has passed (the failures aged by 301 s), the right key goes through.
    failed._seen.clear()
    with sqlite3.connect(app.state.keys.path) as db:
        db.execute("UPDATE failed_keys SET at = at - 301")
    assert other.wait("testclient") == 0
    assert (
        client.get("/api/v1/organizations", headers={"X-API-Key": keys["viewer"]}).status_code
        == 200
    )


def test_the_key_file_sits_beside_a_store_file_never_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings(store=f"sqlite:///{tmp_path / 'town.db'}").resolved_keys_path() == (
        tmp_path / "town.keys.sqlite3"
    )
    # A store in memory has no folder: its keys go to the user's data folder, not to a
    # ':memory:.keys.sqlite3' in whatever folder the server was started from.
    monkeypatch.chdir(tmp_path)
    path = Settings(store="sqlite:///:memory:").resolved_keys_path()
    assert path.name == "keys.sqlite3" and path.parent != Path(".") and path.is_absolute()
