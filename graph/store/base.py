"""The ``GraphStore`` interface every backend implements.

A store keeps :class:`~graph.model.NodeRecord` and
:class:`~graph.model.RelRecord` objects. Writes go through :meth:`write`,
one atomic transaction: nodes are upserted by id (their derived
relationships, see :func:`graph.model.derived_relationships`, are replaced
with them) and explicit relationships by ``(source, type, target)``.
Writing data that is already stored changes nothing, not even
``graph_version``. Every endpoint of a relationship must exist once the
write is done, or the whole write is rolled back with
:class:`~graph.errors.Conflict`.

Writes can be conditional, checked by the store inside the write's own
transaction (so several processes on one store agree): ``create_only``
names nodes (ids) or relationships (``(source, type, target)`` keys) that
must not exist yet (:class:`~graph.errors.Conflict` otherwise), and
``expect`` maps ids or keys to the :func:`digest` of the properties the
writer read (an ETag): :class:`~graph.errors.PreconditionFailed` when the
stored properties differ, :class:`~graph.errors.NotFound` when it is gone.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.locality import locality_part, role_organizations
from graph.model import NodeRecord, RelRecord, Subgraph

if TYPE_CHECKING:
    from graph.store.bulk import ThreadedBulkLoad

__all__ = [
    "GraphCounts",
    "GraphStore",
    "RecordKey",
    "Subgraph",
    "WriteStats",
    "canonical_json",
    "check_preconditions",
    "digest",
    "text_digest",
]

ProgressCallback = Callable[[int], None]
#: A node id, or a relationship's ``(source, type, target)``.
RecordKey = str | tuple[str, str, str]


#: One encoder for every call: ``json.dumps`` with options builds a new one each time.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_json(props: Mapping[str, Any]) -> str:
    """Properties as the one JSON text both stores compare (sorted keys, compact, UTF-8)."""
    return _CANONICAL.encode(props)


def digest(props: Mapping[str, Any]) -> str:
    """A digest of the canonical JSON of properties: equal digests, unchanged data.

    It is the ETag of a node or relationship in the API: the same on every
    store and every process.

    >>> digest({"name": "א", "sector": "community"}) == digest({"sector": "community", "name": "א"})
    True
    >>> len(digest({}))
    32
    """
    return hashlib.blake2b(canonical_json(props).encode("utf-8"), digest_size=16).hexdigest()


def text_digest(text: str) -> str:
    """:func:`digest` of properties already in :func:`canonical_json` form."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@dataclass
class WriteStats:
    """What one write changed."""

    nodes_written: int = 0
    nodes_unchanged: int = 0
    relationships_written: int = 0
    relationships_unchanged: int = 0
    by_label: dict[str, int] = field(default_factory=dict)
    graph_version: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "nodes_written": self.nodes_written,
            "relationships_written": self.relationships_written,
            "nodes_unchanged": self.nodes_unchanged,
            "relationships_unchanged": self.relationships_unchanged,
            "by_label": dict(sorted(self.by_label.items())),
        }


@dataclass
class GraphCounts:
    graph_version: str
    nodes: dict[str, int]
    relationships: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        return {
            "graph_version": self.graph_version,
            "nodes": dict(sorted(self.nodes.items())),
            "relationships": dict(sorted(self.relationships.items())),
        }


def _shown(key: RecordKey) -> str:
    if isinstance(key, str):
        return repr(key)
    source, rel_type, target = key
    return f"{rel_type} from {source!r} to {target!r}"


def check_preconditions(
    stored: Mapping[RecordKey, str | None],
    create_only: Collection[RecordKey],
    expect: Mapping[RecordKey, str] | None,
) -> None:
    """Raise when a conditional write's conditions fail.

    ``stored`` maps each key of ``create_only`` and ``expect`` to the
    digest of what the store holds now (read inside the write's
    transaction), or ``None`` when nothing is stored under it.

    >>> check_preconditions({"o1": "abc"}, [], {"o1": "abc"})
    >>> check_preconditions({"o1": "abc"}, ["o1"], None)
    Traceback (most recent call last):
    ...
    graph.errors.Conflict: 'o1' already exists
    >>> check_preconditions({"o1": "abd"}, [], {"o1": "abc"})
    Traceback (most recent call last):
    ...
    graph.errors.PreconditionFailed: 'o1' changed since it was read (stale ETag): read it again
    """
    from graph.errors import Conflict, NotFound, PreconditionFailed

    for key in create_only:
        if stored.get(key) is not None:
            raise Conflict(f"{_shown(key)} already exists")
    for key, wanted in (expect or {}).items():
        current = stored.get(key)
        if current is None:
            raise NotFound(f"{_shown(key)} does not exist")
        if current != wanted:
            raise PreconditionFailed(
                f"{_shown(key)} changed since it was read (stale ETag): read it again"
            )


