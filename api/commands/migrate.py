"""``partnermap migrate``: copy a whole graph between stores and compare the counts."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from api.commands.common import JsonOpt, describe_store, err, fail, print_json, store_from
from graph.errors import PartnermapError
from graph.store import GraphStore, redact_url

__all__ = ["migrate"]


def _copy_graph(source: GraphStore, target: GraphStore, *, quiet: bool) -> dict[str, Any]:
    """Write every node and explicit relationship of ``source`` into ``target``.

    Derived relationships are not copied: the target derives them again from
    the nodes, with their owners. One ``write``, so one transaction.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    nodes = list(source.iter_nodes())
    explicit = [r for r in source.iter_relationships() if r.owner is None]
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=quiet,
    )
    with bar:
        task = bar.add_task("copying", total=len(nodes) + len(explicit))
        written = target.write(nodes, explicit, progress=lambda n: bar.advance(task, n))
    return written.as_dict()


def migrate(
    from_url: Annotated[
        str,
        typer.Option(
            "--from", help="Source store URL (sqlite:///… or neo4j://…).", show_default=False
        ),
    ],
    to_url: Annotated[
        str,
        typer.Option(
            "--to", help="Target store URL (sqlite:///… or neo4j://…).", show_default=False
        ),
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Clear a target that already holds a graph.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Copy a whole graph between stores and check that the counts match."""
    if redact_url(from_url) == redact_url(to_url):
        fail("--from and --to name the same store", code=2)
    source = store_from(from_url)
    try:
        target = store_from(to_url)
    except typer.Exit:
        source.close()
        raise
    try:
        before = source.counts()
        existing = target.counts()
        held = sum(existing.nodes.values()) + sum(existing.relationships.values())
        if held and not replace:
            fail(
                f"the target {describe_store(target)} already holds {held} nodes and "
                "relationships: "
                "pass --replace to clear it first",
                code=1,
            )
        if held:
            target.clear()
        written = _copy_graph(source, target, quiet=as_json)
        after = target.counts()
    except PartnermapError as exc:
        fail(exc.message, code=1)
    finally:
        source.close()
        target.close()
    matched = before.nodes == after.nodes and before.relationships == after.relationships
    result = {
        "from": redact_url(from_url),
        "to": redact_url(to_url),
        "matched": matched,
        "source": before.as_dict(),
        "target": after.as_dict(),
        "written": written,
    }
    if as_json:
        print_json(result)
    else:
        total_nodes = sum(after.nodes.values())
        total_rels = sum(after.relationships.values())
        err.print(
            f"copied {total_nodes} nodes and {total_rels} relationships "
            f"from {result['from']} to {result['to']}",
            highlight=False,
            markup=False,
        )
    if not matched:
        fail(
            f"counts differ after the copy: source {before.as_dict()}, target {after.as_dict()}",
            code=1,
        )
