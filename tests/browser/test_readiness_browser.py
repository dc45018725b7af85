"""The emergency view in a real headless Chromium: the dashboard's 3W tab and the map's overlay.

Serves the hand-worked town of tests/analytics/readiness_fixture.py through the real app,
opens the readiness tab (by its anchor) and checks the coloured cells a user sees, then opens
the map with ``view=readiness`` and checks that the providers carry their contact role, the
unreachable ones a dashed border, and that the team's members are the group drawn.
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from graph.store.sqlite import SQLiteStore
from tests.analytics.readiness_fixture import write_town
from tests.browser.support import ARTIFACTS, chrome, serve_store


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("readiness-browser")
    store = SQLiteStore(folder / "g.db")
    write_town(store)
    store.close()
    with serve_store(folder) as url:
        yield url


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    with chrome(window="1440,900") as browser:
        yield browser


def test_dashboard_tab_shows_the_3w_matrix(server: str, driver: webdriver.Chrome) -> None:
    driver.get(f"{server}/api/v1/dashboard/l?lang=en#tab-readiness")
    section = driver.find_element(By.ID, "tab-readiness")
    assert section.is_displayed()  # the tab is the :target
    cells = section.find_elements(By.CSS_SELECTOR, "td[data-need]")
    by_need = {c.get_attribute("data-need"): c for c in cells}
    assert len(by_need) == 7
    water = by_need["n-water-south"]
    assert water.get_attribute("data-status") == "uncovered"
    assert water.text.startswith("Uncovered")
    # The colour a user sees: uncovered is red-ish, covered green-ish.
    red = water.value_of_css_property("background-color")
    green = by_need["n-food-north"].value_of_css_property("background-color")
    assert red == "rgba(244, 199, 195, 1)" and green == "rgba(200, 230, 201, 1)"
    food_north = by_need["n-food-north"].text
    assert "Bakery (50)" in food_north and "110 of 100 (100%)" in food_north
    legend = section.find_element(By.CLASS_NAME, "pm-r-legend").text
    assert "no organisation can supply it" in legend
    driver.save_screenshot(str(ARTIFACTS / "readiness-dashboard-en.png"))
    driver.get(f"{server}/api/v1/dashboard/l?lang=he#tab-readiness")
    section = driver.find_element(By.ID, "tab-readiness")
    assert "מי עושה מה ואיפה" in section.text
    assert section.find_element(By.CLASS_NAME, "pm-ready").get_attribute("dir") == "rtl"
    driver.save_screenshot(str(ARTIFACTS / "readiness-dashboard-he.png"))


def test_map_marks_providers_and_the_team(server: str, driver: webdriver.Chrome) -> None:
    driver.get(f"{server}/api/v1/maps/l?context=emergency&view=readiness")
    WebDriverWait(driver, 60, poll_frequency=0.1).until(
        lambda d: d.execute_script("return !!(window.pmMap && pmMap.readiness && pmMap.settled)")
    )
    state = driver.execute_script(
        "var n = pmMap.network.body.data.nodes;"
        "return {providers: pmMap.readiness.providers.sort(), members: pmMap.readiness.members,"
        " vol: n.get('vol').label, bakery: n.get('bakery').shapeProperties,"
        " volBorder: n.get('vol').color.border, cityBorder: n.get('city').color.border};"
    )
    assert state["providers"] == ["bakery", "city", "far", "nat", "vol"]
    assert state["members"] == ["city", "mda"]
    assert state["vol"].endswith("\nרכזת מתנדבים")  # the contact role under the name
    assert state["bakery"]["borderDashes"] == [6, 4]  # nobody on the team reaches it
    assert state["volBorder"] == "#E66100" and state["cityBorder"] == "#E66100"
    # The two-line labels are placed by the map's declutter too: none overlaps another, and
    # what is drawn is what was placed.
    placed = driver.execute_script(
        "pmMap.declutter(); var drawn = pmMap.nodes.get().filter(n => n.label && !n.hidden);"
        "return {boxes: pmMap.labels.boxes, drawn: drawn.map(n => [n.id, n.label])};"
    )
    boxes = placed["boxes"]
    assert not any(
        a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
    )
    assert {b["id"] for b in boxes} == {i for i, _ in placed["drawn"]}
    assert dict(placed["drawn"])["vol"].endswith("\nרכזת מתנדבים")  # still after a re-place
    legend = driver.find_element(By.ID, "pm-legend").text
    assert "חבר בצוות החירום" in legend
    driver.save_screenshot(str(ARTIFACTS / "readiness-map-he.png"))
