"""The workbench's words, from the one catalogue (:mod:`graph.vocabulary`, ``messages/web.toml``).

Hebrew is the default; English and Arabic are chosen with ``?lang=``. A
field of the model is shown by its label (``web.field.<name>``) when the
catalogue has one, else by its name, so a new entity type gets working
forms at once and nicer labels later; a kind of record likewise
(``web.resource.<path>``). Enumerated values are shown by their term in the
catalogue: the enumeration's own kind (``forum_kind``), else the field's
name (``category``), else the enumeration's last word (``outcome`` for
``compass_outcome``), else ``web.<kind>``; else the value itself.

Examples
--------
>>> t("he", "signin_title"), t("en", "signin_title"), t("ar", "signin_title")
('כניסה', 'Sign in', 'تسجيل الدخول')
>>> field_label("en", "sector"), field_label("he", "sector"), field_label("en", "mystery")
('Sector', 'מגזר', 'mystery')
>>> enum_label("en", "forum_kind", "steering_committee")
'Steering committee'
>>> enum_label("he", "position", "observer"), enum_label("en", "need_category", "food", "category")
('משקיף/ה', 'Food')
>>> enum_label("en", "no_such_kind", "x")
'x'
"""

from __future__ import annotations

from graph.vocabulary import has, render, term

__all__ = ["enum_label", "field_label", "resource_label", "t"]


def t(lang: str, key: str, **values: object) -> str:
    """The interface text ``web.<key>`` in ``lang`` (Hebrew for an unknown language)."""
    return render(f"web.{key}", lang, **values)


def field_label(lang: str, name: str) -> str:
    """A field's label, or its name when the catalogue has none yet."""
    key = f"web.field.{name}"
    return render(key, lang) if has(key) else name


def resource_label(lang: str, path: str) -> str:
    """A kind of record's name on screen, or its URL segment when the catalogue has none."""
    key = f"web.resource.{path}"
    return render(key, lang) if has(key) else path.replace("_", " ")


def enum_label(lang: str, kind: str, value: object, field: str = "") -> str:
    """The label of an enumerated value (see the module's notes for where it is looked up)."""
    text = str(value)
    for candidate in (kind, field, kind.rsplit("_", 1)[-1], f"web.{kind}"):
        if candidate and has(f"{candidate}.{text}"):
            return term(candidate, text, lang)
    return text
