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

from api.auth import KeyStore
from api.web.changes import ChangeLog
from api.web.edit import writer
from api.web.forms import resources
from api.web.pages import FormDep, UserDep, WebUser, current_lang, redirect, render
from api.web.text import t
from graph.errors import PartnermapError

__all__ = ["router"]

router = APIRouter(prefix="/web", include_in_schema=False)

_PAGE = 50


def _change_seq(ids: list[str]) -> int | None:
    for value in ids:
        if value.startswith("change:") and value[7:].isdigit():
            return int(value[7:])
    return None


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


def _rows(request: Request, user: WebUser, offset: int) -> tuple[list[dict[str, Any]], int]:
    keys: KeyStore = request.app.state.keys
    log: ChangeLog = request.app.state.changes
    entries, total = keys.audit(limit=_PAGE, offset=offset)
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
                "undoable": bool(
                    change is not None and resource is not None and write.undoable(change, resource)
                ),
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
    raw = str(data.get("seq") or "")
    log: ChangeLog = request.app.state.changes
    change = await run_in_threadpool(log.get, int(raw)) if raw.isdigit() else None
    resource = resources().get(change.resource) if change is not None else None
    lang = current_lang(request)
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
