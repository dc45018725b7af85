"""The workbench in a real headless Chromium: sign in, edit, add a forum member, upload, sign out.

A keyed server (no open reading) runs the real app under uvicorn on a free
loopback port with the small town of ``tests/api/conftest.py``. The
browser signs in through the form, edits an organisation, adds a member
to a forum by searching a name, uploads a workbook with errors and reads
the report table, confirms a good one, undoes a change as an admin, and
signs out; a form without its CSRF token is refused, a viewer's session
cannot write, and revoking a key ends its session. Screenshots go to
``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi import FastAPI
from openpyxl import Workbook
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from api.app import create_app
from api.auth import Role
from api.config import Settings
from graph.store.sqlite import SQLiteStore
from tests.browser.support import ARTIFACTS, chrome, free_port, serve, submit


def _town() -> ModuleType:
    path = Path(__file__).parents[1] / "api" / "conftest.py"
    spec = importlib.util.spec_from_file_location("pm_town_for_workbench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Server:
    def __init__(self, url: str, app: FastAPI, store: SQLiteStore, keys: dict[str, str]) -> None:
        self.url, self.app, self.store, self.keys = url, app, store, keys


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("workbench")
    store = SQLiteStore(folder / "g.db")
    nodes, rels = _town().town_records()
    store.write(nodes, rels)
    port = free_port()
    settings = Settings(
        store=f"sqlite:///{folder / 'g.db'}", host="127.0.0.1", port=port, keys_path=folder / "k"
    )
    app = create_app(settings, store=store)
    keys = {role.value: app.state.keys.create(role).secret for role in Role}
    with serve(app, port) as url:
        yield Server(url, app, store, keys)
    store.close()


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    with chrome(lang="he") as browser:
        yield browser


def _wait(driver: webdriver.Chrome, css: str, timeout: float = 15) -> WebElement:
    try:
        return WebDriverWait(driver, timeout).until(lambda d: d.find_element(By.CSS_SELECTOR, css))
    except TimeoutException:  # keep what the browser showed, for the failure's reader
        (ARTIFACTS / "workbench-failed.html").write_text(driver.page_source, encoding="utf-8")
        raise


def _sign_in(driver: webdriver.Chrome, server: Server, role: str, start: str = "/web") -> None:
    driver.delete_all_cookies()
    driver.get(server.url + start)
    WebDriverWait(driver, 15).until(lambda d: "/signin" in d.current_url)
    driver.find_element(By.ID, "pm-key").send_keys(server.keys[role])
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form.pm-form button[type=submit]"))
    WebDriverWait(driver, 15).until(lambda d: d.current_url.endswith(start))


def _shot(driver: webdriver.Chrome, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"workbench-{name}.png"))


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _field(driver: webdriver.Chrome, name: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f"#pm-item-form [name='{name}']")


def test_sign_in_edit_member_upload_sign_out(
    driver: webdriver.Chrome, server: Server, tmp_path: Path
) -> None:
    # A page of a keyed server sends the browser to sign in, then back to the page.
    _sign_in(driver, server, "editor", start="/api/v1/dashboard")
    assert "שדרות" in driver.page_source

    # Edit an organisation found by searching its Hebrew name.
    driver.get(server.url + "/web/organizations")
    search = driver.find_element(By.ID, "pm-q")
    search.send_keys("אור לגיל")
    submit(driver, search)
    submit(driver, _wait(driver, "#pm-items a"))
    name = _field(driver, "name")
    name.clear()
    name.send_keys("עמותת אור לגיל הרך — סניף שדרות")
    Select(_field(driver, "sector")).select_by_value("community")
    submit(driver, driver.find_element(By.ID, "pm-save"))
    assert "נשמר" in _wait(driver, "#pm-notice").text
    ngo = server.store.get("ngo")
    assert ngo is not None
    assert (ngo.props["name"], ngo.props["sector"]) == (
        "עמותת אור לגיל הרך — סניף שדרות",
        "community",
    )

    # A bad value is refused, with the API's message beside the field.
    Select(_field(driver, "sector")).select_by_value("nonprofit")
    _field(driver, "registration_number").send_keys("58-000")
    parent = _field(driver, "parent_id")
    parent.clear()
    parent.send_keys("no-such-org")
    submit(driver, driver.find_element(By.ID, "pm-save"))
    error = _wait(driver, "[data-field='parent_id'] .pm-error")
    assert error.text == "parent_id 'no-such-org' refers to an id that exists nowhere"
    assert server.store.get("ngo").props["sector"] == "community"  # nothing written
    _shot(driver, "form-error-he")

    # Add a member to a forum: search the business by its English name, pick it.
    driver.get(server.url + "/web/forums/item?id=f1")
    picker = _wait(driver, "#pm-add-memberships-forum_id .pm-pick-input")
    picker.send_keys("Sderot Tech")
    # Results of shorter prefixes may show first and be replaced: click the settled one.
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script(
            "const o = document.querySelectorAll('#pm-add-memberships-forum_id .pm-pick-option');"
            "if (o.length === 1 && o[0].dataset.id === 'biz') { o[0].click(); return true; }"
            "return false;"
        )
    )
    form = driver.find_element(By.ID, "pm-add-memberships-forum_id")
    assert form.find_element(By.NAME, "member_id").get_attribute("value") == "biz"
    Select(form.find_element(By.NAME, "position")).select_by_value("observer")
    submit(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    members = _wait(driver, "#pm-related-memberships table")
    assert "Sderot Tech Ltd" in members.text
    rel = server.store.get_relationship(("biz", "MEMBER_OF", "f1"))
    assert rel is not None and rel.props["position"] == "observer"
    _shot(driver, "forum-members-he")

    # Upload a workbook with errors: the report is a table, nothing lands.
    bad = _workbook(
        tmp_path / "bad.xlsx",
        {
            "organizations": [["id", "name", "sector"], ["o-shop", "מכולת", "shop"]],
            "programs": [
                ["id", "name", "operator_id", "locality_id"],
                ["p-x", "תכנית רפאים", "ghost", "l1"],
            ],
        },
    )
    driver.get(server.url + "/web/imports")
    driver.find_element(By.ID, "pm-file").send_keys(str(bad))
    submit(driver, driver.find_element(By.ID, "pm-check"))
    table = _wait(driver, "#pm-report")
    rows = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")
    ]
    assert rows[0][:4] == ["organizations", "2", "sector", "shop"]
    assert rows[0][4].startswith("expected one of: local_authority")
    assert rows[1] == [
        "programs",
        "2",
        "operator_id",
        "ghost",
        "refers to 'ghost', which exists nowhere",
    ]
    assert driver.find_elements(By.ID, "pm-confirm") == []
    assert server.store.get("o-shop") is None
    _shot(driver, "upload-errors-he")

    # A good one: checked first (nothing written yet), landed on confirmation.
    good = _workbook(
        tmp_path / "good.xlsx",
        {
            "organizations": [
                ["id", "name", "sector", "locality_ids"],
                ["o-youth", "תנועת נוער שדרות", "nonprofit", "l1"],
            ],
            "memberships": [["member_id", "forum_id", "position"], ["o-youth", "f1", "member"]],
        },
    )
    driver.find_element(By.ID, "pm-file").send_keys(str(good))
    submit(driver, driver.find_element(By.ID, "pm-check"))
    # One organisation and one membership, as the dry run counts them.
    assert _wait(driver, "#pm-valid").text == "הקובץ תקין. מוכן לקליטה — רשומות: 1, קשרים: 1."
    assert server.store.get("o-youth") is None
    submit(driver, driver.find_element(By.ID, "pm-confirm"))
    landed = _wait(driver, "#pm-landed").text
    assert "נקלט" in landed
    assert server.store.get("o-youth") is not None
    assert server.store.get_relationship(("o-youth", "MEMBER_OF", "f1")) is not None

    # Sign out: the pages send the browser back to sign in.
    submit(driver, driver.find_element(By.ID, "pm-signout"))
    WebDriverWait(driver, 15).until(lambda d: "/signin" in d.current_url)
    driver.get(server.url + "/web/organizations")
    assert "/signin" in driver.current_url


def test_admin_reads_the_audit_trail_and_undoes_a_change(
    driver: webdriver.Chrome, server: Server
) -> None:
    _sign_in(driver, server, "admin")
    driver.get(server.url + "/web/organizations/item?id=comm")
    name = _field(driver, "name")
    name.clear()
    name.send_keys("جمعية الأمل للشباب")
    submit(driver, driver.find_element(By.ID, "pm-save"))
    _wait(driver, "#pm-notice")
    assert server.store.get("comm").props["name"] == "جمعية الأمل للشباب"
    driver.get(server.url + "/web/audit")
    first = _wait(driver, "#pm-audit tbody tr")
    assert "جمعية الأمل للشباب" in first.text and "جمعية الأمل" in first.text
    _shot(driver, "audit-he")
    submit(driver, first.find_element(By.CSS_SELECTOR, ".pm-undo"))
    _wait(driver, "#pm-notice")
    assert server.store.get("comm").props["name"] == "جمعية الأمل"


def test_a_form_without_its_csrf_token_is_refused(driver: webdriver.Chrome, server: Server) -> None:
    _sign_in(driver, server, "editor")
    driver.get(server.url + "/web/organizations/item?id=far")
    driver.execute_script("document.querySelector('#pm-item-form [name=csrf]').remove()")
    name = _field(driver, "name")
    name.clear()
    name.send_keys("שם שלא יישמר")
    submit(driver, driver.find_element(By.ID, "pm-save"))
    message = _wait(driver, "#pm-message")
    assert "אסימון האבטחה" in message.text
    assert server.store.get("far").props["name"] == 'מתנ"ס קריית שמונה'


def test_a_viewer_session_cannot_write(driver: webdriver.Chrome, server: Server) -> None:
    _sign_in(driver, server, "viewer")
    driver.get(server.url + "/web/organizations/item?id=biz")
    assert driver.find_elements(By.ID, "pm-save") == []
    assert _field(driver, "name").get_attribute("readonly") is not None
    # Even a hand-made POST with the session's own token is refused.
    status = driver.execute_script(
        """
        const body = new URLSearchParams({
          csrf: document.querySelector('[name=csrf]').value,
          name: 'נפרץ', sector: 'business'});
        const r = await fetch('/web/organizations/item?id=biz', {method: 'POST', body});
        return r.status;
        """
    )
    assert status == 403
    assert server.store.get("biz").props["name"] == "Sderot Tech Ltd"


def test_revoking_a_key_ends_its_browser_session(driver: webdriver.Chrome, server: Server) -> None:
    key = server.app.state.keys.create(Role.editor)
    server.keys["revokable"] = key.secret
    _sign_in(driver, server, "revokable")
    driver.get(server.url + "/web/organizations")
    assert "/web/organizations" in driver.current_url
    server.app.state.keys.revoke(key.key_id)
    driver.get(server.url + "/web/organizations")
    assert "/signin" in driver.current_url
    driver.get(server.url + "/api/v1/organizations")
    assert "the API key" in driver.page_source or "API key" in driver.page_source


def test_pick_an_arabic_name_on_an_arabic_page(driver: webdriver.Chrome, server: Server) -> None:
    _sign_in(driver, server, "editor")
    driver.get(server.url + "/web/programs/item?id=p1&lang=ar")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    form = _wait(driver, "#pm-add-program_partners-program_id")
    form.find_element(By.XPATH, "./ancestor::details").click()
    form.find_element(By.CSS_SELECTOR, ".pm-pick-input").send_keys("الأمل")
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script(
            "const o = document.querySelectorAll("
            "'#pm-add-program_partners-program_id .pm-pick-option');"
            "if (o.length === 1 && o[0].dataset.id === 'comm') { o[0].click(); return true; }"
            "return false;"
        )
    )
    assert form.find_element(By.NAME, "organization_id").get_attribute("value") == "comm"
    submit(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    partners = _wait(driver, "#pm-related-program_partners")
    assert "جمعية الأمل" in partners.text
    assert server.store.get_relationship(("comm", "PARTNERS_IN", "p1")) is not None
    _shot(driver, "program-partner-ar")
