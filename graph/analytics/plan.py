"""The collective plan and its money (SPEC section 8): goals, progress, leverage, agreements.

A locality's collective plan (תכנית קולקטיבית) links each adopted goal to the
programs that advance it, the partners who run them and the money behind
them. :func:`collective_plan` reads it from a locality's subgraph and says,
as of a date:

* per goal, the latest reading of its indicator (on or before the date),
  ``progress = (latest - baseline) / (target - baseline)`` and a status:
  ``achieved`` (progress >= 1), ``on_track`` (progress >= the share of the
  goal's time that has gone by), ``behind``, or ``no_data`` (no reading yet,
  or no baseline and target to measure against). The goal's time runs from
  1 January of its ``baseline_year`` (an optional extra column of
  ``goals.csv``), else from the date of its first reading, to 31 December of
  ``target_year``. A goal without ``target_year`` has no clock: it is on track
  while progress is not negative;
* per goal, its programs (``goal_ids`` of a program, or an ``ADVANCES``
  relationship), their operators and partners, and the money into those
  programs: planned, committed and paid, and all of it by the funder's
  sector (``by_source``: local_authority, government, philanthropy,
  business, other). A program that advances two goals counts in full for
  each;
* money in the locality that serves no goal (``unlinked_money``);
* leverage: committed and paid money of years up to the date (planned money
  is not yet mobilised), split into ``authority`` (funded by local-authority
  organisations) and ``external`` (everyone else), their ratio (external
  shekels per shekel of the authority), the part of kind ``matching``, and
  both by year;
* the locality's agreements (signed by the date) with their commitments
  counted by status, and the overdue ones: open, and due before the date.

Money counts by its year: committed and paid money of a year after the
as-of date is left out everywhere; planned money of any year is part of the
plan and counts in ``planned`` (never in leverage). Amounts in a currency
other than shekels are not summed; their ids are listed in
``other_currency``.

Every goal carries ``reasons``, ``reasons_he`` and ``reasons_ar`` rendered
from the codes of ``graph/messages/plan.toml``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.model import NodeRecord
from graph.scope import Scope, end_date, start_date
from graph.store.base import GraphStore, Subgraph
from graph.vocabulary import Reason, reasons

__all__ = [
    "GOAL_STATUSES",
    "SOURCES",
    "collective_plan",
    "goal_progress",
    "goal_standings",
    "goal_status",
    "plan_report",
    "time_elapsed",
]

#: The statuses of a goal, in the order the plan lists them.
GOAL_STATUSES = ("behind", "no_data", "on_track", "achieved")
#: The sources of money: the funder's sector, with the sectors not named here as ``other``.
SOURCES = ("local_authority", "government", "philanthropy", "business", "other")
_COUNTED = ("committed", "paid")


def _number(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def goal_progress(baseline: Any, target: Any, latest: Any) -> float | None:
    """``(latest - baseline) / (target - baseline)``, or ``None`` when it cannot be told.

    Examples
    --------
    >>> goal_progress(1200, 1800, 1500)
    0.5
    >>> goal_progress(40, 20, 30)  # a goal to lower a number: down from 40 to 30 is half way
    0.5
    >>> goal_progress(10, 10, 12) is None, goal_progress(None, 10, 5) is None
    (True, True)
    """
    b, t, v = _number(baseline), _number(target), _number(latest)
    if b is None or t is None or v is None or t == b:
        return None
    return (v - b) / (t - b)


def time_elapsed(start: dt.date | None, target_year: Any, as_of: dt.date) -> float | None:
    """The share (0-1) of a goal's time gone by at ``as_of``: from ``start`` to 31 December of
    ``target_year``; ``None`` without a start or a target year.

    Examples
    --------
    >>> time_elapsed(dt.date(2024, 1, 1), 2025, dt.date(2025, 1, 1))  # 366 of the 730 days
    0.5014
    >>> time_elapsed(dt.date(2024, 1, 1), 2025, dt.date(2027, 5, 1))
    1.0
    >>> time_elapsed(None, 2025, dt.date(2025, 1, 1)) is None
    True
    """
    year = _number(target_year)
    if start is None or year is None:
        return None
    end = dt.date(int(year), 12, 31)
    if end <= start:
        return 1.0
    share = (as_of - start).days / (end - start).days
    return round(min(1.0, max(0.0, share)), 4)


def goal_status(progress: float | None, elapsed: float | None) -> str:
    """``achieved``, ``on_track``, ``behind`` or ``no_data`` (SPEC section 8).

    Examples
    --------
    >>> goal_status(1.0, 0.2), goal_status(0.5, 0.5), goal_status(0.49, 0.5), goal_status(None, 0.5)
    ('achieved', 'on_track', 'behind', 'no_data')
    >>> goal_status(0.1, None), goal_status(-0.1, None)
    ('on_track', 'behind')
    """
    if progress is None:
        return "no_data"
    if progress >= 1:
        return "achieved"
    if elapsed is None:
        return "on_track" if progress >= 0 else "behind"
    return "on_track" if progress >= elapsed else "behind"


@dataclass
class _Money:
    planned: float = 0.0
    committed: float = 0.0
    paid: float = 0.0
    by_source: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SOURCES, 0.0))

    def add(self, status: str, source: str, amount: float) -> None:
        setattr(self, status, getattr(self, status) + amount)
        self.by_source[source] += amount

    @property
    def total(self) -> float:
        return self.planned + self.committed + self.paid

    def as_dict(self) -> dict[str, Any]:
        return {
            "planned": _round(self.planned),
            "committed": _round(self.committed),
            "paid": _round(self.paid),
            "by_source": {k: _round(v) for k, v in self.by_source.items()},
        }


def _round(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


@dataclass
class _Plan:
    """The subgraph's pieces of the plan, looked up once."""

    scope: Scope
    nodes: dict[str, NodeRecord]
    by_label: dict[str, list[NodeRecord]]
    program_goals: dict[str, set[str]]
    program_partners: dict[str, set[str]]

    def sector(self, org_id: Any) -> str:
        node = self.nodes.get(str(org_id)) if org_id else None
        return str(node.props.get("sector") or "other") if node is not None else "other"

    def source(self, inv: NodeRecord) -> str:
        sector = self.sector(inv.props.get("funder_id"))
        return sector if sector in SOURCES else "other"

    def local(self, node: NodeRecord) -> bool:
        loc = self.scope.locality_id
        return loc is None or node.props.get("locality_id") == loc


