"""A route class for the hottest read: its endpoint called without FastAPI's generic solver.

FastAPI solves every request's parameters and dependencies with a general
machine (caches, scopes, sub-dependencies, validation of each parameter) that
costs more than an entity GET's own work: a SQLite read and a kept body. A
:class:`PlainRoute` serves endpoints of one narrow shape, checked when the
route is made, by calling them directly:

- ``async def``, answering a :class:`~starlette.responses.Response` itself;
- path parameters that are plain ``str`` (no conversion, no constraint: the
  router's match is their value, as FastAPI would pass it);
- a ``request: Request`` parameter;
- exactly one dependency, an ``async`` function of the request alone (such as
  :func:`api.deps.get_read_access`, which checks the key and the role).

Everything else is as for any route: the OpenAPI schema is FastAPI's (made
from the same signature), errors raised by the dependency or the endpoint go
through the app's exception handlers, the middlewares run around it. A route
of any other shape is refused with :class:`TypeError` at start-up, so that a
parameter added later cannot be silently left unsolved.

Examples
--------
>>> from typing import Annotated
>>> from fastapi import APIRouter, FastAPI, Depends, Request, Response
>>> from fastapi.testclient import TestClient
>>> async def who(request: Request) -> str:
...     return request.headers.get("x-who", "nobody")
>>> async def hello(name: str, request: Request, caller: Annotated[str, Depends(who)]):
...     return Response(f"{caller} greets {name}")
>>> router = APIRouter()
>>> router.add_api_route("/hello/{name}", hello, methods=["GET"], route_class_override=PlainRoute)
>>> app = FastAPI()
>>> app.include_router(router)
>>> TestClient(app).get("/hello/dana", headers={"x-who": "avi"}).text
'avi greets dana'
>>> async def paged(name: str, request: Request, x: Annotated[str, Depends(who)], page: int = 1):
...     return Response("")
>>> router.add_api_route("/paged/{name}", paged, methods=["GET"], route_class_override=PlainRoute)
... # doctest: +ELLIPSIS
Traceback (most recent call last):
...
TypeError: PlainRoute /paged/{name}: only str path parameters, ... (it has query page)
"""

# No `from __future__ import annotations`: FastAPI reads the examples' signatures at run time.
import inspect
from collections.abc import Callable, Coroutine
from typing import Any

import fastapi.routing
from fastapi import Request, Response
from fastapi.routing import APIRoute

__all__ = ["PlainRoute"]


def _shape_error(route: APIRoute, why: str) -> TypeError:
    return TypeError(
        f"PlainRoute {route.path}: only str path parameters, the request and one dependency "
        f"of the request ({why})"
    )


class PlainRoute(APIRoute):
    """An :class:`~fastapi.routing.APIRoute` that calls its endpoint directly (see the module)."""

    def _effective_dependant(self) -> Any:
        """The dependant FastAPI would solve: an included route's carries its router's
        dependencies too (FastAPI hands it over in a context variable while it builds the
        route's handler for an ``include_router``)."""
        context = getattr(fastapi.routing, "_effective_route_context_var", None)
        effective = context.get() if context is not None else None
        if effective is not None and getattr(effective, "original_route", None) is self:
            return effective.dependant
        return self.dependant

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        dependant = self._effective_dependant()
        for kind in ("query", "header", "cookie", "body"):
            extra = getattr(dependant, f"{kind}_params")
            if extra:
                raise _shape_error(self, f"it has {kind} {', '.join(f.name for f in extra)}")
        for field in dependant.path_params:
            info = field.field_info
            if info.annotation is not str or info.metadata:
                raise _shape_error(self, f"path parameter {field.name} is not a plain str")
        if len(dependant.dependencies) != 1 or dependant.request_param_name is None:
            raise _shape_error(self, "it needs the request and exactly one dependency")
        (dependency,) = dependant.dependencies
        solve = dependency.call
        if (
            solve is None
            or not inspect.iscoroutinefunction(solve)
            or dependency.dependencies
            or dependency.path_params
            or dependency.query_params
            or dependency.header_params
            or dependency.cookie_params
            or dependency.body_params
            or dependency.request_param_name is None
            or dependency.name is None
        ):
            raise _shape_error(self, "its dependency must be an async function of the request")
        if not inspect.iscoroutinefunction(self.endpoint):
            raise _shape_error(self, "the endpoint must be async")
        endpoint = self.endpoint
        path_names = [(field.name, field.alias) for field in dependant.path_params]
        request_name, dependency_name = dependant.request_param_name, dependency.name

        async def handler(request: Request) -> Response:
            given = request.path_params
            values: dict[str, Any] = {name: given[alias] for name, alias in path_names}
            values[request_name] = request
            values[dependency_name] = await solve(request)
            response = await endpoint(**values)
            if not isinstance(response, Response):
                raise TypeError(f"PlainRoute {self.path}: the endpoint must answer a Response")
            return response

        return handler
