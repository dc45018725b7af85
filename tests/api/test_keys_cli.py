"""``partnermap keys list`` and ``keys revoke``: ids and roles only, and revoked keys get 401."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.auth import KeyStore
from api.cli import app as cli
from api.config import Settings

runner = CliRunner()


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'g.db'}"


def _keys(store_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["keys", *args, "--store", store_url], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def _create(store_url: str, role: str) -> str:
    code, stdout, stderr = _keys(store_url, "create", "--role", role, "--json")
    assert code == 0, stderr
    key: str = json.loads(stdout)["key"]
    return key


def test_create_list_revoke_then_401(store_url: str, tmp_path: Path) -> None:
    viewer = _create(store_url, "viewer")
    editor = _create(store_url, "editor")
    viewer_id, editor_id = viewer.split("_")[1], editor.split("_")[1]

    code, stdout, stderr = _keys(store_url, "list", "--json")
    assert code == 0, stderr
    listed = {k["key_id"]: k for k in json.loads(stdout)}
    assert set(listed) == {viewer_id, editor_id}
    assert listed[viewer_id]["role"] == "viewer" and listed[editor_id]["role"] == "editor"
    assert listed[viewer_id]["prefix"] == f"pmk_{viewer_id}_"
    assert listed[viewer_id]["revoked_at"] is None and listed[viewer_id]["created_at"]
    # Neither the key nor its hash is ever shown.
    secret_part = viewer.split("_", 2)[2]
    digest = hashlib.sha256(viewer.encode()).hexdigest()  # what the key file keeps
    keys = KeyStore(tmp_path / "g.keys.sqlite3")
    assert [k.key_id for k in keys.keys()] and digest in str(keys._run("SELECT hash FROM api_keys"))
    keys.close()
    for shown in (stdout, _keys(store_url, "list")[1]):
        assert secret_part not in shown and viewer not in shown
        assert digest not in shown
    assert viewer_id in _keys(store_url, "list")[1]

    settings = Settings(store=store_url)
    app = create_app(settings)

    with TestClient(app) as client:
        headers = {"X-API-Key": viewer}
        assert client.get("/api/v1/localities", headers=headers).status_code == 200

        code, stdout, stderr = _keys(store_url, "revoke", viewer_id, "--json")
        assert code == 0, stderr
        revoked = json.loads(stdout)
        assert revoked["key_id"] == viewer_id and revoked["revoked_at"]
        assert revoked["already_revoked"] is False

        assert client.get("/api/v1/localities", headers=headers).status_code == 401
        other = {"X-API-Key": editor}
        assert client.get("/api/v1/localities", headers=other).status_code == 200

    # A server started afterwards refuses it too, and the list says when it was revoked.
    with TestClient(create_app(Settings(store=store_url))) as client:
        assert client.get("/api/v1/localities", headers=headers).status_code == 401
    listed = {k["key_id"]: k for k in json.loads(_keys(store_url, "list", "--json")[1])}
    assert listed[viewer_id]["revoked_at"] == revoked["revoked_at"]
    assert listed[editor_id]["revoked_at"] is None


def test_revoke_unknown_id_exits_1(store_url: str) -> None:
    _create(store_url, "admin")
    code, stdout, stderr = _keys(store_url, "revoke", "nosuchkey")
    assert code == 1
    assert stdout == ""
    assert "no key with id 'nosuchkey'" in stderr
    assert "keys list" in stderr and "Traceback" not in stderr


def test_revoke_twice_and_by_prefix(store_url: str) -> None:
    key = _create(store_url, "viewer")
    key_id = key.split("_")[1]
    code, _, stderr = _keys(store_url, "revoke", f"pmk_{key_id}_")
    assert code == 0, stderr
    assert f"revoked key {key_id} (viewer)" in stderr
    code, stdout, stderr = _keys(store_url, "revoke", key_id, "--json")
    assert code == 0, stderr
    assert json.loads(stdout)["already_revoked"] is True


def test_list_without_keys(store_url: str) -> None:
    code, stdout, _ = _keys(store_url, "list", "--json")
    assert code == 0 and json.loads(stdout) == []
    code, stdout, _ = _keys(store_url, "list")
    assert code == 0 and "none yet" in stdout
