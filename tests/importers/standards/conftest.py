"""Helpers for the standards importer tests: parse a file, commit it, check the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graph.store.base import GraphStore
from importers.pipeline import Batch, commit
from importers.report import ImportReport

Parser = Callable[[Path, ImportReport, GraphStore], Batch]


def load(store: GraphStore, parse: Parser, path: Path, *, valid: bool = True) -> ImportReport:
    """Parse ``path`` with ``parse`` and commit it to ``store``; check validity."""
    report = ImportReport()
    batch = parse(path, report, store)
    commit(store, batch, report)
    if valid:
        assert report.valid, [str(e) for e in report.errors[:10]]
    return report


@pytest.fixture
def il(shared_data: Path) -> Path:
    return shared_data / "il"


@pytest.fixture
def load_file() -> Callable[..., ImportReport]:
    """:func:`load`, as a fixture (test modules cannot import conftest by name)."""
    return load
