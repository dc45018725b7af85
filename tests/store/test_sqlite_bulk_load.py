"""A first import into an empty SQLite store, written while it is read (graph.store.sqlite_bulk).

It must store exactly what the import stored before (the bulk write after
the check), report the same, and keep the import atomic: an import with
errors, or any failure on either side, leaves the store empty and its write
lock free.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from graph.model import NodeRecord, RelRecord
from graph.store import bulk, sqlite_bulk
from graph.store import sqlite as sqlite_store
from graph.store.sqlite import SQLiteStore
from importers import pipeline, registry
from importers.registry import run_import
from importers.synth import generate
from tests.store.bulk_load_helpers import BulkSpy, same_reports, small_folder
from tests.store.sqlite_tables import sqlite_tables

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "importers" / "demo" / "data"


def _import_both_ways(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Any]:
    """The folder imported with the bulk load, then without it: (report, tables) of each."""
    with SQLiteStore(tmp_path / "bulk.db") as store:
        bulk = run_import(store, folder)
    with monkeypatch.context() as m:
        m.setattr(SQLiteStore, "bulk_load", lambda self: None)
        with SQLiteStore(tmp_path / "plain.db") as store:
            plain = run_import(store, folder)
    bulk_tables, plain_tables = (
        sqlite_tables(tmp_path / "bulk.db"),
        sqlite_tables(tmp_path / "plain.db"),
    )
    return (bulk, bulk_tables), (plain, plain_tables)


def test_this_sqlite_gives_json_objects_back_as_canonical_text() -> None:
    # Else every bulk load sends properties as text (tested below too).
    assert sqlite_bulk._objects_come_back_whole()


@pytest.mark.parametrize("objects", [True, False], ids=["props-as-objects", "props-as-text"])
def test_synth_import_stores_what_the_write_after_the_check_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, objects: bool
) -> None:
    folder = tmp_path / "synth"
    counts = generate(10, 5, folder)
    assert sum(counts.values()) > sqlite_store._BULK_RECORDS  # the writer thread starts
    monkeypatch.setattr(sqlite_bulk, "_objects_come_back_whole", lambda: objects)
    spy = BulkSpy(monkeypatch, sqlite_bulk.BulkLoad)
    (bulk, bulk_tables), (plain, plain_tables) = _import_both_ways(folder, tmp_path, monkeypatch)
    assert spy.committed == 1 and spy.given_up == 0
    assert bulk.valid and plain.valid
    same_reports(bulk, plain)
    assert bulk_tables == plain_tables
    assert bulk.stats["nodes_written"] == len(bulk_tables["nodes"])
    with SQLiteStore(tmp_path / "bulk.db") as store:  # the import's mark was kept with it
        assert store.import_mark() is not None


def test_demo_import_with_every_file_kind_stores_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo has the second wave's files (read after the relationship files) too;
    # a low threshold makes the writer start after the first files.
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    spy = BulkSpy(monkeypatch, sqlite_bulk.BulkLoad)
    (bulk, bulk_tables), (plain, plain_tables) = _import_both_ways(DEMO, tmp_path, monkeypatch)
    assert spy.committed == 1
    assert bulk.valid
    same_reports(bulk, plain)
    assert bulk_tables == plain_tables
    # A re-import of the same files is a no-op either way (the row digests were stored).
    with SQLiteStore(tmp_path / "bulk.db") as store:
        again = run_import(store, DEMO)
    assert again.stats["nodes_written"] == 0 and again.stats["relationships_written"] == 0


def test_most_indexes_are_made_once_the_files_of_nodes_are_read_and_later_nodes_still_land(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo's second-wave files bring nodes after the files of relationships: SQLite adds
    # them to the indexes made early, and the store ends as the write after the check makes it.
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        if threading.current_thread().name == sqlite_bulk.BulkLoad.thread_name:
            conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(sqlite_bulk.sqlite3, "connect", traced)
    spy = BulkSpy(monkeypatch, sqlite_bulk.BulkLoad)
    (bulk, bulk_tables), (_, plain_tables) = _import_both_ways(DEMO, tmp_path, monkeypatch)
    assert spy.committed == 1 and bulk.valid
    assert bulk_tables == plain_tables  # every index too

    def at(prefix: str) -> list[int]:
        return [i for i, sql in enumerate(statements) if sql.startswith(prefix)]

    made: dict[str, int] = {}  # where each index was first made (the seal asks for all)
    for i, sql in enumerate(statements):
        if sql.startswith("CREATE INDEX"):
            made.setdefault(sql.split()[5], i)
    assert set(made) == set(sqlite_store._INDEXES)
    early = [made[name] for name in sqlite_bulk._EARLY_INDEXES]
    # orjson's bytes as made (rows with floats orjson might write otherwise go as text)
    assert "json_each(cast(x'" in statements[at("INSERT INTO nodes")[0]].lower()
    member = b'"MEMBER_OF"'.hex().upper()
    explicit = [i for i in at("INSERT OR REPLACE INTO rels") if member in statements[i].upper()]
    # Made together, after the first file of relationships was handed over ...
    assert early == list(range(early[0], early[0] + len(early)))
    assert explicit and explicit[0] < early[0]
    # ... before nodes still to come (the second wave's) and the last relationships,
    assert any(i > early[-1] for i in at("INSERT INTO nodes"))
    assert at("INSERT OR REPLACE INTO rels")[-1] > early[-1]
    # and the last index with a smaller cache, once every record is in.
    seal = statements.index(f"PRAGMA cache_size = {sqlite_bulk._SEAL_CACHE}")
    last = max(at("INSERT INTO nodes")[-1], at("INSERT OR REPLACE INTO rels")[-1])
    assert last < seal < made["rels_target"]


def test_floats_orjson_writes_otherwise_are_stored_as_the_write_after_the_check_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Amounts are floats: 0.00001 and 1.2e16 are written 1e-05 and 1.2e+16 by canonical_json,
    # 1e-5 and 1.2e16 by orjson; the field is checked (the other fields are text or integers).
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    folder = small_folder(tmp_path / "data")
    (folder / "programs.csv").write_text(
        "id,name,operator_id\n" + "".join(f"p{i},תכנית {i},o{i}\n" for i in range(60)),
        encoding="utf-8",
    )
    amounts = ["0.00001", "12000000000000000", *(str(1000 * i) for i in range(2, 60))]
    (folder / "investments.csv").write_text(
        "id,funder_id,program_id,amount\n"
        + "".join(f"i{i},o{i},p{i},{a}\n" for i, a in enumerate(amounts)),
        encoding="utf-8",
    )
    spy = BulkSpy(monkeypatch, sqlite_bulk.BulkLoad)
    (bulk, bulk_tables), (plain, plain_tables) = _import_both_ways(folder, tmp_path, monkeypatch)
    assert spy.committed == 1 and bulk.valid
    same_reports(bulk, plain)
    assert bulk_tables == plain_tables
    props = {row[0]: row[2] for row in bulk_tables["nodes"]}
    assert '"amount":1e-05' in props["i0"] and '"amount":1.2e+16' in props["i1"]


def test_only_what_the_model_does_not_vouch_for_is_checked_before_orjson() -> None:
    # Declared text, integer and list fields are taken as the model makes them; a float
    # field and a property the model does not declare are checked.
    assert sqlite_bulk._fields_to_check("Investment") is not None
    assert sqlite_bulk._fields_to_check("Investment")[1] == ("amount",)  # type: ignore[index]
    assert sqlite_bulk._props_plain("Investment", {"funder_id": "o1", "amount": 1000.0})
    assert not sqlite_bulk._props_plain("Investment", {"funder_id": "o1", "amount": 1e-7})
    assert not sqlite_bulk._props_plain("Investment", {"amount": float("nan")})
    assert sqlite_bulk._props_plain("Organization", {"name": "א", "extra": "text"})
    assert not sqlite_bulk._props_plain("Organization", {"name": "א", "extra": 1e16})
    assert not sqlite_bulk._props_plain("Widget", {"x": 1e-7})  # no model: every value
    assert sqlite_bulk._props_plain("Widget", {"x": [1, "a", None]})


@pytest.mark.parametrize(
    ("org", "partnership", "kind"),
    [
        ("", "o1,o9999,3", "unknown-reference"),  # a reference to nothing, in the last file
        ("", "o1,o2,9", "range"),  # a bad cell in the last file
        ("o5,שוב,nonprofit", "", "duplicate-id"),  # an id given twice
    ],
)
def test_an_import_with_errors_commits_nothing_and_reports_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, org: str, partnership: str, kind: str
) -> None:
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    spy = BulkSpy(monkeypatch, sqlite_bulk.BulkLoad)
    folder = small_folder(tmp_path / "data", org, partnership)
    (bulk, bulk_tables), (plain, _) = _import_both_ways(folder, tmp_path, monkeypatch)
    assert not bulk.valid and [e[0] for e in bulk.flatten()] == [kind]
    same_reports(bulk, plain)
    assert bulk_tables["nodes"] == [] and bulk_tables["rels"] == []
    assert spy.committed == 0
    with SQLiteStore(tmp_path / "bulk.db") as store:  # the write lock is free again
        assert run_import(store, small_folder(tmp_path / "good")).valid


@pytest.mark.parametrize("partnership", ["", "o1,o9999,3"], ids=["committed", "rolled-back"])
def test_the_switch_interval_is_shorter_while_the_writer_runs_and_restored_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, partnership: str
) -> None:
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    seen: list[float] = []
    write = sqlite_bulk.BulkLoad._write

    def watched(load: sqlite_bulk.BulkLoad) -> None:
        seen.append(sys.getswitchinterval())
        write(load)

    monkeypatch.setattr(sqlite_bulk.BulkLoad, "_write", watched)
    before = sys.getswitchinterval()
    assert before > sqlite_bulk.BulkLoad.switch_interval  # Python's own 5 ms
    with SQLiteStore(tmp_path / "g.db") as store:
        report = run_import(store, small_folder(tmp_path / "data", "", partnership))
    assert report.valid is (partnership == "")
    assert seen == [sqlite_bulk.BulkLoad.switch_interval]
    assert sys.getswitchinterval() == before


def test_two_writers_at_once_keep_the_shortest_interval_until_the_last_is_done() -> None:
    switching, before = bulk._Switching(), sys.getswitchinterval()
    switching.hold(0.001)
    switching.hold(0.0005)
    assert sys.getswitchinterval() == 0.0005
    switching.release(0.0005)
    assert sys.getswitchinterval() == 0.001
    switching.release(0.001)
    assert sys.getswitchinterval() == before


def test_a_partial_import_writes_the_valid_rows_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    folder = small_folder(tmp_path / "data", "", "o1,o9999,3")
    with SQLiteStore(tmp_path / "g.db") as store:
        report = run_import(store, folder, partial=True)
        assert report.stats["nodes_written"] == 120
        assert report.stats["by_label"]["PARTNERS_WITH"] == 119


def test_a_store_written_meanwhile_makes_the_import_write_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer finds the store no longer empty: it gives up, and the import writes itself."""
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    spy = BulkSpy(monkeypatch, sqlite_bulk.BulkLoad)
    folder = small_folder(tmp_path / "data")
    with SQLiteStore(tmp_path / "g.db") as store:
        real = SQLiteStore.bulk_load

        def bulk_load(self: SQLiteStore) -> Any:
            load = real(self)
            from graph.model import NodeRecord

            self.write([NodeRecord("Locality", "l1", {"name": "שדרות"})])  # after the check
            return load

        monkeypatch.setattr(SQLiteStore, "bulk_load", bulk_load)
        report = run_import(store, folder)
        assert report.valid, report.errors
        assert spy.given_up == 1
        assert store.counts().nodes == {"Locality": 1, "Organization": 120}


