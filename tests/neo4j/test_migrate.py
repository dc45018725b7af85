"""``partnermap migrate``: SQLite -> Neo4j -> SQLite gives back the same graph."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from graph.model import NodeRecord, RelRecord
from graph.store.base import GraphStore
from graph.store.neo4j import Neo4jStore
from graph.store.sqlite import SQLiteStore
from tests.neo4j.server import Neo4jServer


def _graph() -> tuple[list[NodeRecord], list[RelRecord]]:
    nodes = [
        NodeRecord("Locality", "l1", {"name": "קריית שמונה", "population": 22000}),
        NodeRecord(
            "Organization",
            "o1",
            {"name": 'מתנ"ס', "sector": "community", "locality_ids": ["l1"], "extra": None},
        ),
        NodeRecord("Organization", "o2", {"name": "جمعية الأمل", "sector": "nonprofit"}),
        NodeRecord("Role", "r1", {"name": "רכזת", "title": "רכזת", "organization_id": "o1"}),
        NodeRecord("Forum", "f1", {"name": "Emergency team", "locality_id": "l1"}),
        NodeRecord(
            "Program",
            "p1",
            {"name": "גן", "operator_id": "o2", "domains": ["early_childhood"], "age_max": 5},
        ),
        NodeRecord(
            "Investment",
            "i1",
            {"name": "o1 → p1", "funder_id": "o1", "program_id": "p1", "amount": 1500.5},
        ),
    ]
    rels = [
        RelRecord("MEMBER_OF", "r1", "f1", {"position": "chair"}),
        RelRecord("MEMBER_OF", "o2", "f1", {"position": "member", "since": "2024"}),
        RelRecord("PARTNERS_IN", "o1", "p1", {"role": "מימון"}),
        RelRecord("PARTNERS_WITH", "o1", "o2", {"strength": 5, "context": "emergency"}),
    ]
    return nodes, rels


def _snapshot(store: GraphStore) -> tuple[list[NodeRecord], list[tuple[object, ...]]]:
    rels = [(r.key, r.props, r.owner) for r in store.iter_relationships()]
    return list(store.iter_nodes()), sorted(rels, key=repr)


def test_round_trip_through_neo4j(tmp_path: Path, neo4j_server: Neo4jServer) -> None:
    first = tmp_path / "first.db"
    with SQLiteStore(first) as source:
        source.write(*_graph())
        expected = _snapshot(source)
        expected_counts = source.counts()
    with Neo4jStore.from_url(neo4j_server.uri) as neo4j:
        neo4j.clear()
        neo4j.write([NodeRecord("Locality", "stale", {"name": "ישן"})])
    runner = CliRunner()
    sqlite_url = f"sqlite:///{first}"
    refused = runner.invoke(app, ["migrate", "--from", sqlite_url, "--to", neo4j_server.uri])
    assert refused.exit_code == 1
    there = runner.invoke(
        app, ["migrate", "--from", sqlite_url, "--to", neo4j_server.uri, "--replace", "--json"]
    )
    assert there.exit_code == 0, there.output
    report = json.loads(there.stdout)
    assert report["matched"] is True
    assert report["target"]["nodes"] == expected_counts.nodes
    assert report["target"]["relationships"] == expected_counts.relationships
    back_url = f"sqlite:///{tmp_path / 'back.db'}"
    back = runner.invoke(app, ["migrate", "--from", neo4j_server.uri, "--to", back_url])
    assert back.exit_code == 0, back.output
    with SQLiteStore(tmp_path / "back.db") as again:
        assert _snapshot(again) == expected
        assert again.counts().nodes == expected_counts.nodes
    same = runner.invoke(app, ["migrate", "--from", sqlite_url, "--to", sqlite_url])
    assert same.exit_code == 2
