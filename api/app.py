"""The FastAPI application factory.

:func:`create_app` wires settings, the graph store, the key store, the
routers under ``/api/v1``, the error handlers (every
:class:`~graph.errors.PartnermapError` becomes its ``status_code`` with
``{"detail": message}``, anything unexpected a bare 500) and two ASGI
middlewares: :class:`BodyLimit` (413 before a too-large body is read) and
:class:`AuditTrail` (every write, allowed or not, is recorded).

Examples
--------
>>> import tempfile, os
>>> from fastapi.testclient import TestClient
>>> folder = tempfile.mkdtemp()
>>> app = create_app(Settings(store=f"sqlite:///{folder}/g.db"))
>>> with TestClient(app) as client:
...     client.get("/healthz").json(), client.get("/api/v1/localities").status_code
({'status': 'ok'}, 401)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import ValidationError
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import web
from api.auth import KeyStore, Principal
from api.config import Settings
from api.csp import ContentSecurityPolicy
from api.deps import document_security
from api.routes import (
    analysis,
    audit,
    edges,
    export,
    fund,
    glossary,
    graph,
    health,
    imports,
    maps,
    nodes,
    plan,
    readiness,
    reports,
    time,
)
from api.schemas import error_responses
from api.throttle import FailedKeys
from graph.analytics.selection import load_rubric
from graph.errors import PartnermapError
from graph.hygiene import dumps_finite
from graph.store import open_store
from graph.store.base import GraphStore

__all__ = ["API_PREFIX", "AuditTrail", "BodyLimit", "create_app"]

API_PREFIX = "/api/v1"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The largest JSON body a resource write accepts (uploads have their own limit).
_MAX_JSON_BYTES = 1024 * 1024

log = logging.getLogger("partnermap.api")


async def _send_json(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Answer 413 when a request body is too large: by its ``Content-Length``
    before reading anything, or by counting as it streams in.
    """

    def __init__(self, app: ASGIApp, *, upload_limit: int, json_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit
        self.json_limit = json_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WRITES:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.upload_limit if path.rstrip("/").endswith("/imports") else self.json_limit
        body = (
            b'{"detail":"the request body is larger than this server accepts (%d bytes)"}' % limit
        )
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _send_json(send, 400, b'{"detail":"Content-Length is not a number"}')
                    return
                if declared > limit:
                    await _send_json(send, 413, body)
                    return
        seen = 0
        too_large = False
        started = False

        async def counted_receive() -> Message:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large:
                return  # the app's answer to a cut-off body is replaced by 413 below
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await _send_json(send, 413, body)


class AuditTrail:
    """Record every write under ``/api/v1``: who, when, method, path, ids and status;
    and every read that showed personal data (a role's holder): who read which ids.

    A write's row is made *before* the write runs (status 0, "under way") and
    completed after it: when the row cannot be made (a full disk, a broken key
    file), the write is refused with 507 or 503 and nothing is changed, so no
    write ever lands without its row.
    """

    def __init__(self, app: ASGIApp, *, keys: KeyStore) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        if scope["method"] not in _WRITES:
            await self._read(scope, receive, send)
            return
        try:
            seq = await anyio.to_thread.run_sync(
                self.keys.record, None, scope["method"], scope["path"], [], 0
            )
        except PartnermapError as exc:
            log.error("cannot write the audit trail: %s", exc.message)
            body = {
                "detail": f"the audit trail cannot be written, so nothing was changed: "
                f"{exc.message}"
            }
            await _send_json(send, exc.status_code, dumps_finite(body).encode("utf-8"))
            return
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            state: dict[str, Any] = scope.get("state") or {}
            principal: Principal | None = state.get("principal")
            ids = [str(i) for i in state.get("audit_ids", [])]
            try:
                await anyio.to_thread.run_sync(self.keys.finish, seq, principal, ids, status)
            except PartnermapError:  # the row stays "under way"; the answer must not be hidden
                log.exception("cannot complete the audit trail row %s", seq)

    async def _read(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, send_status)
        state: dict[str, Any] = scope.get("state") or {}
        personal: list[str] = state.get("personal_read") or []
        if personal and status < 400:
            ids = sorted(set(personal))
            try:
                await anyio.to_thread.run_sync(
                    self.keys.record,
                    state.get("principal"),
                    scope["method"],
                    scope["path"],
                    ids,
                    status,
                )
            except PartnermapError:
                log.exception("cannot record a read of personal data")


def _error_handlers(app: FastAPI) -> None:
    """Domain errors to HTTP status, in one place."""

    async def domain_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, PartnermapError)
        if exc.status_code >= 500:
            log.warning("%s %s: %s", request.method, request.url.path, exc.message)
        return JSONResponse({"detail": exc.message}, status_code=exc.status_code)

    async def model_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ValidationError)
        errors = [
            {"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_context=False, include_input=False)
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    async def request_error(request: Request, exc: Exception) -> JSONResponse:
        # FastAPI's own handler echoes the input back, and a NaN in it made the
        # answer itself fail (a 500 and a reset connection): leave the input out.
        assert isinstance(exc, RequestValidationError)
        errors = []
        for e in exc.errors():
            if e.get("type") == "string_unicode":  # a lone surrogate from a \ud800 escape
                where = ".".join(str(part) for part in e.get("loc", ()))
                return JSONResponse(
                    {"detail": f"{where}: the request holds text that is not valid Unicode"},
                    status_code=400,
                )
            loc = [str(part) for part in e.get("loc", ())]
            msg = str(e.get("msg", ""))
            head, sep, _ = msg.partition(": ")
            if sep and e.get("type") in {"finite_number", "id_chars"} and head.isidentifier():
                loc.append(head)  # a whole-body rule that names its field
            errors.append({"loc": loc, "msg": msg, "type": str(e.get("type", ""))})
        return JSONResponse({"detail": errors}, status_code=422)

    async def bad_text(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            {"detail": "the request holds text that is not valid Unicode"}, status_code=400
        )

    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    async def method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
        # Starlette names only the first route's methods; list every route's at this path.
        methods: set[str] = set()
        for route in request.app.router.routes:
            match, _ = route.matches(request.scope)
            if match != Match.NONE:
                methods |= set(getattr(route, "methods", None) or ())
        allow = ", ".join(sorted(methods))
        return JSONResponse(
            {"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": allow}
        )

    app.add_exception_handler(405, method_not_allowed)
    app.add_exception_handler(PartnermapError, domain_error)
    app.add_exception_handler(ValidationError, model_error)
    app.add_exception_handler(RequestValidationError, request_error)
    app.add_exception_handler(UnicodeError, bad_text)
    app.add_exception_handler(Exception, internal)


def _offline_docs(app: FastAPI) -> None:
    """Swagger UI from the ``fastapi-offline`` package's assets, and ``/`` to the dashboards.

    Its Swagger UI 5 renders OpenAPI 3.1, which FastAPI writes.
    """
    import fastapi_offline
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse, RedirectResponse
    from fastapi.staticfiles import StaticFiles

    app.mount(
        "/static/swagger",
        StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"),
        name="swagger",
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="partnermap API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon.png",
        )

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse(f"{API_PREFIX}/dashboard")


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The partnermap API.

    Parameters
    ----------
    settings : Settings, optional
        Default: read from ``PARTNERMAP_*`` environment variables (and checked).
    store : GraphStore, optional
        Default: opened from ``settings.store`` and closed on shutdown.

    Returns
    -------
    FastAPI
        Routes under ``/api/v1``, plus ``/healthz`` and ``/readyz``.
    """
    settings = settings or Settings()
    owned = store is None
    store = store or open_store(settings.store)
    keys = KeyStore(settings.resolved_keys_path())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        keys.close()
        if owned:
            store.close()

    app = FastAPI(
        title="partnermap",
        version="0.1.0",
        description="Stakeholder network analysis for local authorities. "
        "Send an API key as `Authorization: Bearer <key>` or `X-API-Key`.",
        lifespan=lifespan,
        # Served from the package below, not from a CDN: the tool must work offline.
        docs_url=None,
        redoc_url=None,
    )
    _offline_docs(app)
    app.state.settings = settings
    app.state.store = store
    app.state.keys = keys
    app.state.failed_keys = FailedKeys(shared=keys)  # counted across processes on the key file
    app.state.write_lock = threading.Lock()
    app.state.report_cache = analysis.ReportCache(settings.analysis_cache_size)
    app.state.network_cache = graph.NetworkCache(max(2, settings.analysis_cache_size // 2))
    # Read once, at start: a malformed rubric stops the server with the file and line.
    app.state.rubric = load_rubric(settings.rubric.expanduser() if settings.rubric else None)

    _error_handlers(app)
    app.add_middleware(
        BodyLimit, upload_limit=settings.max_upload_bytes, json_limit=_MAX_JSON_BYTES
    )
    # Outermost, so that a write refused for its size is in the trail with its 413.
    app.add_middleware(AuditTrail, keys=keys)
    app.add_middleware(ContentSecurityPolicy)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )

    reads = error_responses(400, 401, 403, 404, 422, 503)
    writes = error_responses(400, 401, 403, 404, 409, 413, 422, 503)
    app.include_router(health.router, responses=error_responses(503))
    app.include_router(health.router, prefix=API_PREFIX, include_in_schema=False)
    for router in (*nodes.routers, *edges.routers, imports.router):
        app.include_router(router, prefix=API_PREFIX, responses=writes)
    for module in (
        graph,
        analysis,
        export,
        audit,
        reports,
        readiness,
        plan,
        fund,
        glossary,
        time,
    ):
        app.include_router(module.router, prefix=API_PREFIX, responses=reads)
    web.install(app)
    app.include_router(maps.router, prefix=API_PREFIX, responses=reads)
    document_security(app)
    # FastAPI builds an included route's handler on its first request; build them all now,
    # so that a route that cannot be served (a PlainRoute of another shape) fails at start-up.
    for _route in iter_route_contexts(app.routes):
        pass
    return app