class GraphStore(ABC):
    """A property graph of partnermap entities."""

    #: The URL the store was opened with (secrets removed).
    url: str = ""
    #: Whether a point read (one node by id) is a local, sub-millisecond call that
    #: an event loop may make directly (an embedded file), rather than a network
    #: round trip that belongs on a worker thread.
    local_reads: bool = False

    # -- writes ---------------------------------------------------------------
    @abstractmethod
    def write(
        self,
        nodes: Iterable[NodeRecord] = (),
        relationships: Iterable[RelRecord] = (),
        *,
        progress: ProgressCallback | None = None,
        create_only: Collection[RecordKey] = (),
        expect: Mapping[RecordKey, str] | None = None,
        row_digests: Mapping[RecordKey, str] | None = None,
        import_mark: str | None = None,
    ) -> WriteStats:
        """Upsert nodes and explicit relationships in one transaction.

        ``progress`` is called with the number of items handled since the last call.
        ``create_only`` and ``expect`` make the write conditional (see the module).
        ``row_digests`` remembers, per record, the digest of the import row it came
        from (:meth:`row_digests` gives them back; any other write of the record
        forgets it), so that a re-import can skip unchanged rows before parsing them.
        ``import_mark`` is kept with the graph version this write leaves, in the
        same transaction: :meth:`import_mark` gives it back until anything changes.
        """

    @abstractmethod
    def delete_nodes(
        self,
        ids: Sequence[str],
        *,
        force: bool = False,
        expect: Mapping[RecordKey, str] | None = None,
    ) -> int:
        """Delete nodes with their own and explicit relationships.

        Raises :class:`~graph.errors.Conflict` when another node's reference
        field points at one of them (``Program.operator_id`` at an
        organisation, say), unless ``force`` also deletes those references'
        relationships. Returns how many nodes were deleted. ``expect``: as
        in :meth:`write`, checked in the same transaction.
        """

    @abstractmethod
    def delete_relationships(
        self,
        keys: Sequence[tuple[str, str, str]],
        *,
        expect: Mapping[RecordKey, str] | None = None,
    ) -> int:
        """Delete explicit relationships by ``(source, type, target)``.

        ``expect``: as in :meth:`write`, checked in the same transaction.
        """

    @abstractmethod
    def clear(self) -> None:
        """Delete everything (used by tests and ``migrate``)."""

    # -- reads ----------------------------------------------------------------
    @abstractmethod
    def graph_version(self) -> str:
        """An opaque token that changes on every write that changes something."""

    @abstractmethod
    def get(self, node_id: str) -> NodeRecord | None: ...

    @abstractmethod
    def get_many(self, ids: Iterable[str]) -> dict[str, NodeRecord]: ...

    @abstractmethod
    def find(
        self,
        label: str | None = None,
        *,
        locality_id: str | None = None,
        sector: str | None = None,
        domain: str | None = None,
        kind: str | None = None,
        text: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[NodeRecord]:
        """Nodes by label and filters, ordered by id.

        ``locality_id`` matches ``locality_id`` and ``locality_ids``;
        ``domain`` matches ``domain`` and ``domains``; ``text`` matches any
        of the names after :func:`graph.text.normalize`.
        """

    @abstractmethod
    def count(
        self,
        label: str | None = None,
        *,
        locality_id: str | None = None,
        sector: str | None = None,
        domain: str | None = None,
        kind: str | None = None,
        text: str | None = None,
    ) -> int: ...

    @abstractmethod
    def relationships(
        self,
        node_id: str | None = None,
        *,
        types: Sequence[str] | None = None,
        direction: str = "both",
    ) -> list[RelRecord]:
        """Relationships touching ``node_id`` (``out``, ``in`` or ``both``), or all."""

    @abstractmethod
    def get_relationship(self, key: tuple[str, str, str]) -> RelRecord | None: ...

    @abstractmethod
    def iter_nodes(self, label: str | None = None) -> Iterator[NodeRecord]: ...

    @abstractmethod
    def iter_relationships(self, rel_type: str | None = None) -> Iterator[RelRecord]: ...

    @abstractmethod
    def counts(self) -> GraphCounts: ...

    def row_digests(self, keys: Sequence[RecordKey]) -> dict[RecordKey, str]:
        """The import-row digests stored with these records (see :meth:`write`).

        Records without one are left out; a store that keeps none returns ``{}``
        (every row is then parsed and compared as usual).
        """
        return {}

    def import_mark(self) -> str | None:
        """The ``import_mark`` of the last write that gave one, if nothing changed since.

        ``None`` once any write has changed the graph (its version moved on),
        and from a store that keeps no mark: an import then runs in full.
        """
        return None

    def relationships_of(
        self, ids: Sequence[str], *, types: Sequence[str] | None = None
    ) -> dict[str, list[RelRecord]]:
        """The relationships touching each of several nodes, both directions.

        The same lists as :meth:`relationships` per node; stores override it
        with one query per batch (ego networks read a whole level at once).
        """
        return {nid: self.relationships(nid, types=types) for nid in dict.fromkeys(ids)}

    def neighbours(
        self, node_id: str, *, types: Sequence[str] | None = None
    ) -> list[tuple[RelRecord, NodeRecord]]:
        """Each relationship of a node with the node at its other end."""
        rels = self.relationships(node_id, types=types)
        others = self.get_many(r.target if r.source == node_id else r.source for r in rels)
        out = []
        for rel in rels:
            other = others.get(rel.target if rel.source == node_id else rel.source)
            if other is not None:
                out.append((rel, other))
        return out

    def subgraph(self, locality_id: str | None = None) -> Subgraph:
        """The whole graph, or the part of it that concerns one locality.

        A locality's part is the locality, every node in it (organisations
        operating there, its forums, programs, goals and investments), the
        investments into its programs, every node one relationship away
        from those (national funders, ministries, forum members, roles), the
        roles of every organisation included, and all relationships among
        them; less what that drew in from other localities. A store fetches
        the candidates (:meth:`locality_candidates`, which a store may make
        faster); :func:`graph.locality.locality_part`, the rule's one
        implementation, cuts them here, for every store. An id that is not a
        Locality has an empty part.
        """
        if locality_id is None:
            return Subgraph(list(self.iter_nodes()), list(self.iter_relationships()))
        found = self.locality_candidates(locality_id)
        return locality_part(found.nodes, found.relationships, locality_id)

    def locality_candidates(self, locality_id: str) -> Subgraph:
        """Every record the rule of :mod:`graph.locality` may keep for ``locality_id``.

        The locality, every node in it, the investments into its programs,
        every node one relationship away from those (not from the locality
        itself), the roles of every organisation among them, the organisation
        of every role among them, and every relationship among all of these. A
        store may answer with a faster query; it never cuts here (:meth:`subgraph` does,
        with the one rule).
        """
        core = {n.id: n for n in self.find(locality_id=locality_id)}
        loc = self.get(locality_id)
        if loc is not None:
            core[loc.id] = loc
        programs = [nid for nid, n in core.items() if n.label == "Program"]
        for pid in programs:
            for rel in self.relationships(pid, types=["FUNDS"], direction="in"):
                core.setdefault(rel.source, None)  # type: ignore[arg-type]
        ids = set(core)
        for nid in list(ids):
            if nid == locality_id:
                continue
            for rel in self.relationships(nid):
                ids.add(rel.source)
                ids.add(rel.target)
        nodes = self.get_many(ids)
        orgs = [nid for nid, n in nodes.items() if n.label == "Organization"]
        role_ids = {
            r.source for o in orgs for r in self.relationships(o, types=["ROLE_IN"], direction="in")
        }
        nodes.update(self.get_many(role_ids - nodes.keys()))
        nodes.update(self.get_many(role_organizations(nodes.values()) - nodes.keys()))
        rels: dict[tuple[str, str, str], RelRecord] = {}
        for nid in nodes:
            for rel in self.relationships(nid, direction="out"):
                if rel.target in nodes:
                    rels[rel.key] = rel
        return Subgraph(list(nodes.values()), list(rels.values()))

    def bulk_load(self) -> ThreadedBulkLoad | None:
        """A write of the next import that starts while it still reads
        (:class:`graph.store.bulk.ThreadedBulkLoad`); ``None`` by default."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
