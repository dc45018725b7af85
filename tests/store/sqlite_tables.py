"""Every row of a SQLite store's tables, in a fixed order: two stores compared table by table."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

__all__ = ["sqlite_tables"]


def sqlite_tables(path: Path) -> dict[str, list[Any]]:
    """The nodes, index keys, relationships and index definitions of the store at ``path``."""
    with sqlite3.connect(path) as conn:
        return {
            "nodes": sorted(conn.execute("SELECT * FROM nodes")),
            "node_keys": sorted(conn.execute("SELECT * FROM node_keys")),
            "rels": sorted(conn.execute("SELECT * FROM rels"), key=repr),
            "indexes": sorted(
                conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"), key=repr
            ),
        }
