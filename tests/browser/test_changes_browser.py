"""The "what changed" tab and the changes map in a real headless Chromium, Hebrew and English.

The history town (tests/analytics/time_fixture.py, changes worked out by hand there) is
served by the real app, with one more organisation whose name is a script: it joins
the local administration in 2024, so it appears among the new ties, as text.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from graph.model import Membership, Organization, edge_record, to_record
from graph.store.sqlite import SQLiteStore
from tests.analytics.time_fixture import history_town
from tests.browser.support import (
    ARTIFACTS,
    assert_no_alert,
    chrome,
    navigation,
    serve_store,
)

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("changes-browser")
    store = SQLiteStore(folder / "g.db")
    history_town(store)
    store.write(
        [to_record(Organization(id="xss", name=SCRIPT, sector="other", locality_ids="t",
                                since="2024"))],
        [edge_record(Membership(member_id="xss", forum_id="f", since="2024"))],
    )  # fmt: skip
    store.close()
    with serve_store(folder) as url:
        yield url


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    with chrome(window="1400,1000") as browser:
        yield browser


def _open_tab(driver: webdriver.Chrome, url: str) -> None:
    driver.get(url)
    driver.find_element(By.CSS_SELECTOR, 'a.pm-tab-link[href="#tab-changes"]').click()
    assert driver.find_element(By.ID, "tab-changes").is_displayed()
    assert not driver.find_element(By.ID, "tab-network").is_displayed()


def test_pick_two_dates_in_hebrew(driver: webdriver.Chrome, server: str) -> None:
    _open_tab(driver, f"{server}/api/v1/dashboard/t?as_of=2025-06-30")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    # the default period: from 1 January three years back to the page's date
    start = driver.find_element(By.ID, "pm-changes-from")
    assert start.get_attribute("value") == "2022-01-01"
    driver.execute_script("arguments[0].value = '2022-06-30';", start)
    with navigation(driver, 60):  # the click loads another page: read that one
        driver.find_element(By.ID, "pm-changes-show").click()
    assert "from=2022-06-30" in driver.current_url
    assert driver.current_url.endswith("#tab-changes")
    assert driver.find_element(By.ID, "tab-changes").is_displayed()
    summary = driver.find_element(By.ID, "pm-changes-summary").text
    # time_fixture: 5 ties added and 2 ended, plus the four ties of the 2024 newcomer
    assert "9 קשרים נוספו, 2 הסתיימו" in summary
    assert "2 גורמים הצטרפו, 1 עזבו" in summary
    added = driver.find_element(By.ID, "pm-changes-added").text
    assert SCRIPT in added  # the newcomer's name, shown as text
    assert_no_alert(driver)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#tab-changes svg.pm-trend")) == 3
    driver.save_screenshot(str(ARTIFACTS / "changes-he.png"))


def test_changes_on_the_map_in_english(driver: webdriver.Chrome, server: str) -> None:
    _open_tab(driver, f"{server}/api/v1/dashboard/t?as_of=2025-06-30&lang=en&from=2022-06-30")
    assert "9 ties added, 2 ended" in driver.find_element(By.ID, "pm-changes-summary").text
    with navigation(driver, 60):  # the dashboard has a map too: wait for the map page itself
        driver.find_element(By.ID, "pm-changes-map").click()
    assert "/maps/" in driver.current_url
    deadline = time.monotonic() + 30
    while not driver.execute_script("return !!(window.pmMap && window.pmMap.network);"):
        assert time.monotonic() < deadline, "the map did not draw"
        time.sleep(0.1)
    counts = driver.execute_script(
        "const c = {}; window.pmMap.data.edges.forEach(e => { if (e.change) "
        "{ c[e.change] = (c[e.change] || 0) + 1; } }); return c;"
    )
    assert counts == {"added": 9, "ended": 2, "kept": 1}
    legend = driver.find_element(By.ID, "pm-legend").text
    assert "tie started between the two dates" in legend and "tie ended" in legend
    assert_no_alert(driver)
    driver.save_screenshot(str(ARTIFACTS / "changes-map-en.png"))
