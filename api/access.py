"""Who may see what: locality-scoped keys and personal data, decided in one place.

Every route that reads or writes graph data takes ``access: AccessDep`` (see
:mod:`api.deps`) and asks the :class:`Access` it gets:

- :meth:`Access.locality` for a ``locality_id`` parameter (analyses, maps,
  exports, graph queries): a key scoped to localities gets 404 for any other
  locality, and its only locality when it names none;
- :meth:`Access.check_read` / :meth:`Access.visible` for nodes, and
  :meth:`Access.visible_relationships` for relationships, in lists, gets and
  searches (what is not visible answers 404, as if it did not exist);
- :meth:`Access.check_write` before a write (a scoped key writes only what
  belongs wholly to its localities);
- :meth:`Access.public` on every node it sends, and :meth:`Access.public_graph`
  on a subgraph, which leave out personal data (a role's ``holder``) for keys
  without the ``personal_data`` permission, and note for the audit trail who
  read it.

What a node **belongs to** (:func:`belonging`): a locality to itself; a node
with ``locality_id`` / ``locality_ids`` to those; an organisation or forum
without any to no locality (it is *national*: every key reads it, no scoped
key writes it); the others through what they hang from (a role through its
organisation, a program without a locality through its operator, an
investment through its program, a goal reading through its goal, a
commitment through its agreement, a survey response through both
organisations). Scoped keys read what belongs to one of their localities and
national actors; they write what belongs only to their localities.

Examples
--------
>>> from graph.model import NodeRecord
>>> nodes = {"o1": NodeRecord("Organization", "o1", {"locality_ids": ["l1"]}),
...          "gov": NodeRecord("Organization", "gov", {}),
...          "r1": NodeRecord("Role", "r1", {"organization_id": "o1", "holder": "Dana"})}
>>> access = Access(localities=frozenset({"l2"}), personal_data=False)
>>> belonging(nodes.get, nodes["r1"]), belonging(nodes.get, nodes["gov"])
(frozenset({'l1'}), None)
>>> access.sees(nodes.get, nodes["r1"]), access.sees(nodes.get, nodes["gov"])
(False, True)
>>> access.public(nodes["r1"]).props
{'organization_id': 'o1'}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from graph.errors import NotFound, PartnermapError
from graph.model import NodeRecord, RelRecord, node_localities
from graph.scope import check_locality
from graph.store.base import GraphStore, Subgraph

__all__ = [
    "PERSONAL_FIELDS",
    "Access",
    "OutOfScope",
    "belonging",
]

#: Node properties that are personal data, by label (Israel's Privacy Protection Law).
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {"Role": ("holder",)}

#: What a node without a locality of its own belongs through, in order.
_THROUGH: dict[str, tuple[str, ...]] = {
    "Role": ("organization_id",),
    "Program": ("operator_id",),
    "Investment": ("program_id",),
    "Goal": ("owner_id",),
    "SurveyResponse": ("respondent_id", "partner_id"),
    "Capability": ("organization_id",),
    "GoalReading": ("goal_id",),
    "Commitment": ("agreement_id", "party_id"),
}
#: Labels whose nodes without any locality are national (read by every key).
_NATIONAL_LABELS = frozenset({"Organization", "Forum"})
_DEPTH = 4

Lookup = Callable[[str], NodeRecord | None]


class OutOfScope(PartnermapError):
    """A key scoped to localities tried to change what is not wholly theirs."""

    status_code = 403


def belonging(lookup: Lookup, node: NodeRecord, _depth: int = 0) -> frozenset[str] | None:
    """The localities ``node`` belongs to; ``None`` when it is national (belongs to none).

    ``lookup`` gives a node by id (the store's ``get``, or a dict's ``get``).
    A node whose owner cannot be found belongs to no locality a key can
    claim, so only unscoped keys see it (the empty set).
    """
    own = node_localities(node)
    if own:
        return frozenset(own)
    if node.label in _NATIONAL_LABELS:
        return None
    if _depth >= _DEPTH:
        return frozenset()
    found: set[str] = set()
    national = False
    for field_name in _THROUGH.get(node.label, ()):
        values = node.props.get(field_name)
        for ref in values if isinstance(values, list) else [values] if values else []:
            owner = lookup(str(ref))
            if owner is None:
                continue
            owned = belonging(lookup, owner, _depth + 1)
            if owned is None:
                national = True
            else:
                found |= owned
        if found or national:
            break
    if found:
        return frozenset(found)
    return None if national else frozenset()


class _Cached:
    """A lookup over a store that reads each id once (and knows some nodes already)."""

    def __init__(
        self, store: GraphStore | None, known: Mapping[str, NodeRecord] | None = None
    ) -> None:
        self.store = store
        self.nodes: dict[str, NodeRecord | None] = dict(known or {})

    def preload(self, ids: Iterable[str]) -> None:
        missing = [i for i in ids if i not in self.nodes]
        if missing and self.store is not None:
            found = self.store.get_many(missing)
            for nid in missing:
                self.nodes[nid] = found.get(nid)

    def __call__(self, node_id: str) -> NodeRecord | None:
        if node_id not in self.nodes:
            self.nodes[node_id] = self.store.get(node_id) if self.store is not None else None
        return self.nodes[node_id]


@dataclass(frozen=True)
class Access:
    """What one caller may see and change.

    ``localities`` is ``None`` for a key that sees every locality.
    ``personal_data`` says whether personal data (a role's ``holder``) is shown.
    ``request`` (when given) receives the ids of personal data shown, for the
    audit trail (``request.state.personal_read``).
    """

    localities: frozenset[str] | None = None
    personal_data: bool = True
    request: Request | None = field(default=None, compare=False, repr=False)

    @property
    def scoped(self) -> bool:
        return self.localities is not None

    # -- localities ---------------------------------------------------------------
    def locality(self, store: GraphStore, locality_id: str | None, where: str) -> str | None:
        """The locality a question is about, checked; ``where`` names the parameter.

        Unscoped: ``locality_id`` as given (404 when it names no locality),
        ``None`` for the whole graph. Scoped: a locality outside the key's is
        404 (as if it did not exist); none given means the key's only
        locality, or 403 when it has several.
        """
        if locality_id is None and self.localities is not None:
            if len(self.localities) != 1:
                raise OutOfScope(
                    f"{where}: this key sees the localities "
                    f"{', '.join(sorted(self.localities))}: name one"
                )
            (locality_id,) = self.localities
        if locality_id is None:
            return None
        if self.localities is not None and locality_id not in self.localities:
            raise NotFound(f"{where}: no locality with id {locality_id!r}")  # as if it were not
        check_locality(store, locality_id, where)
        return locality_id

    def allowed_localities(self, ids: Iterable[str]) -> list[str]:
        """Those of ``ids`` this caller may see (for lists of localities)."""
        return [i for i in ids if self.localities is None or i in self.localities]

    # -- reading --------------------------------------------------------------------
    def sees(self, lookup: Lookup, node: NodeRecord) -> bool:
        if self.localities is None:
            return True
        owned = belonging(lookup, node)
        return owned is None or bool(owned & self.localities)

    def check_read(self, store: GraphStore, node: NodeRecord | None, missing: str) -> NodeRecord:
        """``node`` when this caller may see it; else 404 with the ``missing`` message."""
        if node is None or not self.sees(_Cached(store), node):
            raise NotFound(missing)
        return node

    def visible(self, store: GraphStore | None, nodes: Iterable[NodeRecord]) -> list[NodeRecord]:
        """The nodes this caller may see, in their order (owners read in batches)."""
        nodes = list(nodes)
        if self.localities is None:
            return nodes
        lookup = _Cached(store, {n.id: n for n in nodes})
        frontier = nodes
        for _ in range(_DEPTH):  # read the owners level by level, each level in one batch
            refs = {
                str(ref)
                for n in frontier
                if not node_localities(n) and n.label not in _NATIONAL_LABELS
                for f in _THROUGH.get(n.label, ())
                for ref in _listed(n.props.get(f))
            } - lookup.nodes.keys()
            if not refs:
                break
            lookup.preload(refs)
            frontier = [n for r in refs if (n := lookup.nodes.get(r)) is not None]
        return [n for n in nodes if self.sees(lookup, n)]

    def visible_relationships(
        self,
        store: GraphStore | None,
        rels: Iterable[RelRecord],
        known: Mapping[str, NodeRecord] | None = None,
    ) -> list[RelRecord]:
        """The relationships whose two ends this caller may see."""
        rels = list(rels)
        if self.localities is None:
            return rels
        lookup = _Cached(store, known)
        lookup.preload({e for r in rels for e in (r.source, r.target)})
        ok: dict[str, bool] = {}

        def seen(node_id: str) -> bool:
            if node_id not in ok:
                node = lookup(node_id)
                ok[node_id] = node is not None and self.sees(lookup, node)
            return ok[node_id]

        return [r for r in rels if seen(r.source) and seen(r.target)]

    # -- writing --------------------------------------------------------------------
    def check_write(
        self, store: GraphStore, new: NodeRecord | None, old: NodeRecord | None = None
    ) -> None:
        """Refuse a write a scoped key may not make (the node before and after it).

        What the key cannot see is 404; what it sees but that is not wholly its
        own (a national actor, a node shared with another locality) is 403.
        """
        if self.localities is None:
            return
        lookup = _Cached(store)
        for node in (old, new):
            if node is None:
                continue
            owned = belonging(lookup, node)
            if owned is not None and owned and not owned & self.localities:
                raise NotFound(
                    f"{node.label} {node.id!r} belongs to a locality this key does not see"
                )
            if owned is None:
                raise OutOfScope(
                    f"this key is scoped to {', '.join(sorted(self.localities))}: it cannot "
                    f"change {node.label} {node.id!r}, a national actor"
                )
            if not owned or not owned <= self.localities:
                raise OutOfScope(
                    f"{node.label} {node.id!r} belongs also to localities this key is not "
                    f"scoped to ({', '.join(sorted(owned - self.localities)) or 'none'})"
                )

    def check_relationship_write(self, store: GraphStore, source: str, target: str) -> None:
        """A scoped key writes a relationship when it sees both ends and owns one."""
        if self.localities is None:
            return
        lookup = _Cached(store)
        owns = False
        for end in (source, target):
            node = lookup(end)
            if node is None or not self.sees(lookup, node):
                raise NotFound(f"no node with id {end!r}")
            owned = belonging(lookup, node)
            owns = owns or bool(owned and owned <= self.localities)
        if not owns:
            raise OutOfScope(
                f"this key is scoped to {', '.join(sorted(self.localities))}: neither "
                f"{source!r} nor {target!r} belongs to them"
            )

    # -- personal data --------------------------------------------------------------
    def public(self, node: NodeRecord) -> NodeRecord:
        """``node`` as this caller may see it: personal data left out unless permitted."""
        hidden = PERSONAL_FIELDS.get(node.label, ())
        present = [f for f in hidden if node.props.get(f) not in (None, "")]
        if not present:
            return node
        if self.personal_data:
            self._note_personal(node.id)
            return node
        return NodeRecord(
            node.label, node.id, {k: v for k, v in node.props.items() if k not in hidden}
        )

    def public_graph(self, graph: Subgraph, store: GraphStore | None = None) -> Subgraph:
        """A subgraph cut to what this caller sees, personal data left out unless permitted."""
        nodes = self.visible(store, graph.nodes) if self.scoped else list(graph.nodes)
        kept = {n.id for n in nodes}
        rels = [r for r in graph.relationships if r.source in kept and r.target in kept]
        return Subgraph([self.public(n) for n in nodes], rels)

    def _note_personal(self, node_id: str) -> None:
        if self.request is None:
            return
        state = self.request.state
        seen: list[str] = getattr(state, "personal_read", None) or []
        seen.append(node_id)
        state.personal_read = seen


def _listed(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value] if value else []
