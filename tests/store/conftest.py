"""The ``store`` fixture: every contract test runs on SQLite and on a real Neo4j."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store.base import GraphStore
from graph.store.neo4j import Neo4jStore
from graph.store.sqlite import SQLiteStore
from tests.neo4j.server import Neo4jServer, shared_server, stop_shared


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jServer]:
    yield shared_server()
    stop_shared()


# The Neo4j half carries the neo4j marker: pytest -m "not neo4j" runs the SQLite half alone.
@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    opened: GraphStore
    if request.param == "sqlite":
        opened = SQLiteStore(tmp_path / "graph.db")
    else:
        server: Neo4jServer = request.getfixturevalue("neo4j_server")
        opened = Neo4jStore.from_url(server.uri)
        opened.clear()
    yield opened
    opened.close()
