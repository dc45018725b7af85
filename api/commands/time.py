"""``partnermap changes`` and ``partnermap health``: the network over time (SPEC section 6)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from api.commands.common import (
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
from graph.vocabulary import LANGS, render

__all__ = ["changes_cmd", "health_cmd"]

LocalityOpt = Annotated[
    str | None,
    typer.Option(
        "--locality", help="One locality (its id); default the whole graph.", show_default=False
    ),
]
LangOpt = Annotated[str, typer.Option("--lang", help="he (default), en or ar.")]


def _print_lines(title: str, lines: list[str]) -> None:
    from rich.text import Text

    out.print(Text(title, style="bold"))
    for line in lines:
        out.print(Text(f"  • {line}"))


def _reasons(entry: dict[str, Any], lang: str) -> list[str]:
    key = {"he": "reasons_he", "ar": "reasons_ar"}.get(lang, "reasons")
    return [str(r) for r in entry.get(key) or entry.get("reasons") or []]


def _print_changes(report: dict[str, Any], lang: str, town: str | None = None) -> None:
    from rich.text import Text

    where = town or report["scope"].get("locality_id") or "—"
    out.print(
        Text(render("changes.ui.intro", lang, start=report["from"], end=report["to"]), style="bold")
    )
    out.print(Text(where))
    _print_lines(render("changes.ui.tab", lang), _reasons(report, lang))
    for key, title in (("added", "changes.ui.added"), ("ended", "changes.ui.ended")):
        ties = report["ties"][key]
        _print_lines(
            f"{render(title, lang)} ({len(ties)})", [" — ".join(_reasons(t, lang)) for t in ties]
        )
    for key, title in (("joined", "changes.ui.joined"), ("left", "changes.ui.left")):
        ids = report["actors"][key]
        _print_lines(f"{render(title, lang)} ({len(ids)})", ids)
    metric_lines = [
        f"{render(f'changes.metric.{k}', lang)}: {report['metrics']['before'][k]} → "
        f"{report['metrics']['after'][k]}"
        for k in report["metrics"]["delta"]
    ]
    _print_lines(render("changes.ui.metrics", lang), metric_lines)


def changes_cmd(
    start: Annotated[
        str, typer.Option("--from", help="The first date (YYYY or YYYY-MM-DD).", show_default=False)
    ],
    end: Annotated[
        str | None,
        typer.Option("--to", help="The second date (default today).", show_default=False),
    ] = None,
    locality: LocalityOpt = None,
    context: Annotated[str, typer.Option("--context", help="both, routine or emergency.")] = "both",
    lang: LangOpt = "he",
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """What changed between two dates: ties added and ended, who joined and left, and more."""
    from graph.analytics.changes import changes_report
    from graph.scope import Scope

    if lang not in LANGS:
        fail(f"--lang: {lang!r} is not one of {', '.join(LANGS)}", code=2)
    if context not in ("both", "routine", "emergency"):
        fail(f"--context: {context!r} is not one of both, routine, emergency", code=2)
    before, after = as_of_from(start, "--from", start=True), as_of_from(end, "--to")
    if before > after:
        fail(f"--from {before.isoformat()} comes after --to {after.isoformat()}", code=2)
    target = store_from(store)
    try:
        report = changes_report(target, before, after, Scope(locality, after, context))
        town = target.get(locality) if locality else None
    except PartnermapError as exc:
        fail(for_option("--locality", exc.message) if locality else exc.message, code=1)
    finally:
        target.close()
    if as_json:
        print_json(report)
    else:
        _print_changes(report, lang, town.name if town else None)


def _pct(value: Any, lang: str) -> str:
    from graph.vocabulary import fmt_percent

    return "—" if value is None else fmt_percent(value, lang)


def _print_health(report: dict[str, Any], lang: str) -> None:
    from rich.text import Text

    if report["wave"] is None:
        out.print(Text(render("health.ui.no_survey", lang, file="survey_responses.csv")))
        return
    net = report["network"]
    out.print(Text(render("health.ui.intro", lang, wave=report["wave"]), style="bold"))
    lines = [
        render(
            "health.ui.response",
            lang,
            respondents=net["respondents"],
            invited=net["invited"],
            rate=net["response_rate"] or 0,
        ),
        render(
            "health.ui.network",
            lang,
            ties=net["ties_rated"],
            trust=net["trust"] or 0,
            value=net["value"] or 0,
        ),
    ]
    if net["delta"]:
        d = net["delta"]
        lines.append(
            render(
                "health.ui.delta",
                lang,
                previous=report["previous_wave"],
                trust=f"{(d['trust'] or 0) * 100:+.0f}",
                value=f"{(d['value'] or 0) * 100:+.0f}",
            )
        )
    _print_lines(render("health.ui.tab", lang), lines)
    _print_lines(
        render("health.ui.concerns", lang),
        [" ".join(_reasons(c, lang)) for c in report["concerns"]]
        or [render("health.ui.none", lang)],
    )
    _print_lines(
        render("health.ui.organizations", lang),
        [
            f"{o['name']}: {render('health.ui.trust', lang)} {_pct(o['trust'], lang)}, "
            f"{render('health.ui.value', lang)} {_pct(o['value'], lang)}"
            for o in report["organizations"]
        ],
    )


def health_cmd(
    locality: LocalityOpt = None,
    wave: Annotated[
        str | None,
        typer.Option(
            "--wave", help="The survey wave's date (default the latest).", show_default=False
        ),
    ] = None,
    lang: LangOpt = "he",
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Partnership health from the survey waves: trust, value, and what needs attention."""
    from graph.analytics.health import health_report
    from graph.scope import Scope, start_date

    if lang not in LANGS:
        fail(f"--lang: {lang!r} is not one of {', '.join(LANGS)}", code=2)
    try:
        day = start_date(wave) if wave else None
    except ValueError:
        fail(f"--wave: expected a date as YYYY-MM-DD, got {wave!r}", code=2)
    target = store_from(store)
    try:
        report = health_report(target, Scope(locality), wave=day)
    except PartnermapError as exc:
        if exc.message.startswith("wave:"):
            fail(f"--{exc.message}")  # "--wave: no survey responses dated ..."
        fail(for_option("--locality", exc.message) if locality else exc.message)
    finally:
        target.close()
    if as_json:
        print_json(report)
    else:
        _print_health(report, lang)
