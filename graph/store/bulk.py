"""What both stores' first-import writers share: a thread, and the import's verdict.

:class:`graph.store.sqlite_bulk.BulkLoad` and
:class:`graph.store.neo4j_bulk.Neo4jBulkLoad` write a first import into an
empty store while the import still reads (:meth:`graph.store.base.GraphStore.bulk_load`).
Their life cycle is this class: records are held until ``threshold`` of them
have come (a small import never starts a thread); then one writer thread
(:meth:`ThreadedBulkLoad._write`, each store's own) takes jobs from a queue,
inside one transaction. :meth:`~ThreadedBulkLoad.seal` says the reading is
done, :meth:`~ThreadedBulkLoad.finish` commits only when the import writes
exactly the records handed over, and :meth:`~ThreadedBulkLoad.abort` rolls
back. Nothing here raises into the import: whatever goes wrong only means
that the import writes as before.

The writer thread's loop answers three jobs besides its store's own:
``(SEAL, "")``, ``(FINISH, import_mark or "")`` (commit, then set
``_committed``) and ``(ABORT, "")`` (roll back and return).

A store whose writer thread spends its time outside the interpreter (SQLite)
sets :attr:`ThreadedBulkLoad.switch_interval`: while its thread runs, the
interpreter hands its lock between threads more often (:class:`_Switching`).
Each time the writer comes back from its store it needs the lock, which the
reading thread, busy in Python, otherwise keeps for up to 5 ms.
"""

from __future__ import annotations

import queue
import sys
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graph.model import NodeRecord, RelRecord
from graph.store.base import GraphStore, RecordKey, WriteStats

__all__ = ["ABORT", "FINISH", "SEAL", "ThreadedBulkLoad"]

SEAL = "seal"
FINISH = "finish"
ABORT = "abort"

Records = tuple[list[NodeRecord], list[RelRecord], Mapping[RecordKey, str]]


