"""Small inline-SVG charts for the dashboard: no chart library, nothing to download.

:func:`bar_chart` draws labelled horizontal bars, mirrored for right-to-left
languages. :func:`investment_breakdown` sums a locality's investments by
stage of the 0-35 age continuum, by domain and by funder, for reports whose
metrics do not carry those sums yet; :func:`investment_series` prefers the
report's own numbers.

Examples
--------
>>> svg = bar_chart([("גיל רך 0–5", 250000), ("<b>x</b>", 0)], title="השקעה", lang="he")
>>> svg.startswith("<svg") and "&lt;b&gt;x&lt;/b&gt;" in svg and "<b>" not in svg
True
>>> format_amount(1250000), format_amount(999), format_amount(12500)
('1.25M', '999', '12.5K')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from graph.model import AGE_STAGES
from graph.store.base import Subgraph
from graph.vocabulary import fmt_money
from viz.i18n import direction

__all__ = [
    "CONTINUUM",
    "bar_chart",
    "format_amount",
    "investment_breakdown",
    "investment_series",
]

#: The age continuum the charts cover, inclusive bounds in years.
CONTINUUM = (0, 35)
_BAR_COLOUR = "#2b6cb0"
_ROW = 26
_PAD = 6


def format_amount(value: float) -> str:
    """A short amount: ``1.25M``, ``12.5K``, ``999``."""
    value = float(value)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.0f}"


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    lang: str = "he",
    unit: str = "",
    money: bool = False,
    width: int = 460,
    label_width: int = 170,
) -> Markup:
    """Horizontal bars as one ``<svg>`` element, every text escaped.

    Parameters
    ----------
    items : sequence of (label, value)
        Bars in the order given (callers sort; the age continuum keeps its order).
    title : str
        The chart's accessible name (``<title>`` and ``aria-label``).
    lang : {"he", "en"}
        Right-to-left languages put the labels on the right and grow bars leftwards.
    unit : str
        Shown after each value.
    money : bool
        Values are shekels, written in the catalogue's one money format
        (:func:`graph.vocabulary.fmt_money`, ``₪1,250,000``).
    width, label_width : int
        Pixels.

    Returns
    -------
    markupsafe.Markup
        Safe to place in a Jinja template as is.
    """
    rtl = direction(lang) == "rtl"
    value_width = 86 if money else 70
    bar_space = max(width - label_width - value_width - 3 * _PAD, 40)
    top = max((float(v) for _, v in items), default=0.0)
    height = max(len(items), 1) * _ROW + _PAD
    title_text = escape(title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pm-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{title_text}"><title>{title_text}</title>'
    ]
    text_dir = ' direction="rtl"' if rtl else ""
    for row, (name, value) in enumerate(items):
        y = _PAD + row * _ROW
        mid = y + _ROW / 2 + 4
        bar = 0.0 if top <= 0 else bar_space * float(value) / top
        bar = max(bar, 1.0) if float(value) > 0 else 0.0
        shown = escape(
            fmt_money(value, lang)
            if money
            else f"{format_amount(value)}{(' ' + unit) if unit else ''}"
        )
        full_text = escape(name)
        label_text = escape(name if len(name) <= 26 else name[:25] + "…")
        if rtl:
            label_x = width - _PAD
            bar_right = width - label_width - 2 * _PAD
            bar_x = bar_right - bar
            value_x = bar_x - _PAD
            label_anchor, value_anchor = "start", "start"
        else:
            label_x = _PAD
            bar_x = label_width + 2 * _PAD
            value_x = bar_x + bar + _PAD
            label_anchor, value_anchor = "start", "start"
        parts.append(
            f'<g class="pm-bar"><text x="{label_x:.1f}" y="{mid:.1f}"{text_dir} '
            f'text-anchor="{label_anchor}" font-size="13">{label_text}</text>'
            f'<rect x="{bar_x:.1f}" y="{y + 4}" width="{bar:.1f}" height="{_ROW - 8}" '
            f'fill="{_BAR_COLOUR}" rx="2"><title>{full_text}: {shown}</title></rect>'
            f'<text x="{value_x:.1f}" y="{mid:.1f}"{text_dir} text-anchor="{value_anchor}" '
            f'font-size="12" fill="#333">{shown}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece of text above is escaped


def _age_shares(age_min: Any, age_max: Any) -> dict[str, float]:
    """How a program's money splits over the age stages, by years of overlap."""
    if age_min is None and age_max is None:
        return {"unspecified": 1.0}
    low = int(age_min) if age_min is not None else CONTINUUM[0]
    high = int(age_max) if age_max is not None else CONTINUUM[1]
    years = high - low + 1
    shares: dict[str, float] = {}
    for stage, (start, end) in AGE_STAGES.items():
        overlap = min(high, end) - max(low, start) + 1
        if overlap > 0:
            shares[stage] = overlap / years
    # Years past 35 are outside the continuum: that money is not shown on it.
    return shares or {"unspecified": 1.0}


