"""docker-compose.yml's shape without Docker: two API replicas behind deploy/nginx.conf over one
real Neo4j. The proxy is Debian's nginx (scripts/setup-system.sh installs it) running the
repository's own configuration, with only what Docker would give changed: the replicas'
addresses instead of the service name ``api``, a free local port, and paths of its own."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from graph.store.neo4j import Neo4jStore
from tests.api.multiprocess import free_port, race, servers, stop, wait_ready
from tests.neo4j.server import Neo4jServer

REPO = Path(__file__).resolve().parents[2]
CONF = REPO / "deploy" / "nginx.conf"
#: The one line of the configuration that names the replicas (Docker's DNS answers "api").
UPSTREAM = "server api:8000 max_fails=3 fail_timeout=10s;"


def _nginx() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    assert found, "nginx is missing: bash scripts/setup-system.sh installs it (Debian's nginx)"
    return found


def proxy_conf(replicas: list[str], port: int, folder: Path) -> str:
    """deploy/nginx.conf with the replicas' addresses, a local port and paths under ``folder``.

    Test-only: each answer says which replica gave it (``X-Upstream``).
    """
    text = CONF.read_text(encoding="utf-8")
    assert text.count(UPSTREAM) == 1 and text.count("listen 8080;") == 1
    servers = "\n        ".join(
        f"server {url.removeprefix('http://')} max_fails=3 fail_timeout=10s;" for url in replicas
    )
    text = text.replace(UPSTREAM, servers).replace("listen 8080;", f"listen 127.0.0.1:{port};")
    paths = "".join(
        f"    {name}_temp_path {folder / name};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = re.sub(
        r"http \{\n",
        f"http {{\n    access_log off;\n{paths}    add_header X-Upstream $upstream_addr always;\n",
        text,
        count=1,
    )
    return f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n{text}"


@contextmanager
def proxy(replicas: list[str], folder: Path) -> Iterator[str]:
    """nginx in front of ``replicas`` (one process, in the foreground); yields its URL."""
    folder.mkdir()
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(proxy_conf(replicas, port, folder), encoding="utf-8")
    nginx = _nginx()
    checked = subprocess.run(
        [nginx, "-t", "-c", str(conf), "-p", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen(
        [nginx, "-c", str(conf), "-p", str(folder), "-g", "daemon off; master_process off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(proc, url, time.monotonic() + 30, "nginx")
        yield url
    finally:
        stop(proc, 10)


def test_two_replicas_behind_the_proxy_share_one_neo4j(
    neo4j_server: Neo4jServer, neo4j_store: Neo4jStore, tmp_path: Path
) -> None:
    procs: list[subprocess.Popen[bytes]] = []
    with (
        servers(neo4j_server.uri, tmp_path / "keys.db", processes=procs) as (urls, key),
        proxy(urls, tmp_path / "proxy") as front,
    ):
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=front, headers=headers, timeout=60) as client:
            # The proxy spreads requests over both replicas.
            answered = Counter(client.get("/readyz").headers["x-upstream"] for _ in range(20))
            assert set(answered) == {u.removeprefix("http://") for u in urls}, answered
            # Creates and PATCHes racing through the proxy, whichever replica takes each:
            # one 201 per id, no update lost, a stale ETag refused (412).
            race([front, front], key)
            assert neo4j_store.count("Organization") == 40
            # What one replica wrote, the other reads: they share nothing but the store.
            made = client.post("/api/v1/localities", json={"id": "px-l", "name": "עיר השער"})
            assert made.status_code == 201, made.text
            for url in urls:
                got = httpx.get(f"{url}/api/v1/localities/px-l", headers=headers, timeout=30)
                assert got.status_code == 200 and got.json()["name"] == "עיר השער"
            # A replica goes down: the proxy tries the other one, no request fails.
            stop(procs[0], 20)
            codes = Counter(client.get("/api/v1/localities/px-l").status_code for _ in range(20))
            assert codes == {200: 20}, codes
