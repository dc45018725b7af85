"""Editing, the change log with undo, upload and the template of the workbench, through the app.

The town is the one of ``conftest.town_records``: Sderot (l1) with the
authority (muni), a nonprofit (ngo) operating p1, the Rashi foundation
(fund) funding it, a business (biz) partnering with the authority, an
Arabic-named community group (comm) with no tie, the CEO role (ceo) and
forum f1 whose members are ceo (chair) and ngo.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.web.forms import resources
from importers.tabular import COLUMNS, FILE_MODELS


def _token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _errors(html: str, field: str) -> list[str]:
    """The messages shown beside one field (HTML-unescaped)."""
    assert f'data-field="{field}"' in html, f"no field {field}"
    block = html.split(f'data-field="{field}"', 1)[1].split("<label", 1)[0]
    found = re.findall(r'class="pm-error"[^>]*>([^<]*)<', block)
    return [m.replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&") for m in found]


class Browser:
    """A signed-in client that posts forms with their CSRF token."""

    def __init__(self, client: TestClient, key: str) -> None:
        self.client = client
        page = client.get("/signin")
        r = client.post("/signin", data={"key": key, "csrf": _token(page.text)})
        assert r.status_code == 200, r.text
        self.csrf = _token(client.get("/web").text)

    def post(self, url: str, data: dict[str, Any], **kw: Any) -> Any:
        return self.client.post(url, data={**data, "csrf": self.csrf}, **kw)

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)


@pytest.fixture
def editor(app: FastAPI, town: object, keys: dict[str, str]) -> Browser:
    return Browser(TestClient(app), keys["editor"])


@pytest.fixture
def admin(app: FastAPI, town: object, keys: dict[str, str]) -> Browser:
    return Browser(TestClient(app), keys["admin"])


def test_every_resource_the_api_writes_has_a_form(editor: Browser) -> None:
    listed = resources()
    for path in ("organizations", "roles", "forums", "programs", "investments", "goals"):
        assert path in listed
    for path in ("memberships", "partnerships", "program_partners"):
        assert listed[path].ends is not None
    from api.access import PERSONAL_FIELDS

    for path, resource in listed.items():
        page = editor.get(f"/web/{path}/new")
        assert page.status_code == 200, path
        personal = PERSONAL_FIELDS.get(resource.label, ())  # this editor may not see them
        for name in resource.model.model_fields:
            assert (f'name="{name}"' in page.text) == (name not in personal), (path, name)


def test_form_errors_are_the_apis_beside_the_fields(
    editor: Browser, as_role: Callable[[str], dict[str, str]]
) -> None:
    bad = {"id": "p-bad", "name": "תכנית", "operator_id": "ngo", "age_min": "12", "age_max": "3"}
    page = editor.post("/web/programs/new", {**bad, "context": "war"})
    assert page.status_code == 422
    api = editor.client.post(
        "/api/v1/programs", json={**bad, "context": "war"}, headers=as_role("editor")
    )
    assert api.status_code == 422
    api_context = [e["msg"] for e in api.json()["detail"] if e["loc"][-1] == "context"]
    assert _errors(page.text, "context") == api_context
    # A rule across fields (checked after the fields) is shown above the form.
    page = editor.post("/web/programs/new", bad)
    assert "age_min 12 is above age_max 3" in page.text
    # A dangling reference: the API's 409 message, beside the field.
    page = editor.post("/web/programs/new", {**bad, "age_min": "", "operator_id": "ghost"})
    assert page.status_code == 409
    api = editor.client.post(
        "/api/v1/programs",
        json={**bad, "age_min": None, "operator_id": "ghost"},
        headers=as_role("editor"),
    )
    assert _errors(page.text, "operator_id") == [api.json()["detail"]]
    assert editor.get("/api/v1/programs/p-bad").status_code == 404
    # What was typed stays in the form.
    assert 'value="ghost"' in page.text


def test_create_edit_and_delete_an_organisation(editor: Browser) -> None:
    r = editor.post(
        "/web/organizations/new",
        {"id": "o-new", "name": "מרכז צעירים", "sector": "nonprofit", "locality_ids": "l1"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    org = editor.get("/api/v1/organizations/o-new").json()
    assert (org["name"], org["sector"], org["locality_ids"]) == ("מרכז צעירים", "nonprofit", ["l1"])
    r = editor.post(
        "/web/organizations/item?id=o-new",
        {"name": "מרכז צעירים שדרות", "sector": "community", "locality_ids": "l1;l2"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    org = editor.get("/api/v1/organizations/o-new").json()
    assert (org["sector"], org["locality_ids"]) == ("community", ["l1", "l2"])
    r = editor.post("/web/organizations/delete", {"id": "o-new"}, follow_redirects=False)
    assert r.status_code == 303
    assert editor.get("/api/v1/organizations/o-new").status_code == 404


def test_extra_properties_survive_an_edit(editor: Browser, town: Any) -> None:
    from graph.model import NodeRecord

    ngo = town.get("ngo")
    town.write([NodeRecord("Organization", "ngo", {**ngo.props, "website": "https://or.example"})])
    editor.post("/web/organizations/item?id=ngo", {"name": "אור", "sector": "nonprofit"})
    assert town.get("ngo").props["website"] == "https://or.example"


def test_a_referenced_organisation_is_not_deleted(editor: Browser) -> None:
    r = editor.post("/web/organizations/delete", {"id": "ngo"})
    assert r.status_code == 409  # p1's operator
    assert editor.get("/api/v1/organizations/ngo").status_code == 200


def test_forum_page_lists_members_and_adds_one(editor: Browser) -> None:
    page = editor.get("/web/forums/item?id=f1")
    members = page.text.split('id="pm-related-memberships"')[1]
    assert 'מנכ"ל העירייה' in members.replace("&#34;", '"') and "עמותת אור לגיל הרך" in members
    r = editor.post(
        "/web/memberships/new",
        {
            "member_id": "comm",
            "forum_id": "f1",
            "position": "observer",
            "back": "/web/forums/item?id=f1",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/web/forums/item?id=f1"
    got = editor.get("/api/v1/memberships/comm/f1").json()
    assert got["position"] == "observer"
    # A second time is refused, as the API refuses it.
    again = editor.post("/web/memberships/new", {"member_id": "comm", "forum_id": "f1"})
    assert again.status_code == 409
    # A forum is no member of a forum: the API's wrong-kind message.
    wrong = editor.post("/web/memberships/new", {"member_id": "f1", "forum_id": "f1"})
    assert wrong.status_code == 409
    assert _errors(wrong.text, "member_id") == [
        "source 'f1' is a Forum, expected Role or Organization"
    ]


def test_the_change_log_keeps_values_and_undoes_safely(admin: Browser, town: Any) -> None:
    admin.post(
        "/web/organizations/item?id=comm", {"name": "جمعية الأمل للشباب", "sector": "community"}
    )
    page = admin.get("/web/audit")
    assert page.status_code == 200
    row = page.text.split('class="pm-audit-row"')[1]
    assert "جمعية الأمل" in row and "جمعية الأمل للشباب" in row
    seq = re.search(r'name="seq" value="(\d+)"', row).group(1)
    # Someone changes it again: the older change can no longer be undone.
    admin.post("/web/organizations/item?id=comm", {"name": "جمعية الأمل ٢", "sector": "community"})
    r = admin.post("/web/undo", {"seq": seq})
    assert r.status_code == 409
    assert town.get("comm").props["name"] == "جمعية الأمل ٢"
    # The latest one can: the name goes back one step.
    latest = re.search(r'name="seq" value="(\d+)"', admin.get("/web/audit").text).group(1)
    r = admin.post("/web/undo", {"seq": latest}, follow_redirects=False)
    assert r.status_code == 303
    assert town.get("comm").props["name"] == "جمعية الأمل للشباب"
    # Undone once is undone: a second undo of it is refused.
    assert admin.post("/web/undo", {"seq": latest}).status_code == 409


def test_undo_a_delete_brings_back_the_memberships(admin: Browser, town: Any) -> None:
    assert town.get_relationship(("ceo", "MEMBER_OF", "f1")) is not None
    r = admin.post("/web/roles/delete", {"id": "ceo"})
    assert r.status_code == 409  # g1's owner_id: the store refuses, nothing changes
    admin.post("/web/goals/item?id=g1", {"title": "90% מוכנות לכיתה א", "locality_id": "l1"})
    r = admin.post("/web/roles/delete", {"id": "ceo"}, follow_redirects=False)
    assert r.status_code == 303
    assert town.get("ceo") is None and town.get_relationship(("ceo", "MEMBER_OF", "f1")) is None
    seq = re.search(r'name="seq" value="(\d+)"', admin.get("/web/audit").text).group(1)
    admin.post("/web/undo", {"seq": seq})
    assert town.get("ceo").props["holder"] == "Dana Levi"
    assert town.get_relationship(("ceo", "MEMBER_OF", "f1")).props["position"] == "chair"


def test_undo_of_a_create_is_refused_once_something_refers_to_it(admin: Browser) -> None:
    admin.post("/web/organizations/new", {"id": "o-op", "name": "מפעיל", "sector": "business"})
    create_seq = re.search(r'name="seq" value="(\d+)"', admin.get("/web/audit").text).group(1)
    admin.post("/web/programs/new", {"id": "p-new", "name": "תכנית חדשה", "operator_id": "o-op"})
    r = admin.post("/web/undo", {"seq": create_seq})
    assert r.status_code == 409
    assert "p-new" in r.text  # the store names what still refers to it
    assert admin.get("/api/v1/organizations/o-op").status_code == 200


def test_browser_writes_are_in_the_api_audit_trail(
    editor: Browser, as_role: Callable[[str], dict[str, str]]
) -> None:
    editor.post("/web/organizations/new", {"id": "o-a", "name": "א", "sector": "other"})
    editor.post("/web/organizations/new", {"id": "o-a", "name": "א", "sector": "other"})
    trail = editor.client.get("/api/v1/audit", headers=as_role("admin")).json()["data"]
    rows = [(e["method"], e["path"], e["ids"][0], e["status"]) for e in trail[:2]]
    assert rows == [
        ("POST", "/web/organizations", "o-a", 409),
        ("POST", "/web/organizations", "o-a", 201),
    ]
    assert trail[1]["ids"][1].startswith("change:") and trail[1]["role"] == "editor"


def test_only_admins_read_the_change_log(editor: Browser) -> None:
    assert editor.get("/web/audit").status_code == 403
    assert editor.post("/web/undo", {"seq": "1"}).status_code == 403


def _xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_upload_checks_first_then_lands_on_confirmation(editor: Browser, town: Any) -> None:
    data = _xlsx(
        {"organizations": [["id", "name", "sector"], ["o-up", "ארגון מהגיליון", "business"]]}
    )
    page = editor.post("/web/imports", {}, files={"file": ("town.xlsx", data)})
    assert page.status_code == 200
    assert town.get("o-up") is None
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    # Another user cannot land someone else's checked upload.
    other_key = editor.client.app.state.keys.create(__import__("api.auth").auth.Role.editor)
    other = Browser(TestClient(editor.client.app), other_key.secret)
    assert other.post("/web/imports/confirm", {"token": token}).status_code == 410
    r = editor.post("/web/imports/confirm", {"token": token})
    assert r.status_code == 200 and 'id="pm-landed"' in r.text
    assert town.get("o-up").props["name"] == "ארגון מהגיליון"
    # A token is good once.
    assert editor.post("/web/imports/confirm", {"token": token}).status_code == 410


def test_a_checked_upload_lands_through_another_process(
    editor: Browser, town: Any, make_app: Any, keys: dict[str, str]
) -> None:
    """Checked on one worker, confirmed on another (same key file): the upload waits on disk."""
    data = _xlsx({"organizations": [["id", "name", "sector"], ["o-w2", "ארגון שני", "business"]]})
    page = editor.post("/web/imports", {}, files={"file": ("w.xlsx", data)})
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    settings = editor.client.app.state.settings
    folder = settings.resolved_keys_path().with_name(
        settings.resolved_keys_path().stem + ".uploads"
    )
    assert (folder / token).is_dir() and folder.stat().st_mode & 0o077 == 0
    second = Browser(TestClient(make_app()), keys["editor"])  # another process, same key file
    for bad in ("../../etc", "x" * 32, token[:-1]):  # never a path; unknown tokens are gone
        assert second.post("/web/imports/confirm", {"token": bad}).status_code == 410
    r = second.post("/web/imports/confirm", {"token": token})
    assert r.status_code == 200 and 'id="pm-landed"' in r.text
    assert town.get("o-w2").props["name"] == "ארגון שני"
    assert editor.post("/web/imports/confirm", {"token": token}).status_code == 410
    assert list(folder.iterdir()) == []  # nothing left behind


def test_upload_report_table_of_a_zip_with_errors(editor: Browser, town: Any) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("organizations.csv", "id,name,sector\no-z,ארגון,nonprofit\n")
        archive.writestr("programs.csv", "id,name,operator_id,age_min,age_max\npz,תכנית,o-z,9,4\n")
    page = editor.post("/web/imports", {}, files={"file": ("town.zip", buf.getvalue())})
    assert page.status_code == 422
    cells = re.findall(r'<tr class="pm-issue">(.*?)</tr>', page.text, re.S)
    assert len(cells) == 1
    texts = [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", cells[0], re.S)
    ]
    assert texts[:3] == ["programs.csv", "2", "age_min"]
    assert "age_min 9 is above age_max 4" in texts[4]
    assert 'name="token"' not in page.text
    assert town.get("o-z") is None


def test_viewer_cannot_upload(app: FastAPI, town: object, keys: dict[str, str]) -> None:
    viewer = Browser(TestClient(app), keys["viewer"])
    data = _xlsx({"organizations": [["id", "name", "sector"], ["o-v", "x", "other"]]})
    assert viewer.post("/web/imports", {}, files={"file": ("x.xlsx", data)}).status_code == 403


def test_template_has_every_file_and_round_trips(editor: Browser, town: Any) -> None:
    r = editor.get("/web/template.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content))
    assert [n for n in book.sheetnames if not n.startswith("_")] == list(COLUMNS)
    for name, columns in COLUMNS.items():
        sheet = book[name]
        assert [c.value for c in sheet[1]] == columns, name
        assert sheet.sheet_view.rightToLeft
        assert all(c.comment and c.comment.text for c in sheet[1]), name
    lists = {
        sheet.cell(row=1, column=i + 1).value: dv.formula1
        for name in ("organizations",)
        for sheet in (book[name],)
        for dv in sheet.data_validations.dataValidation
        for i, col in enumerate(COLUMNS[name])
        if f"{chr(65 + i)}2:" in str(dv.sqref)
    }
    assert (
        lists["sector"]
        == '"local_authority,government,nonprofit,philanthropy,business,academia,community,other"'
    )
    # Role kinds are too many for an inline list: they live on the hidden sheet.
    roles = book["roles"]
    kind = next(dv for dv in roles.data_validations.dataValidation if "C2:" in str(dv.sqref))
    assert kind.formula1.startswith("'_lists'!")
    assert book["_lists"].sheet_state == "hidden"
    # Filled in and uploaded, it imports (the helper sheet is skipped silently).
    book["organizations"].append(["o-t", "ארגון מהתבנית", "academia"])
    book["memberships"].append(["o-t", "f1", "member"])
    out = io.BytesIO()
    book.save(out)
    page = editor.post("/web/imports", {}, files={"file": ("template.xlsx", out.getvalue())})
    assert page.status_code == 200, page.text
    assert 'id="pm-warnings"' not in page.text
    assert set(FILE_MODELS) >= set(COLUMNS)


def test_an_edit_does_not_overwrite_a_change_made_meanwhile(
    editor: Browser, as_role: Callable[[str], dict[str, str]], town: Any
) -> None:
    page = editor.get("/web/organizations/item?id=biz")
    version = re.search(r'name="version" value="([0-9a-f]+)"', page.text).group(1)
    # Someone else changes it through the API while the form is open.
    r = editor.client.patch(
        "/api/v1/organizations/biz", json={"kind": "startup"}, headers=as_role("editor")
    )
    assert r.status_code == 200
    stale = {"name": "Sderot Tech", "sector": "business", "version": version}
    r = editor.post("/web/organizations/item?id=biz", stale)
    assert r.status_code == 409 and "changed by someone else" in r.text
    assert town.get("biz").props["kind"] == "startup"
    assert town.get("biz").props["name"] == "Sderot Tech Ltd"
    r = editor.post("/web/organizations/delete", {"id": "biz", "version": version})
    assert r.status_code == 409 and town.get("biz") is not None
    # Opened again, the form saves.
    page = editor.get("/web/organizations/item?id=biz")
    fresh = re.search(r'name="version" value="([0-9a-f]+)"', page.text).group(1)
    assert fresh != version
    r = editor.post("/web/organizations/item?id=biz", {**stale, "version": fresh})
    assert r.status_code == 200 and town.get("biz").props["name"] == "Sderot Tech"


def _old_api_create(app: FastAPI, town: Any, org_id: str, name: str) -> int:
    """A create through the JSON API as a version before its values were kept made it: the
    node, and an audit row naming only its id (no ``change:<seq>``)."""
    from api.auth import Principal, Role
    from graph.model import Organization, to_record

    town.write([to_record(Organization(id=org_id, name=name, sector="business"))])
    keys = app.state.keys
    editor = Principal("k-old", Role.editor)
    row: int = keys.record(editor, "POST", "/api/v1/organizations", [], 0)
    keys.finish(row, editor, [org_id], 201)
    return row


def test_an_older_api_create_can_be_undone_until_it_is_touched_again(
    app: FastAPI, admin: Browser, as_role: Callable[[str], dict[str, str]], town: Any
) -> None:
    # API writes now keep their values (tests/api/test_api_undo.py); rows written before
    # that name only the id, and their creates can still be undone by deleting the record.
    api = admin.client
    seq = str(_old_api_create(app, town, "o-api", "ארגון מה-API"))
    first = admin.get("/web/audit").text.split('class="pm-audit-row"')[1]
    assert "/api/v1/organizations" in first and f'name="audit" value="{seq}"' in first
    r = admin.post("/web/undo", {"audit": seq}, follow_redirects=False)
    assert r.status_code == 303 and town.get("o-api") is None
    # Undone once: no longer offered, and refused when asked.
    assert 'name="audit"' not in admin.get("/web/audit").text
    assert admin.post("/web/undo", {"audit": seq}).status_code == 409
    # The undo is a change of its own, with the values it removed: undo it and it is back.
    undo_seq = re.search(r'name="seq" value="(\d+)"', admin.get("/web/audit").text).group(1)
    admin.post("/web/undo", {"seq": undo_seq})
    assert town.get("o-api").props["name"] == "ארגון מה-API"
    # A create changed afterwards through the API is not undone from its old row.
    old = _old_api_create(app, town, "o-api2", "שני")
    api.patch("/api/v1/organizations/o-api2", json={"kind": "x"}, headers=as_role("editor"))
    assert f'name="audit" value="{old}"' not in admin.get("/web/audit").text
    assert admin.post("/web/undo", {"audit": str(old)}).status_code == 409
    assert town.get("o-api2") is not None


def test_the_apis_own_rules_hold_in_the_browser_too(editor: Browser, town: Any) -> None:
    # An organisation cannot become its own grandparent (the API's parent-loop rule).
    editor.post(
        "/web/organizations/item?id=ngo",
        {"name": "אור", "sector": "nonprofit", "parent_id": "muni"},
    )
    assert town.get("ngo").props["parent_id"] == "muni"
    r = editor.post(
        "/web/organizations/item?id=muni",
        {"name": "עיריית שדרות", "sector": "local_authority", "parent_id": "ngo"},
    )
    assert r.status_code == 422
    assert _errors(r.text, "parent_id") == ["body.parent_id: it makes a loop: muni → ngo → muni"]
    assert "parent_id" not in town.get("muni").props


def test_relationship_lists_search_either_end_by_name(editor: Browser) -> None:
    page = editor.get("/web/memberships")
    assert page.status_code == 200
    assert (
        "מנכ&#34;ל העירייה → פורום גיל הרך" in page.text
        or 'מנכ"ל העירייה → פורום גיל הרך' in page.text
    )
    assert "עמותת אור לגיל הרך → פורום גיל הרך" in page.text
    found = editor.get("/web/memberships", params={"q": "אור לגיל"})
    rows = re.findall(r'<tr><td dir="auto"><a href="([^"]+)">', found.text)
    assert rows == ["/web/memberships/item?source=ngo&amp;target=f1"]
    assert editor.get("/web/partnerships", params={"q": "Sderot Tech"}).text.count("pm-items") == 1
    assert "אין כאן עדיין" in editor.get("/web/partnerships", params={"q": "nothing-like-it"}).text


def test_personal_data_only_for_keys_that_may_see_it(
    app: FastAPI, town: Any, as_role: Callable[[str], dict[str, str]]
) -> None:
    from api.auth import Role

    plain = Browser(TestClient(app), app.state.keys.create(Role.editor).secret)
    page = plain.get("/web/roles/item?id=ceo")
    assert page.status_code == 200
    assert "Dana Levi" not in page.text and 'name="holder"' not in page.text
    # Saving the role without seeing its holder keeps the holder.
    r = plain.post(
        "/web/roles/item?id=ceo",
        {"title": 'מנכ"ל העירייה', "kind": "authority_ceo", "organization_id": "muni"},
    )
    assert r.status_code == 200 and town.get("ceo").props["holder"] == "Dana Levi"
    allowed = app.state.keys.create(Role.editor, personal_data=True)
    trusted = Browser(TestClient(app), allowed.secret)
    page = trusted.get("/web/roles/item?id=ceo")
    assert 'value="Dana Levi"' in page.text
    # ... and that read is in the audit trail, as the API records one.
    trail = plain.client.get("/api/v1/audit", headers=as_role("admin")).json()["data"]
    reads = [e for e in trail if e["method"] == "GET" and e["key_id"] == allowed.key_id]
    assert [(e["path"], e["ids"]) for e in reads] == [("/web/roles/item", ["ceo"])]


def test_a_key_scoped_to_a_locality_sees_and_changes_only_its_own(
    app: FastAPI, town: Any, as_role: Callable[[str], dict[str, str]]
) -> None:
    from api.auth import Role

    key = app.state.keys.create(Role.editor, localities=["l2"])
    scoped = Browser(TestClient(app), key.secret)
    listed = scoped.get("/web/organizations").text
    assert 'מתנ"ס קריית שמונה' in listed.replace("&#34;", '"')  # its own
    assert "Rashi Foundation" in listed  # national actors are read by everyone
    assert "עמותת אור לגיל הרך" not in listed and "עיריית שדרות" not in listed
    assert scoped.get("/web/organizations/item?id=ngo").status_code == 404
    assert "שפה בגיל הרך" not in scoped.get("/web/forums/item?id=f1").text
    ok = scoped.post(
        "/web/organizations/item?id=far",
        {"name": 'מתנ"ס קריית שמונה', "sector": "community", "locality_ids": "l2"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and town.get("far").props["sector"] == "community"
    national = scoped.post("/web/organizations/item?id=fund", {"name": "x", "sector": "other"})
    assert national.status_code == 403 and town.get("fund").props["name"] == "Rashi Foundation"
    elsewhere = scoped.post(
        "/web/organizations/new",
        {"id": "o-l1", "name": "x", "sector": "other", "locality_ids": "l1"},
    )
    assert elsewhere.status_code == 404 and town.get("o-l1") is None
    trail = scoped.client.get("/api/v1/audit", headers=as_role("admin")).json()["data"]
    mine = [(e["method"], e["ids"][0], e["status"]) for e in trail if e["key_id"] == key.key_id]
    assert ("PATCH", "fund", 403) in mine and ("POST", "o-l1", 404) in mine
    assert ("PATCH", "far", 200) in mine


def test_a_member_leaves_a_forum_and_comes_back_by_undo(admin: Browser, town: Any) -> None:
    page = admin.get("/web/memberships/item", params={"source": "ngo", "target": "f1"})
    assert page.status_code == 200 and 'name="position"' in page.text
    # The forum's page has a delete button beside each member, returning to the forum.
    forum = admin.get("/web/forums/item?id=f1").text
    removes = re.findall(r'class="pm-inline pm-remove".*?</form>', forum, re.S)
    assert len(removes) == 2 and all("/web/forums/item?id=f1" in f for f in removes)
    assert any('name="source" value="ngo"' in f for f in removes)
    r = admin.post(
        "/web/memberships/delete",
        {"source": "ngo", "target": "f1", "back": "/web/forums/item?id=f1"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/web/forums/item?id=f1"
    assert town.get_relationship(("ngo", "MEMBER_OF", "f1")) is None
    members = admin.get("/web/forums/item?id=f1").text.split('id="pm-related-memberships"')[1]
    assert "עמותת אור לגיל הרך" not in members.split("</section>")[0]
    seq = re.search(r'name="seq" value="(\d+)"', admin.get("/web/audit").text).group(1)
    admin.post("/web/undo", {"seq": seq})
    assert town.get_relationship(("ngo", "MEMBER_OF", "f1")).props["position"] == "member"
