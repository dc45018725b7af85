"""Duplicated interventions: programs that do the same thing for the same people.

Two programs are a *duplicate pair* (SPEC section 3) when they are in the
same locality, operated by different organisations, share a domain, and
their age ranges, periods and (where both give one) target populations
overlap. A missing age range or period cannot rule a pair out; it only
lowers the score.

Candidates are blocked by ``(locality, domain)``: only programs of the same
locality and domain are ever compared, so a national graph is never
compared all against all.

The score (0-1) is a weighted mean of how much the two programs overlap
(ages 25%, period 15%, target population 10%, domains 15%) and how alike
they read (names 20%, descriptions 15%, by :func:`rapidfuzz.fuzz.token_set_ratio`
over :func:`graph.text.normalize` with final letters folded). An unknown
part counts one half.

A pair is ``coordinated`` when an operator or funder of one and an
operator or funder of the other sit in the same forum or have a
partnership; ``coordination`` lists that evidence. Pairs whose programs
form a connected group of three or more carry the same ``group_id``;
:func:`duplicate_groups` lists the groups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from itertools import combinations
from typing import Any

import networkx as nx
from rapidfuzz import fuzz

from graph.model import NodeRecord
from graph.network import context_allows
from graph.store.base import Subgraph
from graph.text import normalize
from graph.vocabulary import Reason, reasons

__all__ = ["duplicate_groups", "find_duplicates"]

_WEIGHTS = {
    "ages": 0.25,
    "period": 0.15,
    "target": 0.10,
    "domains": 0.15,
    "name": 0.20,
    "description": 0.15,
}
_UNKNOWN = 0.5
#: Target populations this alike (token-set ratio, 0-100) count as overlapping.
_TARGET_MATCH = 80.0


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _day(value: Any, *, end: bool) -> date | None:
    text = str(value or "").strip()
    if len(text) < 4 or not text[:4].isdigit():
        return None
    if len(text) >= 10:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    year = int(text[:4])
    return date(year, 12, 31) if end else date(year, 1, 1)


def _span(
    lo: int | None, hi: int | None, other_lo: int | None, other_hi: int | None
) -> float | None:
    """Overlap over union of two closed ranges of whole years; ``None`` when unknown."""
    if lo is None or hi is None or other_lo is None or other_hi is None:
        return None
    inter = min(hi, other_hi) - max(lo, other_lo) + 1
    union = max(hi, other_hi) - min(lo, other_lo) + 1
    return max(inter, 0) / union


class _Prog:
    """The fields of a program that duplicate detection reads, parsed once."""

    __slots__ = (
        "age_max",
        "age_min",
        "description",
        "domains",
        "end",
        "id",
        "locality_id",
        "name",
        "norm_description",
        "norm_name",
        "operator",
        "start",
        "targets",
    )

    def __init__(self, node: NodeRecord) -> None:
        p = node.props
        self.id = node.id
        self.name = node.name
        self.locality_id = str(p.get("locality_id") or "")
        self.operator = str(p.get("operator_id") or "")
        self.domains = sorted(set(p.get("domains") or []))
        self.age_min, self.age_max = _int(p.get("age_min")), _int(p.get("age_max"))
        if self.age_min is not None and self.age_max is None:
            self.age_max = 120
        if self.age_max is not None and self.age_min is None:
            self.age_min = 0
        self.start = _day(p.get("start"), end=False)
        self.end = _day(p.get("end"), end=True)
        self.description = str(p.get("description") or "")
        self.norm_name = normalize(self.name, finals=True)
        self.norm_description = normalize(self.description, finals=True)
        raw = str(p.get("target_population") or "").replace(",", ";")
        self.targets = [t for t in (normalize(x, finals=True) for x in raw.split(";")) if t]

    def ages(self) -> str:
        if self.age_min is None:
            return "?"
        return f"{self.age_min}-{self.age_max}"

    def period(self) -> str:
        start = self.start.year if self.start else "?"
        end = self.end.year if self.end else "?"
        return f"{start}-{end}"


def _period_overlap(a: _Prog, b: _Prog) -> float | None:
    """Share of the two periods that overlaps; open ends run forever."""
    lo_a, hi_a = a.start or date.min, a.end or date.max
    lo_b, hi_b = b.start or date.min, b.end or date.max
    if hi_a < lo_b or hi_b < lo_a:
        return 0.0
    if None in (a.start, a.end, b.start, b.end):
        return None
    inter = (min(hi_a, hi_b) - max(lo_a, lo_b)).days + 1
    union = (max(hi_a, hi_b) - min(lo_a, lo_b)).days + 1
    return inter / union


def _target_overlap(a: _Prog, b: _Prog) -> float | None:
    if not a.targets or not b.targets:
        return None
    if set(a.targets) & set(b.targets):
        return 1.0
    best = max(fuzz.token_set_ratio(x, y) for x in a.targets for y in b.targets)
    return best / 100.0


def _similarity(x: str, y: str) -> float | None:
    if not x or not y:
        return None
    return float(fuzz.token_set_ratio(x, y)) / 100.0


def _investments(subgraph: Subgraph) -> tuple[dict[str, float], dict[str, list[str]]]:
    money: dict[str, float] = defaultdict(float)
    funders: dict[str, list[str]] = defaultdict(list)
    for node in subgraph.nodes:
        if node.label != "Investment" or not node.props.get("program_id"):
            continue
        pid = str(node.props["program_id"])
        try:
            money[pid] += float(node.props.get("amount") or 0)
        except (TypeError, ValueError):
            pass
        funder = node.props.get("funder_id")
        if funder and funder not in funders[pid]:
            funders[pid].append(str(funder))
    return money, funders


def _coordination(G: nx.Graph, actors_a: list[str], actors_b: list[str]) -> list[dict[str, Any]]:
    found: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for u in actors_a:
        for v in actors_b:
            if u == v or not G.has_edge(u, v):
                continue
            for ev in G.edges[u, v]["evidence"]:
                if ev["kind"] in ("forum", "partnership"):
                    pair = sorted((u, v))
                    key = (pair[0], pair[1], ev["kind"], ev["id"])
                    found[key] = {"between": pair, **ev}
    return [found[k] for k in sorted(found)]


def _candidates(programs: list[_Prog]) -> Iterable[tuple[_Prog, _Prog, list[str]]]:
    blocks: dict[tuple[str, str], list[_Prog]] = defaultdict(list)
    for prog in programs:
        for domain in prog.domains:
            blocks[(prog.locality_id, domain)].append(prog)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    pairs: dict[tuple[str, str], tuple[_Prog, _Prog]] = {}
    for (_, domain), block in sorted(blocks.items()):
        block.sort(key=lambda p: p.id)
        for a, b in combinations(block, 2):
            if a.operator == b.operator:
                continue
            if a.age_min is not None and b.age_min is not None:
                if a.age_max < b.age_min or b.age_max < a.age_min:  # type: ignore[operator]
                    continue
            key = (a.id, b.id)
            pairs[key] = (a, b)
            shared[key].append(domain)
    for key in sorted(pairs):
        a, b = pairs[key]
        yield a, b, shared[key]


def _name_of(G: nx.Graph, oid: str) -> str:
    return str(G.nodes[oid]["name"]) if oid in G else oid


def _pair(
    G: nx.Graph,
    a: _Prog,
    b: _Prog,
    domains: list[str],
    money: dict[str, float],
    funders: dict[str, list[str]],
    localities: dict[str, str],
) -> dict[str, Any] | None:
    period = _period_overlap(a, b)
    if period == 0.0:
        return None
    target = _target_overlap(a, b)
    if target is not None and target * 100 < _TARGET_MATCH:
        return None
    ages = _span(a.age_min, a.age_max, b.age_min, b.age_max)
    union_domains = set(a.domains) | set(b.domains)
    parts = {
        "ages": ages,
        "period": period,
        "target": target,
        "domains": len(domains) / len(union_domains),
        "name": _similarity(a.norm_name, b.norm_name),
        "description": _similarity(a.norm_description, b.norm_description),
    }
    score = sum(_WEIGHTS[k] * (_UNKNOWN if v is None else v) for k, v in parts.items())
    actors_a = [a.operator, *funders.get(a.id, [])]
    actors_b = [b.operator, *funders.get(b.id, [])]
    coordination = _coordination(G, actors_a, actors_b)
    total = money.get(a.id, 0.0) + money.get(b.id, 0.0)
    loc_name = localities.get(a.locality_id, a.locality_id)
    op_a, op_b = _name_of(G, a.operator), _name_of(G, b.operator)
    why: list[Reason] = [
        ("duplicate.same_locality", {"name": loc_name}),
        ("duplicate.different_operators", {"a": op_a, "b": op_b}),
        ("duplicate.shared_domains", {"domains": list(domains), "n": len(domains)}),
    ]
    if ages is None:
        why.append(("duplicate.ages_unknown", {}))
    else:
        why.append(("duplicate.ages_overlap", {"a": a.ages(), "b": b.ages()}))
    if period is None:
        why.append(("duplicate.periods_may_overlap", {"a": a.period(), "b": b.period()}))
    else:
        why.append(("duplicate.periods_overlap", {"a": a.period(), "b": b.period()}))
    if target is not None:
        why.append(("duplicate.same_target", {}))
    for key in ("name", "description"):
        value = parts[key]
        if value is not None and value >= 0.6:
            why.append((f"duplicate.similar_{key}s", {"share": value}))
    if coordination:
        places = list(dict.fromkeys((e["kind"], e["name"]) for e in coordination))
        why.append(("duplicate.coordinated", {"places": places}))
    else:
        why.append(("duplicate.not_coordinated", {}))
    if total:
        why.append(("duplicate.invested", {"amount": total}))
    return {
        "programs": [a.id, b.id],
        "names": [a.name, b.name],
        "operators": [a.operator, b.operator],
        "operator_names": [op_a, op_b],
        "locality_id": a.locality_id,
        "domains": domains,
        "score": round(score, 3),
        "coordinated": bool(coordination),
        "coordination": coordination,
        "investment_total": round(total, 2),
        "group_id": None,
        **reasons(why),
    }


def find_duplicates(
    G: nx.Graph, subgraph: Subgraph, *, min_score: float = 0.0
) -> list[dict[str, Any]]:
    """Pairs of programs that duplicate each other, best first.

    Parameters
    ----------
    G : networkx.Graph
        The actor network of the scope (:func:`graph.network.build_network`);
        its ties tell whether operators and funders coordinate, and its
        ``G.graph["scope"]`` gives the context and the scope's localities.
    subgraph : Subgraph
        The same scope's nodes: programs, investments and localities.
    min_score : float
        Leave out pairs scoring below this.

    Returns
    -------
    list of dict
        SPEC section 3 ``duplicates`` entries (``programs``, ``locality_id``,
        ``domains``, ``score``, ``coordinated``, ``investment_total``,
        ``reasons``) plus ``names``, ``operators``, ``operator_names``, ``coordination``,
        ``group_id``, ``reasons_he`` and ``reasons_ar``; sorted by score descending, then
        program ids.

    Examples
    --------
    >>> from graph.model import NodeRecord
    >>> from graph.network import build_network
    >>> from graph.store.base import Subgraph
    >>> def prog(pid, op, name, ages):
    ...     lo, hi = ages
    ...     return NodeRecord("Program", pid, {"name": name, "operator_id": op,
    ...         "locality_id": "l", "domains": ["early_childhood"], "age_min": lo, "age_max": hi})
    >>> sub = Subgraph([NodeRecord("Organization", "a", {"name": "א"}),
    ...                 NodeRecord("Organization", "b", {"name": "ב"}),
    ...                 prog("p1", "a", "שפה לפעוטות", (0, 3)),
    ...                 prog("p2", "b", "שפה לפעוטות", (2, 5)),
    ...                 prog("p3", "b", "שפה לנוער", (13, 17))], [])
    >>> [(d["programs"], d["coordinated"]) for d in find_duplicates(build_network(sub), sub)]
    [(['p1', 'p2'], False)]

    References
    ----------
    .. [1] Kania, J. and Kramer, M. (2011). "Collective Impact". Stanford
       Social Innovation Review 9(1): 36-41 (uncoordinated, isolated
       interventions as the problem collective impact addresses).
    """
    scope = G.graph.get("scope") or {}
    context = scope.get("context") or "both"
    wanted = scope.get("locality_ids")
    localities = {n.id: n.name for n in subgraph.nodes if n.label == "Locality"}
    programs = [
        _Prog(n)
        for n in subgraph.nodes
        if n.label == "Program"
        and n.props.get("locality_id")
        and (wanted is None or n.props.get("locality_id") in wanted)
        and context_allows(n.props.get("context"), context)
    ]
    money, funders = _investments(subgraph)
    out: list[dict[str, Any]] = []
    for a, b, domains in _candidates(programs):
        entry = _pair(G, a, b, domains, money, funders, localities)
        if entry is not None and entry["score"] >= min_score:
            out.append(entry)
    group_of = {p: g["id"] for g in duplicate_groups(out) for p in g["programs"]}
    for entry in out:
        entry["group_id"] = group_of.get(entry["programs"][0])
    out.sort(key=lambda d: (-d["score"], d["programs"]))
    return out


def duplicate_groups(pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Programs that duplicate each other in groups of three or more.

    A group is a connected component of the duplicate pairs. Groups are
    numbered ``dup-1``, ``dup-2``, … in order of their smallest program id.

    Parameters
    ----------
    pairs : list of dict
        Entries from :func:`find_duplicates`.

    Returns
    -------
    list of dict
        ``id``, ``programs`` (sorted), ``locality_id``, ``pairs`` (how many
        pairs), ``coordinated_pairs``, ``reasons``, ``reasons_he`` and ``reasons_ar``.

    Examples
    --------
    >>> pairs = [{"programs": ["a", "b"], "locality_id": "l", "coordinated": True},
    ...          {"programs": ["b", "c"], "locality_id": "l", "coordinated": False},
    ...          {"programs": ["x", "y"], "locality_id": "l", "coordinated": False}]
    >>> [(g["id"], g["programs"]) for g in duplicate_groups(pairs)]
    [('dup-1', ['a', 'b', 'c'])]
    """
    H = nx.Graph()
    for entry in pairs:
        H.add_edge(*entry["programs"])
    groups: list[dict[str, Any]] = []
    components = sorted(sorted(c) for c in nx.connected_components(H) if len(c) >= 3)
    number_of = {p: n for n, members in enumerate(components) for p in members}
    by_group: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in pairs:
        n = number_of.get(entry["programs"][0])
        if n is not None:
            by_group[n].append(entry)
    for number, members in enumerate(components, start=1):
        inside = by_group[number - 1]
        coordinated = sum(1 for e in inside if e["coordinated"])
        groups.append(
            {
                "id": f"dup-{number}",
                "programs": members,
                "locality_id": inside[0]["locality_id"],
                "pairs": len(inside),
                "coordinated_pairs": coordinated,
                **reasons(
                    [
                        (
                            "duplicate.group",
                            {"n": len(members), "pairs": len(inside), "coordinated": coordinated},
                        )
                    ]
                ),
            }
        )
    return groups
