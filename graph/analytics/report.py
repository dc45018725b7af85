"""The whole analysis of a scope: SPEC section 3's JSON object.

:func:`analysis_report` reads the scope once (:func:`graph.scope.read`: the
locality's part of the graph as of the scope's date), builds the actor
network once, and runs every finding on it: duplicated
interventions, isolated actors, cross-sector bridges, leverage points and
the metrics. It is what ``partnermap analyze --json`` prints and what
``GET /api/v1/analysis`` returns.

A finding that fails raises: a broken module never turns into an empty list.
"""

from __future__ import annotations

import copy
import gc
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.analytics.bridges import find_bridges, split_bridges
from graph.analytics.duplicates import duplicate_groups, find_duplicates
from graph.analytics.isolates import find_isolates
from graph.analytics.leverage import find_leverage
from graph.analytics.metrics import scope_metrics
from graph.errors import ValidationFailed
from graph.network import build_network, gc_paused, same_network_records
from graph.scope import Scope, read
from graph.store.base import GraphStore, Subgraph

__all__ = [
    "FREEZE_TIES",
    "SECTIONS",
    "WARM_SIZE",
    "analysis_report",
    "forget_bridges",
    "forget_networks",
    "report_from",
    "warm_network",
]

SECTIONS = ("duplicates", "isolates", "bridges", "leverage", "metrics")

#: How many scopes' networks :func:`warm_network` keeps (the last ones used).
WARM_SIZE = 2

#: A kept network with at least this many ties is frozen out of the cycle collector.
FREEZE_TIES = 50_000

_Key = tuple["weakref.ref[GraphStore]", str, Scope]
_WARM: OrderedDict[_Key, tuple[Subgraph, nx.Graph]] = OrderedDict()
_WARM_LOCK = threading.Lock()
#: Whether objects were frozen (:func:`gc.freeze`) for a network kept in ``_WARM``.
_FROZEN = False
#: find_bridges of kept networks, by seed (see :func:`_bridges_of`).
_BRIDGES: weakref.WeakKeyDictionary[nx.Graph, dict[int, list[dict[str, Any]]]] = (
    weakref.WeakKeyDictionary()
)


def _thaw(dropped: list[tuple[_Key, tuple[Subgraph, nx.Graph]]]) -> None:
    """Let ``dropped`` networks go; if objects were frozen, unfreeze, and collect if needed.

    Collecting right after the unfreeze (one full collection, about 0.5 s with the
    nation's network kept) reclaims the cycles that formed among frozen objects, the
    dropped network's NetworkX views among them, so nothing stays stuck when the next
    big network freezes everything again. A dropped network that is still kept under
    a newer version (:func:`_unchanged_network`) leaves nothing to reclaim: its
    subgraph holds no cycle, so no collection then.
    """
    global _FROZEN
    if not _FROZEN:
        dropped.clear()
        return
    gc.unfreeze()
    _FROZEN = False
    kept = {id(G) for _, G in _WARM.values()}
    reclaim = any(id(G) not in kept for _, (_, G) in dropped)
    dropped.clear()
    if reclaim:
        gc.collect()


def _keep(key: _Key, entry: tuple[Subgraph, nx.Graph]) -> None:
    """Keep ``entry`` under ``key`` (the caller holds ``_WARM_LOCK``), dropping the oldest.

    A big network (:data:`FREEZE_TIES`) is frozen out of the cycle collector
    (:func:`gc.freeze`) while it is kept: the network and its subgraph are over a
    million containers without a cycle worth collecting, and the collector would
    scan them all again and again (on the synthetic nation about 0.6 s for the
    first scan of a new network and as much for the next generation's, each after
    the analysis paused it). Freezing is global: everything alive at that moment
    is left out of cycle collection (reference counting still frees it) until a
    kept network is dropped, which unfreezes everything and collects once
    (:func:`_thaw`).
    """
    global _FROZEN
    _WARM[key] = entry
    dropped = []
    while len(_WARM) > WARM_SIZE:
        dropped.append(_WARM.popitem(last=False))
    _thaw(dropped)
    if entry[1].number_of_edges() >= FREEZE_TIES:
        gc.freeze()
        _FROZEN = True


