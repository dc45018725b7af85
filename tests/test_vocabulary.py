"""The catalogue of words (graph/vocabulary.py): every key in every language, and the formats."""

from __future__ import annotations

import re
import string

import pytest

from graph.vocabulary import (
    LANGS,
    catalogue,
    direction,
    fmt_money,
    fmt_number,
    fmt_percent,
    pick_lang,
    reasons,
    render,
    term,
)

_PLURAL_FORMS = {"zero", "one", "two", "few", "many", "other"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_key_has_every_language_with_the_same_placeholders(key: str) -> None:
    entry = catalogue()[key]
    names: dict[str, set[str]] = {}
    for lang in LANGS:
        wording = entry.get(lang)
        assert wording, f"{key} has no {lang} wording"
        forms = wording if isinstance(wording, dict) else {"other": wording}
        assert "other" in forms, f"{key}/{lang}: plural forms need 'other'"
        assert set(forms) <= _PLURAL_FORMS, f"{key}/{lang}: unknown plural form"
        used: set[str] = set()
        for text in forms.values():
            assert isinstance(text, str) and text.strip()
            used |= _fields(text)
        names[lang] = used
    # A placeholder may be left out of a wording (Hebrew "גורם אחד" has no {n}),
    # but no language may invent one the others do not pass.
    union = set().union(*names.values())
    allowed = union | (
        {str(entry.get("plural", "n"))}
        if any(isinstance(entry.get(lang), dict) for lang in LANGS)
        else set()
    )
    for lang, used in names.items():
        assert used <= allowed, f"{key}/{lang}: {used - allowed}"


def test_no_raw_code_left_in_a_wording() -> None:
    # Enum codes like early_childhood must be rendered through {x:term.kind}, not written raw.
    code = re.compile(r"\b[a-z]+_[a-z_]+\b")
    for key, entry in catalogue().items():
        for lang in ("he", "ar"):
            wording = entry[lang]
            texts = wording.values() if isinstance(wording, dict) else [wording]
            for text in texts:
                stripped = re.sub(r"\{[^}]*\}", "", text)
                assert not code.search(stripped), f"{key}/{lang}: raw code in {text!r}"


def test_plural_forms_follow_each_language() -> None:
    # CLDR: Hebrew has one/two/other; Arabic zero/one/two/few/many/other.
    assert render("vocabulary.example", "he", n=1) == "גורם אחד"
    assert render("vocabulary.example", "he", n=2) == "שני גורמים"
    assert render("vocabulary.example", "he", n=7) == "7 גורמים"
    assert render("vocabulary.example", "ar", n=0) == "لا جهات"
    assert render("vocabulary.example", "ar", n=2) == "جهتان"
    assert render("vocabulary.example", "ar", n=3) == "3 جهات"
    assert render("vocabulary.example", "ar", n=11) == "11 جهة"
    assert render("vocabulary.example", "en", n=2) == "2 actors"


def test_formats() -> None:
    assert fmt_money(250000, "he") == "₪250,000"
    assert fmt_money(1999.6, "en") == "₪2,000"
    assert fmt_number(0.125, "en") == "0.12"
    assert fmt_number(3.0, "he") == "3"
    assert fmt_number(float("nan"), "en") == "—"
    assert fmt_percent(0.256, "en") == "26%"
    assert term("domain", "stem21", "he") == "STEM ומיומנויות המאה ה-21"
    assert term("sector", "business", "ar") == "قطاع الأعمال"


def test_languages_and_directions() -> None:
    assert [pick_lang(x) for x in ("AR", "en-US", None, "fr")] == ["ar", "en", "he", "he"]
    assert [direction(x) for x in ("he", "ar", "en")] == ["rtl", "rtl", "ltr"]


def test_unknown_key_fails_loudly() -> None:
    with pytest.raises(KeyError):
        render("no.such.key", "en")


def test_reasons_render_every_language_from_one_code() -> None:
    out = reasons([("vocabulary.example", {"n": 1})])
    assert out == {"reasons": ["1 actor"], "reasons_he": ["גורם אחד"], "reasons_ar": ["جهة واحدة"]}


def test_a_dashboard_is_a_luach_bakara_everywhere() -> None:
    # In the seed documents מחוון is a rubric (מחוון בחירת יישוב): a dashboard is לוח בקרה.
    for key, entry in catalogue().items():
        wording = entry.get("he")
        forms = wording.values() if isinstance(wording, dict) else [wording]
        for text in forms:
            assert "לוח מחוונים" not in str(text) and "לוחות מחוונים" not in str(text), key


def test_lists_use_each_languages_comma() -> None:
    params = {"n": 2, "domains": ["stem21", "employment"]}
    en = render("duplicate.shared_domains", "en", **params)
    he = render("duplicate.shared_domains", "he", **params)
    ar = render("duplicate.shared_domains", "ar", **params)
    assert (
        en
        == f"shared domains: {term('domain', 'stem21', 'en')}, {term('domain', 'employment', 'en')}"
    )
    assert he.count(", ") == 1 and "\u060c" not in he
    # Arabic's own comma (U+060C), never the Latin one, between the two domains.
    assert ar.count("\u060c ") == 1 and "," not in ar
