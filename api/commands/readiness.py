"""``partnermap readiness`` (SPEC section 7) and ``partnermap path`` (a path over one context).

``readiness --locality ID`` prints each need with its providers, coverage and status, the
single points of failure, the providers the emergency team cannot reach and whom to invite
(Hebrew by default, ``--lang en|ar``); ``--json`` prints the object of SPEC section 7.
``path SOURCE TARGET --context emergency`` prints the fewest ties between two organisations
(or roles) over the ties of that context.
"""

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

__all__ = ["path_cmd", "readiness_cmd"]

_SHOWN = 40


def _table(title: str, columns: list[str], rows: list[list[str]], none: str) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{title} ({len(rows)})", title_justify="left", show_lines=True)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows[:_SHOWN]:
        table.add_row(*(Text(cell) for cell in row))  # names are data, never Rich markup
    if not rows:
        table.caption = none
    return table


def _reasons(entry: dict[str, Any], lang: str) -> str:
    key = {"he": "reasons_he", "ar": "reasons_ar"}.get(lang, "reasons")
    return "\n".join(entry.get(key) or entry.get("reasons") or [])


def _coverage(need: dict[str, Any], lang: str) -> str:
    """How many of the people in need the providers can serve: "150 of 200 (75%)"."""
    from graph.vocabulary import fmt_percent, render

    if need["coverage"] is None:
        return "?"
    if need["population"] is None:
        return fmt_percent(need["coverage"], lang)
    return render(
        "readiness.ui.coverage_cell",
        lang,
        capacity=need["capacity"],
        population=need["population"],
        coverage=need["coverage"],
    )


def _print(report: dict[str, Any], lang: str, names: dict[str, str]) -> None:
    from rich.text import Text

    from graph.vocabulary import fmt_number, render, term

    def ui(key: str, **kw: Any) -> str:
        return render(f"readiness.ui.{key}", lang, **kw)

    def steps(value: int | None) -> str:
        if value is None:
            return ui("out_of_reach")
        return ui("on_team") if value == 0 else ui("steps_cell", steps=value)

    team = report["emergency_team"]
    town = names.get(report["scope"]["locality_id"], report["scope"]["locality_id"])
    out.print(Text(f"{ui('tab')}: {town}", style="bold"))
    if team["forum_id"] is None:
        out.print(Text(ui("no_team")))
    else:
        members = ", ".join(names.get(m, m) for m in team["members"])
        out.print(Text(f"{ui('team')}: {members}"))
    if team["sectors_missing"]:
        out.print(Text(ui("sectors_missing", sectors=team["sectors_missing"])))
    rows = []
    for need in report["needs"]:
        providers = "\n".join(
            f"{p['name']} ({fmt_number(p['capacity'], lang) if p['capacity'] is not None else '?'}"
            f"; {steps(p['steps'])})"
            for p in need["providers"]
        )
        rows.append(
            [
                term("category", need["category"], lang),
                str(need["area"]),
                fmt_number(need["population"], lang) if need["population"] is not None else "?",
                str(need["severity"]),
                _coverage(need, lang),
                term("readiness_status", need["status"], lang),
                providers or ui("none"),
                _reasons(need, lang),
            ]
        )
    cols = ["need", "area", "people", "severity", "coverage", "status", "providers", "why"]
    out.print(_table(ui("needs_list"), [ui(c) for c in cols], rows, ui("none")))
    spof = [[s["name"], _reasons(s, lang)] for s in report["single_points_of_failure"]]
    out.print(_table(ui("spof"), [ui("providers"), ui("why")], spof, ui("none")))
    unreached = [[u["name"], _reasons(u, lang)] for u in report["unreachable_providers"]]
    out.print(_table(ui("unreachable"), [ui("providers"), ui("why")], unreached, ui("none")))
    invites = [
        [i["name"], fmt_number(i["score"], lang), _reasons(i, lang)]
        for i in report["invite_to_emergency_team"]
    ]
    out.print(_table(ui("invite"), [ui("providers"), ui("score"), ui("why")], invites, ui("none")))


def readiness_cmd(
    locality: Annotated[
        str, typer.Option("--locality", help="The locality (its id).", show_default=False)
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The date of the view (YYYY or YYYY-MM-DD; default today)."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="he (default), en or ar.")] = "he",
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Emergency readiness: who covers each need, whom the team can reach, whom to invite."""
    from graph.analytics.readiness import readiness_report
    from graph.scope import parse_as_of

    if lang not in ("he", "en", "ar"):
        fail(f"--lang: {lang!r} is not one of he, en, ar", code=2)
    try:
        date = parse_as_of(as_of, "--as-of")
    except PartnermapError as exc:
        fail(exc.message, code=2)
    target = store_from(store)
    try:
        report = readiness_report(target, locality, as_of=date)
        wanted = [*report["emergency_team"]["members"], locality]
        names = {k: v.name for k, v in target.get_many(wanted).items()}
    except PartnermapError as exc:
        fail(for_option("--locality", exc.message), code=1)
    finally:
        target.close()
    if as_json:
        print_json(report)
    else:
        _print(report, lang, names)


def path_cmd(
    source: Annotated[str, typer.Argument(help="An organisation (or role) id.")],
    target: Annotated[str, typer.Argument(help="An organisation (or role) id.")],
    context: Annotated[
        str, typer.Option("--context", help="both (default), routine or emergency.")
    ] = "both",
    locality: Annotated[
        str | None,
        typer.Option("--locality", help="Within this locality only.", show_default=False),
    ] = None,
    as_of: AsOfOpt = None,
    lang: Annotated[str, typer.Option("--lang", help="he (default), en or ar.")] = "he",
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """The fewest ties between two organisations, over the ties of one context, as of a date."""
    from graph.paths import shortest_path
    from graph.scope import Scope
    from graph.vocabulary import render, term

    if context not in ("both", "routine", "emergency"):
        fail(f"--context: {context!r} is not one of both, routine, emergency", code=2)
    if lang not in ("he", "en", "ar"):
        fail(f"--lang: {lang!r} is not one of he, en, ar", code=2)
    when = as_of_from(as_of)
    opened = store_from(store)
    try:
        scope = Scope(locality, when, context)
        result = shortest_path(opened, source, target, scope)
        ends = {k: v.name for k, v in opened.get_many([source, target]).items()}
    except PartnermapError as exc:
        fail(exc.message, code=1)
    finally:
        opened.close()
    if as_json:
        print_json(result)
        return
    from rich.text import Text

    if not result["found"]:
        none = render(
            "path.none", lang, source=ends.get(source, source), target=ends.get(target, target),
            context=context,
        )  # fmt: skip
        out.print(Text(none), soft_wrap=True)
        raise typer.Exit(0)
    names = {n["id"]: n["name"] for n in result["nodes"]}
    found = render("path.found", lang, steps=result["length"], context=context)
    out.print(Text(found, style="bold"), soft_wrap=True)
    for tie in result["ties"]:
        evidence = "; ".join(
            f"{term('tie', e['kind'], lang)}: {e['name']}" for e in tie["evidence"]
        )
        line = f"  {names[tie['source']]} → {names[tie['target']]}  ({evidence})"
        out.print(Text(line), soft_wrap=True)