def warm_network(store: GraphStore, scope: Scope) -> tuple[str, Subgraph, nx.Graph]:
    """The store's version, and the subgraph and actor network ``scope`` sees of it.

    The last :data:`WARM_SIZE` networks are kept by store, graph version and
    scope (place, date, context): analysing the same scope again at the same
    version reads and builds nothing (on the whole synthetic nation that is
    about a third of the analysis). Any write changes the version; the scope
    is then read again, and the network is built again unless the write left
    every record it is built from as it was (:func:`_unchanged_network`: then
    the kept network is used again). Older networks drop out as newer ones
    come in (so does the network of a store that is gone). The network and the
    subgraph are shared: treat them as read-only.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from graph.model import NodeRecord
    >>> from graph.store.sqlite import SQLiteStore
    >>> store = SQLiteStore(pathlib.Path(tempfile.mkdtemp()) / "g.db")
    >>> _ = store.write([NodeRecord("Organization", "a", {"name": "א"})])
    >>> v1, _, G1 = warm_network(store, Scope())
    >>> warm_network(store, Scope())[2] is G1
    True
    >>> _ = store.write([NodeRecord("Organization", "b", {"name": "ב"})])
    >>> v2, _, G2 = warm_network(store, Scope())
    >>> v2 != v1, sorted(G2)
    (True, ['a', 'b'])
    >>> store.close()
    """
    version = store.graph_version()
    try:
        key: _Key | None = (weakref.ref(store), version, scope)
    except TypeError:  # a store that cannot be weakly referenced is not kept
        key = None
    if key is not None:
        with _WARM_LOCK:
            hit = _WARM.get(key)
            if hit is not None:
                _WARM.move_to_end(key)
                return version, hit[0], hit[1]
    subgraph = read(store, scope)
    G = _unchanged_network(store, version, scope, subgraph)
    if G is None:
        G = build_network(
            subgraph,
            locality_id=scope.locality_id,
            cluster_id=scope.cluster_id,
            context=scope.context,
        )
    if key is not None and store.graph_version() == version:  # no write while we read
        with _WARM_LOCK:
            _keep(key, (subgraph, G))
    return version, subgraph, G


def _unchanged_network(
    store: GraphStore, version: str, scope: Scope, subgraph: Subgraph
) -> nx.Graph | None:
    """The kept network of ``scope`` at an older version when the change left it as it was.

    A write that touched none of the records the network is built from (a goal,
    a need, a survey answer: :func:`graph.network.same_network_records`) gives
    the same network; the newest such kept network is used again instead of
    building it (1.3 s of CPU on the synthetic nation; comparing the records
    costs about a tenth of that). Any doubt (another scope, other records) builds.
    """
    with _WARM_LOCK:
        kept = [
            entry
            for (ref, at, seen), entry in reversed(_WARM.items())
            if ref() is store and seen == scope and at != version
        ]
    for old_subgraph, G in kept:
        if same_network_records(old_subgraph, subgraph):
            return G
    return None


def _bridges_of(G: nx.Graph, seed: int) -> list[dict[str, Any]]:
    """:func:`find_bridges` of ``G``, worked out once per kept network and seed.

    Only a network :func:`warm_network` keeps (read-only while kept) is
    remembered; it keeps the result while it lives, also when a write left it as it
    was and it is kept again under the newer version, so the betweenness (about 2 s
    of the nation's analysis) is not worked out again then. Every caller gets
    its own copy of the result.
    """
    with _WARM_LOCK:
        kept = any(entry[1] is G for entry in _WARM.values())
        memo = _BRIDGES.get(G) if kept else None
        found = memo.get(seed) if memo is not None else None
    if found is None:
        found = find_bridges(G, seed=seed)
        if not kept:
            return found
        with _WARM_LOCK:
            _BRIDGES.setdefault(G, {})[seed] = found
    return copy.deepcopy(found)


def forget_bridges() -> None:
    """Drop the bridges remembered for kept networks (benchmarks time the betweenness)."""
    with _WARM_LOCK:
        _BRIDGES.clear()


def forget_networks() -> None:
    """Drop every network :func:`warm_network` keeps (benchmarks time a cold read)."""
    with _WARM_LOCK:
        dropped = list(_WARM.items())
        _WARM.clear()
        _BRIDGES.clear()
        _thaw(dropped)


def _by_score(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries, key=lambda e: (-float(e.get("score") or 0.0), str(e.get("id", ""))))


