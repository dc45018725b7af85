"""Wordings a partnership manager reads, checked by hand after walking the demo (QA)."""

from __future__ import annotations

from graph.vocabulary import render


def test_a_fall_in_trust_is_said_on_the_scale_not_as_a_relative_percentage() -> None:
    # Ofakim (demo): the municipality's trust in the youth centre went from 67% to 22% of
    # the scale; "fell by 44%" read as a relative fall (it is 67% relative, 44 points).
    params = {"a": "A", "b": "B", "drop": 0.4444}
    assert render("health.concern.tie_fell.trust", "en", **params) == (
        "the trust of A in B fell by 44% of the scale since the previous survey"
    )
    assert "ירד ב-44% מהסולם" in render("health.concern.tie_fell.trust", "he", **params)
    assert "44% من المقياس" in render("health.concern.org_fell.value", "ar", a="A", drop=0.4444)


def test_arabic_counts_agree_with_their_number() -> None:
    # Arabic: 3-10 take the plural (جهات, تقييمات), 11-99 the singular (جهة, تقييمًا).
    six = render("health.ui.response", "ar", respondents=5, invited=6, rate=5 / 6)
    assert six == "أجابت 5 من أصل 6 جهات (83%)"
    twelve = render("health.ui.response", "ar", respondents=12, invited=12, rate=1.0)
    assert twelve == "أجابت 12 من أصل 12 جهة (100%)"
    ratings = render("health.ui.network", "ar", ties=6, trust=0.52, value=0.74)
    assert ratings.startswith("عبر 6 تقييمات:")
    assert render("health.ui.network", "ar", ties=25, trust=0.5, value=0.5).startswith(
        "عبر 25 تقييمًا:"
    )
    # English and Hebrew are unchanged by the plural rule
    assert render("health.ui.response", "en", respondents=5, invited=6, rate=5 / 6) == (
        "5 of 6 organisations answered (83%)"
    )


def test_dates_inside_arabic_sentences_keep_their_order() -> None:
    # After an Arabic letter the bidi algorithm makes digits Arabic numbers, which '-' does
    # not join: the 'what changed' tab showed "01-01-2023" for 2023-01-01 (seen in Chromium).
    # Left-to-right marks around the date keep it one left-to-right run.
    ar = render("changes.ui.intro", "ar", start="2023-01-01", end="2026-11-30")
    assert "من \u200e2023-01-01\u200e إلى \u200e2026-11-30\u200e:" in ar
    # Hebrew (not an Arabic letter) needs no mark, and non-dates are left alone
    assert "\u200e" not in render("changes.ui.intro", "he", start="2023-01-01", end="2026-11-30")
    assert "\u200e" not in render("health.ui.response", "ar", respondents=5, invited=6, rate=0.8)
