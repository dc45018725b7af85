"""How :class:`graph.store.neo4j.Neo4jStore` writes records inside one transaction.

A write is a handful of ``UNWIND $rows`` statements per label and per
relationship type, :data:`WRITE_CHUNK` rows each, never one statement per
record. Reads that come back with many rows (stored digests, existing ids)
return them as ONE list (``RETURN collect(...) AS rows``): the driver then
decodes a single message instead of one message per row, which on a
100k-row import is most of the client's time.

What is known is not asked again: nodes that did not exist before the write
own no relationship yet, so their relationships are created without a
lookup; relationships derived in this write are compared in memory; a
relationship statement returns how many rows it wrote, so endpoints are
looked up only when some row found no endpoint (then the write fails,
naming them, and the transaction rolls back).

The digest of the import row a record came from (``_row``) travels in the
record's own properties when the record is written, and is set apart only
for records the write leaves unchanged.

Examples
--------
>>> list(chunks([1, 2, 3, 4, 5], 2))
[[1, 2], [3, 4], [5]]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from neo4j import ManagedTransaction, Result

from graph.errors import Conflict
from graph.model import NodeRecord, RelRecord, derived_relationships
from graph.store import cypher
from graph.store.base import ProgressCallback, RecordKey, WriteStats
from graph.store.neo4j_props import as_columns, digest, node_row, rel_row, stored_digest

__all__ = [
    "READ_CHUNK",
    "WRITE_CHUNK",
    "NodeRowCache",
    "chunks",
    "collected",
    "missing_ids",
    "read_row_digests",
    "stored_relationships",
    "write_records",
]

#: Rows per ``UNWIND`` statement that writes.
WRITE_CHUNK = 5_000
#: Keys per ``UNWIND`` statement that only reads.
READ_CHUNK = 10_000
T = TypeVar("T")

RelKey = tuple[str, str, str]


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size``."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def collected(tx: ManagedTransaction, query: str, **params: Any) -> list[Any]:
    """The one list a statement ending in ``RETURN collect(...) AS rows`` gives."""
    record = tx.run(query, params).single(strict=True)
    return list(record["rows"])


def missing_ids(tx: ManagedTransaction, ids: set[str]) -> list[str]:
    """The ids among ``ids`` that no node has, sorted."""
    missing: list[str] = []
    for chunk in chunks(sorted(ids), READ_CHUNK):
        found = set(collected(tx, cypher.EXISTING_IDS, ids=chunk))
        missing.extend(i for i in chunk if i not in found)
    return missing


#: Asking for at least this share of a type's relationships reads the whole type instead.
SCAN_SHARE = 0.25


def stored_relationships(
    tx: ManagedTransaction, type_name: str, rows: list[dict[str, str]], *, row_digests: bool
) -> dict[tuple[str, str], str | None]:
    """The stored digest of each asked ``{source, target}`` of one type that exists.

    Property digests (of the properties read), or with ``row_digests``
    import-row digests (``_row``; relationships without one are left out). Looked up by their
    ends, or, when many of the type's relationships are asked for, read for
    the whole type in one statement (:func:`graph.store.cypher.scan_relationships`).
    """
    if not rows:
        return {}
    out: dict[tuple[str, str], str | None] = {}
    total = tx.run(cypher.count_relationships(type_name)).single(strict=True)["count"]
    if len(rows) >= SCAN_SHARE * int(total):
        wanted = {(r["source"], r["target"]) for r in rows}
        query = cypher.scan_relationships(type_name, row_digests)
        for source, target, value in collected(tx, query):
            if (source, target) in wanted:
                out[(source, target)] = value if row_digests else stored_digest(value)
        return out
    if row_digests:
        query = cypher.rel_row_digests(type_name)
    else:
        query = cypher.existing_relationships(type_name)
    for part in chunks(rows, READ_CHUNK):
        for source, target, value in collected(tx, query, rows=part):
            out[(source, target)] = value if row_digests else stored_digest(value)
    return out


class NodeRowCache:
    """Every node's import-row digest, kept for the graph version it was read at.

    An import asks for the digests of one file at a time. Once a file asks
    for a large share of the nodes (:data:`SCAN_SHARE`), every node's digest
    is read in one scan, which takes about a third of the server's time of
    looking each id up in the index, and the later files of the same import
    take theirs from it while the graph version stands (any write moves the
    version on; the store also drops it when it writes).
    """

    def __init__(self) -> None:
        self._kept: tuple[str, dict[str, str]] | None = None

    def clear(self) -> None:
        self._kept = None

    def digests(self, tx: ManagedTransaction, asked: int, total: int) -> dict[str, str] | None:
        """Every node's digest (kept or read now), or ``None`` when too few are asked."""
        row = tx.run(cypher.GRAPH_VERSION).single()
        version = str(row["value"]) if row is not None else "0"
        kept = self._kept
        if kept is not None and kept[0] == version:
            return kept[1]
        if asked < SCAN_SHARE * total:
            return None
        every = {node_id: d for node_id, d in collected(tx, cypher.ALL_NODE_ROW_DIGESTS)}
        self._kept = (version, every)
        return every


