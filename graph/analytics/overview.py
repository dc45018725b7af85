"""Every locality at a glance: one summary per locality, from one read of the store.

The strategist's home page (the all-localities dashboard) and the locality
selection rubric (:mod:`graph.analytics.selection`) both need, for each of
up to 255 localities, the findings a locality's own analysis would give:
how many duplicated interventions (and how many uncoordinated), how many
isolated actors, the cross-sector tie share, whether a partnerships manager
is in post and a local administration meets, and its money by source with
the leverage ratio. Asking the store for each locality's subgraph costs a
query per node; :func:`locality_summaries` instead reads every node and
relationship once, indexes them once, carves each locality's part from
memory with the one rule of :mod:`graph.locality`
(:class:`~graph.locality.LocalityIndex`) and cuts it to the as-of date (the
rule of :func:`graph.scope.cut`): the place first, then the date, as
:func:`graph.scope.read` does, so each summary agrees with that locality's
own report.

Money follows SPEC section 8 and is read from every record, not the as-of
cut (a program that ended still brought its money): investments of years up
to the as-of date into the locality's programs or the locality itself, by
the funder's sector (``local_authority``, ``government``, ``philanthropy``,
``business``, ``other``); leverage counts the committed and paid part, ``authority`` from
local-authority funders, ``external`` from all others, ``ratio`` =
external / authority (``None`` without authority money).

Uncovered needs come from the readiness analysis
(:func:`graph.analytics.readiness.readiness_report`, through
:func:`uncovered_needs_hook`) and goals behind from the plan analysis
(:func:`graph.analytics.plan.collective_plan` of the locality's goals and
readings, through :func:`goals_behind_hook`); both are ``None`` where the
locality has no such data.

Examples
--------
>>> from graph.model import NodeRecord as N, RelRecord as R
>>> import datetime as dt
>>> nodes = [N("Locality", "l", {"name": "ירוחם"}),
...          N("Organization", "a", {"name": "עירייה", "sector": "local_authority",
...                                  "locality_ids": ["l"]}),
...          N("Organization", "b", {"name": "ועד", "sector": "community",
...                                  "locality_ids": ["l"]})]
>>> s = summaries_from(nodes, [], Scope(as_of=dt.date(2026, 1, 1)))["l"]
>>> s["organizations"], s["isolates"], s["partnerships_manager"]
(2, 2, False)
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import networkx as nx

from graph.analytics.duplicates import find_duplicates
from graph.analytics.isolates import find_isolates
from graph.locality import LocalityIndex
from graph.model import NodeRecord, RelRecord, node_localities
from graph.network import build_network, gc_paused
from graph.scope import DATED_NODES, DATED_RELATIONSHIPS, Scope, counts_at, start_date
from graph.store.base import GraphStore, Subgraph

__all__ = [
    "MONEY_SOURCES",
    "goals_behind_hook",
    "locality_summaries",
    "summaries_from",
    "uncovered_needs_hook",
]

#: The funder sectors money is shown by (others count as ``other``).
MONEY_SOURCES = ("local_authority", "government", "philanthropy", "business", "other")


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        found: Callable[..., Any] = getattr(
            importlib.import_module(f"graph.analytics.{module}"), name
        )
    except (ImportError, AttributeError):
        return None
    return found


def uncovered_needs_hook(
    sub: Subgraph, locality_id: str, scope: Scope, extra: Sequence[NodeRecord] = ()
) -> int | None:
    """How many of the locality's emergency needs have no provider (SPEC section 7).

    Asks :func:`graph.analytics.readiness.readiness_report` of ``sub`` plus
    ``extra`` (every capability with its organisation and contact role, as
    :func:`~graph.analytics.readiness.readiness_subgraph` reads them).
    ``None`` when the locality has no ``Need`` records or the readiness
    analysis is not installed.
    """
    if not any(n.label == "Need" for n in sub.nodes):
        return None
    compute = _optional("readiness", "readiness_report")
    if compute is None:
        return None
    have = {n.id for n in sub.nodes}
    nodes = list(sub.nodes) + [n for n in extra if n.id not in have]
    result = compute(Subgraph(nodes, sub.relationships), locality_id, as_of=scope.as_of)
    return sum(1 for need in result.get("needs", []) if need.get("status") == "uncovered")


def goals_behind_hook(
    locality: NodeRecord, goals: Sequence[NodeRecord], scope: Scope
) -> int | None:
    """How many of the locality's goals are ``behind`` (SPEC section 8).

    Asks :func:`graph.analytics.plan.collective_plan` of the locality's goals
    and all their readings (uncut: every reading counts). ``None`` when no
    goal of the locality has a reading, or the plan analysis is not installed.
    """
    if not any(n.label == "GoalReading" for n in goals):
        return None
    compute = _optional("plan", "collective_plan")
    if compute is None:
        return None
    result = compute(Subgraph([locality, *goals], []), Scope(locality.id, scope.as_of))
    return sum(1 for goal in result.get("goals", []) if goal.get("status") == "behind")


def _amount(node: NodeRecord) -> float:
    try:
        return max(float(node.props.get("amount") or 0.0), 0.0)
    except (TypeError, ValueError):
        return 0.0


class _LiveView:
    """What is live at the as-of date, to cut each locality's part by lookups."""

    def __init__(self, view: Subgraph) -> None:
        self.nodes = {n.id: n for n in view.nodes}
        self.rels = {id(r) for r in view.relationships}  # the same objects as every part's

    def cut(self, part: Subgraph) -> Subgraph:
        """:func:`graph.scope.cut` of a part carved from the records ``view`` was cut from."""
        return Subgraph(
            [n for n in part.nodes if n.id in self.nodes],
            [r for r in part.relationships if id(r) in self.rels],
        )


