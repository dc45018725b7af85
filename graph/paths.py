"""The fewest ties between two actors over the ties of one context.

Roles fold into their organisation, as in the actor network
(:func:`graph.network.build_network`); the answer has the shape of
``GET /api/v1/graph/path``: ``source``, ``target``, ``found``, ``length``,
``nodes`` (id, label, name) and ``ties`` (each step with its ``kinds`` and
``evidence``).

Examples
--------
>>> from graph.model import NodeRecord as N, RelRecord as R
>>> from graph.store.base import Subgraph
>>> orgs = [N("Organization", i, {"name": i.upper()}) for i in "abc"]
>>> sub = Subgraph(orgs, [R("PARTNERS_WITH", "a", "b", {"context": "emergency"}),
...                       R("PARTNERS_WITH", "b", "c", {"context": "routine"})])
>>> shortest_path(sub, "a", "c")["length"]
2
>>> shortest_path(sub, "a", "c", context="emergency")["found"]
False
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import networkx as nx

from graph.errors import NotFound, ValidationFailed
from graph.model import NodeRecord
from graph.network import build_network
from graph.store.base import GraphStore, Subgraph

__all__ = ["shortest_path"]


def _lookup(source: GraphStore | Subgraph, ids: list[str]) -> dict[str, NodeRecord]:
    if isinstance(source, Subgraph):
        return {n.id: n for n in source.nodes if n.id in ids}
    return source.get_many(ids)


def shortest_path(
    source: GraphStore | Subgraph,
    from_id: str,
    to_id: str,
    *,
    locality_id: str | None = None,
    context: str = "both",
) -> dict[str, Any]:
    """The fewest ties from ``from_id`` to ``to_id`` over ties of ``context`` (and ``both``).

    Raises
    ------
    NotFound
        An end or the locality does not exist.
    ValidationFailed
        An end is neither an organisation nor a role.
    """
    found = _lookup(source, [from_id, to_id])
    ends: list[str] = []
    for name, nid in (("source", from_id), ("target", to_id)):
        record = found.get(nid)
        if record is None:
            raise NotFound(f"{name}: no node with id {nid!r}")
        if record.label == "Role" and record.props.get("organization_id"):
            nid = str(record.props["organization_id"])
        elif record.label != "Organization":
            raise ValidationFailed(
                f"{name}: {nid!r} is a {record.label}; paths run between organisations"
            )
        ends.append(nid)
    network = build_network(source, locality_id=locality_id, context=context)
    hops: list[str] = []
    if ends[0] in network and ends[1] in network:
        try:
            hops = nx.shortest_path(network, ends[0], ends[1])
        except nx.NetworkXNoPath:
            hops = []
    return {
        "source": from_id,
        "target": to_id,
        "context": context,
        "found": bool(hops),
        "length": len(hops) - 1 if hops else None,
        "nodes": [
            {"id": h, "label": "Organization", "name": str(network.nodes[h].get("name") or h)}
            for h in hops
        ],
        "ties": [
            {
                "source": u,
                "target": v,
                "kinds": list(network.edges[u, v].get("kinds", [])),
                "evidence": list(network.edges[u, v].get("evidence", [])),
            }
            for u, v in pairwise(hops)
        ],
    }
