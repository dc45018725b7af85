"""The glossary page: every measure in plain words, in he/en/ar, linked from the dashboards."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from viz.glossary import TERMS


@pytest.mark.parametrize(("lang", "direction"), [("he", "rtl"), ("en", "ltr"), ("ar", "rtl")])
def test_glossary_explains_every_measure(
    client: TestClient, as_role, lang: str, direction: str
) -> None:
    r = client.get("/api/v1/glossary", params={"lang": lang}, headers=as_role("viewer"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert f'<html lang="{lang}" dir="{direction}">' in html
    for term in TERMS:  # each with an anchor the dashboards can link to
        assert f'<dt id="{term}">' in html
    words = {
        "he": ("מקשר/ת", "מתווך/ת מבחוץ", "אילוץ רשת", "חוליה יחידה", "צפיפות"),
        "en": ("Liaison", "Itinerant", "Network constraint", "Articulation point", "Density"),
        "ar": ("وسيط رابط", "وسيط متنقل", "القيد الشبكي", "نقطة مفصلية", "الكثافة"),
    }[lang]
    for word in words:
        assert word in html, word
