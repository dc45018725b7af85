"""What one question sees: a locality, a date and a context (SPEC section 6).

Every analysis, map, dashboard and graph query looks at the graph through a
:class:`Scope`. :func:`cut` is the one function that applies the date rule
to a set of records: a thing counts at date ``D`` when it has started by
``D`` and not ended before ``D``. A date written as a year alone (``2024``)
starts on 1 January and ends on 31 December; undated things always count.
The dated things are Role, Organization and Forum ``since/until``, Program
``start/end``, Investment ``year`` (its own year), and the ``since/until`` of
MEMBER_OF and PARTNERS_WITH. What has ended stays in the store and in
exports; it is only left out of the view.

Examples
--------
>>> import datetime as dt
>>> counts_at("2024", "2024", dt.date(2024, 12, 31)), counts_at("2024", "2024", dt.date(2025, 1, 1))
(True, False)
>>> counts_at(None, "2023-06-30", dt.date(2023, 7, 1)), counts_at("2027", None, dt.date(2026, 1, 1))
(False, False)
>>> counts_at(None, None, dt.date(1990, 1, 1))
True
>>> from graph.model import NodeRecord as N, RelRecord as R
>>> from graph.store.base import Subgraph
>>> sub = Subgraph([N("Organization", "a"), N("Organization", "b", {"until": "2022"})],
...                [R("PARTNERS_WITH", "a", "b"),
...                 R("PARTNERS_WITH", "b", "a", {"since": "2023-01-01"})])
>>> view = cut(sub, Scope(as_of=dt.date(2022, 6, 1)))
>>> [n.id for n in view.nodes], [r.key for r in view.relationships]
(['a', 'b'], [('a', 'PARTNERS_WITH', 'b')])
>>> [n.id for n in cut(sub, Scope(as_of=dt.date(2023, 1, 1))).nodes]
['a']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from graph.errors import NotFound, ValidationFailed
from graph.locality import locality_part
from graph.model import NodeRecord, RelRecord, Subgraph
from graph.store.base import GraphStore

__all__ = [
    "DATED_NODES",
    "DATED_RELATIONSHIPS",
    "Scope",
    "check_locality",
    "counts_at",
    "cut",
    "end_date",
    "node_counts_at",
    "parse_as_of",
    "read",
    "rel_counts_at",
    "start_date",
    "today",
]

#: Read a locality in one pass when it holds at least 1/this of the store's nodes.
_ONE_PASS_SHARE = 4

#: Node label -> its (start, end) fields.
DATED_NODES: dict[str, tuple[str, str]] = {
    "Organization": ("since", "until"),
    "Role": ("since", "until"),
    "Forum": ("since", "until"),
    "Program": ("start", "end"),
    "Investment": ("year", "year"),
}
#: Relationship type -> its (start, end) properties.
DATED_RELATIONSHIPS: dict[str, tuple[str, str]] = {
    "MEMBER_OF": ("since", "until"),
    "PARTNERS_WITH": ("since", "until"),
}


def today() -> dt.date:
    """The default as-of date."""
    return dt.date.today()


def _parse(value: Any, *, end: bool) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if len(text) == 4 and text.isdigit():
        year = int(text)
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    return dt.date.fromisoformat(text[:10])


def start_date(value: Any) -> dt.date | None:
    """The first day a start written as ``YYYY`` or ``YYYY-MM-DD`` covers."""
    return _parse(value, end=False)


def end_date(value: Any) -> dt.date | None:
    """The last day an end written as ``YYYY`` or ``YYYY-MM-DD`` covers."""
    return _parse(value, end=True)


def counts_at(start: Any, end: Any, as_of: dt.date) -> bool:
    """Whether something from ``start`` to ``end`` counts at ``as_of`` (undated ends are open)."""
    first, last = start_date(start), end_date(end)
    return (first is None or first <= as_of) and (last is None or last >= as_of)


def parse_as_of(text: str | None, what: str = "as_of", *, start: bool = False) -> dt.date:
    """A user's as-of date (``YYYY`` = 31 December, ``YYYY-MM-DD``; empty = today).

    With ``start=True`` (the first date of a period, as ``changes --from``) a
    year alone is its 1 January, as for every start in SPEC section 6.
    Raises :class:`~graph.errors.ValidationFailed` naming ``what`` otherwise.

    >>> parse_as_of("2022", "--to"), parse_as_of("2022", "--from", start=True)
    (datetime.date(2022, 12, 31), datetime.date(2022, 1, 1))
    """
    if text is None or not str(text).strip():
        return today()
    try:
        value = (start_date if start else end_date)(str(text).strip())
    except ValueError:
        value = None
    if value is None or value.year < 1900:
        raise ValidationFailed(f"{what}: expected a date as YYYY or YYYY-MM-DD, got {text!r}")
    return value


@dataclass(frozen=True, slots=True)
class Scope:
    """A locality (``None`` = the whole graph), an as-of date and a context.

    ``cluster_id`` (a cluster of localities, ``Locality.cluster_id``) replaces
    ``locality_id`` for the analyses that take clusters. A scope is hashable:
    caches key on it.

    >>> Scope("loc-a", dt.date(2024, 5, 1)).as_dict()
    {'locality_id': 'loc-a', 'as_of': '2024-05-01', 'context': 'both'}
    >>> Scope(as_of=dt.date(2024, 5, 1)).at(dt.date(2020, 1, 1)).as_of
    datetime.date(2020, 1, 1)
    """

    locality_id: str | None = None
    as_of: dt.date = field(default_factory=today)
    context: str = "both"
    cluster_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The ``scope`` object of the analysis JSON (``cluster_id`` only when set)."""
        out: dict[str, Any] = {
            "locality_id": self.locality_id,
            "as_of": self.as_of.isoformat(),
            "context": self.context,
        }
        if self.cluster_id is not None:
            out["cluster_id"] = self.cluster_id
        return out

    def at(self, as_of: dt.date) -> Scope:
        """The same place and context at another date."""
        return Scope(self.locality_id, as_of, self.context, self.cluster_id)