def _index(subgraph: Subgraph, scope: Scope) -> _Plan:
    nodes = {n.id: n for n in subgraph.nodes}
    by_label: dict[str, list[NodeRecord]] = defaultdict(list)
    for node in subgraph.nodes:
        by_label[node.label].append(node)
    program_goals: dict[str, set[str]] = defaultdict(set)
    program_partners: dict[str, set[str]] = defaultdict(set)
    for program in by_label["Program"]:
        program_goals[program.id].update(str(g) for g in program.props.get("goal_ids") or [])
    for rel in subgraph.relationships:
        if rel.type == "ADVANCES":
            program_goals[rel.source].add(rel.target)
        elif rel.type == "PARTNERS_IN":
            program_partners[rel.target].add(rel.source)
    return _Plan(scope, nodes, by_label, program_goals, program_partners)


def _year(inv: NodeRecord) -> int | None:
    year = _number(inv.props.get("year"))
    return int(year) if year is not None else None


def _counts(inv: NodeRecord, as_of: dt.date) -> bool:
    """Whether an investment is part of the plan at ``as_of`` (see the module docstring)."""
    status = str(inv.props.get("status") or "committed")
    year = _year(inv)
    return status == "planned" or year is None or year <= as_of.year


def _shekels(inv: NodeRecord) -> bool:
    return str(inv.props.get("currency") or "ILS").upper() == "ILS"


