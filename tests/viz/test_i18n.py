"""Every string exists in Hebrew, English and Arabic; the screens use the one catalogue."""

from __future__ import annotations

from graph.model import AGE_STAGES, Domain, ForumKind, MunicipalStatus, RoleKind, Sector
from viz.i18n import LABELS, UI, js_strings, label, t


def test_every_language_has_every_key() -> None:
    assert set(UI["he"]) == set(UI["en"]) == set(UI["ar"])
    for kind, langs in LABELS.items():
        assert set(langs["he"]) == set(langs["en"]) == set(langs["ar"]), kind


def test_every_model_value_has_a_label() -> None:
    for lang in ("he", "en", "ar"):
        assert {s.value for s in Sector} <= set(LABELS["sector"][lang])
        assert {d.value for d in Domain} <= set(LABELS["domain"][lang])
        assert {f.value for f in ForumKind} <= set(LABELS["forum_kind"][lang])
        assert {r.value for r in RoleKind} <= set(LABELS["role_kind"][lang])
        assert {m.value for m in MunicipalStatus} <= set(LABELS["municipal_status"][lang])
        assert set(AGE_STAGES) <= set(LABELS["age_stage"][lang])


def test_one_wording_per_term_and_the_source_documents_words() -> None:
    # The screens and the analytics read the same catalogue: one label per value.
    from graph.vocabulary import term

    assert label("he", "domain", "stem21") == term("domain", "stem21", "he")
    assert label("he", "domain", "stem21") == "STEM ומיומנויות המאה ה-21"
    assert label("he", "sector", "business") == "מגזר עסקי"
    assert label("he", "role_kind", "partnerships_manager") == "מנהל/ת שותפויות ומשאבי קהילה"
    assert label("he", "role_kind", "local_initiative_manager") == "מחוללת יישובית"
    assert label("he", "role_kind", "resource_mobilisation") == "מנהלת מיצוי משאבים"
    assert label("he", "forum_kind", "round_table") == "שולחן עגול"
    assert t("he", "open_dashboard") == "לוח בקרה"
    assert not any("מחוונים" in text for text in UI["he"].values())


def test_arabic_strings_are_arabic() -> None:
    assert any("\u0600" <= ch <= "\u06ff" for ch in t("ar", "search"))
    assert js_strings("ar")["labels"]["sector"]["business"] == "قطاع الأعمال"


def test_hebrew_strings_are_hebrew() -> None:
    assert any("\u0590" <= ch <= "\u05ff" for ch in t("he", "search"))
    assert label("he", "domain", "early_childhood") == "גיל רך"
    assert t("en", "search_found", n=3) == "3 found"
    assert js_strings("en")["ui"]["legend"] == "Legend"


def test_every_kind_the_analytics_emit_has_a_label() -> None:
    from graph.analytics.isolates import ISOLATE_KINDS
    from graph.vocabulary import has

    kinds = {
        "isolate_kind": ISOLATE_KINDS,
        "leverage_kind": ("actor", "forum", "goal", "locality_domain", "program"),
        "tie": ("partnership", "forum", "program", "funding", "part_of"),
        "age_stage": tuple(AGE_STAGES),
    }
    for kind, values in kinds.items():
        for value in values:
            assert has(f"{kind}.{value}"), f"{kind}.{value}"
            assert label("ar", kind, value) != value