def report_from(
    G: nx.Graph,
    subgraph: Subgraph,
    *,
    graph_version: str,
    seed: int = 0,
    sections: Iterable[str] | None = None,
    scope: Scope | None = None,
) -> dict[str, Any]:
    """The report of a network already built (see :func:`analysis_report`).

    Parameters
    ----------
    G : networkx.Graph
        The actor network of the scope.
    subgraph : Subgraph
        The scope's nodes and relationships (programs, forums, goals, money).
    graph_version : str
        The store's version the network was read at.
    seed : int
        Seed of every random choice (sampled betweenness on big graphs).
    sections : iterable of str, optional
        Only these of :data:`SECTIONS` (default all).
    scope : Scope, optional
        The scope the subgraph was read through; its ``as_of`` goes into the
        JSON ``scope`` (left out when not given).

    Returns
    -------
    dict
        ``graph_version``, ``scope`` and the sections asked for.

    Examples
    --------
    >>> from graph.model import NodeRecord
    >>> sub = Subgraph([NodeRecord("Organization", "a", {"name": "ועד הורים",
    ...                                                   "sector": "community"})], [])
    >>> G = build_network(sub)
    >>> r = report_from(G, sub, graph_version="7", sections=["isolates", "metrics"])
    >>> sorted(r), r["isolates"][0]["kinds"], r["metrics"]["nodes"]
    (['graph_version', 'isolates', 'metrics', 'scope'], ['isolate', 'no_forum'], 1)
    """
    wanted = list(SECTIONS) if sections is None else list(sections)
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise ValidationFailed(f"unknown report section {unknown[0]!r}: use {', '.join(SECTIONS)}")
    seen = G.graph.get("scope") or {}
    scope_json: dict[str, Any] = {
        "locality_id": seen.get("locality_id"),
        "cluster_id": seen.get("cluster_id"),
        "context": seen.get("context", "both"),
    }
    if scope is not None:
        scope_json["as_of"] = scope.as_of.isoformat()
    report: dict[str, Any] = {"graph_version": graph_version, "scope": scope_json}
    if "duplicates" in wanted:
        report["duplicates"] = find_duplicates(G, subgraph)
        # Groups of three or more, besides their pairs (each pair carries its group_id).
        report["duplicate_groups"] = duplicate_groups(report["duplicates"])
    if "isolates" in wanted:
        report["isolates"] = find_isolates(G)
    bridges: list[dict[str, Any]] | None = None
    if "bridges" in wanted or "leverage" in wanted:
        bridges = _by_score(_bridges_of(G, seed))
        if "bridges" in wanted:
            # The bridges that matter, and a note on how many weaker ones are left out.
            report["bridges"], report["bridges_others"] = split_bridges(bridges)
    if "leverage" in wanted:
        as_of = scope.as_of if scope is not None else None
        report["leverage"] = _by_score(find_leverage(G, subgraph, bridges=bridges, as_of=as_of))
    if "metrics" in wanted:
        report["metrics"] = scope_metrics(G, subgraph)
    return report


def analysis_report(
    store: GraphStore,
    scope: Scope | None = None,
    *,
    locality_id: str | None = None,
    cluster_id: str | None = None,
    context: str = "both",
    seed: int = 0,
    sections: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Analyse a scope of the store: SPEC section 3's object.

    Parameters
    ----------
    store : GraphStore
        The graph.
    scope : Scope, optional
        Where, as of when and which context (:class:`graph.scope.Scope`);
        what has ended before ``scope.as_of`` is not counted. Without it the
        scope is made of ``locality_id``, ``cluster_id`` and ``context``, as
        of today.
    locality_id, cluster_id : str, optional
        The scope: one locality, a cluster of localities, or (neither) the
        whole graph (ignored when ``scope`` is given).
    context : {"both", "routine", "emergency"}
        Which forums, programs and partnerships count (ignored when ``scope`` is given).
    seed : int
        Seed of every random choice; the same graph and seed give the same report.
    sections : iterable of str, optional
        Only these of :data:`SECTIONS` (default all).

    Returns
    -------
    dict
        ``{"graph_version", "scope", "duplicates", "isolates", "bridges",
        "leverage", "metrics"}`` plus ``duplicate_groups`` and
        ``bridges_others`` (the count of weaker bridges left out of ``bridges``,
        see :func:`graph.analytics.bridges.split_bridges`, and a note on them);
        ``duplicates``, ``bridges`` and ``leverage`` sorted by score descending,
        ``isolates`` by kind then name.

    Raises
    ------
    graph.errors.NotFound
        When the locality or cluster does not exist.
    graph.errors.ValidationFailed
        When ``context`` or a section is not one of the known values.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from graph.model import NodeRecord
    >>> from graph.store.sqlite import SQLiteStore
    >>> store = SQLiteStore(pathlib.Path(tempfile.mkdtemp()) / "g.db")
    >>> _ = store.write([NodeRecord("Organization", "a", {"name": "א", "sector": "community"})])
    >>> report = analysis_report(store)
    >>> list(report)  # doctest: +NORMALIZE_WHITESPACE
    ['graph_version', 'scope', 'duplicates', 'duplicate_groups', 'isolates', 'bridges',
     'bridges_others', 'leverage', 'metrics']
    >>> import datetime as dt
    >>> analysis_report(store, Scope(as_of=dt.date(2024, 1, 1)))["scope"]
    {'locality_id': None, 'cluster_id': None, 'context': 'both', 'as_of': '2024-01-01'}
    >>> store.close()
    """
    # One analysis builds millions of short-lived objects and no cycles worth collecting.
    if scope is None:
        scope = Scope(locality_id, context=context, cluster_id=cluster_id)
    with gc_paused():
        version, subgraph, G = warm_network(store, scope)
        return report_from(
            G, subgraph, graph_version=version, seed=seed, sections=sections, scope=scope
        )