def read_row_digests(
    tx: ManagedTransaction, keys: Sequence[RecordKey], cache: NodeRowCache | None = None
) -> dict[RecordKey, str]:
    """The import-row digests stored with these records (one list per statement).

    An empty store (the first import) is told by the count store at once.
    Nodes come from ``cache`` when it has them or many are asked.
    """
    out: dict[RecordKey, str] = {}
    total = int(tx.run(cypher.COUNT_NODES).single(strict=True)["count"]) if keys else 0
    if not total:
        return out
    ids = [k for k in keys if isinstance(k, str)]
    every = cache.digests(tx, len(ids), total) if cache is not None and ids else None
    if every is not None:
        for node_id in ids:
            kept = every.get(node_id)
            if kept is not None:
                out[node_id] = kept
    else:
        for chunk in chunks(ids, READ_CHUNK):
            for node_id, row_digest in collected(tx, cypher.NODE_ROW_DIGESTS, ids=chunk):
                out[node_id] = row_digest
    by_type: dict[str, list[dict[str, str]]] = defaultdict(list)
    for key in keys:
        if not isinstance(key, str):
            by_type[key[1]].append({"source": key[0], "target": key[2]})
    for type_name, rows in by_type.items():
        found = stored_relationships(tx, type_name, rows, row_digests=True)
        for (source, target), row_digest in found.items():
            if row_digest is not None:
                out[(source, type_name, target)] = row_digest
    return out


