"""Graph queries: an ego network, the shortest path between two actors, a locality's subgraph.

Every answer is bounded: the ego depth by ``max_ego_depth`` and its size by
``max_ego_nodes`` (``truncated`` says when the limit cut it short), the
subgraph by ``max_subgraph_nodes``. Paths run over the actor network of
:func:`graph.network.build_network`, cached per graph version and scope, and each
step carries the evidence of its tie. Every query sees the graph as of
``?as_of=`` (default today): what ended before that date is left out.
Ego answers are kept, as encoded JSON, per graph version and question
(:data:`EGO_CACHE_BYTES` at most): a write changes the version, so nothing
stale is ever served, and a hub asked for again costs one version read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.access import Access
from api.config import Settings
from api.deps import AccessDep, ReadAccessDep, SettingsDep, StoreDep, ViewerDep
from api.routes.scoping import AsOfParam, ContextParam, ScopeDep
from api.schemas import EgoGraph, GraphNode, GraphRelationship, PathResult, SubgraphPublic
from graph.errors import NotFound, ValidationFailed
from graph.model import NodeRecord, RelRecord
from graph.paths import path_end, path_in
from graph.scope import Scope, node_counts_at, parse_as_of, read, rel_counts_at
from graph.store.base import GraphStore

__all__ = ["EGO_CACHE_BYTES", "NetworkCache", "router"]

router = APIRouter(prefix="/graph", tags=["graph"])

#: The most bytes of encoded ego answers one server process keeps.
EGO_CACHE_BYTES = 32 * 1024 * 1024
_EGO_CACHE_LOCK = threading.Lock()


def _ego_cache(request: Request) -> Any:
    """The app's cache of encoded ego answers (made on first use)."""
    from api.routes.analysis import BoundedCache

    cache = getattr(request.app.state, "ego_cache", None)
    if cache is None:
        with _EGO_CACHE_LOCK:
            cache = getattr(request.app.state, "ego_cache", None)
            if cache is None:
                cache = BoundedCache(4096, max_weight=EGO_CACHE_BYTES, weigh=len)
                request.app.state.ego_cache = cache
    return cache


def _node(record: NodeRecord) -> GraphNode:
    return GraphNode(id=record.id, label=record.label, name=record.name, properties=record.props)


def _rel(rel: RelRecord) -> GraphRelationship:
    return GraphRelationship(
        type=rel.type, source=rel.source, target=rel.target, properties=rel.props
    )


def _json(model: BaseModel) -> Response:
    # Built and checked once here; FastAPI would validate and serialise it a second time.
    return Response(model.model_dump_json(), media_type="application/json")


