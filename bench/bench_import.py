"""Benchmark: import a ~100k-row dataset into a fresh SQLite store.

Prints rows per second, peak memory (tracemalloc, in a second run, and the
process's ru_maxrss), the time of a no-op re-import of the same files, and
the ratio against a baseline measured in the same run over the same files
(on the wall clock, and in the process's CPU time, which other processes on
a shared machine disturb less): a plain ``csv.DictReader`` pass plus a bare
``executemany`` of every row as JSON into one SQLite table. The ratio is
the price of validation, reference checks, derived relationships and
indexes.

The dataset comes from ``partnermap synth`` when ``importers/synth.py``
exists, otherwise from the seeded generator below.

It also prints, outside the ratio, what SQLite alone takes to write the
import's own rows into the store's schema (:func:`schema_floor`).

Run: ``python bench/bench_import.py [--scale 1.0] [--seed 7] [--writer on|off]``.
``--writer off`` writes a first import after the check, without the writer thread, to compare.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from graph.store import sqlite_bulk  # noqa: E402
from graph.store.sqlite import SQLiteStore  # noqa: E402
from importers.registry import run_import  # noqa: E402
from importers.tabular import COLUMNS  # noqa: E402

SECTORS = ["local_authority", "government", "nonprofit", "philanthropy", "business", "academia"]
SECTORS += ["community", "other"]
DOMAINS = ["early_childhood", "formal_education", "informal_education", "employment", "welfare"]
DOMAINS += ["stem21", "health", "community", "emergency", "higher_education"]
FORUM_KINDS = ["local_administration", "steering_committee", "professional_team", "emergency_team"]
ROLE_KINDS = ["head_of_authority", "authority_ceo", "partnerships_manager", "domain_lead", "other"]
HEBREW = ["עמותת", "מרכז", "קרן", "ועד", 'מתנ"ס', "جمعية", "مركز", "Foundation", "שותפות"]
WORDS = ["אור", "לב", "גשר", "נוער", "הגליל", "الأمل", "النور", "Negev", "צמיחה", "חוסן"]


def generate(folder: Path, scale: float, seed: int) -> dict[str, int]:
    """Write a SPEC section 2 dataset of about ``100_000 * scale`` rows; return rows per file."""
    rng = random.Random(seed)
    n = {
        "localities": int(250 * scale),
        "organizations": int(20_000 * scale),
        "roles": int(10_000 * scale),
        "forums": int(2_000 * scale),
        "goals": int(1_000 * scale),
        "programs": int(20_000 * scale),
        "investments": int(15_000 * scale),
        "memberships": int(20_000 * scale),
        "program_partners": int(6_000 * scale),
        "partnerships": int(6_000 * scale),
    }

    def name() -> str:
        return f"{rng.choice(HEBREW)} {rng.choice(WORDS)} {rng.randint(1, 9999)}"

    def loc() -> str:
        return f"l{rng.randrange(n['localities'])}"

    def org() -> str:
        return f"o{rng.randrange(n['organizations'])}"

    rows: dict[str, list[list[object]]] = {stem: [] for stem in n}
    for i in range(n["localities"]):
        rows["localities"].append(
            [f"l{i}", f"יישוב {i}", rng.choice(["city", "local_council", "regional_council"]),
             rng.randint(1, 10), rng.randint(500, 200_000), "הדרום", ""]
        )  # fmt: skip
    for i in range(n["organizations"]):
        parent = f"o{rng.randrange(i)}" if i > 10 and rng.random() < 0.1 else ""
        locs = ";".join({loc() for _ in range(rng.randint(0, 2))})
        rows["organizations"].append([f"o{i}", name(), rng.choice(SECTORS), "", parent, locs, ""])
    for i in range(n["roles"]):
        rows["roles"].append([f"r{i}", f"תפקיד {i}", rng.choice(ROLE_KINDS), org(), "", "2020", ""])
    for i in range(n["forums"]):
        rows["forums"].append(
            [f"f{i}", f"פורום {i}", rng.choice(FORUM_KINDS), loc(), rng.choice(DOMAINS), org(),
             rng.randint(1, 12), "routine"]
        )  # fmt: skip
    for i in range(n["goals"]):
        rows["goals"].append(
            [f"g{i}", loc(), rng.choice(DOMAINS), f"יעד {i}", "rate", 10, 20, 2030, f"r{i}"]
        )
    for i in range(n["programs"]):
        low = rng.randint(0, 30)
        goal = f"g{rng.randrange(n['goals'])}" if rng.random() < 0.2 else ""
        rows["programs"].append(
            [f"p{i}", f"תכנית {name()}", org(), loc(), rng.choice(DOMAINS), low,
             low + rng.randint(0, 5), "", "2021", "2025", "routine", "active", goal, ""]
        )  # fmt: skip
    for i in range(n["investments"]):
        rows["investments"].append(
            [f"i{i}", org(), f"p{rng.randrange(n['programs'])}", "", "",
             rng.randint(1, 500) * 1000, "ILS", rng.randint(2018, 2026), "grant", "paid"]
        )  # fmt: skip
    seen: set[tuple[str, ...]] = set()
    for stem, count, make in (
        ("memberships", n["memberships"], lambda: (org(), f"f{rng.randrange(n['forums'])}")),
        (
            "program_partners",
            n["program_partners"],
            lambda: (f"p{rng.randrange(n['programs'])}", org()),
        ),
        ("partnerships", n["partnerships"], lambda: (org(), org())),
    ):
        made = 0
        while made < count:
            key = make()
            if key in seen or key[0] == key[1]:
                continue
            seen.add(key)
            made += 1
            extra = {
                "memberships": ["member", "", ""],
                "program_partners": ["partner"],
                "partnerships": ["", "routine", "", "", rng.randint(1, 5)],
            }[stem]
            rows[stem].append([*key, *extra])
    folder.mkdir(parents=True, exist_ok=True)
    for stem, table in rows.items():
        with (folder / f"{stem}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS[stem])
            writer.writerows(table)
    return {stem: len(table) for stem, table in rows.items()}


def synthesize(folder: Path, scale: float, seed: int) -> dict[str, int] | None:
    """Use ``partnermap synth`` when it exists; None otherwise."""
    if not (REPO / "importers" / "synth.py").exists():
        return None
    # synth makes about 760 rows per locality: 131 localities is about 100k rows.
    localities = max(1, round(131 * scale))
    args = ["synth", "--localities", str(localities), "--seed", str(seed), "-o", str(folder)]
    done = subprocess.run(
        [sys.executable, "-c", "from api.cli import app; app()", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"synth failed ({done.stderr.strip()[:200]}); using the built-in generator")
        return None
    counts = {}
    for file in folder.glob("*.csv"):
        with file.open(encoding="utf-8-sig", newline="") as fh:
            counts[file.stem] = sum(1 for _ in fh) - 1
    return counts


def baseline(folder: Path, db: Path) -> float:
    """Seconds for a csv.DictReader pass plus a bare executemany of every row."""
    start = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE rows (file TEXT, id TEXT, data TEXT)")
    conn.execute("BEGIN")
    for file in sorted(folder.glob("*.csv")):
        with file.open(encoding="utf-8-sig", newline="") as fh:
            conn.executemany(
                "INSERT INTO rows VALUES (?, ?, ?)",
                (
                    (file.stem, row.get("id"), json.dumps(row, ensure_ascii=False))
                    for row in csv.DictReader(fh)
                ),
            )
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - start


def schema_floor(imported: Path, db: Path) -> tuple[float, float]:
    """Seconds (wall, CPU) to write an import's own rows into an empty store, SQLite alone.

    The rows of every table of the store at ``imported``, read into memory
    first, are written into the same schema the way a first import writes
    them (secondary indexes dropped, ``executemany``, indexes made again, one
    commit): what SQLite's work on this schema costs before any Python of the
    import runs. Not part of the ratio, which stays against the bare baseline.
    """
    from graph.store.sqlite import _BULK_CACHE, _INDEXES, _SCHEMA

    with sqlite3.connect(imported) as source:
        tables = {
            table: source.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in ("nodes", "node_keys", "rels")
        }
    start, cpu = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(_SCHEMA)
    conn.execute("BEGIN IMMEDIATE")
    for name in _INDEXES:
        conn.execute(f"DROP INDEX {name}")
    conn.execute(f"PRAGMA cache_size = {_BULK_CACHE}")
    for table, rows in tables.items():
        if rows:
            marks = ",".join("?" * len(rows[0]))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    for name, on in _INDEXES.items():
        conn.execute(f"CREATE INDEX {name} ON {on}")
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - start, time.process_time() - cpu


def _count_bulk_loads() -> list[int]:
    """A counter of the imports the writer thread committed (one-element list)."""
    committed = [0]
    finish = sqlite_bulk.BulkLoad.finish

    def counting(load: sqlite_bulk.BulkLoad, *args: Any, **named: Any) -> Any:
        stats = finish(load, *args, **named)
        committed[0] += stats is not None
        return stats

    sqlite_bulk.BulkLoad.finish = counting  # type: ignore[method-assign,assignment]
    return committed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is about 100k rows")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs; fastest kept")
    parser.add_argument(
        "--writer",
        choices=["on", "off"],
        default="on",
        help="the writer thread of a first import (graph/store/sqlite_bulk.py): on, as "
        "partnermap runs it; off writes after the check, to compare",
    )
    args = parser.parse_args()
    sqlite_bulk.USE_THREAD = args.writer == "on"
    committed = _count_bulk_loads()
    with tempfile.TemporaryDirectory(prefix="pm-bench-") as tmp:
        work = Path(tmp)
        data = work / "data"
        counts = synthesize(data, args.scale, args.seed)
        source = "partnermap synth"
        if counts is None:
            counts = generate(data, args.scale, args.seed)
            source = "built-in generator"
        rows = sum(counts.values())
        size = sum(f.stat().st_size for f in data.glob("*.csv"))
        print(f"dataset: {rows} rows in {len(counts)} files, {size / 1e6:.1f} MB ({source})")

        # Baseline, import and no-op re-import alternate, --repeat times; the
        # fastest of each is kept, so that a busy moment on a shared machine
        # does not land on one side of the ratio only.
        # Each side is timed on the wall clock and in this process's CPU time: on a
        # shared machine the wall clock also counts the time other processes ran.
        bases, tooks, noops, floors = [], [], [], []
        cpu_bases, cpu_tooks, cpu_noops, cpu_floors = [], [], [], []
        for i in range(args.repeat):
            cpu = time.process_time()
            bases.append(baseline(data, work / f"baseline-{i}.db"))
            cpu_bases.append(time.process_time() - cpu)
            store = SQLiteStore(work / f"import-{i}.db")
            start, cpu = time.perf_counter(), time.process_time()
            report = run_import(store, data)
            tooks.append(time.perf_counter() - start)
            cpu_tooks.append(time.process_time() - cpu)
            counts_after = store.counts()
            start, cpu = time.perf_counter(), time.process_time()
            again = run_import(store, data)
            noops.append(time.perf_counter() - start)
            cpu_noops.append(time.process_time() - cpu)
            store.close()
            floor, cpu_floor = schema_floor(work / f"import-{i}.db", work / f"floor-{i}.db")
            floors.append(floor)
            cpu_floors.append(cpu_floor)
            if not report.valid:
                print(f"import rejected: {report.error_count} errors, first: {report.errors[:3]}")
                raise SystemExit(1)
        base, took, noop = min(bases), min(tooks), min(noops)
        nodes = sum(counts_after.nodes.values())
        rels = sum(counts_after.relationships.values())

        tracemalloc.start()
        store = SQLiteStore(work / "import2.db")
        run_import(store, data)
        store.close()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        print(f"fastest of {args.repeat} alternating runs of each:")
        print(f"baseline (DictReader + executemany): {base:.2f} s, {rows / base:,.0f} rows/s")
        print(f"partnermap import: {took:.2f} s, {rows / took:,.0f} rows/s")
        print(
            f"  written by the writer thread in {committed[0]} of {args.repeat + 1} imports "
            f"(--writer {args.writer}; load average {os.getloadavg()[0]:.1f} on "
            f"{os.cpu_count()} cores at the end)"
        )
        print(f"  wrote {nodes} nodes and {rels} relationships")
        print(f"ratio import / baseline: {took / base:.2f}x (target 1.7x)")
        print(
            f"no-op re-import of the same files: {noop:.2f} s "
            f"({again.stats.get('nodes_written')} nodes written; target under 2 s), "
            f"{noop / base:.2f}x the baseline"
        )
        cpu_base, cpu_took, cpu_noop = min(cpu_bases), min(cpu_tooks), min(cpu_noops)
        print(
            f"CPU time of this process (steadier on a shared machine): baseline {cpu_base:.2f} s, "
            f"import {cpu_took:.2f} s ({rows / cpu_took:,.0f} rows/s, "
            f"{cpu_took / cpu_base:.2f}x the baseline), no-op re-import {cpu_noop:.2f} s"
        )
        floor, cpu_floor = min(floors), min(cpu_floors)
        print(
            f"SQLite alone on the store's schema (the import's own rows, bare executemany, "
            f"indexes, commit; not part of the ratio): {floor:.2f} s ({floor / base:.2f}x "
            f"the baseline), CPU {cpu_floor:.2f} s ({cpu_floor / cpu_base:.2f}x)"
        )
        print(f"peak traced memory during import: {peak / 1e6:.0f} MB")
        print(f"process peak RSS (ru_maxrss): {maxrss_kb / 1024:.0f} MB")


if __name__ == "__main__":
    main()
