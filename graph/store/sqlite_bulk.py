"""A first import into an empty SQLite store, written while the import still reads.

An import reads and validates file after file, checks the whole batch, then
writes it. Into an empty store, :class:`BulkLoad` starts writing earlier: the
records are handed over while the files are read (every
:attr:`BulkLoad.hand_over_every` rows and at the end of each file;
:meth:`BulkLoad.add`), and a writer thread inserts them in one transaction
on its own connection while the import reads the next file and checks the
batch. SQLite releases the interpreter's lock while it works, so on a machine
with two cores the inserts and the index builds run beside the reading.

While it runs it holds the store's write lock (other writers wait, as they
wait for any import's write), and nothing of it is visible before the import
decides: the transaction
(``BEGIN IMMEDIATE``, the store's write lock) is committed by
:meth:`BulkLoad.finish` only when the checked batch is exactly what was
handed over (no row failed, no id repeated, nothing dropped); anything else,
and any error on either side, rolls it back (:meth:`BulkLoad.abort`) and the
import writes through :meth:`SQLiteStore.write` as before. What it commits is
what that bulk write would have stored, table by table
(``tests/store/test_sqlite_bulk_load.py``).

Every first import into an empty store in a file gets a load, however busy the
machine (:data:`USE_THREAD`). An earlier version started one only beside a free
core (a load average below the cores less half), as its thread then cost more
CPU than it saved; now the import with the thread takes less CPU than without it
(the thread makes the index keys and derived relationships in SQL), and measured
on 2 cores a 100k-row first import took 1.90-1.96 s against 2.48-2.56 s with one
other process busy, 2.50-2.55 s against 3.75-3.82 s with two, 4.06-4.23 s
against 5.94-6.73 s with four, and 2.33-2.36 s against 2.46-2.51 s on one core.

The writer thread gets each chunk of rows as one JSON text (orjson's UTF-8
bytes as they are, read as text by SQLite), inserted by one statement
(``INSERT ... SELECT ... FROM json_each(CAST(? AS TEXT))``): SQLite then holds
the interpreter's lock free for the whole chunk, where ``executemany`` takes
it back for every row and would wait on the reading thread each time.
The nodes' index keys and derived relationships are not sent: the thread
makes them from the nodes it inserted, by SQL (:mod:`graph.store.sqlite_derived`,
the ``DERIVE`` job), so the reading side saves that work.

The commit does not copy the pages into the database file (SQLite's automatic
checkpoint is off on the thread's connection): the import returns once its
transaction is in the write-ahead log, where every reader sees it, and the
thread then copies the log into the file (a passive checkpoint, which waits
for no reader or writer) while the import reports. That copy was a sixth of a
100k-row first import; :meth:`SQLiteStore.close` waits for it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from operator import attrgetter
from types import UnionType
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin

from graph.model import EDGE_MODELS, NODE_MODELS, NodeRecord, RelRecord, derived_relationships
from graph.store import sqlite_derived
from graph.store.base import RecordKey, canonical_json
from graph.store.bulk import ABORT, FINISH, SEAL, ThreadedBulkLoad
from graph.store.fastjson import _plain, dumps_rows

if TYPE_CHECKING:
    from graph.store.sqlite import SQLiteStore

__all__ = ["USE_THREAD", "BulkLoad"]

#: Whether a first import into an empty store is written by the thread while it reads (see
#: above). ``bench/bench_import.py --writer off`` turns it off, to compare.
USE_THREAD = True


#: The job that makes the index keys and derived relationships of the nodes inserted since the last.
DERIVE = "derive"
#: The job that makes most secondary indexes before the seal, while the import reads on:
#: queued at the first send of relationships only (the files of nodes are read).
INDEX_EARLY = "index early"
#: The indexes it makes: those of the nodes' tables, whole by then, and two of ``rels``,
#: which by then holds the relationships the nodes imply (most of them), and whose
#: later rows land at a few places (explicit relationships have no owner, and come type
#: by type). ``rels(target, type)`` would take later rows all over: it waits for the seal.
#: Measured on a 100k-row first import (2 cores): 0.05 s less with the nodes' indexes
#: early, 0.02 s less again with the two of ``rels``; with ``rels_target`` early too, no gain.
_EARLY_INDEXES = ("nodes_label", "node_keys_kv", "node_keys_node", "rels_owner", "rels_type")
#: The page cache while the seal makes the last index (KiB, negative): the new index pages
#: push older pages into the log then, while the import checks the batch, and the commit
#: has less to write (0.04 s less measured, commit 0.08 s before).
_SEAL_CACHE = -16384

_ID = attrgetter("id")
_LABEL = attrgetter("label")
_TYPE = attrgetter("type")
_PROPS = attrgetter("props")
_SOURCE = attrgetter("source")
_TARGET = attrgetter("target")
_OWNER = attrgetter("owner")
#: A relationship's key, as ``RelRecord.key`` makes it.
_KEY = attrgetter("source", "type", "target")


def _or_blank(value: str | None) -> str:
    """A missing row digest or owner as it travels to the thread ("", see below)."""
    return value or ""


#: Rows per statement handed to the writer thread.
_CHUNK_ROWS = 25000

# A missing row digest or owner travels as "" (no ``null`` in the rows: see
# graph.store.fastjson), which no real digest or owner is.
_INSERT_NODES = (
    "INSERT INTO nodes(id, label, props, search, row_digest) "
    "SELECT value->>0, value->>1, value->>2, value->>3, NULLIF(value->>4, '') "
    "FROM json_each(CAST(? AS TEXT))"
)
_INSERT_RELS = (
    "INSERT OR REPLACE INTO rels(source, type, target, props, owner, row_digest) "
    "SELECT value->>0, value->>1, value->>2, value->>3, NULLIF(value->>4, ''), "
    "NULLIF(value->>5, '') FROM json_each(CAST(? AS TEXT))"
)
_ROWS_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode

# Properties may also travel as JSON objects inside the rows (not as escaped text),
# and SQLite's ``->`` gives each object's text back: it copies every string and
# number token as it came and adds no space, so with the encoder of canonical_json
# (sorted keys, compact) the text is canonical_json's, byte for byte. This saves
# encoding each record's properties twice; :func:`_objects_come_back_whole`
# checks it on the SQLite at hand first.
_ROWS_JSON_OBJECTS = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
).encode
_INSERT_NODES_OBJECTS = _INSERT_NODES.replace("value->>2", "value->2")
_INSERTS_NODES = (_INSERT_NODES, _INSERT_NODES_OBJECTS)
_INSERT_RELS_OBJECTS = _INSERT_RELS.replace("value->>3", "value->3")


def _as_is(props: dict[str, Any]) -> dict[str, Any]:
    return props


@functools.cache
def _objects_come_back_whole() -> bool:
    """Whether this SQLite gives a JSON object inside rows back as canonical_json's text."""
    sample: dict[str, Any] = {
        "b": [1, 2.5, 1e16, -0.0, 1e-7, 123456789012345678901, None, True, False],
        "a": 'q"\\/\n\t\x01\x7fé\u2028 \U0001f600',
        "c": {"z": {}, "a": [], "m": [{"y": "ש", "x": ""}]},
    }
    try:
        with contextlib.closing(sqlite3.connect(":memory:")) as conn:
            row = conn.execute(
                "SELECT value->1 FROM json_each(?)", (_ROWS_JSON_OBJECTS([["x", sample]]),)
            ).fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == canonical_json(sample)


