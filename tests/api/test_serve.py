"""``partnermap serve``: a real uvicorn server on loopback, and its refusals."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from typer.testing import CliRunner

from api.cli import app as cli


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(tmp_path: Path, *args: str, **env_extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """``partnermap serve`` on a free loopback port in a child process, once it answers."""
    port = _free_port()
    env = {**os.environ, "PARTNERMAP_STORE": f"sqlite:///{tmp_path / 'g.db'}", **env_extra}
    env.pop("PARTNERMAP_OPEN_LOCAL_READ", None)
    if "PARTNERMAP_FORWARDED_ALLOW_IPS" not in env_extra:
        env.pop("PARTNERMAP_FORWARDED_ALLOW_IPS", None)
    command = [sys.executable, "-c", "from api.cli import main; main()", "serve"]
    proc = subprocess.Popen(
        [*command, "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, "the server stopped"
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


def test_serve_with_open_read_on_loopback(tmp_path: Path) -> None:
    proc, base = _start(tmp_path, "--open-read")
    try:
        assert httpx.get(f"{base}/api/v1/organizations").json() == {"data": [], "count": 0}
        r = httpx.post(
            f"{base}/api/v1/organizations", json={"id": "o", "name": "x", "sector": "other"}
        )
        assert r.status_code == 401
        assert httpx.get(f"{base}/openapi.json").json()["info"]["title"] == "partnermap"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0", "--open-read"], "loopback"),
        (["--port", "0"], "PARTNERMAP_PORT"),
    ],
)
def test_serve_refuses_bad_settings(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--store", f"sqlite:///{tmp_path / 'g.db'}", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_serve_reports_an_unusable_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--store", "mysql://nowhere/db"])
    assert result.exit_code == 1
    assert "unknown store URL" in result.stderr


@pytest.mark.parametrize("trusted", [True, False])
def test_wrong_keys_are_counted_per_client_behind_a_trusted_proxy(
    tmp_path: Path, trusted: bool
) -> None:
    # docker-compose.yml: nginx overwrites X-Forwarded-For with the client's address and the
    # replicas trust it. Trusted, two clients behind the proxy are throttled apart; untrusted
    # (the default), the header is ignored and everyone behind the proxy shares one count.
    extra = {"PARTNERMAP_FORWARDED_ALLOW_IPS": "127.0.0.1"} if trusted else {}
    proc, base = _start(tmp_path, **extra)
    try:

        def ask(client: str) -> int:
            headers = {"X-API-Key": "pm_wrong", "X-Forwarded-For": client}
            return httpx.get(f"{base}/api/v1/organizations", headers=headers).status_code

        assert [ask("10.0.0.1") for _ in range(10)] == [401] * 10
        assert ask("10.0.0.1") == 429
        assert ask("10.0.0.2") == (401 if trusted else 429)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
