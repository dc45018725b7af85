"""The Typer ``app`` of ``partnermap`` and the helpers its commands share.

Exit status: 0 success, 1 the input was rejected (nothing written), 2 usage
error. ``--json`` prints machine-readable output on stdout and nothing else
there; messages and progress go to stderr (:data:`err`), human output to
stdout (:data:`out`).

Examples
--------
>>> print_json({"name": "שדרות", "ties": 2})
{
  "name": "שדרות",
  "ties": 2
}
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from graph.errors import StoreUnavailable, ValidationFailed
from graph.hygiene import dumps_finite, terminal_safe
from graph.store import GraphStore, default_store_url, open_store, redact_url

__all__ = [
    "AsOfOpt",
    "JsonOpt",
    "StoreOpt",
    "app",
    "as_of_from",
    "demo_store_url",
    "describe_store",
    "err",
    "fail",
    "out",
    "print_json",
    "safe_text",
    "store_from",
]

app = typer.Typer(
    name="partnermap",
    help="Stakeholder network analysis for local authorities: import, analyse, map, serve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Human output and progress go to stderr so that ``--json`` keeps stdout clean.
err = Console(stderr=True)
out = Console()

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="PARTNERMAP_STORE",
        help="Store URL: sqlite:///path.db (default: a file in your data folder) or "
        "neo4j://user:password@host:7687.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="See the graph as on this date (YYYY = 31 December, or YYYY-MM-DD); default today.",
        show_default=False,
    ),
]


def as_of_from(text: str | None, option: str = "--as-of", *, start: bool = False) -> dt.date:
    """The date of an ``--as-of`` style option (today when not given), or exit 2.

    ``start=True`` reads a year alone as its 1 January (``--from``).
    """
    from graph.scope import parse_as_of

    try:
        return parse_as_of(text, option, start=start)
    except ValidationFailed as exc:
        fail(exc.message, code=2)


def demo_store_url() -> str:
    """Where ``partnermap demo`` keeps its store when not given one."""
    from pathlib import Path

    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('partnermap')) / 'demo.db'}"


def store_from(url: str | None, *, hint_demo: bool = True) -> GraphStore:
    """Open the store or exit 1 with a clear message.

    When no store was named (no ``--store``, no ``PARTNERMAP_STORE``), the
    default store is empty and the demo's store exists, a note on stderr
    says how to reach the demo: a newcomer who ran ``partnermap demo``
    otherwise meets an empty graph and no word why.
    """
    try:
        store = open_store(url or default_store_url())
    except StoreUnavailable as exc:
        fail(exc.message, code=1)
    if url is None and hint_demo:
        demo = demo_store_url()
        demo_file = demo.removeprefix("sqlite:///")
        from pathlib import Path

        if Path(demo_file).is_file() and not any(store.counts().nodes.values()):
            err.print(
                f"note: the default store {describe_store(store)} is empty. The demo is in "
                f"{demo}: add --store {demo} (or export PARTNERMAP_STORE={demo}).",
                style="yellow",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
    return store


def print_json(data: Any) -> None:
    """Write JSON on stdout (UTF-8, Hebrew as is)."""
    sys.stdout.write(dumps_finite(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def for_option(option: str, message: str) -> str:
    """``message`` said of a command-line option, without the API's name for the same field.

    >>> for_option("--locality", "locality_id: no locality with id 'x'")
    "--locality: no locality with id 'x'"
    >>> for_option("--locality", "no locality with id 'x'")
    "--locality: no locality with id 'x'"
    """
    for field in ("locality_id: ", "cluster_id: "):
        message = message.removeprefix(field)
    return f"{option}: {message}"


def fail(message: str, *, code: int = 1) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    # markup off and control characters shown as escapes: messages carry users' data
    err.print(
        f"error: {terminal_safe(message)}",
        style="bold red",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    raise typer.Exit(code)


def safe_text(value: object, style: str = "") -> Any:
    """A Rich ``Text`` of data for the terminal: never Rich markup, and escape sequences
    and other control characters shown as ``\\x1b`` rather than obeyed.

    Every command printing names or values from users' files uses this for them.

    >>> print(safe_text("ועד\\x1b[2J").plain)
    ועד\\x1b[2J
    """
    from rich.text import Text

    return Text(terminal_safe(str(value)), style=style)


def describe_store(store: GraphStore) -> str:
    """The store's URL with any password hidden, for messages."""
    return redact_url(store.url)
