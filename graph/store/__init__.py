"""Graph stores and the URL that picks one.

``sqlite:///path/to.db`` opens the embedded store (the default, a file in the
user's data directory); ``neo4j://user:password@host:7687`` or ``bolt://…``
opens a Neo4j server.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from platformdirs import user_data_dir

from graph.errors import StoreUnavailable
from graph.store.base import GraphCounts, GraphStore, Subgraph, WriteStats

__all__ = [
    "GraphCounts",
    "GraphStore",
    "Subgraph",
    "WriteStats",
    "default_store_url",
    "open_store",
    "redact_url",
]

ENV_VAR = "PARTNERMAP_STORE"


def default_store_url() -> str:
    """``$PARTNERMAP_STORE``, else a SQLite file in the user's data directory."""
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    return f"sqlite:///{Path(user_data_dir('partnermap')) / 'partnermap.db'}"


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***``.

    >>> redact_url("neo4j://neo4j:secret@localhost:7687")
    'neo4j://neo4j:***@localhost:7687'
    """
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def open_store(url: str | None = None) -> GraphStore:
    """Open the store a URL names (default: :func:`default_store_url`)."""
    url = url or default_store_url()
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme == "sqlite":
        # SQLAlchemy's convention: sqlite:///relative.db, sqlite:////absolute/path.db
        path = url[len("sqlite:///") :] if url.lower().startswith("sqlite:///") else ""
        if not path:
            raise StoreUnavailable(f"no file path in store URL {url!r}: use sqlite:///path/to.db")
        from graph.store.sqlite import SQLiteStore

        return SQLiteStore(path)
    if scheme in {"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"}:
        from graph.store.neo4j import Neo4jStore

        return Neo4jStore.from_url(url)
    raise StoreUnavailable(
        f"unknown store URL {redact_url(url)!r}: use sqlite:///path.db or neo4j://user:pass@host:7687"
    )
