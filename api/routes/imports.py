"""``POST /imports``: a CSV zip, one CSV file or an XLSX workbook, checked and written atomically.

The answer is the import report of ``partnermap import --json`` (422 when it
is not valid: nothing was written). The upload's size is bounded twice: by
``Content-Length`` before anything is read, and by counting the bytes as
they arrive (see :class:`api.app.BodyLimit`); a zip is also bounded in what
it expands to, and only its ``.csv`` members are extracted, by base name.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.config import Settings
from api.deps import EditorDep, SettingsDep, StoreDep
from api.routes.common import mark_audit
from graph.errors import PartnermapError
from graph.hygiene import dumps_finite
from graph.store.base import GraphStore
from importers.guards import TooLarge, ZipBudget

__all__ = ["import_upload", "prepare_upload", "router"]

router = APIRouter(prefix="/imports", tags=["imports"])

_CHUNK = 1024 * 1024
_SAFE_NAME = re.compile(r"[^\w.\-]+")


class BadUpload(PartnermapError):
    """The upload is not a zip of CSV files, a CSV file or an XLSX workbook."""

    status_code = 400


class UploadTooLarge(PartnermapError):
    status_code = 413


def _is_xlsx(archive: zipfile.ZipFile) -> bool:
    names = set(archive.namelist())
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def _extract_csvs(archive: zipfile.ZipFile, folder: Path, settings: Settings) -> None:
    # The CLI reads zips through the same budget (importers.guards.ZipBudget).
    budget = ZipBudget(settings.max_unzipped_bytes)
    seen: set[str] = set()
    for info in archive.infolist():
        name = PurePosixPath(info.filename.replace("\\", "/")).name
        if info.is_dir() or not name.lower().endswith(".csv") or name.startswith(("._", ".")):
            continue
        if "__MACOSX" in info.filename:
            continue
        if name.lower() in seen:
            raise BadUpload(f"the zip holds two files named {name!r}")
        seen.add(name.lower())
        try:
            budget.copy(archive, info, folder / name)
        except TooLarge:
            raise UploadTooLarge(
                f"the zip expands to more than {settings.max_unzipped_bytes} bytes"
            ) from None
    if not seen:
        raise BadUpload("the zip holds no .csv file (expected organizations.csv and others)")


def prepare_upload(upload: Path, filename: str, work: Path, settings: Settings) -> Path:
    """The path to hand to the importer: a folder of CSV files, or the file itself."""
    if zipfile.is_zipfile(upload):
        try:
            with zipfile.ZipFile(upload) as archive:
                if _is_xlsx(archive):
                    target = work / "upload.xlsx"
                    shutil.move(upload, target)
                    return target
                folder = work / "csv"
                folder.mkdir()
                _extract_csvs(archive, folder, settings)
                return folder
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as exc:
            raise BadUpload(f"the upload {filename!r} is not a readable zip: {exc}") from exc
    safe = _SAFE_NAME.sub("_", PurePosixPath(filename.replace("\\", "/")).name).lstrip(".")
    safe = safe[-100:]  # file systems refuse very long names
    # One file (a CSV of the import format, partnermap JSON, 360Giving, IATI, HXL, the
    # statistics office's tables): the importer detects its format by name and content.
    target = work / (safe or "upload")
    shutil.move(upload, target)
    return target


def import_upload(
    store: GraphStore, settings: Settings, path: Path, dry_run: bool, partial: bool
) -> dict[str, Any]:
    """The import report; read in a child process with memory and time limits unless
    ``isolate_imports`` is off, so that no upload can take the server down."""
    if settings.isolate_imports:
        from importers.isolated import run_import_isolated

        return run_import_isolated(
            settings.store,
            path,
            dry_run=dry_run,
            partial=partial,
            memory_bytes=settings.import_memory_bytes,
            seconds=settings.import_seconds,
        )
    from importers.registry import run_import

    report = run_import(store, path, format=None, dry_run=dry_run, partial=partial)
    result: dict[str, Any] = report.as_dict()
    return result


@router.post(
    "",
    summary="Import a CSV zip, a CSV file or an XLSX workbook",
    responses={
        200: {"description": "The import report (written, or checked only with dry_run)."},
        400: {"description": "The upload is not a readable zip, or is empty."},
        413: {"description": "The upload is larger than this server accepts."},
        422: {"description": "The import report: the data was rejected, nothing written."},
    },
)
async def create_import(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    _who: EditorDep,
    file: Annotated[UploadFile, File(description="A .zip of CSV files, a .csv or an .xlsx.")],
    dry_run: Annotated[bool, Query(description="Check only; write nothing.")] = False,
    partial: Annotated[bool, Query(description="Land the valid rows, list the skipped.")] = False,
) -> Any:
    filename = file.filename or "upload"
    mark_audit(request, f"upload:{filename}")
    work = Path(tempfile.mkdtemp(prefix="partnermap-import-"))
    try:
        upload = work / "upload.bin"
        size = 0
        with upload.open("wb") as out:
            while chunk := await file.read(_CHUNK):
                size += len(chunk)
                if size > settings.max_upload_bytes:
                    raise UploadTooLarge(
                        f"the upload is larger than {settings.max_upload_bytes} bytes"
                    )
                out.write(chunk)
        if size == 0:
            raise BadUpload(f"the upload {filename!r} is empty")
        path = await run_in_threadpool(prepare_upload, upload, filename, work, settings)
        report = await run_in_threadpool(import_upload, store, settings, path, dry_run, partial)
    finally:
        await file.close()
        shutil.rmtree(work, ignore_errors=True)
    if not report.get("valid", False) and not partial:
        body = {"detail": "the import was rejected: nothing was written", **report}
        return Response(
            dumps_finite(body, ensure_ascii=False, default=str),
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            media_type="application/json",
        )
    return Response(
        dumps_finite(report, ensure_ascii=False, default=str), media_type="application/json"
    )