def _local_investments(plan: _Plan) -> list[NodeRecord]:
    """Investments into the scope's programs, or into its locality's domains."""
    out = []
    for inv in plan.by_label["Investment"]:
        target = inv.props.get("program_id")
        program = plan.nodes.get(str(target)) if target else None
        if (program is not None and plan.local(program)) or (not target and plan.local(inv)):
            out.append(inv)
    return sorted(out, key=lambda n: n.id)


def _readings(plan: _Plan) -> dict[str, list[tuple[dt.date, NodeRecord]]]:
    """Per goal, its readings up to the as-of date, oldest first."""
    out: dict[str, list[tuple[dt.date, NodeRecord]]] = defaultdict(list)
    for reading in plan.by_label["GoalReading"]:
        when = start_date(reading.props.get("date"))
        if when is not None and when <= plan.scope.as_of:
            out[str(reading.props.get("goal_id"))].append((when, reading))
    for items in out.values():
        items.sort(key=lambda item: (item[0], item[1].id))
    return out


def _standing(
    goal: NodeRecord, readings: list[tuple[dt.date, NodeRecord]], as_of: dt.date
) -> tuple[float | None, float | None, str]:
    """(progress, time elapsed, status) of a goal from its readings up to ``as_of``."""
    p = goal.props
    latest = _number(readings[-1][1].props.get("value")) if readings else None
    progress = goal_progress(p.get("baseline"), p.get("target"), latest)
    base_year = _number(p.get("baseline_year"))
    start = dt.date(int(base_year), 1, 1) if base_year else (readings[0][0] if readings else None)
    elapsed = time_elapsed(start, p.get("target_year"), as_of)
    return progress, elapsed, goal_status(progress, elapsed)


def goal_standings(subgraph: Subgraph, as_of: dt.date) -> dict[str, dict[str, Any]]:
    """``{"status", "progress", "time_elapsed"}`` of every goal of ``subgraph`` at ``as_of``.

    The same judgement as :func:`collective_plan`'s goals, for analyses that need only that
    (the report's leverage points).

    Examples
    --------
    >>> from graph.model import NodeRecord as N
    >>> sub = Subgraph([N("Goal", "g", {"baseline": 0, "target": 10, "target_year": 2025}),
    ...                 N("GoalReading", "r1", {"goal_id": "g", "date": "2024-01-01", "value": 0}),
    ...                 N("GoalReading", "r2", {"goal_id": "g", "date": "2025-01-01", "value": 2})],
    ...                [])
    >>> goal_standings(sub, dt.date(2025, 1, 1))["g"]
    {'status': 'behind', 'progress': 0.2, 'time_elapsed': 0.5014}
    """
    plan = _index(subgraph, Scope(None, as_of))
    readings = _readings(plan)
    out = {}
    for goal in plan.by_label["Goal"]:
        progress, elapsed, status = _standing(goal, readings.get(goal.id, []), as_of)
        out[goal.id] = {
            "status": status,
            "progress": round(progress, 4) if progress is not None else None,
            "time_elapsed": elapsed,
        }
    return out


