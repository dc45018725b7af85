"""The emergency readiness tab of the dashboard, on the hand-worked town."""

from __future__ import annotations

import datetime as dt

from graph.model import NodeRecord
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore
from tests.analytics.readiness_fixture import write_town
from viz.section_readiness import readiness_section
from viz.sections import SectionRequest, build_sections

AS_OF = dt.date(2026, 11, 30)


def _request(store: SQLiteStore, lang: str, locality: str = "l") -> SectionRequest:
    return SectionRequest(store, locality, lang, Scope(locality, AS_OF, "both"))


def test_matrix_cells_and_legend(sqlite_store: SQLiteStore) -> None:
    write_town(sqlite_store)
    section = readiness_section(_request(sqlite_store, "en"))
    assert section is not None and section.key == "readiness"
    html = str(section.html)
    # One coloured cell per need, by status: 2 uncovered, 2 under-covered, 1 single, 2 covered.
    for status, n in (("uncovered", 2), ("under_covered", 2), ("single_provider", 1),
                      ("covered", 2)):  # fmt: skip
        assert html.count(f'data-status="{status}" data-need=') == n, status
    assert "no need recorded" in html  # e.g. shelter in south
    assert "Uncovered</strong>: no organisation can supply it" in html
    assert "60 of 100 people" not in html  # the cell says it shorter:
    assert "110 of 100 (100%)" in html
    assert "Whom to invite to the emergency team" in html
    assert "out of the team&#39;s reach" in html or "out of the team's reach" in html


def test_hebrew_and_escaping(sqlite_store: SQLiteStore) -> None:
    write_town(sqlite_store)
    sqlite_store.write(
        [NodeRecord("Organization", "bakery", {"name": "<script>alert(1)</script>",
                                               "sector": "business", "locality_ids": ["l"]})]
    )  # fmt: skip
    section = readiness_section(_request(sqlite_store, "he"))
    assert section is not None
    html = str(section.html)
    assert section.title == "מוכנות לחירום"
    assert 'dir="rtl"' in html and "מי עושה מה ואיפה" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_needs_no_tab(sqlite_store: SQLiteStore) -> None:
    write_town(sqlite_store)
    assert readiness_section(_request(sqlite_store, "en", "l2")) is None
    assert [s.key for s in build_sections(_request(sqlite_store, "en"))].count("readiness") == 1
