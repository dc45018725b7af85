"""Helpers the resource routers share: paging, reference checks, audit ids."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request
from starlette.concurrency import run_in_threadpool

from api.config import Settings
from graph.errors import Conflict, PartnermapError, PreconditionFailed, ValidationFailed
from graph.store.base import GraphStore, digest
from importers.pipeline import REFERENCES

__all__ = [
    "PATCH_RETRIES",
    "Limit",
    "Offset",
    "check_references",
    "check_text",
    "clamp_limit",
    "etag",
    "explicit_rels",
    "if_match",
    "mark_audit",
    "on_store",
    "record_change",
    "write_lock",
]

T = TypeVar("T")
_log = logging.getLogger("partnermap.api")

#: A PATCH without If-Match re-reads and re-merges when another writer got in
#: between its read and its write; this many times, then 409.
PATCH_RETRIES = 50

Limit = Annotated[
    int | None,
    Query(ge=1, le=100_000, description="Page size (default and maximum set by the server)."),
]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")]


def clamp_limit(limit: int | None, settings: Settings) -> int:
    """The page size to use: the default when none is asked, never above the maximum."""
    return min(limit or settings.default_page_size, settings.max_page_size)


async def on_store(store: GraphStore, work: Callable[[], T]) -> T:
    """Run a short piece of store work: on the event loop when the store's reads are
    local (SQLite), else on a worker thread (a Neo4j round trip must not block the loop).

    A hop to a worker costs more than an indexed SQLite read, which is most of
    the difference between ``/healthz`` and an entity GET under load.
    """
    if store.local_reads:
        return work()
    return await run_in_threadpool(work)


def etag(props: dict[str, Any]) -> str:
    """The ETag header of a node or relationship: its properties' digest, quoted.

    The same on every server process and store, so any replica can check it.

    >>> etag({"name": "א"}) == etag({"name": "א"}), etag({"name": "א"})[0]
    (True, '"')
    """
    return f'"{digest(props)}"'


def if_match(request: Request, current: dict[str, Any] | None = None) -> str | None:
    """The digest an ``If-Match`` header asks for, or ``None`` without the header.

    ``*`` matches whatever is stored (``current``). A tag that does not match
    ``current`` is :class:`PreconditionFailed` (412) at once.
    """
    header = request.headers.get("if-match")
    if header is None:
        return None
    tags = [t.strip().removeprefix("W/").strip('"') for t in header.split(",") if t.strip()]
    now = digest(current) if current is not None else None
    if "*" in tags and now is not None:
        return now
    if now is not None and now not in tags:
        raise PreconditionFailed(
            "If-Match: it changed since you read it (the ETag is stale); read it again"
        )
    return tags[0] if tags else ""


def write_lock(request: Request) -> threading.Lock:
    """A lock of this process (kept for callers that want one; the API no longer needs it).

    Uniqueness and "read, merge, write" are checked by the store inside the
    write's transaction (``create_only`` and ``expect`` of
    :meth:`graph.store.base.GraphStore.write`), so they hold across processes.
    """
    lock: threading.Lock = request.app.state.write_lock
    return lock


def mark_audit(request: Request, *ids: str) -> None:
    """Name the ids a write touched, for the audit trail."""
    request.state.audit_ids = [i for i in ids if i]


def explicit_rels(store: GraphStore, node_id: str) -> list[dict[str, Any]]:
    """A node's own relationships (not those its properties make), as a change log keeps
    them with a deleted node so that an undo brings them back."""
    return [
        {"type": r.type, "source": r.source, "target": r.target, "props": dict(r.props)}
        for r in store.relationships(node_id)
        if r.owner is None
    ]


def record_change(
    request: Request,
    action: str,
    resource: str,
    item: tuple[str, ...],
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Keep a landed JSON write's values in the change log, so an admin can undo it.

    The same log as the workbench's writes (:class:`api.web.changes.ChangeLog`):
    ``before`` and ``after`` are ``{"props": ...}`` (a deleted node's state also
    holds its explicit ``rels``), ``None`` where the item did not exist. The
    change's ``change:<seq>`` joins the ids of the request's audit row. The write
    has landed already: a log that cannot be written leaves it in place (it
    just cannot be undone), and says so in the server's log.
    """
    log = getattr(request.app.state, "changes", None)
    if log is None:
        return
    principal = getattr(request.state, "principal", None)
    try:
        seq = log.add(getattr(principal, "key_id", None), action, resource, item, before, after)
    except PartnermapError as exc:
        _log.error("%s %s landed but cannot be undone: %s", action, "/".join(item), exc.message)
        return
    request.state.audit_ids = [*getattr(request.state, "audit_ids", []), f"change:{seq}"]


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
