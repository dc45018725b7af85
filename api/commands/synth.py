"""``partnermap synth``: a synthetic national dataset in the import format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.commands.common import JsonOpt, err, fail, print_json

__all__ = ["synth"]


def synth(
    out_dir: Annotated[
        Path,
        typer.Option("-o", "--out", help="Folder for the CSV files.", show_default=False),
    ],
    localities: Annotated[
        int, typer.Option("--localities", min=1, help="Number of local authorities.")
    ] = 255,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same files).")] = 0,
    orgs_per_locality: Annotated[
        int,
        typer.Option("--orgs-per-locality", min=20, help="Organisations per locality."),
    ] = 196,
    as_json: JsonOpt = False,
) -> None:
    """Write a synthetic national dataset in the import format (for benchmarks)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from importers.synth import generate

    if out_dir.exists() and not out_dir.is_dir():
        fail(f"-o: {out_dir} exists and is not a folder", code=2)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
    )
    try:
        with bar:
            task = bar.add_task("localities", total=localities)
            counts = generate(
                localities,
                seed,
                out_dir,
                orgs_per_locality=orgs_per_locality,
                progress=lambda n: bar.advance(task, n),
            )
    except OSError as exc:
        fail(f"cannot write to {out_dir}: {exc.strerror or exc}", code=1)
    if as_json:
        print_json(counts)
    else:
        total = sum(counts.values())
        err.print(
            f"wrote {total:,} rows to {out_dir}: "
            + ", ".join(f"{name} {n:,}" for name, n in counts.items()),
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
