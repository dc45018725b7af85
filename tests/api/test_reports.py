"""``GET /api/v1/reports/{locality_id}``: the report pack over HTTP."""

from __future__ import annotations

import io

import openpyxl
from fastapi.testclient import TestClient


def test_report_xlsx_needs_a_key_and_names_the_town(client: TestClient, town, as_role) -> None:
    loc = next(n for n in town.iter_nodes("Locality"))
    url = f"/api/v1/reports/{loc.id}?format=xlsx"
    assert client.get(url).status_code == 401
    response = client.get(url, headers=as_role("viewer"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "סיכום"
    summary = " ".join(str(c.value) for c in book["סיכום"]["A"] if c.value)
    assert loc.name in summary


def test_report_errors_name_the_request_part(client: TestClient, town, as_role) -> None:
    headers = as_role("viewer")
    missing = client.get("/api/v1/reports/loc-nowhere", headers=headers)
    assert missing.status_code == 404 and "loc-nowhere" in missing.json()["detail"]
    loc = next(n for n in town.iter_nodes("Locality"))
    bad = client.get(f"/api/v1/reports/{loc.id}?format=docx", headers=headers)
    assert bad.status_code == 422
    bad_date = client.get(f"/api/v1/reports/{loc.id}?as_of=2024-13-01", headers=headers)
    assert bad_date.status_code == 422 and "as_of" in bad_date.json()["detail"]