def test_a_failure_after_the_read_rolls_back_and_frees_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    folder = small_folder(tmp_path / "data")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the check broke")

    with SQLiteStore(tmp_path / "g.db") as store:
        with monkeypatch.context() as m:
            m.setattr(pipeline, "_check", broken)
            with pytest.raises(RuntimeError, match="the check broke"):
                run_import(store, folder)
        assert store.counts().nodes == {}
        assert run_import(store, folder).valid  # nothing holds the write lock
        assert store.counts().nodes == {"Organization": 120}


def test_the_import_returns_at_the_commit_and_the_log_is_copied_into_the_file_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    loads: list[sqlite_bulk.BulkLoad] = []
    made = SQLiteStore.bulk_load

    def kept(store: SQLiteStore) -> sqlite_bulk.BulkLoad | None:
        loads.append(made(store))  # type: ignore[arg-type]
        return loads[-1]

    monkeypatch.setattr(SQLiteStore, "bulk_load", kept)
    release = threading.Event()
    checkpoint = sqlite_bulk.BulkLoad._write

    def held_checkpoint(load: sqlite_bulk.BulkLoad) -> None:
        # The checkpoint waits until the test has looked: the import must not wait for it.
        real_set = load._landed.set

        def landed() -> None:
            real_set()
            assert release.wait(10)

        load._landed.set = landed  # type: ignore[method-assign]
        checkpoint(load)

    monkeypatch.setattr(sqlite_bulk.BulkLoad, "_write", held_checkpoint)
    db = tmp_path / "g.db"
    store = SQLiteStore(db)
    small = db.stat().st_size
    report = run_import(store, small_folder(tmp_path / "data"))
    assert report.valid and loads[0]._committed  # returned while the checkpoint is held
    assert not loads[0].settled
    # Another connection sees the import (from the log), and stays open: closing the
    # last connection would copy the log into the file by itself.
    with contextlib.closing(sqlite3.connect(db)) as other:
        assert other.execute("SELECT count(*) FROM nodes").fetchone() == (120,)
        assert db.stat().st_size == small  # nothing copied into the file yet
        threading.Timer(0.2, release.set).start()
        store.close()  # waits for the checkpoint
        assert loads[0].settled
        pages = other.execute("PRAGMA page_count").fetchone()[0]
        page_size = other.execute("PRAGMA page_size").fetchone()[0]
        assert db.stat().st_size == pages * page_size > small


