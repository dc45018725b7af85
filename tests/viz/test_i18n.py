"""Every string exists in Hebrew and English."""

from __future__ import annotations

from graph.model import AGE_STAGES, Domain, Sector
from viz.i18n import LABELS, UI, js_strings, label, t


def test_both_languages_have_every_key() -> None:
    assert set(UI["he"]) == set(UI["en"])
    for kind, langs in LABELS.items():
        assert set(langs["he"]) == set(langs["en"]), kind


def test_every_model_value_has_a_label() -> None:
    for lang in ("he", "en"):
        assert {s.value for s in Sector} <= set(LABELS["sector"][lang])
        assert {d.value for d in Domain} <= set(LABELS["domain"][lang])
        assert set(AGE_STAGES) <= set(LABELS["age_stage"][lang])


def test_hebrew_strings_are_hebrew() -> None:
    assert any("\u0590" <= ch <= "\u05ff" for ch in t("he", "search"))
    assert label("he", "domain", "early_childhood") == "גיל רך"
    assert t("en", "search_found", n=3) == "3 found"
    assert js_strings("en")["ui"]["legend"] == "Legend"
