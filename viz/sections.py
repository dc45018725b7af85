"""The tabs of a locality's dashboard beyond the network: one registry, one shape.

Each feature (what changed, partnership health, emergency readiness, the
plan, the outcomes compass) adds a tab to the locality dashboard with a
*builder*: a function from a :class:`SectionRequest` to a :class:`Section`
(or ``None`` when the locality has no data for it, and the tab is not
shown). Builders live in their own modules and are listed once, in
:func:`registry`. A builder renders its HTML with :func:`render_fragment`
(templates in ``viz/templates/sections/``, autoescaped, with the page's
``t``/``label`` helpers), so untrusted names are escaped as everywhere else.
Query parameters a builder reads (for example the two dates of "what
changed") are declared in :data:`SECTION_PARAMS`; they are part of the page
cache key.

Examples
--------
>>> from markupsafe import Markup
>>> s = Section("demo", "Demo", Markup("<p>x</p>"))
>>> (s.key, s.anchor)
('demo', 'tab-demo')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from graph.scope import Scope
from graph.store.base import GraphStore

__all__ = [
    "SECTION_PARAMS",
    "Builder",
    "Section",
    "SectionRequest",
    "build_sections",
    "registry",
    "render_fragment",
    "template_helpers",
]

#: Query parameters that dashboard sections read (besides lang, context and as_of).
SECTION_PARAMS: frozenset[str] = frozenset({"from", "to", "wave", "tab"})


@dataclass(frozen=True)
class SectionRequest:
    """What a builder is asked for: a locality of a store, seen through a scope, in a language."""

    store: GraphStore
    locality_id: str
    lang: str
    scope: Scope
    params: Mapping[str, str] = field(default_factory=dict)
    links: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    """One tab: a key (its anchor is ``tab-KEY``), a title and its HTML."""

    key: str
    title: str
    html: Markup

    @property
    def anchor(self) -> str:
        return f"tab-{self.key}"


Builder = Callable[[SectionRequest], Section | None]


def registry() -> list[Builder]:
    """Every section builder, in the order the tabs appear.

    Each feature adds its builder here with one import and one list entry.
    """
    from viz.plan_section import plan_section
    from viz.section_compass import compass_section
    from viz.section_readiness import readiness_section
    from viz.section_time import changes_section, health_section

    builders: list[Builder] = [
        changes_section,
        health_section,
        readiness_section,
        plan_section,
        compass_section,
    ]
    return builders


def build_sections(request: SectionRequest) -> list[Section]:
    """The sections that have something to show for ``request``."""
    out = []
    for builder in registry():
        section = builder(request)
        if section is not None:
            out.append(section)
    return out


def template_helpers(lang: str) -> dict[str, Any]:
    """Template helpers in one language: ``msg``, ``money``, ``num``, ``pct``, ``term``."""
    from graph import vocabulary as v

    return {
        "msg": lambda key, **kw: v.render(key, lang, **kw),
        "money": lambda amount: v.fmt_money(amount, lang),
        "num": lambda value: v.fmt_number(value, lang),
        "pct": lambda share: v.fmt_percent(share, lang),
        "term": lambda kind, value: v.term(kind, value, lang),
    }


def render_fragment(template: str, lang: str, **context: Any) -> Markup:
    """Render ``sections/<template>`` with the page's helpers.

    Besides ``t``, ``label``, ``lang`` and ``dir``, templates get ``msg(key, **params)``
    (:func:`graph.vocabulary.render` in the page's language), ``money``, ``num``, ``pct``
    and ``term(kind, value)``.
    """
    from viz.maps import _env, _page_strings

    page = {**_page_strings(lang), **template_helpers(lang)}
    html = _env().get_template(f"sections/{template}").render(**page, **context)
    return Markup(html)  # noqa: S704 - rendered by our autoescaping environment