def investment_breakdown(sub: Subgraph) -> dict[str, dict[str, float]]:
    """Investment of a subgraph by age stage, by domain and by funder.

    A program's money is spread over the age stages its age range covers, in
    proportion to the years in each; over its domains equally. Money into a
    locality's domain (not yet allocated to a program) has no ages
    (``unspecified``).

    Parameters
    ----------
    sub : Subgraph
        Usually one locality's :meth:`~graph.store.base.GraphStore.subgraph`.

    Returns
    -------
    dict
        ``{"by_age_stage": {stage: amount}, "by_domain": {domain: amount},
        "by_funder": {funder name: amount}}``; age stages in continuum order.

    Examples
    --------
    >>> from graph.model import NodeRecord
    >>> sub = Subgraph([
    ...     NodeRecord("Organization", "f", {"name": "קרן", "sector": "philanthropy"}),
    ...     NodeRecord("Program", "p", {"name": "x", "operator_id": "o", "age_min": 4,
    ...                                 "age_max": 7, "domains": ["early_childhood"]}),
    ...     NodeRecord("Investment", "i", {"funder_id": "f", "program_id": "p", "amount": 400})],
    ...     [])
    >>> investment_breakdown(sub)["by_age_stage"]
    {'early_childhood': 200.0, 'school': 200.0}
    >>> investment_breakdown(sub)["by_funder"]
    {'קרן': 400.0}
    """
    nodes = {n.id: n for n in sub.nodes}
    by_stage: dict[str, float] = defaultdict(float)
    by_domain: dict[str, float] = defaultdict(float)
    by_funder: dict[str, float] = defaultdict(float)
    for inv in sub.nodes:
        if inv.label != "Investment":
            continue
        try:
            amount = float(inv.props.get("amount") or 0)
        except (TypeError, ValueError):
            continue
        funder = nodes.get(str(inv.props.get("funder_id")))
        by_funder[funder.name if funder else str(inv.props.get("funder_id"))] += amount
        program = nodes.get(str(inv.props.get("program_id") or ""))
        if program is not None:
            shares = _age_shares(program.props.get("age_min"), program.props.get("age_max"))
            domains = list(program.props.get("domains") or []) or ["other"]
        else:
            shares = {"unspecified": 1.0}
            domains = [str(inv.props.get("domain") or "other")]
        for stage, share in shares.items():
            by_stage[stage] += amount * share
        for dom in domains:
            by_domain[dom] += amount / len(domains)
    order = [*AGE_STAGES, "unspecified"]
    return {
        "by_age_stage": {s: round(by_stage[s], 2) for s in order if s in by_stage},
        "by_domain": dict(sorted(by_domain.items(), key=lambda kv: -kv[1])),
        "by_funder": dict(sorted(by_funder.items(), key=lambda kv: -kv[1])),
    }


def _first_mapping(metrics: Mapping[str, Any], *paths: tuple[str, ...]) -> dict[str, float] | None:
    for path in paths:
        node: Any = metrics
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, list) and node and all(isinstance(x, Mapping) for x in node):
            # [{"id", "name", "amount"}, ...], largest first
            try:
                return {str(x.get("name") or x.get("id")): float(x["amount"]) for x in node}
            except (KeyError, TypeError, ValueError):
                continue
        if isinstance(node, Mapping) and node:
            try:
                return {str(k): float(v) for k, v in node.items()}
            except (TypeError, ValueError):
                continue
    return None


def investment_series(
    metrics: Mapping[str, Any] | None, fallback: dict[str, dict[str, float]] | None
) -> dict[str, dict[str, float]]:
    """The investment sums to chart: the report's metrics if they carry them, else ``fallback``.

    Accepts ``metrics["investment"]["by_age_stage"|"by_domain"|"by_funder"]``
    or flat ``metrics["investment_by_age_stage"]`` (and ``..._by_stage``);
    funders as a mapping or as a list of ``{"name", "amount"}``. Age stages
    outside the continuum (``other_ages``, ``unspecified``) are kept only
    when they hold money; the four stages always are, so a gap shows.

    >>> investment_series({"investment": {"by_domain": {"welfare": 5},
    ...     "by_funder": [{"id": "f", "name": "קרן", "amount": 7}]}}, None)
    {'by_age_stage': {}, 'by_domain': {'welfare': 5.0}, 'by_funder': {'קרן': 7.0}}
    """
    metrics = metrics or {}
    fallback = fallback or {}
    out: dict[str, dict[str, float]] = {}
    for key, alts in (
        ("by_age_stage", ("by_age_stage", "by_stage", "by_age")),
        ("by_domain", ("by_domain",)),
        ("by_funder", ("by_funder",)),
    ):
        paths = [("investment", a) for a in alts] + [(f"investment_{a}",) for a in alts]
        found = _first_mapping(metrics, *paths)
        out[key] = found if found is not None else dict(fallback.get(key) or {})
    stages = out["by_age_stage"]
    if stages:
        out["by_age_stage"] = {k: v for k, v in stages.items() if k in AGE_STAGES or v > 0} | {
            k: stages.get(k, 0.0) for k in AGE_STAGES if k not in stages
        }
    return out
