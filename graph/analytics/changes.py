"""What changed in a scope between two dates (SPEC section 6, ``partnermap changes``).

:func:`changes_report` reads the scope's records once, cuts them at both
dates (:func:`graph.scope.cut`), builds the actor network of each view and
compares them: ties added and ended (with the evidence of each), actors that
joined and left, isolated actors that were connected and ones that became
isolated, duplicated programs that appeared, were resolved or became
coordinated, forums that gained or lost a sector, bridges whose rank moved,
and the network metrics before, after and their difference.

:func:`changes_between` does the comparison on two views already cut, and
:func:`metric_trend` gives the main metrics at the end of each year (the
dashboard's trend chart).

Examples
--------
>>> import datetime as dt
>>> from graph.model import NodeRecord as N, RelRecord as R
>>> from graph.store.base import Subgraph
>>> sub = Subgraph(
...     [N("Organization", "a", {"name": "עירייה", "sector": "local_authority"}),
...      N("Organization", "b", {"name": "עמותה", "sector": "nonprofit"}),
...      N("Organization", "c", {"name": "ועד", "sector": "community", "since": "2023"})],
...     [R("PARTNERS_WITH", "a", "b", {"until": "2022-06-30"}),
...      R("PARTNERS_WITH", "a", "c", {"since": "2024"})])
>>> out = changes_between(sub, dt.date(2022, 1, 1), dt.date(2025, 6, 30))
>>> [(t["source"], t["target"]) for t in out["ties"]["added"]]
[('a', 'c')]
>>> [(t["source"], t["target"]) for t in out["ties"]["ended"]]
[('a', 'b')]
>>> out["actors"]
{'joined': ['c'], 'left': []}
>>> out["metrics"]["delta"]["ties"]
0
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import networkx as nx

from graph.analytics.bridges import find_bridges
from graph.analytics.duplicates import find_duplicates
from graph.analytics.isolates import find_isolates
from graph.analytics.metrics import network_metrics
from graph.errors import ValidationFailed
from graph.network import build_network, gc_paused
from graph.scope import Scope, cut, read
from graph.store.base import GraphStore, Subgraph
from graph.vocabulary import reasons

__all__ = ["TREND_METRICS", "changes_between", "changes_report", "metric_trend", "network_at"]

#: The metrics the trend chart follows, year by year.
TREND_METRICS = ("nodes", "ties", "density", "components", "cross_sector_tie_share")
_SCALARS = ("nodes", "ties", "density", "components", "cross_sector_tie_share")


def network_at(sub: Subgraph, when: dt.date, scope: Scope) -> tuple[nx.Graph, Subgraph]:
    """The actor network of ``sub`` as of ``when`` (``scope``'s place and context), and the view."""
    seen = cut(sub, scope.at(when))
    G = build_network(
        seen, locality_id=scope.locality_id, cluster_id=scope.cluster_id, context=scope.context
    )
    return G, seen


def _tie(G: nx.Graph, u: str, v: str, code: str) -> dict[str, Any]:
    a, b = (u, v) if u < v else (v, u)
    evidence = list(G.edges[a, b].get("evidence") or [])
    places = [[e["kind"], e["name"]] for e in evidence]
    return {
        "source": a,
        "target": b,
        "source_name": G.nodes[a].get("name", a),
        "target_name": G.nodes[b].get("name", b),
        "kinds": list(G.edges[a, b].get("kinds") or []),
        "evidence": evidence,
        **reasons(
            [
                (
                    code,
                    {"a": G.nodes[a].get("name", a), "b": G.nodes[b].get("name", b)},
                ),
                ("changes.tie.evidence", {"places": places}),
            ]
        ),
    }


def _edge_set(G: nx.Graph) -> set[tuple[str, str]]:
    return {(u, v) if u < v else (v, u) for u, v in G.edges}


def _forum_sectors(G: nx.Graph) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for _, data in G.nodes(data=True):
        for fid in data.get("forum_ids") or []:
            out[fid].add(str(data.get("sector") or "other"))
    return out


def _ranks(G: nx.Graph, seed: int) -> dict[str, int]:
    found = sorted(
        find_bridges(G, seed=seed),
        key=lambda e: (-float(e.get("score") or 0.0), str(e.get("id", ""))),
    )
    return {str(e["id"]): i for i, e in enumerate(found, start=1)}


def _scalars(metrics: dict[str, Any]) -> dict[str, Any]:
    return {k: metrics[k] for k in _SCALARS if k in metrics}


def changes_between(
    sub: Subgraph, before: dt.date, after: dt.date, scope: Scope | None = None, *, seed: int = 0
) -> dict[str, Any]:
    """Compare the views of ``sub`` at ``before`` and ``after``.

    Parameters
    ----------
    sub : Subgraph
        The scope's records, not yet cut by date (:func:`graph.scope.read`
        with ``dated=False``).
    before, after : datetime.date
        The two dates; ``before`` must not come after ``after``.
    scope : Scope, optional
        The place and context (its ``as_of`` is not used); default the whole graph.
    seed : int
        Seed of sampled betweenness (bridge ranks) on big graphs.

    Returns
    -------
    dict
        SPEC section 6's ``changes`` object without ``scope``: ``from``,
        ``to``, ``ties``, ``actors``, ``isolates``, ``duplicates``,
        ``forums``, ``bridges``, ``metrics`` and the summary ``reasons``,
        ``reasons_he``, ``reasons_ar``.
    """
    if before > after:
        raise ValidationFailed(
            f"from: {before.isoformat()} comes after to ({after.isoformat()}); swap them"
        )
    scope = scope or Scope()
    with gc_paused():
        G0, sub0 = network_at(sub, before, scope)
        G1, sub1 = network_at(sub, after, scope)
        e0, e1 = _edge_set(G0), _edge_set(G1)
        added = [_tie(G1, u, v, "changes.tie.added") for u, v in sorted(e1 - e0)]
        ended = [_tie(G0, u, v, "changes.tie.ended") for u, v in sorted(e0 - e1)]
        joined = sorted(set(G1) - set(G0))
        left = sorted(set(G0) - set(G1))

        iso0 = {e["id"]: e for e in find_isolates(G0)}
        iso1 = {e["id"]: e for e in find_isolates(G1)}
        resolved = [
            {"id": i, "name": iso0[i]["name"], "kinds_before": iso0[i]["kinds"]}
            for i in sorted(iso0)
            if i in G1 and i not in iso1
        ]
        new_iso = [
            {"id": i, "name": iso1[i]["name"], "kinds": iso1[i]["kinds"]}
            for i in sorted(iso1)
            if i not in iso0
        ]

        dup0 = {tuple(d["programs"]): d for d in find_duplicates(G0, sub0)}
        dup1 = {tuple(d["programs"]): d for d in find_duplicates(G1, sub1)}
        dups = {
            "new": [{"programs": list(k)} for k in sorted(dup1.keys() - dup0.keys())],
            "resolved": [{"programs": list(k)} for k in sorted(dup0.keys() - dup1.keys())],
            "became_coordinated": [
                {"programs": list(k)}
                for k in sorted(dup0.keys() & dup1.keys())
                if not dup0[k]["coordinated"] and dup1[k]["coordinated"]
            ],
        }

        fs0, fs1 = _forum_sectors(G0), _forum_sectors(G1)
        forums = []
        for fid in sorted(fs0.keys() | fs1.keys()):
            gained = sorted(fs1.get(fid, set()) - fs0.get(fid, set()))
            lost = sorted(fs0.get(fid, set()) - fs1.get(fid, set()))
            if gained or lost:
                forums.append({"id": fid, "sectors_gained": gained, "sectors_lost": lost})

        r0, r1 = _ranks(G0, seed), _ranks(G1, seed)
        bridges = [
            {"id": i, "rank_before": r0.get(i), "rank_after": r1.get(i)}
            for i in sorted(r0.keys() | r1.keys(), key=lambda i: (r1.get(i) or 10**9, i))
            if r0.get(i) != r1.get(i)
        ]

        m0, m1 = _scalars(network_metrics(G0)), _scalars(network_metrics(G1))
    delta = {k: _minus(m1[k], m0[k]) for k in m0 if k in m1}
    summary = [
        ("changes.summary.ties", {"added": len(added), "ended": len(ended)}),
        ("changes.summary.actors", {"joined": len(joined), "left": len(left)}),
        ("changes.summary.isolates", {"resolved": len(resolved), "new": len(new_iso)}),
    ]
    return {
        "from": before.isoformat(),
        "to": after.isoformat(),
        "ties": {"added": added, "ended": ended},
        "actors": {"joined": joined, "left": left},
        "isolates": {"resolved": resolved, "new": new_iso},
        "duplicates": dups,
        "forums": forums,
        "bridges": bridges,
        "metrics": {"before": m0, "after": m1, "delta": delta},
        **reasons(summary),
    }


def _minus(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        return a - b
    return round(float(a) - float(b), 6)


def changes_report(
    store: GraphStore,
    before: dt.date,
    after: dt.date,
    scope: Scope | None = None,
    *,
    seed: int = 0,
) -> dict[str, Any]:
    """SPEC section 6's ``changes`` object of a scope of the store.

    Parameters
    ----------
    store : GraphStore
        The graph.
    before, after : datetime.date
        ``from`` and ``to``.
    scope : Scope, optional
        Place and context (default the whole graph); its ``as_of`` is not used.
    seed : int
        Seed of sampled measures.

    Raises
    ------
    graph.errors.NotFound
        When the locality does not exist.
    graph.errors.ValidationFailed
        When ``before`` comes after ``after``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from graph.model import NodeRecord as N, RelRecord as R
    >>> from graph.store.sqlite import SQLiteStore
    >>> store = SQLiteStore(pathlib.Path(tempfile.mkdtemp()) / "g.db")
    >>> _ = store.write([N("Organization", "a", {"name": "א", "sector": "community"}),
    ...                  N("Organization", "b", {"name": "ב", "sector": "business"})],
    ...                 [R("PARTNERS_WITH", "a", "b", {"since": "2024"})])
    >>> out = changes_report(store, dt.date(2022, 1, 1), dt.date(2025, 6, 30))
    >>> out["scope"]["locality_id"], len(out["ties"]["added"]), out["reasons"][0]
    (None, 1, '1 tie added, 0 ended')
    >>> store.close()
    """
    scope = scope or Scope()
    sub = read(store, scope, dated=False)
    out = changes_between(sub, before, after, scope, seed=seed)
    scope_json = scope.as_dict()
    scope_json.pop("as_of", None)
    return {"from": out.pop("from"), "to": out.pop("to"), "scope": scope_json, **out}


def metric_trend(
    sub: Subgraph, years: range, scope: Scope | None = None
) -> dict[int, dict[str, Any]]:
    """The main metrics (:data:`TREND_METRICS`) as of 31 December of each year.

    Examples
    --------
    >>> from graph.model import NodeRecord as N, RelRecord as R
    >>> sub = Subgraph([N("Organization", "a"), N("Organization", "b")],
    ...                [R("PARTNERS_WITH", "a", "b", {"since": "2021"})])
    >>> {y: m["ties"] for y, m in metric_trend(sub, range(2020, 2023)).items()}
    {2020: 0, 2021: 1, 2022: 1}
    """
    scope = scope or Scope()
    out: dict[int, dict[str, Any]] = {}
    with gc_paused():
        for year in years:
            G, _ = network_at(sub, dt.date(year, 12, 31), scope)
            m = network_metrics(G)
            out[year] = {k: m[k] for k in TREND_METRICS if k in m}
    return out
