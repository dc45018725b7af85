"""``GET /web/audit``: the audit trail for admins; ``POST /web/undo`` undoes a browser change.

The rows are the API's audit trail (:meth:`api.auth.KeyStore.audit`), so
writes through the JSON API and from the browser are in one list. A browser
change's row names ``change:<seq>``; its values (before and after) come from
the change log, and it can be undone while the item is still as that change
left it (:meth:`api.web.changes.Writer.undoable`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from api.auth import AuditEntry, KeyStore
from api.web.changes import ChangeLog, Writer, state_of
from api.web.edit import writer
from api.web.forms import Resource, resources
from api.web.pages import FormDep, UserDep, WebUser, current_lang, redirect, render
from api.web.text import t
from graph.errors import Conflict, PartnermapError

__all__ = ["router"]

router = APIRouter(prefix="/web", include_in_schema=False)

_PAGE = 50
_API = "/api/v1/"
#: How far back (in audit rows) a create through the API can still be undone from the browser.
_API_UNDO_REACH = 5000
_METHOD_ACTION = {
    "POST": "action_create",
    "PUT": "action_update",
    "PATCH": "action_update",
    "DELETE": "action_delete",
}


def _change_seq(ids: list[str]) -> int | None:
    for value in ids:
        if value.startswith("change:") and value[7:].isdigit():
            return int(value[7:])
    return None


def _action(entry: AuditEntry) -> str | None:
    """The catalogue key naming what a row that keeps no values did, from its method and path.

    >>> from dataclasses import replace
    >>> row = AuditEntry(1, "", None, None, "DELETE", "/api/v1/organizations/x", [], 404)
    >>> _action(row), _action(replace(row, method="POST", path="/web/imports?dry_run=true"))
    ('action_delete', 'action_import')
    """
    path = entry.path.split("?", 1)[0].rstrip("/")
    if entry.method == "GET":
        return "action_read"
    if path.endswith("/undo"):
        return "action_undo"
    if path.endswith("/imports"):
        return "action_import"
    return _METHOD_ACTION.get(entry.method)


def _not_admin(request: Request, user: WebUser) -> HTMLResponse | None:
    if user.is_admin:
        return None
    message = t(current_lang(request), "audit_admin_only")
    return render(request, "web/message.html", user=user, message=message, status_code=403)


def _when(at: str) -> str:
    try:
        return datetime.fromisoformat(at).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at


def _api_create(
    entry: AuditEntry, known: dict[str, Resource]
) -> tuple[Resource, tuple[str, ...]] | None:
    """The resource and item a successful create through the JSON API made, else ``None``."""
    if entry.method != "POST" or entry.status != 201 or not entry.path.startswith(_API):
        return None
    resource = known.get(entry.path[len(_API) :].strip("/"))
    if resource is None or len(entry.ids) != (2 if resource.ends else 1):
        return None
    return resource, tuple(entry.ids)


def _touched_later(entry: AuditEntry, item: tuple[str, ...], newer: list[AuditEntry]) -> bool:
    """Whether a later write (that was not refused) named the item."""
    return any(
        other.seq > entry.seq and other.status < 400 and all(i in other.ids for i in item)
        for other in newer
    )


def _api_undoable(
    write: Writer, entry: AuditEntry, known: dict[str, Resource], newer: list[AuditEntry]
) -> bool:
    found = _api_create(entry, known)
    if found is None:
        return False
    resource, item = found
    return state_of(write.store, resource, item) is not None and not _touched_later(
        entry, item, newer
    )


def _rows(request: Request, user: WebUser, offset: int) -> tuple[list[dict[str, Any]], int]:
    keys: KeyStore = request.app.state.keys
    log: ChangeLog = request.app.state.changes
    newer, total = keys.audit(limit=min(offset + _PAGE, _API_UNDO_REACH), offset=0)
    entries = (
        newer[offset:]
        if offset + _PAGE <= _API_UNDO_REACH
        else keys.audit(limit=_PAGE, offset=offset)[0]
    )
    seqs = [s for e in entries if (s := _change_seq(e.ids)) is not None]
    changes = log.get_many(seqs)
    known = resources()
    write = writer(request, user)
    rows = []
    for entry in entries:
        seq = _change_seq(entry.ids)
        change = changes.get(seq) if seq is not None else None
        resource = known.get(change.resource) if change is not None else None
        rows.append(
            {
                "entry": entry,
                "when": _when(entry.at),
                "ids": [i for i in entry.ids if not i.startswith("change:")],
                "change": change,
                "action": _action(entry),
                "undoable": bool(
                    change is not None and resource is not None and write.undoable(change, resource)
                ),
                "api_undoable": change is None
                and entry.seq > 0
                and _api_undoable(write, entry, known, newer),
            }
        )
    return rows, total


@router.get("/audit", response_class=HTMLResponse)
async def audit_page(request: Request, user: UserDep, offset: int = 0) -> Response:
    refused = _not_admin(request, user)
    if refused is not None:
        return refused
    offset = max(0, min(offset, 1_000_000_000))
    rows, total = await run_in_threadpool(_rows, request, user, offset)
    error = request.query_params.get("error", "")[:500]
    return render(
        request,
        "web/audit.html",
        title_key="audit",
        user=user,
        rows=rows,
        total=total,
        offset=offset,
        page=_PAGE,
        notice=t(current_lang(request), "undone") if request.query_params.get("undone") else None,
        error=error,
    )


@router.post("/undo", response_class=HTMLResponse)
async def undo(request: Request, form: FormDep) -> Response:
    user, data = form
    refused = _not_admin(request, user)
    if refused is not None:
        return refused
    lang = current_lang(request)
    audit_seq = str(data.get("audit") or "")
    if audit_seq.isdigit():
        return await _undo_api_create(request, user, int(audit_seq))
    raw = str(data.get("seq") or "")
    log: ChangeLog = request.app.state.changes
    change = await run_in_threadpool(log.get, int(raw)) if raw.isdigit() else None
    resource = resources().get(change.resource) if change is not None else None
    if change is None or resource is None:
        return render(
            request, "web/message.html", user=user, message=t(lang, "not_found"), status_code=404
        )
    try:
        await run_in_threadpool(writer(request, user).undo, change, resource)
    except PartnermapError as exc:
        return render(
            request,
            "web/message.html",
            user=user,
            message=t(lang, "undo_refused", reason=exc.message),
            status_code=exc.status_code,
        )
    return redirect("/web/audit?undone=1")


async def _undo_api_create(request: Request, user: WebUser, seq: int) -> Response:
    lang = current_lang(request)
    keys: KeyStore = request.app.state.keys
    newer, _ = await run_in_threadpool(keys.audit, limit=_API_UNDO_REACH, offset=0)
    entry = next((e for e in newer if e.seq == seq), None)
    found = _api_create(entry, resources()) if entry is not None else None
    if entry is None or found is None:
        return render(
            request, "web/message.html", user=user, message=t(lang, "not_found"), status_code=404
        )
    resource, item = found
    write = writer(request, user)
    try:
        if _touched_later(entry, item, newer):
            raise Conflict(f"{' → '.join(item)} changed after audit row {seq}")
        await run_in_threadpool(write.undo_api_create, resource, item)
    except PartnermapError as exc:
        return render(
            request,
            "web/message.html",
            user=user,
            message=t(lang, "undo_refused", reason=exc.message),
            status_code=exc.status_code,
        )
    return redirect("/web/audit?undone=1")