def _surely_plain(annotation: Any) -> bool:
    """Whether a model field of this annotation holds, as the import makes records, only values
    orjson writes as canonical_json does: text, integers, booleans, ``None`` and lists of them.

    Not floats (orjson writes some of them otherwise: :mod:`graph.store.fastjson`) and
    nothing else: their values are checked per record.

    >>> _surely_plain(str | None), _surely_plain(list[str]), _surely_plain(float | None)
    (True, True, False)
    """
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        return all(_surely_plain(a) for a in args)
    if origin is list:
        return len(args) == 1 and _surely_plain(args[0])
    if origin is Literal:
        return all(type(a) in (str, int, bool) for a in args)
    if annotation in (str, int, bool, type(None)):
        return True
    # A text enum: the models' JSON dump and the fast path give its value (text).
    return isinstance(annotation, type) and issubclass(annotation, StrEnum)


@functools.cache
def _fields_to_check(kind: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """For a record of ``kind`` (a label or a relationship type): the fields its model
    declares, and those of them whose values must be checked before orjson writes them
    (:func:`_surely_plain`); ``None`` for a kind without a model (every value is checked).

    The import makes its records with the models (``importers.fastrow``, or pydantic's JSON
    dump), so a declared field holds what its annotation says; a property the model does not
    declare (an extra column) is checked with the rest of the record.
    """
    model = NODE_MODELS.get(kind) or EDGE_MODELS.get(kind)
    if model is None:
        return None
    fields = model.model_fields
    unsure = tuple(sorted(n for n, f in fields.items() if not _surely_plain(f.annotation)))
    return frozenset(fields), unsure


def _props_plain(kind: str, props: dict[str, Any]) -> bool:
    """Whether orjson writes ``props`` of a record of ``kind`` as canonical_json does.

    For a record its model made, the answer walking every value would give
    (:func:`graph.store.fastjson._plain`), found by looking only at what the model does
    not vouch for.
    """
    check = _fields_to_check(kind)
    if check is None or not check[0].issuperset(props):
        return _plain(props.values())
    return not check[1] or _plain([props.get(f) for f in check[1]])


class BulkLoad(ThreadedBulkLoad):
    """Records of an import into an empty store, written by a thread until the import decides.

    Made by :meth:`SQLiteStore.bulk_load`. Records are kept until at least
    ``threshold`` of them have come (a small import never starts the thread);
    the writer then opens the transaction, checks that the store is still
    empty, drops the secondary indexes and inserts what it is given. The
    rows are made on the reading side (:meth:`_send`), the thread only runs
    SQLite. The life cycle is :class:`graph.store.bulk.ThreadedBulkLoad`'s.

    Parameters
    ----------
    store : SQLiteStore
        An empty store in a file.
    threshold : int
        Records to wait for before writing (the store's bulk-write threshold).
    """

    #: Records are handed over every this many rows read (not only at the end of each file),
    #: so that the thread starts and works earlier (:func:`importers.tabular.records_to`).
    hand_over_every = 8192

    #: The thread waits on SQLite, outside the interpreter: it gets the lock back sooner.
    #: Measured on a 100k-row first import (2 cores): 0.1 s less at 1 ms or 0.5 ms than at
    #: Python's 5 ms, no further gain at 0.2 ms. (Not for Neo4j, whose writer thread
    #: packs the records in Python: there it made the import slower.)
    switch_interval = 0.0005

    def __init__(self, store: SQLiteStore, threshold: int) -> None:
        super().__init__(store, threshold)
        self._store = store
        self._ids: set[str] = set()
        self._rel_keys: set[tuple[str, str, str]] = set()
        self._derived_types: set[str] = set()
        self._explicit_types: set[str] = set()
        self._indexed_early = False
        self._objects = _objects_come_back_whole()
        #: Set once the thread has committed, or has failed (then ``_committed`` stays False).
        self._landed = threading.Event()
        #: Set while the thread holds the store's write lock on a store it found empty.
        self._empty_held = threading.Event()

    def _send(
        self,
        nodes: Sequence[NodeRecord],
        relationships: Sequence[RelRecord],
        row_digests: Mapping[RecordKey, str],
    ) -> None:
        """The rows of these records, as :meth:`SQLiteStore.write` would make them, queued."""
        from graph.store.sqlite import _dumps, _props_text, _search_text

        # Properties as objects (SQLite makes their text) or as their text.
        whole = self._objects
        props_of = _as_is if whole else _dumps
        rel_props_of = _as_is if whole else _props_text
        ids, stats = self._ids, self._stats
        # Whether every value of the rows is one orjson writes as canonical_json does, found
        # field by field (_props_plain); else dumps_rows walks every value, as for text props.
        # Column by column (C-level getters and maps), not record by record: what a loop over
        # 100k records would do per record, for a few calls per hand-over.
        node_ids = list(map(_ID, nodes))
        before = len(ids)
        ids.update(node_ids)
        if len(ids) != before + len(node_ids):  # an id handed over twice: the import reports
            self.unusable = True  # it, and the write path decides
            return
        digests = list(map(row_digests.get, node_ids))
        if "" in digests:  # would come back as no digest: the write path writes it
            self.unusable = True
            return
        node_labels = list(map(_LABEL, nodes))
        node_props = list(map(_PROPS, nodes))
        node_rows = list(
            zip(
                node_ids,
                node_labels,
                map(props_of, node_props),
                map(_search_text, nodes),
                map(_or_blank, digests),
                strict=True,
            )
        )
        sure = whole and all(map(_props_plain, node_labels, node_props))
        # The thread makes the index keys, and the derived relationships of the labels
        # sqlite_derived has rules for, from the nodes it inserted (the DERIVE job).
        # What the statements read must be text, or the write path writes (sqlite_derived).
        unchecked, texts = sqlite_derived.unchecked, sqlite_derived.texts
        for node in [n for n in nodes if not unchecked(n.label).isdisjoint(n.props)]:
            if not texts([node.props], unchecked(node.label)):
                self.unusable = True
                return
        labels = set(node_labels)
        for label in labels:
            self._derived_types.update(sqlite_derived.types_of(label))
        derived: list[RelRecord] = []
        if not all(map(sqlite_derived.handled, labels)):
            handled = sqlite_derived.handled
            derived = [r for n in nodes if not handled(n.label) for r in derived_relationships(n)]
        if any(r.owner == "" for r in derived):  # "" would come back as no owner
            self.unusable = True
            return
        self._derived_types.update(r.type for r in derived)
        rel_rows: list[tuple[Any, ...]] = [
            (r.source, r.type, r.target, rel_props_of(r.props), r.owner or "", "") for r in derived
        ]
        if sure and derived:  # made by the rules, not by a model: every value is checked
            sure = all(_plain(r.props.values()) for r in derived)
        keys = self._rel_keys
        rel_keys = list(map(_KEY, relationships))
        before = len(keys)
        keys.update(rel_keys)
        if len(keys) != before + len(rel_keys):  # a key handed over twice
            self.unusable = True
            return
        rel_digests = list(map(row_digests.get, rel_keys))
        owners = list(map(_OWNER, relationships))
        if "" in rel_digests or "" in owners:  # as for nodes: "" would come back as None
            self.unusable = True
            return
        rel_types = list(map(_TYPE, relationships))
        rel_props = list(map(_PROPS, relationships))
        self._explicit_types.update(rel_types)
        rel_rows.extend(
            zip(
                map(_SOURCE, relationships),
                rel_types,
                map(_TARGET, relationships),
                map(rel_props_of, rel_props),
                map(_or_blank, owners),
                map(_or_blank, rel_digests),
                strict=True,
            )
        )
        if sure:
            sure = all(map(_props_plain, rel_types, rel_props))
        if not self._explicit_types.isdisjoint(self._derived_types):
            self.unusable = True  # an explicit relationship of a derived type: the write path
            return
        counts = Counter(node_labels)  # here, not record by record in the loops above
        counts.update(rel_types)
        for kind, count in counts.items():
            stats.by_label[kind] = stats.by_label.get(kind, 0) + count
        stats.nodes_written += len(nodes)
        stats.relationships_written += len(derived) + len(relationships)
        encode = _ROWS_JSON_OBJECTS if whole else _ROWS_JSON
        try:
            self._put(_INSERT_NODES_OBJECTS if whole else _INSERT_NODES, node_rows, encode, sure)
            if node_rows:  # their keys and derived relationships, made by the thread
                self._jobs.put((DERIVE, "\n".join(sorted(labels))))
            self._put(_INSERT_RELS_OBJECTS if whole else _INSERT_RELS, rel_rows, encode, sure)
            if not nodes and relationships and not self._indexed_early:
                # A file of relationships: the files of nodes (FILE_MODELS' order) are read.
                # Should nodes still come (a later file), SQLite adds them to the indexes.
                self._indexed_early = True
                self._jobs.put((INDEX_EARLY, ""))
        except (TypeError, ValueError):  # a value JSON cannot hold: the write path says why
            self.unusable = True

    def _put(
        self, sql: str, rows: list[Any], encode: Callable[[Any], str], checked: bool = False
    ) -> None:
        """Queue ``rows`` for ``sql``, as JSON of at most :data:`_CHUNK_ROWS` rows.

        ``checked``: every value is known to be written alike by orjson (``dumps_rows``).
        orjson's JSON goes as it is made, UTF-8 bytes (the statements read their parameter
        as text): made into a Python text and back, 22 MB of a 100k-row import cost the
        reading thread 0.026 s and the writer 0.024 s, the writer holding the interpreter's
        lock for it (sqlite3 binds a text parameter as UTF-8).
        """
        for start in range(0, len(rows), _CHUNK_ROWS):
            chunk = rows[start : start + _CHUNK_ROWS]
            fast = dumps_rows(chunk, checked=checked)
            self._jobs.put((sql, encode(chunk) if fast is None else fast))

    def keys_were_unique(self, relationships: int) -> bool:
        # Every key handed over went into _rel_keys (a repeated one makes the load unusable).
        return not self._held and len(self._rel_keys) == self.relationships_added == relationships

    def holds_store_empty(self) -> bool:
        # The thread's BEGIN IMMEDIATE holds SQLite's write lock: no other connection,
        # of this process or another, can write before it commits or rolls back.
        return self._empty_held.is_set()

    def _let_go(self) -> None:
        super()._let_go()
        self._ids = set()
        self._rel_keys = set()

    def _wait_for_commit(self) -> None:
        """Return once the thread has committed (it may still be checkpointing) or failed."""
        self._landed.wait()

    @property
    def settled(self) -> bool:
        """Whether the thread has nothing left to do (never started, or ended)."""
        return self._thread is None or not self._thread.is_alive()

    def settle(self) -> None:
        """Wait for the checkpoint after a commit, if it still runs (the store closes)."""
        if self._committed and self._thread is not None:
            self._thread.join()

    # -- the writer thread ----------------------------------------------------------------
    def _write(self) -> None:
        from graph.store.sqlite import _BULK_CACHE, _INDEXES

        store = self._store
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(store.path, isolation_level=None, timeout=60)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA wal_autocheckpoint = 0")  # checkpointed after the commit
            conn.execute("BEGIN IMMEDIATE")
            if not store._empty(conn):
                raise RuntimeError("the store is no longer empty")
            self._empty_held.set()  # until the thread commits or rolls back (below)
            for name in _INDEXES:
                conn.execute(f"DROP INDEX IF EXISTS {name}")
            conn.execute(f"PRAGMA cache_size = {_BULK_CACHE}")
            mark: str | None = None
            checked = False
            derived = 0  # relationships the DERIVE jobs wrote
            done = 0  # the last rowid of the nodes they read
            last = 0  # the last rowid of the nodes inserted
            while True:
                sql, payload = self._jobs.get()
                if sql == ABORT:
                    self._empty_held.clear()
                    conn.execute("ROLLBACK")
                    return
                if sql == FINISH:
                    mark = payload or None
                    break
                if sql == DERIVE:  # payload: the labels of the nodes inserted since the last
                    statement = sqlite_derived.derived_statement(frozenset(payload.split("\n")))
                    if statement is not None:
                        derived += conn.execute(statement, (done,)).rowcount
                    conn.execute(sqlite_derived.KEYS, (done,))
                    done = last
                    continue
                if sql == INDEX_EARLY:
                    for name in _EARLY_INDEXES:
                        conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {_INDEXES[name]}")
                    continue
                if sql == SEAL:
                    conn.execute(f"PRAGMA cache_size = {_SEAL_CACHE}")
                    for name, on in _INDEXES.items():
                        conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")
                    # Every record is in: the ends are checked while the import checks the batch.
                    store._check_all_endpoints(conn)
                    checked = True
                    continue
                cursor = conn.execute(sql, (payload,))
                if sql in _INSERTS_NODES:
                    last = cursor.lastrowid or last
            if not checked:
                store._check_all_endpoints(conn)
            # The reading side has sealed and waits for this thread: no race on the stats.
            self._stats.relationships_written += derived
            store._bump(conn)
            if mark is not None:
                store._set_import_mark(conn, mark)
            self._empty_held.clear()
            conn.execute("COMMIT")
            self._committed = True
        except BaseException as exc:  # any error: nothing of this write stays
            self._empty_held.clear()
            self._error = exc
            if conn is not None:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # rolled back already (a full disk, say)
        finally:
            self._landed.set()  # the import goes on; the log is copied into the file below
            if conn is not None:
                try:
                    if self._committed:
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    pass  # the next checkpoint (any connection's) copies it
                finally:
                    conn.close()
