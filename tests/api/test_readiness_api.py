"""Readiness over HTTP and the CLI; ego networks and paths of one context."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import cli
from graph.analytics.readiness import readiness_report
from graph.store.sqlite import SQLiteStore
from importers.registry import run_import
from tests.analytics.readiness_fixture import write_town
from tests.importers.test_readiness_import import FILES, _write

Headers = Callable[[str], dict[str, str]]
runner = CliRunner()


def test_readiness_route_equals_the_analysis(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    write_town(sqlite_store)
    r = client.get(
        "/api/v1/analysis/readiness",
        params={"locality_id": "l", "as_of": "2026-11-30"},
        headers=as_role("viewer"),
    )
    assert r.status_code == 200
    assert r.json() == readiness_report(sqlite_store, "l", as_of=dt.date(2026, 11, 30))
    assert r.json()["invite_to_emergency_team"][0]["id"] == "bakery"
    # 2019: the emergency partnership city-bakery had not ended yet.
    old = client.get(
        "/api/v1/analysis/readiness",
        params={"locality_id": "l", "as_of": "2019-06-01"},
        headers=as_role("viewer"),
    ).json()
    # ... and the closed kitchen had not closed: a provider nobody reaches.
    assert {u["id"] for u in old["unreachable_providers"]} == {"gone", "nat"}


def test_readiness_route_errors(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    write_town(sqlite_store)
    h = as_role("viewer")
    r = client.get("/api/v1/analysis/readiness", params={"locality_id": "nowhere"}, headers=h)
    assert r.status_code == 404 and "locality_id" in r.json()["detail"]
    r = client.get("/api/v1/analysis/readiness", params={"locality_id": "vol"}, headers=h)
    assert r.status_code == 404
    r = client.get(
        "/api/v1/analysis/readiness", params={"locality_id": "l", "as_of": "soon"}, headers=h
    )
    assert r.status_code == 422 and "as_of" in r.json()["detail"]
    assert client.get("/api/v1/analysis/readiness", headers=h).status_code == 422
    assert client.get("/api/v1/analysis/readiness?locality_id=l").status_code == 401


def test_ego_of_one_context(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    write_town(sqlite_store)
    h = as_role("viewer")

    def ids(context: str) -> set[str]:
        # As of 2019, while the emergency partnership city-bakery (until 2020) was live.
        r = client.get(f"/api/v1/graph/ego/bakery?context={context}&as_of=2019", headers=h)
        assert r.status_code == 200
        return {n["id"] for n in r.json()["nodes"]}

    # bakery: a routine forum, a routine partnership with vol, an (ended) emergency
    # partnership with city, its own locality and capability.
    assert {"routine-forum", "vol", "city"} <= ids("both")
    assert "routine-forum" not in ids("emergency") and "vol" not in ids("emergency")
    assert "city" in ids("emergency")
    assert "city" not in ids("routine")  # at depth 1 city is only the emergency partner
    assert "routine-forum" in ids("routine") and "vol" in ids("routine")
    r = client.get("/api/v1/graph/ego/bakery?context=sometimes", headers=h)
    assert r.status_code == 422


def test_path_route_of_one_context(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    write_town(sqlite_store)
    h = as_role("viewer")
    both = client.get("/api/v1/graph/path?source=r-city&target=far", headers=h).json()
    assert both["length"] == 2
    routine = client.get(
        "/api/v1/graph/path?source=r-city&target=far&context=routine", headers=h
    ).json()
    # city-vol is an emergency partnership: routine goes round by the forum and the bakery.
    assert [n["id"] for n in routine["nodes"]] == ["city", "bakery", "vol", "far"]


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout


def test_cli_readiness_json_and_tables(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    write_town(sqlite_store)
    url = sqlite_store.url
    code, out = _run("readiness", "--locality", "l", "--as-of", "2026-11-30", "--json",
                     "--store", url)  # fmt: skip
    assert code == 0
    assert json.loads(out) == readiness_report(sqlite_store, "l", as_of=dt.date(2026, 11, 30))
    code, out = _run("readiness", "--locality", "l", "--lang", "en", "--store", url)
    assert code == 0
    assert "Whom to invite to the emergency team" in out and "Bakery" in out
    code, out = _run("readiness", "--locality", "l", "--store", url)
    assert code == 0 and "את מי כדאי להזמין לצוות החירום" in out
    code, _ = _run("readiness", "--locality", "nowhere", "--store", url)
    assert code == 1
    code, _ = _run("readiness", "--locality", "l", "--lang", "fr", "--store", url)
    assert code == 2


def test_cli_path_with_context(sqlite_store: SQLiteStore) -> None:
    write_town(sqlite_store)
    url = sqlite_store.url
    code, out = _run("path", "r-city", "far", "--context", "emergency", "--json", "--store", url)
    assert code == 0
    body = json.loads(out)
    assert [n["id"] for n in body["nodes"]] == ["city", "vol", "far"]
    assert body["ties"][1]["evidence"][0]["id"] == "p-both"
    code, out = _run("path", "r-city", "far", "--context", "routine", "--json", "--store", url)
    assert code == 0 and json.loads(out)["length"] == 3  # by the routine forum and the bakery
    code, out = _run("path", "city", "far", "--context", "emergency", "--store", url)
    assert code == 0 and "שני צעדים" in out  # Hebrew by default (graph/messages/path.toml)
    assert _run("path", "ghost", "far", "--store", url)[0] == 1
    assert _run("path", "city", "far", "--context", "x", "--store", url)[0] == 2


def test_api_create_and_update_check_the_same(
    sqlite_store: SQLiteStore, tmp_path: Path, client: TestClient, as_role: Headers
) -> None:
    assert run_import(sqlite_store, _write(tmp_path / "ok", FILES)).valid
    h = as_role("editor")
    body = {"organization_id": "vol", "category": "water", "capacity": 5, "areas": ["שכונה ג"]}
    r = client.post("/api/v1/capabilities", json=body, headers=h)
    assert r.status_code == 422 and "שכונה ג" in r.json()["detail"]
    assert "body.areas" in r.json()["detail"]
    body = {"organization_id": "vol", "category": "water", "contact_role_id": "r-city"}
    r = client.post("/api/v1/capabilities", json=body, headers=h)
    assert r.status_code == 409 and "body.contact_role_id" in r.json()["detail"]
    body = {"organization_id": "vol", "category": "water", "capacity": -1}
    assert client.post("/api/v1/capabilities", json=body, headers=h).status_code == 422
    body = {"organization_id": "ghost", "category": "water"}
    assert client.post("/api/v1/capabilities", json=body, headers=h).status_code == 409
    assert sqlite_store.get("capability:vol:water") is None
    ok = {"organization_id": "vol", "category": "water", "areas": ["שכונה ב"]}
    assert client.post("/api/v1/capabilities", json=ok, headers=h).status_code == 201
    r = client.patch(
        "/api/v1/capabilities/capability:vol:water", json={"areas": ["מרכז"]}, headers=h
    )
    assert r.status_code == 422  # "מרכז" is an area of l2, not of vol's l
    assert sqlite_store.get("capability:vol:water").props["areas"] == ["שכונה ב"]
    # The national organisation may name an area of any locality.
    r = client.patch("/api/v1/capabilities/capability:nat:water", json={"areas": ["שכונה ב"]},
                     headers=h)  # fmt: skip
    assert r.status_code == 200


def test_map_view_readiness(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    write_town(sqlite_store)
    h = as_role("viewer")
    plain = client.get("/api/v1/maps/l", headers=h)
    assert plain.status_code == 200 and "partnermap emergency view" not in plain.text
    r = client.get("/api/v1/maps/l?view=readiness&context=emergency&lang=en", headers=h)
    assert r.status_code == 200
    assert "partnermap emergency view" in r.text  # readiness.js is in the page
    assert '"contact": "רכזת מתנדבים"' in r.text
    assert client.get("/api/v1/maps/l?view=nothing", headers=h).status_code == 422
    dashboard = client.get("/api/v1/dashboard/l?lang=en", headers=h).text
    assert "view=readiness" in dashboard and 'id="tab-readiness"' in dashboard


def _map_data(html: str) -> dict:
    start = html.index('<script type="application/json" id="pm-data">') + len(
        '<script type="application/json" id="pm-data">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_map_view_as_of(sqlite_store: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    write_town(sqlite_store)
    h = as_role("viewer")
    today = _map_data(client.get("/api/v1/maps/l?view=readiness", headers=h).text)
    assert today["readiness"]["providers"]["bakery"]["steps"] is None
    assert today["readiness"]["team"]["members"] == ["city", "mda"]
    # 2019: the emergency partnership city-bakery had not ended; the closed kitchen still worked.
    old = _map_data(client.get("/api/v1/maps/l?view=readiness&as_of=2019-06-01", headers=h).text)
    assert old["readiness"]["providers"]["bakery"]["steps"] == 1
    assert "gone" in old["readiness"]["providers"]
    r = client.get("/api/v1/maps/l?view=readiness&as_of=soon", headers=h)
    assert r.status_code == 422


def test_a_need_cannot_take_away_an_area_capabilities_serve(
    sqlite_store: SQLiteStore, tmp_path: Path, client: TestClient, as_role: Headers
) -> None:
    assert run_import(sqlite_store, _write(tmp_path / "ok", FILES)).valid
    h = as_role("editor")
    # n1 is the only need of "שכונה א" in l, and vol's food capability names that area.
    r = client.delete("/api/v1/needs/n1", headers=h)
    assert r.status_code == 409 and "capability:vol:food" in r.json()["detail"]
    r = client.patch("/api/v1/needs/n1", json={"area": "שכונה ג"}, headers=h)
    assert r.status_code == 409
    assert sqlite_store.get("n1").props["area"] == "שכונה א"
    # Changing something else is fine; with a second need of the area, so is the delete.
    assert client.patch("/api/v1/needs/n1", json={"severity": 2}, headers=h).status_code == 200
    twin = {"id": "n1b", "locality_id": "l", "area": "שכונה א", "category": "water"}
    assert client.post("/api/v1/needs", json=twin, headers=h).status_code == 201
    assert client.delete("/api/v1/needs/n1", headers=h).status_code == 204
    # n3 names "מרכז" of l2 for the national organisation's water capability.
    assert client.delete("/api/v1/needs/n3", headers=h).status_code == 409
