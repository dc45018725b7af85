"""Leverage points: where a fund's support would join what is apart.

For fund strategists (SPEC section 3 ``leverage``). :func:`find_leverage`
returns five kinds of entries, each with a ``score`` in [0, 1] and
``reasons`` in English, Hebrew (``reasons_he``) and Arabic (``reasons_ar``),
rendered by :mod:`graph.vocabulary` from one list of reason codes:

``actor``
    An organisation whose support would join otherwise separate sectors or
    goals: a cross-sector bridge (:func:`graph.analytics.bridges.find_bridges`)
    and/or the one actor shared by goals that have no other actor in common.
    Score: 0.6 x its bridge score + 0.4 x min(1, separate goals joined / 3).
``forum``
    A forum of a locality missing a sector that organisations of that
    locality belong to: the sectors not at the table, with the best
    connected organisations of each as candidates to invite. Score:
    0.5 + 0.5 x missing / locality sectors, x 1.0 for the forums meant to
    seat every sector (local administration, design forum, emergency team)
    and x 0.7 for others (a steering committee or a professional team need
    not); leading teams, peer forums and regional networks are small or
    single-sector by design and are not judged.
``goal``
    A locality goal that no program advances (score 0.9), or whose
    programs have no investment (0.7, 0.8 when money for its locality and
    domain is waiting unallocated); + 0.1 when the collective plan finds it
    behind schedule as of the scope's date (:func:`graph.analytics.plan.goal_standings`;
    ``plan_status`` says which).
``locality_domain``
    A locality and domain (with at least one program or goal there) where
    stages of the 0-35 continuum (:data:`graph.model.AGE_STAGES`) that the
    domain serves have no program. Score: 0.4 + 0.4 x missing / relevant
    stages, + 0.2 when the locality has a goal in that domain. Which stages
    a domain serves is :data:`DOMAIN_STAGES`.

``program``
    An existing program of the scope that advances a goal and either is
    run across sectors (operator and partners) or advances several goals,
    with one funder or none: strengthening what exists, room for matching.
    Score: 0.4 + 0.15 x min(1, (sectors - 1) / 2) + 0.15 x min(1, goals / 2)
    + 0.2 without a funder (0.1 with one).

Only the scope's localities are looked at (``G.graph["scope"]["locality_ids"]``
as :func:`graph.network.build_network` sets it; every locality of the
subgraph when the scope is the whole graph).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.analytics.bridges import find_bridges
from graph.analytics.plan import goal_standings
from graph.model import AGE_STAGES, NodeRecord
from graph.scope import today
from graph.store.base import Subgraph
from graph.vocabulary import LANGS, Reason, reasons, render

__all__ = ["DOMAIN_STAGES", "find_leverage"]

_ALL_STAGES = tuple(AGE_STAGES)

#: Stages of the continuum each domain serves (a gap is only reported there).
DOMAIN_STAGES: dict[str, tuple[str, ...]] = {
    "early_childhood": ("early_childhood",),
    "formal_education": ("early_childhood", "school"),
    "informal_education": ("school", "young_adults"),
    "meaningful_service": ("school", "service"),
    "higher_education": ("service", "young_adults"),
    "employment": ("service", "young_adults"),
    "stem21": ("school", "young_adults"),
    "welfare": _ALL_STAGES,
    "health": _ALL_STAGES,
    "community": _ALL_STAGES,
    "emergency": _ALL_STAGES,
    "other": _ALL_STAGES,
}

#: Forum kinds meant to seat every sector. A steering committee is mostly the funders'
#: table (authority, foundations, ministries), so it weighs less when a sector is missing.
CROSS_SECTOR_FORUMS = frozenset(
    {"local_administration", "design_forum", "emergency_team", "round_table"}
)

#: Forum kinds small or single-sector by design (a leading team of 5-6, peer forums of
#: council heads, networks of partnership managers): a missing sector there is no finding.
NOT_CROSS_SECTOR_FORUMS = frozenset({"leading_team", "peer_forum", "regional_network"})

_CANDIDATES = 3
_BEHIND_BONUS = 0.1
_GOALS_FOR_FULL_SCORE = 3


@dataclass
class _Index:
    """The subgraph's entities and who does what, looked up once."""

    nodes: dict[str, NodeRecord] = field(default_factory=dict)
    by_label: dict[str, list[NodeRecord]] = field(default_factory=lambda: defaultdict(list))
    forum_orgs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    program_orgs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    program_goals: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    program_money: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    program_funders: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    open_money: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))


