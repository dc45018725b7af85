"""Two real server processes on one store, racing creates and PATCHes (shared by the
SQLite test in tests/api and the Neo4j test in tests/neo4j)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx

#: Ids created by both servers at once, and fields PATCHed through both at once: enough
#: that a check-then-write in each process (no store check) fails most runs.
IDS = 40
FIELDS = 40


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@contextmanager
def servers(
    store_url: str,
    keys_path: Path,
    count: int = 2,
    processes: list[subprocess.Popen[bytes]] | None = None,
) -> Iterator[tuple[list[str], str]]:
    """``count`` ``partnermap serve`` processes on one store; yields their URLs and a key.

    ``processes``, when given, receives the server processes (a test may stop one).
    """
    env = {
        **os.environ,
        "PARTNERMAP_STORE": store_url,
        "PARTNERMAP_KEYS_PATH": str(keys_path),
    }
    env.pop("PARTNERMAP_OPEN_LOCAL_READ", None)
    made = _cli("keys", "create", "--role", "editor", "--json", env=env)
    assert made.returncode == 0, made.stderr
    key = json.loads(made.stdout)["key"]
    procs: list[subprocess.Popen[bytes]] = [] if processes is None else processes
    urls: list[str] = []
    try:
        for _ in range(count):
            port = free_port()
            command = [sys.executable, "-c", "from api.cli import main; main()"]
            procs.append(
                subprocess.Popen(
                    [*command, "serve", "--port", str(port)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 120
        for proc, url in zip(procs, urls, strict=True):
            wait_ready(proc, url, deadline, f"the server at {url}")
        yield urls, key
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            stop(proc, 20)


def wait_ready(proc: subprocess.Popen[Any], url: str, deadline: float, what: str) -> None:
    """Return once ``url/readyz`` answers 200; fail if ``proc`` exits or ``deadline`` passes."""
    while True:
        assert proc.poll() is None, f"{what} exited"
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"{what} did not start"
        time.sleep(0.1)


def stop(proc: subprocess.Popen[Any], timeout: float) -> None:
    """Ask ``proc`` to end; kill it if it has not within ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


def race(urls: list[str], key: str) -> None:
    """Both servers create the same ids and PATCH one node at once; check what the store kept."""
    headers = {"Authorization": f"Bearer {key}"}
    api = [f"{u}/api/v1" for u in urls]
    with httpx.Client(headers=headers, timeout=60) as client:
        r = client.post(f"{api[0]}/localities", json={"id": "race-l", "name": "עיר המרוץ"})
        assert r.status_code == 201, r.text

        def create(job: tuple[int, int]) -> tuple[int, int]:
            i, server = job
            body = {"id": f"race-o{i}", "name": f"ארגון {server}", "sector": "community"}
            return i, client.post(f"{api[server]}/organizations", json=body).status_code

        jobs = [(i, s) for i in range(IDS) for s in range(len(api))]
        with ThreadPoolExecutor(len(jobs)) as pool:
            codes = list(pool.map(create, jobs))
        for i in range(IDS):
            mine = sorted(code for j, code in codes if j == i)
            # one process won each id; the others were told it exists
            assert mine == [201] + [409] * (len(api) - 1), (i, mine)

        def patch(n: int) -> int:
            body = {f"note_{n}": f"שינוי {n}"}
            url = f"{api[n % len(api)]}/localities/race-l"
            return client.patch(url, json=body).status_code

        with ThreadPoolExecutor(FIELDS) as pool:
            assert set(pool.map(patch, range(FIELDS))) == {200}
        got = client.get(f"{api[1]}/localities/race-l")
        notes = {k: v for k, v in got.json().items() if k.startswith("note_")}
        # no PATCH lost: every field written through either process is there
        assert notes == {f"note_{n}": f"שינוי {n}" for n in range(FIELDS)}
        assert got.json()["name"] == "עיר המרוץ"

        # optimistic concurrency across processes: a tag read on one server is
        # refused by the other once the node has changed
        tag = got.headers["etag"]
        assert client.get(f"{api[0]}/localities/race-l").headers["etag"] == tag
        first = client.patch(
            f"{api[0]}/localities/race-l", json={"district": "דרום"}, headers={"If-Match": tag}
        )
        assert first.status_code == 200 and first.headers["etag"] != tag
        stale = client.patch(
            f"{api[1]}/localities/race-l", json={"district": "צפון"}, headers={"If-Match": tag}
        )
        assert stale.status_code == 412, stale.text
        gone = client.delete(f"{api[1]}/localities/race-l", headers={"If-Match": tag})
        assert gone.status_code == 412
        assert client.get(f"{api[1]}/localities/race-l").json()["district"] == "דרום"
        fresh = first.headers["etag"]
        assert (
            client.delete(f"{api[1]}/localities/race-l", headers={"If-Match": fresh}).status_code
            == 204
        )
