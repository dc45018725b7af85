"""The glossary page: every measure and finding of the dashboards in plain words.

The entries are the catalogue's ``glossary.<term>.name`` and ``.text`` keys
(``graph/messages/glossary.toml``), in the order of :data:`TERMS`; each has
an anchor (``#bridge``) the dashboards link to.

Examples
--------
>>> html = render_glossary("en")
>>> '<html lang="en" dir="ltr"' in html and 'id="liaison"' in html
True
>>> [e["name"] for e in glossary_entries("he")][:2]
['גורם', 'קשר']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from graph.vocabulary import pick_lang, render
from viz.i18n import t
from viz.maps import _env, _page_strings

__all__ = ["TERMS", "glossary_entries", "render_glossary"]

#: The glossary's terms, in the order a reader meets them.
TERMS: Final = (
    "actor",
    "tie",
    "sector",
    "density",
    "components",
    "cross_sector_tie_share",
    "degree",
    "centralization",
    "isolate",
    "duplicate",
    "bridge",
    "betweenness",
    "articulation_point",
    "brokerage",
    "coordinator",
    "itinerant",
    "gatekeeper",
    "representative",
    "liaison",
    "constraint",
    "effective_size",
    "score",
    "leverage",
    "continuum",
    "context",
)


def glossary_entries(lang: str) -> list[dict[str, str]]:
    """``{"id", "name", "text"}`` of every term in ``lang``."""
    lang = pick_lang(lang)
    return [
        {
            "id": key,
            "name": render(f"glossary.{key}.name", lang),
            "text": render(f"glossary.{key}.text", lang),
        }
        for key in TERMS
    ]


def render_glossary(lang: str = "he", links: Mapping[str, str] | None = None) -> str:
    """The glossary as one HTML page (``links``: ``lang_<code>``, ``index``)."""
    lang = pick_lang(lang)
    return (
        _env()
        .get_template("glossary.html")
        .render(
            **_page_strings(lang),
            title=t(lang, "glossary_title"),
            intro=t(lang, "glossary_intro"),
            entries=glossary_entries(lang),
            links=dict(links or {}),
        )
    )
