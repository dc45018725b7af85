"""Benchmark: import throughput into Neo4j against the embedded store, same run, same files.

Generates a ~100k-row synthetic dataset (``importers/synth.py``, 128
localities by default), then imports it with ``importers.registry.run_import``
into a fresh SQLite store and into a fresh Neo4j database (one transaction
each), and prints rows per second for both and the ratio. A second, no-op
import into Neo4j (same files, nothing changes) is timed as well.

Neo4j: ``--neo4j URL`` uses a running server (it is CLEARED first);
without it the script starts ``tools/neo4j-local/run.sh`` on a free port
with a temporary data folder and stops it at the end.

Run: ``python bench/bench_neo4j_import.py [--localities 128] [--seed 7] [--neo4j URL]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from graph.store.base import GraphStore  # noqa: E402
from graph.store.neo4j import Neo4jStore  # noqa: E402
from graph.store.sqlite import SQLiteStore  # noqa: E402
from importers.registry import run_import  # noqa: E402
from importers.synth import generate  # noqa: E402

RUN_SH = REPO / "tools" / "neo4j-local" / "run.sh"


def start_neo4j(data_dir: Path, heap: str) -> tuple[subprocess.Popen[str], str]:
    """Start tools/neo4j-local and wait for its NEO4J_READY line."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(data_dir.parent / "neo4j-launcher.log", "w", encoding="utf-8")
    proc = subprocess.Popen(
        [str(RUN_SH), str(port), str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**_env_without_auth(), "NEO4J_LOCAL_HEAP": heap},
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("NEO4J_READY"):
            return proc, line.split()[1]
    raise SystemExit(f"Neo4j did not start; see {log.name}")


def _env_without_auth() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "NEO4J_AUTH"}


def jvm_cpu_seconds(pid: int | None) -> float | None:
    """CPU seconds (user + system, every thread) of a process so far; ``None`` if unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timed:
    """Wall and CPU seconds of one import: this process's and the server's."""

    def __init__(self, store: GraphStore, folder: Path, server_pid: int | None = None) -> None:
        cpu0, server0 = time.process_time(), jvm_cpu_seconds(server_pid)
        start = time.perf_counter()
        report = run_import(store, folder)
        self.seconds = time.perf_counter() - start
        self.cpu = time.process_time() - cpu0
        server1 = jvm_cpu_seconds(server_pid)
        self.server_cpu = None if server0 is None or server1 is None else server1 - server0
        if not report.valid:
            raise SystemExit(f"import rejected: {report.errors[:3]}")
        self.stats = report.stats

    def cpu_text(self) -> str:
        server = "" if self.server_cpu is None else f", server {self.server_cpu:.1f} s"
        return f"CPU: client {self.cpu:.1f} s{server}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--localities", type=int, default=128)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--neo4j", help="URL of a running Neo4j (it is cleared!)")
    parser.add_argument("--heap", default="2g", help="JVM heap of the Neo4j started here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-neo4j-"))
    proc: subprocess.Popen[str] | None = None
    try:
        folder = work / "synth"
        counts = generate(args.localities, seed=args.seed, out_dir=folder)
        rows = sum(counts.values())
        print(f"dataset: {rows} rows ({args.localities} localities, seed {args.seed})")

        with SQLiteStore(work / "bench.db") as sqlite:
            lite = Timed(sqlite, folder)
            print(
                f"sqlite : {lite.seconds:7.1f} s  {rows / lite.seconds:8.0f} rows/s  "
                f"({lite.stats['nodes_written']} nodes, "
                f"{lite.stats['relationships_written']} relationships; {lite.cpu_text()})"
            )
            again = Timed(sqlite, folder)
            print(
                f"sqlite no-op re-import: {again.seconds:7.1f} s  "
                f"({again.stats['nodes_written']} nodes written; target under 2 s; "
                f"{again.cpu_text()})"
            )

        url = args.neo4j
        if url is None:
            proc, url = start_neo4j(work / "neo4j", args.heap)
        pid = proc.pid if proc is not None else None  # run.sh execs java: the same process
        with Neo4jStore.from_url(url) as neo4j:
            neo4j.clear()
            neo = Timed(neo4j, folder, pid)
            print(
                f"neo4j  : {neo.seconds:7.1f} s  {rows / neo.seconds:8.0f} rows/s  "
                f"({neo.stats['nodes_written']} nodes, "
                f"{neo.stats['relationships_written']} relationships; {neo.cpu_text()})"
            )
            again = Timed(neo4j, folder, pid)
            print(
                f"neo4j no-op re-import: {again.seconds:7.1f} s  "
                f"{rows / again.seconds:8.0f} rows/s  "
                f"({again.stats['nodes_written']} nodes written; target under 2 s; "
                f"{again.cpu_text()})"
            )
            neo4j.clear()
        print(
            f"ratio neo4j/sqlite time: {neo.seconds / lite.seconds:.2f}x "
            f"(target: neo4j >= 10k rows/s)"
        )
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
