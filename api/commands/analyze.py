"""``partnermap analyze``: the analysis report as tables (Hebrew, English or Arabic) or JSON.

Every word comes from the catalogue (:mod:`graph.vocabulary`): headers, the labels of
sectors, kinds and contexts, the names of the measures; numbers and money in the
language's format. No code and no raw dict reaches the screen.
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
    safe_text,
    store_from,
)
from graph.errors import PartnermapError
from graph.vocabulary import (
    LANGS,
    fmt_money,
    fmt_number,
    fmt_percent,
    has,
    render,
    term,
)

__all__ = ["analyze_cmd"]


_ANALYZE_SHOWN = 25


def _w(key: str, lang: str, **params: Any) -> str:
    return render(f"cli.{key}", lang, **params)


def _analyze_reasons(entry: dict[str, Any], lang: str) -> str:
    field = "reasons" if lang == "en" else f"reasons_{lang}"
    return "\n".join(str(r) for r in (entry.get(field) or entry.get("reasons") or []))


def _analyze_table(title: str, columns: list[str], rows: list[list[str]], lang: str) -> Any:
    from rich.table import Table

    table = Table(title=f"{title} ({len(rows)})", title_justify="left", show_lines=True)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows[:_ANALYZE_SHOWN]:
        # Text() cells: names come from users' files and are never Rich markup.
        table.add_row(*(safe_text(cell) for cell in row))
    if not rows:
        table.caption = _w("none", lang)
    elif len(rows) > _ANALYZE_SHOWN:
        table.caption = _w("more", lang, n=len(rows) - _ANALYZE_SHOWN)
    return table


#: How each metric's value reads: a kind of term for the keys of a breakdown, and
#: whether its numbers are money, shares (0-1) or counts.
_SHARES = {"density", "cross_sector_tie_share", "largest_component_share"}
_BREAKDOWN_TERMS = {
    "by_sector": "sector",
    "ties_by_kind": "tie",
    "by_age_stage": "age_stage",
    "by_domain": "domain",
    "by_status": "investment_status",
}


def _metric_label(key: str, lang: str) -> str:
    return term("metric", key, lang) if has(f"metric.{key}") else key.replace("_", " ")


def _metric_value(key: str, value: Any, lang: str, money: bool = False) -> str:
    """A metric's value in plain words: labels for codes, money and shares formatted."""
    if isinstance(value, dict):
        kind = _BREAKDOWN_TERMS.get(key.removeprefix("investment_"))
        lines = []
        for code, amount in value.items():
            if kind is None and key.endswith("sector_pair"):
                name = " – ".join(term("sector", part, lang) for part in str(code).split("|"))
            else:
                name = term(kind, code, lang) if kind else str(code)
            lines.append(f"{name}: {_metric_value(key, amount, lang, money)}")
        return "\n".join(lines)
    if isinstance(value, list):
        return "\n".join(
            f"{item.get('name') or item.get('id')}: {fmt_money(item.get('amount'), lang)}"
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    if money:
        return fmt_money(value, lang)
    if key in _SHARES:
        return fmt_percent(value, lang)
    return fmt_number(value, lang)


def _metric_rows(metrics: dict[str, Any], lang: str) -> list[list[str]]:
    rows = [
        [_metric_label(key, lang), _metric_value(key, value, lang)]
        for key, value in metrics.items()
        if key != "investment"
    ]
    for key, value in (metrics.get("investment") or {}).items():
        name = f"investment_{key}"
        rows.append(
            [_metric_label(name, lang), _metric_value(name, value, lang, money=key != "count")]
        )
    return rows


def _print_analysis(report: dict[str, Any], lang: str) -> None:
    from rich.text import Text

    scope = report["scope"]
    where = scope.get("locality_id") or scope.get("cluster_id") or _w("whole", lang)
    head = _w(
        "scope", lang, scope=where, context=scope.get("context"), version=report["graph_version"]
    )
    out.print(safe_text(head, style="bold"))
    if scope.get("as_of"):
        out.print(Text(render("changes.ui.as_of", lang, date=scope["as_of"])))
    yes, no = _w("yes", lang), _w("no", lang)
    dup_rows = [
        [
            "\n".join(d.get("names") or d["programs"]),
            "\n".join(d.get("operator_names") or d.get("operators") or []),
            fmt_number(d["score"], lang),
            yes if d["coordinated"] else no,
            fmt_money(d.get("investment_total") or 0, lang),
            _analyze_reasons(d, lang),
        ]
        for d in report["duplicates"]
    ]
    columns = ["programs", "operators", "score", "coordinated", "invested", "reasons"]
    out.print(
        _analyze_table(_w("duplicates", lang), [_w(c, lang) for c in columns], dup_rows, lang)
    )
    iso_rows = [
        [
            i["name"],
            term("sector", i["sector"], lang),
            ", ".join(term("isolate_kind", k, lang) for k in i["kinds"]),
            _analyze_reasons(i, lang),
        ]
        for i in report["isolates"]
    ]
    columns = ["name", "sector", "kinds", "reasons"]
    out.print(_analyze_table(_w("isolates", lang), [_w(c, lang) for c in columns], iso_rows, lang))
    bridge_rows = [
        [
            str(b.get("name") or b["id"]),
            term("sector", b.get("sector") or "", lang),
            ", ".join(term("sector", s, lang) for s in b.get("sectors_connected") or []),
            fmt_number(float(b.get("score") or 0), lang),
            _analyze_reasons(b, lang),
        ]
        for b in report["bridges"]
    ]
    columns = ["name", "sector", "sectors", "score", "reasons"]
    table = _analyze_table(_w("bridges", lang), [_w(c, lang) for c in columns], bridge_rows, lang)
    note = _analyze_reasons(report.get("bridges_others") or {}, lang)
    if note and not table.caption:
        table.caption = note
    out.print(table)
    lev_rows = [
        [
            str(e.get("name") or e["id"]),
            term("leverage_kind", e.get("kind") or "", lang),
            fmt_number(float(e.get("score") or 0), lang),
            _analyze_reasons(e, lang),
        ]
        for e in report["leverage"]
    ]
    columns = ["name", "kind", "score", "reasons"]
    out.print(_analyze_table(_w("leverage", lang), [_w(c, lang) for c in columns], lev_rows, lang))
    metric_rows = _metric_rows(report["metrics"], lang)
    columns = ["measure", "value"]
    out.print(
        _analyze_table(_w("metrics", lang), [_w(c, lang) for c in columns], metric_rows, lang)
    )


def analyze_cmd(
    locality: Annotated[
        str | None,
        typer.Option("--locality", help="Analyse one locality (its id).", show_default=False),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", help="Analyse a cluster of localities.", show_default=False),
    ] = None,
    context: Annotated[str, typer.Option("--context", help="both, routine or emergency.")] = "both",
    lang: Annotated[str, typer.Option("--lang", help="he (default), en or ar.")] = "he",
    seed: Annotated[int, typer.Option("--seed", help="Seed of sampled measures.")] = 0,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Find duplicated interventions, isolated actors, bridges and leverage points."""
    from graph.analytics.report import analysis_report
    from graph.scope import Scope

    if lang not in LANGS:
        fail(f"--lang: {lang!r} is not one of {', '.join(LANGS)}", code=2)
    if context not in ("both", "routine", "emergency"):
        fail(f"--context: {context!r} is not one of both, routine, emergency", code=2)
    if locality is not None and cluster is not None:
        fail("give --locality or --cluster, not both", code=2)
    when = as_of_from(as_of)
    target = store_from(store)
    try:
        report = analysis_report(
            target, Scope(locality, when, context, cluster_id=cluster), seed=seed
        )
    except PartnermapError as exc:
        option = "--locality" if locality else "--cluster" if cluster else "analyze"
        fail(for_option(option, exc.message), code=1)
    finally:
        target.close()
    if as_json:
        print_json(report)
    else:
        _print_analysis(report, lang)
