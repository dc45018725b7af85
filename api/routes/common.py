"""Helpers the resource routers share: paging, reference checks, audit ids."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Query, Request

from api.config import Settings
from graph.errors import Conflict, ValidationFailed
from graph.store.base import GraphStore
from importers.pipeline import REFERENCES

__all__ = [
    "Limit",
    "Offset",
    "check_references",
    "check_text",
    "clamp_limit",
    "mark_audit",
    "write_lock",
]

Limit = Annotated[
    int | None,
    Query(ge=1, le=100_000, description="Page size (default and maximum set by the server)."),
]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")]


def clamp_limit(limit: int | None, settings: Settings) -> int:
    """The page size to use: the default when none is asked, never above the maximum."""
    return min(limit or settings.default_page_size, settings.max_page_size)


def write_lock(request: Request) -> threading.Lock:
    """The app's lock around read-modify-write sequences (PATCH, create-if-absent).

    The store makes each write atomic; this lock makes "read, merge, write"
    atomic too, so that concurrent PATCHes of one node do not lose each other's
    changes (within one server process).
    """
    lock: threading.Lock = request.app.state.write_lock
    return lock


def mark_audit(request: Request, *ids: str) -> None:
    """Name the ids a write touched, for the audit trail."""
    request.state.audit_ids = [i for i in ids if i]


def check_text(data: Any, where: str) -> None:
    """Refuse text that cannot be stored as UTF-8 (lone surrogates from ``\\ud800`` escapes)."""
    try:
        json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationFailed(f"{where} holds text that is not valid Unicode") from exc


def _values(value: Any) -> Iterable[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return [str(value)] if value else []


def check_references(store: GraphStore, label: str, props: dict[str, Any]) -> None:
    """Raise :class:`Conflict` when a reference field names a missing or wrong-kind node.

    ``label`` is a node label or a relationship type; for a relationship,
    ``props`` holds ``source`` and ``target``.
    """
    wanted: dict[str, tuple[str, tuple[str, ...]]] = {}
    for (owner, field), labels in REFERENCES.items():
        if owner != label or not labels:
            continue
        for ref in _values(props.get(field)):
            wanted[f"{field}={ref}"] = (ref, labels)
    if not wanted:
        return
    found = store.get_many({ref for ref, _ in wanted.values()})
    for where, (ref, labels) in sorted(wanted.items()):
        field = where.split("=", 1)[0]
        node = found.get(ref)
        if node is None:
            raise Conflict(f"{field} {ref!r} refers to an id that exists nowhere")
        if node.label not in labels:
            raise Conflict(f"{field} {ref!r} is a {node.label}, expected {' or '.join(labels)}")