def test_a_small_import_never_starts_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = BulkSpy(monkeypatch, sqlite_bulk.BulkLoad)
    with SQLiteStore(tmp_path / "g.db") as store:
        assert run_import(store, small_folder(tmp_path / "data")).valid
    assert spy.committed == 0 and spy.given_up == 1  # given up: it never started


def test_with_the_thread_turned_off_the_import_writes_after_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_bulk, "USE_THREAD", False)
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    spy = BulkSpy(monkeypatch, sqlite_bulk.BulkLoad)
    with SQLiteStore(tmp_path / "g.db") as store:
        assert store.bulk_load() is None
        assert run_import(store, small_folder(tmp_path / "data")).valid
        assert store.counts().nodes == {"Organization": 120}
    assert spy.committed == spy.given_up == 0


def test_a_failure_while_handing_records_over_makes_the_import_write_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    spy = BulkSpy(monkeypatch, sqlite_bulk.BulkLoad)

    def broken(*args: Any) -> None:
        raise RuntimeError("preparing rows broke")

    monkeypatch.setattr(sqlite_bulk.BulkLoad, "_send", broken)
    with SQLiteStore(tmp_path / "g.db") as store:
        report = run_import(store, small_folder(tmp_path / "data"))
        assert report.valid, report.errors
        assert store.counts().nodes == {"Organization": 120}
    assert spy.given_up == 1 and spy.committed == 0


