"""Benchmark: import throughput into Neo4j against the embedded store, same run, same files.

Generates a ~100k-row synthetic dataset (``importers/synth.py``, 128
localities by default), then, ``--repeat`` times in turn, imports it with
``importers.registry.run_import`` into an empty SQLite store and into an
empty Neo4j database (one transaction each), and times two re-imports of the
same files on each: right after the import (the store-wide "nothing changed
since" mark answers) and after an unrelated write moved the graph version on
(every row's digest is looked up: the row-level path). Prints the first run
(a just-started server) and the fastest run of each side, with the CPU time
of this process and of the Neo4j server, and the ratio to SQLite.

A server lives long in real use: the fastest run is its steady state, the
first run what a just-started one gives. The Neo4j database is emptied
between runs in batches of its own transactions. Then (``--warm-up N``, 1 by
default, 0 to skip) a second server is started the documented way for a
first import (``NEO4J_LOCAL_WARM_UP=N``: N made-up imports into a throwaway
database before the real one opens, see tools/neo4j-local/README.md) and
its first import is timed too: both first imports are printed, each with
how long its server took to start. ``--restart`` starts the first server
again on its store (grown by the runs, emptied) and times that first import:
a new JVM on an old store.

Neo4j: ``--neo4j URL`` uses a running server (it is CLEARED first);
without it the script starts ``tools/neo4j-local/run.sh`` on a free port
with a temporary data folder and stops it at the end, with run.sh's own
heap and flags (the setup tests and newcomers get: C1 only, the parallel
collector, 2 GB) unless ``--heap`` / ``--java-opts=...`` say otherwise (a
long-running server: ``--heap 4g --java-opts=-XX:+UseG1GC``, the full JIT);
its flags are printed, and the server's CPU of the first and the fastest
import by thread: the Bolt worker that runs the statements and the commit,
the collector, the compiler.

Run: ``python bench/bench_neo4j_import.py [--localities 128] [--seed 7] [--repeat 4]
[--neo4j URL] [--heap 4g] [--java-opts=-XX:+UseG1GC] [--warm-up 1] [--restart]``.
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
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from graph.model import NodeRecord  # noqa: E402
from graph.store.base import GraphStore  # noqa: E402
from graph.store.neo4j import Neo4jStore  # noqa: E402
from graph.store.sqlite import SQLiteStore  # noqa: E402
from importers.registry import run_import  # noqa: E402
from importers.synth import generate  # noqa: E402

RUN_SH = REPO / "tools" / "neo4j-local" / "run.sh"


def start_neo4j(
    data_dir: Path, heap: str | None, java_opts: str | None, warm_up: int = 0
) -> tuple[subprocess.Popen[str], str]:
    """Start tools/neo4j-local and wait for its NEO4J_READY line (``None``: run.sh's default)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(data_dir.parent / "neo4j-launcher.log", "w", encoding="utf-8")
    env = {
        k: v
        for k, v in _env_without_auth().items()
        if k not in ("NEO4J_LOCAL_HEAP", "NEO4J_LOCAL_JAVA_OPTS")
    }
    if heap is not None:
        env["NEO4J_LOCAL_HEAP"] = heap
    if java_opts is not None:
        env["NEO4J_LOCAL_JAVA_OPTS"] = java_opts
    env["NEO4J_LOCAL_WARM_UP"] = str(warm_up)
    proc = subprocess.Popen(
        [str(RUN_SH), str(port), str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("NEO4J_READY"):
            return proc, line.split()[1]
    raise SystemExit(f"Neo4j did not start; see {log.name}")


class Started:
    """A server started here: its process, URL, and what the start took (wall, CPU)."""

    def __init__(
        self, data_dir: Path, heap: str | None, java_opts: str | None, warm_up: int
    ) -> None:
        start = time.perf_counter()
        self.proc, self.url = start_neo4j(data_dir, heap, java_opts, warm_up)
        self.seconds = time.perf_counter() - start
        self.cpu = jvm_cpu_seconds(self.proc.pid)

    def text(self) -> str:
        cpu = "" if self.cpu is None else f", CPU {self.cpu:.1f} s"
        return f"start {self.seconds:.1f} s{cpu}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _env_without_auth() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "NEO4J_AUTH"}


def jvm_flags(pid: int | None) -> str:
    """The heap, compiler and collector flags the server's JVM runs with, as reported by it."""
    if pid is None:
        return "unknown (a server started elsewhere)"
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\x00")
    except OSError:
        return "unknown"
    shown = [a for a in cmdline if a.startswith(("-Xm", "-XX:"))]
    tiers = "C1 only" if "-XX:TieredStopAtLevel=1" in shown else "full tiered JIT (C1+C2)"
    return f"{tiers}; {' '.join(shown)}"


def jvm_cpu_seconds(pid: int | None) -> float | None:
    """CPU seconds (user + system, every thread) of a process so far; ``None`` if unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _thread_kind(name: str) -> str:
    if name.startswith("neo4j.BoltWorke"):
        return "Bolt worker"
    if name.startswith(("GC Thread", "VM Thread")):  # VM Thread: the serial collector's
        return "collector"
    return "other"


def jvm_threads_cpu(pid: int | None) -> Counter[str] | None:
    """CPU seconds so far of a process's live threads, summed by kind (:func:`_thread_kind`).

    Threads that ended are gone from the sums: compare two readings only
    for the same long-lived threads (Bolt workers, collector, compilers).
    """
    if pid is None:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    out: Counter[str] = Counter()
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return None
    for task in tasks:
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue  # the thread ended meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        out[_thread_kind(name)] += (int(fields[11]) + int(fields[12])) / ticks
    return out


class Timed:
    """Wall and CPU seconds of one import: this process's and the server's."""

    def __init__(self, store: GraphStore, folder: Path, server_pid: int | None = None) -> None:
        cpu0, server0 = time.process_time(), jvm_cpu_seconds(server_pid)
        threads0 = jvm_threads_cpu(server_pid)
        self.load = os.getloadavg()[0]
        start = time.perf_counter()
        report = run_import(store, folder)
        self.seconds = time.perf_counter() - start
        self.cpu = time.process_time() - cpu0
        server1 = jvm_cpu_seconds(server_pid)
        self.server_cpu = None if server0 is None or server1 is None else server1 - server0
        threads1 = jvm_threads_cpu(server_pid)
        self.threads: Counter[str] | None = None
        if threads0 is not None and threads1 is not None:
            threads1.subtract(threads0)
            self.threads = threads1
        if not report.valid:
            raise SystemExit(f"import rejected: {report.errors[:3]}")
        self.stats = report.stats

    def cpu_text(self) -> str:
        server = "" if self.server_cpu is None else f", server {self.server_cpu:.1f} s"
        return f"CPU: client {self.cpu:.1f} s{server}"

    def threads_text(self) -> str:
        """The server's CPU by thread, and the load average when the import began.

        Compiler threads come and go (the JVM adds and ends them as work
        comes), so they are in the rest: the server's CPU less its Bolt
        workers' and its collector's, which live as long as the server.
        """
        if self.threads is None or self.server_cpu is None:
            return f"load {self.load:.1f}"
        worker, collector = self.threads["Bolt worker"], self.threads["collector"]
        rest = self.server_cpu - worker - collector
        return (
            f"server CPU by thread: Bolt worker {worker:.1f} s, collector {collector:.1f} s, "
            f"rest (compiler, Bolt I/O, …) {rest:.1f} s; load {self.load:.1f}"
        )


def empty_neo4j(store: Neo4jStore) -> None:
    """Delete every node in batches of their own transactions, then bump the version."""
    with store._session("WRITE") as session:
        session.run(
            "MATCH (n:Node) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()
    store.clear()  # nothing left to delete: makes the meta node and the version again


def touch(store: GraphStore) -> None:
    """A write that changes the graph but none of the imported records."""
    store.write([NodeRecord("Organization", "bench-touch", {"name": str(time.time())})])


class Side:
    """The runs of one store: imports, marked no-ops, row-level no-ops."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.imports: list[Timed] = []
        self.marked: list[Timed] = []
        self.rows: list[Timed] = []

    def run(self, store: GraphStore, folder: Path, pid: int | None) -> None:
        self.imports.append(Timed(store, folder, pid))
        self.marked.append(Timed(store, folder, pid))
        touch(store)
        self.rows.append(Timed(store, folder, pid))
        if self.rows[-1].stats["nodes_written"]:
            raise SystemExit("the row-level re-import wrote something: the bench is wrong")


def line(label: str, run: Timed, rows: int, note: str = "") -> str:
    tail = f"; {note}" if note else ""
    return (
        f"{label:<34} {run.seconds:7.2f} s  {rows / run.seconds:8.0f} rows/s  "
        f"({run.cpu_text()}{tail})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--localities", type=int, default=128)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=4, help="alternating runs; fastest kept")
    parser.add_argument("--neo4j", help="URL of a running Neo4j (it is cleared!)")
    parser.add_argument("--server-pid", type=int, help="its process id, to read its CPU time")
    parser.add_argument(
        "--heap", help="JVM heap of the Neo4j started here (default: run.sh's, 2 GB)"
    )
    parser.add_argument(
        "--bulk",
        choices=("on", "off"),
        default="on",
        help="off: Neo4j imports write after the check, not while read (graph.store.neo4j_bulk)",
    )
    parser.add_argument(
        "--warm-up",
        type=int,
        default=1,
        help="rounds of the warm-up start (NEO4J_LOCAL_WARM_UP) of a second server whose "
        "first import is timed too; 0: no second server",
    )
    parser.add_argument(
        "--restart",
        action="store_true",
        help="then start the server again on the same, emptied store and time its first "
        "import: a new JVM on a store that grew before (no effect with --neo4j)",
    )
    parser.add_argument(
        "--java-opts",
        help="compiler/GC flags of the Neo4j started here (give them as --java-opts=...); "
        "default: run.sh's own (C1 only, the parallel collector), what tests and newcomers "
        "get; a long-running server: --heap 4g --java-opts=-XX:+UseG1GC (the full JIT)",
    )
    args = parser.parse_args()
    if args.bulk == "off":
        Neo4jStore.bulk_load = lambda self: None  # type: ignore[method-assign]

    work = Path(tempfile.mkdtemp(prefix="bench-neo4j-"))
    server: Started | None = None
    proc: subprocess.Popen[str] | None = None
    try:
        folder = work / "synth"
        counts = generate(args.localities, seed=args.seed, out_dir=folder)
        rows = sum(counts.values())
        print(f"dataset: {rows} rows ({args.localities} localities, seed {args.seed})")
        print(f"load average at the start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
        url = args.neo4j
        if url is None:
            server = Started(work / "neo4j", args.heap, args.java_opts, 0)
            proc, url = server.proc, server.url
        # run.sh execs java: the same process.
        pid = proc.pid if proc is not None else args.server_pid
        print(f"neo4j server: {jvm_flags(pid)}; import sent while read: {args.bulk}")
        lite, neo = Side("sqlite"), Side("neo4j")
        neo4j = Neo4jStore.from_url(url)
        try:
            for round_ in range(args.repeat):
                db = work / f"bench-{round_}.db"
                with SQLiteStore(db) as sqlite:
                    lite.run(sqlite, folder, None)
                db.unlink()
                empty_neo4j(neo4j)
                neo.run(neo4j, folder, pid)
                print(
                    f"run {round_ + 1}: sqlite {lite.imports[-1].seconds:.1f} s, "
                    f"neo4j {neo.imports[-1].seconds:.1f} s ({neo.imports[-1].cpu_text()}; "
                    f"{neo.imports[-1].threads_text()})",
                    flush=True,
                )
            empty_neo4j(neo4j)
        finally:
            neo4j.close()
        stats = neo.imports[0].stats
        print(
            f"written: {stats['nodes_written']} nodes, "
            f"{stats['relationships_written']} relationships"
        )
        first = "neo4j first run (server just up)" if proc is not None else "neo4j first run"
        print(line(first, neo.imports[0], rows, "" if server is None else server.text()))
        print(f"{'':<34} {neo.imports[0].threads_text()}")
        if server is not None and args.restart:
            server.stop()
            again, started = restarted(work / "neo4j", args, folder)
            print(line("neo4j first run, restarted", again, rows, started))
            print(f"{'':<34} {again.threads_text()}")
        if server is not None and args.warm_up > 0:
            server.stop()  # its CPU and memory are no one's now
            warm, started = warm_start(work, args, folder)
            print(line(f"neo4j first run, warm-up start ({args.warm_up})", warm, rows, started))
            print(f"{'':<34} {warm.threads_text()}")
        fast = {side.name: min(side.imports, key=lambda t: t.seconds) for side in (lite, neo)}
        print(line(f"neo4j fastest of {args.repeat}", fast["neo4j"], rows))
        print(f"{'':<34} {fast['neo4j'].threads_text()}")
        print(line(f"sqlite fastest of {args.repeat}", fast["sqlite"], rows))
        for side in (lite, neo):
            marked = min(side.marked, key=lambda t: t.seconds)
            by_rows = min(side.rows, key=lambda t: t.seconds)
            print(line(f"{side.name} no-op, nothing changed since", marked, rows))
            print(line(f"{side.name} no-op, graph changed since", by_rows, rows))
        ratio = fast["neo4j"].seconds / fast["sqlite"].seconds
        server_cpu = fast["neo4j"].server_cpu
        cpu_ratio = (
            "server CPU unknown"
            if server_cpu is None
            else f"{(fast['neo4j'].cpu + server_cpu) / fast['sqlite'].cpu:.2f}x CPU "
            "(neo4j client + server)"
        )
        print(
            f"ratio neo4j/sqlite, fastest runs: {ratio:.2f}x wall, {cpu_ratio}; "
            "targets: neo4j >= 10k rows/s, no-op < 2 s"
        )
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def restarted(data_dir: Path, args: argparse.Namespace, folder: Path) -> tuple[Timed, str]:
    """The first import into a server started again on a store the runs grew and emptied.

    Against the first run (a fresh store, a fresh JVM) it tells what the first
    import pays for the store (files growing from nothing, new ids, new tokens)
    and what for the JVM (JIT, planner, heap): here only the JVM is new.
    """
    server = Started(data_dir, args.heap, args.java_opts, 0)
    try:
        store = Neo4jStore.from_url(server.url)
        try:
            empty_neo4j(store)  # as before every run (nothing is left to delete)
            return Timed(store, folder, server.proc.pid), server.text()
        finally:
            store.close()
    finally:
        server.stop()


def warm_start(work: Path, args: argparse.Namespace, folder: Path) -> tuple[Timed, str]:
    """The first import into a server started with the warm-up, and what its start took."""
    server = Started(work / "neo4j-warm", args.heap, args.java_opts, args.warm_up)
    try:
        store = Neo4jStore.from_url(server.url)
        try:
            return Timed(store, folder, server.proc.pid), server.text()
        finally:
            store.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