def _index(subgraph: Subgraph) -> _Index:
    ix = _Index()
    for node in subgraph.nodes:
        ix.nodes[node.id] = node
        ix.by_label[node.label].append(node)

    def org_of(node_id: str) -> str | None:
        node = ix.nodes.get(node_id)
        if node is None:
            return None
        if node.label == "Organization":
            return node.id
        if node.label == "Role":
            owner = node.props.get("organization_id")
            return str(owner) if owner in ix.nodes else None
        return None

    for forum in ix.by_label["Forum"]:
        convener = forum.props.get("convener_id")
        if convener and convener in ix.nodes:
            ix.forum_orgs[forum.id].add(str(convener))
    for program in ix.by_label["Program"]:
        operator = program.props.get("operator_id")
        if operator in ix.nodes:
            ix.program_orgs[program.id].add(str(operator))
        for goal in program.props.get("goal_ids") or []:
            ix.program_goals[program.id].add(str(goal))
    for rel in subgraph.relationships:
        if rel.type == "MEMBER_OF":
            org = org_of(rel.source)
            if org:
                ix.forum_orgs[rel.target].add(org)
        elif rel.type in ("OPERATES", "PARTNERS_IN"):
            if org_of(rel.source):
                ix.program_orgs[rel.target].add(rel.source)
        elif rel.type == "ADVANCES":
            ix.program_goals[rel.source].add(rel.target)
    for inv in ix.by_label["Investment"]:
        amount = float(inv.props.get("amount") or 0.0)
        funded = inv.props.get("program_id")
        if funded:
            ix.program_money[str(funded)] += amount
            if inv.props.get("funder_id"):
                ix.program_funders[str(funded)].add(str(inv.props["funder_id"]))
        elif inv.props.get("locality_id") and inv.props.get("domain"):
            ix.open_money[(str(inv.props["locality_id"]), str(inv.props["domain"]))] += amount
    return ix


def _as_of(G: nx.Graph) -> dt.date:
    """The scope's as-of date (``G.graph["scope"]["as_of"]``), today when it has none."""
    value = (G.graph.get("scope") or {}).get("as_of")
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10]) if value else today()


def _scope_localities(G: nx.Graph, ix: _Index) -> list[str]:
    listed = (G.graph.get("scope") or {}).get("locality_ids")
    known = {n.id for n in ix.by_label["Locality"]}
    if listed is None:
        return sorted(known)
    return [loc for loc in listed if loc in known]


def _stages(program: NodeRecord) -> set[str] | None:
    """Stages an age range touches; ``None`` when the program gives no ages."""
    lo, hi = program.props.get("age_min"), program.props.get("age_max")
    if lo is None and hi is None:
        return None
    low = int(lo) if lo is not None else 0
    high = int(hi) if hi is not None else 120
    return {s for s, (a, b) in AGE_STAGES.items() if low <= b and a <= high}


