"""The compass tab (viz/section_compass.py): shown only with ratings, a grid per year, escaped."""

from __future__ import annotations

import datetime as dt

from graph.model import NodeRecord, to_record
from graph.model_process import CompassRating
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore
from viz.section_compass import compass_section
from viz.sections import SectionRequest, registry


def _rating(domain: str, year: int, status: str, evidence: str = "") -> NodeRecord:
    return to_record(
        CompassRating.model_validate(
            {"locality_id": "l", "domain": domain, "outcome": "continuum", "year": str(year),
             "status": status, "evidence": evidence}
        )
    )  # fmt: skip


def _request(store: SQLiteStore, lang: str) -> SectionRequest:
    return SectionRequest(store, "l", lang, Scope("l", dt.date(2026, 11, 30)))


def test_no_ratings_no_tab(sqlite_store: SQLiteStore) -> None:
    sqlite_store.write([NodeRecord("Locality", "l", {"name": "ל"})])
    assert compass_section(_request(sqlite_store, "he")) is None
    assert compass_section in registry()


def test_grids_side_by_side_with_changes(sqlite_store: SQLiteStore) -> None:
    sqlite_store.write([
        NodeRecord("Locality", "l", {"name": "ל"}),
        _rating("stem21", 2022, "not_met"), _rating("stem21", 2024, "met", "<b>protocol</b>"),
        _rating("early_childhood", 2024, "partly"),
    ])  # fmt: skip
    section = compass_section(_request(sqlite_store, "en"))
    assert section is not None and section.key == "compass"
    html = str(section.html)
    assert html.count('<table class="pm-c-grid"') == 2
    assert 'data-year="2022"' in html and 'data-year="2024"' in html
    # 2022: stem21 not met, early childhood not rated; 2024: met (improved, arrow) and partly.
    assert (
        'class="pm-c-not_met" data-status="not_met" data-outcome="continuum" data-domain="stem21"'
        in html
    )
    assert (
        'class="pm-c-none" data-status="none" data-outcome="continuum" '
        'data-domain="early_childhood"' in html
    )
    assert "Met ↑" in html
    assert "&lt;b&gt;protocol&lt;/b&gt;" in html and "<b>protocol</b>" not in html
    # The met share bars: 2022 0% over one domain, 2024 (1 + 0.5) / 2 = 75%.
    assert "75%" in html
    he = str(compass_section(_request(sqlite_store, "he")).html)  # type: ignore[union-attr]
    assert 'dir="rtl"' in he and "רצף בין תחומים וקבוצות גיל" in he and "מתקיים" in he
