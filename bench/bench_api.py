"""Benchmark: HTTP latency of a real uvicorn server under 50 concurrent clients.

Loads the bundled demo (or, with ``--localities N``, a synthetic national
dataset from :mod:`importers.synth`) into a fresh SQLite store, starts
``partnermap``'s API with uvicorn on 127.0.0.1 (a free port; no other
address is ever contacted), and sends a bounded number of requests per
scenario from ``--clients`` concurrent asyncio clients (httpx):

* ``healthz`` - the baseline: the same server, client and auth-free path,
  no store work;
* ``entity GET`` - ``GET /api/v1/organizations/{id}`` for random ids;
* ``ego depth 2`` - ``GET /api/v1/graph/ego/{id}?depth=2`` for random ids of
  organisations live today (the ego network of one that ended before today is,
  rightly, 404, and would count as an error);
* ``analysis (cached)`` - ``GET /api/v1/analysis?locality_id=...`` after
  one warm-up request per locality (the cold time is printed too).

Prints p50, p90, p95, p99, requests per second and the server's CPU time per
request for each scenario, and p50 / p90 (wrk; p95 with httpx too) as a ratio
to the baseline measured in the same run, then the targets of issue 16 against
the ``/healthz`` p90 measured alongside: entity GET p90 <= 2x, ego depth 2 from
the hub p90 <= 4x, no errors (``--localities 40`` is the dataset of the issue).

The load comes from ``wrk`` (Debian package ``wrk``; a Lua script rotates
through the scenario's URLs) when it is installed, else from the Python
client, which sends ``--requests`` per scenario but spends CPU of its own on
this 2-core machine; ``--tool`` chooses. With wrk, each scenario runs
``--rounds`` times for ``--seconds``, each run right after a run of
``/healthz``, and each side keeps its fastest run (lowest p90; errors of every
run counted): the load of a shared machine comes and goes within seconds, and
one unlucky run of either side said more about the neighbours than about the
server. The CPU time per request (from ``/proc``) hardly depends on them.

Run: ``python bench/bench_api.py [--clients 50] [--tool auto|wrk|httpx]
[--requests 1000] [--seconds 10] [--rounds 3] [--localities N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

import httpx2 as httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from api.auth import KeyStore, Role  # noqa: E402
from graph.scope import node_counts_at, today  # noqa: E402
from graph.store.sqlite import SQLiteStore  # noqa: E402
from importers.registry import run_import  # noqa: E402

HOST = "127.0.0.1"  # loopback only


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _dataset(folder: Path, localities: int | None, seed: int) -> Path:
    if localities is None:
        from importers.demo import demo_path

        return demo_path()
    from importers.synth import generate

    out = folder / "synth"
    generate(localities, seed, out)
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def _run(
    client: httpx.AsyncClient, urls: list[str], clients: int
) -> tuple[list[float], float, dict[int, int]]:
    """Send every URL once from ``clients`` workers; latencies in ms, wall seconds, statuses."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def worker() -> None:
        while True:
            try:
                url = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            start = time.perf_counter()
            try:
                response = await client.get(url)
                await response.aread()
                status = response.status_code
            except httpx.TransportError:  # counted (as status 0), not retried
                status = 0
            latencies.append((time.perf_counter() - start) * 1000)
            statuses[status] = statuses.get(status, 0) + 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies, time.perf_counter() - start, statuses


async def _bench(base: str, key: str, scenarios: dict[str, list[str]], clients: int) -> None:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=120
    ) as client:
        cold: list[float] = []
        for url in sorted(set(scenarios["analysis (cached)"])):
            start = time.perf_counter()
            (await client.get(url)).raise_for_status()
            cold.append((time.perf_counter() - start) * 1000)
        await _run(client, scenarios["healthz"][: clients * 2], clients)  # warm connections
        results = {}
        for name, urls in scenarios.items():
            results[name] = await _run(client, urls, clients)
    base_p50 = _percentile(results["healthz"][0], 50)
    base_p90 = _percentile(results["healthz"][0], 90)
    base_p95 = _percentile(results["healthz"][0], 95)
    print(f"\n{clients} concurrent clients, server {base} (one uvicorn process)")
    print(
        f"analysis cold (first request per scope): median {statistics.median(cold):.0f} ms "
        f"over {len(cold)} scopes"
    )
    head = f"{'scenario':<24}{'n':>6}{'p50 ms':>9}{'p90 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(head + f"{'req/s':>8}{'p50/base':>10}{'p90/base':>10}{'p95/base':>10}  statuses")
    for name, (lat, wall, statuses) in results.items():
        p50, p90, p95, p99 = (_percentile(lat, q) for q in (50, 90, 95, 99))
        print(
            f"{name:<24}{len(lat):>6}{p50:>9.1f}{p90:>9.1f}{p95:>9.1f}{p99:>9.1f}"
            f"{len(lat) / wall:>8.0f}{p50 / base_p50:>10.2f}{p90 / base_p90:>10.2f}"
            f"{p95 / base_p95:>10.2f}  {dict(sorted(statuses.items()))}"
        )


