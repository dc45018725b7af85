"""The report pack as a PDF, printed by headless Chromium.

Why Chromium: it is already how partnermap's pages are tested, it comes from
Debian's packages (``scripts/setup-system.sh`` installs it with DejaVu fonts,
which cover Hebrew and Arabic), it shapes and orders right-to-left text with
the same engine the dashboards use, and it writes real text: the PDF's
Hebrew is searchable and copyable in logical order (the tests read it back
with ``pdftotext``). WeasyPrint would add Pango and a second layout engine to
keep in step with the browser.

:func:`report_html` renders the pack (autoescaped: names from spreadsheets
are text) and :func:`pdf_bytes` prints it. Printing runs in a temporary
folder, one at a time, with a time limit.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from graph.errors import PartnermapError
from viz.payload import SECTOR_COLOURS
from viz.reports.pack import Pack

__all__ = ["PdfUnavailable", "chromium_path", "pdf_bytes", "report_html"]

_PRINT_LOCK = threading.Semaphore(1)
_TIMEOUT_S = 90


class PdfUnavailable(PartnermapError):
    """No Chromium to print with, or printing failed (the API answers 503)."""

    status_code = 503


def chromium_path() -> str | None:
    """The Chromium binary (Debian's ``chromium``), if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def report_html(pack: Pack) -> str:
    """The pack as one self-contained HTML page, ready to print."""
    from viz.maps import _env
    from viz.sections import template_helpers

    return (
        _env()
        .get_template("reports/report.html")
        .render(pack=pack, colours=SECTOR_COLOURS, **template_helpers(pack.lang))
    )


def pdf_bytes(pack: Pack) -> bytes:
    """Print the pack to PDF with headless Chromium.

    Raises
    ------
    PdfUnavailable
        When Chromium is missing, fails or takes longer than the time limit.
    """
    binary = chromium_path()
    if binary is None:
        raise PdfUnavailable("PDF reports need Chromium: run scripts/setup-system.sh")
    with _PRINT_LOCK, tempfile.TemporaryDirectory(prefix="partnermap-report-") as tmp:
        folder = Path(tmp)
        page, out = folder / "report.html", folder / "report.pdf"
        page.write_text(report_html(pack), encoding="utf-8")
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            subprocess.run(  # noqa: S603 - fixed arguments, our own temporary files
                command, capture_output=True, timeout=_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable("printing the PDF took too long") from exc
        if not out.exists() or out.stat().st_size == 0:
            raise PdfUnavailable("Chromium did not print the report")
        return out.read_bytes()
