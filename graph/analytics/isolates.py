"""Isolated actors: organisations the network leaves out.

Five ways of being left out, each a ``kind`` (SPEC section 3):

``isolate``
    no tie at all (no partnership, forum, shared program, funding or parent);
``disconnected``
    has ties, but not into the largest connected component of the scope;
``no_forum``
    sits in no forum (through itself or any of its roles);
``sector_siloed``
    every tie is to an organisation of its own sector;
``single_tie``
    exactly one tie: one relationship away from isolation.

In a locality or cluster scope only the organisations that operate in the
scope's localities are judged; national bodies that enter the scope
through one tie (a funder, a ministry) are context, not findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.vocabulary import Reason, reasons

__all__ = ["ISOLATE_KINDS", "find_isolates"]

ISOLATE_KINDS = ("isolate", "disconnected", "no_forum", "sector_siloed", "single_tie")


def _main_component(G: nx.Graph) -> set[str]:
    components: list[set[str]] = [c for c in nx.connected_components(G) if len(c) > 1]
    if not components:
        return set()
    return min(components, key=_component_key)


def _component_key(component: set[str]) -> tuple[int, str]:
    return (-len(component), min(component))


def _judged(G: nx.Graph) -> list[str]:
    wanted = (G.graph.get("scope") or {}).get("locality_ids")
    if wanted is None:
        return list(G)
    scope = set(wanted)
    return [n for n, locs in G.nodes(data="locality_ids") if scope.intersection(locs or ())]


def find_isolates(
    G: nx.Graph, *, kinds: Iterable[str] | None = None, explain: bool = True
) -> list[dict[str, Any]]:
    """Organisations that are isolated, disconnected, forum-less, siloed or hang by one tie.

    Parameters
    ----------
    G : networkx.Graph
        The actor network (:func:`graph.network.build_network`): node
        attributes ``name``, ``sector``, ``locality_ids``, ``forum_ids``;
        ``G.graph["scope"]["locality_ids"]`` limits who is judged.
    kinds : iterable of str, optional
        Only these kinds (default all of :data:`ISOLATE_KINDS`).
    explain : bool
        ``False`` leaves out ``reasons``, ``reasons_he`` and ``reasons_ar``
        (rendering them in three languages is most of the cost when only the
        findings are counted, as on the all-localities page).

    Returns
    -------
    list of dict
        One entry per organisation with at least one kind: ``id``, ``name``,
        ``sector``, ``kinds`` (in :data:`ISOLATE_KINDS` order),
        ``locality_ids``, ``degree``, ``reasons``, ``reasons_he`` and ``reasons_ar``; sorted
        by first kind, then name, then id.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> for oid, sector in [("a", "community"), ("b", "community"), ("c", "nonprofit"),
    ...                     ("d", "local_authority"), ("e", "nonprofit")]:
    ...     G.add_node(oid, name=oid, sector=sector, locality_ids=[], forum_ids=["f1"])
    >>> G.add_node("z", name="ועד הורים", sector="community", locality_ids=[], forum_ids=[])
    >>> G.add_edges_from([("a", "b"), ("c", "d")], kinds=["partnership"])
    >>> G.add_edge("d", "e", kinds=["forum"])
    >>> for entry in find_isolates(G):
    ...     print(entry["id"], entry["kinds"])
    z ['isolate', 'no_forum']
    a ['disconnected', 'sector_siloed', 'single_tie']
    b ['disconnected', 'sector_siloed', 'single_tie']
    c ['single_tie']
    e ['single_tie']
    >>> find_isolates(G)[-1]["reasons"]
    ['only one tie: to d (forum)']

    References
    ----------
    .. [1] Wasserman, S. and Faust, K. (1994). Social Network Analysis:
       Methods and Applications. Cambridge University Press, ch. 4
       (isolates, components) and ch. 5 (degree).
    """
    wanted = set(kinds) if kinds is not None else set(ISOLATE_KINDS)
    unknown = wanted - set(ISOLATE_KINDS)
    if unknown:
        raise ValueError(f"unknown isolate kinds: {', '.join(sorted(unknown))}")
    main = _main_component(G)
    main_size = len(main)
    out: list[dict[str, Any]] = []
    for oid in _judged(G):
        attrs = G.nodes[oid]
        sector = str(attrs.get("sector") or "other")
        degree = G.degree(oid)
        found: list[tuple[str, Reason]] = []
        if degree == 0:
            found.append(("isolate", ("isolate.no_tie", {})))
        elif main and oid not in main:
            size = len(nx.node_connected_component(G, oid))
            found.append(
                ("disconnected", ("isolate.disconnected", {"main": main_size, "size": size}))
            )
        if not attrs.get("forum_ids"):
            found.append(("no_forum", ("isolate.no_forum", {})))
        if degree > 0 and all(G.nodes[n].get("sector") == sector for n in G[oid]):
            found.append(
                ("sector_siloed", ("isolate.sector_siloed", {"n": degree, "sector": sector}))
            )
        if degree == 1:
            (other,) = G[oid]
            tie = G.edges[oid, other]
            other_name = G.nodes[other].get("name", other)
            via = list(tie.get("kinds", []))
            found.append(("single_tie", ("isolate.single_tie", {"name": other_name, "via": via})))
        keep = [k for k, _ in found if k in wanted]
        if not keep:
            continue
        out.append(
            {
                "id": oid,
                "name": str(attrs.get("name") or oid),
                "sector": sector,
                "kinds": keep,
                "locality_ids": list(attrs.get("locality_ids") or []),
                "degree": degree,
                **(reasons(r for k, r in found if k in wanted) if explain else {}),
            }
        )
    order = {k: i for i, k in enumerate(ISOLATE_KINDS)}
    out.sort(key=lambda e: (order[e["kinds"][0]], e["name"], e["id"]))
    return out
