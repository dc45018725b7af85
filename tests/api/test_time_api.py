"""What changed and partnership health over HTTP and the CLI (SPEC section 6)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import cli
from graph.analytics.changes import changes_report
from graph.analytics.health import health_report
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore
from tests.analytics.test_health import survey_town
from tests.analytics.time_fixture import FROM, TO, history_town

Headers = Callable[[str], dict[str, str]]
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout


def test_changes_route_equals_the_analysis(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    history_town(sqlite_store)
    params = {"from": "2022-06-30", "to": "2025-06-30", "locality_id": "t"}
    r = client.get("/api/v1/analysis/changes", params=params, headers=as_role("viewer"))
    assert r.status_code == 200, r.text
    assert r.json() == json.loads(
        json.dumps(changes_report(sqlite_store, FROM, TO, Scope("t")), ensure_ascii=False)
    )
    assert [t["source"] for t in r.json()["ties"]["ended"]] == ["muni", "ngo"]
    again = client.get("/api/v1/analysis/changes", params=params, headers=as_role("viewer"))
    assert again.content == r.content


def test_changes_route_errors(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    history_town(sqlite_store)
    h = as_role("viewer")
    get = client.get
    assert get("/api/v1/analysis/changes?to=2025", headers=h).status_code == 422  # no from
    r = get("/api/v1/analysis/changes?from=2025&to=2022", headers=h)
    assert r.status_code == 422 and "from" in r.json()["detail"]
    r = get("/api/v1/analysis/changes?from=last+year", headers=h)
    assert r.status_code == 422 and "query from" in r.json()["detail"]
    r = get("/api/v1/analysis/changes?from=2022&locality_id=nowhere", headers=h)
    assert r.status_code == 404 and "locality_id" in r.json()["detail"]
    assert client.get("/api/v1/analysis/changes?from=2022").status_code == 401


def test_analysis_as_of_and_cache_key(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    history_town(sqlite_store)
    h = as_role("viewer")
    then = client.get("/api/v1/analysis/metrics?locality_id=t&as_of=2022-06-30", headers=h)
    now = client.get("/api/v1/analysis/metrics?locality_id=t&as_of=2025-06-30", headers=h)
    assert then.json()["ties"] == 3 and now.json()["ties"] == 6  # time_fixture's hand count
    whole = client.get("/api/v1/analysis?locality_id=t&as_of=2022-06-30", headers=h).json()
    assert whole["scope"]["as_of"] == "2022-06-30"
    r = client.get("/api/v1/analysis?as_of=2022-02-30", headers=h)
    assert r.status_code == 422 and "as_of" in r.json()["detail"]


def test_export_keeps_ended_things_unless_asked(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    history_town(sqlite_store)
    h = as_role("viewer")
    every = client.get("/api/v1/export?format=json&locality_id=t", headers=h).json()
    dated = client.get("/api/v1/export?format=json&locality_id=t&as_of=2025-06-30", headers=h)
    text = json.dumps(every)
    assert '"old"' in text and '"p5"' in text
    assert '"old"' not in dated.text and '"p5"' not in dated.text and '"biz"' in dated.text


def test_cli_changes_json_and_text(sqlite_store: SQLiteStore) -> None:
    history_town(sqlite_store)
    url = sqlite_store.url
    code, out = _run("changes", "--from", "2022-06-30", "--to", "2025-06-30",
                     "--locality", "t", "--json", "--store", url)  # fmt: skip
    assert code == 0
    assert json.loads(out) == json.loads(
        json.dumps(changes_report(sqlite_store, FROM, TO, Scope("t")), ensure_ascii=False)
    )
    code, out = _run("changes", "--from", "2022-06-30", "--to", "2025-06-30",
                     "--locality", "t", "--lang", "en", "--store", url)  # fmt: skip
    assert code == 0 and "5 ties added, 2 ended" in out
    assert _run("changes", "--from", "2025", "--to", "2022", "--store", url)[0] == 2
    assert _run("changes", "--from", "someday", "--store", url)[0] == 2
    assert _run("changes", "--from", "2022", "--locality", "nowhere", "--store", url)[0] == 1


def test_cli_analyze_as_of(sqlite_store: SQLiteStore) -> None:
    history_town(sqlite_store)
    code, out = _run("analyze", "--locality", "t", "--as-of", "2022-06-30", "--json",
                     "--store", sqlite_store.url)  # fmt: skip
    assert code == 0
    report = json.loads(out)
    assert report["scope"]["as_of"] == "2022-06-30" and report["metrics"]["ties"] == 3
    assert _run("analyze", "--as-of", "June", "--store", sqlite_store.url)[0] == 2
    code, out = _run("analyze", "--locality", "t", "--as-of", "2022-06-30", "--lang", "en",
                     "--store", sqlite_store.url)  # fmt: skip
    assert code == 0 and "As of 2022-06-30" in out


def test_cli_export_as_of(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    history_town(sqlite_store)
    url = sqlite_store.url
    every, dated = tmp_path / "all.json", tmp_path / "2025.json"
    assert _run("export", "--format", "json", "-o", str(every), "--store", url)[0] == 0
    assert _run("export", "--format", "json", "--as-of", "2025-06-30", "-o", str(dated),
                "--store", url)[0] == 0  # fmt: skip
    assert '"old"' in every.read_text() and '"old"' not in dated.read_text()
    assert _run("export", "--format", "json", "--as-of", "soon", "-o", str(dated),
                "--store", url)[0] == 2  # fmt: skip


def test_health_route_and_cli(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    survey_town(sqlite_store)
    h = as_role("viewer")
    r = client.get("/api/v1/analysis/health?locality_id=h", headers=h)
    assert r.status_code == 200
    assert r.json() == json.loads(json.dumps(health_report(sqlite_store, Scope("h"))))
    assert r.json()["network"]["response_rate"] == 0.75  # test_health's hand count
    first = client.get("/api/v1/analysis/health?locality_id=h&wave=2023-05-01", headers=h)
    assert first.json()["previous_wave"] is None
    r = client.get("/api/v1/analysis/health?locality_id=h&wave=2022-01-01", headers=h)
    assert r.status_code == 404 and "2024-05-01" in r.json()["detail"]
    assert r.json()["detail"].startswith("query wave: no survey responses dated 2022-01-01")
    r = client.get("/api/v1/analysis/health?wave=May", headers=h)
    assert r.status_code == 422 and "query wave" in r.json()["detail"]
    url = sqlite_store.url
    code, out = _run("health", "--locality", "h", "--json", "--store", url)
    assert code == 0 and json.loads(out)["wave"] == "2024-05-01"
    code, out = _run("health", "--locality", "h", "--lang", "en", "--store", url)
    assert code == 0 and "3 of 4 organisations answered (75%)" in out
    assert _run("health", "--wave", "2022-01-01", "--store", url)[0] == 1
    assert _run("health", "--wave", "soon", "--store", url)[0] == 2


def test_map_modes(sqlite_store: SQLiteStore, client: TestClient, as_role: Headers) -> None:
    history_town(sqlite_store)
    survey_town(sqlite_store)
    h = as_role("viewer")
    r = client.get("/api/v1/maps/t?lang=en&as_of=2025-06-30&changes_from=2022-06-30", headers=h)
    assert r.status_code == 200
    data = json.loads(
        re.search(r'<script type="application/json" id="pm-data">(.*?)</script>', r.text, re.S)[1]  # type: ignore[index]
    )
    ties = {tuple(sorted((e["from"], e["to"]))): e for e in data["edges"] if not e["structural"]}
    assert ties["muni", "old"]["change"] == "ended" and ties["muni", "old"]["dashed"]
    assert ties["biz", "res"]["change"] == "added" and ties["muni", "ngo"]["change"] == "kept"
    legend = data["edge_legend"]["items"]
    assert legend[0]["text"] == "tie started between the two dates"
    r = client.get("/api/v1/maps/h?lang=en&ties=trust", headers=h)
    assert r.status_code == 200 and "low trust (below 50%)" in r.text
    bad = client.get("/api/v1/maps/t?changes_from=2026&changes_to=2020", headers=h)
    assert bad.status_code == 422


def test_a_cold_map_builds_its_network_once(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers, monkeypatch: Any
) -> None:
    import graph.analytics.report
    import graph.network

    history_town(sqlite_store)
    calls: list[str | None] = []
    real = graph.network.build_network

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("locality_id"))
        return real(*args, **kwargs)

    monkeypatch.setattr(graph.network, "build_network", counting)
    monkeypatch.setattr(graph.analytics.report, "build_network", counting)
    r = client.get("/api/v1/maps/t?as_of=2025-06-30", headers=as_role("viewer"))
    assert r.status_code == 200
    assert calls == ["t"]  # the report is made from the map's own network
    r = client.get("/api/v1/analysis?locality_id=t&as_of=2025-06-30", headers=as_role("viewer"))
    assert r.status_code == 200 and calls == ["t"]  # and kept for the analysis route


def test_path_as_of_on_the_cli_and_the_api(
    sqlite_store: SQLiteStore, client: TestClient, as_role: Headers
) -> None:
    # time_fixture: ngo-res partnered until 2021; res is in no forum until it joins f on
    # 2025-01-01. So one step in mid-2021 (the partnership), none in mid-2022, one in 2025 (f).
    history_town(sqlite_store)
    url = sqlite_store.url
    expected = {"2021-06-30": ["partnership"], "2022-06-30": None, "2025-06-30": ["forum"]}
    for day, kinds in expected.items():
        code, out = _run("path", "ngo", "res", "--as-of", day, "--json", "--store", url)
        assert code == 0
        cli_answer = json.loads(out)
        r = client.get(
            "/api/v1/graph/path",
            params={"source": "ngo", "target": "res", "as_of": day},
            headers=as_role("viewer"),
        )
        assert r.status_code == 200
        api_answer = r.json()
        for answer in (cli_answer, api_answer):
            assert answer["found"] is (kinds is not None), (day, answer)
            if kinds:
                assert answer["length"] == 1
                assert [e["kind"] for e in answer["ties"][0]["evidence"]] == kinds
        assert cli_answer["ties"] == api_answer["ties"]  # one path engine behind both
    assert _run("path", "ngo", "res", "--as-of", "June", "--store", url)[0] == 2
