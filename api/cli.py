"""The ``partnermap`` command line (Typer + Rich), SPEC section 5.

Exit status: 0 success, 1 the input was rejected (nothing written), 2 usage
error. ``--json`` prints machine-readable output on stdout and nothing else
there; messages and progress go to stderr.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from graph.errors import PartnermapError, StoreUnavailable
from graph.store import GraphStore, default_store_url, open_store, redact_url

__all__ = ["app", "main"]

app = typer.Typer(
    name="partnermap",
    help="Stakeholder network analysis for local authorities: import, analyse, map, serve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Human output and progress go to stderr so that ``--json`` keeps stdout clean.
err = Console(stderr=True)
out = Console()

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="PARTNERMAP_STORE",
        help="Store URL: sqlite:///path.db (default: a file in your data folder) or "
        "neo4j://user:password@host:7687.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


def store_from(url: str | None) -> GraphStore:
    """Open the store or exit 1 with a clear message."""
    try:
        return open_store(url or default_store_url())
    except StoreUnavailable as exc:
        fail(exc.message, code=1)


def print_json(data: Any) -> None:
    """Write JSON on stdout (UTF-8, Hebrew as is)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def fail(message: str, *, code: int = 1) -> NoReturn:
    # markup off: messages carry names from users' files
    err.print(f"error: {message}", style="bold red", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(code)


def describe_store(store: GraphStore) -> str:
    return redact_url(store.url)


# ---------------------------------------------------------------------------
# Commands. Each group of commands has its own section below.
# ---------------------------------------------------------------------------


# == data: import, stats, export, demo ======================================


# == synth ==================================================================


# == analyze ================================================================


# == serve, keys ============================================================

keys_app = typer.Typer(help="API keys for the HTTP API.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _api_settings(**values: Any) -> Any:
    """API settings from the environment and ``values``; exit 2 naming a bad one."""
    from pydantic import ValidationError

    from api.config import Settings

    try:
        return Settings(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            field = ".".join(str(p) for p in error["loc"])
            where = f"PARTNERMAP_{field.upper()}: " if field else ""
            problems.append(where + error["msg"].removeprefix("Value error, "))
        fail("bad settings: " + "; ".join(problems), code=2)


def serve_app(store_url: str, host: str, port: int, open_read: bool) -> None:
    """Serve the HTTP API (and maps) with uvicorn until interrupted.

    Open reading (no key needed for reads) is refused unless ``host`` is a
    loopback address; the settings check exits 2 with a message then.
    """
    import uvicorn

    from api.app import create_app

    settings = _api_settings(store=store_url, host=host, port=port, open_local_read=open_read)
    try:
        api = create_app(settings)
    except StoreUnavailable as exc:
        fail(exc.message, code=1)
    mode = "open local reading" if settings.open_local_read else "API keys required"
    err.print(
        f"partnermap API on http://{host}:{port}/docs ({mode}); store {redact_url(settings.store)}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    uvicorn.run(api, host=host, port=port, log_level="info", proxy_headers=False)


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to bind [default: 127.0.0.1].", show_default=False)
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on [default: 8000].", show_default=False)
    ] = None,
    store: StoreOpt = None,
    open_read: Annotated[
        bool,
        typer.Option("--open-read", help="Reads need no key (only on a loopback host)."),
    ] = False,
) -> None:
    """Serve the HTTP API under /api/v1 (docs at /docs).

    Unset options come from PARTNERMAP_HOST, PARTNERMAP_PORT, PARTNERMAP_STORE
    and PARTNERMAP_OPEN_LOCAL_READ.
    """
    settings = _api_settings(host=host, port=port, store=store, open_local_read=open_read or None)
    serve_app(settings.store, settings.host, settings.port, settings.open_local_read)


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option("--role", help="viewer, editor or admin.")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Make a new API key; it is printed once and only its hash is kept."""
    from api.auth import KeyStore, Role

    try:
        chosen = Role(role.strip().lower())
    except ValueError:
        fail(f"--role: {role!r} is not one of viewer, editor, admin", code=2)
    settings = _api_settings(store=store)
    try:
        keys = KeyStore(settings.resolved_keys_path())
    except StoreUnavailable as exc:
        fail(exc.message, code=1)
    new = keys.create(chosen)
    keys.close()
    if as_json:
        print_json({"key": new.secret, "role": new.role.value})
        return
    err.print(f"key {new.key_id} ({new.role.value}) stored in {keys.path}", highlight=False)
    err.print("Keep it now: it is not shown again.", highlight=False)
    out.print(new.secret, highlight=False, markup=False, soft_wrap=True)


# == map ====================================================================


# == migrate ================================================================


def main() -> None:
    """Console-script entry point: domain errors become a message and exit 1."""
    try:
        app()
    except PartnermapError as exc:
        err.print(f"error: {exc.message}", style="bold red", highlight=False, markup=False)
        sys.exit(1)