def test_the_rows_origins_and_the_keys_kept_go_while_the_write_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    batches: list[pipeline.Batch] = []
    real_commit = registry.commit

    def kept(store: Any, batch: pipeline.Batch, report: Any, **named: Any) -> Any:
        batches.append(batch)
        assert len(batch.nodes) == 120  # checked with their origins
        return real_commit(store, batch, report, **named)

    seen: list[tuple[int, int, int]] = []
    real_wait = sqlite_bulk.BulkLoad._wait_for_commit

    def waiting(load: sqlite_bulk.BulkLoad) -> None:
        seen.append((len(batches[0].nodes), len(load._ids), len(load._held)))
        real_wait(load)

    monkeypatch.setattr(registry, "commit", kept)
    monkeypatch.setattr(sqlite_bulk.BulkLoad, "_wait_for_commit", waiting)
    with SQLiteStore(tmp_path / "g.db") as store:
        report = run_import(store, small_folder(tmp_path / "data"))
        assert report.valid and report.stats["nodes_written"] == 120
        assert store.counts().nodes == {"Organization": 120}
    assert seen == [(0, 0, 0)]  # let go before the wait for the commit


def _told_to_check(monkeypatch: pytest.MonkeyPatch, position: int) -> list[Any]:
    """What each import tells the batch check in its argument at ``position``, in order."""
    told: list[Any] = []
    real_check = pipeline._check

    def check(*args: Any) -> Any:
        told.append(args[position])
        return real_check(*args)

    monkeypatch.setattr(pipeline, "_check", check)
    return told


