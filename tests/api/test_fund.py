"""``/analysis/compass`` and ``/analysis/localities``: the CLI's JSON, errors, and the cache."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from api.auth import Role
from api.cli import app as cli
from api.config import Settings
from graph.analytics.compass import compass_report
from graph.analytics.selection import load_rubric, rank_localities
from graph.model import to_record
from graph.model_process import Assessment, CompassRating
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore

Headers = Callable[[str], dict[str, str]]


def _fund_data(store: SQLiteStore) -> None:
    rows = [
        CompassRating.model_validate({"locality_id": "l1", "domain": d, "outcome": "workforce",
                                      "year": y, "status": s})
        for d, y, s in (("stem21", "2022", "not_met"), ("stem21", "2024", "partly"),
                        ("early_childhood", "2024", "met"))
    ] + [
        Assessment.model_validate({"locality_id": "l1", "criterion": "urgency", "score": v,
                                   "assessor": who})
        for v, who in (("4", "x"), ("5", "y"))
    ]  # fmt: skip
    store.write([to_record(r) for r in rows])


def test_compass_is_the_cli_json(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    _fund_data(town)
    r = client.get(
        "/api/v1/analysis/compass",
        params={"locality_id": "l1", "as_of": "2026-11-30"},
        headers=as_role("viewer"),
    )
    assert r.status_code == 200
    body = r.json()
    assert body == json.loads(
        json.dumps(compass_report(town, Scope("l1", dt.date(2026, 11, 30))), ensure_ascii=False)
    )
    cells = {c["domain"]: c["change"] for c in body["cells"]}
    assert cells == {"early_childhood": "single", "stem21": "improved"}
    shares = {o["outcome"]: o for o in body["outcomes"]}
    assert shares["workforce"]["met_share_first"] == 0.0
    assert shares["workforce"]["met_share_latest"] == 0.75  # (0.5 + 1) / 2
    result = CliRunner().invoke(
        cli, ["compass", "--locality", "l1", "--as-of", "2026-11-30", "--json", "--store",
              town.url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == body


def test_compass_errors(town: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    h = as_role("viewer")
    r = client.get("/api/v1/analysis/compass", params={"locality_id": "nope"}, headers=h)
    assert r.status_code == 404 and "nope" in r.text
    assert client.get("/api/v1/analysis/compass", headers=h).status_code == 422
    r = client.get(
        "/api/v1/analysis/compass", params={"locality_id": "l1", "as_of": "soon"}, headers=h
    )
    assert r.status_code in (400, 422) and "as_of" in r.text
    assert client.get("/api/v1/analysis/compass", params={"locality_id": "l1"}).status_code == 401


def test_localities_is_the_cli_json_and_cached(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    _fund_data(town)
    h = as_role("viewer")
    r = client.get("/api/v1/analysis/localities", params={"as_of": "2026-11-30"}, headers=h)
    assert r.status_code == 200
    body = r.json()
    expected = rank_localities(town, scope=Scope(None, dt.date(2026, 11, 30)))
    assert body == json.loads(json.dumps(expected, ensure_ascii=False))
    l1 = next(e for e in body["localities"] if e["id"] == "l1")
    assert l1["criteria"]["urgency"] == {"value": 4.5, "points": 0.875, "weight": 2.0}
    assert l1["criteria"]["partnerships_manager"]["value"] is False
    assert "formal_leadership" in l1["missing"]
    assert l1["rank"] == 1 and body["localities"][1]["id"] == "l2"
    # A second request reads the cache: same version, no recomputation.
    cache = client.app.state.fund_cache  # type: ignore[attr-defined]
    size = len(cache)
    again = client.get("/api/v1/analysis/localities", params={"as_of": "2026-11-30"}, headers=h)
    assert again.json() == body and len(cache) == size
    result = CliRunner().invoke(
        cli, ["rank-localities", "--as-of", "2026-11-30", "--json", "--store", town.url]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == body


def test_rank_cli_rejects_a_malformed_rubric(town: SQLiteStore, tmp_path) -> None:
    bad = tmp_path / "r.toml"
    bad.write_text("[weights]\nurgency = 1\nleadership = 2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["rank-localities", "--rubric", str(bad), "--store", town.url])
    assert result.exit_code == 1
    assert f"--rubric: {bad}, line 3: [weights] leadership" in " ".join(result.stderr.split())


def test_dashboard_index_shows_each_localitys_summary(
    town: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    _fund_data(town)
    h = as_role("viewer")
    r = client.get("/api/v1/dashboard", params={"lang": "en", "as_of": "2026-11-30"}, headers=h)
    assert r.status_code == 200
    html = r.text
    # l1 (ranked first: it has assessments) before l2; each row opens its dashboard.
    assert html.index('data-id="l1"') < html.index('data-id="l2"')
    assert "/api/v1/dashboard/l1?lang=en&amp;as_of=2026-11-30" in html
    # The counts shown are locality_summaries' (tested against each town's own analysis).
    from graph.analytics.overview import locality_summaries

    s = locality_summaries(town, Scope(None, dt.date(2026, 11, 30)))["l1"]
    assert f'data-isolates="{s["isolates"]}"' in html
    assert 'data-duplicates="0"' in html
    # Money: the foundation's 250,000 of 2024 into p1 (a year before the as-of date).
    assert s["money"]["by_source"]["philanthropy"] == 250_000
    assert "₪250,000" in html and "Philanthropy: ₪250,000" in html
    assert "No authority money".lower() in html.lower()
    assert "Rubric score" in html and "took" in html
    bad = client.get("/api/v1/dashboard", params={"as_of": "someday"}, headers=h)
    assert bad.status_code in (400, 422) and "as_of" in bad.text
    he = client.get("/api/v1/dashboard", params={"as_of": "2026-11-30"}, headers=h)
    assert 'dir="rtl"' in he.text and "ציון מחוון" in he.text


def test_the_server_ranks_with_its_own_rubric(
    town: SQLiteStore, make_app: Callable[..., FastAPI], tmp_path: Path
) -> None:
    """PARTNERMAP_RUBRIC: a fund that weighs only urgency ranks by urgency over HTTP too."""
    _fund_data(town)  # l1 has urgency 4 and 5 from two assessors; l2 has none
    mine = tmp_path / "urgency.toml"
    mine.write_text("[weights]\nurgency = 1\n", encoding="utf-8")
    app = make_app(rubric=mine)
    key = app.state.keys.create(Role.viewer).secret
    with TestClient(app) as c:
        r = c.get(
            "/api/v1/analysis/localities",
            params={"as_of": "2026-11-30"},
            headers={"Authorization": f"Bearer {key}"},
        )
    body = r.json()
    assert body["rubric"]["source"] == str(mine)
    assert body["rubric"]["weights"] == {"urgency": 1.0}
    l1 = next(e for e in body["localities"] if e["id"] == "l1")
    assert l1["score"] == 0.875 and set(l1["criteria"]) == {"urgency"}  # (4.5 - 1) / 4
    expected = rank_localities(town, load_rubric(mine), scope=Scope(None, dt.date(2026, 11, 30)))
    assert body == json.loads(json.dumps(expected, ensure_ascii=False))


def test_a_malformed_server_rubric_stops_serve_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "r.toml"
    bad.write_text("[weights]\nurgency = 1\nleadership = 2\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        Settings(rubric=bad, keys_path=tmp_path / "k.sqlite3")
    assert f"{bad}, line 3: [weights] leadership" in str(caught.value)
    result = CliRunner().invoke(
        cli, ["serve", "--store", f"sqlite:///{tmp_path / 'g.db'}", "--port", "1"],
        env={"PARTNERMAP_RUBRIC": str(bad)},
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"PARTNERMAP_RUBRIC: {bad}, line 3: [weights] leadership" in " ".join(
        result.stderr.split()
    )
