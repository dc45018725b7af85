"""Properties of the embedded store that only a file-backed store has.

The behaviour every store shares is in ``test_contract.py``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

from graph.model import NodeRecord
from graph.store import open_store
from graph.store.sqlite import SQLiteStore


def _orgs(n: int, prefix: str = "o") -> list[NodeRecord]:
    return [
        NodeRecord("Organization", f"{prefix}{i}", {"name": f"עמותה {i}", "sector": "nonprofit"})
        for i in range(n)
    ]


def test_file_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    with SQLiteStore(path) as store:
        store.write(_orgs(3))
        version = store.graph_version()
    with open_store(f"sqlite:///{path}") as again:
        assert again.counts().nodes == {"Organization": 3}
        assert again.graph_version() == version
        assert again.get("o1") is not None
        assert again.get("o1").props["name"] == "עמותה 1"  # type: ignore[union-attr]


def test_readers_never_see_half_an_import(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    writer = SQLiteStore(path)
    reader = SQLiteStore(path)
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(reader.count("Organization"))

    thread = threading.Thread(target=read)
    thread.start()
    try:
        writer.write(_orgs(20_000))
    finally:
        done.set()
        thread.join()
    seen.add(reader.count("Organization"))
    assert seen <= {0, 20_000}
    assert 20_000 in seen
    writer.close()
    reader.close()


def test_failed_write_leaves_file_as_it_was(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "g.db")
    store.write(_orgs(5))
    before = store.counts()
    bad = [*_orgs(100, "n"), NodeRecord("Role", "r1", {"name": "x", "organization_id": "nowhere"})]
    try:
        store.write(bad)
    except Exception as exc:  # the store names the dangling id
        assert "nowhere" in str(exc)
    else:  # pragma: no cover - the write must fail
        raise AssertionError("a dangling reference was written")
    assert store.counts() == before
    store.close()


def test_a_new_store_has_8k_pages_and_an_older_store_keeps_its_own(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "new.db") as store:
        store.write([NodeRecord("Organization", "o1", {"name": "א"})], [])
    with contextlib.closing(sqlite3.connect(tmp_path / "new.db")) as conn:
        assert conn.execute("PRAGMA page_size").fetchone() == (8192,)
    older = tmp_path / "older.db"
    with contextlib.closing(sqlite3.connect(older)) as conn:  # as SQLite makes it by default
        conn.execute("PRAGMA page_size = 4096")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
    with SQLiteStore(older) as store:
        store.write([NodeRecord("Organization", "o1", {"name": "א"})], [])
        assert store.get("o1") is not None
    with contextlib.closing(sqlite3.connect(older)) as conn:
        assert conn.execute("PRAGMA page_size").fetchone() == (4096,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
