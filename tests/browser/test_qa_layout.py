"""Pages fit the window: nothing of a page is pushed off screen (found walking the demo, QA).

The all-localities table is wider than a 1400-pixel window; it used to widen the whole page,
so in Hebrew and Arabic the header and the locality names ended up outside the window.
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
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from api.app import create_app
from api.config import Settings
from graph.store.sqlite import SQLiteStore
from importers.demo import demo_path
from importers.registry import run_import

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("qa-layout")
    with SQLiteStore(folder / "g.db") as store:
        assert run_import(store, demo_path()).valid
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
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(arg)
    browser = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    browser.set_page_load_timeout(90)
    yield browser
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.parametrize("lang", ["he", "en", "ar"])
def test_the_all_localities_page_keeps_the_window_width(
    server: str, driver: webdriver.Chrome, lang: str
) -> None:
    driver.get(f"{server}/api/v1/dashboard?lang={lang}")
    page, window = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert page <= window, f"the page is {page}px wide in a {window}px window"
    # The first locality's name is inside the window (at the start side of the page).
    name = driver.find_element(By.CSS_SELECTOR, "#pm-localities tbody tr th a")
    left, right = driver.execute_script(
        "var r = arguments[0].getBoundingClientRect(); return [r.left, r.right];", name
    )
    assert 0 <= left and right <= window