class NetworkCache:
    """The last few actor networks, keyed by graph version and scope (place, date, context)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, Scope], nx.Graph] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: GraphStore, scope: Scope) -> nx.Graph:
        from graph.network import build_network

        key = (store.graph_version(), scope)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        network = build_network(
            read(store, scope), locality_id=scope.locality_id, context=scope.context
        )
        with self._lock:
            self._items[key] = network
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return network


def _in_context(
    rel: RelRecord,
    known: dict[str, NodeRecord],
    fetched: dict[str, NodeRecord],
    context: str,
) -> bool:
    """Whether a relationship, and the forum or program at either end, belong to ``context``."""
    from graph.network import context_allows

    if rel.type == "PARTNERS_WITH" and not context_allows(rel.props.get("context"), context):
        return False
    for end in (rel.source, rel.target):
        node = known.get(end) or fetched.get(end)
        if (
            node is not None
            and node.label in ("Forum", "Program")
            and not context_allows(node.props.get("context"), context)
        ):
            return False
    return True


@router.get("/ego/{node_id}", response_model=EgoGraph, summary="The neighbourhood of a node")
async def ego(
    node_id: Annotated[str, Path(description="Any node's id.")],
    request: Request,
    access: ReadAccessDep,
    depth: Annotated[int, Query(ge=1, le=10, description="Relationships away.")] = 1,
    context: ContextParam = "both",
    as_of: AsOfParam = None,
) -> Any:
    # One dependency (the viewer check and what it may see): a kept answer costs
    # less than the solving of the four it took before.
    store: GraphStore = request.app.state.store
    settings: Settings = request.app.state.settings
    when = parse_as_of(as_of, "query as_of")
    if depth > settings.max_ego_depth:
        raise ValidationFailed(
            f"query depth: {depth} is above this server's maximum of {settings.max_ego_depth}"
        )
    cache = _ego_cache(request)

    def compute() -> bytes:
        return _ego_json(store, settings.max_ego_nodes, node_id, depth, context, when, access)

    if access.personal_data:  # computed each time, so that each read of personal data is audited
        return Response(await run_in_threadpool(compute), media_type="application/json")

    def key() -> tuple[Any, ...]:
        version = store.graph_version()
        return (
            store.url,
            version,
            node_id,
            depth,
            context,
            when,
            settings.max_ego_nodes,
            access.localities,
        )

    def answer(known: tuple[Any, ...] | None = None) -> bytes:
        body: bytes = cache.get(known or key(), compute)
        return body

    # A kept answer costs one version read: with a local store, no hop to a worker for it.
    if store.local_reads and (known := key()) in cache:
        return Response(answer(known), media_type="application/json")
    return Response(await run_in_threadpool(answer), media_type="application/json")


def _ego_json(
    store: GraphStore,
    max_nodes: int,
    node_id: str,
    depth: int,
    context: str,
    when: Any,
    access: Access,
) -> bytes:
    """The encoded ego network (see :func:`ego`), cut to what ``access`` sees."""
    center = access.check_read(store, store.get(node_id), f"no node with id {node_id!r}")
    if not node_counts_at(center, when):
        raise NotFound(f"node {node_id!r} is not live as of {when.isoformat()}")
    nodes: dict[str, NodeRecord] = {center.id: center}
    rels: dict[tuple[str, str, str], RelRecord] = {}
    frontier = [center.id]
    truncated = False
    for _ in range(depth):
        following: list[str] = []
        # One read of relationships per node, one read of all the new nodes per level.
        level = list(store.relationships_of(frontier).items())
        wanted = {r.target if r.source == nid else r.source for nid, rs in level for r in rs}
        fetched = store.get_many(wanted - nodes.keys())
        if access.scoped:  # what other localities hold is not there for a scoped key
            fetched = {n.id: n for n in access.visible(store, fetched.values())}
        for nid, node_rels in level:
            for rel in node_rels:
                if not rel_counts_at(rel, when):
                    continue
                other_id = rel.target if rel.source == nid else rel.source
                if context != "both" and not _in_context(rel, nodes, fetched, context):
                    continue  # a partnership, forum or program of the other context
                if other_id not in nodes:
                    other = fetched.get(other_id)
                    if other is None or not node_counts_at(other, when):
                        continue
                    if len(nodes) >= max_nodes:
                        truncated = True
                        continue
                    nodes[other_id] = other
                    following.append(other_id)
                rels[rel.key] = rel
        frontier = following
        if truncated or not frontier:
            break
    kept = [r for r in rels.values() if r.source in nodes and r.target in nodes]
    return (
        EgoGraph(
            center=center.id,
            depth=depth,
            nodes=[_node(access.public(n)) for n in nodes.values()],
            relationships=[_rel(r) for r in sorted(kept, key=lambda r: r.key)],
            truncated=truncated,
        )
        .model_dump_json()
        .encode("utf-8")
    )


@router.get("/path", response_model=PathResult, summary="Shortest path between two actors")
def path(
    request: Request,
    store: StoreDep,
    _who: ViewerDep,
    access: AccessDep,
    source: Annotated[str, Query(description="An organisation (or role) id.")],
    target: Annotated[str, Query(description="An organisation (or role) id.")],
    scope: ScopeDep,
) -> Any:
    ends = tuple(
        path_end(
            access.check_read(store, store.get(nid), f"query {name}: no node with id {nid!r}"),
            f"query {name}",
            nid,
        )
        for name, nid in (("source", source), ("target", target))
    )
    cache: NetworkCache = request.app.state.network_cache
    found = path_in(cache.get(store, scope), source, target, (ends[0], ends[1]))
    records = store.get_many([n["id"] for n in found["nodes"]])
    found["nodes"] = [
        _node(access.public(records[n["id"]])) for n in found["nodes"] if n["id"] in records
    ]
    return _json(PathResult(**found))


@router.get("/subgraph", response_model=SubgraphPublic, summary="A locality's part of the graph")
def subgraph(
    store: StoreDep,
    settings: SettingsDep,
    _who: ViewerDep,
    access: AccessDep,
    scope: ScopeDep,
) -> Any:
    locality_id = scope.locality_id
    if locality_id is None and store.count() > settings.max_subgraph_nodes:
        raise ValidationFailed(
            f"the whole graph has more than {settings.max_subgraph_nodes} nodes: "
            "pass locality_id, or use /export"
        )
    sub = access.public_graph(read(store, scope, where="query locality_id"), store)
    if len(sub.nodes) > settings.max_subgraph_nodes:
        raise ValidationFailed(
            f"locality {locality_id!r} has {len(sub.nodes)} nodes, above this server's "
            f"maximum of {settings.max_subgraph_nodes}: use /export"
        )
    return _json(
        SubgraphPublic(
            locality_id=locality_id,
            nodes=[_node(n) for n in sub.nodes],
            relationships=[_rel(r) for r in sorted(sub.relationships, key=lambda r: r.key)],
        )
    )
