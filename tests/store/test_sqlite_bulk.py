"""A bulk write into an empty SQLite store (indexes dropped and made again) stores
exactly what the record-by-record path stores, and fails the same way, atomically."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import Conflict
from graph.model import NodeRecord, RelRecord
from graph.store import sqlite as sqlite_store
from graph.store.sqlite import SQLiteStore
from tests.store.sqlite_tables import sqlite_tables


def _records(n: int) -> tuple[list[NodeRecord], list[RelRecord]]:
    """``n`` organisations in two towns, each a partner of the next, some with a parent."""
    nodes = [
        NodeRecord("Locality", "l1", {"name": "שדרות"}),
        NodeRecord("Locality", "l2", {"name": "נתיבות"}),
    ]
    for i in range(n):
        props = {"name": f"עמותה {i}", "sector": "nonprofit", "locality_ids": [f"l{1 + i % 2}"]}
        if i % 7 == 3:
            props["parent_id"] = f"o{i - 1}"
        nodes.append(NodeRecord("Organization", f"o{i}", props))
    rels = [RelRecord("PARTNERS_WITH", f"o{i}", f"o{i + 1}", {"strength": 3}) for i in range(n - 1)]
    return nodes, rels


def test_bulk_write_stores_what_the_row_by_row_write_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nodes, rels = _records(3000)  # 6001 records: over the bulk threshold of 5000
    digests = {"o5": "d5", ("o1", "PARTNERS_WITH", "o2"): "r12"}
    with SQLiteStore(tmp_path / "bulk.db") as store:
        bulk_stats = store.write(nodes, rels, row_digests=digests)
    monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", 10**9)  # never bulk
    with SQLiteStore(tmp_path / "rows.db") as store:
        row_stats = store.write(nodes, rels, row_digests=digests)
    bulk, rows = sqlite_tables(tmp_path / "bulk.db"), sqlite_tables(tmp_path / "rows.db")
    assert bulk == rows
    # 3002 nodes; 3000 OPERATES_IN + 429 PART_OF (i = 3, 10, ..., 2999) derived, 2999 partnerships
    assert (bulk_stats.nodes_written, bulk_stats.relationships_written) == (3002, 6428)
    assert bulk_stats.as_dict() | {"graph_version": ""} == row_stats.as_dict() | {
        "graph_version": ""
    }
    assert len(bulk["indexes"]) >= 6  # every secondary index is back


def test_bulk_write_refuses_missing_ends_and_keeps_the_store_as_it_was(tmp_path: Path) -> None:
    nodes, rels = _records(3000)
    rels.append(RelRecord("PARTNERS_WITH", "o1", "ghost", {}))
    path = tmp_path / "g.db"
    with SQLiteStore(path) as store:
        before = sqlite_tables(path)
        with pytest.raises(Conflict, match=r"references to ids that exist nowhere: 'ghost'$"):
            store.write(nodes, rels)
        assert store.counts().nodes == {}
    assert sqlite_tables(path) == before  # indexes restored by the rollback, nothing written


def test_bulk_and_row_by_row_name_missing_ends_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nodes, rels = _records(3000)
    rels += [RelRecord("PARTNERS_WITH", "o1", f"ghost{i:02d}", {}) for i in range(12)]
    rels.append(RelRecord("PARTNERS_WITH", "ghost03", "o2", {}))  # a source too: counted once
    messages = []
    for name, threshold in (("bulk", 5000), ("rows", 10**9)):
        monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", threshold)
        with SQLiteStore(tmp_path / f"{name}.db") as store, pytest.raises(Conflict) as caught:
            store.write(nodes, rels)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert messages[0].endswith("'ghost09' and 2 more")  # 12 missing, 10 named, sorted


def test_a_second_big_write_takes_the_row_by_row_path(tmp_path: Path) -> None:
    nodes, rels = _records(3000)
    with SQLiteStore(tmp_path / "g.db") as store:
        store.write(nodes, rels)
        changed = [NodeRecord(n.label, n.id, {**n.props, "kind": "x"}) for n in nodes[2:]]
        stats = store.write([*nodes[:2], *changed], rels)
        assert (stats.nodes_written, stats.nodes_unchanged) == (3000, 2)
        assert stats.relationships_unchanged == 2999
        assert store.get("o7").props["kind"] == "x"  # type: ignore[union-attr]


def test_bulk_write_repeating_a_key_in_a_later_chunk_matches_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # o10 comes again 3,000 records later (another chunk) with other values; the
    # partnership o1->o2 too. The later one wins on both paths, and both count alike
    # (o0->l1 is unchanged: the derived relationship and its owner stay).
    nodes, rels = _records(3000)
    nodes.append(NodeRecord("Organization", "o10", {"name": "שונה", "sector": "business"}))
    rels.append(RelRecord("PARTNERS_WITH", "o1", "o2", {"strength": 5}))
    # ... and a relationship o0's locality_ids derived already, given again explicitly
    rels.append(RelRecord("OPERATES_IN", "o0", "l1", {}))
    stats = []
    for name, threshold in (("bulk", 5000), ("rows", 10**9)):
        monkeypatch.setattr(sqlite_store, "_BULK_RECORDS", threshold)
        with SQLiteStore(tmp_path / f"{name}.db") as store:
            stats.append(store.write(nodes, rels).as_dict() | {"graph_version": ""})
            assert store.get("o10").props["name"] == "שונה"  # type: ignore[union-attr]
    assert sqlite_tables(tmp_path / "bulk.db") == sqlite_tables(tmp_path / "rows.db")
    assert stats[0] == stats[1]
    assert stats[0]["relationships_unchanged"] == 1
