"""Map modes of time: ties that started or ended between two dates, and ties coloured by trust.

:func:`changes_network` joins the actor networks at two dates into one graph
to draw (the later network, plus the ties that ended and the actors that
left), and :func:`changes_styles` marks each tie as added, ended or kept.
:func:`trust_styles` colours each tie by the trust its two organisations
reported in a survey wave (:func:`graph.analytics.health.health_report`).
:func:`apply_styles` puts the styles on a map payload's edges; the map's
script draws ``colour`` and ``dashed`` and lists ``edge_legend``.

Examples
--------
>>> import networkx as nx
>>> before, after = nx.Graph(), nx.Graph()
>>> before.add_edge("a", "b"); after.add_edge("a", "c")
>>> G = changes_network(before, after)
>>> sorted(G.edges)
[('a', 'b'), ('a', 'c')]
>>> styles = changes_styles(before, after)
>>> styles[("a", "b")]["change"], styles[("a", "b")]["dashed"], styles[("a", "c")]["change"]
('ended', True, 'added')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from statistics import fmean
from typing import Any

import networkx as nx

from graph.analytics.health import HIGH_VALUE, LOW_TRUST
from graph.vocabulary import render

__all__ = [
    "ADDED",
    "ENDED",
    "KEPT",
    "apply_styles",
    "changes_legend",
    "changes_network",
    "changes_styles",
    "trust_legend",
    "trust_styles",
]

#: Colours (colour-blind safe: Okabe-Ito) of added, ended and kept ties.
ADDED, ENDED, KEPT = "#009E73", "#D55E00", "#BBBBBB"
_TRUST_HIGH, _TRUST_MID, _TRUST_LOW, _UNRATED = "#0072B2", "#E69F00", "#D55E00", "#CCCCCC"

Key = tuple[str, str]


def _key(u: Any, v: Any) -> Key:
    a, b = str(u), str(v)
    return (a, b) if a < b else (b, a)


def changes_network(before: nx.Graph, after: nx.Graph) -> nx.Graph:
    """``after`` with the actors that left and the ties that ended added back (to be drawn)."""
    G = after.copy()
    for n, data in before.nodes(data=True):
        if n not in G:
            G.add_node(n, **data)
    for u, v, data in before.edges(data=True):
        if not G.has_edge(u, v):
            G.add_edge(u, v, **data)
    G.graph.update(after.graph)
    return G


def changes_styles(before: nx.Graph, after: nx.Graph) -> dict[Key, dict[str, Any]]:
    """Each tie's style: added (green), ended (orange, dashed) or kept (grey)."""
    e0 = {_key(u, v) for u, v in before.edges}
    e1 = {_key(u, v) for u, v in after.edges}
    out: dict[Key, dict[str, Any]] = {}
    for k in e0 | e1:
        if k in e1 and k not in e0:
            out[k] = {"colour": ADDED, "dashed": False, "change": "added"}
        elif k in e0 and k not in e1:
            out[k] = {"colour": ENDED, "dashed": True, "change": "ended"}
        else:
            out[k] = {"colour": KEPT, "dashed": False, "change": "kept"}
    return out


def changes_legend(lang: str) -> list[dict[str, Any]]:
    """The legend of the changes mode."""
    return [
        {"colour": ADDED, "text": render("changes.ui.legend_added", lang)},
        {"colour": ENDED, "text": render("changes.ui.legend_ended", lang), "dashed": True},
        {"colour": KEPT, "text": render("changes.ui.legend_kept", lang)},
    ]


def trust_styles(health: Mapping[str, Any]) -> dict[Key, dict[str, Any]]:
    """Each rated tie's colour by its trust (the mean of both directions when both rated).

    >>> s = trust_styles({"ties": [{"source": "a", "target": "b", "trust": 0.2},
    ...                            {"source": "b", "target": "a", "trust": 0.4}]})
    >>> s[("a", "b")]["trust"], s[("a", "b")]["colour"]
    (0.3, '#D55E00')
    """
    values: dict[Key, list[float]] = defaultdict(list)
    for t in health.get("ties") or []:
        if t.get("trust") is not None:
            values[_key(t["source"], t["target"])].append(float(t["trust"]))
    out: dict[Key, dict[str, Any]] = {}
    for k, vs in values.items():
        trust = round(fmean(vs), 4)
        colour = (
            _TRUST_LOW if trust < LOW_TRUST else _TRUST_MID if trust < HIGH_VALUE else _TRUST_HIGH
        )
        out[k] = {"colour": colour, "dashed": False, "trust": trust}
    return out


def trust_legend(lang: str) -> list[dict[str, Any]]:
    """The legend of the trust mode."""
    return [
        {"colour": _TRUST_HIGH, "text": render("health.ui.legend_high", lang)},
        {"colour": _TRUST_MID, "text": render("health.ui.legend_mid", lang)},
        {"colour": _TRUST_LOW, "text": render("health.ui.legend_low", lang)},
        {"colour": _UNRATED, "text": render("health.ui.legend_unrated", lang)},
    ]


def apply_styles(
    payload: dict[str, Any],
    styles: Mapping[Key, Mapping[str, Any]],
    legend: list[dict[str, Any]],
    title: str,
    *,
    unstyled: str | None = None,
) -> None:
    """Put ``styles`` on the payload's actor ties (``unstyled`` colours the others)."""
    for edge in payload["edges"]:
        if edge.get("structural"):
            continue
        style = styles.get(_key(edge["from"], edge["to"]))
        if style is not None:
            edge.update(style)
        elif unstyled is not None:
            edge["colour"] = unstyled
    payload["edge_legend"] = {"title": title, "items": legend}


def time_mode(
    store: Any,
    scope: Any,
    lang: str,
    *,
    changes_from: Any = None,
    changes_to: Any = None,
    ties: str | None = None,
) -> tuple[nx.Graph | None, Any]:
    """The network to draw instead of the scope's (or ``None``) and the payload mode.

    ``changes_from`` (a date; ``changes_to`` defaults to the scope's as-of
    date) draws the ties added and ended between the two dates; ``ties ==
    "trust"`` colours the ties by the trust of the latest survey wave.
    """
    from graph.scope import read

    if changes_from is not None:
        from graph.analytics.changes import network_at

        end = changes_to or scope.as_of
        sub = read(store, scope, dated=False)
        before, _ = network_at(sub, changes_from, scope)
        after, _ = network_at(sub, end, scope)
        styles = changes_styles(before, after)
        title = f"{render('changes.ui.tab', lang)}: {changes_from.isoformat()} – {end.isoformat()}"

        def changes_mode(payload: dict[str, Any]) -> None:
            apply_styles(payload, styles, changes_legend(lang), title)

        return changes_network(before, after), changes_mode
    if ties == "trust":
        from graph.analytics.health import health_report

        health = health_report(store, scope)
        trust = trust_styles(health)
        wave = health.get("wave") or "—"

        def trust_mode(payload: dict[str, Any]) -> None:
            apply_styles(
                payload,
                trust,
                trust_legend(lang),
                f"{render('health.ui.trust', lang)} · {render('health.ui.wave', lang)} {wave}",
                unstyled=_UNRATED,
            )

        return None, trust_mode
    return None, None