def _forum_entries(G: nx.Graph, ix: _Index, localities: list[str]) -> list[dict[str, Any]]:
    in_scope = set(localities)
    orgs_of: dict[str, list[NodeRecord]] = defaultdict(list)
    for org in ix.by_label["Organization"]:
        for loc in org.props.get("locality_ids") or []:
            orgs_of[loc].append(org)
    # A locality's sectors, and its best-tied organisations of each sector, once per
    # locality (not once per forum: a town has dozens of forums, the nation thousands).
    sectors_of: dict[str, set[str]] = {}
    best_of: dict[str, dict[Any, list[NodeRecord]]] = {}

    adj: Any = getattr(G, "_adj", None)
    simple = adj is not None and not G.is_directed() and not G.is_multigraph()

    def degree(o: NodeRecord) -> int:
        if simple:
            nbrs = adj.get(o.id)
            return 0 if nbrs is None else len(nbrs) + (o.id in nbrs)  # a loop counts 2
        return G.degree(o.id) if o.id in G else 0

    def best(loc: str, sector: str) -> list[NodeRecord]:
        by_sector = best_of.get(loc)
        if by_sector is None:
            by_sector = defaultdict(list)
            for o in orgs_of[loc]:
                by_sector[o.props.get("sector") or "other"].append(o)
            for pool in by_sector.values():
                pool.sort(key=lambda o: (-degree(o), o.id))
                del pool[_CANDIDATES:]
            best_of[loc] = by_sector
        return by_sector.get(sector, [])

    out = []
    for forum in ix.by_label["Forum"]:
        loc = forum.props.get("locality_id")
        members = ix.forum_orgs.get(forum.id, set())
        if loc not in in_scope or not members:
            continue
        if forum.props.get("kind") in NOT_CROSS_SECTOR_FORUMS:
            continue
        local_sectors = sectors_of.get(loc)
        if local_sectors is None:
            local_sectors = {str(o.props.get("sector") or "other") for o in orgs_of[loc]}
            sectors_of[loc] = local_sectors
        seated = {str(ix.nodes[m].props.get("sector") or "other") for m in members}
        missing = sorted(local_sectors - seated)
        if not missing or not local_sectors:
            continue
        candidates = []
        for sector in missing:
            candidates += [
                {"id": o.id, "name": o.name, "sector": sector} for o in best(loc, sector)
            ]
        kind = str(forum.props.get("kind") or "other")
        weight = 1.0 if kind in CROSS_SECTOR_FORUMS else 0.7
        score = weight * (0.5 + 0.5 * len(missing) / len(local_sectors))
        loc_name = ix.nodes[loc].name
        params = {"missing": missing, "n": len(missing), "total": len(local_sectors)}
        why: list[Reason] = [
            ("leverage.forum_missing", {**params, "locality": loc_name}),
            ("leverage.forum_candidates", {"names": [c["name"] for c in candidates]}),
        ]
        if kind in CROSS_SECTOR_FORUMS:
            why.append(("leverage.forum_meant", {"kind": kind}))
        out.append(
            {
                "id": forum.id,
                "kind": "forum",
                "name": forum.name,
                "forum_kind": kind,
                "locality_id": loc,
                "locality_name": loc_name,
                "missing_sectors": missing,
                "candidates": candidates,
                "score": round(score, 4),
                **reasons(why),
            }
        )
    return out


