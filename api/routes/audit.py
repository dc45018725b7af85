"""``GET /audit``: the trail of writes, newest first, for admins; a change's values and its undo.

A write through the API or the workbench that landed names ``change:<seq>``
among its ids: ``GET /audit/changes/{seq}`` shows what it changed (before and
after), and ``POST /audit/changes/{seq}/undo`` writes the *before* back while
that is safe (the item is still as the change left it; see
:class:`api.web.changes.Writer`). The undo is itself a change: this
request's audit row names its own ``change:<seq>`` (its path names the one
undone).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from api.deps import AccessDep, AdminDep, KeyStoreDep, StoreDep
from api.routes.common import mark_audit
from api.schemas import AuditEntryPublic, AuditList, ChangePublic
from api.web.changes import Change, ChangeLog, Writer
from api.web.forms import Resource, resources
from graph.errors import NotFound

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["audit"])

Seq = Annotated[int, Path(ge=1, le=2**62, description="The change's number (`change:<seq>`).")]


@router.get("", response_model=AuditList, summary="Who wrote what, when (admins only)")
def audit(
    keys: KeyStoreDep,
    _who: AdminDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> AuditList:
    entries, total = keys.audit(limit=limit, offset=offset)
    return AuditList(
        data=[AuditEntryPublic(**e.as_dict()) for e in entries],
        count=total,
    )


def _change(request: Request, seq: int) -> tuple[Change, Resource]:
    log: ChangeLog = request.app.state.changes
    change = log.get(seq)
    resource = resources().get(change.resource) if change is not None else None
    if change is None or resource is None:
        raise NotFound(f"path seq: no change {seq}")
    return change, resource


def _public(change: Change, undoable: bool) -> ChangePublic:
    return ChangePublic(
        seq=change.seq,
        at=datetime.fromtimestamp(change.at, UTC).isoformat(timespec="seconds"),
        key_id=change.key_id,
        action=change.action,
        resource=change.resource,
        item=list(change.item),
        before=change.before,
        after=change.after,
        undo_of=change.undo_of,
        undone_by=change.undone_by,
        undoable=undoable,
    )


def _writer(request: Request, store: StoreDep, who: AdminDep, access: AccessDep) -> Writer:
    # The request's own audit row (AuditTrail) records the undo: no second row.
    state = request.app.state
    return Writer(store, state.write_lock, state.changes, state.keys, who, access, audited=False)


@router.get(
    "/changes/{seq}",
    response_model=ChangePublic,
    summary="What a change did, before and after (admins only)",
)
def get_change(
    seq: Seq, request: Request, store: StoreDep, who: AdminDep, access: AccessDep
) -> ChangePublic:
    change, resource = _change(request, seq)
    return _public(change, _writer(request, store, who, access).undoable(change, resource))


@router.post(
    "/changes/{seq}/undo",
    response_model=ChangePublic,
    summary="Undo a change while the item is as it left it (admins only)",
    responses={409: {"description": "The item changed since, or the undo breaks a rule."}},
)
def undo_change(
    seq: Seq, request: Request, store: StoreDep, who: AdminDep, access: AccessDep
) -> ChangePublic:
    change, resource = _change(request, seq)
    # The row names the item, and once it lands the undo's own change (the path names the
    # change undone): the change log shows a row's change, and this row's is the undo.
    mark_audit(request, *change.item)
    done = _writer(request, store, who, access).undo(change, resource)
    mark_audit(request, *change.item, f"change:{done}")
    new, _ = _change(request, done)
    return _public(new, undoable=True)