def _cut(sub: Subgraph, scope: Scope) -> Subgraph:
    """:func:`graph.scope.cut`, deciding each distinct (start, end) pair once."""
    live: dict[tuple[str, Any, Any], bool] = {}

    def keep(label: str, fields: tuple[str, str] | None, props: dict[str, Any]) -> bool:
        if fields is None:
            return True
        key = (label, props.get(fields[0]), props.get(fields[1]))
        if key[1] is None and key[2] is None:
            return True
        found = live.get(key)
        if found is None:
            found = live[key] = counts_at(key[1], key[2], scope.as_of)
        return found

    nodes = [n for n in sub.nodes if keep(n.label, DATED_NODES.get(n.label), n.props)]
    if len(nodes) == len(sub.nodes):
        dropped: set[str] = set()
    else:
        dropped = {n.id for n in sub.nodes} - {n.id for n in nodes}
    rels = [
        r
        for r in sub.relationships
        if r.source not in dropped
        and r.target not in dropped
        and keep(r.type, DATED_RELATIONSHIPS.get(r.type), r.props)
    ]
    return Subgraph(nodes, rels)


def _compass(nodes: Sequence[NodeRecord], scope: Scope) -> dict[str, dict[str, Any]]:
    """Each rated locality's compass in brief: its years, the mean met share of the latest
    year over the outcomes rated then, and how many cells improved and declined."""
    from graph.analytics.compass import compass_from

    by_loc: dict[str, list[NodeRecord]] = defaultdict(list)
    for n in nodes:
        if n.label == "CompassRating" and n.props.get("locality_id"):
            by_loc[str(n.props["locality_id"])].append(n)
    out = {}
    for loc, ratings in by_loc.items():
        found = compass_from(ratings, scope=scope)
        if not found["years"]:
            continue
        shares = [o["met_share_latest"] for o in found["outcomes"]]
        rated = [x for x in shares if x is not None]
        changes = [c["change"] for c in found["cells"]]
        out[loc] = {
            "years": found["years"],
            "met_share_latest": round(sum(rated) / len(rated), 4) if rated else None,
            "improved": changes.count("improved"),
            "declined": changes.count("declined"),
        }
    return out


def _goals(nodes: Sequence[NodeRecord]) -> dict[str, list[NodeRecord]]:
    """Each locality's goals and their readings, from every record."""
    goal_loc = {
        n.id: str(n.props.get("locality_id"))
        for n in nodes
        if n.label == "Goal" and n.props.get("locality_id")
    }
    out: dict[str, list[NodeRecord]] = defaultdict(list)
    for n in nodes:
        if n.label == "Goal" and n.id in goal_loc:
            out[goal_loc[n.id]].append(n)
        elif n.label == "GoalReading" and n.props.get("goal_id") in goal_loc:
            out[goal_loc[str(n.props.get("goal_id"))]].append(n)
    return out


def _empty_money() -> dict[str, Any]:
    return {
        "total": 0.0,
        "by_source": dict.fromkeys(MONEY_SOURCES, 0.0),
        "leverage": {"authority": 0.0, "external": 0.0, "ratio": None, "matching": 0.0},
    }


def _money(nodes: Sequence[NodeRecord], scope: Scope) -> dict[str, dict[str, Any]]:
    """Money by locality, from every record (ended programs' money still counts)."""
    by_id = {n.id: n for n in nodes}
    out: dict[str, dict[str, Any]] = defaultdict(_empty_money)
    for inv in nodes:
        if inv.label != "Investment":
            continue
        year = start_date(inv.props.get("year")) if inv.props.get("year") else None
        if year is not None and year > scope.as_of:
            continue  # not yet: money of later years
        target = inv.props.get("program_id")
        program = by_id.get(str(target)) if target else None
        loc = program.props.get("locality_id") if program else inv.props.get("locality_id")
        if not loc:
            continue
        funder = by_id.get(str(inv.props.get("funder_id")))
        sector = str(funder.props.get("sector") or "other") if funder else "other"
        entry = out[str(loc)]
        amount = _amount(inv)
        entry["total"] += amount
        entry["by_source"][sector if sector in MONEY_SOURCES else "other"] += amount
        if inv.props.get("status") in ("committed", "paid"):
            lev = entry["leverage"]
            lev["authority" if sector == "local_authority" else "external"] += amount
            if inv.props.get("kind") == "matching":
                lev["matching"] += amount
    for entry in out.values():
        lev = entry["leverage"]
        lev["ratio"] = round(lev["external"] / lev["authority"], 4) if lev["authority"] else None
    return out


