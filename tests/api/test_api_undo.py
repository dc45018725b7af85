"""Writes through the JSON API keep their values and can be undone, like the workbench's.

The town is the one of ``conftest.town_records``: Sderot (l1) with the
authority (muni), a nonprofit (ngo) operating p1, a business (biz)
partnering with the authority (mou, strength 4), an Arabic-named community
group (comm), the CEO role (ceo, holder Dana Levi) that chairs forum f1 and
owns goal g1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth import Role

Headers = Callable[[str], dict[str, str]]


@pytest.fixture
def api(app: FastAPI, town: object) -> TestClient:
    return TestClient(app)


def _last_change(api: TestClient, as_role: Headers) -> tuple[int, dict[str, Any]]:
    """The newest audit row and the seq of the change it names."""
    row = api.get("/api/v1/audit", headers=as_role("admin")).json()["data"][0]
    seqs = [int(i[7:]) for i in row["ids"] if i.startswith("change:")]
    assert len(seqs) >= 1, row
    return seqs[-1], row


def test_an_api_edit_is_undone_by_writing_the_values_back(
    api: TestClient, as_role: Headers, town: Any
) -> None:
    r = api.patch("/api/v1/organizations/comm", json={"name": "جمعية الأمل للشباب"},
                  headers=as_role("editor"))  # fmt: skip
    assert r.status_code == 200
    seq, row = _last_change(api, as_role)
    assert row["method"] == "PATCH" and row["ids"][0] == "comm"
    shown = api.get(f"/api/v1/audit/changes/{seq}", headers=as_role("admin")).json()
    assert shown["action"] == "update" and shown["resource"] == "organizations"
    assert shown["item"] == ["comm"] and shown["undoable"] is True
    assert shown["before"]["props"]["name"] == "جمعية الأمل"
    assert shown["after"]["props"]["name"] == "جمعية الأمل للشباب"

    r = api.post(f"/api/v1/audit/changes/{seq}/undo", headers=as_role("admin"))
    assert r.status_code == 200, r.text
    undo = r.json()
    assert undo["action"] == "undo" and undo["undo_of"] == seq
    assert town.get("comm").props["name"] == "جمعية الأمل"
    # One audit row for the undo (the API's own, naming the undo's change), no second one.
    trail = api.get("/api/v1/audit", headers=as_role("admin")).json()["data"]
    assert trail[0]["path"] == f"/api/v1/audit/changes/{seq}/undo"
    assert trail[0]["status"] == 200
    assert trail[0]["ids"] == ["comm", f"change:{undo['seq']}"]
    assert trail[1]["method"] == "PATCH" and trail[1]["path"] == "/api/v1/organizations/comm"
    # Undone once is undone; the undo itself can be undone, and the edit is back.
    again = api.post(f"/api/v1/audit/changes/{seq}/undo", headers=as_role("admin"))
    assert again.status_code == 409 and "undone already" in again.json()["detail"]
    back = api.post(f"/api/v1/audit/changes/{undo['seq']}/undo", headers=as_role("admin"))
    assert back.status_code == 200
    assert town.get("comm").props["name"] == "جمعية الأمل للشباب"


def test_an_older_change_is_not_undone_over_a_newer_one(
    api: TestClient, as_role: Headers, town: Any
) -> None:
    api.patch("/api/v1/organizations/biz", json={"name": "שם א"}, headers=as_role("editor"))
    first, _ = _last_change(api, as_role)
    api.patch("/api/v1/organizations/biz", json={"name": "שם ב"}, headers=as_role("editor"))
    shown = api.get(f"/api/v1/audit/changes/{first}", headers=as_role("admin")).json()
    assert shown["undoable"] is False
    r = api.post(f"/api/v1/audit/changes/{first}/undo", headers=as_role("admin"))
    assert r.status_code == 409 and f"after change {first}" in r.json()["detail"]
    assert town.get("biz").props["name"] == "שם ב"
    # The refused undo is in the trail too, with its status (and no change of its own).
    row = api.get("/api/v1/audit", headers=as_role("admin")).json()["data"][0]
    assert row["path"].endswith(f"/changes/{first}/undo") and row["status"] == 409
    assert row["ids"] == ["biz"]


def test_an_api_create_and_delete_are_undone(api: TestClient, as_role: Headers, town: Any) -> None:
    org = {"id": "o-api", "name": "ארגון מה-API", "sector": "business"}
    assert api.post("/api/v1/organizations", json=org, headers=as_role("editor")).status_code == 201
    created, _ = _last_change(api, as_role)
    assert api.post(f"/api/v1/audit/changes/{created}/undo",
                    headers=as_role("admin")).status_code == 200  # fmt: skip
    assert town.get("o-api") is None

    # A deleted role comes back with the membership that went with it.
    assert api.patch("/api/v1/goals/g1", json={"owner_id": None},
                     headers=as_role("editor")).status_code == 200  # fmt: skip
    assert api.delete("/api/v1/roles/ceo", headers=as_role("editor")).status_code == 204
    assert town.get("ceo") is None and town.get_relationship(("ceo", "MEMBER_OF", "f1")) is None
    deleted, _ = _last_change(api, as_role)
    shown = api.get(f"/api/v1/audit/changes/{deleted}", headers=as_role("admin")).json()
    assert shown["after"] is None and shown["before"]["props"]["holder"] == "Dana Levi"
    assert [r["target"] for r in shown["before"]["rels"]] == ["f1"]
    assert api.post(f"/api/v1/audit/changes/{deleted}/undo",
                    headers=as_role("admin")).status_code == 200  # fmt: skip
    assert town.get("ceo").props["holder"] == "Dana Levi"
    assert town.get_relationship(("ceo", "MEMBER_OF", "f1")).props["position"] == "chair"


def test_relationship_changes_through_the_api_are_undone(
    api: TestClient, as_role: Headers, town: Any
) -> None:
    r = api.patch("/api/v1/partnerships/biz/muni", json={"strength": 2},
                  headers=as_role("editor"))  # fmt: skip
    assert r.status_code == 200
    edited, row = _last_change(api, as_role)
    assert row["ids"][:2] == ["biz", "muni"]
    assert api.delete("/api/v1/memberships/ngo/f1", headers=as_role("editor")).status_code == 204
    removed, _ = _last_change(api, as_role)
    for seq in (removed, edited):
        r = api.post(f"/api/v1/audit/changes/{seq}/undo", headers=as_role("admin"))
        assert r.status_code == 200, r.text
    assert town.get_relationship(("biz", "PARTNERS_WITH", "muni")).props["strength"] == 4
    assert town.get_relationship(("ngo", "MEMBER_OF", "f1")) is not None


def test_the_change_routes_are_for_admins_and_name_what_is_missing(
    api: TestClient, as_role: Headers, town: Any
) -> None:
    api.patch("/api/v1/organizations/comm", json={"name": "x"}, headers=as_role("editor"))
    seq, _ = _last_change(api, as_role)
    for role in (Role.viewer.value, Role.editor.value):
        assert api.get(f"/api/v1/audit/changes/{seq}", headers=as_role(role)).status_code == 403
        r = api.post(f"/api/v1/audit/changes/{seq}/undo", headers=as_role(role))
        assert r.status_code == 403
    assert town.get("comm").props["name"] == "x"
    r = api.get("/api/v1/audit/changes/999999", headers=as_role("admin"))
    assert r.status_code == 404 and r.json() == {"detail": "path seq: no change 999999"}
    assert api.get("/api/v1/audit/changes/0", headers=as_role("admin")).status_code == 422


def test_the_workbench_undoes_an_api_edit(
    app: FastAPI, api: TestClient, as_role: Headers, keys: dict[str, str], town: Any
) -> None:
    from tests.api.test_web_edit import Browser

    api.patch("/api/v1/organizations/comm", json={"name": "שם חדש"}, headers=as_role("editor"))
    admin = Browser(TestClient(app), keys["admin"])
    first = admin.get("/web/audit").text.split('class="pm-audit-row"')[1]
    assert "/api/v1/organizations/comm" in first
    assert "שם חדש" in first and "جمعية الأمل" in first  # the values before and after
    seq = re.search(r'name="seq" value="(\d+)"', first)
    assert seq is not None
    r = admin.post("/web/undo", {"seq": seq.group(1)}, follow_redirects=False)
    assert r.status_code == 303
    assert town.get("comm").props["name"] == "جمعية الأمل"

    # An undo through the API shows in the change log as what it did (an undo, with the
    # values it wrote back), not as the change it undid; a refused one shows no values.
    api.patch("/api/v1/organizations/biz", json={"name": "ביז"}, headers=as_role("editor"))
    patched, _ = _last_change(api, as_role)
    for _ in range(2):  # the second is refused: undone already
        api.post(f"/api/v1/audit/changes/{patched}/undo", headers=as_role("admin"))
    rows = admin.get("/web/audit?lang=en").text.split('class="pm-audit-row"')[1:3]
    refused, undone = rows
    assert "409" in refused and "ביז" not in refused
    assert "<td>undo</td>" in undone
    assert "ביז" in undone and "Sderot Tech Ltd" in undone


def test_the_change_log_names_in_words_what_a_row_without_values_did(
    app: FastAPI, api: TestClient, as_role: Headers, keys: dict[str, str], town: Any
) -> None:
    """Refused writes and reads of personal data keep no values: their action still reads
    as words (the HTTP method beside it, for the technical reader), in every language."""
    from tests.api.test_web_edit import Browser

    assert api.get("/api/v1/roles/ceo", headers=as_role("admin")).json()["holder"]
    api.delete("/api/v1/organizations/comm", headers=as_role("viewer"))  # refused: 403
    api.post("/api/v1/organizations", json={"id": "muni"}, headers=as_role("viewer"))
    api.post("/api/v1/audit/changes/999999/undo", headers=as_role("admin"))  # 404
    admin = Browser(TestClient(app), keys["admin"])
    for lang, words in (
        ("en", ("undo", "create", "delete", "read of personal details")),
        ("he", ("ביטול", "יצירה", "מחיקה", "צפייה בפרטים אישיים")),
        ("ar", ("تراجع", "إنشاء", "حذف", "اطلاع على بيانات شخصية")),
    ):
        rows = admin.get(f"/web/audit?lang={lang}").text.split('class="pm-audit-row"')[1:5]
        methods = ("POST", "POST", "DELETE", "GET")
        for row, word, method in zip(rows, words, methods, strict=True):
            cell = re.search(r'<td>([^<]*) <code class="pm-hint" dir="ltr">(\w+)</code></td>', row)
            assert cell is not None, row
            assert cell.groups() == (word, method)
    assert town.get("comm") is not None
