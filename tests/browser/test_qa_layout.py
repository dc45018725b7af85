"""Pages fit the window: nothing of a page is pushed off screen (found walking the demo, QA).

The all-localities table is wider than a 1400-pixel window; it used to widen the whole page,
so in Hebrew and Arabic the header and the locality names ended up outside the window.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from graph.store.sqlite import SQLiteStore
from importers.demo import demo_path
from importers.registry import run_import
from tests.browser.support import chrome, serve_store


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("qa-layout")
    with SQLiteStore(folder / "g.db") as store:
        assert run_import(store, demo_path()).valid
    with serve_store(folder) as url:
        yield url


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    with chrome(window="1400,1000", page_load_timeout=90) as browser:
        yield browser


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
