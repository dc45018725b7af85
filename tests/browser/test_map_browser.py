"""The map and dashboard in a real headless Chromium (Debian's ``chromium`` + ``chromium-driver``).

Serves the demo-like sample through the real app (uvicorn on a free
loopback port, real analysis report), clicks a duplicated intervention and
checks the map focused on it, checks that an organisation named
``<script>alert(1)</script>`` is shown as text and runs nothing, searches
names in Hebrew and Arabic, and measures how long a 2,000-node map takes to
settle. Screenshots go to ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import importlib.util
import json
import random
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import networkx as nx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from graph.store.sqlite import SQLiteStore
from tests.browser.support import ARTIFACTS, assert_no_alert, chrome, serve_store
from viz.maps import render_map


def _sample() -> ModuleType:
    path = Path(__file__).parents[1] / "viz" / "sample_data.py"
    spec = importlib.util.spec_from_file_location("pm_sample_data_browser", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sample = _sample()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    store = SQLiteStore(folder / "g.db")
    sample.write_sample(store)
    store.close()
    with serve_store(folder) as url:
        yield url


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    with chrome(window="1440,900", lang="he") as browser:
        yield browser


def _wait_settled(driver: webdriver.Chrome, timeout: float = 60) -> dict[str, Any]:
    WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        lambda d: d.execute_script("return !!(window.pmMap && window.pmMap.settled)")
    )
    result: dict[str, Any] = driver.execute_script(
        "return {ms: pmMap.settleMs, iterations: pmMap.iterations, timings: pmMap.timings,"
        " nodes: pmMap.data.nodes.length, edges: pmMap.data.edges.length}"
    )
    return result


def _view(driver: webdriver.Chrome) -> dict[str, float]:
    return driver.execute_script(  # type: ignore[no-any-return]
        "var p = pmMap.network.getViewPosition();"
        "return {x: p.x, y: p.y, scale: pmMap.network.getScale()};"
    )


def test_clicking_a_duplicate_focuses_the_map(driver: webdriver.Chrome, server: str) -> None:
    driver.get(f"{server}/api/v1/dashboard/l-sderot")
    _wait_settled(driver)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    before = _view(driver)
    button = driver.find_element(By.CSS_SELECTOR, "#pm-list-duplicates button.pm-finding")
    expected = sorted(json.loads(button.get_attribute("data-focus") or "[]"))
    assert {"p1", "p2"} <= set(expected)  # found by the real analysis of the sample
    button.click()
    time.sleep(0.8)  # the focus animation takes 450 ms
    selected = sorted(driver.execute_script("return pmMap.network.getSelectedNodes()"))
    assert selected == expected
    after = _view(driver)
    assert (after["x"], after["y"], after["scale"]) != (before["x"], before["y"], before["scale"])
    # the duplicated programs are drawn even though forums and programs start hidden
    hidden = driver.execute_script("return ['p1','p2'].map(id => pmMap.nodes.get(id).hidden)")
    assert hidden == [False, False]
    # and both are inside the visible canvas
    inside = driver.execute_script(
        "var c = document.getElementById('pm-network').getBoundingClientRect();"
        "return ['p1','p2'].every(function (id) {"
        "  var p = pmMap.network.canvasToDOM(pmMap.network.getPositions([id])[id]);"
        "  return p.x >= 0 && p.y >= 0 && p.x <= c.width && p.y <= c.height; });"
    )
    assert inside is True
    assert "pm-active" in (button.get_attribute("class") or "")
    driver.save_screenshot(str(ARTIFACTS / "dashboard-he-focused.png"))


def test_script_names_are_text_and_run_nothing(driver: webdriver.Chrome, server: str) -> None:
    driver.get(f"{server}/api/v1/dashboard/l-sderot")
    _wait_settled(driver)
    assert_no_alert(driver)
    titles = [
        e.text for e in driver.find_elements(By.CSS_SELECTOR, "#pm-list-isolates .pm-finding-title")
    ]
    assert sample.XSS_NAME in titles
    tip = driver.execute_script(
        "var t = pmMap.nodes.get('xss').title;"
        "return {text: t.textContent, scripts: t.querySelectorAll('script').length};"
    )
    assert sample.XSS_NAME in tip["text"] and tip["scripts"] == 0
    injected = driver.execute_script(
        "return Array.from(document.scripts).filter(s => s.textContent === 'alert(1)').length"
    )
    assert injected == 0
    driver.find_element(By.ID, "pm-search").send_keys("<script>", Keys.ENTER)
    time.sleep(0.3)
    assert driver.execute_script("return pmMap.lastFocus") == ["xss"]
    assert_no_alert(driver)


def test_search_finds_names_in_any_script(driver: webdriver.Chrome, server: str) -> None:
    driver.get(f"{server}/api/v1/maps/l-sderot?lang=en")
    _wait_settled(driver)
    box = driver.find_element(By.ID, "pm-search")
    for query, expected in ((sample.ARABIC_NAME, "arab"), ("מתנס", "mtns"), ("sapir tech", "biz")):
        box.clear()
        box.send_keys(query, Keys.ENTER)
        time.sleep(0.3)
        assert driver.execute_script("return pmMap.lastFocus") == [expected], query
        assert driver.execute_script("return pmMap.network.getSelectedNodes()") == [expected]


def test_screenshots_in_both_languages(driver: webdriver.Chrome, server: str) -> None:
    for lang in ("he", "en"):
        driver.get(f"{server}/api/v1/dashboard/l-sderot?lang={lang}")
        _wait_settled(driver)
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
        driver.save_screenshot(str(ARTIFACTS / f"dashboard-{lang}.png"))
        driver.execute_script("document.getElementById('pm-investment-h').scrollIntoView()")
        driver.save_screenshot(str(ARTIFACTS / f"dashboard-{lang}-charts.png"))
        driver.get(f"{server}/api/v1/maps/l-sderot?lang={lang}")
        _wait_settled(driver)
        driver.find_element(By.ID, "pm-toggle-structures").click()
        time.sleep(0.3)
        driver.save_screenshot(str(ARTIFACTS / f"map-{lang}.png"))
        driver.get(f"{server}/api/v1/dashboard?lang={lang}")
        driver.save_screenshot(str(ARTIFACTS / f"index-{lang}.png"))
        assert_no_alert(driver)


def _big_network(n: int = 2000, seed: int = 1) -> nx.Graph:
    """A network the size of a big city: sector communities, hubs and cross-sector ties."""
    rng = random.Random(seed)
    sectors = [
        "local_authority",
        "government",
        "nonprofit",
        "philanthropy",
        "business",
        "academia",
        "community",
        "other",
    ]
    G = nx.powerlaw_cluster_graph(n, 3, 0.3, seed=seed)
    H = nx.Graph()
    for i in G.nodes:
        H.add_node(
            f"o{i}", name=f"ארגון {i} منظمة", sector=rng.choice(sectors), locality_ids=["l1"]
        )
    for u, v in G.edges:
        H.add_edge(
            f"o{u}",
            f"o{v}",
            weight=1.0,
            kinds=["forum"],
            evidence=[{"kind": "forum", "id": f"f{u % 40}", "name": f"פורום {u % 40}"}],
        )
    return H


def test_a_2000_node_map_settles_and_stays_still(driver: webdriver.Chrome, tmp_path: Path) -> None:
    G = _big_network()
    report = {"bridges": [{"id": f"o{i}", "score": 0.5, "reasons": ["hub"]} for i in range(20)]}
    started, cpu = time.perf_counter(), time.process_time()
    html = render_map(G, report, lang="he", title="עיר גדולה")
    render_s, render_cpu = time.perf_counter() - started, time.process_time() - cpu
    page = tmp_path / "big.html"
    page.write_text(html, encoding="utf-8")
    driver.get(page.as_uri())
    settled = _wait_settled(driver, timeout=120)
    assert settled["nodes"] == 2000
    first = driver.execute_script("return pmMap.network.getPositions()")
    time.sleep(1.0)
    second = driver.execute_script("return pmMap.network.getPositions()")
    moved = max(
        abs(first[k]["x"] - second[k]["x"]) + abs(first[k]["y"] - second[k]["y"]) for k in first
    )
    assert moved == 0, "the layout keeps moving after it settled"
    assert driver.execute_script("return pmMap.network.physics.physicsEnabled") is False
    driver.save_screenshot(str(ARTIFACTS / "map-2000-he.png"))
    result = {
        **settled,
        "render_html_s": round(render_s, 2),
        "render_cpu_s": round(render_cpu, 2),
        "html_bytes": len(html),
    }
    (ARTIFACTS / "settle-2000.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"2,000-node map: {result}")
    assert settled["ms"] < 60_000


def _visible(driver: webdriver.Chrome) -> set[str]:
    return set(
        driver.execute_script("return pmMap.nodes.get({filter: n => !n.hidden}).map(n => n.id)")
    )


def test_filters_and_toggles(driver: webdriver.Chrome, server: str) -> None:
    driver.get(f"{server}/api/v1/maps/l-sderot")
    _wait_settled(driver)
    everyone = _visible(driver)
    assert {"np1", "np2", "biz", "xss"} <= everyone and "p1" not in everyone

    def choose(select_id: str, value: str) -> None:
        driver.execute_script(
            "var s = document.getElementById(arguments[0]); s.value = arguments[1];"
            "s.dispatchEvent(new Event('change'));",
            select_id,
            value,
        )

    choose("pm-filter-domain", "early_childhood")
    early = _visible(driver)
    assert {"np1", "np2"} <= early and "biz" not in early and "xss" not in early
    choose("pm-filter-domain", "")
    choose("pm-filter-sector", "philanthropy")
    assert _visible(driver) == {"f1", "f2"}
    choose("pm-filter-sector", "")
    choose("pm-filter-context", "emergency")
    shown_edges = driver.execute_script(
        "return pmMap.edges.get({filter: e => !e.hidden}).map(e => [e.from, e.to].sort().join('-'))"
    )
    assert (
        "arab-mtns" in shown_edges
        and "mtns-biz" not in shown_edges
        and "biz-mtns" not in shown_edges
    )
    choose("pm-filter-context", "")
    width = "return pmMap.nodes.get('np1').borderWidth"
    assert driver.execute_script(width) >= 3
    driver.find_element(By.ID, "pm-toggle-duplicate").click()
    assert driver.execute_script(width) == 1
    driver.find_element(By.ID, "pm-toggle-structures").click()
    assert {"p1", "p2", "fo-admin"} <= _visible(driver) and "r-pm" not in _visible(driver)
    driver.find_element(By.ID, "pm-toggle-roles").click()
    assert "r-pm" in _visible(driver)
    assert sample.HOLDER not in driver.page_source


def test_api_docs_render_offline(server: str, driver: webdriver.Chrome) -> None:
    """Swagger UI is served by the app (no CDN) and renders FastAPI's OpenAPI 3.1."""
    driver.get(f"{server}/docs")
    WebDriverWait(driver, 30).until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, ".opblock") or "Unable to render" in d.page_source
        )
    )
    assert "Unable to render" not in driver.page_source
    assert "/api/v1/organizations" in driver.page_source


