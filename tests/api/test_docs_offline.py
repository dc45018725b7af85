"""The API docs work without internet, and / leads a person to the dashboards."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_use_no_remote_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets, "the docs page loads Swagger UI from somewhere"
    assert all(not a.startswith(("http://", "https://", "//")) for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_root_redirects_to_the_dashboards(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/api/v1/dashboard"
