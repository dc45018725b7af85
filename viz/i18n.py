"""The maps' and dashboards' words: thin wrappers over the one catalogue.

Every wording lives in :mod:`graph.vocabulary`'s catalogue
(``graph/messages/*.toml``): the screens' strings are the keys ``ui.<key>``
(``graph/messages/ui.toml``) and the labels of enumerated values are the
catalogue's terms (``sector.business``, ``forum_kind.round_table``, ...).
This module keeps the small API the views use: :func:`t`, :func:`label`,
:func:`js_strings`. Hebrew is the default language; English (``lang="en"``)
and Arabic (``lang="ar"``, right to left) are there too.

Examples
--------
>>> pick_lang("EN"), pick_lang(None), pick_lang("fr"), pick_lang("ar")
('en', 'he', 'he', 'ar')
>>> t("he", "legend")
'מקרא'
>>> t("ar", "dashboard_title", name="يركا")
'لوحة المتابعة: يركا'
>>> label("en", "sector", "philanthropy")
'Philanthropy'
>>> label("he", "forum_kind", "round_table")
'שולחן עגול'
>>> label("he", "sector", "unknown-value")
'unknown-value'
>>> direction("he"), direction("ar"), direction("en")
('rtl', 'rtl', 'ltr')
"""

from __future__ import annotations

from typing import Any, Final

from graph.vocabulary import DEFAULT_LANG, LANGS, catalogue, direction, pick_lang, render, term

__all__ = [
    "DEFAULT_LANG",
    "LABELS",
    "LABEL_KINDS",
    "LANGS",
    "UI",
    "direction",
    "js_strings",
    "label",
    "pick_lang",
    "t",
]

#: The kinds of enumerated values the screens label (each a table of terms).
LABEL_KINDS: Final = (
    "sector",
    "domain",
    "context",
    "age_stage",
    "isolate_kind",
    "node_kind",
    "role_kind",
    "forum_kind",
    "leverage_kind",
    "municipal_status",
    "tie",
)


def _wording(entry: dict[str, Any], lang: str) -> str:
    text = entry.get(lang) or entry.get("en") or ""
    return str(text.get("other", "") if isinstance(text, dict) else text)


def _ui_table() -> dict[str, dict[str, str]]:
    entries = {k[3:]: v for k, v in catalogue().items() if k.startswith("ui.")}
    return {lang: {key: _wording(e, lang) for key, e in entries.items()} for lang in LANGS}


def _label_table() -> dict[str, dict[str, dict[str, str]]]:
    out: dict[str, dict[str, dict[str, str]]] = {}
    for kind in LABEL_KINDS:
        prefix = kind + "."
        entries = {k[len(prefix) :]: v for k, v in catalogue().items() if k.startswith(prefix)}
        out[kind] = {lang: {v: _wording(e, lang) for v, e in entries.items()} for lang in LANGS}
    return out


#: The screens' strings by language (a read-only view of the catalogue's ``ui.*`` keys).
UI: Final[dict[str, dict[str, str]]] = _ui_table()
#: Labels of enumerated values by kind and language (a view of the catalogue's terms).
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = _label_table()


def t(lang: str, key: str, **values: object) -> str:
    """The interface string ``key`` in ``lang``, formatted with ``values``.

    A missing key raises ``KeyError``: a typo should fail the tests, not show
    a blank to a user.
    """
    return render(f"ui.{key}", lang, **values)


def label(lang: str, kind: str, value: str | None) -> str:
    """The label of an enumerated value, or the value itself when it has none."""
    if value is None:
        return ""
    return term(kind, value, lang)


def js_strings(lang: str) -> dict[str, object]:
    """The strings and value labels the map's script needs, for embedding as JSON."""
    code = pick_lang(lang)
    return {"ui": dict(UI[code]), "labels": {kind: dict(v[code]) for kind, v in LABELS.items()}}
