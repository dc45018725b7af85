"""The "what changed" tab and the changes map in a real headless Chromium, Hebrew and English.

The history town (tests/analytics/time_fixture.py, changes worked out by hand there) is
served by the real app, with one more organisation whose name is a script: it joins
the local administration in 2024, so it appears among the new ties, as text.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from api.app import create_app
from api.config import Settings
from graph.model import Membership, Organization, edge_record, to_record
from graph.store.sqlite import SQLiteStore
from tests.analytics.time_fixture import history_town

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCRIPT = "<script>alert(1)</script>"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    port = _free_port()
    settings = Settings(
        store=f"sqlite:///{folder / 'g.db'}",
        host="127.0.0.1",
        port=port,
        open_local_read=True,
        keys_path=folder / "keys.db",
    )
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    assert Path(CHROMIUM).exists(), "install Debian's chromium: apt-get install -y chromium"
    assert Path(DRIVER).exists(), "install chromium-driver: apt-get install -y chromium-driver"
    profile = tempfile.mkdtemp(prefix="pm-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
    ):
        options.add_argument(arg)
    options.unhandled_prompt_behavior = "ignore"
    browser = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    browser.set_page_load_timeout(60)
    ARTIFACTS.mkdir(exist_ok=True)
    yield browser
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _open_tab(driver: webdriver.Chrome, url: str) -> None:
    driver.get(url)
    driver.find_element(By.CSS_SELECTOR, 'a.pm-tab-link[href="#tab-changes"]').click()
    assert driver.find_element(By.ID, "tab-changes").is_displayed()
    assert not driver.find_element(By.ID, "tab-network").is_displayed()


def _assert_no_alert(driver: webdriver.Chrome) -> None:
    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        return
    text = alert.text
    alert.dismiss()
    raise AssertionError(f"a script ran: alert({text!r})")


def test_pick_two_dates_in_hebrew(driver: webdriver.Chrome, server: str) -> None:
    _open_tab(driver, f"{server}/api/v1/dashboard/t?as_of=2025-06-30")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    # the default period: from 1 January three years back to the page's date
    start = driver.find_element(By.ID, "pm-changes-from")
    assert start.get_attribute("value") == "2022-01-01"
    driver.execute_script("arguments[0].value = '2022-06-30';", start)
    driver.find_element(By.ID, "pm-changes-show").click()
    # the click starts a navigation: wait for the new page before reading it (flaky under load)
    WebDriverWait(driver, 60).until(
        lambda d: (
            "from=2022-06-30" in d.current_url
            and d.execute_script("return document.readyState") == "complete"
        )
    )
    assert driver.current_url.endswith("#tab-changes")
    assert driver.find_element(By.ID, "tab-changes").is_displayed()
    summary = driver.find_element(By.ID, "pm-changes-summary").text
    # time_fixture: 5 ties added and 2 ended, plus the four ties of the 2024 newcomer
    assert "9 קשרים נוספו, 2 הסתיימו" in summary
    assert "2 גורמים הצטרפו, 1 עזבו" in summary
    added = driver.find_element(By.ID, "pm-changes-added").text
    assert SCRIPT in added  # the newcomer's name, shown as text
    _assert_no_alert(driver)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#tab-changes svg.pm-trend")) == 3
    driver.save_screenshot(str(ARTIFACTS / "changes-he.png"))


def test_changes_on_the_map_in_english(driver: webdriver.Chrome, server: str) -> None:
    _open_tab(driver, f"{server}/api/v1/dashboard/t?as_of=2025-06-30&lang=en&from=2022-06-30")
    assert "9 ties added, 2 ended" in driver.find_element(By.ID, "pm-changes-summary").text
    driver.find_element(By.ID, "pm-changes-map").click()
    # the dashboard has a map too: wait until the map page itself has loaded
    WebDriverWait(driver, 60).until(
        lambda d: (
            "/maps/" in d.current_url
            and d.execute_script("return document.readyState") == "complete"
        )
    )
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
    _assert_no_alert(driver)
    driver.save_screenshot(str(ARTIFACTS / "changes-map-en.png"))
