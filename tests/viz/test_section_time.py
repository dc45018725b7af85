"""The "what changed" and "health" dashboard tabs and the time map modes, drawn from the
hand-worked towns of tests/analytics (time_fixture, test_health)."""

from __future__ import annotations

import datetime as dt

from graph.scope import Scope
from graph.store.sqlite import SQLiteStore
from tests.analytics.test_health import survey_town
from tests.analytics.time_fixture import history_town
from viz.section_time import changes_section, health_section
from viz.sections import SectionRequest


def _request(store: SQLiteStore, loc: str, lang: str, **params: str) -> SectionRequest:
    return SectionRequest(
        store=store,
        locality_id=loc,
        lang=lang,
        scope=Scope(loc, dt.date(2025, 6, 30)),
        params=params,
        links={"map": f"/api/v1/maps/{loc}?lang={lang}"},
    )


def test_changes_tab_in_english_and_hebrew(sqlite_store: SQLiteStore) -> None:
    history_town(sqlite_store)
    en = changes_section(_request(sqlite_store, "t", "en", **{"from": "2022-06-30"}))
    assert en is not None and en.key == "changes" and en.title == "What changed"
    html = str(en.html)
    assert 'value="2022-06-30"' in html and 'value="2025-06-30"' in html
    assert "5 ties added, 2 ended" in html
    assert "changes_from=2022-06-30&amp;changes_to=2025-06-30" in html
    assert html.count('class="pm-chart pm-trend"') == 3
    he = str(changes_section(_request(sqlite_store, "t", "he", **{"from": "2022-06-30"})).html)  # type: ignore[union-attr]
    assert "5 קשרים נוספו, 2 הסתיימו" in he and "ארגון old" in he  # left, by name
    assert "מגזר עסקי" in he  # forum f gained the business sector, by its label


def test_changes_tab_takes_bad_dates_gently(sqlite_store: SQLiteStore) -> None:
    history_town(sqlite_store)
    section = changes_section(_request(sqlite_store, "t", "en", **{"from": "<b>yesterday"}))
    assert section is not None
    html = str(section.html)
    assert "&lt;b&gt;yesterday" in html and "<b>yesterday" not in html  # named, escaped


def test_health_tab_only_with_a_survey(sqlite_store: SQLiteStore) -> None:
    history_town(sqlite_store)
    assert health_section(_request(sqlite_store, "t", "en")) is None
    survey_town(sqlite_store)
    section = health_section(_request(sqlite_store, "h", "en"))
    assert section is not None and section.title == "Partnership health"
    html = str(section.html)
    assert "3 of 4 organisations answered (75%)" in html
    assert html.index('data-kind="silent"') < html.index('data-kind="unreciprocated"')
    assert "ties=trust" in html
    first = str(health_section(_request(sqlite_store, "h", "en", wave="2023-05-01")).html)  # type: ignore[union-attr]
    assert '<option value="2023-05-01" selected>' in first


def test_the_dashboard_shows_its_date_and_a_form_to_change_it(sqlite_store: SQLiteStore) -> None:
    from viz.maps import load_locality, render_dashboard

    history_town(sqlite_store)
    view = load_locality(sqlite_store, "t", scope=Scope("t", dt.date(2022, 6, 30)))
    html = render_dashboard(
        view.network, view.report, sub=view.sub, locality_name="ירוחם", lang="en"
    )
    assert 'id="pm-asof"' in html and 'name="as_of" value="2022-06-30"' in html
    assert "The network as of" in html
