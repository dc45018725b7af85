"""The fewest ties between two actors, in one scope (place, date, context).

Roles fold into their organisation, as in the actor network
(:func:`graph.network.build_network`). :func:`path_end` checks and folds an
end, :func:`path_in` finds the path in a network already built (the API's
cached one), and :func:`shortest_path` does both from a store. The answer has
the shape of ``GET /api/v1/graph/path``: ``source``, ``target``, ``found``,
``length``, ``nodes`` (id, label, name) and ``ties`` (each step with its
``kinds``, ``weight`` and ``evidence``).

Examples
--------
>>> import datetime as dt, tempfile, pathlib
>>> from graph.model import NodeRecord as N, RelRecord as R
>>> from graph.store.sqlite import SQLiteStore
>>> store = SQLiteStore(pathlib.Path(tempfile.mkdtemp()) / "g.db")
>>> _ = store.write([N("Organization", i, {"name": i.upper()}) for i in "abc"],
...                 [R("PARTNERS_WITH", "a", "b", {"context": "emergency"}),
...                  R("PARTNERS_WITH", "b", "c", {"context": "routine", "until": "2023"})])
>>> shortest_path(store, "a", "c", Scope(as_of=dt.date(2023, 6, 1)))["length"]
2
>>> shortest_path(store, "a", "c", Scope(as_of=dt.date(2023, 6, 1), context="emergency"))["found"]
False
>>> shortest_path(store, "a", "c", Scope(as_of=dt.date(2024, 1, 1)))["found"]  # b-c has ended
False
>>> store.close()
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import networkx as nx

from graph.errors import NotFound, ValidationFailed
from graph.model import NodeRecord
from graph.network import build_network
from graph.scope import Scope, read
from graph.store.base import GraphStore

__all__ = ["path_end", "path_in", "shortest_path"]


def path_end(record: NodeRecord | None, where: str, node_id: str) -> str:
    """The organisation a path end stands for: itself, or a role's organisation.

    ``where`` names the request part in errors (``source``, ``query target``).

    Raises
    ------
    NotFound
        When there is no such node.
    ValidationFailed
        When the node is neither an organisation nor a role of one.
    """
    if record is None:
        raise NotFound(f"{where}: no node with id {node_id!r}")
    if record.label == "Role" and record.props.get("organization_id"):
        return str(record.props["organization_id"])
    if record.label != "Organization":
        raise ValidationFailed(
            f"{where}: {node_id!r} is a {record.label}; paths run between organisations"
        )
    return node_id


def path_in(network: nx.Graph, source: str, target: str, ends: tuple[str, str]) -> dict[str, Any]:
    """The fewest ties between the organisations ``ends`` in ``network``.

    ``source`` and ``target`` are the ids asked for (a role's id stays in the
    answer's ``source``/``target``); an end missing from the network (ended,
    or outside the place or context) means no path.
    """
    hops: list[str] = []
    if ends[0] in network and ends[1] in network:
        try:
            hops = nx.shortest_path(network, ends[0], ends[1])
        except nx.NetworkXNoPath:
            hops = []
    return {
        "source": source,
        "target": target,
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
                "weight": float(network.edges[u, v].get("weight", 1.0)),
                "evidence": list(network.edges[u, v].get("evidence", [])),
            }
            for u, v in pairwise(hops)
        ],
    }


def shortest_path(
    store: GraphStore, from_id: str, to_id: str, scope: Scope | None = None
) -> dict[str, Any]:
    """The fewest ties from ``from_id`` to ``to_id`` in ``scope`` (default: today, everywhere).

    Only what counts at ``scope.as_of`` is used (an ended partnership is no
    path), and only ties of ``scope.context`` (and ``both``).

    Raises
    ------
    NotFound
        An end or the locality does not exist.
    ValidationFailed
        An end is neither an organisation nor a role.
    """
    scope = scope or Scope()
    found = store.get_many([from_id, to_id])
    ends = (
        path_end(found.get(from_id), "source", from_id),
        path_end(found.get(to_id), "target", to_id),
    )
    network = build_network(
        read(store, scope), locality_id=scope.locality_id, context=scope.context
    )
    return {**path_in(network, from_id, to_id, ends), "context": scope.context}
