"""A first import into an empty Neo4j database, sent while it is read (graph.store.neo4j_bulk).

It must store exactly what the import stored before (the write after the
check), report the same, and keep the import atomic: an import with errors,
or any failure on either side, leaves the database empty and holds no lock
(the next import writes the same ids at once).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.model import NodeRecord
from graph.store import neo4j as neo4j_module
from graph.store import neo4j_bulk
from graph.store.neo4j import Neo4jStore
from importers import pipeline
from importers.registry import run_import
from importers.synth import generate
from tests.store.bulk_load_helpers import BulkSpy, same_reports, small_folder

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "importers" / "demo" / "data"


def _dump(store: Neo4jStore) -> dict[str, Any]:
    """Every node and relationship as stored: labels and every property, helpers included."""
    with store._session("READ") as session:
        nodes = sorted(
            (r["id"], sorted(r["labels"]), sorted(r["props"].items()))
            for r in session.run(
                "MATCH (n:Node) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"
            )
        )
        rels = sorted(
            (r["a"], r["type"], r["b"], sorted(r["props"].items()))
            for r in session.run(
                "MATCH (a:Node)-[r]->(b:Node) "
                "RETURN a.id AS a, type(r) AS type, b.id AS b, properties(r) AS props"
            )
        )
    return {"nodes": nodes, "rels": rels, "mark": store.import_mark() is not None}


def _import_both_ways(
    store: Neo4jStore, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[Any, dict[str, Any]], tuple[Any, dict[str, Any]]]:
    """The folder imported with the bulk load, then without it: (report, dump) of each."""
    store.clear()
    bulk = run_import(store, folder)
    bulk_dump = _dump(store)
    store.clear()
    with monkeypatch.context() as m:
        m.setattr(Neo4jStore, "bulk_load", lambda self: None)
        plain = run_import(store, folder)
    plain_dump = _dump(store)
    return (bulk, bulk_dump), (plain, plain_dump)


def test_synth_import_stores_what_the_write_after_the_check_stores(
    neo4j_store: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "synth"
    counts = generate(8, 5, folder)
    assert sum(counts.values()) > neo4j_module.BULK_RECORDS  # the writer thread starts
    spy = BulkSpy(monkeypatch, neo4j_bulk.Neo4jBulkLoad)
    (bulk, bulk_dump), (plain, plain_dump) = _import_both_ways(neo4j_store, folder, monkeypatch)
    assert spy.committed == 1 and spy.given_up == 0
    assert bulk.valid and plain.valid
    same_reports(bulk, plain)
    assert bulk_dump == plain_dump
    assert bulk_dump["mark"]  # the import's mark was kept with it
    assert bulk.stats["nodes_written"] == len(bulk_dump["nodes"])
    assert bulk.stats["relationships_written"] == len(bulk_dump["rels"])


def test_demo_import_with_every_file_kind_stores_the_same(
    neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo has the second wave's files (read after the relationship files) too;
    # a low threshold makes the writer start after the first files.
    monkeypatch.setattr(neo4j_module, "BULK_RECORDS", 50)
    spy = BulkSpy(monkeypatch, neo4j_bulk.Neo4jBulkLoad)
    (bulk, bulk_dump), (plain, plain_dump) = _import_both_ways(neo4j_store, DEMO, monkeypatch)
    assert spy.committed == 1
    assert bulk.valid
    same_reports(bulk, plain)
    assert bulk_dump == plain_dump
    # A re-import after an unrelated write reads the row digests: nothing is written.
    neo4j_store.clear()
    assert run_import(neo4j_store, DEMO).valid
    neo4j_store.write([NodeRecord("Locality", "bench-touch", {"name": "x"})])
    again = run_import(neo4j_store, DEMO)
    assert again.stats["nodes_written"] == 0 and again.stats["relationships_written"] == 0


@pytest.mark.parametrize(
    ("org", "partnership", "kind"),
    [
        ("", "o1,o9999,3", "unknown-reference"),  # a reference to nothing, in the last file
        ("", "o1,o2,9", "range"),  # a bad cell in the last file
        ("o5,שוב,nonprofit", "", "duplicate-id"),  # an id given twice
    ],
)
def test_an_import_with_errors_commits_nothing_and_reports_as_before(
    neo4j_store: Neo4jStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    org: str,
    partnership: str,
    kind: str,
) -> None:
    monkeypatch.setattr(neo4j_module, "BULK_RECORDS", 50)
    spy = BulkSpy(monkeypatch, neo4j_bulk.Neo4jBulkLoad)
    folder = small_folder(tmp_path / "data", org, partnership)
    (bulk, bulk_dump), (plain, _) = _import_both_ways(neo4j_store, folder, monkeypatch)
    assert not bulk.valid and [e[0] for e in bulk.flatten()] == [kind]
    same_reports(bulk, plain)
    assert bulk_dump["nodes"] == [] and bulk_dump["rels"] == []
    assert spy.committed == 0
    neo4j_store.clear()
    # Nothing holds the ids' locks: the same ids are written at once.
    assert run_import(neo4j_store, small_folder(tmp_path / "good")).valid
    assert neo4j_store.counts().nodes == {"Organization": 120}


def test_a_database_written_meanwhile_makes_the_import_write_as_before(
    neo4j_store: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer takes an id the bulk load creates: it gives up, the import writes itself."""
    monkeypatch.setattr(neo4j_module, "BULK_RECORDS", 50)
    spy = BulkSpy(monkeypatch, neo4j_bulk.Neo4jBulkLoad)
    folder = small_folder(tmp_path / "data")
    real = Neo4jStore.bulk_load

    def bulk_load(self: Neo4jStore) -> Any:
        load = real(self)
        # After the emptiness check, before the writer's transaction: one of the import's ids.
        self.write([NodeRecord("Organization", "o7", {"name": "כבר כאן"})])
        return load

    monkeypatch.setattr(Neo4jStore, "bulk_load", bulk_load)
    report = run_import(neo4j_store, folder)
    assert report.valid, report.errors
    assert spy.given_up == 1 and spy.committed == 0
    assert neo4j_store.counts().nodes == {"Organization": 120}
    stored = neo4j_store.get("o7")
    assert stored is not None and stored.props["name"] == "עמותה 7"  # the import's row won


