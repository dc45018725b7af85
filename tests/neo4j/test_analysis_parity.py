"""``partnermap analyze --json`` gives the same report on Neo4j as on SQLite.

Checked on the bundled demo (whole graph and each locality) and on other
data: a small synthetic national dataset from ``partnermap synth``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.store.neo4j import Neo4jStore
from graph.store.sqlite import SQLiteStore
from importers.demo import demo_path
from importers.registry import run_import
from importers.synth import generate
from tests.neo4j.server import Neo4jServer

runner = CliRunner()


def _analyze(url: str, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["analyze", "--store", url, "--json", *args])
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    report.pop("graph_version")  # each store has its own version token
    return report


def _load_both(source: Path, tmp_path: Path, server: Neo4jServer) -> tuple[str, str]:
    sqlite_url = f"sqlite:///{tmp_path / 'parity.db'}"
    with SQLiteStore(tmp_path / "parity.db") as lite:
        assert run_import(lite, source).valid
    with Neo4jStore.from_url(server.uri) as neo:
        neo.clear()
        assert run_import(neo, source).valid
        assert neo.counts().nodes == SQLiteStore(tmp_path / "parity.db").counts().nodes
    return sqlite_url, server.uri


@pytest.mark.parametrize(
    "scope",
    [
        [],
        ["--locality", "loc-kiryat-malachi"],
        ["--locality", "loc-sderot"],
        ["--locality", "loc-beit-shean", "--context", "emergency"],
    ],
)
def test_demo_report_is_the_same_on_both_stores(
    scope: list[str], tmp_path: Path, neo4j_server: Neo4jServer
) -> None:
    lite, neo = _load_both(Path(demo_path()), tmp_path, neo4j_server)
    expected = _analyze(lite, *scope)
    assert expected["duplicates"] or expected["isolates"]  # the report says something
    assert _analyze(neo, *scope) == expected


def test_synthetic_report_is_the_same_on_both_stores(
    tmp_path: Path, neo4j_server: Neo4jServer
) -> None:
    data = tmp_path / "synth"
    generate(3, 7, data, orgs_per_locality=40)
    lite, neo = _load_both(data, tmp_path, neo4j_server)
    expected = _analyze(lite)
    assert expected["metrics"]["nodes"] > 100
    assert _analyze(neo) == expected
