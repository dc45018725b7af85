"""What the two stores' bulk-load tests share (tests/store/test_sqlite_bulk_load.py and
tests/neo4j/test_bulk_load.py): a spy on the loads' verdicts, the report comparison, and a
small folder that starts the writer thread under a low threshold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.store.bulk import ThreadedBulkLoad


class BulkSpy:
    """Counts the bulk loads of ``kind`` that committed (finish returned statistics) and
    that gave up (finish returned ``None``: the import wrote as before)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, kind: type[ThreadedBulkLoad]) -> None:
        self.committed = 0
        self.given_up = 0
        real = kind.finish

        def finish(load: ThreadedBulkLoad, nodes: int, rels: int, *rest: Any, **named: Any) -> Any:
            stats = real(load, nodes, rels, *rest, **named)
            if stats is None:
                self.given_up += 1
            else:
                self.committed += 1
            return stats

        monkeypatch.setattr(kind, "finish", finish)


def same_reports(a: Any, b: Any) -> None:
    """Two import reports say the same (problems and counts; the graph version differs)."""
    assert a.flatten() == b.flatten()
    assert {k: v for k, v in a.stats.items() if k != "graph_version"} == {
        k: v for k, v in b.stats.items() if k != "graph_version"
    }


def small_folder(folder: Path, extra_org: str = "", extra_partnership: str = "") -> Path:
    """120 organisations in a chain of 119 partnerships, plus an extra row of each if given."""
    folder.mkdir()
    orgs = ["id,name,sector"] + [f"o{i},עמותה {i},nonprofit" for i in range(120)]
    if extra_org:
        orgs.append(extra_org)
    (folder / "organizations.csv").write_text("\n".join(orgs) + "\n", encoding="utf-8")
    pairs = ["source_id,target_id,strength"] + [f"o{i},o{i + 1},3" for i in range(119)]
    if extra_partnership:
        pairs.append(extra_partnership)
    (folder / "partnerships.csv").write_text("\n".join(pairs) + "\n", encoding="utf-8")
    return folder
