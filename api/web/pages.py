"""What every workbench page shares: the language, the signed-in user, CSRF checks, rendering.

A page asks for ``user: UserDep`` (a signed-in session, else a redirect to
``/signin``), or ``form: FormDep`` for a POST (the signed-in session plus
its form, refused with 403 unless the form carries the session's CSRF token
and any ``Origin`` header names this server). Templates are in
``viz/templates/web/`` and extend the maps' ``base.html``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.datastructures import FormData

from api.auth import KeyStore, Principal, Role
from api.web import text
from api.web.sessions import Session, SessionStore, same_token
from graph.errors import PartnermapError
from graph.vocabulary import LANGS, direction, pick_lang
from viz.maps import _asset, script_json

__all__ = [
    "LANG_COOKIE",
    "SESSION_COOKIE",
    "CsrfRefused",
    "FormDep",
    "SignInNeeded",
    "UserDep",
    "WebUser",
    "current_lang",
    "render",
    "safe_next",
    "set_cookie",
]

SESSION_COOKIE = "pm_session"
LANG_COOKIE = "pm_lang"


class SignInNeeded(Exception):
    """The page needs a signed-in session; answered with a redirect to ``/signin``."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRefused(PartnermapError):
    """A form without the session's CSRF token (or from another origin)."""

    status_code = 403


@dataclass(frozen=True, slots=True)
class WebUser:
    """The signed-in user of a page: the key's principal and the session."""

    principal: Principal
    session: Session

    @property
    def can_edit(self) -> bool:
        return self.principal.allows(Role.editor)

    @property
    def is_admin(self) -> bool:
        return self.principal.allows(Role.admin)


def current_lang(request: Request) -> str:
    """``?lang=`` if given, else the language cookie, else Hebrew."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return pick_lang(asked)


def safe_next(value: str | None, default: str = "/web") -> str:
    """A local path to go to after signing in; anything else (another site) gives ``default``.

    >>> safe_next("/api/v1/dashboard?lang=en"), safe_next("//evil.example/x"), safe_next("https://x")
    ('/api/v1/dashboard?lang=en', '/web', '/web')
    >>> safe_next("/\\\\evil"), safe_next(None)
    ('/web', '/web')
    """
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def set_cookie(request: Request, response: Response, name: str, value: str, **extra: Any) -> None:
    """A cookie that scripts cannot read, sent only to this site, and only over HTTPS when the
    page came over HTTPS."""
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
        **extra,
    )


def _sessions(request: Request) -> SessionStore:
    sessions: SessionStore = request.app.state.sessions
    return sessions


def _keys(request: Request) -> KeyStore:
    keys: KeyStore = request.app.state.keys
    return keys


def _lookup(request: Request) -> WebUser | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    sessions = _sessions(request)
    session = sessions.get(cookie)
    if session is None:
        return None
    principal = sessions.principal_of(session, _keys(request))
    return None if principal is None else WebUser(principal, session)


async def signed_in(request: Request) -> WebUser | None:
    """The session's user, or ``None`` (no cookie, expired, or its key revoked)."""
    if SESSION_COOKIE not in request.cookies:
        return None
    return await run_in_threadpool(_lookup, request)


async def _require_user(request: Request) -> WebUser:
    user = await signed_in(request)
    if user is None:
        target = request.url.path + ("?" + request.url.query if request.url.query else "")
        raise SignInNeeded(target if request.method == "GET" else "/web")
    request.state.principal = user.principal
    return user


def _same_origin(request: Request) -> bool:
    """No ``Origin`` header, or this server's. Pages say ``no-referrer``, under which browsers
    send ``Origin: null`` for their own forms; the token is the defence there."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    parts = urlsplit(origin)
    return parts.netloc == request.url.netloc


async def _checked_form(
    request: Request, user: Annotated[WebUser, Depends(_require_user)]
) -> tuple[WebUser, FormData]:
    form = await request.form()
    token = form.get("csrf")
    if not _same_origin(request) or not same_token(
        token if isinstance(token, str) else None, user.session.csrf
    ):
        raise CsrfRefused(text.t(current_lang(request), "csrf_refused"))
    return user, form


UserDep = Annotated[WebUser, Depends(_require_user)]
FormDep = Annotated[tuple[WebUser, FormData], Depends(_checked_form)]


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("viz", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset"] = lambda name: Markup(_asset(name))  # noqa: S704 - our own files
    env.globals["script_json"] = script_json
    return env


def render(
    request: Request,
    template: str,
    *,
    title_key: str = "app_name",
    title: str | None = None,
    user: WebUser | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A workbench page in the request's language, with the user's bar and CSRF token."""
    lang = current_lang(request)
    languages = []
    for code in LANGS:
        query = {**request.query_params, "lang": code}
        url = request.url.path + "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query.items())
        languages.append({"code": code, "url": url, "name": text.t(code, f"lang_{code}")})

    def tr(key: str, **values: object) -> str:
        return text.t(lang, key, **values)

    page_title = title if title is not None else tr(title_key)
    html = (
        _env()
        .get_template(template)
        .render(
            lang=lang,
            dir=direction(lang),
            t=tr,
            field_label=lambda name: text.field_label(lang, name),
            resource_label=lambda path: text.resource_label(lang, path),
            enum_label=lambda kind, value, field="": text.enum_label(lang, kind, value, field),
            title=page_title,
            links={},
            languages=languages,
            user=user,
            csrf=user.session.csrf if user else "",
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    if "lang" in request.query_params:
        response.set_cookie(LANG_COOKIE, lang, samesite="strict", path="/", max_age=365 * 86400)
    return response


def redirect(url: str) -> RedirectResponse:
    """After a POST, go to ``url`` with a GET (303)."""
    return RedirectResponse(url, status_code=303)