def _goal_reasons(
    goal: NodeRecord,
    status: str,
    progress: float | None,
    elapsed: float | None,
    latest: dict[str, Any] | None,
    programs: list[str],
    money: _Money,
    as_of: dt.date,
) -> list[Reason]:
    p = goal.props
    out: list[Reason] = []
    if latest is None:
        out.append(("plan.goal.no_reading", {"date": as_of.isoformat()}))
    elif progress is None:
        out.append(("plan.goal.no_measure", {}))
    elif status == "achieved":
        out.append(("plan.goal.achieved", {"value": latest["value"], "target": p.get("target")}))
    elif elapsed is None:
        out.append(("plan.goal.progress_no_clock", {"progress": progress}))
    else:
        key = "plan.goal.on_track" if status == "on_track" else "plan.goal.behind"
        out.append((key, {"progress": progress, "elapsed": elapsed}))
    if latest is not None:
        out.append(
            (
                "plan.goal.latest",
                {"value": latest["value"], "date": latest["date"], "baseline": p.get("baseline"),
                 "target": p.get("target")},
            )
        )  # fmt: skip
    if not programs:
        out.append(("plan.goal.no_program", {}))
    elif money.total <= 0:
        out.append(("plan.goal.no_money", {"n": len(programs)}))
    elif money.committed + money.paid <= 0:
        out.append(("plan.goal.planned_only", {"planned": money.planned}))
    else:
        out.append(
            (
                "plan.goal.money",
                {"paid": money.paid, "committed": money.committed, "planned": money.planned},
            )
        )
    return out


def _goal_entry(
    plan: _Plan,
    goal: NodeRecord,
    readings: list[tuple[dt.date, NodeRecord]],
    money_of: dict[str, _Money],
    programs_of: dict[str, list[str]],
) -> dict[str, Any]:
    p, as_of = goal.props, plan.scope.as_of
    latest = None
    if readings:
        node = readings[-1][1]
        latest = {"date": str(node.props.get("date")), "value": _number(node.props.get("value"))}
    progress, elapsed, status = _standing(goal, readings, as_of)
    money = _Money()
    program_ids = programs_of.get(goal.id, [])
    for pid in program_ids:
        part = money_of.get(pid)
        if part is not None:
            for name in ("planned", "committed", "paid"):
                setattr(money, name, getattr(money, name) + getattr(part, name))
            for source, amount in part.by_source.items():
                money.by_source[source] += amount
    programs = []
    for pid in program_ids:
        node = plan.nodes[pid]
        operator = node.props.get("operator_id")
        programs.append(
            {
                "id": pid,
                "name": node.name,
                "operator_id": operator,
                "partner_ids": sorted(plan.program_partners.get(pid, set()) - {operator}),
                "money": money_of[pid].as_dict() if pid in money_of else _Money().as_dict(),
            }
        )
    codes = _goal_reasons(goal, status, progress, elapsed, latest, program_ids, money, as_of)
    target_year = _number(p.get("target_year"))
    return {
        "id": goal.id,
        "title": p.get("title") or goal.name,
        "domain": p.get("domain"),
        "owner_id": p.get("owner_id"),
        "indicator": p.get("indicator"),
        "baseline": _number(p.get("baseline")),
        "target": _number(p.get("target")),
        "target_year": int(target_year) if target_year is not None else None,
        "latest": latest,
        "progress": round(progress, 4) if progress is not None else None,
        "time_elapsed": elapsed,
        "status": status,
        "programs": programs,
        "money": money.as_dict(),
        **reasons(codes),
    }


def _leverage(plan: _Plan, investments: list[NodeRecord]) -> dict[str, Any]:
    as_of = plan.scope.as_of
    authority = external = matching = 0.0
    by_year: dict[str, dict[str, float]] = {}
    for inv in investments:
        year = _year(inv)
        status = str(inv.props.get("status") or "committed")
        if status not in _COUNTED or (year is not None and year > as_of.year):
            continue
        if not _shekels(inv):
            continue
        amount = _number(inv.props.get("amount")) or 0.0
        side = (
            "authority"
            if plan.sector(inv.props.get("funder_id")) == "local_authority"
            else "external"
        )
        if side == "authority":
            authority += amount
        else:
            external += amount
        if inv.props.get("kind") == "matching":
            matching += amount
        if year is not None:
            row = by_year.setdefault(str(year), {"authority": 0.0, "external": 0.0})
            row[side] += amount
    ratio = round(external / authority, 4) if authority > 0 else None
    codes: list[Reason] = []
    if ratio is not None:
        codes.append(("plan.leverage.ratio", {"ratio": ratio}))
    elif external > 0:
        codes.append(("plan.leverage.no_authority", {"external": external}))
    else:
        codes.append(("plan.leverage.none", {"date": as_of.isoformat()}))
    if matching > 0:
        codes.append(("plan.leverage.matching", {"matching": matching}))
    return {
        "authority": _round(authority),
        "external": _round(external),
        "ratio": ratio,
        "matching": _round(matching),
        "by_year": {
            y: {k: _round(v) for k, v in row.items()} for y, row in sorted(by_year.items())
        },
        **reasons(codes),
    }


