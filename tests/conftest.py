"""Shared fixtures: the real data in ../shared/data and a fresh embedded store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[1]
#: Real files no one here wrote (see ../shared/data/SOURCES.md); CI has shared/ beside the clone.
SHARED_DATA = (REPO.parent / "shared" / "data").resolve()


_NEO4J_TESTS = REPO / "tests" / "neo4j"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/neo4j needs a real Neo4j (Java): mark it ``neo4j``."""
    for item in items:
        if _NEO4J_TESTS in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared data folder is missing: {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "graph.db")
    yield store
    store.close()
