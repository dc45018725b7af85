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

from graph.errors import ValidationFailed
from graph.model import NodeRecord, RelRecord
from graph.store.base import Subgraph

__all__ = [
    "DATED_NODES",
    "DATED_RELATIONSHIPS",
    "Scope",
    "counts_at",
    "cut",
    "end_date",
    "node_counts_at",
    "parse_as_of",
    "rel_counts_at",
    "start_date",
    "today",
]

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


def parse_as_of(text: str | None, what: str = "as_of") -> dt.date:
    """A user's as-of date (``YYYY`` = 31 December, ``YYYY-MM-DD``; empty = today).

    Raises :class:`~graph.errors.ValidationFailed` naming ``what`` otherwise.
    """
    if text is None or not str(text).strip():
        return today()
    try:
        value = end_date(str(text).strip())
    except ValueError:
        value = None
    if value is None or value.year < 1900:
        raise ValidationFailed(f"{what}: expected a date as YYYY or YYYY-MM-DD, got {text!r}")
    return value


@dataclass(frozen=True, slots=True)
class Scope:
    """A locality (``None`` = the whole graph), an as-of date and a context."""

    locality_id: str | None = None
    as_of: dt.date = field(default_factory=today)
    context: str = "both"

    def as_dict(self) -> dict[str, Any]:
        """The ``scope`` object of the analysis JSON."""
        return {
            "locality_id": self.locality_id,
            "as_of": self.as_of.isoformat(),
            "context": self.context,
        }


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
    """
    nodes = [n for n in sub.nodes if node_counts_at(n, scope.as_of)]
    dropped = {n.id for n in sub.nodes} - {n.id for n in nodes}
    rels = [
        r
        for r in sub.relationships
        if r.source not in dropped and r.target not in dropped and rel_counts_at(r, scope.as_of)
    ]
    return Subgraph(nodes, rels)