def test_labels_never_overlap_and_zooming_in_shows_more(
    driver: webdriver.Chrome, tmp_path: Path
) -> None:
    # A dense town: 60 organisations in 6 sectors, everyone tied to a third of the others.
    rng = random.Random(3)
    G = nx.Graph()
    sectors = [
        "local_authority",
        "government",
        "nonprofit",
        "philanthropy",
        "business",
        "community",
    ]
    for i in range(60):
        G.add_node(f"o{i}", name=f"ארגון מספר {i} בעיר", sector=sectors[i % 6], locality_ids=[])
    for u in range(60):
        for v in range(u + 1, 60):
            if rng.random() < 0.33:
                G.add_edge(f"o{u}", f"o{v}", weight=1.0, kinds=["forum"], evidence=[])
    report = {"bridges": [{"id": "o0", "score": 0.9, "reasons": ["hub"]}]}
    page = tmp_path / "dense.html"
    page.write_text(render_map(G, report, lang="he", title="עיר צפופה"), encoding="utf-8")
    size = driver.get_window_size()
    driver.set_window_size(900, 700)  # a pane as small as the dashboard's: the legend is in the way
    try:
        driver.get(page.as_uri())
        _wait_settled(driver)
        _dense_labels(driver)
    finally:
        driver.set_window_size(size["width"], size["height"])