def test_a_failure_after_the_read_rolls_back_and_frees_the_ids(
    neo4j_store: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(neo4j_module, "BULK_RECORDS", 50)
    folder = small_folder(tmp_path / "data")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the check broke")

    with monkeypatch.context() as m:
        m.setattr(pipeline, "_check", broken)
        with pytest.raises(RuntimeError, match="the check broke"):
            run_import(neo4j_store, folder)
    assert neo4j_store.counts().nodes == {}
    assert run_import(neo4j_store, folder).valid  # no lock of the rolled-back write is held
    assert neo4j_store.counts().nodes == {"Organization": 120}


def test_a_failure_on_the_writer_side_makes_the_import_write_as_before(
    neo4j_store: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(neo4j_module, "BULK_RECORDS", 50)
    spy = BulkSpy(monkeypatch, neo4j_bulk.Neo4jBulkLoad)

    def broken(*args: Any) -> None:
        raise RuntimeError("sending rows broke")

    monkeypatch.setattr(neo4j_bulk._Writer, "relationships", broken)
    report = run_import(neo4j_store, small_folder(tmp_path / "data"))
    assert report.valid, report.errors
    assert neo4j_store.counts().nodes == {"Organization": 120}
    assert neo4j_store.counts().relationships == {"PARTNERS_WITH": 119}
    assert spy.given_up == 1 and spy.committed == 0


def test_a_small_import_or_a_database_with_nodes_never_starts_the_writer(
    neo4j_store: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = BulkSpy(monkeypatch, neo4j_bulk.Neo4jBulkLoad)
    assert run_import(neo4j_store, small_folder(tmp_path / "data")).valid  # 239 records
    assert spy.committed == 0 and spy.given_up == 1  # given up: it never started
    monkeypatch.setattr(neo4j_module, "BULK_RECORDS", 50)
    assert neo4j_store.bulk_load() is None  # the database holds nodes now


def test_a_dry_run_or_a_partial_import_never_starts_the_writer(
    neo4j_store: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(neo4j_module, "BULK_RECORDS", 50)
    spy = BulkSpy(monkeypatch, neo4j_bulk.Neo4jBulkLoad)
    folder = small_folder(tmp_path / "data", "", "o1,o9999,3")
    assert not run_import(neo4j_store, folder, dry_run=True).valid
    report = run_import(neo4j_store, folder, partial=True)
    assert report.stats["nodes_written"] == 120
    assert report.stats["by_label"]["PARTNERS_WITH"] == 119
    assert spy.committed == 0 and spy.given_up == 0
