"""The one filter of every analysis, map and graph query: a :class:`graph.scope.Scope`.

Routes take ``ScopeDep`` (query ``locality_id``, ``as_of``, ``context``) or
``LocalityScopeDep`` (``locality_id`` in the path) instead of repeating the
three parameters; a bad ``as_of`` is a 422 naming ``query as_of``.

Both ask the caller's :class:`api.access.Access` about the locality: a key
scoped to localities gets 404 for any other one, and its own locality when it
names none (see :func:`api.deps.get_access`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Path, Query

from api.deps import AccessDep, StoreDep
from graph.scope import Scope, parse_as_of

__all__ = [
    "AsOfParam",
    "ContextParam",
    "LocalityScopeDep",
    "ScopeDep",
    "as_of_query",
    "locality_scope",
    "query_scope",
]

AsOfParam = Annotated[
    str | None,
    Query(
        description=(
            "See the graph as it was on this date (YYYY = 31 December, or YYYY-MM-DD); "
            "default today. What ended before it is not counted."
        ),
        max_length=10,
    ),
]
ContextParam = Annotated[
    Literal["both", "routine", "emergency"],
    Query(description="Keep ties of this context (and of both)."),
]


def as_of_query(text: str | None) -> str:
    """The ISO date a query's ``as_of`` means (today when empty), for cache keys and links."""
    return parse_as_of(text, "query as_of").isoformat()


def query_scope(
    access: AccessDep,
    store: StoreDep,
    locality_id: Annotated[
        str | None, Query(description="One locality; default the whole graph.")
    ] = None,
    as_of: AsOfParam = None,
    context: ContextParam = "both",
) -> Scope:
    """The scope of a request that names its locality in the query."""
    if access.scoped:
        locality_id = access.locality(store, locality_id, "query locality_id")
    return Scope(locality_id, parse_as_of(as_of, "query as_of"), context)


def locality_scope(
    access: AccessDep,
    store: StoreDep,
    locality_id: Annotated[str, Path(description="A locality's id.")],
    as_of: AsOfParam = None,
    context: ContextParam = "both",
) -> Scope:
    """The scope of a page of one locality (``/maps/{id}``, ``/dashboard/{id}``)."""
    if access.scoped:
        access.locality(store, locality_id, "path locality_id")
    return Scope(locality_id, parse_as_of(as_of, "query as_of"), context)


ScopeDep = Annotated[Scope, Depends(query_scope)]
LocalityScopeDep = Annotated[Scope, Depends(locality_scope)]
