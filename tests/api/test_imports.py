"""``POST /imports`` (atomic, bounded in size) and ``GET /export``."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import networkx as nx
import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import BodyLimit
from graph.store.sqlite import SQLiteStore

Headers = Callable[[str], dict[str, str]]

LOCALITIES = "id,name,municipal_status,socioeconomic_cluster\nl1,שדרות,city,5\n"
ORGANIZATIONS = (
    "id,name,sector,locality_ids\n"
    "muni,עיריית שדרות,local_authority,l1\n"
    "ngo,עמותת אור,nonprofit,l1\n"
    "comm,جمعية الأمل,community,l1\n"
)
PROGRAMS = (
    "id,name,operator_id,locality_id,domains,age_min,age_max\n"
    "p1,שפה בגיל הרך,ngo,l1,early_childhood,0,5\n"
)
BAD_PROGRAMS = PROGRAMS + "p2,חוגים,ngo,l1,early_childhood,12,6\n"


def _zip(files: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def _upload(
    client: TestClient,
    headers: dict[str, str],
    data: bytes,
    name: str = "town.zip",
    **params: Any,
) -> Any:
    return client.post(
        "/api/v1/imports",
        params=params,
        headers=headers,
        files={"file": (name, data, "application/octet-stream")},
    )


def test_zip_of_csv_lands(sqlite_store: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    data = _zip(
        {
            "data/localities.csv": LOCALITIES,
            "data/organizations.csv": ORGANIZATIONS,
            "data/programs.csv": PROGRAMS,
        }
    )
    r = _upload(client, as_role("editor"), data)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["valid"] is True and report["errors"] == []
    assert report["stats"]["nodes_written"] == 5
    assert sqlite_store.get("comm").props["name"] == "جمعية الأمل"
    # the same data again changes nothing
    again = _upload(client, as_role("editor"), data).json()
    assert again["stats"]["nodes_written"] == 0


def test_dry_run_writes_nothing(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    data = _zip({"localities.csv": LOCALITIES, "organizations.csv": ORGANIZATIONS})
    r = _upload(client, as_role("editor"), data, dry_run="true")
    assert r.status_code == 200 and r.json()["valid"] is True and r.json()["dry_run"] is True
    assert sqlite_store.count() == 0


def test_invalid_import_is_422_and_atomic(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    data = _zip(
        {
            "localities.csv": LOCALITIES,
            "organizations.csv": ORGANIZATIONS,
            "programs.csv": BAD_PROGRAMS,
        }
    )
    r = _upload(client, as_role("editor"), data)
    assert r.status_code == 422
    body = r.json()
    assert body["valid"] is False and "nothing was written" in body["detail"]
    (error,) = body["errors"]
    assert (error["file"], error["row"]) == ("programs.csv", 3)
    assert sqlite_store.count() == 0


def test_partial_import_lands_the_valid_rows(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    data = _zip(
        {
            "localities.csv": LOCALITIES,
            "organizations.csv": ORGANIZATIONS,
            "programs.csv": BAD_PROGRAMS,
        }
    )
    r = _upload(client, as_role("editor"), data, partial="true")
    assert r.status_code == 200
    assert [s["row"] for s in r.json()["skipped_rows"]] == [3]
    assert sqlite_store.get("p1") is not None and sqlite_store.get("p2") is None


def test_single_csv_and_xlsx(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    r = _upload(
        client,
        as_role("editor"),
        ORGANIZATIONS.replace(",l1", ",").encode(),
        name="organizations.csv",
    )
    assert r.status_code == 200, r.text
    assert sqlite_store.count("Organization") == 3

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "localities"
    for row in [["id", "name", "municipal_status"], ["l7", "ירוחם", "local_council"]]:
        sheet.append(row)
    orgs = book.create_sheet("organizations")
    for row in [["id", "name", "sector", "locality_ids"], ["o7", "מועצה", "local_authority", "l7"]]:
        orgs.append(row)
    buf = io.BytesIO()
    book.save(buf)
    r = _upload(client, as_role("editor"), buf.getvalue(), name="town.xlsx")
    assert r.status_code == 200, r.text
    assert sqlite_store.get("l7").props["name"] == "ירוחם"
    assert sqlite_store.get("o7").props["locality_ids"] == ["l7"]


def test_upload_errors(sqlite_store: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    editor = as_role("editor")
    r = _upload(client, editor, _zip({"readme.txt": "hello"}))
    assert r.status_code == 400 and ".csv" in r.json()["detail"]
    r = _upload(client, editor, b"PK\x03\x04 broken zip")
    assert r.status_code in (400, 422)
    assert _upload(client, editor, b"", name="empty.zip").status_code == 400
    assert (
        _upload(client, as_role("viewer"), _zip({"organizations.csv": ORGANIZATIONS})).status_code
        == 403
    )
    r = client.post("/api/v1/imports", headers=editor)
    assert r.status_code == 422  # no file part
    assert sqlite_store.count() == 0


def test_too_large_by_content_length_is_413(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    big = b"x" * (65 * 1024)  # the test app accepts 64 KiB
    r = _upload(client, as_role("editor"), big, name="big.csv")
    assert r.status_code == 413
    assert "larger" in r.json()["detail"]


def test_too_large_while_streaming_is_413(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    """A chunked upload has no Content-Length: the bytes are counted as they arrive."""
    boundary = "pmboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="organizations.csv"\r\nContent-Type: text/csv\r\n\r\n'
        "id,name,sector\n"
    ).encode()

    def chunks() -> Iterator[bytes]:
        yield head
        for i in range(2000):
            yield f"o{i},ארגון {i},other\n".encode() * 2
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {**as_role("editor"), "Content-Type": f"multipart/form-data; boundary={boundary}"}
    r = client.post("/api/v1/imports", content=chunks(), headers=headers)
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 413
    assert sqlite_store.count() == 0


def test_zip_bomb_is_413(
    sqlite_store: SQLiteStore, make_app: Callable[..., FastAPI], keys: dict[str, str]
) -> None:
    bomb = _zip({"organizations.csv": "id,name,sector\n" + "o,x,other\n" * 100_000})
    assert len(bomb) < 64 * 1024
    with TestClient(make_app(max_unzipped_bytes=100_000)) as client:
        r = _upload(client, {"X-API-Key": keys["editor"]}, bomb)
    assert r.status_code == 413 and "expands" in r.json()["detail"]
    assert sqlite_store.count() == 0


def test_body_limit_answers_before_reading() -> None:
    """With a large Content-Length the app and the body are never touched."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the app must not run")

    async def receive() -> Any:
        raise AssertionError("the body must not be read")

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    import anyio

    limit = BodyLimit(app, upload_limit=1000, json_limit=100)
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/imports",
        "headers": [(b"content-length", b"1000000000")],
    }
    anyio.run(limit, scope, receive, send)
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["detail"].startswith("the request body is larger")


