"""The data a network map draws: nodes, ties, findings, filters, labels.

:func:`map_payload` turns an actor network (:func:`graph.network.build_network`),
an analysis report (SPEC section 3) and the store's subgraph into plain,
JSON-ready data: each organisation with its sector, domains, contexts,
findings and their reasons, a start position (igraph's Fruchterman-Reingold
layout, so the browser only polishes it), and a search key folded like
:func:`graph.text.normalize`; forums, programs and roles to show on demand;
ties with their evidence and contexts. :mod:`viz.maps` puts it in a page.
"""

from __future__ import annotations

import math
import random
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from graph.model import NodeRecord
from graph.store.base import Subgraph
from graph.text import normalize
from graph.vocabulary import render
from viz.i18n import direction, js_strings, label, pick_lang

__all__ = ["HIGHLIGHT_COLOURS", "SECTOR_COLOURS", "SHAPES", "map_payload"]

#: Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
SECTOR_COLOURS: dict[str, str] = {
    "local_authority": "#0072B2",
    "government": "#56B4E9",
    "nonprofit": "#009E73",
    "philanthropy": "#E69F00",
    "business": "#CC79A7",
    "academia": "#F0E442",
    "community": "#D55E00",
    "other": "#999999",
}
#: Border colours of highlighted findings.
HIGHLIGHT_COLOURS: dict[str, str] = {
    "duplicate": "#111111",
    "isolate": "#E00000",
    "bridge": "#6B21A8",
}
SHAPES = {"Organization": "dot", "Forum": "diamond", "Program": "square", "Role": "triangle"}
_LABEL_MAX = 32
_LAYOUT_LOCK = threading.Lock()


def _layout(G: nx.Graph, ids: Sequence[str], extra: Sequence[tuple[str, str]], seed: int) -> dict:
    """Start positions from igraph's Fruchterman-Reingold layout (C, fast at 2,000 nodes).

    The browser then only polishes them, so the map settles in a moment.
    """
    import igraph as ig

    if not ids:
        return {}
    index = {nid: i for i, nid in enumerate(ids)}
    edges = [
        (index[str(u)], index[str(v)]) for u, v in G.edges if str(u) in index and str(v) in index
    ]
    edges += [(index[u], index[v]) for u, v in extra if u in index and v in index]
    graph = ig.Graph(n=len(ids), edges=edges)
    rng = random.Random(seed)
    start = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in ids]
    with _LAYOUT_LOCK:  # igraph's random generator is global: seed it, then give it back
        ig.set_random_number_generator(random.Random(seed))
        try:
            coords = graph.layout_fruchterman_reingold(
                seed=start, niter=500 if len(ids) <= 500 else 150, grid=False
            ).coords
        finally:
            ig.set_random_number_generator(random)
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    radius = 30 * math.sqrt(len(ids)) + 150
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        nid: (round((x - cx) / span * 2 * radius, 1), round((y - cy) / span * 2 * radius, 1))
        for nid, (x, y) in zip(ids, coords, strict=True)
    }


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_MAX else text[: _LABEL_MAX - 1] + "…"


def _search_key(name: str, record: NodeRecord | None) -> str:
    names = [name]
    if record is not None:
        names += [
            str(record.props[k]) for k in ("name_he", "name_en", "name_ar") if record.props.get(k)
        ]
    return " | ".join(normalize(n) for n in names if n)


