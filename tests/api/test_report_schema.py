"""Typed results: /openapi.json describes the analysis report and its sections with real
schemas, and the reports the API sends validate against them (the bytes stay the report's)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from api.report_schemas import (
    AnalysisReport,
    Bridge,
    Duplicate,
    Isolate,
    LeveragePoint,
    Metrics,
    SectionPage,
)
from graph.store.sqlite import SQLiteStore
from importers.demo import demo_path
from importers.registry import run_import

ITEMS = {"duplicates": Duplicate, "isolates": Isolate, "bridges": Bridge, "leverage": LeveragePoint}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("schema")
    with SQLiteStore(folder / "demo.db") as store:
        assert run_import(store, demo_path()).valid
    settings = Settings(
        store=f"sqlite:///{folder / 'demo.db'}", open_local_read=True, keys_path=folder / "k.db"
    )
    with TestClient(create_app(settings)) as c:
        yield c


def _ref(schema: dict) -> str:
    return schema["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def test_openapi_describes_the_report_and_each_section(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    report = schemas[_ref(paths["/api/v1/analysis"]["get"]["responses"]["200"])]
    assert set(report["required"]) >= {
        "graph_version",
        "scope",
        "duplicates",
        "isolates",
        "bridges",
        "leverage",
        "metrics",
    }
    bridge = schemas["Bridge"]["properties"]
    assert bridge["cross_sector_betweenness"]["maximum"] == 1
    assert "articulation_point" in bridge and "reasons_ar" in bridge
    for name, model in ITEMS.items():
        page = schemas[_ref(paths[f"/api/v1/analysis/{name}"]["get"]["responses"]["200"])]
        assert page["properties"]["data"]["items"]["$ref"].endswith(f"/{model.__name__}")
        assert set(page["required"]) == {"data", "count", "graph_version", "scope"}
    metrics = schemas[_ref(paths["/api/v1/analysis/metrics"]["get"]["responses"]["200"])]
    assert "density" in metrics["properties"]


@pytest.mark.parametrize("locality", ["loc-sderot", "loc-yarka", "loc-shaar-hanegev"])
def test_the_reports_sent_validate_against_the_schema(client: TestClient, locality: str) -> None:
    for as_of in ("2024-06-01", None):
        params = {"locality_id": locality, **({"as_of": as_of} if as_of else {})}
        r = client.get("/api/v1/analysis", params=params)
        assert r.status_code == 200
        body = r.json()
        typed = AnalysisReport.model_validate(body)
        assert typed.graph_version == body["graph_version"]
        # Described, not reshaped: the keys sent are the report's, in its order.
        assert list(json.loads(r.content)) == list(body)
        for name, model in ITEMS.items():
            page = client.get(f"/api/v1/analysis/{name}", params={**params, "limit": 500})
            checked = SectionPage[model].model_validate(page.json())  # type: ignore[valid-type]
            assert checked.count == len(body[name])
        Metrics.model_validate(client.get("/api/v1/analysis/metrics", params=params).json())


def test_a_wrong_report_does_not_validate() -> None:
    from pydantic import ValidationError

    bad = {"graph_version": "1", "scope": {"locality_id": None, "context": "both"}}
    with pytest.raises(ValidationError):  # sections missing
        AnalysisReport.model_validate(bad)
    with pytest.raises(ValidationError):  # an isolate kind that does not exist
        Isolate.model_validate(
            {
                "id": "a",
                "name": "a",
                "sector": "community",
                "kinds": ["lonely"],
                "locality_ids": [],
                "degree": 0,
                "reasons": [],
                "reasons_he": [],
                "reasons_ar": [],
            }
        )
