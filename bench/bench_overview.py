"""Benchmark: the all-localities page on a national graph (``synth --localities 255``).

Run::

    python bench/bench_overview.py                    # 255 localities, seed 1
    python bench/bench_overview.py --localities 40 --sample 10

The graph comes from :func:`importers.synth.generate` (the data of
``partnermap synth``), imported once into a SQLite store cached under
``--db-dir``. It times:

* reading the store once (every node and relationship);
* :func:`graph.analytics.overview.summaries_from`: every locality's summary
  from those records (one index, one carve per locality);
* the baseline it replaces: a query-per-locality read
  (:func:`graph.scope.read`) then the same network, duplicates
  and isolates, on ``--sample`` localities, extrapolated to all of them;
* the ranking (:func:`graph.analytics.selection.rank_localities`);
* ``GET /api/v1/dashboard`` through the app: the first request (computes)
  and a second one (the page cache).

It prints the times and the ratios baseline / ours and first / cached.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from graph.analytics.duplicates import find_duplicates
from graph.analytics.isolates import find_isolates
from graph.analytics.overview import summaries_from
from graph.analytics.selection import rank_localities
from graph.network import build_network
from graph.scope import Scope, read
from graph.store.sqlite import SQLiteStore


def _store(localities: int, seed: int, db_dir: Path) -> SQLiteStore:
    from importers import synth
    from importers.registry import run_import

    db_dir.mkdir(parents=True, exist_ok=True)
    path = db_dir / f"overview-{localities}-{seed}.db"
    if path.exists():
        return SQLiteStore(path)
    folder = Path(tempfile.mkdtemp(prefix="pm-synth-"))
    synth.generate(localities, seed, folder)
    store = SQLiteStore(path)
    report = run_import(store, folder)
    assert report.valid, report.flatten()[:3]
    return store


def _timed(what: str, fn):  # type: ignore[no-untyped-def]
    # CPU time beside wall time: on a shared machine the wall clock mostly measures the others.
    started, cpu = time.perf_counter(), time.process_time()
    value = fn()
    seconds = time.perf_counter() - started
    print(f"{what:<58} {seconds:8.2f} s  (CPU {time.process_time() - cpu:.2f} s)")
    return value, seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--localities", type=int, default=255)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample", type=int, default=15, help="localities timed the old way")
    ap.add_argument("--db-dir", type=Path, default=Path(tempfile.gettempdir()) / "partnermap-bench")
    args = ap.parse_args()
    store, _ = _timed("import (or open the cached store)", lambda: _store(
        args.localities, args.seed, args.db_dir))  # fmt: skip
    scope = Scope(as_of=dt.date(2026, 11, 30))
    print(f"store: {store.count()} nodes, {args.localities} localities")
    (nodes, rels), read_s = _timed(
        "read every node and relationship once",
        lambda: (list(store.iter_nodes()), list(store.iter_relationships())),
    )
    summaries, ours_s = _timed(
        "summaries of every locality (one index)", lambda: summaries_from(nodes, rels, scope)
    )
    ids = sorted(summaries)[: args.sample]

    def baseline() -> None:
        for loc in ids:
            sub = read(store, Scope(loc, scope.as_of))
            G = build_network(sub, locality_id=loc)
            find_duplicates(G, sub)
            find_isolates(G)

    _, base_s = _timed(f"baseline: query per locality, {len(ids)} localities", baseline)
    base_all = base_s / max(len(ids), 1) * len(summaries)
    _, rank_s = _timed(
        "ranking with the default rubric (summaries given)",
        lambda: rank_localities(store, scope=scope, summaries=summaries),
    )
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.auth import Role
    from api.config import Settings

    keys = Path(tempfile.mkdtemp(prefix="pm-keys-")) / "keys.sqlite3"
    app = create_app(Settings(store=store.url, keys_path=keys), store=store)
    key = app.state.keys.create(Role.viewer).secret
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {key}"}
        url = "/api/v1/dashboard?as_of=2026-11-30"
        first, first_s = _timed("GET /api/v1/dashboard (first: computes)",
                                lambda: client.get(url, headers=headers))  # fmt: skip
        assert first.status_code == 200, first.text[:300]
        _, cached_s = _timed("GET /api/v1/dashboard (again: page cache)",
                             lambda: client.get(url, headers=headers))  # fmt: skip
    print()
    one_pass = read_s + ours_s
    print(f"summaries, one pass:            {one_pass:8.2f} s (read {read_s:.2f} + {ours_s:.2f})")
    print(f"summaries, query per locality:  {base_all:8.2f} s (extrapolated from {len(ids)})")
    print(f"ratio baseline / one pass:      {base_all / one_pass:8.2f}")
    print(f"ranking after summaries:        {rank_s:8.2f} s")
    print(f"ratio first page / cached page: {first_s / max(cached_s, 1e-6):8.0f}")
    print(f"page size: {len(first.content) / 1024:.0f} KiB for {len(summaries)} localities")
    store.close()


if __name__ == "__main__":
    main()
