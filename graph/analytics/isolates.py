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

from graph.network import components_of
from graph.vocabulary import Reason, reasons

__all__ = ["ISOLATE_KINDS", "find_isolates"]

ISOLATE_KINDS = ("isolate", "disconnected", "no_forum", "sector_siloed", "single_tie")


def _components(G: nx.Graph) -> tuple[set[Any], dict[Any, int]]:
    """The largest component (of two or more), and the size of every other one by node.

    Of two largest components of one size, the one with the smallest node id.
    """
    membership, sizes, nodes = components_of(G)
    first: dict[int, Any] = {}  # each component of two or more: its smallest node id
    for node, part in zip(nodes, membership, strict=True):
        if sizes[part] > 1 and (part not in first or node < first[part]):
            first[part] = node
    if not first:
        return set(), {}
    main = min(first, key=lambda part: (-sizes[part], first[part]))
    in_main: set[Any] = set()
    size_of: dict[Any, int] = {}
    for node, part in zip(nodes, membership, strict=True):
        if part == main:
            in_main.add(node)
        elif sizes[part] > 1:
            size_of[node] = sizes[part]
    return in_main, size_of


def _judged(G: nx.Graph) -> list[str]:
    wanted = (G.graph.get("scope") or {}).get("locality_ids")
    if wanted is None:
        return list(G)
    scope = set(wanted)
    return [n for n, locs in G.nodes(data="locality_ids") if scope.intersection(locs or ())]


#: The reasons of each distinct finding, by its key (the codes and parameter values with
#: their types): thousands of organisations share a handful of findings ("sits in no
#: forum"), each put in words once. The catalogue does not change while the process runs
#: (as :func:`graph.vocabulary.render` keeps too).
_SAID: dict[tuple[Any, ...], dict[str, list[str]]] = {}
_SAID_MAX = 65536


def _said(key: tuple[Any, ...], items: list[Reason]) -> dict[str, list[str]]:
    """The reasons of a finding, put in words once per ``key``."""
    try:
        words = _SAID.get(key)
    except TypeError:  # a parameter that cannot be a key: in words every time
        return reasons(items)
    if words is None:
        words = reasons(items)
        if len(_SAID) >= _SAID_MAX:
            _SAID.clear()
        _SAID[key] = words
    return words


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
    main, size_of = _components(G)
    main_size = len(main)
    out: list[dict[str, Any]] = []
    simple = not G.is_directed() and not G.is_multigraph()
    # The raw adjacency and attribute dicts of a simple graph: no view object per lookup.
    adj: Any = (getattr(G, "_adj", None) if simple else None) or G.adj
    node_attrs: Any = getattr(G, "_node", None) or G.nodes
    for oid in _judged(G):
        attrs = node_attrs[oid]
        sector = str(attrs.get("sector") or "other")
        nbrs = adj[oid]
        degree = (len(nbrs) + (oid in nbrs)) if simple else G.degree(oid)  # a loop counts 2
        # Each finding with its reason and a key equal for findings that read alike
        # (parameter values with their type: 1 and True render differently).
        found: list[tuple[str, Reason, tuple[Any, ...]]] = []
        if degree == 0:
            found.append(("isolate", ("isolate.no_tie", {}), ("no_tie",)))
        elif main and oid not in main:
            size = size_of[oid]
            found.append(
                (
                    "disconnected",
                    ("isolate.disconnected", {"main": main_size, "size": size}),
                    ("disconnected", main_size, size),
                )
            )
        if not attrs.get("forum_ids"):
            found.append(("no_forum", ("isolate.no_forum", {}), ("no_forum",)))
        if degree > 0 and all(node_attrs[n].get("sector") == sector for n in nbrs):
            found.append(
                (
                    "sector_siloed",
                    ("isolate.sector_siloed", {"n": degree, "sector": sector}),
                    ("sector_siloed", degree, sector),
                )
            )
        if degree == 1:
            (other,) = nbrs
            tie = nbrs[other] if simple else G.edges[oid, other]
            other_name = node_attrs[other].get("name", other)
            via = list(tie.get("kinds", []))
            found.append(
                (
                    "single_tie",
                    ("isolate.single_tie", {"name": other_name, "via": via}),
                    ("single_tie", type(other_name), other_name, *((type(v), v) for v in via)),
                )
            )
        kept = [(k, r, key) for k, r, key in found if k in wanted]
        if not kept:
            continue
        entry = {
            "id": oid,
            "name": str(attrs.get("name") or oid),
            "sector": sector,
            "kinds": [k for k, _, _ in kept],
            "locality_ids": list(attrs.get("locality_ids") or []),
            "degree": degree,
        }
        if explain:
            words = _said(tuple(key for _, _, key in kept), [r for _, r, _ in kept])
            entry.update({field: list(texts) for field, texts in words.items()})
        out.append(entry)
    order = {k: i for i, k in enumerate(ISOLATE_KINDS)}
    out.sort(key=lambda e: (order[e["kinds"][0]], e["name"], e["id"]))
    return out
