"""Benchmark: the analysis of the nation as of a date, against the same analysis without dates.

Run::

    python bench/bench_time.py                              # 255 localities x 200 orgs
    python bench/bench_time.py --localities 60 --orgs-per-locality 100
    python bench/bench_time.py --json

In one run, on one store (the synthetic nation of ``bench/bench_analytics.py``,
cached under ``--db-dir``), it times :func:`graph.analytics.report.analysis_report`
of the whole graph three ways and prints the ratios:

* ``undated``: every record counts (the analysis before as-of existed: the
  records are read and the network built with no date cut);
* ``today``: as of today (the default of every command and route);
* ``past``: as of ``--as-of`` (default 2023-06-30).

It also times the date cut alone (:func:`graph.scope.cut` of the whole
graph's records) and :func:`graph.analytics.changes.changes_report` between
``--as-of`` and today. Times are the best of ``--repeat`` runs, wall and CPU.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.bench_analytics import build_store, peak_mb  # noqa: E402
from graph.analytics.changes import changes_report  # noqa: E402
from graph.analytics.report import report_from  # noqa: E402
from graph.network import build_network, gc_paused  # noqa: E402
from graph.scope import Scope, cut, read  # noqa: E402
from graph.store.sqlite import SQLiteStore  # noqa: E402


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Best wall and CPU seconds of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus)


def _report(store: SQLiteStore, scope: Scope, dated: bool) -> dict[str, Any]:
    with gc_paused():
        sub = read(store, scope, dated=dated)
        G = build_network(sub, context=scope.context)
        return report_from(G, sub, graph_version=store.graph_version(), scope=scope)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--localities", type=int, default=255)
    ap.add_argument("--orgs-per-locality", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--as-of", default="2023-06-30", help="the past date (YYYY-MM-DD)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--db-dir", type=Path, default=Path(tempfile.gettempdir()) / "partnermap-bench")
    ap.add_argument("--json", action="store_true", help="print one line of JSON")
    args = ap.parse_args(argv)
    args.db_dir.mkdir(parents=True, exist_ok=True)
    name = f"nation-{args.localities}x{args.orgs_per_locality}-{args.seed}.db"  # as bench_analytics
    store = build_store(args.db_dir / name, args.localities, args.orgs_per_locality, args.seed)
    past = dt.date.fromisoformat(args.as_of)
    now, then = Scope(), Scope(as_of=past)

    whole = read(store, now, dated=False)
    sizes = {
        "records": len(whole.nodes) + len(whole.relationships),
        "live_today": len(cut(whole, now).nodes) + len(cut(whole, now).relationships),
        "live_past": len(cut(whole, then).nodes) + len(cut(whole, then).relationships),
    }
    undated = _best(lambda: _report(store, now, dated=False), args.repeat)
    today = _best(lambda: _report(store, now, dated=True), args.repeat)
    before = _best(lambda: _report(store, then, dated=True), args.repeat)
    cut_only = _best(lambda: cut(whole, then), args.repeat)
    changes = _best(lambda: changes_report(store, past, now.as_of, now), 1)
    out = {
        "graph": {"localities": args.localities, "orgs_per_locality": args.orgs_per_locality,
                  **sizes},
        "seconds": {"undated": undated[0], "today": today[0], "past": before[0],
                    "cut_only": cut_only[0], "changes": changes[0]},
        "cpu_seconds": {"undated": undated[1], "today": today[1], "past": before[1],
                        "cut_only": cut_only[1], "changes": changes[1]},
        "ratio": {"today_vs_undated": today[0] / undated[0],
                  "past_vs_undated": before[0] / undated[0],
                  "past_vs_today": before[0] / today[0],
                  "changes_vs_today": changes[0] / today[0]},
        "peak_mb": peak_mb(),
    }  # fmt: skip
    store.close()
    if args.json:
        print(json.dumps(out))
        return
    g = out["graph"]
    print(
        f"nation: {g['localities']} localities x {g['orgs_per_locality']} organisations, "
        f"{g['records']} records ({g['live_today']} live today, {g['live_past']} on {past})"
    )
    for key in ("undated", "today", "past", "cut_only", "changes"):
        print(
            f"  {key:>9}: {out['seconds'][key]:7.2f} s wall, {out['cpu_seconds'][key]:7.2f} s CPU"
        )
    for key, value in out["ratio"].items():
        print(f"  {key}: {value:.2f}")
    print(f"  peak memory: {out['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
