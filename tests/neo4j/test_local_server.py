"""tools/neo4j-local's start: the class-data archive it maps, and the warm-up that writes nothing.

The warm-up (``NEO4J_LOCAL_WARM_UP``) imports made-up records into a
throwaway database before the real one opens: the real database must come
up empty, and the throwaway folder must be gone.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store.neo4j import Neo4jStore
from tests.neo4j.server import REPO, Neo4jServer

ARCHIVE = REPO / "tools" / "neo4j-local" / "target" / "neo4j-local.jsa"


def _warm_up_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("neo4j-local-warm-up-*")}


@pytest.fixture(scope="module")
def warm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Neo4jServer, set[str]]]:
    before = _warm_up_folders()
    with pytest.MonkeyPatch.context() as m:
        m.setenv("NEO4J_LOCAL_WARM_UP", "1")
        server = Neo4jServer(tmp_path_factory.mktemp("neo4j-warm") / "data").start()
    yield server, before
    server.stop()


def test_a_warm_up_start_leaves_the_real_database_empty(
    warm_server: tuple[Neo4jServer, set[str]],
) -> None:
    server, before = warm_server
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "warm-up (1 rounds in a throwaway database) took" in log
    store = Neo4jStore.from_url(server.uri)
    try:
        with store._session("READ") as session:
            # Not a node, not a label, not a relationship type of the made-up import
            # (opening the store makes its own layout node, outside :Node).
            nodes = session.run("MATCH (n) RETURN collect(labels(n)) AS c").single(strict=True)
            assert nodes["c"] == [["PartnermapMeta"]]
            labels = {r["label"] for r in session.run("CALL db.labels() YIELD label")}
            types = {
                r["t"]
                for r in session.run("CALL db.relationshipTypes() YIELD relationshipType AS t")
            }
        assert labels <= {"Node", "PartnermapMeta"} and types == set()  # the schema's only
        assert store.counts().nodes == {}
    finally:
        store.close()
    # The throwaway database's folder is deleted once it shut down.
    assert _warm_up_folders() - before == set()


def test_the_server_maps_the_class_data_archive(warm_server: tuple[Neo4jServer, set[str]]) -> None:
    server, _ = warm_server
    assert ARCHIVE.is_file() and ARCHIVE.stat().st_size > 10_000_000, (
        "run.sh makes the archive after a build; see tools/neo4j-local/target/archive.log"
    )
    assert server.proc is not None  # run.sh execs java: the same process
    maps = Path(f"/proc/{server.proc.pid}/maps").read_text(encoding="utf-8")
    assert str(ARCHIVE) in maps