def _agreements(plan: _Plan) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    as_of = plan.scope.as_of
    commitments: dict[str, list[NodeRecord]] = defaultdict(list)
    for c in plan.by_label["Commitment"]:
        commitments[str(c.props.get("agreement_id"))].append(c)
    agreements, overdue = [], []
    for agreement in sorted(plan.by_label["Agreement"], key=lambda n: n.id):
        p = agreement.props
        signed = start_date(p.get("signed"))
        if not plan.local(agreement) or (signed is not None and signed > as_of):
            continue
        counts = {"open": 0, "done": 0, "dropped": 0, "overdue": 0}
        for c in sorted(commitments.get(agreement.id, []), key=lambda n: n.id):
            status = str(c.props.get("status") or "open")
            counts[status if status in counts else "open"] += 1
            due = end_date(c.props.get("due"))
            if status == "open" and due is not None and due < as_of:
                counts["overdue"] += 1
                overdue.append(
                    {
                        "id": c.id,
                        "agreement_id": agreement.id,
                        "party_id": c.props.get("party_id"),
                        "description": c.props.get("description"),
                        "due": str(c.props.get("due")),
                        "days_overdue": (as_of - due).days,
                    }
                )
        until = end_date(p.get("until"))
        agreements.append(
            {
                "id": agreement.id,
                "title": p.get("title") or agreement.name,
                "party_ids": list(p.get("party_ids") or []),
                "signed": p.get("signed"),
                "until": p.get("until"),
                "budget": _number(p.get("budget")),
                "governance_forum_id": p.get("governance_forum_id"),
                "in_force": until is None or until >= as_of,
                "commitments": counts,
            }
        )
    overdue.sort(key=lambda c: (str(end_date(c["due"])), c["id"]))
    return agreements, overdue


