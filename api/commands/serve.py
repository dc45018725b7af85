"""``partnermap serve`` and ``partnermap keys``: the HTTP API and its keys."""

from __future__ import annotations

import errno
import os
import sqlite3
from typing import Annotated, Any

import typer

from api.auth import KeyStore
from api.commands.common import JsonOpt, StoreOpt, err, fail, out, print_json, store_from
from graph.errors import StoreUnavailable
from graph.hygiene import terminal_safe
from graph.store import redact_url

__all__ = [
    "ensure_port_free",
    "keys_app",
    "keys_create",
    "keys_list",
    "keys_revoke",
    "serve",
    "serve_app",
]

keys_app = typer.Typer(help="API keys for the HTTP API.", no_args_is_help=True)


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


def ensure_port_free(host: str, port: int) -> None:
    """Exit 2 with a clear message when ``host:port`` cannot be listened on.

    Checked before anything is printed or loaded, so a busy port never ends
    in uvicorn's own error after the addresses were announced.
    """
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        fail(f"--host: cannot listen on {host!r}: {exc.strerror or exc}", code=2)
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            reason = "it is already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            fail(
                f"--port: cannot listen on {host}:{port}: {reason}. "
                f"Stop the other server, or choose another port with --port.",
                code=2,
            )


def serve_app(store_url: str, host: str, port: int, open_read: bool, *, workers: int = 1) -> None:
    """Serve the HTTP API (and maps) with uvicorn until interrupted.

    Open reading (no key needed for reads) is refused unless ``host`` is a
    loopback address; the settings check exits 2 with a message then.
    With ``workers`` above 1, that many server processes share the port and
    the store: each builds the app from the same ``PARTNERMAP_*`` settings,
    and the store (not a lock in one process) keeps ids unique and refuses
    stale writes.
    """
    import uvicorn

    from api.app import create_app

    settings = _api_settings(store=store_url, host=host, port=port, open_local_read=open_read)
    try:
        api = create_app(settings)
    except StoreUnavailable as exc:
        fail(exc.message, code=1)
    mode = "open local reading" if settings.open_local_read else "API keys required"
    many = f", {workers} worker processes" if workers > 1 else ""
    err.print(
        f"partnermap API on http://{host}:{port}/docs ({mode}{many}); "
        f"store {redact_url(settings.store)}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    if workers <= 1:
        uvicorn.run(api, host=host, port=port, log_level="info", **_proxy(settings))
        return
    # The worker processes build their own app from the environment.
    os.environ.update(
        PARTNERMAP_STORE=settings.store,
        PARTNERMAP_HOST=host,
        PARTNERMAP_PORT=str(port),
        PARTNERMAP_OPEN_LOCAL_READ="true" if settings.open_local_read else "false",
    )
    if settings.keys_path is not None:
        os.environ["PARTNERMAP_KEYS_PATH"] = str(settings.keys_path)
    if settings.forwarded_allow_ips is not None:
        os.environ["PARTNERMAP_FORWARDED_ALLOW_IPS"] = settings.forwarded_allow_ips
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        **_proxy(settings),
    )


