"""The workbench: HTML for people beside the JSON for programs (SPEC section 10).

Sign-in and sessions (:mod:`api.web.signin`, :mod:`api.web.sessions`),
editing forms driven by the models (:mod:`api.web.edit`), uploads with a
dry run first (:mod:`api.web.upload`) and the change log with undo
(:mod:`api.web.audit`). :func:`install` adds them to the API app:

- the routes (``/signin``, ``/signout``, ``/web/...``);
- ``app.state.sessions``, and ``app.state.session_principal``, the hook
  :func:`api.deps.get_principal` calls so that pages and ``/api/v1`` reads
  accept a session cookie (never writes: those need a key, or a workbench
  form with its CSRF token);
- a handler that sends a browser (``Accept: text/html``) asking for an HTML
  page of a keyed server to ``/signin`` instead of answering JSON 401, and
  shows a browser a page, not JSON, when what it asked for does not exist.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import Principal
from api.web import audit, edit, signin, upload
from api.web.changes import ChangeLog
from api.web.pages import CsrfRefused, SignInNeeded, current_lang, render, signed_in
from api.web.sessions import SessionStore
from api.web.text import t as pages_t
from graph.errors import NotFound

__all__ = ["install", "session_principal"]

_READS = frozenset({"GET", "HEAD"})


async def session_principal(request: Request) -> Principal | None:
    """The principal of the request's session cookie, for reads only (else ``None``)."""
    if request.method not in _READS:
        return None
    user = await signed_in(request)
    return None if user is None else user.principal


def _is_page(request: Request) -> bool:
    """An HTML route asked for by a browser (programs, which do not ask for HTML, get 401)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or request.method not in _READS:
        return False
    if "text/html" not in request.headers.get("accept", ""):
        return False
    response_class = getattr(route.response_class, "value", route.response_class)
    return isinstance(response_class, type) and issubclass(response_class, HTMLResponse)


def _browser_asks_page(request: Request) -> bool:
    """A browser asking for an HTML page, or for a path that matches no route at all."""
    if request.scope.get("route") is None:
        wants = request.method in _READS and "text/html" in request.headers.get("accept", "")
        return wants
    return _is_page(request)


def _not_found_page(request: Request, detail: str = "") -> Response:
    return render(
        request,
        "web/message.html",
        title_key="not_found_title",
        message=pages_t(current_lang(request), "page_not_found"),
        detail=detail,
        dashboards=True,
        status_code=404,
        lang_hint=current_lang(request),
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 401 and _is_page(request):
        target = request.url.path + ("?" + request.url.query if request.url.query else "")
        return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
    if exc.status_code == 404 and _browser_asks_page(request):
        return _not_found_page(request)
    return await http_exception_handler(request, exc)


async def _not_found(request: Request, exc: Exception) -> Response:
    """An unknown locality or record: a page for a browser on an HTML route, else JSON."""
    assert isinstance(exc, NotFound)
    if _is_page(request):
        return _not_found_page(request, exc.message)
    return JSONResponse({"detail": exc.message}, status_code=exc.status_code)


async def _sign_in_needed(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInNeeded)
    return RedirectResponse(f"/signin?next={quote(exc.next_url, safe='')}", status_code=303)


async def _csrf_refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CsrfRefused)
    return render(
        request,
        "web/message.html",
        title_key="app_name",
        message=exc.message,
        status_code=403,
        lang_hint=current_lang(request),
    )


def install(app: FastAPI) -> None:
    """Add the workbench to an app made by :func:`api.app.create_app`."""
    keys_path = app.state.settings.resolved_keys_path()
    web_db = keys_path.with_name(keys_path.stem + ".web.sqlite3")
    app.state.sessions = SessionStore(web_db)
    app.state.changes = ChangeLog(web_db)
    app.state.session_principal = session_principal
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(SignInNeeded, _sign_in_needed)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    for module in (signin, upload, audit, edit):  # edit's /web/{path} last
        app.include_router(module.router)