def collective_plan(subgraph: Subgraph, scope: Scope) -> dict[str, Any]:
    """The collective plan of a locality and its money, as of ``scope.as_of``.

    Parameters
    ----------
    subgraph : Subgraph
        The locality's part of the graph, *not* cut at the as-of date
        (:meth:`graph.store.base.GraphStore.subgraph`): money of past years
        and every reading are needed; the dates are applied here.
    scope : Scope
        The locality (``None``: every goal and agreement of the subgraph) and
        the as-of date.

    Returns
    -------
    dict
        ``{"scope", "as_of", "goals", "unlinked_money", "leverage",
        "agreements", "overdue_commitments", "other_currency"}`` as SPEC
        section 8 (see the module docstring). Goals are sorted by status
        (behind, no_data, on_track, achieved), then by id.

    Examples
    --------
    A goal to raise youth-movement members from 1,200 to 1,800 by 2027, read at
    1,380 in mid-2025, with one program funded by the authority and a foundation:

    >>> from graph.model import NodeRecord as N
    >>> sub = Subgraph([
    ...     N("Locality", "l"),
    ...     N("Organization", "auth", {"sector": "local_authority"}),
    ...     N("Organization", "fund", {"sector": "philanthropy"}),
    ...     N("Goal", "g", {"locality_id": "l", "title": "Youth", "baseline": 1200,
    ...                     "target": 1800, "target_year": 2027, "baseline_year": 2023}),
    ...     N("GoalReading", "r", {"goal_id": "g", "date": "2025-06-30", "value": 1380}),
    ...     N("Program", "p", {"locality_id": "l", "operator_id": "auth", "goal_ids": ["g"]}),
    ...     N("Investment", "i1", {"funder_id": "auth", "program_id": "p", "amount": 100000,
    ...                            "year": 2025, "kind": "budget", "status": "paid"}),
    ...     N("Investment", "i2", {"funder_id": "fund", "program_id": "p", "amount": 300000,
    ...                            "year": 2025, "kind": "matching", "status": "committed"}),
    ...     N("Investment", "i3", {"funder_id": "fund", "program_id": "p", "amount": 500000,
    ...                            "year": 2026, "kind": "grant", "status": "planned"}),
    ... ], [])
    >>> plan = collective_plan(sub, Scope("l", dt.date(2025, 12, 31)))
    >>> g = plan["goals"][0]
    >>> g["progress"], g["time_elapsed"], g["status"]
    (0.3, 0.6, 'behind')
    >>> g["money"]["planned"], g["money"]["committed"], g["money"]["paid"]
    (500000, 300000, 100000)
    >>> lev = plan["leverage"]
    >>> lev["authority"], lev["external"], lev["ratio"], lev["matching"]
    (100000, 300000, 3.0, 300000)
    >>> lev["reasons"][0]
    '₪3 from outside for every shekel of the authority'
    """
    plan = _index(subgraph, scope)
    investments = _local_investments(plan)
    money_of: dict[str, _Money] = defaultdict(_Money)
    unlinked: list[NodeRecord] = []
    other_currency: list[str] = []
    for inv in investments:
        if not _counts(inv, scope.as_of):
            continue
        if not _shekels(inv):
            other_currency.append(inv.id)
            continue
        target = str(inv.props.get("program_id") or "")
        if not any(g in plan.nodes for g in plan.program_goals.get(target, set())):
            unlinked.append(inv)
            continue
        status = str(inv.props.get("status") or "committed")
        amount = _number(inv.props.get("amount")) or 0.0
        money_of[target].add(status if status in ("planned", *_COUNTED) else "committed",
                             plan.source(inv), amount)  # fmt: skip
    programs_of: dict[str, list[str]] = defaultdict(list)
    for pid, goal_ids in sorted(plan.program_goals.items()):
        if pid in plan.nodes:
            for gid in goal_ids:
                programs_of[gid].append(pid)
    readings = _readings(plan)
    goal_entries = [
        _goal_entry(plan, goal, readings.get(goal.id, []), money_of, programs_of)
        for goal in plan.by_label["Goal"]
        if plan.local(goal)
    ]
    goal_entries.sort(key=lambda g: (GOAL_STATUSES.index(g["status"]), g["id"]))
    agreements, overdue = _agreements(plan)
    return {
        "scope": scope.as_dict(),
        "as_of": scope.as_of.isoformat(),
        "goals": goal_entries,
        "unlinked_money": {
            "total": _round(sum(_number(i.props.get("amount")) or 0.0 for i in unlinked)),
            "investments": [i.id for i in unlinked],
        },
        "leverage": _leverage(plan, investments),
        "agreements": agreements,
        "overdue_commitments": overdue,
        "other_currency": other_currency,
    }


def plan_report(store: GraphStore, scope: Scope, *, where: str = "locality_id") -> dict[str, Any]:
    """:func:`collective_plan` of a store's locality, with the store's ``graph_version``.

    The locality's part of the graph is read without the date cut
    (:func:`graph.scope.read` with ``dated=False``): past years' money and every
    reading are needed, and the plan applies its own date rules. Raises
    :class:`~graph.errors.NotFound` naming ``where`` when the locality does not exist.
    """
    from graph.scope import read

    sub = read(store, scope, dated=False, where=where)
    return {"graph_version": store.graph_version(), **collective_plan(sub, scope)}
