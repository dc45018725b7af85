"""``partnermap compass`` and ``partnermap rank-localities``: the fund's instruments (SPEC 9)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from api.commands.common import (
    AsOfOpt,
    JsonOpt,
    StoreOpt,
    as_of_from,
    fail,
    for_option,
    out,
    print_json,
    store_from,
)
from graph.errors import PartnermapError

__all__ = ["compass_cmd", "rank_localities_cmd"]

_ARROWS = {"improved": "↑", "declined": "↓", "same": "=", "single": "·"}

LangOpt = Annotated[str, typer.Option("--lang", help="he (default), en or ar.")]


def _scope(locality: str | None, as_of: str | None) -> Any:
    from graph.scope import Scope

    return Scope(locality, as_of_from(as_of))


def _print_compass(report: dict[str, Any], lang: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from graph.vocabulary import fmt_percent, render, term

    years = report["years"]
    title = render("fund.compass.title", lang)
    if not years:
        out.print(Text(f"{title}: {render('fund.compass.no_years', lang)}"))
        return
    domains = sorted({c["domain"] for c in report["cells"]})
    table = Table(title=f"{title} ({years[0]}–{years[-1]})", title_justify="left", show_lines=True)
    table.add_column(render("fund.compass.outcome_col", lang), overflow="fold")
    for domain in domains:
        table.add_column(term("domain", domain, lang), overflow="fold")
    table.add_column(f"{years[0]} → {years[-1]}")
    shares = {o["outcome"]: o for o in report["outcomes"]}
    by_key = {(c["outcome"], c["domain"]): c for c in report["cells"]}
    for entry in report["outcomes"]:
        outcome = entry["outcome"]
        cells = []
        for domain in domains:
            cell = by_key.get((outcome, domain))
            if cell is None:
                cells.append(Text("—"))
                continue
            first = term("compass_status", cell["first"]["status"], lang)
            latest = term("compass_status", cell["latest"]["status"], lang)
            text = latest if cell["change"] == "single" else f"{first} → {latest}"
            cells.append(Text(f"{_ARROWS[cell['change']]} {text}"))
        share = shares[outcome]
        a, b = share["met_share_first"], share["met_share_latest"]
        shown = " → ".join("—" if x is None else fmt_percent(x, lang) for x in (a, b))
        table.add_row(Text(term("outcome", outcome, lang)), *cells, Text(shown))
    out.print(table)
    out.print(Text(render("fund.compass.legend_cli", lang)))


def compass_cmd(
    locality: Annotated[
        str, typer.Option("--locality", help="The locality (its id).", show_default=False)
    ],
    as_of: AsOfOpt = None,
    lang: LangOpt = "he",
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """The infrastructure outcomes compass of a locality: first and latest rating per cell."""
    from graph.analytics.compass import compass_report

    if lang not in ("he", "en", "ar"):
        fail(f"--lang: {lang!r} is not one of he, en, ar", code=2)
    scope = _scope(locality, as_of)
    target = store_from(store)
    try:
        report = compass_report(target, scope)
    except PartnermapError as exc:
        fail(for_option("--locality", exc.message), code=1)
    finally:
        target.close()
    if as_json:
        print_json(report)
    else:
        _print_compass(report, lang)


def _rubric_source(report: dict[str, Any], lang: str) -> str:
    """The rubric's file, or the built-in one in words (not the code 'default')."""
    from graph.vocabulary import render

    source = str(report["rubric"]["source"])
    return render("fund.rank.default_rubric", lang) if source == "default" else source


def _print_ranking(report: dict[str, Any], lang: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from graph.vocabulary import fmt_percent, render

    head = {
        "he": ("מקום", "יישוב", "ציון", "נימוקים"),
        "en": ("rank", "locality", "score", "reasons"),
        "ar": ("المرتبة", "البلدة", "النتيجة", "الأسباب"),
    }[lang]
    table = Table(
        title=f"{render('fund.rank.title', lang)} ({_rubric_source(report, lang)})",
        title_justify="left",
        show_lines=True,
    )
    for column in head:
        table.add_column(column, overflow="fold")
    key = {"he": "reasons_he", "en": "reasons", "ar": "reasons_ar"}[lang]
    for entry in report["localities"]:
        lines = list(entry.get(key) or entry["reasons"])
        # The score line, then what is missing; --json has the whole breakdown.
        thin = entry["coverage"] < report["rubric"]["scales"]["min_coverage"]
        extra = bool(entry["missing"]) + thin
        shown = lines[:1] + (lines[-extra:] if extra and len(lines) > 1 else [])
        score = "—" if entry["score"] is None else fmt_percent(entry["score"], lang)
        table.add_row(
            Text(str(entry["rank"])),
            Text(str(entry["name"])),
            Text(score),
            Text("\n".join(dict.fromkeys(shown))),
        )
    out.print(table)
    if not report["localities"]:
        out.print(Text(render("fund.index.no_data", lang)))


def rank_localities_cmd(
    rubric: Annotated[
        str | None,
        typer.Option(
            "--rubric",
            help="A TOML rubric ([weights] criterion = number); default: the rubric that ships.",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOpt = None,
    context: Annotated[str, typer.Option("--context", help="both, routine or emergency.")] = "both",
    lang: LangOpt = "he",
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Rank the localities by the selection rubric, criterion by criterion."""
    from graph.analytics.selection import load_rubric, rank_localities
    from graph.scope import Scope

    if lang not in ("he", "en", "ar"):
        fail(f"--lang: {lang!r} is not one of he, en, ar", code=2)
    if context not in ("both", "routine", "emergency"):
        fail(f"--context: {context!r} is not one of both, routine, emergency", code=2)
    try:
        weights = load_rubric(rubric)
    except PartnermapError as exc:
        fail(f"--rubric: {exc.message}", code=1)
    base = _scope(None, as_of)
    target = store_from(store)
    try:
        report = rank_localities(target, weights, Scope(None, base.as_of, context))
    finally:
        target.close()
    if as_json:
        print_json(report)
    else:
        _print_ranking(report, lang)
