"""The plan tab of the dashboard in a real headless Chromium, Hebrew and English.

The plan town (tests/analytics/plan_town.py) is served as of 2026-06-30 by the real
app; its values are worked out by hand there. One commitment's description is a
script, which must show as text and run nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from graph.model import to_record
from graph.model_process import Commitment
from graph.store.sqlite import SQLiteStore
from tests.analytics.plan_town import plan_town_records
from tests.browser.support import ARTIFACTS, assert_no_alert, chrome, serve_store

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("plan-browser")
    store = SQLiteStore(folder / "g.db")
    nodes, rels = plan_town_records()
    nodes.append(
        to_record(
            Commitment(id="c-script", agreement_id="a1", party_id="biz", description=SCRIPT,
                       due="2026-12-01", status="done")
        )
    )  # fmt: skip
    store.write(nodes, rels)
    store.close()
    with serve_store(folder) as url:
        yield url


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    with chrome(window="1400,1000") as browser:
        yield browser


def _open_tab(driver: webdriver.Chrome, url: str) -> None:
    driver.get(url)
    driver.find_element(By.CSS_SELECTOR, 'a.pm-tab-link[href="#tab-plan"]').click()
    assert driver.find_element(By.ID, "tab-plan").is_displayed()
    assert not driver.find_element(By.ID, "tab-network").is_displayed()


def _rect(driver: webdriver.Chrome, css: str) -> dict[str, float]:
    return driver.execute_script(  # type: ignore[no-any-return]
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: r.left, right: r.right, width: r.width};",
        css,
    )


def test_plan_tab_in_hebrew(driver: webdriver.Chrome, server: str) -> None:
    _open_tab(driver, f"{server}/api/v1/dashboard/town?as_of=2026-06-30")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    cards = driver.find_elements(By.CSS_SELECTOR, "#tab-plan .pm-plan-card")
    assert [c.get_attribute("data-status") for c in cards] == [
        "behind", "no_data", "on_track", "achieved"
    ]  # fmt: skip
    # g-behind: a quarter of the way (the fill), 545/729 = 74.8% of the time (the mark),
    # both measured from the right edge in Hebrew.
    bar = _rect(driver, '[data-goal="g-behind"] .pm-plan-progress')
    fill = _rect(driver, '[data-goal="g-behind"] .pm-plan-fill')
    mark = _rect(driver, '[data-goal="g-behind"] .pm-plan-mark')
    assert fill["width"] / bar["width"] == pytest.approx(0.25, abs=0.01)
    assert fill["right"] == pytest.approx(bar["right"], abs=1)
    assert (bar["right"] - mark["left"]) / bar["width"] == pytest.approx(0.7476, abs=0.02)
    text = driver.find_element(By.ID, "tab-plan").text
    assert "₪3.1 מבחוץ על כל שקל של הרשות" in text
    assert "בפיגור: רק 25% מהדרך ליעד עברו, כשכבר חלפו 75% מהזמן" in text
    rows = driver.find_elements(By.CSS_SELECTOR, "#tab-plan tbody tr")
    assert rows[0].get_attribute("data-commitment") == "c1"
    assert "pm-plan-overdue" in (rows[0].get_attribute("class") or "")
    assert "באיחור של 91 ימים" in rows[0].text
    assert [r for r in rows if "pm-plan-overdue" in (r.get_attribute("class") or "")] == [rows[0]]
    # leverage by year: two years, two bars each
    assert len(driver.find_elements(By.CSS_SELECTOR, "#tab-plan svg.pm-plan-chart rect")) == 4
    assert_no_alert(driver)
    script_row = driver.find_element(By.CSS_SELECTOR, '[data-commitment="c-script"]')
    assert SCRIPT in script_row.text
    driver.save_screenshot(str(ARTIFACTS / "plan-he.png"))


def test_plan_tab_in_english(driver: webdriver.Chrome, server: str) -> None:
    _open_tab(driver, f"{server}/api/v1/dashboard/town?as_of=2026-06-30&lang=en")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "ltr"
    bar = _rect(driver, '[data-goal="g-on"] .pm-plan-progress')
    fill = _rect(driver, '[data-goal="g-on"] .pm-plan-fill')
    assert fill["left"] == pytest.approx(bar["left"], abs=1)
    assert fill["width"] / bar["width"] == pytest.approx(0.63, abs=0.01)
    text = driver.find_element(By.ID, "tab-plan").text
    assert "₪3.1 from outside for every shekel of the authority" in text
    assert "₪120,000 in the locality serves no goal" in text
    assert "overdue by 91 days" in text
    assert_no_alert(driver)
    driver.save_screenshot(str(ARTIFACTS / "plan-en.png"))
