"""``partnermap report``: a locality's meeting-ready pack as an Excel workbook or a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.commands.common import StoreOpt, err, fail, for_option, store_from
from graph.errors import PartnermapError

__all__ = ["report_cmd"]


def report_cmd(
    locality: Annotated[
        str, typer.Option("--locality", help="The locality's id.", show_default=False)
    ],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="The file to write.", show_default=False),
    ],
    format: Annotated[str, typer.Option("--format", help="xlsx or pdf.")] = "xlsx",
    lang: Annotated[str, typer.Option("--lang", help="he (default), en or ar.")] = "he",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="As of this date (YYYY or YYYY-MM-DD).")
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Write a locality's report (findings, measures, charts, the map) for a meeting."""
    from graph.scope import parse_as_of
    from viz.reports import FORMATS, build_pack, pdf_bytes, workbook_bytes

    if format not in FORMATS:
        fail(f"--format: {format!r} is not one of {', '.join(FORMATS)}", code=2)
    if lang not in ("he", "en", "ar"):
        fail(f"--lang: {lang!r} is not one of he, en, ar", code=2)
    try:
        date = parse_as_of(as_of, "--as-of")
    except PartnermapError as exc:
        fail(exc.message, code=2)
    target = store_from(store)
    try:
        pack = build_pack(target, locality, lang=lang, as_of=date)
        data = workbook_bytes(pack) if format == "xlsx" else pdf_bytes(pack)
        output.write_bytes(data)
    except PartnermapError as exc:
        fail(for_option("--locality", exc.message), code=1)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", code=1)
    finally:
        target.close()
    err.print(
        f"wrote the {format} report of {pack.locality_name} ({len(data):,} bytes) to {output}",
        highlight=False,
        markup=False,
    )