def _dense_labels(driver: webdriver.Chrome) -> None:

    def labels() -> dict[str, Any]:
        return driver.execute_script("pmMap.declutter(); return pmMap.labels")

    def no_two_overlap(boxes: list[dict[str, float]]) -> bool:
        return not any(
            a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]
            for i, a in enumerate(boxes)
            for b in boxes[i + 1 :]
        )

    whole = labels()
    assert 0 < whole["shown"] < whole["of"] == 60  # dense: some labels give way
    assert no_two_overlap(whole["boxes"])
    # The legend (bottom corner) covers no label and, in the first view, no organisation.
    legend = driver.execute_script("return pmMap.legendBox()")
    assert legend is not None and no_two_overlap([*whole["boxes"], legend])
    under = driver.execute_script(
        "const b = pmMap.legendBox(), p = pmMap.network.getPositions();"
        "return Object.keys(p).filter(id => p[id].x > b.x1 && p[id].x < b.x2"
        " && p[id].y > b.y1 && p[id].y < b.y2)"
    )
    assert under == []
    shown_ids = {b["id"] for b in whole["boxes"]}
    assert "o0" in shown_ids  # the bridge is labelled first
    drawn = driver.execute_script("return pmMap.nodes.get().filter(n => n.label).map(n => n.id)")
    assert set(drawn) == shown_ids  # what is drawn is what was placed
    driver.execute_script("pmMap.network.moveTo({scale: pmMap.network.getScale() * 3})")
    closer = labels()
    assert closer["shown"] > whole["shown"] and no_two_overlap(closer["boxes"])
    driver.save_screenshot(str(ARTIFACTS / "map-dense-zoomed-he.png"))


