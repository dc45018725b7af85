"""FastAPI dependencies as ``Annotated`` aliases.

Routes declare what they need by type: ``store: StoreDep`` for the graph,
``who: ViewerDep`` for any read, ``who: EditorDep`` for writes and
``who: AdminDep`` for the audit trail, and ``access: AccessDep`` for what
the caller may see: the :class:`api.access.Access` of its key (the localities
it is scoped to, and whether it sees personal data). Every route that reads
or writes graph data, new ones too, goes through ``AccessDep`` (see
:func:`get_access`). The app factory puts the store,
settings and key store on ``app.state``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security import APIKeyHeader, HTTPBearer

from api.access import Access
from api.auth import KeyStore, Principal, Role
from api.config import Settings, is_loopback
from api.throttle import FailedKeys
from graph.store.base import GraphStore

__all__ = [
    "AccessDep",
    "AdminDep",
    "EditorDep",
    "KeyStoreDep",
    "ReadAccessDep",
    "SettingsDep",
    "StoreDep",
    "ViewerDep",
    "document_security",
    "get_access",
    "get_keys",
    "get_principal",
    "get_read_access",
    "get_settings",
    "get_store",
    "require",
]

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <key>`")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key")


# The dependencies are ``async``: they do no blocking work (key checks that need
# the key file go to a worker thread), and sync ones would each cost a thread hop.
async def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_keys(request: Request) -> KeyStore:
    keys: KeyStore = request.app.state.keys
    return keys


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
KeyStoreDep = Annotated[KeyStore, Depends(get_keys)]

_OPEN_READER = Principal(None, Role.viewer)


def _client_is_local(request: Request) -> bool:
    host = request.client.host if request.client else None
    if host is None:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # not an address (a Unix socket, the test client)
        return True


async def _session_principal(request: Request) -> Principal | None:
    """A browser session's principal, through the hook :mod:`api.web` installs (reads only)."""
    resolve = getattr(request.app.state, "session_principal", None)
    if resolve is None:
        return None
    principal: Principal | None = await resolve(request)
    return principal


def _host_is_local(request: Request) -> bool:
    """Whether the request's ``Host`` names this machine (``127.0.0.1:8000``, ``[::1]``).

    Starlette's in-process test client (whose client is ``testclient``, never an
    address a socket has) addresses ``testserver``, and is let through as local.
    """
    if request.client is not None and request.client.host == "testclient":
        return True
    host = request.headers.get("host", "").strip().lower()
    if host.startswith("["):
        name = host[1 : host.find("]")] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return bool(name) and is_loopback(name)


async def get_principal(request: Request) -> Principal:
    """The caller, from ``Authorization: Bearer`` or ``X-API-Key``, else a browser session
    (reads only); 401 if none is valid.

    It takes only the request (the settings, the key file and the two key headers
    are read here, through the same FastAPI security classes): every dependency
    FastAPI solves costs tens of microseconds on each request. The OpenAPI schema
    still names both ways to send a key (see :func:`document_security`).
    """
    settings: Settings = request.app.state.settings
    keys: KeyStore = request.app.state.keys
    bearer = await _bearer(request)
    api_key = await _api_key(request) if bearer is None else None
    presented = bearer.credentials if bearer is not None else api_key
    if presented:
        failed: FailedKeys = request.app.state.failed_keys
        client = request.client.host if request.client else ""
        if wait := failed.wait(client):
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                f"too many wrong keys from this address; try again in {wait} s",
                headers={"Retry-After": str(wait)},
            )
        # One indexed read of the key file on this thread: cheaper than a hop to a
        # worker, and it sees a revocation made a moment ago, by any process.
        principal = keys.verify(presented)
        if principal is None:
            failed.fail(client)
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "the API key is not valid",
                headers={"WWW-Authenticate": "Bearer"},
            )
    elif (session := await _session_principal(request)) is not None:
        principal = session
    elif settings.open_local_read and _client_is_local(request):
        if not _host_is_local(request):
            # A page on another site that had its name resolve to 127.0.0.1 (DNS
            # rebinding) sends its own name as Host: it gets nothing.
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST,
                "open reading answers only requests addressed to 127.0.0.1, localhost "
                "or [::1] (the Host header)",
            )
        principal = _OPEN_READER
    else:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "an API key is needed: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.state.principal = principal
    return principal


