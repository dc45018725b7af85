"""Hostile requests (issue 17): non-finite numbers, invisible ids, parent loops, revoked keys."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth import Role
from graph.model import NodeRecord
from graph.store.sqlite import SQLiteStore

JSON = {"Content-Type": "application/json"}


def _strict_json(text: str) -> object:
    """Parse as JSON proper: ``NaN`` and ``Infinity`` are not JSON."""

    def refuse(name: str) -> float:
        raise AssertionError(f"bare {name} in a JSON answer")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    ("amount", "status"),
    [("NaN", 422), ("Infinity", 422), ("-Infinity", 422), ("1e400", 422), ('"Infinity"', 422)],
)
def test_non_finite_amounts_get_422_naming_the_field(
    client: TestClient, town: SQLiteStore, as_role, amount: str, status: int
) -> None:
    body = f'{{"id": "inv9", "funder_id": "fund", "program_id": "p1", "amount": {amount}}}'
    answer = client.post("/api/v1/investments", content=body, headers={**as_role("editor"), **JSON})
    assert answer.status_code == status, answer.text
    detail = _strict_json(answer.text)["detail"]  # type: ignore[index]
    assert any(e["loc"] == ["body", "amount"] for e in detail), detail
    assert town.get("inv9") is None


def test_non_finite_extra_property_gets_422(client: TestClient, town: SQLiteStore, as_role) -> None:
    body = '{"id": "o9", "name": "x", "sector": "other", "score": NaN}'
    answer = client.post(
        "/api/v1/organizations", content=body, headers={**as_role("editor"), **JSON}
    )
    assert answer.status_code == 422
    assert _strict_json(answer.text)["detail"][0]["loc"] == ["body", "score"]  # type: ignore[index]


def test_patch_with_nan_gets_422(client: TestClient, town: SQLiteStore, as_role) -> None:
    answer = client.patch(
        "/api/v1/investments/inv1", content='{"amount": NaN}', headers={**as_role("editor"), **JSON}
    )
    assert answer.status_code == 422, answer.text
    assert town.get("inv1").props["amount"] == 250000  # type: ignore[union-attr]


def test_no_bare_infinity_in_analysis_or_export(
    client: TestClient, town: SQLiteStore, as_role
) -> None:
    # An infinite amount written straight into the store, as an older version could have.
    stored = town.get("inv1")
    assert stored is not None
    town.write([NodeRecord("Investment", "inv1", {**stored.props, "amount": math.inf})])
    for url in (
        "/api/v1/analysis",
        "/api/v1/analysis?locality_id=l1",
        "/api/v1/export?format=json",
    ):
        answer = client.get(url, headers=as_role("viewer"))
        assert answer.status_code == 200, (url, answer.text[:200])
        _strict_json(answer.text)


@pytest.mark.parametrize("bad", ["o\u202e9", "o\u200b9", "o\x009", "o\u20689"])
def test_invisible_characters_in_ids_get_422(
    client: TestClient, town: SQLiteStore, as_role, bad: str
) -> None:
    answer = client.post(
        "/api/v1/organizations",
        json={"id": bad, "name": "x", "sector": "other"},
        headers=as_role("editor"),
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "id"]


def test_control_characters_are_stripped_from_names(
    client: TestClient, town: SQLiteStore, as_role
) -> None:
    answer = client.post(
        "/api/v1/organizations",
        json={"id": "o9", "name": "ש\x1b[2Jם\x00", "sector": "other"},
        headers=as_role("editor"),
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["name"] == "ש[2Jם"


def test_parent_loops_get_422(client: TestClient, town: SQLiteStore, as_role) -> None:
    editor = as_role("editor")
    assert (
        client.post(
            "/api/v1/organizations",
            json={"id": "dept", "name": "אגף", "sector": "local_authority", "parent_id": "muni"},
            headers=editor,
        ).status_code
        == 201
    )
    answer = client.patch("/api/v1/organizations/muni", json={"parent_id": "dept"}, headers=editor)
    assert answer.status_code == 422
    assert "muni → dept → muni" in answer.json()["detail"]
    own = client.patch("/api/v1/organizations/muni", json={"parent_id": "muni"}, headers=editor)
    assert own.status_code == 422
    assert "parent_id" not in town.get("muni").props  # type: ignore[union-attr]


def test_revocation_in_another_process_is_immediate(
    app: FastAPI, town: SQLiteStore, tmp_path: Path
) -> None:
    """The CLI in another process revokes a key; the very next request gets 401."""
    key = app.state.keys.create(Role.viewer)
    headers = {"X-API-Key": key.secret}
    env = {**os.environ, "PARTNERMAP_KEYS_PATH": str(tmp_path / "keys.sqlite3")}
    with TestClient(app) as client:
        for _ in range(3):  # a busy client: the key was checked just now
            assert client.get("/api/v1/localities", headers=headers).status_code == 200
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "from api.cli import main; main()",
                "keys",
                "revoke",
                key.key_id,
                "--store",
                town.url,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert client.get("/api/v1/localities", headers=headers).status_code == 401


def test_a_spreadsheet_bomb_upload_cannot_take_the_server_down(
    client: TestClient, town: SQLiteStore, as_role
) -> None:
    """Issue 17 item 1: a dry-run upload of the 2.5 KB far-cell workbook by an editor."""
    from tests.importers.test_hostile_files import bomb_workbook

    bomb = bomb_workbook(Path(town.path).parent / "bomb.xlsx").read_bytes()
    answer = client.post(
        "/api/v1/imports?dry_run=true",
        files={"file": ("bomb.xlsx", bomb)},
        headers=as_role("editor"),
    )
    assert answer.status_code == 422, answer.text
    assert "XFD1048576" in answer.json()["errors"][0]["message"]
    # The server is still there, and the attempt is in the audit trail.
    assert client.get("/api/v1/localities", headers=as_role("viewer")).status_code == 200
    trail = client.get("/api/v1/audit", headers=as_role("admin")).json()["data"]
    assert [(e["path"], e["status"]) for e in trail[:1]] == [("/api/v1/imports", 422)]


def test_an_import_that_overruns_is_stopped_and_audited(
    make_app, town: SQLiteStore, tmp_path: Path
) -> None:
    """The child process is killed at the deadline; the server answers 413 and carries on."""
    app = make_app(import_seconds=0.01)
    editor = app.state.keys.create(Role.editor).secret
    admin = app.state.keys.create(Role.admin).secret
    rows = "id,name,sector\n" + "".join(f"x{i},עמותה {i},nonprofit\n" for i in range(2000))
    with TestClient(app) as client:
        answer = client.post(
            "/api/v1/imports",
            files={"file": ("organizations.csv", rows.encode())},
            headers={"X-API-Key": editor},
        )
        assert answer.status_code == 413, answer.text
        assert "longer than this server allows" in answer.json()["detail"]
        assert town.get("x1") is None
        trail = client.get("/api/v1/audit", headers={"X-API-Key": admin}).json()["data"]
        assert trail[0]["status"] == 413


def test_open_reading_answers_only_loopback_hosts(make_app) -> None:
    """DNS rebinding: a page of another site whose name resolves to 127.0.0.1."""
    app = make_app(open_local_read=True)
    # A client with an address, as every request over a socket has.
    with TestClient(app, base_url="http://127.0.0.1:8000", client=("127.0.0.1", 5000)) as client:
        assert client.get("/api/v1/localities").status_code == 200
        for host in ("localhost:8000", "[::1]:8000", "127.0.0.2"):
            assert client.get("/api/v1/localities", headers={"Host": host}).status_code == 200
        for host in ("evil.example:8000", "evil.example", "127.0.0.1.evil.example"):
            answer = client.get("/api/v1/localities", headers={"Host": host})
            assert answer.status_code == 400, host
            assert "Host" in answer.json()["detail"]


def test_html_pages_carry_a_content_security_policy(
    client: TestClient, town: SQLiteStore, as_role
) -> None:
    import base64
    import hashlib
    import re

    for url in ("/api/v1/maps/l1", "/api/v1/dashboard/l1", "/api/v1/dashboard", "/docs"):
        answer = client.get(url, headers=as_role("viewer"))
        assert answer.status_code == 200, url
        policy = answer.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "object-src 'none'" in policy
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
        # every inline script of the page is allowed by its hash, and nothing else inline
        for body in re.findall(
            r"<script(?![^>]*application/json)[^>]*>(.*?)</script>", answer.text, re.S
        ):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy, url
    assert (
        "content-security-policy"
        not in client.get("/api/v1/localities", headers=as_role("viewer")).headers
    )


def _fill_disk(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store whose file may not grow: SQLite answers "database or disk is full"."""
    import sqlite3

    opened = SQLiteStore._conn

    def full(self: SQLiteStore) -> sqlite3.Connection:
        conn = opened(self)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    store.close()  # connections are made again, full
    monkeypatch.setattr(SQLiteStore, "_conn", full)


