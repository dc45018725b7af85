"""``partnermap map``: a locality's interactive map as one offline HTML file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.commands.common import AsOfOpt, StoreOpt, as_of_from, err, fail, for_option, store_from
from graph.errors import PartnermapError

__all__ = ["map_cmd"]


def map_cmd(
    locality: Annotated[
        str, typer.Option("--locality", help="The locality's id.", show_default=False)
    ],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="The HTML file to write.", show_default=False),
    ],
    lang: Annotated[str, typer.Option("--lang", help="he (default), en or ar.")] = "he",
    context: Annotated[str, typer.Option("--context", help="both, routine or emergency.")] = "both",
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
) -> None:
    """Write a locality's interactive map as ONE self-contained HTML file (works offline)."""
    from graph.scope import Scope
    from graph.vocabulary import LANGS
    from viz.maps import load_locality, render_map

    if lang not in LANGS:
        fail(f"--lang: {lang!r} is not one of {', '.join(LANGS)}", code=2)
    if context not in ("both", "routine", "emergency"):
        fail(f"--context: {context!r} is not one of both, routine, emergency", code=2)
    when = as_of_from(as_of)
    target = store_from(store)
    try:
        view = load_locality(target, locality, scope=Scope(locality, when, context))
        title = str(view.locality.props.get(f"name_{lang}") or view.locality.name)
        html = render_map(
            view.network, view.report, sub=view.sub, lang=lang, context=context, title=title
        )
        output.write_text(html, encoding="utf-8")
    except PartnermapError as exc:
        fail(for_option("--locality", exc.message), code=1)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", code=1)
    finally:
        target.close()
    err.print(
        f"wrote the map of {view.network.number_of_nodes()} actors and "
        f"{view.network.number_of_edges()} ties to {output}",
        highlight=False,
        markup=False,
    )
