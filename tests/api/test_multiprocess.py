"""Two ``partnermap serve`` processes on one SQLite file: the store keeps ids unique
and loses no update (no lock inside one process can do that)."""

from __future__ import annotations

from pathlib import Path

import httpx2 as httpx
import pytest
from typer.testing import CliRunner

from tests.api.multiprocess import race, servers


def test_two_server_processes_on_one_sqlite_file(tmp_path: Path) -> None:
    with servers(f"sqlite:///{tmp_path / 'shared.db'}", tmp_path / "keys.db") as (urls, key):
        race(urls, key)
        # Wrong keys are counted across the processes on one key file: five on each
        # make ten, and the eleventh is refused by either, a right key included.
        wrong = {"X-API-Key": "pmk_000000000000_wrong"}
        for url in urls:
            for _ in range(5):
                assert httpx.get(f"{url}/api/v1/organizations", headers=wrong).status_code == 401
        for url in urls:
            r = httpx.get(f"{url}/api/v1/organizations", headers={"X-API-Key": key})
            assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 300


def test_serve_workers_option_reaches_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api import cli
    from api.commands import serve as serve_cmds

    served: list[tuple[tuple[object, ...], dict[str, object]]] = []
    monkeypatch.setattr(serve_cmds, "serve_app", lambda *a, **k: served.append((a, k)))
    url = f"sqlite:///{tmp_path / 'g.db'}"
    result = CliRunner().invoke(cli.app, ["serve", "--store", url, "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert served == [((url, "127.0.0.1", 8000, False), {"workers": 3})]
    refused = CliRunner().invoke(cli.app, ["serve", "--store", url, "--workers", "0"])
    assert refused.exit_code == 2
