"""Run an import in a child process with a memory and time limit.

The HTTP API imports uploads here, so that a hostile file (a spreadsheet
bomb the guards of :mod:`importers.guards` do not know yet, a reader bug)
costs a child process, never the server: the child's address space is
capped with ``RLIMIT_AS`` and its run time with a deadline; when it dies or
overruns, :func:`run_import_isolated` raises :class:`ImportAborted` with a
message for the uploader, and the server answers (and audits) as usual.

The child opens the store from its URL and writes as any second process
would (SQLite serialises writers across processes; Neo4j is a server), so an
import is still atomic. The child is a fresh interpreter (``python -m
importers.isolated``) that reads its request as JSON on stdin and writes the
report as JSON on stdout: nothing of the server's state (threads, locks,
open files) is inherited.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "organizations.csv").write_text("id,name,sector\\no1,עמותת אור,nonprofit\\n")
>>> report = run_import_isolated(f"sqlite:///{folder}/g.db", folder, dry_run=True)
>>> report["valid"], report["stats"]["would_write"]["nodes"]
(True, 1)
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from graph.errors import PartnermapError

__all__ = ["DEFAULT_MEMORY_BYTES", "DEFAULT_SECONDS", "ImportAborted", "run_import_isolated"]

#: The address space an import child may use (the server's own is not touched).
DEFAULT_MEMORY_BYTES = 4 * 1024**3
#: The longest an import child may run.
DEFAULT_SECONDS = 600.0


class ImportAborted(PartnermapError):
    """The import ran out of its memory or time limit, or its process died: nothing written."""

    status_code = 413


class _ChildError(PartnermapError):
    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


def _child_main() -> None:
    """The child: limit memory, run the import, answer on stdout (one JSON object)."""
    request = json.loads(sys.stdin.read())
    limit = int(request["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        from graph.hygiene import dumps_finite
        from graph.store import open_store
        from importers.registry import run_import

        store = open_store(request["store_url"])
        try:
            report = run_import(
                store,
                Path(request["path"]),
                format=request["format"],
                dry_run=request["dry_run"],
                partial=request["partial"],
            )
        finally:
            store.close()
        answer: dict[str, Any] = {"report": report.as_dict()}
    except PartnermapError as exc:
        answer = {"error": {"status": exc.status_code, "message": exc.message}}
    except MemoryError:
        answer = {"memory": True}
    sys.stdout.write(dumps_finite(answer, ensure_ascii=False, default=str))
    sys.stdout.flush()


def run_import_isolated(
    store_url: str,
    path: Path | str,
    *,
    format: str | None = None,
    dry_run: bool = False,
    partial: bool = False,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
    seconds: float = DEFAULT_SECONDS,
) -> dict[str, Any]:
    """:func:`importers.registry.run_import` in a child process; its report as a dict.

    Raises
    ------
    ImportAborted
        The child ran out of memory or time, or died (nothing was written:
        the store's transaction never committed).
    PartnermapError
        What the import itself raised (a bad path, an unavailable store), with its status.
    """
    request = {
        "store_url": store_url,
        "path": str(path),
        "format": format,
        "dry_run": dry_run,
        "partial": partial,
        "memory_bytes": memory_bytes,
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "importers.isolated"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        stdout, _ = child.communicate(json.dumps(request).encode("utf-8"), timeout=seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise ImportAborted(
            f"the import took longer than this server allows ({seconds:g} s): nothing written"
        ) from None
    try:
        answer: dict[str, Any] = json.loads(stdout) if stdout else {}
    except ValueError:
        answer = {}
    if "report" in answer:
        report: dict[str, Any] = answer["report"]
        return report
    if "error" in answer:
        raise _ChildError(answer["error"]["message"], int(answer["error"]["status"]))
    raise ImportAborted(
        "the file could not be read within this server's memory limit "
        f"({memory_bytes // 1024**2} MB): nothing written"
    )


if __name__ == "__main__":
    _child_main()