def _cross_share(G: nx.Graph) -> float | None:
    m = G.number_of_edges()
    if not m:
        return None
    sectors = dict(G.nodes(data="sector"))
    cross = sum(1 for u, v in G.edges if (sectors[u] or "other") != (sectors[v] or "other"))
    return round(cross / m, 6)


def _summary(
    ix: LocalityIndex,
    loc: NodeRecord,
    view: _LiveView,
    scope: Scope,
    context: str,
    extra: Sequence[NodeRecord],
) -> dict[str, Any]:
    sub = view.cut(ix.part(loc.id))
    G = build_network(sub, locality_id=loc.id, context=context)
    duplicates = find_duplicates(G, sub)
    isolates = find_isolates(G, explain=False)
    local_orgs = {
        n.id for n in sub.nodes if n.label == "Organization" and loc.id in node_localities(n)
    }
    manager = any(
        n.label == "Role"
        and n.props.get("kind") == "partnerships_manager"
        and n.props.get("organization_id") in local_orgs
        for n in sub.nodes
    )
    administration = any(
        n.label == "Forum"
        and n.props.get("kind") == "local_administration"
        and n.props.get("locality_id") == loc.id
        for n in sub.nodes
    )
    return {
        "id": loc.id,
        "name": loc.name,
        "organizations": len(local_orgs),
        "ties": G.number_of_edges(),
        "duplicates": len(duplicates),
        "uncoordinated_duplicates": sum(1 for d in duplicates if not d.get("coordinated")),
        "isolates": len(isolates),
        "no_tie": sum(1 for i in isolates if "isolate" in i.get("kinds", ())),
        "cross_sector_share": _cross_share(G),
        "partnerships_manager": manager,
        "local_administration": administration,
        "uncovered_needs": uncovered_needs_hook(sub, loc.id, scope, extra),
    }


def summaries_from(
    nodes: Sequence[NodeRecord],
    rels: Iterable[RelRecord],
    scope: Scope,
    *,
    locality_ids: Iterable[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Per-locality summaries of records in memory (see :func:`locality_summaries`)."""
    with gc_paused():
        nodes = list(nodes)
        money = _money(nodes, scope)
        goals = _goals(nodes)
        compass = _compass(nodes, scope)
        rels = list(rels)
        view = _cut(Subgraph(nodes, rels), scope)
        # The place first, then the date, as graph.scope.read does: each part is carved
        # from every record and then cut, so a summary agrees with the locality's report.
        ix = LocalityIndex(nodes, rels)
        live = _LiveView(view)
        wanted = set(locality_ids) if locality_ids is not None else None
        capabilities = [n for n in view.nodes if n.label == "Capability"]
        related = {str(c.props.get(k) or "") for c in capabilities
                   for k in ("organization_id", "contact_role_id")} - {""}  # fmt: skip
        extra = capabilities + [live.nodes[i] for i in sorted(related) if i in live.nodes]
        out: dict[str, dict[str, Any]] = {}
        for loc in sorted((n for n in view.nodes if n.label == "Locality"), key=lambda n: n.id):
            if wanted is None or loc.id in wanted:
                out[loc.id] = _summary(ix, loc, live, scope, scope.context, extra)
                out[loc.id]["money"] = money.get(loc.id) or _empty_money()
                out[loc.id]["goals_behind"] = goals_behind_hook(loc, goals.get(loc.id, []), scope)
                out[loc.id]["compass"] = compass.get(loc.id)
        return out


def locality_summaries(
    store: GraphStore, scope: Scope, *, locality_ids: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """One summary per locality of ``store``, by locality id.

    Parameters
    ----------
    store : GraphStore
        Read once: every node and every relationship.
    scope : Scope
        Its ``as_of`` cuts what has ended or not yet started; its
        ``context`` filters forums, programs and partnerships; its
        ``locality_id`` is ignored (every locality is summarised).
    locality_ids : iterable of str, optional
        Only these localities (default all).

    Returns
    -------
    dict
        Locality id -> ``{"id", "name", "organizations", "ties",
        "duplicates", "uncoordinated_duplicates", "isolates", "no_tie",
        "cross_sector_share" (None without ties), "partnerships_manager",
        "local_administration", "money": {"total", "by_source",
        "leverage": {"authority", "external", "ratio", "matching"}},
        "uncovered_needs", "goals_behind", "compass"}``; ``compass`` is
        ``None`` for a locality without ratings, else ``{"years",
        "met_share_latest"`` (the mean over the outcomes rated in the latest
        year), ``"improved", "declined"}`` (cells). ``isolates`` counts the
        organisations the locality's isolates list names (any kind),
        ``no_tie`` those with no tie at all.
    """
    return summaries_from(
        list(store.iter_nodes()), list(store.iter_relationships()), scope,
        locality_ids=locality_ids,
    )  # fmt: skip