class _Switching:
    """A shorter switch interval, kept while at least one writer thread runs, then restored.

    The interval is the whole process's: it is only ever lowered (the shortest
    asked for, or a shorter one set by someone else, holds), and put back as
    found when the last writer is done.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: list[float] = []
        self._saved = 0.0

    def hold(self, interval: float) -> None:
        with self._lock:
            if not self._held:
                self._saved = sys.getswitchinterval()
            self._held.append(interval)
            sys.setswitchinterval(min([self._saved, *self._held]))

    def release(self, interval: float) -> None:
        with self._lock:
            self._held.remove(interval)
            sys.setswitchinterval(min([self._saved, *self._held]))


_SWITCHING = _Switching()


class ThreadedBulkLoad(ABC):
    """Records of an import into an empty store, written by a thread until the import decides.

    Subclasses give :meth:`_send` (hand one file's records to the thread) and
    :meth:`_write` (the thread: open the transaction, answer the jobs).

    Parameters
    ----------
    store : GraphStore
        The store written (its :meth:`graph_version` is the stats' version after a commit).
    threshold : int
        Records to wait for before the thread starts.
    """

    #: The writer thread's name (seen in a profile or a thread dump).
    thread_name = "partnermap-bulk-load"

    #: The interpreter's switch interval (seconds) while the thread runs, or ``None``: Python's
    #: own (5 ms). For a thread that waits on its store outside the interpreter.
    switch_interval: float | None = None

    def __init__(self, store: GraphStore, threshold: int) -> None:
        self._versioned = store
        self._threshold = threshold
        self._held: list[Records] = []
        self._held_count = 0
        self._jobs: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._done = False
        self._sealed = False
        self._committed = False
        #: Set when what was handed over cannot be written this way (a repeated id or key).
        self.unusable = False
        self.nodes_added = 0
        self.relationships_added = 0
        self._stats = WriteStats()
        self._switching = False  # holding the shorter switch interval (_SWITCHING)

    # -- the reading side ----------------------------------------------------------------
    def add(
        self,
        nodes: Sequence[NodeRecord],
        relationships: Sequence[RelRecord],
        row_digests: Mapping[RecordKey, str],
    ) -> None:
        """Hand over the next records of the import (in the order they were read).

        Never raises: anything that goes wrong here only means the import writes as before.
        """
        self.nodes_added += len(nodes)
        self.relationships_added += len(relationships)
        if self.unusable or self._error is not None or self._done or self._sealed:
            self.unusable = True
            return
        try:
            if self._thread is None:
                self._held.append((list(nodes), list(relationships), row_digests))
                self._held_count += len(nodes) + len(relationships)
                if self._held_count < self._threshold:
                    return
                self._thread = threading.Thread(
                    target=self._write, name=self.thread_name, daemon=True
                )
                if self.switch_interval is not None:
                    _SWITCHING.hold(self.switch_interval)
                    self._switching = True
                self._thread.start()
                held, self._held = self._held, []
                for job in held:
                    if not self.unusable:
                        self._send(*job)
                return
            self._send(nodes, relationships, row_digests)
        except Exception:  # the write after the check will meet it, and say what it is
            self.unusable = True

    def seal(self) -> None:
        """No more records: the thread finishes what it can while the import checks."""
        if self._thread is not None and not self._sealed and not self._done:
            self._sealed = True
            self._jobs.put((SEAL, ""))

    def finish(
        self,
        nodes: int,
        relationships: int,
        import_mark: str | None = None,
        meanwhile: Callable[[], object] | None = None,
    ) -> WriteStats | None:
        """Commit, when the import writes exactly the ``nodes`` and ``relationships`` handed over.

        ``import_mark`` is kept with the write, as the store's own write keeps it.
        ``meanwhile`` is called once the thread was told to commit, before waiting for it:
        the reading side lets go of what it no longer needs while the thread commits
        (as this load lets go of what it kept to check the records handed over).

        Returns the write's statistics, or ``None`` when nothing was committed
        (too few records to have started, a repeated key, a count that differs,
        or an error on the writer's side): the import then writes as usual.
        """
        if (
            self._thread is None
            or self._done
            or self.unusable
            or self._error is not None
            or (nodes, relationships) != (self.nodes_added, self.relationships_added)
        ):
            self.abort()
            return None
        self.seal()
        self._done = True
        self._jobs.put((FINISH, "" if import_mark is None else import_mark))
        self._let_go()
        if meanwhile is not None:
            meanwhile()
        self._wait_for_commit()
        self._stop_switching()
        if not self._committed:
            return None
        stats = self._stats
        stats.graph_version = self._versioned.graph_version()
        return stats

    def abort(self) -> None:
        """Roll back whatever was written (idempotent); returns once it is rolled back.

        After a commit there is nothing to roll back: the thread may still be
        tidying up (:meth:`_wait_for_commit`), and is not waited for.
        """
        self._done = True
        self._held = []
        if self._committed:
            self._stop_switching()
            return
        if self._thread is not None and self._thread.is_alive():
            self._jobs.put((ABORT, ""))
            self._thread.join()
        self._stop_switching()

    def _stop_switching(self) -> None:
        if self._switching and self.switch_interval is not None:
            self._switching = False
            _SWITCHING.release(self.switch_interval)

    def keys_were_unique(self, relationships: int) -> bool:
        """Whether these many relationships were handed over, each with a key of its own.

        Known on the reading side only by a load that checks each key as it is handed
        over (the import then need not look for repeated keys again); ``False`` here.
        """
        return False

    def holds_store_empty(self) -> bool:
        """Whether the store is known to hold no record now, and to stay so while this load
        is open: its thread found it empty under a lock that no other writer can take.

        The import's check then need not look records up in the store. What it is told is
        true when asked; should the load fail afterwards, the write after the check meets
        the store as any write does. ``False`` here (a load without such a lock).
        """
        return False

    def _let_go(self) -> None:
        """Drop what the reading side kept of the records handed over (the thread has them)."""
        self._held = []

    def _wait_for_commit(self) -> None:
        """Return once the thread has committed or failed (by default: when it has ended)."""
        assert self._thread is not None
        self._thread.join()

    # -- each store's own -----------------------------------------------------------------
    @abstractmethod
    def _send(
        self,
        nodes: Sequence[NodeRecord],
        relationships: Sequence[RelRecord],
        row_digests: Mapping[RecordKey, str],
    ) -> None:
        """Hand one file's records to the thread (may set :attr:`unusable`)."""

    @abstractmethod
    def _write(self) -> None:
        """The writer thread: one transaction; sets ``_committed`` or ``_error``."""