class _Context:
    """What the subgraph says about each organisation: domains, contexts, structures."""

    def __init__(self, G: nx.Graph, sub: Subgraph | None) -> None:
        self.records: dict[str, NodeRecord] = {n.id: n for n in sub.nodes} if sub else {}
        self.domains: dict[str, set[str]] = defaultdict(set)
        self.contexts: dict[str, set[str]] = defaultdict(set)
        self.item_context: dict[str, str] = {}
        self.structure_edges: list[tuple[str, str, str]] = []
        self.program_operator: dict[str, str] = {}
        #: Roles of the network's organisations, and the forums each sits in.
        self.roles: dict[str, NodeRecord] = {}
        self.role_forums: list[tuple[str, str]] = []
        if sub is None:
            return
        records = self.records
        role_org = {
            n.id: str(n.props["organization_id"])
            for n in sub.nodes
            if n.label == "Role" and n.props.get("organization_id")
        }
        self.roles = {rid: records[rid] for rid, org in role_org.items() if org in G}
        for node in sub.nodes:
            if node.label in ("Forum", "Program"):
                self.item_context[node.id] = str(node.props.get("context") or "routine")
            if node.label == "Program" and node.props.get("operator_id"):
                self.program_operator[node.id] = str(node.props["operator_id"])
        for node in sub.nodes:
            if node.label == "Investment" and node.props.get("program_id"):
                prog = str(node.props["program_id"])
                if prog in self.item_context:
                    self.item_context[node.id] = self.item_context[prog]
        for rel in sub.relationships:
            if rel.type in ("OPERATES", "PARTNERS_IN"):
                org, item = rel.source, rel.target
            elif rel.type == "MEMBER_OF":
                org, item = role_org.get(rel.source, rel.source), rel.target
                if rel.source in self.roles:
                    self.role_forums.append((rel.source, rel.target))
            elif rel.type == "CONVENED_BY":
                org, item = rel.target, rel.source
            elif rel.type == "PARTNERS_WITH":
                ctx = str(rel.props.get("context") or "routine")
                self.item_context[f"{rel.source}->{rel.target}"] = ctx
                for end in (rel.source, rel.target):
                    self.contexts[end].add(ctx)
                continue
            else:
                continue
            target = records.get(item)
            if org not in G or target is None:
                continue
            self.domains[org].update(_domains_of(target))
            self.contexts[org].add(self.item_context.get(item, "routine"))
            self.structure_edges.append((org, item, rel.type))

    def edge_contexts(self, evidence: Iterable[Any]) -> list[str]:
        found = set()
        for item in evidence:
            if isinstance(item, Mapping):
                if item.get("kind") == "part_of":
                    found.add("both")
                    continue
                found.add(self.item_context.get(str(item.get("id")), "routine"))
        return sorted(found) or ["both"]


def _domains_of(node: NodeRecord) -> list[str]:
    domains = [str(d) for d in node.props.get("domains") or []]
    if node.props.get("domain"):
        domains.append(str(node.props["domain"]))
    return domains


def _structural_edge(source: str, target: str, contexts: list[str]) -> dict[str, Any]:
    return {
        "from": source,
        "to": target,
        "weight": 1.0,
        "kinds": [],
        "contexts": contexts,
        "evidence": [],
        "structural": True,
    }


def _role_nodes(
    ctx: _Context, G: nx.Graph, positions: Mapping[str, tuple[float, float]], lang: str
) -> list[dict[str, Any]]:
    """Roles, shown on demand beside their organisation.

    Only the role's title is shown: ``holder`` is a person's name (personal
    data) and stays out of the page. Roles are placed on a small circle
    around their organisation, so they add nothing to the layout's cost.
    """
    by_org: dict[str, list[str]] = defaultdict(list)
    for rid in sorted(ctx.roles):
        by_org[str(ctx.roles[rid].props["organization_id"])].append(rid)
    out = []
    for org, rids in by_org.items():
        ox, oy = positions.get(org, (0.0, 0.0))
        for i, rid in enumerate(rids):
            role = ctx.roles[rid]
            title = str(role.props.get("title") or role.name)
            angle = 2 * math.pi * i / len(rids)
            sector = str(G.nodes[org].get("sector") or "other") if org in G else ""
            out.append(
                {
                    "id": rid,
                    "label": _short(title),
                    "name": title,
                    "type": "Role",
                    "sector": sector,  # the organisation's: the sector filter keeps them together
                    "sector_label": label(lang, "sector", sector),
                    "kind": label(lang, "role_kind", role.props.get("kind")),
                    "locality_ids": [],
                    "domains": [],
                    "contexts": ["both"],
                    "degree": 0,
                    "size_degree": 7,
                    "size_bridge": 7,
                    "flags": {"duplicate": False, "isolate": False, "bridge": False},
                    "reasons": {},
                    "search": _search_key(title, role),
                    "x": round(ox + 45 * math.cos(angle), 1),
                    "y": round(oy + 45 * math.sin(angle), 1),
                }
            )
    return out