def test_large_json_body_is_413(client: TestClient, as_role: Headers) -> None:
    body = {"id": "o1", "name": "x" * (2 * 1024 * 1024), "sector": "other"}
    r = client.post("/api/v1/organizations", json=body, headers=as_role("editor"))
    assert r.status_code == 413


@pytest.mark.parametrize("fmt", ["json", "csv", "graphml", "gexf"])
def test_export_formats(
    fmt: str, town: SQLiteStore, client: TestClient, as_role: Headers, tmp_path: Any
) -> None:
    r = client.get("/api/v1/export", params={"format": fmt}, headers=as_role("viewer"))
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    if fmt == "json":
        doc = r.json()
        assert {n["id"] for n in doc["nodes"]} == {n.id for n in town.iter_nodes()}
    elif fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(r.content)) as z:
            assert "organizations.csv" in z.namelist()
            assert "עמותת אור לגיל הרך" in z.read("organizations.csv").decode("utf-8-sig")
    else:
        path = tmp_path / f"g.{fmt}"
        path.write_bytes(r.content)
        g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        assert set(g.nodes) == {n.id for n in town.iter_nodes()}


def test_export_round_trips_through_import(
    town: SQLiteStore,
    make_app: Callable[..., FastAPI],
    client: TestClient,
    as_role: Headers,
    tmp_path: Any,
) -> None:
    exported = client.get(
        "/api/v1/export?format=csv&locality_id=l2", headers=as_role("viewer")
    ).content
    other = SQLiteStore(tmp_path / "other.db")
    from api.app import create_app
    from api.config import Settings

    app = create_app(Settings(store=other.url, keys_path=tmp_path / "k2.sqlite3"), store=other)
    key = app.state.keys.create(__import__("api.auth").auth.Role.editor).secret
    with TestClient(app) as c2:
        r = _upload(c2, {"X-API-Key": key}, exported, name="l2.zip")
    assert r.status_code == 200, r.text
    assert {n.id for n in other.iter_nodes()} == {"l2", "far"}
    other.close()


def test_export_errors(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    assert client.get("/api/v1/export?format=pdf", headers=as_role("viewer")).status_code == 422
    r = client.get("/api/v1/export?locality_id=ghost", headers=as_role("viewer"))
    assert r.status_code == 404
    assert client.get("/api/v1/export").status_code == 401


@pytest.mark.parametrize(
    ("relative", "label"),
    [("hxl/rowca-3w-hxl.csv", "Organization"), ("360giving/baring.json", "Investment")],
)
def test_real_standard_files_upload(
    relative: str,
    label: str,
    shared_data: Any,
    sqlite_store: SQLiteStore,
    client: TestClient,
    as_role: Headers,
    make_app: Callable[..., FastAPI],
    keys: dict[str, str],
) -> None:
    """Files no one here wrote, in public standards, are detected by content and land."""
    path = shared_data / relative
    with TestClient(make_app(max_upload_bytes=5 * 1024 * 1024)) as big:
        r = _upload(big, {"X-API-Key": keys["editor"]}, path.read_bytes(), name=path.name)
    assert r.status_code == 200, r.text[:500]
    assert r.json()["valid"] is True
    assert sqlite_store.count(label) > 5


def test_refused_upload_is_in_the_audit_trail(client: TestClient, as_role: Headers) -> None:
    _upload(client, as_role("editor"), b"x" * (65 * 1024), name="big.csv")
    (entry,) = client.get("/api/v1/audit", headers=as_role("admin")).json()["data"]
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/api/v1/imports", 413)
