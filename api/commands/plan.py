"""``partnermap plan``: a locality's collective plan and its money (SPEC section 8)."""

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

__all__ = ["plan_cmd"]

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "head": "The collective plan of {loc}, as of {date}",
        "goals": "Goals",
        "goal": "goal",
        "status": "status",
        "progress": "progress",
        "elapsed": "time gone",
        "money": "money (paid / committed / planned)",
        "reasons": "reasons",
        "agreements": "Agreements",
        "agreement": "agreement",
        "commitments": "commitments",
        "overdue": "Overdue commitments",
        "party": "party",
        "description": "commitment",
        "due": "due",
        "none": "none",
    },
    "he": {
        "head": "התכנית הקולקטיבית של {loc}, נכון ל-{date}",
        "goals": "יעדים",
        "goal": "יעד",
        "status": "מצב",
        "progress": "התקדמות",
        "elapsed": "זמן שחלף",
        "money": "כסף (שולם / הובטח / מתוכנן)",
        "reasons": "נימוקים",
        "agreements": "הסכמים",
        "agreement": "הסכם",
        "commitments": "התחייבויות",
        "overdue": "התחייבויות באיחור",
        "party": "צד",
        "description": "התחייבות",
        "due": "מועד",
        "none": "אין",
    },
    "ar": {
        "head": "الخطة الجماعية لـ{loc}، حتى تاريخ {date}",
        "goals": "الأهداف",
        "goal": "الهدف",
        "status": "الحالة",
        "progress": "التقدم",
        "elapsed": "الوقت المنقضي",
        "money": "التمويل (مدفوع / ملتزم به / مخطط)",
        "reasons": "الأسباب",
        "agreements": "الاتفاقيات",
        "agreement": "الاتفاقية",
        "commitments": "الالتزامات",
        "overdue": "التزامات متأخرة",
        "party": "الطرف",
        "description": "الالتزام",
        "due": "الموعد",
        "none": "لا يوجد",
    },
}


def _table(title: str, columns: list[str], rows: list[list[str]], none: str) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{title} ({len(rows)})", title_justify="left", show_lines=True)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        # Text() cells: names come from users' files and are never Rich markup.
        table.add_row(*(Text(cell) for cell in row))
    if not rows:
        table.caption = none
    return table


def _print_plan(plan: dict[str, Any], lang: str, names: dict[str, str]) -> None:
    from rich.text import Text

    from graph.vocabulary import fmt_money, fmt_percent, render, term

    w = _WORDS[lang]
    suffix = {"he": "_he", "ar": "_ar"}.get(lang, "")
    loc = plan["scope"].get("locality_id") or ""
    out.print(Text(w["head"].format(loc=names.get(loc, loc), date=plan["as_of"]), style="bold"))

    def pct(x: Any) -> str:
        return fmt_percent(x, lang) if x is not None else "—"

    rows = []
    for g in plan["goals"]:
        m = g["money"]
        rows.append(
            [
                str(g["title"]),
                term("plan.status", g["status"], lang),
                pct(g["progress"]),
                pct(g.get("time_elapsed")),
                " / ".join(fmt_money(m[k], lang) for k in ("paid", "committed", "planned")),
                "\n".join(g[f"reasons{suffix}"]),
            ]
        )
    cols = [w["goal"], w["status"], w["progress"], w["elapsed"], w["money"], w["reasons"]]
    out.print(_table(w["goals"], cols, rows, w["none"]))
    lev = plan["leverage"]
    for line in lev[f"reasons{suffix}"]:
        out.print(Text(line))
    authority = render("plan.ui.authority", lang, amount=lev["authority"])
    external = render("plan.ui.external", lang, amount=lev["external"])
    out.print(Text(f"{authority} · {external}"))
    out.print(Text(render("plan.ui.leverage_help", lang, date=plan["as_of"])))
    unlinked = plan["unlinked_money"]
    if unlinked["total"]:
        out.print(Text(render("plan.ui.unlinked", lang, total=unlinked["total"])))
    rows = []
    for a in plan["agreements"]:
        c = a["commitments"]
        rows.append(
            [
                str(a["title"]),
                ", ".join(names.get(p, p) for p in a["party_ids"]),
                " · ".join(f"{term('plan.commitment', k, lang)} {c[k]}" for k in c),
            ]
        )
    cols = [w["agreement"], w["party"], w["commitments"]]
    out.print(_table(w["agreements"], cols, rows, w["none"]))
    rows = [
        [names.get(c["party_id"], str(c["party_id"])), str(c["description"]), str(c["due"])]
        for c in plan["overdue_commitments"]
    ]
    cols = [w["party"], w["description"], w["due"]]
    out.print(_table(w["overdue"], cols, rows, w["none"]))


def plan_cmd(
    locality: Annotated[
        str, typer.Option("--locality", help="The locality (its id).", show_default=False)
    ],
    as_of: AsOfOpt = None,
    lang: Annotated[str, typer.Option("--lang", help="he (default), en or ar.")] = "he",
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Goals and their progress, the money behind them, leverage and agreements of a locality."""
    from graph.analytics.plan import plan_report
    from graph.scope import Scope

    if lang not in _WORDS:
        fail(f"--lang: {lang!r} is not one of he, en, ar", code=2)
    when = as_of_from(as_of)
    target = store_from(store)
    try:
        plan = plan_report(target, Scope(locality, when))
        ids = {locality, *(p for a in plan["agreements"] for p in a["party_ids"])}
        ids |= {str(c["party_id"]) for c in plan["overdue_commitments"]}
        names = {
            nid: str(node.props.get(f"name_{lang}") or node.name)
            for nid, node in target.get_many(ids).items()
        }
    except PartnermapError as exc:
        fail(for_option("--locality", exc.message), code=1)
    finally:
        target.close()
    if as_json:
        print_json(plan)
    else:
        _print_plan(plan, lang, names)
