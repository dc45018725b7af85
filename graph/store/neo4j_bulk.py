"""A first import into an empty Neo4j database, sent while the import still reads.

An import reads and validates file after file, checks the whole batch, then
writes it in one transaction. Into an empty database, :class:`Neo4jBulkLoad`
starts earlier: each file's records are handed over as soon as the file is
read (:meth:`Neo4jBulkLoad.add`), and a writer thread sends them to the
server in ONE explicit transaction while the import reads the next file:
the server creates the nodes while the client is still reading. When the
reading ends (:meth:`Neo4jBulkLoad.seal`) the thread sends the relationships
(their ends by element id, as :mod:`graph.store.neo4j_write` does) while the
import checks the batch. The driver waits for the server on a socket, which
frees the interpreter's lock, so on two cores the reading and the server's
work overlap; before, the server waited for the whole read and check.

Nothing of it is visible before the import decides. The transaction is
committed by :meth:`Neo4jBulkLoad.finish` only when the checked batch is
exactly what was handed over (no row failed, no id or relationship repeated,
nothing dropped, no relationship of a derived type given explicitly); anything
else, and any error on either side, rolls it back (:meth:`Neo4jBulkLoad.abort`),
and the import then writes through :meth:`graph.store.neo4j.Neo4jStore.write`
as before, with the same checks and messages. What it commits is what that
write would have stored (``tests/neo4j/test_bulk_load.py``).

While it is open the transaction holds the locks of the ids it created: a
racing writer of the same id waits for it, or fails on the uniqueness
constraint, as against any open import; if another writer got the id first,
the bulk statement fails and the import writes as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import neo4j
from neo4j import Result

from graph.model import NodeRecord, RelRecord, derived_relationships
from graph.store import cypher
from graph.store.base import RecordKey, WriteStats
from graph.store.bulk import ABORT, FINISH, SEAL, ThreadedBulkLoad
from graph.store.neo4j_props import as_columns, node_row, rel_row
from graph.store.neo4j_write import WRITE_CHUNK, chunks

if TYPE_CHECKING:
    from neo4j import Transaction

    from graph.store.neo4j import Neo4jStore

__all__ = ["Neo4jBulkLoad"]

#: The job that hands over one file's records (besides graph.store.bulk's own).
_RECORDS = "records"


class _Unusable(Exception):
    """What was handed over cannot be written this way (the import's own write decides)."""


class Neo4jBulkLoad(ThreadedBulkLoad):
    """Records of an import into an empty database, sent by a thread until the import decides.

    Made by :meth:`graph.store.neo4j.Neo4jStore.bulk_load`. Records are kept
    until at least ``threshold`` of them have come (a small import never
    starts the thread); the writer then opens the transaction, checks that
    the database is still empty, and creates what it is given. The reading
    side only queues the records; the thread makes the rows. The life cycle
    is :class:`graph.store.bulk.ThreadedBulkLoad`'s.

    Parameters
    ----------
    store : Neo4jStore
        A store whose database holds no node.
    threshold : int
        Records to wait for before sending.
    """

    thread_name = "partnermap-neo4j-bulk-load"

    def __init__(self, store: Neo4jStore, threshold: int) -> None:
        super().__init__(store, threshold)
        self._store = store

    def _send(
        self,
        nodes: Sequence[NodeRecord],
        relationships: Sequence[RelRecord],
        row_digests: Mapping[RecordKey, str],
    ) -> None:
        """Queue the records as they are (the writer thread makes the rows)."""
        self._jobs.put((_RECORDS, (list(nodes), list(relationships), row_digests)))

    # -- the writer thread ----------------------------------------------------------------
    def _write(self) -> None:
        session = None
        tx: Transaction | None = None
        try:
            session = self._store._session(neo4j.WRITE_ACCESS)
            tx = session.begin_transaction()
            if tx.run(cypher.COUNT_NODES).single(strict=True)["count"]:
                raise _Unusable("the database is no longer empty")
            writer = _Writer(tx, self._stats)
            while True:
                kind, payload = self._jobs.get()
                if kind == ABORT:
                    return
                if kind == _RECORDS:
                    writer.nodes(*payload)
                elif kind == SEAL:
                    writer.relationships()
                elif kind == FINISH:
                    writer.relationships()  # no-op when sealed already
                    if self._stats.nodes_written or self._stats.relationships_written:
                        tx.run(cypher.BUMP_VERSION, token=_token()).consume()
                    if payload:
                        tx.run(cypher.SET_IMPORT_MARK, mark=payload).consume()
                    tx.commit()
                    self._committed = True
                    return
        except BaseException as exc:  # any error: nothing of this write stays
            self._error = exc
        finally:
            if tx is not None and not self._committed:
                try:
                    tx.rollback()
                except Exception:  # noqa: S110 - closed already (the connection failed)
                    pass
            if session is not None:
                try:
                    session.close()
                except Exception:  # noqa: S110 - never hide the write's own outcome
                    pass
            # Records still queued are dropped with the thread.


def _token() -> str:
    import secrets

    return secrets.token_hex(4)


class _Writer:
    """The statements of one bulk load, as :func:`graph.store.neo4j_write.write_records` makes them.

    Only ever for an empty database: every node is new, so nodes are
    created (no lookup), and so are their derived relationships and the
    explicit ones, between nodes this transaction created (by element id).
    """

    def __init__(self, tx: Transaction, stats: WriteStats) -> None:
        self.tx = tx
        self.stats = stats
        self.ids: set[str] = set()
        self.rel_keys: set[tuple[str, str, str]] = set()
        self.derived: dict[tuple[str, str, str], RelRecord] = {}
        self.derived_count = 0
        self.explicit: list[RelRecord] = []
        self.digests: Mapping[RecordKey, str] = {}
        self.results: list[Result] = []
        self.sent_relationships = False

    def nodes(
        self,
        nodes: list[NodeRecord],
        rels: list[RelRecord],
        digests: Mapping[RecordKey, str],
    ) -> None:
        """Send these nodes at once; keep their derived and the explicit relationships."""
        self.digests = digests  # the import's one growing map of row digests
        stats, ids = self.stats, self.ids
        for part in chunks(nodes, WRITE_CHUNK):
            by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for node in part:
                if node.id in ids:  # the import reports it; its own write decides
                    raise _Unusable(f"id {node.id!r} handed over twice")
                ids.add(node.id)
                row = node_row(node)
                row_digest = digests.get(node.id)
                if row_digest is not None:
                    row["props"]["_row"] = row_digest
                by_label[node.label].append(row["props"])
                stats.by_label[node.label] = stats.by_label.get(node.label, 0) + 1
            stats.nodes_written += len(part)
            for entity_label, props in by_label.items():
                keys, extra, values = as_columns(props)
                query = cypher.create_nodes_from_columns(entity_label, keys, extra)
                self.results.append(self.tx.run(query, rows=values))
            for node in part:
                for rel in derived_relationships(node):
                    self.derived[rel.key] = rel  # the last of a key wins, as in the write
                    self.derived_count += 1
        for rel in rels:
            if rel.key in self.rel_keys:
                raise _Unusable(f"relationship {rel.key!r} handed over twice")
            self.rel_keys.add(rel.key)
            self.explicit.append(rel)

    def relationships(self) -> None:
        """Send every relationship (once); raise when some end is missing."""
        if self.sent_relationships:
            return
        self.sent_relationships = True
        derived_types = {r.type for r in self.derived.values()}
        if any(r.type in derived_types for r in self.explicit):
            # An explicit relationship of a derived type may equal a derived one
            # (then the write counts it unchanged): the write decides.
            raise _Unusable("an explicit relationship of a derived type")
        statements: list[tuple[str, list[str], bool, list[list[Any]]]] = []
        for rels, with_digest in ((list(self.derived.values()), False), (self.explicit, True)):
            by_type: dict[str, list[RelRecord]] = defaultdict(list)
            for rel in rels:
                by_type[rel.type].append(rel)
            for type_name, typed in by_type.items():
                for part in chunks(typed, WRITE_CHUNK):
                    props = []
                    for rel in part:
                        row = rel_row(rel)
                        row_digest = self.digests.get(rel.key) if with_digest else None
                        if row_digest is not None:
                            row["props"]["_row"] = row_digest
                        props.append(row["props"])
                    ends = [[r.source, r.target] for r in part]
                    keys, extra, values = as_columns(props, ends)
                    statements.append((type_name, keys, extra, values))
        element_ids: dict[str, str] = {}
        for result in self.results:
            element_ids.update(result.single(strict=True)["rows"])
        pending: list[tuple[Result, int]] = []
        for type_name, keys, extra, values in statements:
            for value_row in values:
                source, target = element_ids.get(value_row[0]), element_ids.get(value_row[1])
                if source is None or target is None:
                    # An end this import does not create: the database was empty,
                    # so it exists nowhere. The import's check reports it.
                    raise _Unusable("a relationship end that this import does not create")
                value_row[0], value_row[1] = source, target
            query = cypher.create_relationships_from_columns(
                type_name, keys, extra, by_element=True
            )
            pending.append((self.tx.run(query, rows=values), len(values)))
        for result, sent in pending:
            if int(result.single(strict=True)["written"]) != sent:
                raise _Unusable("a relationship found no end")
        for rel in self.explicit:
            self.stats.by_label[rel.type] = self.stats.by_label.get(rel.type, 0) + 1
        self.stats.relationships_written += self.derived_count + len(self.explicit)
