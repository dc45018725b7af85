"""Keys scoped to localities, and personal data (issue 17, "new").

The town of ``tests/api/conftest.py``: locality l1 (Sderot) with the authority
``muni``, ``ngo``, ``biz``, ``comm``, the role ``ceo`` (holder "Dana Levi"), forum
``f1``, goal ``g1``, program ``p1`` and the national foundation ``fund``'s investment
``inv1``; locality l2 (Kiryat Shmona) with ``far``. Added here for l2: the role
``far-head`` (holder "Avi Peretz") and the program ``p2``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.auth import Role
from api.cli import app as cli
from graph.model import Program, to_record
from graph.model import Role as RoleNode
from graph.store.sqlite import SQLiteStore

Headers = dict[str, str]


@pytest.fixture
def scoped(town: SQLiteStore, app: FastAPI) -> Callable[..., Headers]:
    town.write(
        [
            to_record(
                RoleNode(
                    id="far-head",
                    title="מנהל",
                    organization_id="far",
                    holder="Avi Peretz",
                )
            ),
            to_record(Program(id="p2", name="נוער", operator_id="far", locality_id="l2")),
        ]
    )

    def make(role: str, *localities: str, personal: bool = False) -> Headers:
        key = app.state.keys.create(Role(role), localities=localities, personal_data=personal)
        return {"X-API-Key": key.secret}

    return make


@pytest.fixture
def l1_viewer(scoped: Callable[..., Headers]) -> Headers:
    return scoped("viewer", "l1")


def _ids(answer: object) -> set[str]:
    return {item["id"] for item in answer.json()["data"]}  # type: ignore[attr-defined]


def test_a_scoped_key_lists_its_localities_and_national_actors(
    client: TestClient, l1_viewer: Headers
) -> None:
    orgs = client.get("/api/v1/organizations", headers=l1_viewer)
    assert _ids(orgs) == {"muni", "ngo", "biz", "comm", "fund"}  # not far (l2)
    assert orgs.json()["count"] == 5
    assert _ids(client.get("/api/v1/localities", headers=l1_viewer)) == {"l1"}
    assert _ids(client.get("/api/v1/roles", headers=l1_viewer)) == {"ceo"}
    assert _ids(client.get("/api/v1/programs", headers=l1_viewer)) == {"p1"}
    # search too: far's name holds "קריית"
    assert _ids(client.get("/api/v1/organizations?q=קריית", headers=l1_viewer)) == set()
    # paging counts what the key sees
    page = client.get("/api/v1/organizations?limit=2&offset=4", headers=l1_viewer).json()
    assert page["count"] == 5 and len(page["data"]) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organizations/far",
        "/api/v1/localities/l2",
        "/api/v1/roles/far-head",
        "/api/v1/programs/p2",
        "/api/v1/organizations?locality_id=l2",
        "/api/v1/analysis?locality_id=l2",
        "/api/v1/analysis/isolates?locality_id=l2",
        "/api/v1/analysis/metrics?locality_id=l2",
        "/api/v1/maps/l2",
        "/api/v1/dashboard/l2",
        "/api/v1/export?locality_id=l2",
        "/api/v1/graph/ego/far",
        "/api/v1/graph/subgraph?locality_id=l2",
        "/api/v1/graph/path?source=far&target=muni",
    ],
)
def test_other_localities_answer_404(client: TestClient, l1_viewer: Headers, url: str) -> None:
    answer = client.get(url, headers=l1_viewer)
    assert answer.status_code == 404, answer.text


def test_analysis_map_and_export_default_to_the_keys_locality(
    client: TestClient, l1_viewer: Headers
) -> None:
    report = client.get("/api/v1/analysis", headers=l1_viewer)
    assert report.status_code == 200
    assert report.json()["scope"]["locality_id"] == "l1"
    assert client.get("/api/v1/maps/l1", headers=l1_viewer).status_code == 200
    exported = client.get("/api/v1/export?format=json", headers=l1_viewer)
    ids = {n["id"] for n in exported.json()["nodes"]}
    assert {"l1", "muni", "fund", "p1", "inv1"} <= ids
    assert not ids & {"l2", "far", "far-head", "p2"}
    ego = client.get("/api/v1/graph/ego/fund?depth=2", headers=l1_viewer).json()
    assert "far" not in {n["id"] for n in ego["nodes"]}
    index = client.get("/api/v1/dashboard", headers=l1_viewer)
    assert index.status_code == 200 and "/dashboard/l2" not in index.text


def test_a_key_of_several_localities_must_name_one(
    client: TestClient, scoped: Callable[..., Headers]
) -> None:
    both = scoped("viewer", "l1", "l2")
    assert client.get("/api/v1/analysis", headers=both).status_code == 403
    assert client.get("/api/v1/analysis?locality_id=l2", headers=both).status_code == 200
    assert _ids(client.get("/api/v1/localities", headers=both)) == {"l1", "l2"}


def test_a_scoped_editor_writes_only_its_own(
    client: TestClient, town: SQLiteStore, scoped: Callable[..., Headers]
) -> None:
    editor = scoped("editor", "l1")
    made = client.post(
        "/api/v1/organizations",
        json={"id": "new1", "name": "ועד שכונה", "sector": "community", "locality_ids": ["l1"]},
        headers=editor,
    )
    assert made.status_code == 201, made.text
    elsewhere = client.post(
        "/api/v1/organizations",
        json={"id": "new2", "name": "x", "sector": "community", "locality_ids": ["l2"]},
        headers=editor,
    )
    assert elsewhere.status_code == 404
    national = client.post(
        "/api/v1/organizations", json={"id": "new3", "name": "x", "sector": "other"}, headers=editor
    )
    assert national.status_code == 403
    assert (
        client.patch("/api/v1/organizations/far", json={"kind": "x"}, headers=editor).status_code
        == 404
    )
    assert (
        client.patch("/api/v1/organizations/fund", json={"kind": "x"}, headers=editor).status_code
        == 403
    )
    assert client.delete("/api/v1/programs/p2", headers=editor).status_code == 404
    # moving one's own organisation to another locality is not allowed either
    moved = client.patch(
        "/api/v1/organizations/new1", json={"locality_ids": ["l1", "l2"]}, headers=editor
    )
    assert moved.status_code == 403
    # relationships: both ends seen, one owned
    ok = client.post(
        "/api/v1/partnerships", json={"source_id": "new1", "target_id": "fund"}, headers=editor
    )
    assert ok.status_code == 201, ok.text
    far = client.post(
        "/api/v1/partnerships", json={"source_id": "new1", "target_id": "far"}, headers=editor
    )
    assert far.status_code == 404
    assert town.get("new2") is None and town.get("new3") is None
    assert town.get("far").props.get("kind") is None  # type: ignore[union-attr]


def test_holders_only_for_keys_with_personal_data(
    client: TestClient, app: FastAPI, scoped: Callable[..., Headers], as_role
) -> None:
    viewer = scoped("viewer")
    assert client.get("/api/v1/roles/ceo", headers=viewer).json()["holder"] is None
    for url in (
        "/api/v1/roles",
        "/api/v1/export?format=json",
        "/api/v1/export?format=csv",
        "/api/v1/export?format=graphml",
        "/api/v1/graph/ego/muni",
        "/api/v1/graph/subgraph?locality_id=l1",
        "/api/v1/maps/l1",
    ):
        answer = client.get(url, headers=viewer)
        assert answer.status_code == 200, url
        assert b"Dana Levi" not in answer.content, url

    personal = scoped("viewer", personal=True)
    assert client.get("/api/v1/roles/ceo", headers=personal).json()["holder"] == "Dana Levi"
    assert b"Dana Levi" in client.get("/api/v1/export?format=json", headers=personal).content
    assert client.get("/api/v1/roles/ceo", headers=as_role("admin")).json()["holder"] == (
        "Dana Levi"
    )
    # The audit trail says who read personal data, and which.
    trail = client.get("/api/v1/audit?limit=10", headers=as_role("admin")).json()["data"]
    reads = [(e["method"], e["path"], e["ids"], e["role"]) for e in trail if e["method"] == "GET"]
    assert ("GET", "/api/v1/roles/ceo", ["ceo"], "admin") in reads
    assert ("GET", "/api/v1/export", ["ceo", "far-head"], "viewer") in reads
    assert not [r for r in reads if r[1] == "/api/v1/graph/ego/muni"]  # the plain viewer's


runner = CliRunner()


def test_keys_create_with_localities_and_personal_data(town: SQLiteStore, tmp_path: Path) -> None:
    args = ["keys", "create", "--role", "editor", "--store", town.url, "--json"]
    made = runner.invoke(cli, [*args, "--locality", "l1", "--locality", "l2", "--personal-data"])
    assert made.exit_code == 0, made.stderr
    answer = json.loads(made.stdout)
    assert answer["localities"] == ["l1", "l2"] and answer["personal_data"] is True
    unknown = runner.invoke(
        cli, [*args, "--locality", "nowhere", "--locality", "l1", "--locality", "muni"]
    )
    # every id that is no locality named at once (muni is an organisation)
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "error: --locality: no locality with id 'nowhere', 'muni'"
    listed = json.loads(runner.invoke(cli, ["keys", "list", "--store", town.url, "--json"]).stdout)
    assert [(k["localities"], k["personal_data"]) for k in listed] == [(["l1", "l2"], True)]
