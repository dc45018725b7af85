"""The one filter of every analysis, map and graph query: a :class:`graph.scope.Scope`.

Routes take a dependency from here instead of repeating the parameters:

* ``ScopeDep``: ``locality_id`` (optional, in the query), ``as_of`` and
  ``context``; ``LocalityScopeDep``: the same with ``locality_id`` in the
  path (``/maps/{id}``); ``OneLocalityDep``: ``locality_id`` required in the
  query and ``as_of`` (the analyses of one locality that take no context).
* ``LocalityDep`` and ``LocalityPathDep``: the locality alone, for routes
  whose dates are their own (``changes`` ``from``/``to``, ``health`` waves,
  exports that cut only when asked).

Each checks the locality once, here (:func:`checked_locality`): a key scoped
to localities gets 404 for any other one and its own locality when it names
none (see :func:`api.deps.get_access`); an id that is no locality is a 404
naming ``query locality_id`` or ``path locality_id``
(:func:`graph.scope.check_locality`). A bad ``as_of`` is a 422 naming
``query as_of``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Path, Query

from api.access import Access
from api.deps import AccessDep, StoreDep
from graph.scope import Scope, check_locality, parse_as_of
from graph.store.base import GraphStore

__all__ = [
    "AsOfParam",
    "ContextParam",
    "LocalityDep",
    "LocalityPathDep",
    "LocalityScopeDep",
    "OneLocalityDep",
    "ScopeDep",
    "as_of_query",
    "checked_locality",
    "locality_scope",
    "one_locality",
    "query_locality",
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


def checked_locality(
    access: Access, store: GraphStore, locality_id: str | None, where: str
) -> str | None:
    """The locality a request is about, checked once for every route (see the module)."""
    if access.scoped:
        return access.locality(store, locality_id, where)
    check_locality(store, locality_id, where)
    return locality_id


def query_locality(
    access: AccessDep,
    store: StoreDep,
    locality_id: Annotated[
        str | None, Query(description="One locality; default the whole graph.")
    ] = None,
) -> str | None:
    """``locality_id`` in the query, optional (``None``: the whole graph), checked."""
    return checked_locality(access, store, locality_id, "query locality_id")


def path_locality(
    access: AccessDep,
    store: StoreDep,
    locality_id: Annotated[str, Path(description="A locality's id.")],
) -> str:
    """``locality_id`` in the path, checked."""
    checked_locality(access, store, locality_id, "path locality_id")
    return locality_id


def required_locality(
    access: AccessDep,
    store: StoreDep,
    locality_id: Annotated[str, Query(description="The locality (its id).")],
) -> str:
    """``locality_id`` in the query, required, checked."""
    checked_locality(access, store, locality_id, "query locality_id")
    return locality_id


LocalityDep = Annotated[str | None, Depends(query_locality)]
LocalityPathDep = Annotated[str, Depends(path_locality)]


def query_scope(
    locality_id: LocalityDep, as_of: AsOfParam = None, context: ContextParam = "both"
) -> Scope:
    """The scope of a request that may name its locality in the query."""
    return Scope(locality_id, parse_as_of(as_of, "query as_of"), context)


def locality_scope(
    locality_id: LocalityPathDep, as_of: AsOfParam = None, context: ContextParam = "both"
) -> Scope:
    """The scope of a page of one locality (``/maps/{id}``, ``/dashboard/{id}``)."""
    return Scope(locality_id, parse_as_of(as_of, "query as_of"), context)


def one_locality(
    locality_id: Annotated[str, Depends(required_locality)], as_of: AsOfParam = None
) -> Scope:
    """The scope of an analysis of one locality named in the query (no context)."""
    return Scope(locality_id, parse_as_of(as_of, "query as_of"))


ScopeDep = Annotated[Scope, Depends(query_scope)]
LocalityScopeDep = Annotated[Scope, Depends(locality_scope)]
OneLocalityDep = Annotated[Scope, Depends(one_locality)]
