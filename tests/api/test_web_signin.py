"""Sign-in, sessions and CSRF of the workbench (SPEC section 10), through the real app."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.web.pages import SESSION_COOKIE
from api.web.sessions import SessionStore


def _token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, key: str, next_url: str = "/web") -> TestClient:
    """Sign in through the form, as a browser does; the client keeps the cookie."""
    page = client.get("/signin")
    assert page.status_code == 200
    r = client.post(
        "/signin",
        data={"key": key, "csrf": _token(page.text), "next": next_url},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == next_url
    return client


@pytest.fixture
def web(app: FastAPI, town: object) -> TestClient:
    return TestClient(app)


def test_signin_page_is_hebrew_rtl_first_with_english_switch(web: TestClient) -> None:
    page = web.get("/signin")
    assert page.status_code == 200
    assert '<html lang="he" dir="rtl">' in page.text
    assert "מפתח גישה" in page.text and 'name="key"' in page.text
    assert "?lang=en" in page.text
    english = web.get("/signin?lang=en")
    assert '<html lang="en" dir="ltr">' in english.text and "Access key" in english.text
    arabic = web.get("/signin?lang=ar")
    assert '<html lang="ar" dir="rtl">' in arabic.text and "مفتاح الوصول" in arabic.text
    # The choice is remembered for the next pages.
    assert '<html lang="ar" dir="rtl">' in web.get("/signin").text


def test_session_cookie_holds_a_random_id_not_the_key(
    web: TestClient, app: FastAPI, keys: dict[str, str]
) -> None:
    page = web.get("/signin")
    r = web.post(
        "/signin",
        data={"key": keys["editor"], "csrf": _token(page.text), "next": "/web"},
        follow_redirects=False,
    )
    cookie = r.headers["set-cookie"]
    assert "pm_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie.split(", pm_signin")[0]  # plain HTTP here
    value = re.search(r"pm_session=([^;]+)", cookie).group(1)
    assert keys["editor"] not in cookie and value != keys["editor"]
    # Stored hashed: the file holds SHA-256(cookie), never the cookie or the key.
    path = app.state.sessions.path
    rows = sqlite3.connect(path).execute("SELECT id_hash, key_id FROM sessions").fetchall()
    assert rows == [(hashlib.sha256(value.encode()).hexdigest(), keys["editor"].split("_")[1])]
    raw = Path(path).read_bytes()
    assert value.encode() not in raw and keys["editor"].encode() not in raw


def test_secure_cookie_over_https(app: FastAPI, town: object, keys: dict[str, str]) -> None:
    client = TestClient(app, base_url="https://testserver")
    page = client.get("/signin")
    r = client.post(
        "/signin",
        data={"key": keys["viewer"], "csrf": _token(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "Secure" in r.headers["set-cookie"].split("pm_session=")[1].split(", ")[0]


def test_bad_key_and_missing_form_token_are_refused(web: TestClient, keys: dict[str, str]) -> None:
    page = web.get("/signin")
    r = web.post("/signin", data={"key": keys["admin"] + "x", "csrf": _token(page.text)})
    assert r.status_code == 401 and "אינו תקף" in r.text
    assert "pm_session" not in r.headers.get("set-cookie", "")
    # A right key posted without the form's token (a cross-site sign-in) starts no session.
    fresh = TestClient(web.app)
    r = fresh.post("/signin", data={"key": keys["admin"], "csrf": "forged"})
    assert r.status_code == 403 and "pm_session" not in r.headers.get("set-cookie", "")


def test_pages_of_a_keyed_server_redirect_to_signin_then_back(
    web: TestClient, keys: dict[str, str]
) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    pages = ("/api/v1/dashboard", "/api/v1/maps/l1?lang=en", "/api/v1/glossary", "/web")
    for path in (*pages, "/web/organizations"):
        r = web.get(path, headers=browser, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/signin?next=%2F"), path
    # JSON stays JSON, and a program (not asking for HTML) gets 401 for a page too.
    r = web.get("/api/v1/organizations", headers=browser, follow_redirects=False)
    assert r.status_code == 401
    assert web.get("/api/v1/dashboard", follow_redirects=False).status_code == 401
    sign_in(web, keys["viewer"], "/api/v1/dashboard/l1")
    r = web.get("/api/v1/dashboard/l1")
    assert r.status_code == 200 and "שדרות" in r.text
    # Downloads linked from the pages are reads too: the session fetches them.
    r = web.get("/api/v1/export", params={"format": "json", "locality_id": "l1"})
    assert r.status_code == 200


def test_next_cannot_send_to_another_site(web: TestClient, keys: dict[str, str]) -> None:
    page = web.get("/signin?next=//evil.example/x")
    assert 'value="/web"' in page.text
    r = web.post(
        "/signin",
        data={"key": keys["viewer"], "csrf": _token(page.text), "next": "https://evil.example"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/web"


def test_session_reads_the_api_but_never_writes_it(web: TestClient, keys: dict[str, str]) -> None:
    sign_in(web, keys["admin"])
    r = web.get("/api/v1/organizations", params={"q": "עמותת"})
    assert r.status_code == 200 and [o["id"] for o in r.json()["data"]] == ["ngo"]
    # The cookie alone writes nothing through the JSON API, even an admin's.
    r = web.post("/api/v1/organizations", json={"id": "x1", "name": "x", "sector": "other"})
    assert r.status_code == 401
    assert web.get("/api/v1/organizations/x1").status_code == 404


def test_forms_need_the_session_csrf_token(web: TestClient, keys: dict[str, str]) -> None:
    sign_in(web, keys["editor"])
    org = {"id": "o-new", "name": "עמותה חדשה", "sector": "nonprofit"}
    r = web.post("/web/organizations/new", data=org)
    assert r.status_code == 403 and "אסימון" in r.text
    r = web.post("/web/organizations/new", data={**org, "csrf": "not-the-token"})
    assert r.status_code == 403
    token = _token(web.get("/web").text)
    r = web.post(
        "/web/organizations/new",
        data={**org, "csrf": token},
        headers={"Origin": "https://evil.example"},
    )
    assert r.status_code == 403
    assert web.get("/api/v1/organizations/o-new").status_code == 404
    r = web.post("/web/organizations/new", data={**org, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    assert web.get("/api/v1/organizations/o-new").json()["name"] == "עמותה חדשה"


def test_viewer_session_cannot_write(
    web: TestClient, keys: dict[str, str], as_role: Callable[[str], dict[str, str]]
) -> None:
    sign_in(web, keys["viewer"])
    token = _token(web.get("/web").text)
    r = web.post(
        "/web/organizations/item?id=ngo",
        data={"csrf": token, "name": "שם אחר", "sector": "business"},
    )
    assert r.status_code == 403
    r = web.post("/web/organizations/delete", data={"csrf": token, "id": "comm"})
    assert r.status_code == 403
    org = web.get("/api/v1/organizations/ngo").json()
    assert (org["name"], org["sector"]) == ("עמותת אור לגיל הרך", "nonprofit")
    assert web.get("/api/v1/organizations/comm").status_code == 200
    # The refusals are in the audit trail, with the viewer's key.
    trail = TestClient(web.app).get("/api/v1/audit", headers=as_role("admin")).json()["data"]
    refused = [(e["method"], e["path"], e["status"]) for e in trail if e["role"] == "viewer"]
    assert ("PATCH", "/web/organizations", 403) in refused
    assert ("DELETE", "/web/organizations", 403) in refused


def test_revoking_the_key_ends_its_session_at_once(
    web: TestClient, app: FastAPI, keys: dict[str, str]
) -> None:
    sign_in(web, keys["editor"])
    assert web.get("/web").status_code == 200
    assert web.get("/api/v1/organizations").status_code == 200
    key_id = keys["editor"].split("_")[1]
    assert app.state.keys.revoke(key_id)
    r = web.get("/web", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/signin")
    assert web.get("/api/v1/organizations").status_code == 401
    sessions: SessionStore = app.state.sessions
    assert sessions.count() == 0


def test_signout_ends_the_session(web: TestClient, app: FastAPI, keys: dict[str, str]) -> None:
    sign_in(web, keys["viewer"])
    cookie = web.cookies.get("pm_session")
    token = _token(web.get("/web").text)
    r = web.post("/signout", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/signin"
    assert app.state.sessions.get(cookie) is None
    # The old cookie, replayed, is worth nothing.
    replay = TestClient(app, cookies={"pm_session": cookie})
    assert replay.get("/web", follow_redirects=False).status_code == 303
    assert replay.get("/api/v1/organizations").status_code == 401


def test_sessions_expire(tmp_path: Path) -> None:
    from api.auth import KeyStore, Role

    keys = KeyStore(tmp_path / "k.sqlite3")
    key = keys.create(Role.viewer)
    principal = keys.verify(key.secret)
    assert principal is not None
    sessions = SessionStore(tmp_path / "s.sqlite3", max_age=-1)
    cookie, _ = sessions.open(principal)
    assert sessions.get(cookie) is None  # past its absolute deadline
    idle = SessionStore(tmp_path / "s2.sqlite3", idle=0)
    cookie, _ = idle.open(principal)
    assert idle.get(cookie) is None  # idle too long
    live = SessionStore(tmp_path / "s3.sqlite3")
    cookie, _ = live.open(principal)
    assert live.principal(cookie, keys) == principal


def test_a_session_carries_its_keys_scope_and_permissions(web: TestClient, app: FastAPI) -> None:
    from api.auth import Role

    key = app.state.keys.create(Role.viewer, localities=["l1"], personal_data=True)
    sign_in(web, key.secret)
    principal = app.state.sessions.principal(web.cookies.get("pm_session"), app.state.keys)
    assert principal == app.state.keys.verify(key.secret)
    assert principal.localities == frozenset({"l1"}) and principal.personal_data


def test_a_browser_gets_a_page_where_nothing_is_found(
    web: TestClient, keys: dict[str, str]
) -> None:
    sign_in(web, keys["viewer"])
    html = {"accept": "text/html,application/xhtml+xml"}
    # An unknown path, and an unknown locality on an HTML route: a page in the user's language,
    # with the request's id as escaped text and links back to the workbench and the dashboards.
    for url in ("/no/such/page?lang=en", "/api/v1/dashboard/<b>nope?lang=en"):
        r = web.get(url, headers=html)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert "The page you asked for was not found" in r.text
        assert 'href="/api/v1/dashboard"' in r.text
        assert "<b>nope" not in r.text
    assert "&lt;b&gt;nope" in web.get("/api/v1/dashboard/<b>nope", headers=html).text
    assert "הדף שביקשתם לא נמצא" in web.get("/no/such/page?lang=he", headers=html).text
    # The store's English wording is folded away under a summary in the page's language,
    # left to right, so a Hebrew page does not open with an English sentence.
    page = web.get("/api/v1/dashboard/nope?lang=he", headers=html).text
    assert "<summary>פרטים טכניים" in page
    assert '<code dir="ltr">path locality_id: no locality with id &#39;nope&#39;</code>' in page
    # Programs (and a browser on a JSON route) still get JSON.
    assert web.get("/no/such/page").json() == {"detail": "Not Found"}
    r = web.get("/api/v1/organizations/nope", headers=html)
    assert r.status_code == 404 and r.json() == {"detail": "no Organization with id 'nope'"}
    r = web.get("/api/v1/dashboard/nope")
    assert r.json() == {"detail": "path locality_id: no locality with id 'nope'"}


def test_the_signin_form_slows_down_wrong_keys(
    web: TestClient, app: FastAPI, keys: dict[str, str]
) -> None:
    def attempt(key: str) -> Any:
        page = web.get("/signin?lang=en")
        return web.post(
            "/signin",
            data={"key": key, "csrf": _token(page.text), "next": "/web"},
            follow_redirects=False,
        )

    for _ in range(app.state.failed_keys.limit):
        assert attempt("pm_wrong").status_code == 401
    refused = attempt(keys["editor"])
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Too many wrong keys were tried from here" in refused.text
    assert SESSION_COOKIE not in refused.cookies
