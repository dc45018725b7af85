"""Fixtures for tests that need a real Neo4j server (started once, never skipped)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.store.neo4j import Neo4jStore
from tests.neo4j.server import Neo4jServer, shared_server, stop_shared


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jServer]:
    yield shared_server()
    stop_shared()


@pytest.fixture
def neo4j_store(neo4j_server: Neo4jServer) -> Iterator[Neo4jStore]:
    store = Neo4jStore.from_url(neo4j_server.uri)
    store.clear()
    yield store
    store.close()