def _evidence_names(evidence: Iterable[Any]) -> list[str]:
    out = []
    for item in evidence:
        if isinstance(item, Mapping):
            out.append(str(item.get("name") or item.get("id") or ""))
        else:
            out.append(str(item))
    return out[:12]


def _reasons(entry: Mapping[str, Any], lang: str) -> list[str]:
    """A finding's reasons in ``lang`` (``reasons_he`` in Hebrew when the report has them)."""
    localized = entry.get(f"reasons_{lang}") if lang != "en" else None
    return [str(r) for r in (localized or entry.get("reasons") or [])]


def _leverage_title(lev: Mapping[str, Any], names: Mapping[str, str], lang: str) -> str:
    """A leverage point's title; a locality's domain is named in the page's language."""
    if lev.get("kind") == "locality_domain" and lev.get("domain"):
        locality = str(lev.get("name") or "").split(" – ")[0] or str(lev.get("locality_id"))
        return render("leverage.domain_name", lang, locality=locality, domain=lev["domain"])
    return names.get(str(lev.get("id")), str(lev.get("name") or lev.get("id")))


def _findings(
    report: Mapping[str, Any] | None, names: Mapping[str, str], ctx: _Context, lang: str
) -> dict[str, list[dict[str, Any]]]:
    """The report's findings in the shape the page shows and focuses."""
    report = report or {}
    duplicates = []
    for i, dup in enumerate(report.get("duplicates") or []):
        programs = [str(p) for p in dup.get("programs") or []]
        operators = [str(o) for o in dup.get("operators") or []]
        operators += [ctx.program_operator[p] for p in programs if p in ctx.program_operator]
        title = " ↔ ".join(names.get(p, p) for p in programs)
        duplicates.append(
            {
                "key": f"dup{i}",
                "title": title,
                "ids": [x for x in dict.fromkeys(programs + operators) if x in names],
                "operators": [x for x in dict.fromkeys(operators)],
                "programs": programs,
                "score": dup.get("score"),
                "coordinated": bool(dup.get("coordinated")),
                "domains": [label(lang, "domain", d) for d in dup.get("domains") or []],
                "reasons": _reasons(dup, lang),
            }
        )
    isolates = [
        {
            "key": f"iso{i}",
            "id": str(iso.get("id")),
            "title": str(iso.get("name") or names.get(str(iso.get("id")), iso.get("id"))),
            "ids": [str(iso.get("id"))] if str(iso.get("id")) in names else [],
            "kinds": [label(lang, "isolate_kind", k) for k in iso.get("kinds") or []],
            "reasons": _reasons(iso, lang),
        }
        for i, iso in enumerate(report.get("isolates") or [])
    ]
    bridges = [
        {
            "key": f"bri{i}",
            "id": str(br.get("id")),
            "title": str(br.get("name") or names.get(str(br.get("id")), br.get("id"))),
            "ids": [str(br.get("id"))] if str(br.get("id")) in names else [],
            "score": br.get("score"),
            "sectors": [label(lang, "sector", s) for s in br.get("sectors_connected") or []],
            "reasons": _reasons(br, lang),
        }
        for i, br in enumerate(report.get("bridges") or [])
    ]
    leverage = [
        {
            "key": f"lev{i}",
            "id": str(lev.get("id")),
            "title": _leverage_title(lev, names, lang),
            "ids": [str(lev.get("id"))] if str(lev.get("id")) in names else [],
            "kind": label(lang, "leverage_kind", lev.get("kind")),
            "score": lev.get("score"),
            "reasons": _reasons(lev, lang),
        }
        for i, lev in enumerate(report.get("leverage") or [])
    ]
    return {
        "duplicates": duplicates,
        "isolates": isolates,
        "bridges": bridges,
        "leverage": leverage,
    }


