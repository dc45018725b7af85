"""The ``partnermap`` command line (Typer + Rich), SPEC section 5.

Exit status: 0 success, 1 the input was rejected (nothing written), 2 usage
error. ``--json`` prints machine-readable output on stdout and nothing else
there; messages and progress go to stderr.

The commands live in :mod:`api.commands`, one module per group; this module
registers them on the shared :data:`app`, in the order ``--help`` lists them,
and is the console script's entry point (:func:`main`).
"""

from __future__ import annotations

import sys

from api.commands import (
    analyze,
    data,
    fund,
    maps,
    migrate,
    plan,
    readiness,
    report,
    serve,
    synth,
    time,
)
from api.commands.common import (
    JsonOpt,
    StoreOpt,
    app,
    describe_store,
    err,
    fail,
    out,
    print_json,
    store_from,
)
from api.commands.serve import serve_app
from graph.errors import PartnermapError

__all__ = [
    "JsonOpt",
    "StoreOpt",
    "app",
    "describe_store",
    "err",
    "fail",
    "main",
    "out",
    "print_json",
    "serve_app",
    "store_from",
]

# == data: import, stats, export, demo ======================================
app.command("import")(data.import_cmd)
app.command()(data.stats)
app.command()(data.export)
app.command()(data.demo)

# == synth ==================================================================
app.command()(synth.synth)

# == analyze ================================================================
app.command("analyze")(analyze.analyze_cmd)

# == plan ===================================================================
app.command("plan")(plan.plan_cmd)

# == readiness, path ========================================================
app.command("readiness")(readiness.readiness_cmd)

# == time: changes, health ===================================================
app.command("changes")(time.changes_cmd)
app.command("health")(time.health_cmd)
app.command("path")(readiness.path_cmd)

# == fund: compass, rank-localities =========================================
app.command("compass")(fund.compass_cmd)
app.command("rank-localities")(fund.rank_localities_cmd)

# == serve, keys ============================================================
app.command()(serve.serve)
serve.keys_app.command("create")(serve.keys_create)
serve.keys_app.command("list")(serve.keys_list)
serve.keys_app.command("revoke")(serve.keys_revoke)

# == map ====================================================================
app.command("map")(maps.map_cmd)

# == report =================================================================
app.command("report")(report.report_cmd)

# == migrate ================================================================
app.command()(migrate.migrate)

app.add_typer(serve.keys_app, name="keys")


def main() -> None:
    """Console-script entry point: domain errors become a message and exit 1."""
    try:
        app()
    except PartnermapError as exc:
        err.print(f"error: {exc.message}", style="bold red", highlight=False, markup=False)
        sys.exit(1)
