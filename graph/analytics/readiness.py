"""Emergency readiness: who covers which need, and who can reach whom (SPEC section 7).

A locality's needs (``Need``: an area, a category, how many people, how
severe) meet the organisations' capabilities (``Capability``: a category,
a capacity, the areas served, a contact role). The rules:

* A **provider** of a need is an organisation with a capability of the
  need's category that serves the need's area (empty ``areas`` = the whole
  of the organisation's locality) and works in the need's locality or is
  national (no ``locality_ids``). An organisation that has ended by the
  as-of date provides nothing.
* A need's **capacity** is the sum of its providers' capacities (a capacity
  not stated counts 0); its **coverage** is capacity / population, capped at
  1 (``None`` when the population is not given; 1 when it is 0).
* Its **status** is the first that holds of ``uncovered`` (no provider),
  ``under_covered`` (coverage below 1), ``single_provider`` (one provider)
  and ``covered``. Needs are listed in that order, then by severity ×
  population, largest first, then by id.
* **Steps**: the fewest actor-network ties (:func:`graph.network.build_network`)
  from any member of the locality's emergency team (a forum of kind
  ``emergency_team``; members through themselves or their roles, and the
  convener) to the provider, over the network of context ``emergency``:
  forums, programs and partnerships whose context is ``emergency`` or
  ``both`` (an item with no context is routine and does not count). A
  member is 0 steps away; ``None`` = unreachable, and the provider is listed
  in ``unreachable_providers``.
* A **single point of failure** is the only provider of at least one need.
* **Whom to invite** to the emergency team: every provider that is not a
  current member, ranked by the needs it would bring, scored as the sum of
  severity × population over them (largest first, then by the number of
  needs, then by name).

Examples
--------
>>> import datetime as dt
>>> from graph.model import NodeRecord as N, RelRecord as R
>>> from graph.store.base import Subgraph
>>> sub = Subgraph(
...     [N("Locality", "l", {"name": "שדרות"}),
...      N("Organization", "city", {"name": "עירייה", "sector": "local_authority",
...                                 "locality_ids": ["l"]}),
...      N("Organization", "vol", {"name": "מתנדבים", "sector": "nonprofit",
...                                "locality_ids": ["l"]}),
...      N("Forum", "team", {"name": "צוות חירום", "kind": "emergency_team", "locality_id": "l"}),
...      N("Need", "n1", {"locality_id": "l", "area": "north", "category": "food",
...                       "population": 100, "severity": 5}),
...      N("Capability", "capability:vol:food", {"organization_id": "vol", "category": "food",
...                                             "capacity": 60})],
...     [R("MEMBER_OF", "city", "team")])
>>> out = readiness_report(sub, "l", as_of=dt.date(2026, 1, 1))
>>> need = out["needs"][0]
>>> need["status"], need["capacity"], need["coverage"], need["providers"][0]["steps"]
('under_covered', 60, 0.6, None)
>>> [p["id"] for p in out["unreachable_providers"]], out["invite_to_emergency_team"][0]["score"]
(['vol'], 500)
>>> need["reasons"][1]
'together they can serve 60 of 100 people (60%)'
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.model import NodeRecord, RelRecord
from graph.network import build_network
from graph.scope import Scope, check_locality, cut, read, today
from graph.store.base import GraphStore, Subgraph
from graph.vocabulary import Reason, reasons

__all__ = [
    "STATUSES",
    "TEAM_KIND",
    "id_list",
    "need_status",
    "readiness_report",
    "readiness_subgraph",
    "serves",
]

#: Need statuses, in the order needs are listed.
STATUSES = ("uncovered", "under_covered", "single_provider", "covered")
#: The forum kind of a locality's emergency team.
TEAM_KIND = "emergency_team"
_STATUS_RANK = {s: i for i, s in enumerate(STATUSES)}


def id_list(value: Any) -> list[str]:
    """Ids of a list field, or of an extra column kept as text (``"l1;l2"``).

    >>> id_list(["a", "b"]), id_list("a; b"), id_list(None)
    (['a', 'b'], ['a', 'b'], [])
    """
    if value is None:
        return []
    items = value.split(";") if isinstance(value, str) else value
    return [str(v).strip() for v in items if str(v).strip()]


def serves(capability: dict[str, Any], org_localities: Iterable[str], need: dict[str, Any]) -> bool:
    """Whether a capability of an organisation (in ``org_localities``) serves a need.

    Same category; the need's locality is one of the organisation's (or of the
    capability's own ``locality_ids``, when it names some), or the organisation
    is national (no localities); the need's area is among the capability's
    ``areas``, or ``areas`` is empty (the whole locality).

    >>> need = {"locality_id": "l", "area": "north", "category": "food"}
    >>> serves({"category": "food", "areas": []}, ["l"], need)
    True
    >>> serves({"category": "food", "areas": ["south"]}, ["l"], need)
    False
    >>> serves({"category": "food"}, [], need), serves({"category": "food"}, ["other"], need)
    (True, False)
    >>> serves({"category": "food", "locality_ids": ["other"]}, [], need)
    False
    """
    if capability.get("category") != need.get("category"):
        return False
    # A capability may name its own localities (a 3W table says where each service runs).
    localities = id_list(capability.get("locality_ids")) or list(org_localities)
    if localities and need.get("locality_id") not in localities:
        return False
    areas = list(capability.get("areas") or [])
    return not areas or need.get("area") in areas


def need_status(providers: int, coverage: float | None) -> str:
    """The first status that holds: uncovered, under_covered, single_provider, covered.

    >>> need_status(0, None), need_status(2, 0.5), need_status(1, 1.0), need_status(3, None)
    ('uncovered', 'under_covered', 'single_provider', 'covered')
    """
    if providers == 0:
        return "uncovered"
    if coverage is not None and coverage < 1:
        return "under_covered"
    if providers == 1:
        return "single_provider"
    return "covered"


def readiness_subgraph(store: GraphStore, locality_id: str) -> Subgraph:
    """What the readiness of a locality reads from a store.

    The locality's part of the graph (:func:`graph.scope.read`, without its
    date cut: :func:`readiness_report` cuts this and the records added here
    together), its needs, every capability (they are few) with the organisations that
    hold them and their contact roles.

    Raises
    ------
    NotFound
        When the locality does not exist.
    """
    sub = read(store, Scope(locality_id), dated=False)
    nodes = {n.id: n for n in sub.nodes}
    extra: list[NodeRecord] = []
    for need in store.find("Need", locality_id=locality_id):
        extra.append(need)
    capabilities = list(store.iter_nodes("Capability"))
    extra.extend(capabilities)
    wanted = {str(c.props.get("organization_id") or "") for c in capabilities}
    wanted |= {str(c.props.get("contact_role_id") or "") for c in capabilities}
    wanted -= {""}
    extra.extend(store.get_many(wanted - nodes.keys()).values())
    for node in extra:
        nodes.setdefault(node.id, node)
    return Subgraph(sorted(nodes.values(), key=lambda n: n.id), list(sub.relationships))


@dataclass
class _Provider:
    id: str
    name: str
    sector: str
    capacity: int | None
    contact_role_id: str | None
    contact_role_title: str | None
    available_24_7: bool
    steps: int | None
    categories: set[str] = field(default_factory=set)


def _team(
    nodes: dict[str, NodeRecord], rels: list[RelRecord], locality_id: str
) -> tuple[str | None, set[str]]:
    forums = sorted(
        fid
        for fid, n in nodes.items()
        if n.label == "Forum"
        and n.props.get("kind") == TEAM_KIND
        and n.props.get("locality_id") == locality_id
    )
    members: set[str] = set()
    for rel in rels:
        if rel.type != "MEMBER_OF" or rel.target not in forums:
            continue
        member = nodes.get(rel.source)
        if member is None:
            continue
        if member.label == "Organization":
            members.add(member.id)
        elif member.label == "Role" and member.props.get("organization_id"):
            members.add(str(member.props["organization_id"]))
    for fid in forums:
        convener = nodes[fid].props.get("convener_id")
        if convener and convener in nodes:
            members.add(str(convener))
    return (forums[0] if forums else None), members


def _steps(G: nx.Graph, sources: set[str]) -> dict[str, int]:
    """Fewest ties from any of ``sources`` to every node it reaches (breadth first)."""
    dist = {s: 0 for s in sources}
    queue = deque(sources)
    while queue:
        u = queue.popleft()
        if u not in G:
            continue
        for v in G.adj[u]:
            if v not in dist:
                dist[v] = dist[u] + 1
                queue.append(v)
    return dist


def _weight(need: dict[str, Any]) -> int:
    return int(need.get("severity") or 3) * int(need.get("population") or 0)


def readiness_report(
    source: GraphStore | Subgraph,
    locality_id: str,
    *,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """The emergency readiness of one locality (SPEC section 7).

    Parameters
    ----------
    source : GraphStore or Subgraph
        A store (read through :func:`readiness_subgraph`) or a subgraph that
        already holds the locality's part of the graph, its needs, the
        capabilities and their organisations and contact roles.
    locality_id : str
        The locality.
    as_of : datetime.date, optional
        The date of the view (default today): what has ended by then
        (organisations, roles, forums, memberships, partnerships, programs)
        does not count.

    Returns
    -------
    dict
        ``scope``, ``emergency_team`` (``forum_id``, ``members``,
        ``sectors_missing``: sectors that provide for the locality's needs
        and have no member on the team), ``needs``,
        ``single_points_of_failure``, ``unreachable_providers`` and
        ``invite_to_emergency_team``, as SPEC section 7. Every finding carries
        ``reasons``, ``reasons_he`` and ``reasons_ar``.
    """
    scope = Scope(locality_id, as_of or today(), "emergency")
    if isinstance(source, Subgraph):
        sub = source
        check_locality(sub, locality_id)
    else:
        sub = readiness_subgraph(source, locality_id)
    view = cut(sub, scope)
    nodes = {n.id: n for n in view.nodes}
    network = build_network(view, locality_id=locality_id, context="emergency")
    forum_id, members = _team(nodes, view.relationships, locality_id)
    reach = _steps(network, members)

    needs = [
        {"id": n.id, **n.props}
        for n in view.nodes
        if n.label == "Need" and n.props.get("locality_id") == locality_id
    ]
    # category -> (organisation, capability), organisations in id order
    caps: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for n in sorted(view.nodes, key=lambda n: str(n.props.get("organization_id") or "")):
        if n.label == "Capability":
            holder = str(n.props.get("organization_id") or "")
            if holder in nodes and nodes[holder].label == "Organization":
                caps[str(n.props.get("category"))].append((holder, n.props))

    providers: dict[str, _Provider] = {}
    need_rows: list[dict[str, Any]] = []
    only_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    covers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for need in needs:
        found: list[_Provider] = []
        for org_id, cap in caps.get(str(need["category"]), []):
            org = nodes[org_id]
            if not serves(cap, org.props.get("locality_ids") or [], need):
                continue
            role_id = cap.get("contact_role_id")
            role = nodes.get(str(role_id)) if role_id else None
            prov = _Provider(
                id=org_id,
                name=org.name,
                sector=str(org.props.get("sector") or "other"),
                capacity=cap.get("capacity"),
                contact_role_id=role_id,
                contact_role_title=(
                    str(role.props.get("title") or role.name) if role is not None else None
                ),
                available_24_7=bool(cap.get("available_24_7")),
                steps=reach.get(org_id),
            )
            found.append(prov)
            providers.setdefault(org_id, prov).categories.add(str(need["category"]))
            covers[org_id].append(need)
        need_rows.append(_need_row(need, found))
        if len(found) == 1:
            only_of[found[0].id].append(need)

    need_rows.sort(key=lambda r: (_STATUS_RANK[r["status"]], -_weight(r), str(r["id"])))
    return {
        "scope": scope.as_dict(),
        "emergency_team": {
            "forum_id": forum_id,
            "members": sorted(members),
            "sectors_missing": sorted(
                {p.sector for p in providers.values()}
                - {str(nodes[m].props.get("sector") or "other") for m in members if m in nodes}
            ),
        },
        "needs": need_rows,
        "single_points_of_failure": _single_points(only_of, providers),
        "unreachable_providers": _unreachable(providers, forum_id),
        "invite_to_emergency_team": _invites(covers, only_of, providers, members),
    }


def _need_row(need: dict[str, Any], found: list[_Provider]) -> dict[str, Any]:
    population = need.get("population")
    capacity = sum(int(p.capacity or 0) for p in found)
    coverage: float | None
    if population is None:
        coverage = None
    elif int(population) == 0:
        coverage = 1.0
    else:
        coverage = min(1.0, capacity / int(population))
    status = need_status(len(found), coverage)
    category, area = need.get("category"), need.get("area")
    why: list[Reason] = []
    if not found:
        why.append(("readiness.need.no_provider", {"category": category, "area": area}))
    else:
        why.append(("readiness.need.providers", {"n": len(found)}))
        if coverage is None:
            why.append(("readiness.need.population_unknown", {}))
        else:
            why.append(
                (
                    "readiness.need.capacity",
                    {"capacity": capacity, "population": population, "coverage": coverage},
                )
            )
        unstated = sum(1 for p in found if p.capacity is None)
        if unstated:
            why.append(("readiness.need.capacity_unknown", {"n": unstated}))
        if len(found) == 1:
            why.append(("readiness.need.single", {"name": found[0].name}))
        unreached = sum(1 for p in found if p.steps is None)
        if unreached:
            why.append(("readiness.need.unreached", {"n": unreached}))
    if population and capacity < int(population) and found:
        why.append(
            ("readiness.need.short", {"missing": int(population) - capacity, "category": category})
        )
    ordered = sorted(
        found, key=lambda p: (p.steps is None, p.steps or 0, -(p.capacity or 0), p.name, p.id)
    )
    return {
        "id": need["id"],
        "category": category,
        "area": area,
        "population": population,
        "severity": need.get("severity"),
        "providers": [
            {
                "id": p.id,
                "name": p.name,
                "capacity": p.capacity,
                "steps": p.steps,
                "contact_role_id": p.contact_role_id,
                "contact_role_title": p.contact_role_title,
                "available_24_7": p.available_24_7,
            }
            for p in ordered
        ],
        "capacity": capacity,
        "coverage": coverage,
        "status": status,
        **reasons(why),
    }


def _single_points(
    only_of: dict[str, list[dict[str, Any]]], providers: dict[str, _Provider]
) -> list[dict[str, Any]]:
    out = []
    for org_id, needs in only_of.items():
        categories = sorted({str(n["category"]) for n in needs})
        out.append(
            {
                "id": org_id,
                "name": providers[org_id].name,
                "needs": sorted(str(n["id"]) for n in needs),
                **reasons([("readiness.spof.only", {"n": len(needs), "categories": categories})]),
            }
        )
    out.sort(key=lambda e: (-len(e["needs"]), e["name"], e["id"]))
    return out


def _unreachable(providers: dict[str, _Provider], forum_id: str | None) -> list[dict[str, Any]]:
    out = []
    for prov in providers.values():
        if prov.steps is not None:
            continue
        categories = sorted(prov.categories)
        why: list[Reason] = [
            (
                "readiness.provider.no_team"
                if forum_id is None
                else "readiness.provider.unreachable",
                {} if forum_id is None else {"name": prov.name},
            ),
            ("readiness.provider.supplies", {"categories": categories}),
        ]
        out.append({"id": prov.id, "name": prov.name, "categories": categories, **reasons(why)})
    out.sort(key=lambda e: (e["name"], e["id"]))
    return out


def _invites(
    covers: dict[str, list[dict[str, Any]]],
    only_of: dict[str, list[dict[str, Any]]],
    providers: dict[str, _Provider],
    members: set[str],
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for org_id, needs in covers.items():
        if org_id in members:
            continue
        prov = providers[org_id]
        score = sum(_weight(n) for n in needs)
        people = sum(int(n.get("population") or 0) for n in needs)
        categories = sorted({str(n["category"]) for n in needs})
        why: list[Reason] = [
            ("readiness.invite.covers", {"n": len(needs), "categories": categories}),
            ("readiness.invite.people", {"people": people, "score": score}),
        ]
        if only_of.get(org_id):
            why.append(("readiness.invite.only_provider", {"n": len(only_of[org_id])}))
        if prov.steps is None:
            why.append(("readiness.invite.unreached", {}))
        else:
            why.append(("readiness.invite.steps", {"n": prov.steps}))
        out.append(
            {
                "id": org_id,
                "name": prov.name,
                "sector": prov.sector,
                "needs_covered": sorted(str(n["id"]) for n in needs),
                "score": score,
                **reasons(why),
            }
        )
    out.sort(key=lambda e: (-e["score"], -len(e["needs_covered"]), e["name"], e["id"]))
    return out