@pytest.mark.parametrize("extra", ["", "o1,o2,5"], ids=["keys-unique", "a-key-twice"])
def test_the_check_looks_for_repeated_keys_only_when_the_load_could_not_rule_them_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    # A relationship given twice: the last row wins, with or without the writer thread.
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    told = _told_to_check(monkeypatch, 4)  # unique_keys
    spy = BulkSpy(monkeypatch, sqlite_bulk.BulkLoad)
    folder = small_folder(tmp_path / "data", "", extra)
    (bulk, bulk_tables), (plain, plain_tables) = _import_both_ways(folder, tmp_path, monkeypatch)
    assert bulk.valid and bulk_tables == plain_tables
    same_reports(bulk, plain)
    assert told == [not extra, False]  # the second import wrote without a bulk load
    assert spy.committed == (0 if extra else 1)  # a key twice: the write after the check
    props = {(r[0], r[2]): r[3] for r in bulk_tables["rels"]}[("o1", "o2")]
    assert json.loads(props)["strength"] == (5 if extra else 3)


@pytest.mark.parametrize("extra", ["", "o1,nowhere,3"], ids=["valid", "an-end-nowhere"])
def test_the_check_looks_nothing_up_in_a_store_the_load_holds_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    told = _told_to_check(monkeypatch, 5)  # store_empty
    asked: list[str] = []
    real_get_many = SQLiteStore.get_many

    def get_many(store: SQLiteStore, ids: Any) -> Any:
        asked.append(store.path.name)
        return real_get_many(store, ids)

    loads: list[sqlite_bulk.BulkLoad] = []
    real_holds = sqlite_bulk.BulkLoad.holds_store_empty

    def holds(load: sqlite_bulk.BulkLoad) -> bool:
        loads.append(load)
        load._empty_held.wait(30)  # a small import may be checked before the thread began
        return real_holds(load)

    monkeypatch.setattr(SQLiteStore, "get_many", get_many)
    monkeypatch.setattr(sqlite_bulk.BulkLoad, "holds_store_empty", holds)
    folder = small_folder(tmp_path / "data", "", extra)
    (bulk, bulk_tables), (plain, plain_tables) = _import_both_ways(folder, tmp_path, monkeypatch)
    same_reports(bulk, plain)
    assert bulk_tables == plain_tables
    assert bulk.valid is not extra
    if extra:
        assert [e.message for e in bulk.errors] == ["refers to 'nowhere', which exists nowhere"]
    # The bulk import's thread held the store empty: its check asked the store nothing.
    assert told == [True, False]
    assert "bulk.db" not in asked and "plain.db" in asked
    # Once committed or rolled back, the load no longer holds the store.
    assert len(loads) == 1 and not real_holds(loads[0])