def _allow(principal: Principal, role: Role) -> Principal:
    """``principal`` when its role is at least ``role``; else 401 (open reading) or 403."""
    if not principal.allows(role) and principal.key_id is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            f"this needs an API key with the {role.value} role (only reading is open)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not principal.allows(role):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"this needs a key with the {role.value} role; yours is {principal.role.value}",
        )
    return principal


def require(role: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through callers whose role is at least ``role`` (else 403)."""

    async def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        return _allow(principal, role)

    return check


ViewerDep = Annotated[Principal, Depends(require(Role.viewer))]
EditorDep = Annotated[Principal, Depends(require(Role.editor))]
AdminDep = Annotated[Principal, Depends(require(Role.admin))]


def _access(request: Request, principal: Principal) -> Access:
    return Access(
        localities=principal.localities,
        personal_data=principal.sees_personal_data,
        request=request,
    )


async def get_access(
    request: Request, principal: Annotated[Principal, Depends(get_principal)]
) -> Access:
    """What the caller may see and change: ONE check, in one place, for every route.

    Declare ``access: AccessDep`` beside the route's role dependency and ask it:
    ``access.locality(store, locality_id, "query locality_id")`` for a locality
    parameter (404 outside a scoped key's localities, its only one when none is
    named), ``access.check_read`` / ``access.visible`` / ``access.visible_relationships``
    for nodes and relationships sent, ``access.check_write`` before a write, and
    ``access.public`` / ``access.public_graph`` on what is sent (personal data only
    for keys with the ``personal_data`` permission; their reads are audited).
    See :mod:`api.access`.
    """
    return _access(request, principal)


AccessDep = Annotated[Access, Depends(get_access)]


async def get_read_access(request: Request) -> Access:
    """``ViewerDep`` and ``AccessDep`` in one dependency, for the hottest reads.

    The same checks (the caller by :func:`get_principal`, at least the viewer
    role, its :class:`~api.access.Access`), solved by FastAPI as one dependency
    instead of three: an entity GET pays for each one it declares.
    """
    return _access(request, _allow(await get_principal(request), Role.viewer))


ReadAccessDep = Annotated[Access, Depends(get_read_access)]


def _asks_for_a_key(dependant: Any) -> bool:
    """Whether a route's dependency tree identifies the caller (by :func:`get_principal`)."""
    if dependant.call in (get_principal, get_read_access):
        return True
    return any(_asks_for_a_key(sub) for sub in dependant.dependencies)


def document_security(app: FastAPI) -> None:
    """Name the two ways to send a key in the OpenAPI schema of every route that needs one.

    :func:`get_principal` reads the key headers itself (FastAPI would solve each
    security class as a dependency of its own, on every request), so FastAPI
    no longer sees them: this puts back what it wrote before, the security
    schemes (``HTTPBearer``, ``APIKeyHeader``) and each operation's
    ``security``, so that ``/docs`` still offers "Authorize".
    """
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        schema = plain()  # FastAPI's own, made again only when the routes changed
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        wanted: list[dict[str, list[str]]] = []
        for scheme in (_bearer, _api_key):
            schemes[scheme.scheme_name] = jsonable_encoder(
                scheme.model, by_alias=True, exclude_none=True
            )
            wanted.append({scheme.scheme_name: []})
        for route in iter_route_contexts(app.routes):
            if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
                continue
            if not _asks_for_a_key(route.dependant):
                continue
            item = schema.get("paths", {}).get(route.path_format, {})
            for method in route.methods or ():
                operation = item.get(method.lower())
                if operation is not None:
                    operation["security"] = [dict(w) for w in wanted]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