def test_a_full_disk_is_507_and_audited(
    client: TestClient, town: SQLiteStore, as_role, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill_disk(town, monkeypatch)
    big = {"id": "big", "name": "x", "sector": "other", "note": "א" * 200_000}
    answer = client.post("/api/v1/organizations", json=big, headers=as_role("editor"))
    assert answer.status_code == 507, answer.text
    assert answer.json()["detail"] == (
        "the disk holding the store graph.db is full: nothing was written"
    )
    assert town.get("big") is None
    trail = client.get("/api/v1/audit", headers=as_role("admin")).json()["data"]
    assert (trail[0]["path"], trail[0]["status"]) == ("/api/v1/organizations", 507)


def test_no_write_without_its_audit_row(
    client: TestClient, app: FastAPI, town: SQLiteStore, as_role
) -> None:
    """When the audit trail cannot be written (its disk is full), the write is refused."""
    headers = as_role("editor")  # made before the key file fills
    keys = app.state.keys
    with keys._lock:
        db = keys._connect()
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    bodies = 0
    for i in range(200):  # fill the last free pages with audit rows
        answer = client.post(
            "/api/v1/organizations",
            json={"id": f"w{i}", "name": "ש" * 3000, "sector": "other"},
            headers=headers,
        )
        if answer.status_code == 507:
            break
        bodies += 1
    assert answer.status_code == 507, answer.text
    assert "audit trail cannot be written" in answer.json()["detail"]
    assert town.get(f"w{bodies}") is None  # refused before the write