def node_counts_at(node: NodeRecord, as_of: dt.date) -> bool:
    """Whether a node is live at ``as_of`` (labels without dates always are)."""
    fields = DATED_NODES.get(node.label)
    if fields is None:
        return True
    return counts_at(node.props.get(fields[0]), node.props.get(fields[1]), as_of)


def rel_counts_at(rel: RelRecord, as_of: dt.date) -> bool:
    """Whether a relationship is live at ``as_of`` (types without dates always are)."""
    fields = DATED_RELATIONSHIPS.get(rel.type)
    if fields is None:
        return True
    return counts_at(rel.props.get(fields[0]), rel.props.get(fields[1]), as_of)


def cut(sub: Subgraph, scope: Scope) -> Subgraph:
    """The records of ``sub`` that are live at ``scope.as_of``.

    Ended nodes go with every relationship that touches them; ended
    relationships go on their own. Locality and context are applied where
    the subgraph and the network are built; this is the date half of a scope.
    The same rule as :func:`node_counts_at` and :func:`rel_counts_at`, with
    each distinct ``(start, end)`` pair judged once (a national graph has
    hundreds of thousands of records and a few hundred distinct dates).
    """
    live = _Live(scope.as_of)
    nodes = []
    dropped = set()
    for n in sub.nodes:
        fields = DATED_NODES.get(n.label)
        if fields is None or live(n.props.get(fields[0]), n.props.get(fields[1])):
            nodes.append(n)
        else:
            dropped.add(n.id)
    if dropped:  # an id kept by another record stays (as the set difference had it)
        dropped.difference_update(n.id for n in nodes)
    rels = []
    for r in sub.relationships:
        if r.source in dropped or r.target in dropped:
            continue
        fields = DATED_RELATIONSHIPS.get(r.type)
        if fields is None or live(r.props.get(fields[0]), r.props.get(fields[1])):
            rels.append(r)
    return Subgraph(nodes, rels)


class _Live:
    """:func:`counts_at` at one date, remembered by ``(start, end)``."""

    __slots__ = ("as_of", "seen")

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.seen: dict[tuple[Any, Any, type, type], bool] = {}

    def __call__(self, start: Any, end: Any) -> bool:
        if start is None and end is None:
            return True
        key = (start, end, type(start), type(end))  # 2024 and 2024.0 are read differently
        try:
            return self.seen[key]
        except KeyError:
            live = self.seen[key] = counts_at(start, end, self.as_of)
            return live
        except TypeError:  # an unhashable value: judged each time
            return counts_at(start, end, self.as_of)