def write_records(
    tx: ManagedTransaction,
    nodes: list[NodeRecord],
    rels: list[RelRecord],
    *,
    row_digests: Mapping[RecordKey, str] | None,
    progress: ProgressCallback | None,
) -> WriteStats:
    """Write the nodes and relationships that changed; raise :class:`Conflict` on bad ends.

    Conditions (``create_only``, ``expect``) are checked by the caller first.
    """
    stats = WriteStats()
    rows_left: dict[RecordKey, str] = dict(row_digests or {})
    new_ids: set[str] = set()
    # Element ids of the nodes this write created or rewrote (and so holds locked):
    # a relationship between two of them is created by element id, no index seek.
    written = _Written()
    changed = _write_nodes(tx, nodes, stats, progress, new_ids, rows_left, written)
    # Derived first, as the embedded store does, so that an explicit
    # relationship equal to one just derived counts as unchanged. A node that
    # did not exist before this write has no relationship yet: its derived
    # ones are created outright.
    derived_list = [r for n in changed for r in derived_relationships(n)]
    derived = {r.key: r for r in derived_list}  # the last of a key wins, as in SQLite
    short = _put_relationships(
        tx,
        derived,
        absent={k for k, r in derived.items() if r.owner in new_ids},
        rows_left={},
        written=written,
    )
    written.ids()  # every node statement has answered
    fresh, absent = _fresh_relationships(tx, rels, stats, progress, new_ids, derived)
    for rel in fresh:
        stats.by_label[rel.type] = stats.by_label.get(rel.type, 0) + 1
    short += _put_relationships(
        tx, {r.key: r for r in fresh}, absent=absent, rows_left=rows_left, written=written
    )
    if short:
        # A MATCH found no endpoint for some rows: name every missing one.
        ends = {e for r in [*derived.values(), *fresh] for e in (r.source, r.target)}
        missing = missing_ids(tx, ends)
        shown = ", ".join(repr(m) for m in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        raise Conflict(f"references to ids that exist nowhere: {shown}{more}")
    stats.relationships_written += len(derived_list) + len(fresh)
    if rows_left:
        _set_row_digests(tx, rows_left)
    return stats


def _write_nodes(
    tx: ManagedTransaction,
    nodes: list[NodeRecord],
    stats: WriteStats,
    progress: ProgressCallback | None,
    new_ids: set[str],
    rows_left: dict[RecordKey, str],
    written: _Written,
) -> list[NodeRecord]:
    """Write the nodes that changed; ``new_ids`` receives those that did not exist.

    ``written`` receives the statements, whose answers (the element id of
    every node written) are read only when first needed.

    What is stored is read first, for all nodes; then each chunk's rows are
    built while the server still runs the statement before (results are read
    at the end: the driver pipelines the statements of a transaction).
    A node's digest is computed only when it is compared: with what is
    stored, or with an earlier node of the same id in this write.
    """
    existing: dict[str, tuple[str | None, str | None]] = {}
    for part in chunks([n.id for n in nodes], READ_CHUNK):
        for node_id, label, props in collected(tx, cypher.EXISTING_NODES, ids=part):
            existing[node_id] = (label, stored_digest(props) if label is not None else None)
    seen: dict[str, NodeRecord] = {}
    changed: list[NodeRecord] = []
    pending, results = written.pending, written.results
    for start in range(0, len(nodes), WRITE_CHUNK):
        chunk = nodes[start : start + WRITE_CHUNK]
        replaced: dict[str, list[dict[str, Any]]] = defaultdict(list)
        created: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for node in chunk:
            old = existing.get(node.id)
            if old is not None and old[0] is None:
                old = None  # created just now by a create-only write
            if old is not None and old[0] != node.label:
                raise Conflict(f"id {node.id!r} is already used by a {old[0]}, not a {node.label}")
            first = seen.get(node.id)
            if first is not None:
                if first.label != node.label or digest(first.props) != digest(node.props):
                    raise Conflict(f"id {node.id!r} is written twice with different values")
                stats.nodes_unchanged += 1
                continue
            seen[node.id] = node
            if old is not None and old[1] == digest(node.props):
                stats.nodes_unchanged += 1
                continue
            row = node_row(node)
            if node.id in rows_left:
                row["props"]["_row"] = rows_left.pop(node.id)
            if node.id in existing:  # stored, or made just now by a create-only write
                replaced[node.label].append(row)
            else:
                created[node.label].append(row)
                new_ids.add(node.id)
            stats.by_label[node.label] = stats.by_label.get(node.label, 0) + 1
            stats.nodes_written += 1
            changed.append(node)
        # Only nodes that existed can own relationships already.
        stored_ids = [r["id"] for rows in replaced.values() for r in rows]
        if stored_ids:
            pending.append(tx.run(cypher.DROP_OWNED_RELS, ids=stored_ids))
        for entity_label, rows in replaced.items():
            results.append(tx.run(cypher.upsert_nodes(entity_label), rows=rows))
        for entity_label, rows in created.items():
            keys, extra, values = as_columns([r["props"] for r in rows])
            query = cypher.create_nodes_from_columns(entity_label, keys, extra)
            results.append(tx.run(query, rows=values))
        if progress:
            progress(len(chunk))
    return changed


class _Written:
    """The node statements of a write, and the element ids they answer, read when first needed.

    The client builds the relationship rows while the server still runs the
    node statements; only then does it wait for them.
    """

    def __init__(self) -> None:
        self.pending: list[Result] = []
        self.results: list[Result] = []
        self._ids: dict[str, str] | None = None

    def ids(self) -> dict[str, str]:
        if self._ids is None:
            for result in self.pending:
                result.consume()
            self._ids = {}
            for result in self.results:
                self._ids.update(result.single(strict=True)["rows"])
        return self._ids


def _fresh_relationships(
    tx: ManagedTransaction,
    rels: list[RelRecord],
    stats: WriteStats,
    progress: ProgressCallback | None,
    new_ids: set[str],
    derived: dict[RelKey, RelRecord],
) -> tuple[list[RelRecord], set[RelKey]]:
    """The relationships that are new or changed, and the keys of those that are new.

    A relationship is looked up only when both its ends existed before this
    write and it was not derived in it.
    """
    # What is stored cannot change while this loop runs: ask for everything first.
    ask: dict[str, list[dict[str, str]]] = defaultdict(list)
    for rel in rels:
        if rel.key not in derived and rel.source not in new_ids:
            if rel.target not in new_ids:
                ask[rel.type].append({"source": rel.source, "target": rel.target})
    stored: dict[RelKey, str | None] = {}
    for type_name, rows in ask.items():
        found = stored_relationships(tx, type_name, rows, row_digests=False)
        for (source, target), rel_hash in found.items():
            stored[(source, type_name, target)] = rel_hash
    fresh: list[RelRecord] = []
    absent: set[RelKey] = set()
    for chunk in chunks(rels, WRITE_CHUNK):
        for rel in chunk:
            key = rel.key
            same = derived.get(key)
            known = same is not None or key in stored
            old = digest(same.props) if same is not None else stored.get(key)
            if known and old == digest(rel.props):
                stats.relationships_unchanged += 1
                continue
            if not known:
                absent.add(key)
            fresh.append(rel)
        if progress:
            progress(len(chunk))
    return fresh, absent


def _put_relationships(
    tx: ManagedTransaction,
    latest: dict[RelKey, RelRecord],
    *,
    absent: set[RelKey],
    rows_left: dict[RecordKey, str],
    written: _Written,
) -> int:
    """Create (keys in ``absent``) or replace relationships; how many rows found no endpoint.

    Every row is built before the first statement is sent (the server is
    still writing the nodes meanwhile). New relationships between two nodes
    ``written`` find their ends by element id; the others by ``id``, through
    the index.
    """
    merged: dict[str, list[RelRecord]] = defaultdict(list)
    created: dict[str, list[RelRecord]] = defaultdict(list)
    for key, rel in latest.items():
        (created if key in absent else merged)[rel.type].append(rel)
    replaced: list[tuple[str, list[dict[str, Any]]]] = []
    new: list[tuple[str, list[str], bool, list[list[Any]]]] = []
    for is_new, by_type in ((False, merged), (True, created)):
        for type_name, rels in by_type.items():
            for part in chunks(rels, WRITE_CHUNK):
                rows = []
                for rel in part:
                    row = rel_row(rel)
                    if rel.key in rows_left:
                        row["props"]["_row"] = rows_left.pop(rel.key)
                    rows.append(row)
                if not is_new:
                    replaced.append((type_name, rows))
                    continue
                ends = [[r["source"], r["target"]] for r in rows]
                keys, extra, values = as_columns([r["props"] for r in rows], ends)
                new.append((type_name, keys, extra, values))
    element_ids = written.ids()
    pending: list[tuple[Result, int]] = []
    for type_name, rows in replaced:
        query = cypher.merge_relationships(type_name)
        pending.append((tx.run(query, rows=rows), len(rows)))
    for type_name, keys, extra, values in new:
        by_element: list[list[Any]] = []
        by_id: list[list[Any]] = []
        for value_row in values:
            source, target = element_ids.get(value_row[0]), element_ids.get(value_row[1])
            if source is not None and target is not None:
                value_row[0], value_row[1] = source, target
                by_element.append(value_row)
            else:
                by_id.append(value_row)
        for group, ends_by_element in ((by_element, True), (by_id, False)):
            if group:
                query = cypher.create_relationships_from_columns(
                    type_name, keys, extra, by_element=ends_by_element
                )
                pending.append((tx.run(query, rows=group), len(group)))
    return sum(n - int(result.single(strict=True)["written"]) for result, n in pending)


def _set_row_digests(tx: ManagedTransaction, digests: Mapping[RecordKey, str]) -> None:
    """Remember row digests of records this write did not rewrite."""
    rows = [{"id": k, "digest": d} for k, d in digests.items() if isinstance(k, str)]
    for chunk in chunks(rows, WRITE_CHUNK):
        tx.run(cypher.SET_NODE_ROW_DIGESTS, rows=chunk).consume()
    by_type: dict[str, list[dict[str, str]]] = defaultdict(list)
    for key, value in digests.items():
        if not isinstance(key, str):
            by_type[key[1]].append({"source": key[0], "target": key[2], "digest": value})
    for type_name, rel_rows in by_type.items():
        for chunk in chunks(rel_rows, WRITE_CHUNK):
            tx.run(cypher.set_rel_row_digests(type_name), rows=chunk).consume()
