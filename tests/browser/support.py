"""What every browser test shares: a served app, a headless Chromium, and safe waits.

Each test module builds its own store and app; this module starts the app
under uvicorn on a free loopback port (:func:`serve`), opens Debian's
headless Chromium (:func:`chrome`), and waits for what a click starts
(:func:`navigation`) by a marker the old page carries, not by an element
reference that Chromium may report as "not in the document" while the next
page loads. Screenshots go to ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from api.app import create_app
from api.config import Settings

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

__all__ = [
    "ARTIFACTS",
    "assert_no_alert",
    "chrome",
    "free_port",
    "navigation",
    "serve",
    "serve_store",
    "submit",
]


def free_port() -> int:
    """A TCP port free on the loopback address now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: FastAPI, port: int) -> Iterator[str]:
    """Run ``app`` under uvicorn on ``127.0.0.1:port`` in a thread; yield its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped before it started"
        assert time.monotonic() < deadline, "uvicorn did not start within 20 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def serve_store(folder: Path) -> Iterator[str]:
    """The real app over the SQLite store ``folder/g.db``, open reading on loopback; its URL."""
    port = free_port()
    settings = Settings(
        store=f"sqlite:///{folder / 'g.db'}",
        host="127.0.0.1",
        port=port,
        open_local_read=True,
        keys_path=folder / "keys.db",
    )
    with serve(create_app(settings), port) as url:
        yield url


@contextmanager
def chrome(
    window: str = "1400,1000", lang: str | None = None, page_load_timeout: float = 60
) -> Iterator[webdriver.Chrome]:
    """Debian's headless Chromium with a throwaway profile.

    An alert stays open (``unhandled_prompt_behavior = "ignore"``) so that a
    test sees it with :func:`assert_no_alert` instead of Selenium dismissing it.
    """
    assert Path(CHROMIUM).exists(), "install Debian's chromium: apt-get install -y chromium"
    assert Path(DRIVER).exists(), "install chromium-driver: apt-get install -y chromium-driver"
    profile = tempfile.mkdtemp(prefix="pm-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--window-size={window}",
        *([f"--lang={lang}"] if lang else []),
    ):
        options.add_argument(arg)
    options.unhandled_prompt_behavior = "ignore"
    browser = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    browser.set_page_load_timeout(page_load_timeout)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def assert_no_alert(driver: webdriver.Chrome) -> None:
    """Fail when a script (e.g. from a name in the data) opened an alert."""
    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        return
    text = alert.text
    alert.dismiss()
    raise AssertionError(f"a script ran: alert({text!r})")


@contextmanager
def navigation(driver: webdriver.Chrome, timeout: float = 30) -> Iterator[None]:
    """Wait, after the block, until the page the block started from is gone and the next loaded.

    The old page carries a marker (a property on ``window``); a new document
    does not. While the next page loads, a script may fail: that counts as
    "not yet".
    """
    driver.execute_script("window.__pmOldPage = true;")
    yield

    def arrived(d: webdriver.Chrome) -> bool:
        try:
            return bool(
                d.execute_script(
                    "return window.__pmOldPage !== true && document.readyState === 'complete';"
                )
            )
        except WebDriverException:
            return False

    WebDriverWait(driver, timeout, poll_frequency=0.1).until(arrived)


def submit(driver: webdriver.Chrome, element: WebElement) -> None:
    """Click a button (or submit a search field) and wait for the page it leads to."""
    with navigation(driver):
        if element.tag_name == "input" and element.get_attribute("type") == "search":
            element.submit()
        else:
            element.click()
