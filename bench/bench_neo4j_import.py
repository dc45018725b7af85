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


def timed_import(store: GraphStore, folder: Path) -> tuple[float, dict[str, object]]:
    start = time.perf_counter()
    report = run_import(store, folder)
    seconds = time.perf_counter() - start
    if not report.valid:
        raise SystemExit(f"import rejected: {report.errors[:3]}")
    return seconds, report.stats


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
            sqlite_s, stats = timed_import(sqlite, folder)
            print(
                f"sqlite : {sqlite_s:7.1f} s  {rows / sqlite_s:8.0f} rows/s  "
                f"({stats['nodes_written']} nodes, {stats['relationships_written']} relationships)"
            )
            sqlite_again_s, stats = timed_import(sqlite, folder)
            print(
                f"sqlite no-op re-import: {sqlite_again_s:7.1f} s  "
                f"({stats['nodes_written']} nodes written; target under 2 s)"
            )

        url = args.neo4j
        if url is None:
            proc, url = start_neo4j(work / "neo4j", args.heap)
        with Neo4jStore.from_url(url) as neo4j:
            neo4j.clear()
            neo4j_s, stats = timed_import(neo4j, folder)
            print(
                f"neo4j  : {neo4j_s:7.1f} s  {rows / neo4j_s:8.0f} rows/s  "
                f"({stats['nodes_written']} nodes, {stats['relationships_written']} relationships)"
            )
            again_s, stats = timed_import(neo4j, folder)
            print(
                f"neo4j no-op re-import: {again_s:7.1f} s  {rows / again_s:8.0f} rows/s  "
                f"({stats['nodes_written']} nodes written; target under 2 s)"
            )
            neo4j.clear()
        print(f"ratio neo4j/sqlite time: {neo4j_s / sqlite_s:.2f}x (target: neo4j >= 10k rows/s)")
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