def map_payload(
    G: nx.Graph,
    report: Mapping[str, Any] | None = None,
    *,
    sub: Subgraph | None = None,
    lang: str = "he",
    context: str = "both",
    seed: int = 0,
) -> dict[str, Any]:
    """Everything the map's script draws, as plain JSON-ready data.

    Parameters
    ----------
    G : networkx.Graph
        The actor network: organisation nodes with ``name``, ``sector``,
        ``kind``, ``locality_ids``; edges with ``weight``, ``kinds``, ``evidence``.
    report : mapping, optional
        An analysis report (SPEC section 3); its findings are flagged on nodes.
    sub : Subgraph, optional
        The store's subgraph the network came from: adds forum and program
        nodes (hidden until asked for), each organisation's domains and
        contexts for the filters, and locality names.
    lang : {"he", "en"}
        Language of the labels.
    context : {"both", "routine", "emergency"}
        The context the page opens with.
    seed : int
        Seed of the start layout.

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``findings``, ``filters``, ``colours``,
        ``strings`` and ``meta``.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("a", name="עירייה", sector="local_authority", locality_ids=["l1"])
    >>> G.add_node("b", name="מתנ\\"ס", sector="nonprofit", locality_ids=["l1"])
    >>> G.add_edge("a", "b", weight=2.0, kinds=["forum"],
    ...            evidence=[{"kind": "forum", "id": "f", "name": "מינהלת"}])
    >>> data = map_payload(G, {"bridges": [{"id": "a", "score": 0.9, "reasons": ["r"]}]})
    >>> [(n["id"], n["flags"]["bridge"], n["degree"]) for n in data["nodes"]]
    [('a', True, 1), ('b', False, 1)]
    >>> data["edges"][0]["evidence"]
    ['מינהלת']
    """
    lang = pick_lang(lang)
    ctx = _Context(G, sub)
    report = report or {}
    org_ids = sorted(G.nodes, key=str)
    names: dict[str, str] = {str(n): str(G.nodes[n].get("name") or n) for n in org_ids}

    structures: dict[str, NodeRecord] = {}
    for _org, item, _ in ctx.structure_edges:
        rec = ctx.records.get(item)
        if rec is not None and rec.label in ("Forum", "Program"):
            structures[item] = rec
    for sid, rec in structures.items():
        names[sid] = rec.name

    bridge_score = {
        str(b.get("id")): float(b.get("score") or 0) for b in report.get("bridges") or []
    }
    reasons: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for b in report.get("bridges") or []:
        reasons[str(b.get("id"))]["bridge"] += _reasons(b, lang)
    for iso in report.get("isolates") or []:
        reasons[str(iso.get("id"))]["isolate"] += _reasons(iso, lang)
    for dup in report.get("duplicates") or []:
        progs = [str(p) for p in dup.get("programs") or []]
        text = " ↔ ".join(names.get(p, p) for p in progs)
        dup_why = [text, *_reasons(dup, lang)]
        for p in progs:
            reasons[p]["duplicate"] += dup_why
            if p in ctx.program_operator:
                reasons[ctx.program_operator[p]]["duplicate"] += dup_why

    all_ids = [str(n) for n in org_ids] + sorted(structures)
    struct_pairs = [(o, i) for o, i, _ in ctx.structure_edges if i in structures]
    positions = _layout(G, all_ids, struct_pairs, seed)
    max_degree = max((G.degree(n) for n in org_ids), default=0)

    nodes: list[dict[str, Any]] = []
    for nid in org_ids:
        attrs = G.nodes[nid]
        sid = str(nid)
        degree = int(G.degree(nid))
        sector = str(attrs.get("sector") or "other")
        why = reasons.get(sid, {})
        nodes.append(
            {
                "id": sid,
                "label": _short(names[sid]),
                "name": names[sid],
                "type": "Organization",
                "sector": sector,
                "sector_label": label(lang, "sector", sector),
                "kind": str(attrs.get("kind") or ""),
                "locality_ids": [str(x) for x in attrs.get("locality_ids") or []],
                "domains": sorted(ctx.domains.get(sid, set())),
                "contexts": sorted(ctx.contexts.get(sid, set())),
                "degree": degree,
                "size_degree": round(11 + 22 * math.sqrt(degree / max_degree), 1)
                if max_degree
                else 11,
                "size_bridge": round(11 + 28 * bridge_score.get(sid, 0.0), 1),
                "flags": {k: bool(why.get(k)) for k in ("duplicate", "isolate", "bridge")},
                "reasons": {k: list(dict.fromkeys(v))[:8] for k, v in why.items()},
                "search": _search_key(names[sid], ctx.records.get(sid)),
                "x": positions.get(sid, (0, 0))[0],
                "y": positions.get(sid, (0, 0))[1],
            }
        )
    for sid in sorted(structures):
        rec = structures[sid]
        why = reasons.get(sid, {})
        locs = [str(rec.props["locality_id"])] if rec.props.get("locality_id") else []
        nodes.append(
            {
                "id": sid,
                "label": _short(rec.name),
                "name": rec.name,
                "type": rec.label,
                "sector": "",
                "sector_label": "",
                "kind": str(rec.props.get("kind") or ""),
                "locality_ids": locs,
                "domains": sorted(set(_domains_of(rec))),
                "contexts": [ctx.item_context.get(sid, "routine")],
                "degree": 0,
                "size_degree": 9,
                "size_bridge": 9,
                "flags": {k: bool(why.get(k)) for k in ("duplicate", "isolate", "bridge")},
                "reasons": {k: list(dict.fromkeys(v))[:8] for k, v in why.items()},
                "search": _search_key(rec.name, rec),
                "x": positions.get(sid, (0, 0))[0],
                "y": positions.get(sid, (0, 0))[1],
            }
        )

    nodes += _role_nodes(ctx, G, positions, lang)

    edges: list[dict[str, Any]] = []
    for u, v, data in G.edges(data=True):
        evidence = list(data.get("evidence") or [])
        edges.append(
            {
                "from": str(u),
                "to": str(v),
                "weight": float(data.get("weight") or 1.0),
                "kinds": [str(k) for k in data.get("kinds") or []],
                "contexts": ctx.edge_contexts(evidence),
                "evidence": _evidence_names(evidence),
                "structural": False,
            }
        )
    seen: set[tuple[str, str]] = set()
    for org, item, _rel_type in ctx.structure_edges:
        if item in structures and (org, item) not in seen:
            seen.add((org, item))
            edges.append(
                {
                    "from": org,
                    "to": item,
                    "weight": 1.0,
                    "kinds": [],
                    "contexts": [ctx.item_context.get(item, "routine")],
                    "evidence": [],
                    "structural": True,
                }
            )

    for rid, role in sorted(ctx.roles.items()):
        edges.append(_structural_edge(rid, str(role.props["organization_id"]), ["both"]))
    for rid, forum in ctx.role_forums:
        if forum in structures:
            edges.append(_structural_edge(rid, forum, [ctx.item_context.get(forum, "routine")]))

    locality_names = {n.id: n.name for n in (sub.nodes if sub else []) if n.label == "Locality"}
    loc_ids = sorted({loc for n in nodes for loc in n["locality_ids"]})
    domains = sorted({d for n in nodes for d in n["domains"]})
    sectors = [s for s in SECTOR_COLOURS if any(n["sector"] == s for n in nodes)]
    return {
        "nodes": nodes,
        "edges": edges,
        "findings": _findings(report, names, ctx, lang),
        "filters": {
            "localities": [[lid, locality_names.get(lid, lid)] for lid in loc_ids],
            "domains": [[d, label(lang, "domain", d)] for d in domains],
            "sectors": [[s, label(lang, "sector", s)] for s in sectors],
            "contexts": [[c, label(lang, "context", c)] for c in ("routine", "emergency")],
        },
        "colours": {"sectors": SECTOR_COLOURS, "highlights": HIGHLIGHT_COLOURS},
        "shapes": SHAPES,
        "strings": js_strings(lang),
        "meta": {"lang": lang, "dir": direction(lang), "context": context},
    }