def _goal_entries(
    ix: _Index, localities: list[str], standings: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    in_scope = set(localities)
    programs_of: dict[str, list[str]] = defaultdict(list)
    for pid, goal_ids in ix.program_goals.items():
        if pid in ix.nodes:
            for gid in goal_ids:
                programs_of[gid].append(pid)
    out = []
    for goal in ix.by_label["Goal"]:
        loc = str(goal.props.get("locality_id"))
        if loc not in in_scope:
            continue
        domain = goal.props.get("domain")
        programs = sorted(programs_of.get(goal.id, []))
        money = sum(ix.program_money.get(p, 0.0) for p in programs)
        waiting = ix.open_money.get((loc, str(domain)), 0.0) if domain else 0.0
        why: list[Reason]
        if not programs:
            score, gap = 0.9, "no_program"
            why = [("leverage.goal_no_program", {})]
        elif money <= 0:
            score, gap = (0.8 if waiting else 0.7), "no_money"
            why = [("leverage.goal_no_money", {"n": len(programs)})]
        else:
            continue
        if waiting:
            why.append(("leverage.goal_waiting", {"amount": waiting, "domain": domain}))
        standing = standings.get(goal.id) or {}
        if standing.get("status") == "behind":
            # The collective plan says it is behind schedule too: the most urgent gap.
            score = round(min(1.0, score + _BEHIND_BONUS), 4)
            why.insert(
                0,
                (
                    "plan.leverage_point.behind",
                    {"progress": standing["progress"], "elapsed": standing["time_elapsed"] or 0},
                ),
            )
        out.append(
            {
                "id": goal.id,
                "kind": "goal",
                "name": goal.name,
                "locality_id": loc,
                "domain": domain,
                "gap": gap,
                "programs": programs,
                "unallocated_money": waiting,
                "plan_status": standing.get("status", "no_data"),
                "score": score,
                **reasons(why),
            }
        )
    return out


def _continuum_entries(ix: _Index, localities: list[str]) -> list[dict[str, Any]]:
    in_scope = set(localities)
    covered: dict[tuple[str, str], set[str]] = defaultdict(set)
    programs: dict[tuple[str, str], int] = defaultdict(int)
    no_ages: dict[tuple[str, str], int] = defaultdict(int)
    for program in ix.by_label["Program"]:
        loc = program.props.get("locality_id")
        if loc not in in_scope:
            continue
        stages = _stages(program)
        for domain in program.props.get("domains") or []:
            key = (str(loc), str(domain))
            programs[key] += 1
            if stages is None:
                no_ages[key] += 1
            else:
                covered[key] |= stages
    goal_domains = {
        (str(g.props.get("locality_id")), str(g.props.get("domain")))
        for g in ix.by_label["Goal"]
        if g.props.get("domain")
    }
    out = []
    for key in sorted(set(programs) | goal_domains):
        loc, domain = key
        if loc not in in_scope:
            continue
        relevant = DOMAIN_STAGES.get(domain, _ALL_STAGES)
        missing = [s for s in relevant if s not in covered[key]]
        if not missing:
            continue
        has_goal = key in goal_domains
        score = 0.4 + 0.4 * len(missing) / len(relevant) + (0.2 if has_goal else 0.0)
        loc_name = ix.nodes[loc].name if loc in ix.nodes else loc
        why: list[Reason]
        if not programs[key]:
            why = [("leverage.domain_no_program", {"domain": domain})]
        else:
            params = {"stages": missing, "domain": domain, "n": programs[key]}
            why = [("leverage.stages_missing", params)]
            if has_goal:
                why.append(("leverage.domain_has_goal", {"domain": domain}))
        if no_ages[key]:
            why.append(("leverage.no_ages", {"n": no_ages[key]}))
        out.append(
            {
                "id": f"{loc}:{domain}",
                "kind": "locality_domain",
                # Shown as a name: the domain by its Hebrew label (the default language).
                "name": render("leverage.domain_name", "he", locality=loc_name, domain=domain),
                "locality_id": loc,
                "domain": domain,
                "missing_stages": missing,
                "covered_stages": [s for s in relevant if s in covered[key]],
                "score": round(score, 4),
                **reasons(why),
            }
        )
    return out


def _program_entries(ix: _Index, localities: list[str]) -> list[dict[str, Any]]:
    """Existing cross-sector or multi-goal programs with one funder or none."""
    in_scope = set(localities)
    out = []
    for program in ix.by_label["Program"]:
        if program.props.get("locality_id") not in in_scope:
            continue
        goals = sorted(g for g in ix.program_goals.get(program.id, set()) if g in ix.nodes)
        actors = ix.program_orgs.get(program.id, set())
        sectors = sorted({str(ix.nodes[a].props.get("sector") or "other") for a in actors})
        funders = sorted(ix.program_funders.get(program.id, set()))
        if not goals or (len(sectors) < 2 and len(goals) < 2) or len(funders) > 1:
            continue
        score = (
            0.4
            + 0.15 * min(1.0, (len(sectors) - 1) / 2)
            + 0.15 * min(1.0, len(goals) / 2)
            + (0.2 if not funders else 0.1)
        )
        titles = [ix.nodes[g].name for g in goals]
        why: list[Reason] = [("leverage.program_goals", {"n": len(goals), "titles": titles})]
        if len(sectors) >= 2:
            why.append(("leverage.program_sectors", {"n": len(sectors), "sectors": sectors}))
        if funders:
            funder = ix.nodes[funders[0]].name if funders[0] in ix.nodes else funders[0]
            why.append(("leverage.single_funder", {"name": funder}))
        else:
            why.append(("leverage.no_investment", {}))
        out.append(
            {
                "id": program.id,
                "kind": "program",
                "name": program.name,
                "locality_id": program.props.get("locality_id"),
                "goals": goals,
                "sectors": sectors,
                "funders": funders,
                "investment_total": ix.program_money.get(program.id, 0.0),
                "score": round(score, 4),
                **reasons(why),
            }
        )
    return out


def _separate_goals(ix: _Index, localities: list[str]) -> dict[str, list[str]]:
    """Per organisation: its goals that share no other actor with its other goals."""
    in_scope = set(localities)
    goal_orgs: dict[str, set[str]] = defaultdict(set)
    for program, goals in ix.program_goals.items():
        for goal in goals:
            node = ix.nodes.get(goal)
            if node is not None and node.props.get("locality_id") in in_scope:
                goal_orgs[goal] |= ix.program_orgs.get(program, set())
    org_goals: dict[str, set[str]] = defaultdict(set)
    for goal, orgs in goal_orgs.items():
        for org in orgs:
            org_goals[org].add(goal)
    out = {}
    for org, goals in org_goals.items():
        if len(goals) < 2:
            continue
        # A goal is separate when none of its other actors works on another
        # of this organisation's goals: count, per actor, in how many it is.
        shared = Counter(b for g in goals for b in goal_orgs[g] if b != org)
        separate = [g for g in sorted(goals) if all(shared[b] == 1 for b in goal_orgs[g] - {org})]
        if len(separate) >= 2:
            out[org] = separate
    return out


def _actor_entries(
    G: nx.Graph, ix: _Index, localities: list[str], bridges: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    by_id = {b["id"]: b for b in bridges}
    separate = _separate_goals(ix, localities)
    out = []
    for actor in sorted(set(by_id) | set(separate), key=str):
        bridge = by_id.get(actor)
        goals = separate.get(actor, [])
        bridge_score = float(bridge["score"]) if bridge else 0.0
        score = 0.6 * bridge_score + 0.4 * min(1.0, len(goals) / _GOALS_FOR_FULL_SCORE)
        if score <= 0:
            continue
        # A bridge's own reasons, each language's wording inside this one's.
        said: dict[str, list[str]] = {"reasons": [], "reasons_he": [], "reasons_ar": []}
        if bridge:
            for lang in LANGS:
                field = "reasons" if lang == "en" else f"reasons_{lang}"
                said[field] += [
                    render("leverage.as_bridge", lang, text=text)
                    for text in (bridge.get(field) or [])[:2]
                ]
        if goals:
            titles = [ix.nodes[g].name for g in goals]
            shared = reasons([("leverage.shared_goals", {"n": len(goals), "titles": titles})])
            for field, texts in shared.items():
                said[field] += texts
        node = G.nodes[actor] if actor in G else {}
        name = node.get("name") or (ix.nodes[actor].name if actor in ix.nodes else str(actor))
        out.append(
            {
                "id": actor,
                "kind": "actor",
                "name": name,
                "sector": node.get("sector") or (bridge or {}).get("sector"),
                "sectors_connected": (bridge or {}).get("sectors_connected", []),
                "sectors_only_through": (bridge or {}).get("sectors_only_through", []),
                "goals_joined": goals,
                "score": round(score, 4),
                **said,
            }
        )
    return out


def find_leverage(
    G: nx.Graph,
    subgraph: Subgraph,
    *,
    bridges: list[dict[str, Any]] | None = None,
    top: int | None = 100,
    seed: int | None = 0,
    as_of: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Leverage points of a scope, best first.

    Parameters
    ----------
    G : networkx.Graph
        The actor network of the scope (:func:`graph.network.build_network`).
    subgraph : Subgraph
        The scope's nodes and relationships (forums, programs, goals, money).
    bridges : list of dict, optional
        :func:`graph.analytics.bridges.find_bridges` of ``G`` when already
        computed; computed here (with ``seed``) otherwise.
    top : int or None, default 100
        How many entries to return (``None``: all).
    seed : int, optional
        Seed passed to :func:`~graph.analytics.bridges.find_bridges`.
    as_of : datetime.date, optional
        The date goals are judged at (behind schedule or not); default
        ``G.graph["scope"]["as_of"]``, else today.

    Returns
    -------
    list of dict
        Entries ``{"id", "kind", "name", "score", "reasons", "reasons_he",
        ...}`` with ``kind`` one of ``actor``, ``forum``, ``goal``,
        ``program``, ``locality_domain`` (see the module docstring), sorted by score
        descending, then id.

    Examples
    --------
    A locality with an early-childhood goal and one program, for ages 0-3,
    that nobody funds:

    >>> from graph.model import NodeRecord
    >>> sub = Subgraph([
    ...     NodeRecord("Locality", "l", {"name": "ירוחם"}),
    ...     NodeRecord("Organization", "o", {"name": "עמותה", "sector": "nonprofit",
    ...                                      "locality_ids": ["l"]}),
    ...     NodeRecord("Goal", "g", {"name": "מוכנות לכיתה א", "locality_id": "l",
    ...                              "domain": "early_childhood"}),
    ...     NodeRecord("Program", "p", {"name": "שפה", "operator_id": "o", "locality_id": "l",
    ...                                 "domains": ["early_childhood"], "age_min": 0,
    ...                                 "age_max": 3, "goal_ids": ["g"]})], [])
    >>> [(e["kind"], e["id"], e["score"]) for e in find_leverage(nx.Graph(), sub)]
    [('goal', 'g', 0.7)]
    """
    ix = _index(subgraph)
    localities = _scope_localities(G, ix)
    if bridges is None:
        bridges = find_bridges(G, seed=seed) if G.number_of_nodes() else []
    entries = (
        _actor_entries(G, ix, localities, bridges)
        + _forum_entries(G, ix, localities)
        + _goal_entries(ix, localities, goal_standings(subgraph, as_of or _as_of(G)))
        + _program_entries(ix, localities)
        + _continuum_entries(ix, localities)
    )
    entries.sort(key=lambda e: (-e["score"], e["kind"], str(e["id"])))
    return entries if top is None else entries[:top]