#: Issue 16: these scenarios' p90 at most this many times the /healthz p90, no errors.
_TARGETS = {"entity GET": 2.0, "ego depth 2 (hub)": 4.0}

_LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.3f %%.3f %%.3f %%d %%.3f\\n", summary.requests,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.timeout
    + summary.errors.connect + summary.errors.read + summary.errors.write,
    latency:percentile(90) / 1000))
end
"""


def _wrk(base: str, key: str, urls: list[str], clients: int, seconds: int, folder: Path) -> str:
    """One wrk run over ``urls``; the result line, with its figures."""
    script = folder / "paths.lua"
    listed = ",".join('"' + quote(u, safe="/?=&") + '"' for u in urls)
    script.write_text(_LUA % listed)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "60s",
            "-H",
            f"Authorization: Bearer {key}",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 120,
    ).stdout
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+) ([\d.]+)", out)
    if match is None:
        raise SystemExit(f"wrk said: {out}")
    return match.group(0)


@dataclass(frozen=True)
class _Row:
    """One wrk run: requests, latency percentiles (ms), rate, errors, server CPU per request."""

    n: int
    p50: float
    p90: float
    p95: float
    p99: float
    rate: float
    errors: int
    cpu_us: float | None


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far, from ``/proc`` (Linux), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _bench_wrk(
    base: str,
    key: str,
    scenarios: dict[str, list[str]],
    clients: int,
    seconds: int,
    folder: Path,
    server_pid: int,
    rounds: int,
) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    cold = []
    for url in sorted(set(scenarios["analysis (cached)"])):
        start = time.perf_counter()
        httpx.get(base + url, headers=headers, timeout=120).raise_for_status()
        cold.append((time.perf_counter() - start) * 1000)
    _wrk(base, key, ["/healthz"], clients, 2, folder)  # warm up
    rows: dict[str, _Row] = {}
    adjacent: dict[str, _Row] = {}

    def measure(urls: list[str]) -> _Row:
        cpu_before = _cpu_seconds(server_pid)
        parts = _wrk(base, key, urls, clients, seconds, folder).split()[1:]
        cpu_after = _cpu_seconds(server_pid)
        n, micros = int(parts[0]), int(parts[1])
        cpu = None
        if cpu_before is not None and cpu_after is not None and n:
            cpu = (cpu_after - cpu_before) / n * 1e6
        return _Row(
            n,
            p50=float(parts[2]),
            p90=float(parts[6]),
            p95=float(parts[3]),
            p99=float(parts[4]),
            rate=n / (micros / 1e6),
            errors=int(parts[5]),
            cpu_us=cpu,
        )

    def fastest(runs: list[_Row]) -> _Row:
        """The run with the lowest p90, errors of every run counted in it."""
        best = min(runs, key=lambda row: row.p90)
        return replace(best, errors=sum(row.errors for row in runs))

    healthz_runs: list[_Row] = []
    for name, urls in scenarios.items():
        if name == "healthz":
            continue
        # /healthz right before the scenario, alternating ``rounds`` times: the load of a
        # shared machine drifts, so each side keeps its fastest run (as bench_import does).
        pairs = [(measure(scenarios["healthz"]), measure(urls)) for _ in range(rounds)]
        healthz_runs += [h for h, _ in pairs]
        adjacent[name] = fastest([h for h, _ in pairs])
        rows[name] = fastest([run for _, run in pairs])
    rows = {"healthz": fastest(healthz_runs), **rows}
    print(
        f"\n{clients} connections from wrk (2 threads), {seconds} s per run, each scenario "
        f"alternating with /healthz {rounds} times (fastest p90 of each side kept), "
        f"server {base} (one uvicorn process)"
    )
    print(
        f"analysis cold (first request per scope): median {statistics.median(cold):.0f} ms "
        f"over {len(cold)} scopes"
    )
    base_row = rows["healthz"]

    def cpu(row: _Row) -> str:
        return f"{row.cpu_us:>9.0f}" if row.cpu_us is not None else f"{'-':>9}"

    print(
        f"{'scenario':<24}{'n':>7}{'p50 ms':>9}{'p90 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'req/s':>8}{'p50/base':>10}{'p90/base':>10}{'cpu us':>9}  errors"
    )
    for name, row in rows.items():
        print(
            f"{name:<24}{row.n:>7}{row.p50:>9.1f}{row.p90:>9.1f}{row.p95:>9.1f}{row.p99:>9.1f}"
            f"{row.rate:>8.0f}{row.p50 / base_row.p50:>10.2f}{row.p90 / base_row.p90:>10.2f}"
            f"{cpu(row)}  {row.errors}"
        )
    print(
        "(base: the fastest /healthz run of all, a strict base; the paired ratios follow. "
        "cpu us: the server process's CPU time per request)"
    )
    print("\nagainst /healthz measured right before each scenario (fastest of its rounds):")
    print(f"{'scenario':<24}{'healthz p90':>12}{'p90':>9}{'p90/base':>10}{'cpu/base':>10}")
    for name, before in adjacent.items():
        row = rows[name]
        cpu_ratio = (
            f"{row.cpu_us / before.cpu_us:>10.2f}"
            if row.cpu_us is not None and before.cpu_us
            else f"{'-':>10}"
        )
        print(
            f"{name:<24}{before.p90:>12.1f}{row.p90:>9.1f}{row.p90 / before.p90:>10.2f}{cpu_ratio}"
        )
    print("\nissue 16 targets (p90 / the /healthz p90 alternating with it):")
    for name, limit in _TARGETS.items():
        row = rows[name]
        ratio = row.p90 / adjacent[name].p90
        met = "met" if ratio <= limit and row.errors == 0 else "NOT met"
        cpu_note = ""
        if row.cpu_us is not None and adjacent[name].cpu_us:
            cpu_note = f"; server CPU per request {row.cpu_us / adjacent[name].cpu_us:.2f}x"
        print(
            f"  {name:<20} p90 {ratio:.2f}x (<= {limit:g}x), errors {row.errors}: {met}{cpu_note}"
        )


def _wait_until_up(base: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with status {proc.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not come up within a minute")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000, help="per scenario (httpx)")
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="wrk: runs of each scenario, alternating with /healthz",
    )
    parser.add_argument("--tool", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument("--localities", type=int, default=None, help="synthetic instead of demo")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="partnermap-bench-api-") as tmp:
        folder = Path(tmp)
        store = SQLiteStore(folder / "graph.db")
        data = _dataset(folder, args.localities, args.seed)
        start = time.perf_counter()
        report = run_import(store, data)
        if not report.valid:
            raise SystemExit(f"the dataset does not import: {report.errors[:3]}")
        counts = store.counts()
        orgs = list(store.iter_nodes("Organization"))
        org_ids = [n.id for n in orgs]
        # The ego network answers 404 for an organisation not live today (as-of rules).
        live_ids = [n.id for n in orgs if node_counts_at(n, today())]
        # The organisation with the most relationships: the worst ego network.
        hub = max(live_ids, key=lambda o: len(store.relationships(o)))
        locality_ids = [n.id for n in store.iter_nodes("Locality")]
        store.close()
        print(
            f"dataset: {sum(counts.nodes.values())} nodes, "
            f"{sum(counts.relationships.values())} relationships, "
            f"imported in {time.perf_counter() - start:.1f} s"
        )
        keys = KeyStore(folder / "keys.sqlite3")
        key = keys.create(Role.viewer).secret
        keys.close()

        port = _free_port()
        base = f"http://{HOST}:{port}"
        env = {**os.environ, "PARTNERMAP_KEYS_PATH": str(folder / "keys.sqlite3")}
        code = (
            "import logging; logging.disable(logging.INFO);"
            "from api.cli import serve_app;"
            f"serve_app({store.url!r}, {HOST!r}, {port}, False)"
        )
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("BENCH_VERBOSE") else subprocess.DEVNULL,
        )
        try:
            _wait_until_up(base, proc)
            n = args.requests
            pick: Callable[[list[str]], str] = rng.choice
            scopes = rng.sample(locality_ids, min(3, len(locality_ids)))
            scenarios = {
                "healthz": ["/healthz"] * n,
                "entity GET": [f"/api/v1/organizations/{pick(org_ids)}" for _ in range(n)],
                "ego depth 2": [f"/api/v1/graph/ego/{pick(live_ids)}?depth=2" for _ in range(n)],
                "ego depth 2 (hub)": [f"/api/v1/graph/ego/{hub}?depth=2"] * n,
                "analysis (cached)": [
                    f"/api/v1/analysis?locality_id={pick(scopes)}" for _ in range(n)
                ],
            }
            use_wrk = args.tool == "wrk" or (args.tool == "auto" and shutil.which("wrk"))
            if use_wrk:
                _bench_wrk(
                    base, key, scenarios, args.clients, args.seconds, folder, proc.pid, args.rounds
                )
            else:
                asyncio.run(_bench(base, key, scenarios, args.clients))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
