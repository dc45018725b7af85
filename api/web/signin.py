"""``GET /signin``, ``POST /signin`` and ``POST /signout``.

The sign-in form is protected like every other form: before there is a
session, ``GET /signin`` sets a random token in a short-lived cookie and
in the form, and ``POST /signin`` needs both to match (a site cannot sign
a visitor in under its own key). A valid key starts a session
(:mod:`api.web.sessions`); the cookie carries only the session's random id.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from api.auth import KeyStore
from api.throttle import FailedKeys
from api.web.pages import (
    SESSION_COOKIE,
    FormDep,
    current_lang,
    redirect,
    render,
    safe_next,
    set_cookie,
    signed_in,
)
from api.web.sessions import SessionStore, same_token
from api.web.text import t

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_FORM_COOKIE = "pm_signin"


def _form(
    request: Request, next_url: str, *, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "web/signin.html",
        title_key="signin_title",
        signin_token=token,
        next_url=next_url,
        error=error,
        status_code=status_code,
    )
    set_cookie(request, response, _FORM_COOKIE, token, max_age=3600)
    return response


@router.get("/signin", response_class=HTMLResponse, name="signin")
async def signin_page(request: Request, next: str | None = None) -> Response:
    target = safe_next(next)
    if await signed_in(request) is not None:
        return redirect(target)
    return _form(request, target)


@router.post("/signin", response_class=HTMLResponse)
async def signin(
    request: Request,
    key: Annotated[str, Form(max_length=500)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/web",
) -> Response:
    lang = current_lang(request)
    target = safe_next(next)
    if not same_token(csrf, request.cookies.get(_FORM_COOKIE, "")):
        return _form(request, target, error=t(lang, "signin_expired_form"), status_code=403)
    if not key.strip():
        return _form(request, target, error=t(lang, "signin_no_key"), status_code=400)
    failed: FailedKeys = request.app.state.failed_keys
    client = request.client.host if request.client else ""
    if wait := failed.wait(client):
        refused = _form(
            request, target, error=t(lang, "signin_wait", seconds=wait), status_code=429
        )
        refused.headers["Retry-After"] = str(wait)
        return refused
    keys: KeyStore = request.app.state.keys
    principal = await run_in_threadpool(keys.verify, key)
    if principal is None:
        failed.fail(client)
        return _form(request, target, error=t(lang, "signin_bad_key"), status_code=401)
    sessions: SessionStore = request.app.state.sessions
    cookie, _session = await run_in_threadpool(sessions.open, principal)
    response = redirect(target)
    set_cookie(request, response, SESSION_COOKIE, cookie)
    response.delete_cookie(_FORM_COOKIE, path="/")
    return response


@router.post("/signout")
async def signout(request: Request, form: FormDep) -> Response:
    user, _ = form
    sessions: SessionStore = request.app.state.sessions
    await run_in_threadpool(sessions.end, user.session)
    response = redirect("/signin")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
