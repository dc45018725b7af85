"""Upload in the browser: a dry run first, the report as a table, then a confirmation to land it.

``POST /web/imports`` takes a workbook, a zip of CSV files or one CSV file
(the same preparation as ``POST /api/v1/imports``, and the same size
limits), runs the import pipeline with ``dry_run`` and shows the report:
one row per problem (file, row, column, value, what was expected). Like the
API's, the import runs in a child process with memory and time limits
(unless the server's ``isolate_imports`` is off). A valid
upload is kept on the server under a random token for
:data:`PENDING_SECONDS`, in a folder beside the key file (so any worker or
replica on that key file can land it: the confirmation need not reach the
process that checked it); ``POST /web/imports/confirm`` claims it by one
atomic rename (exactly one confirmation wins), imports it for real (checked
again: the graph may have changed meanwhile) and records the import in the
audit trail. ``GET /web/template.xlsx`` is the template
(:mod:`api.web.template`).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from api.auth import KeyStore
from api.config import Settings
from api.routes.imports import import_upload, prepare_upload
from api.web.pages import FormDep, UserDep, WebUser, current_lang, render
from api.web.template import build_template
from api.web.text import t
from graph.errors import PartnermapError
from graph.store.base import GraphStore

__all__ = ["PENDING_SECONDS", "router"]

router = APIRouter(prefix="/web", include_in_schema=False)

#: How long a checked upload waits for its confirmation.
PENDING_SECONDS = 3600.0
_CHUNK = 1024 * 1024
#: What a token looks like (``secrets.token_urlsafe(24)``): never a path of its own.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
_META = "pending.json"


@dataclass
class _Pending:
    key_id: str | None
    filename: str
    work: Path
    path: Path


def _uploads(request: Request) -> Path:
    """The folder of checked uploads, beside the key file (made 0700), old ones swept out."""
    settings: Settings = request.app.state.settings
    keys_path = settings.resolved_keys_path()
    folder = keys_path.with_name(keys_path.stem + ".uploads")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = time.time()
    for entry in folder.iterdir():
        try:
            if now - entry.stat().st_mtime > PENDING_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:  # another process swept it first
            pass
    return folder


def _keep(folder: Path, work: Path, path: Path, key_id: str | None, filename: str) -> str:
    """Keep a checked upload under a new token; the token."""
    meta = {"key_id": key_id, "filename": filename, "path": str(path.relative_to(work))}
    (work / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    token = secrets.token_urlsafe(24)
    work.rename(folder / token)
    return token


def _claim(folder: Path, token: str, key_id: str | None) -> _Pending | None:
    """Take the upload of ``token`` for ``key_id``: one rename, so one confirmation wins."""
    if not _TOKEN.fullmatch(token):
        return None
    claimed = folder / f"claimed-{token}-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        (folder / token).rename(claimed)
    except OSError:  # unknown, expired, or confirmed already (by any process)
        return None
    try:
        meta = json.loads((claimed / _META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        shutil.rmtree(claimed, ignore_errors=True)
        return None
    if meta.get("key_id") != key_id:  # someone else's upload: put it back untouched
        claimed.rename(folder / token)
        return None
    path = (claimed / str(meta["path"])).resolve()
    if not path.is_relative_to(claimed.resolve()):
        shutil.rmtree(claimed, ignore_errors=True)
        return None
    return _Pending(key_id, str(meta.get("filename") or "?"), claimed, path)


def _page(request: Request, user: WebUser, **context: Any) -> HTMLResponse:
    status = int(context.pop("status_code", 200))
    return render(
        request, "web/upload.html", title_key="upload", user=user, status_code=status, **context
    )


def _record(request: Request, user: WebUser, filename: str, status: int, dry: bool) -> None:
    keys: KeyStore = request.app.state.keys
    path = "/web/imports" + ("?dry_run=true" if dry else "")
    keys.record(user.principal, "POST", path, [f"upload:{filename}"], status)


def _forbidden(request: Request, user: WebUser) -> HTMLResponse | None:
    if user.can_edit:
        return None
    lang = current_lang(request)
    message = t(lang, "forbidden", role=user.principal.role.value)
    return render(request, "web/message.html", user=user, message=message, status_code=403)


@router.get("/imports", response_class=HTMLResponse)
def upload_page(request: Request, user: UserDep) -> HTMLResponse:
    return _forbidden(request, user) or _page(request, user)


@router.post("/imports", response_class=HTMLResponse)
async def check_upload(request: Request, form: FormDep) -> Response:
    user, data = form
    refused = _forbidden(request, user)
    if refused is not None:
        await run_in_threadpool(_record, request, user, "?", 403, True)
        return refused
    upload = data.get("file")
    lang = current_lang(request)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, user, error=t(lang, "upload_none"), status_code=400)
    settings: Settings = request.app.state.settings
    store: GraphStore = request.app.state.store
    filename = upload.filename
    folder = await run_in_threadpool(_uploads, request)
    work = Path(tempfile.mkdtemp(prefix="checking-", dir=folder))
    keep = False
    try:
        raw = work / "upload.bin"
        size = 0
        with raw.open("wb") as out:
            while chunk := await upload.read(_CHUNK):
                size += len(chunk)
                if size > settings.max_upload_bytes:
                    raise PartnermapError(
                        f"the upload is larger than {settings.max_upload_bytes} bytes"
                    )
                out.write(chunk)
        if size == 0:
            raise PartnermapError(f"the upload {filename!r} is empty")
        path = await run_in_threadpool(prepare_upload, raw, filename, work, settings)
        result = await run_in_threadpool(import_upload, store, settings, path, True, False)
    except PartnermapError as exc:
        shutil.rmtree(work, ignore_errors=True)
        await run_in_threadpool(_record, request, user, filename, exc.status_code, True)
        return _page(request, user, error=exc.message, filename=filename, status_code=400)
    finally:
        await upload.close()
    valid = bool(result.get("valid"))
    token = ""
    try:
        if valid:
            token = _keep(folder, work, path, user.principal.key_id, filename)
            keep = True
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    await run_in_threadpool(_record, request, user, filename, 200 if valid else 422, True)
    return _page(
        request,
        user,
        report=result,
        filename=filename,
        token=token,
        status_code=200 if valid else 422,
    )


@router.post("/imports/confirm", response_class=HTMLResponse)
async def confirm_upload(request: Request, form: FormDep) -> Response:
    user, data = form
    refused = _forbidden(request, user)
    if refused is not None:
        return refused
    token = str(data.get("token") or "")
    folder = await run_in_threadpool(_uploads, request)
    item = await run_in_threadpool(_claim, folder, token, user.principal.key_id)
    if item is None:
        return _page(request, user, error=t(current_lang(request), "upload_gone"), status_code=410)
    store: GraphStore = request.app.state.store
    try:
        settings: Settings = request.app.state.settings
        result = await run_in_threadpool(import_upload, store, settings, item.path, False, False)
    finally:
        shutil.rmtree(item.work, ignore_errors=True)
    valid = bool(result.get("valid"))
    status = 200 if valid else 422
    await run_in_threadpool(_record, request, user, item.filename, status, False)
    return _page(
        request,
        user,
        report=result,
        filename=item.filename,
        landed=valid,
        status_code=status,
    )


@router.get("/template.xlsx")
async def template(request: Request, user: UserDep) -> Response:
    body = await run_in_threadpool(build_template)
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="partnermap-template.xlsx"'},
    )