def _proxy(settings: Any) -> dict[str, Any]:
    """uvicorn's proxy options: trust ``X-Forwarded-For`` only from the configured proxies."""
    if settings.forwarded_allow_ips is None:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": settings.forwarded_allow_ips}


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
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Server processes sharing the port and the store (default 1).",
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API under /api/v1 (docs at /docs).

    Unset options come from PARTNERMAP_HOST, PARTNERMAP_PORT, PARTNERMAP_STORE
    and PARTNERMAP_OPEN_LOCAL_READ.
    """
    settings = _api_settings(host=host, port=port, store=store, open_local_read=open_read or None)
    ensure_port_free(settings.host, settings.port)
    args = (settings.store, settings.host, settings.port, settings.open_local_read)
    if workers > 1:
        serve_app(*args, workers=workers)
    else:
        serve_app(*args)


def _key_store(store: str | None) -> KeyStore:
    """The key file of ``store`` (as ``serve`` finds it), or exit 1 naming it."""
    settings = _api_settings(store=store)
    try:
        return KeyStore(settings.resolved_keys_path())
    except StoreUnavailable as exc:
        fail(exc.message, code=1)


def keys_create(
    role: Annotated[str, typer.Option("--role", help="viewer, editor or admin.")],
    locality: Annotated[
        list[str] | None,
        typer.Option(
            "--locality",
            help="Scope the key to this locality id (repeat for several): it reads and "
            "writes only what belongs to them, and reads national actors.",
            show_default=False,
        ),
    ] = None,
    personal_data: Annotated[
        bool,
        typer.Option(
            "--personal-data",
            help="The key may see personal data (role holders' names); admins always may.",
        ),
    ] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Make a new API key; it is printed once and only its hash is kept."""
    from api.auth import Role
    from graph.hygiene import id_problem

    try:
        chosen = Role(role.strip().lower())
    except ValueError:
        fail(f"--role: {role!r} is not one of viewer, editor, admin", code=2)
    scope = [loc.strip() for loc in locality or []]
    for loc in scope:
        problem = id_problem(loc) if loc else "a locality id may not be empty"
        if problem is not None:
            fail(f"--locality: {problem}", code=2)
    if scope:
        from graph.errors import NotFound
        from graph.scope import check_locality

        target = store_from(store)
        unknown = []
        try:
            for loc in scope:  # every unknown one named at once
                try:
                    check_locality(target, loc)
                except NotFound:
                    unknown.append(loc)
        finally:
            target.close()
        if unknown:
            fail(f"--locality: no locality with id {', '.join(map(repr, unknown))}", code=1)
    keys = _key_store(store)
    new = keys.create(chosen, localities=scope, personal_data=personal_data)
    keys.close()
    if as_json:
        print_json(
            {
                "key": new.secret,
                "role": new.role.value,
                "localities": list(new.localities),
                "personal_data": new.personal_data or new.role is Role.admin,
            }
        )
        return
    where = f" for {', '.join(new.localities)}" if new.localities else ""
    err.print(
        terminal_safe(f"key {new.key_id} ({new.role.value}{where}) stored in {keys.path}"),
        highlight=False,
        markup=False,
    )
    err.print("Keep it now: it is not shown again.", highlight=False)
    out.print(new.secret, highlight=False, markup=False, soft_wrap=True)


def keys_list(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """List the API keys: id, role, when made and when revoked (never the key itself)."""
    from rich.table import Table
    from rich.text import Text

    keys = _key_store(store)
    try:
        found = keys.keys()
    except StoreUnavailable as exc:
        fail(exc.message, code=1)
    finally:
        keys.close()
    if as_json:
        print_json([k.as_dict() for k in found])
        return
    table = Table(title=f"API keys in {keys.path} ({len(found)})", title_justify="left")
    for column in (
        "id",
        "starts with",
        "role",
        "localities",
        "personal data",
        "created",
        "revoked",
    ):
        table.add_column(column, overflow="fold")
    for k in found:
        # Text() cells: the key file is data, never Rich markup.
        table.add_row(
            Text(k.key_id),
            Text(k.prefix),
            Text(k.role),
            Text(terminal_safe(", ".join(k.localities)) or "all"),
            Text("yes" if k.as_dict()["personal_data"] else "no"),
            Text(k.created_at),
            Text(k.revoked_at or ""),
        )
    if not found:
        table.caption = "none yet: partnermap keys create --role viewer"
    out.print(table)


def keys_revoke(
    key_id: Annotated[
        str,
        typer.Argument(
            help="The key's id, as keys list shows it (pmk_<id>_ works too).", show_default=False
        ),
    ],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Revoke an API key: the API refuses it from now on (running servers too, at once)."""
    wanted = key_id.strip()
    if wanted.startswith("pmk_"):
        wanted = wanted.split("_", 2)[1]
    keys = _key_store(store)
    try:
        known = {k.key_id: k for k in keys.keys()}
        if wanted not in known:
            fail(
                f"KEY_ID: no key with id {key_id!r} in {keys.path.name} "
                "(partnermap keys list shows the ids)",
                code=1,
            )
        already = known[wanted].revoked_at is not None
        keys.revoke(wanted)
        info = next(k for k in keys.keys() if k.key_id == wanted)
    except (StoreUnavailable, sqlite3.Error) as exc:
        message = exc.message if isinstance(exc, StoreUnavailable) else str(exc)
        fail(f"cannot revoke the key in {keys.path.name}: {message}", code=1)
    finally:
        keys.close()
    if as_json:
        print_json({**info.as_dict(), "already_revoked": already})
        return
    if already:
        err.print(
            f"key {info.key_id} ({info.role}) was already revoked at {info.revoked_at}",
            highlight=False,
            markup=False,
        )
        return
    err.print(
        f"revoked key {info.key_id} ({info.role}); running servers refuse it from now on",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
