"""Shared fixtures: the real data in ../shared/data and a fresh embedded store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[1]
#: Real files no one here wrote (see ../shared/data/SOURCES.md); CI has shared/ beside the clone.
SHARED_DATA = (REPO.parent / "shared" / "data").resolve()


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
