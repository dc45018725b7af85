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
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from graph.model import NodeRecord, RelRecord

__all__ = ["GraphCounts", "GraphStore", "Subgraph", "WriteStats"]

ProgressCallback = Callable[[int], None]


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


@dataclass
class Subgraph:
    nodes: list[NodeRecord]
    relationships: list[RelRecord]


class GraphStore(ABC):
    """A property graph of partnermap entities."""

    #: The URL the store was opened with (secrets removed).
    url: str = ""

    # -- writes ---------------------------------------------------------------
    @abstractmethod
    def write(
        self,
        nodes: Iterable[NodeRecord] = (),
        relationships: Iterable[RelRecord] = (),
        *,
        progress: ProgressCallback | None = None,
    ) -> WriteStats:
        """Upsert nodes and explicit relationships in one transaction.

        ``progress`` is called with the number of items handled since the last call.
        """

    @abstractmethod
    def delete_nodes(self, ids: Sequence[str], *, force: bool = False) -> int:
        """Delete nodes with their own and explicit relationships.

        Raises :class:`~graph.errors.Conflict` when another node's reference
        field points at one of them (``Program.operator_id`` at an
        organisation, say), unless ``force`` also deletes those references'
        relationships. Returns how many nodes were deleted.
        """

    @abstractmethod
    def delete_relationships(self, keys: Sequence[tuple[str, str, str]]) -> int:
        """Delete explicit relationships by ``(source, type, target)``."""

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
        them.
        """
        if locality_id is None:
            return Subgraph(list(self.iter_nodes()), list(self.iter_relationships()))
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
        rels: dict[tuple[str, str, str], RelRecord] = {}
        for nid in nodes:
            for rel in self.relationships(nid, direction="out"):
                if rel.target in nodes:
                    rels[rel.key] = rel
        return Subgraph(sorted(nodes.values(), key=lambda n: n.id), list(rels.values()))

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