def test_the_legend_covers_no_actor_on_a_dashboard(
    driver: webdriver.Chrome, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Sderot's dashboard (the demo): the map pane is narrow, and its legend sat on actors."""
    from importers.registry import run_import

    folder = tmp_path_factory.mktemp("legend")
    store = SQLiteStore(folder / "g.db")
    assert run_import(store, Path(__file__).parents[2] / "importers" / "demo" / "data").valid
    store.close()
    with serve_store(folder) as url:
        for lang in ("en", "he"):
            driver.get(f"{url}/api/v1/dashboard/loc-sderot?lang={lang}&as_of=2025-06-30")
            _wait_settled(driver)
            found = driver.execute_script(
                "pmMap.declutter(); const b = pmMap.legendBox(), p = pmMap.network.getPositions();"
                "const under = Object.keys(p).filter(id => p[id].x > b.x1 && p[id].x < b.x2"
                " && p[id].y > b.y1 && p[id].y < b.y2);"
                "const covered = pmMap.labels.boxes.filter(a => a.x1 < b.x2 && b.x1 < a.x2"
                " && a.y1 < b.y2 && b.y1 < a.y2).map(a => a.id);"
                "return {under: under, covered: covered, shown: pmMap.labels.shown}"
            )
            assert found["shown"] > 10, found
            assert found["under"] == [] and found["covered"] == [], (lang, found)
            driver.save_screenshot(str(ARTIFACTS / f"dashboard-legend-{lang}.png"))