def check_locality(
    source: GraphStore | Subgraph, locality_id: str | None, where: str = "locality_id"
) -> None:
    """Raise :class:`~graph.errors.NotFound` unless ``locality_id`` is ``None`` or a Locality.

    The one existence check of a locality a user names. ``source`` is a
    store, or a subgraph handed to an analysis in its place. ``where`` names
    the request part in the message (``query locality_id``, ``--locality``).

    >>> from graph.model import NodeRecord as N
    >>> check_locality(Subgraph([N("Locality", "l")], []), "l")
    >>> check_locality(Subgraph([N("Organization", "o")], []), "o", "path locality_id")
    Traceback (most recent call last):
    graph.errors.NotFound: path locality_id: no locality with id 'o'
    """
    if locality_id is None:
        return
    if isinstance(source, Subgraph):
        found = any(n.id == locality_id and n.label == "Locality" for n in source.nodes)
    else:
        loc = source.get(locality_id)
        found = loc is not None and loc.label == "Locality"
    if not found:
        raise NotFound(f"{where}: no locality with id {locality_id!r}")


def read(
    store: GraphStore, scope: Scope, *, dated: bool = True, where: str = "locality_id"
) -> Subgraph:
    """What ``scope`` sees of ``store``: the one way into a scope's records.

    The place half (a locality's part of the graph, the rule of
    :mod:`graph.locality`, which leaves out what national actors draw in from
    other towns; a cluster's, the union of its localities' parts; or the
    whole graph) and then the date half (:func:`cut` at ``scope.as_of``).
    The context is applied when the actor network is built from this
    (:func:`graph.network.build_network`).

    Parameters
    ----------
    store : GraphStore
        The graph.
    scope : Scope
        Where, when and which context.
    dated : bool
        ``False`` skips the date cut (exports without a date filter, and
        :mod:`graph.analytics.changes`, which cuts one read at two dates).
    where : str
        The request part named when the locality is unknown (``query locality_id``).

    Raises
    ------
    graph.errors.NotFound
        When the locality (or cluster) does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from graph.store.sqlite import SQLiteStore
    >>> store = SQLiteStore(pathlib.Path(tempfile.mkdtemp()) / "g.db")
    >>> _ = store.write([NodeRecord("Locality", "l", {"name": "ירוחם"}),
    ...                  NodeRecord("Organization", "a", {"name": "א", "locality_ids": ["l"],
    ...                                                   "until": "2020"})])
    >>> [n.id for n in read(store, Scope("l", dt.date(2020, 12, 31))).nodes]
    ['a', 'l']
    >>> [n.id for n in read(store, Scope("l", dt.date(2021, 1, 1))).nodes]
    ['l']
    >>> read(store, Scope("nowhere"))
    Traceback (most recent call last):
    graph.errors.NotFound: locality_id: no locality with id 'nowhere'
    >>> store.close()
    """
    if scope.locality_id is not None and scope.cluster_id is not None:
        raise ValidationFailed("give a locality_id or a cluster_id, not both")
    if scope.cluster_id is not None:
        sub = _cluster(store, scope.cluster_id)
    elif scope.locality_id is not None:
        check_locality(store, scope.locality_id, where)
        sub = _locality(store, scope.locality_id)
    else:
        sub = Subgraph(list(store.iter_nodes()), list(store.iter_relationships()))
    return cut(sub, scope) if dated else sub


def _locality(store: GraphStore, locality_id: str) -> Subgraph:
    if store.count(locality_id=locality_id) * _ONE_PASS_SHARE >= store.count():
        # The locality is most of the store: one read beats the store's query per node.
        return locality_part(store.iter_nodes(), store.iter_relationships(), locality_id)
    return store.subgraph(locality_id)


def _cluster(store: GraphStore, cluster_id: str) -> Subgraph:
    members = [
        n.id for n in store.iter_nodes("Locality") if n.props.get("cluster_id") == cluster_id
    ]
    if not members:
        raise NotFound(f"cluster_id: no locality has cluster_id {cluster_id!r}")
    nodes: dict[str, NodeRecord] = {}
    rels: dict[tuple[str, str, str], RelRecord] = {}
    for loc_id in members:
        part = _locality(store, loc_id)
        nodes.update((n.id, n) for n in part.nodes)
        rels.update((r.key, r) for r in part.relationships)
    return Subgraph(sorted(nodes.values(), key=lambda n: n.id), [rels[k] for k in sorted(rels)])