def test_a_load_holds_the_store_empty_only_while_its_thread_holds_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 50)
    with SQLiteStore(tmp_path / "g.db") as store:
        load = store.bulk_load()
        assert load is not None and not load.holds_store_empty()  # no thread yet
        nodes = [NodeRecord("Organization", f"o{i}", {"name": f"o{i}"}) for i in range(60)]
        load.add(nodes, [], {})
        load.seal()
        deadline = time.monotonic() + 30
        while not load.holds_store_empty() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert load.holds_store_empty()
        load.abort()
        assert not load.holds_store_empty()
        assert store.counts().nodes == {}


def _org(i: int) -> NodeRecord:
    return NodeRecord("Organization", f"o{i}", {"name": f"עמותה {i}"})


def _tie(a: int, b: int, owner: str | None = None) -> RelRecord:
    return RelRecord("PARTNERS_WITH", f"o{a}", f"o{b}", {"strength": 3}, owner)


@pytest.mark.parametrize(
    ("sends", "digests", "usable"),
    [
        ([([_org(1), _org(2)], [_tie(1, 2)])], {}, True),
        ([([_org(1), _org(1)], [])], {}, False),  # an id twice in one hand-over
        ([([_org(1)], []), ([_org(1)], [])], {}, False),  # ... or in two
        ([([_org(1), _org(2)], [_tie(1, 2), _tie(1, 2)])], {}, False),  # a key twice
        ([([_org(1), _org(2)], [_tie(1, 2)]), ([], [_tie(1, 2)])], {}, False),
        ([([_org(1), _org(2)], [_tie(1, 2, "")])], {}, False),  # "" would come back as None
        ([([_org(1), _org(2)], [])], {"o2": ""}, False),
        ([([_org(1), _org(2)], [_tie(1, 2)])], {("o1", "PARTNERS_WITH", "o2"): ""}, False),
    ],
    ids=[
        "usable",
        "id-twice-at-once",
        "id-twice-apart",
        "key-twice-at-once",
        "key-twice-apart",
        "blank-owner",
        "blank-node-digest",
        "blank-rel-digest",
    ],
)
def test_what_cannot_be_written_this_way_is_found_as_it_is_handed_over(
    tmp_path: Path,
    sends: list[tuple[list[NodeRecord], list[RelRecord]]],
    digests: dict[Any, str],
    usable: bool,
) -> None:
    with SQLiteStore(tmp_path / "g.db") as store:
        load = store.bulk_load()
        assert load is not None
        for nodes, rels in sends:
            load._send(nodes, rels, digests)
        handed = sum(len(r) for _, r in sends)
        load.relationships_added = handed
        assert load.unusable is not usable
        keys = [r.key for _, rels in sends for r in rels]
        if len(set(keys)) < len(keys):  # the check must then look for repeated keys itself
            assert not load.keys_were_unique(handed)
        elif usable:
            assert load.keys_were_unique(handed)
        if usable:  # every row queued, with "" for a missing digest or owner
            jobs = []
            while not load._jobs.empty():
                jobs.append(load._jobs.get())
            rows = [json.loads(bytes(p)) for sql, p in jobs if sql.startswith("INSERT")]
            assert [r[0] for r in rows[0]] == ["o1", "o2"] and rows[0][0][4] == ""
            assert rows[1] == [["o1", "PARTNERS_WITH", "o2", {"strength": 3}, "", ""]]
        load.abort()
