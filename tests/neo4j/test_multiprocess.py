"""Two ``partnermap serve`` processes on one real Neo4j: the uniqueness constraint and
locked ETag checks keep ids unique and lose no update."""

from __future__ import annotations

from pathlib import Path

from graph.store.neo4j import Neo4jStore
from tests.api.multiprocess import race, servers
from tests.neo4j.server import Neo4jServer


def test_two_server_processes_on_one_neo4j(
    neo4j_server: Neo4jServer, neo4j_store: Neo4jStore, tmp_path: Path
) -> None:
    with servers(neo4j_server.uri, tmp_path / "keys.db") as (urls, key):
        race(urls, key)
    assert neo4j_store.count("Organization") == 40
