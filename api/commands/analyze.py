"""``partnermap analyze``: the analysis report as tables (Hebrew or English) or JSON."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from api.commands.common import JsonOpt, StoreOpt, fail, out, print_json, store_from
from graph.errors import PartnermapError

__all__ = ["analyze_cmd"]


_ANALYZE_SHOWN = 25

_ANALYZE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "duplicates": "Duplicated interventions",
        "isolates": "Isolated actors",
        "bridges": "Cross-sector bridges",
        "leverage": "Leverage points",
        "metrics": "Metrics",
        "programs": "programs",
        "operators": "operators",
        "score": "score",
        "coordinated": "coordinated",
        "invested": "invested (₪)",
        "reasons": "reasons",
        "name": "name",
        "sector": "sector",
        "kinds": "kinds",
        "sectors": "sectors connected",
        "kind": "kind",
        "measure": "measure",
        "value": "value",
        "yes": "yes",
        "no": "no",
        "none": "none found",
        "more": "{n} more not shown; --json lists them all",
        "scope": "Analysis of {scope} (context: {context}, graph version {version})",
        "whole": "the whole graph",
    },
    "he": {
        "duplicates": "כפילויות בהתערבויות",
        "isolates": "גורמים מבודדים",
        "bridges": "גשרים בין מגזרים",
        "leverage": "נקודות מינוף",
        "metrics": "מדדים",
        "programs": "תכניות",
        "operators": "מפעילים",
        "score": "ציון",
        "coordinated": "מתואמות",
        "invested": "השקעה (₪)",
        "reasons": "נימוקים",
        "name": "שם",
        "sector": "מגזר",
        "kinds": "סוגים",
        "sectors": "מגזרים מחוברים",
        "kind": "סוג",
        "measure": "מדד",
        "value": "ערך",
        "yes": "כן",
        "no": "לא",
        "none": "לא נמצאו",
        "more": "עוד {n} לא מוצגים; ‎--json‎ מציג את כולם",
        "scope": "ניתוח של {scope} (הקשר: {context}, גרסת גרף {version})",
        "whole": "הגרף כולו",
    },
}


def _analyze_reasons(entry: dict[str, Any], lang: str) -> str:
    reasons = entry.get("reasons_he") if lang == "he" else None
    return "\n".join(str(r) for r in (reasons or entry.get("reasons") or []))


def _analyze_table(
    title: str, columns: list[str], rows: list[list[str]], words: dict[str, str]
) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{title} ({len(rows)})", title_justify="left", show_lines=True)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows[:_ANALYZE_SHOWN]:
        # Text() cells: names come from users' files and are never Rich markup.
        table.add_row(*(Text(cell) for cell in row))
    if not rows:
        table.caption = words["none"]
    elif len(rows) > _ANALYZE_SHOWN:
        table.caption = words["more"].format(n=len(rows) - _ANALYZE_SHOWN)
    return table


def _print_analysis(report: dict[str, Any], lang: str) -> None:
    from rich.text import Text

    w = _ANALYZE_WORDS[lang]
    scope = report["scope"]
    where = scope.get("locality_id") or scope.get("cluster_id") or w["whole"]
    head = w["scope"].format(
        scope=where, context=scope.get("context"), version=report["graph_version"]
    )
    out.print(Text(head, style="bold"))
    dup_rows = [
        [
            "\n".join(d.get("names") or d["programs"]),
            "\n".join(d.get("operator_names") or d.get("operators") or []),
            f"{d['score']:.2f}",
            w["yes"] if d["coordinated"] else w["no"],
            f"{d.get('investment_total') or 0:,.0f}",
            _analyze_reasons(d, lang),
        ]
        for d in report["duplicates"]
    ]
    out.print(
        _analyze_table(
            w["duplicates"],
            [
                w["programs"],
                w["operators"],
                w["score"],
                w["coordinated"],
                w["invested"],
                w["reasons"],
            ],
            dup_rows,
            w,
        )
    )
    iso_rows = [
        [i["name"], i["sector"], ", ".join(i["kinds"]), _analyze_reasons(i, lang)]
        for i in report["isolates"]
    ]
    out.print(
        _analyze_table(
            w["isolates"], [w["name"], w["sector"], w["kinds"], w["reasons"]], iso_rows, w
        )
    )
    bridge_rows = [
        [
            str(b.get("name") or b["id"]),
            str(b.get("sector") or ""),
            ", ".join(b.get("sectors_connected") or []),
            f"{float(b.get('score') or 0):.2f}",
            _analyze_reasons(b, lang),
        ]
        for b in report["bridges"]
    ]
    out.print(
        _analyze_table(
            w["bridges"],
            [w["name"], w["sector"], w["sectors"], w["score"], w["reasons"]],
            bridge_rows,
            w,
        )
    )
    lev_rows = [
        [
            str(e.get("name") or e["id"]),
            str(e.get("kind") or ""),
            f"{float(e.get('score') or 0):.2f}",
            _analyze_reasons(e, lang),
        ]
        for e in report["leverage"]
    ]
    out.print(
        _analyze_table(w["leverage"], [w["name"], w["kind"], w["score"], w["reasons"]], lev_rows, w)
    )
    metrics = report["metrics"]
    metric_rows = [
        [
            key,
            json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value),
        ]
        for key, value in metrics.items()
        if key != "investment"
    ]
    for key, value in (metrics.get("investment") or {}).items():
        if key != "by_funder":
            metric_rows.append([f"investment.{key}", json.dumps(value, ensure_ascii=False)])
    out.print(_analyze_table(w["metrics"], [w["measure"], w["value"]], metric_rows, w))


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
    lang: Annotated[str, typer.Option("--lang", help="he (default) or en.")] = "he",
    seed: Annotated[int, typer.Option("--seed", help="Seed of sampled measures.")] = 0,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Find duplicated interventions, isolated actors, bridges and leverage points."""
    from graph.analytics.report import analysis_report

    if lang not in ("he", "en"):
        fail(f"--lang: {lang!r} is not one of he, en", code=2)
    if context not in ("both", "routine", "emergency"):
        fail(f"--context: {context!r} is not one of both, routine, emergency", code=2)
    if locality is not None and cluster is not None:
        fail("give --locality or --cluster, not both", code=2)
    target = store_from(store)
    try:
        report = analysis_report(
            target, locality_id=locality, cluster_id=cluster, context=context, seed=seed
        )
    except PartnermapError as exc:
        option = "--locality" if locality else "--cluster" if cluster else "analyze"
        fail(f"{option}: {exc.message}", code=1)
    finally:
        target.close()
    if as_json:
        print_json(report)
    else:
        _print_analysis(report, lang)
