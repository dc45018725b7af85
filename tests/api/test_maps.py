"""HTTP routes of the maps and dashboards, and ``partnermap map``."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli_app
from api.config import Settings
from api.routes import maps as maps_routes
from api.routes.analysis import ReportCache
from graph.model import Locality, MunicipalStatus, Organization, Sector, to_record
from graph.store.sqlite import SQLiteStore


def _sample() -> ModuleType:
    path = Path(__file__).parents[1] / "viz" / "sample_data.py"
    spec = importlib.util.spec_from_file_location("pm_sample_data_api", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sample = _sample()
REMOTE = re.compile(r"<(script|link)\b[^>]*\b(src|href)\s*=\s*[\"']?\s*(https?:)?//", re.I)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "g.db"
    store = SQLiteStore(path)
    sample.write_sample(store)
    store.close()
    yield path


@pytest.fixture
def client(db: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(store=f"sqlite:///{db}", open_local_read=True, keys_path=tmp_path / "k.db")
    app = create_app(settings)
    # the findings of SPEC 3 for the sample, whatever state the analytics are in
    app.state.report_cache = ReportCache(2, compute=lambda s, sc: sample.sample_report())
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        yield c


def test_map_is_hebrew_self_contained_html(client: TestClient) -> None:
    r = client.get("/api/v1/maps/l-sderot")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<html lang="he" dir="rtl">' in html and "שדרות" in html
    assert REMOTE.search(html) is None and "new vis.Network" in html
    assert sample.XSS_NAME not in html and "\\u003cscript\\u003ealert(1)" in html
    assert "/api/v1/maps/l-sderot?lang=en" in html  # the language switch


def test_map_in_english_and_in_emergency(client: TestClient) -> None:
    en = client.get("/api/v1/maps/l-sderot", params={"lang": "en", "context": "emergency"})
    assert en.status_code == 200
    assert '<html lang="en" dir="ltr">' in en.text and "Network map: Sderot" in en.text
    assert '"context": "emergency"' in en.text


@pytest.mark.parametrize(
    "path", ["/api/v1/dashboard", "/api/v1/dashboard/l-sderot", "/api/v1/maps/l-sderot"]
)
def test_arabic_pages_are_right_to_left_and_link_the_other_languages(
    client: TestClient, path: str
) -> None:
    html = client.get(path, params={"lang": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in html
    assert 'hreflang="he"' in html and 'hreflang="en"' in html and 'hreflang="ar"' not in html
    assert ">עברית</a>" in html and ">English</a>" in html
    assert "?lang=he" in html and "?lang=en" in html
    he = client.get(path).text
    assert 'hreflang="ar"' in he and ">العربية</a>" in he and "?lang=ar" in he


def test_download_is_an_attachment_without_server_links(client: TestClient) -> None:
    r = client.get("/api/v1/maps/l-sderot", params={"download": "true", "lang": "en"})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == (
        'attachment; filename="partnermap-map-l-sderot-en.html"'
    )
    assert "/api/v1/" not in r.text


def test_dashboard_has_findings_charts_metrics_and_exports(client: TestClient) -> None:
    r = client.get("/api/v1/dashboard/l-sderot", params={"lang": "en"})
    assert r.status_code == 200
    html = r.text
    assert "Dashboard: Sderot" in html
    assert 'data-focus=\'["p1", "p2", "np1", "np2"]\'' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and sample.XSS_NAME not in html
    assert html.count('class="pm-chart"') == 3
    assert "/api/v1/export?format=json&amp;locality_id=l-sderot" in html
    assert "/api/v1/maps/l-sderot?lang=en&amp;context=both&amp;download=true" in html
    assert "/api/v1/dashboard/l-sderot?lang=en&amp;context=emergency" in html
    assert '<strong aria-current="page">Routine and emergency</strong>' in html


def test_index_lists_localities_with_links(client: TestClient) -> None:
    he = client.get("/api/v1/dashboard").text
    assert "שדרות" in he and "אופקים" in he and "/api/v1/dashboard/l-ofakim?lang=he" in he
    en = client.get("/api/v1/dashboard", params={"lang": "en"}).text
    assert "Sderot" in en and "/api/v1/maps/l-sderot?lang=en" in en


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("/api/v1/maps/nowhere", {}, 404),
        ("/api/v1/dashboard/muni", {}, 404),  # an organisation, not a locality
        ("/api/v1/maps/l-sderot", {"lang": "fr"}, 422),
        ("/api/v1/maps/l-sderot", {"context": "war"}, 422),
    ],
)
def test_errors_are_json_with_detail(
    client: TestClient, url: str, params: dict, status: int
) -> None:
    r = client.get(url, params=params)
    assert r.status_code == status
    assert "detail" in r.json()


def test_reads_need_a_key_unless_open(db: Path, tmp_path: Path) -> None:
    app = create_app(Settings(store=f"sqlite:///{db}", keys_path=tmp_path / "k2.db"))
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/v1/maps/l-sderot").status_code == 401
        assert c.get("/api/v1/dashboard").status_code == 401


def test_cli_writes_one_self_contained_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    runner = CliRunner()
    r = runner.invoke(
        cli_app,
        [
            "map",
            "--locality",
            "l-sderot",
            "-o",
            str(out),
            "--lang",
            "en",
            "--store",
            f"sqlite:///{db}",
        ],
    )
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in html and "Network map: Sderot" in html
    assert REMOTE.search(html) is None and re.search(r"<script[^>]*\bsrc=", html) is None
    he = tmp_path / "he.html"
    r = runner.invoke(
        cli_app, ["map", "--locality", "l-sderot", "-o", str(he), "--store", f"sqlite:///{db}"]
    )
    assert r.exit_code == 0 and '<html lang="he" dir="rtl">' in he.read_text(encoding="utf-8")


def test_cli_errors(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    store = ["--store", f"sqlite:///{db}"]
    r = runner.invoke(
        cli_app, ["map", "--locality", "nowhere", "-o", str(tmp_path / "x.html"), *store]
    )
    assert r.exit_code == 1 and "nowhere" in r.output
    r = runner.invoke(
        cli_app,
        ["map", "--locality", "l-sderot", "-o", str(tmp_path / "x.html"), "--lang", "fr", *store],
    )
    assert r.exit_code == 2
    assert not (tmp_path / "x.html").exists()


def _count(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    """Count the calls of ``api.routes.maps.<name>`` (and still call it)."""
    calls: list[str] = []
    real = getattr(maps_routes, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(maps_routes, name, counted)
    return calls


def test_pages_are_drawn_once_per_graph_version(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = _count(monkeypatch, "load_locality")
    maps = _count(monkeypatch, "render_map")
    dashboards = _count(monkeypatch, "render_dashboard")
    indexes = _count(monkeypatch, "render_locality_index")
    first = client.get("/api/v1/maps/l-sderot", params={"lang": "en"})
    again = client.get("/api/v1/maps/l-sderot", params={"lang": "en"})
    assert first.status_code == again.status_code == 200 and again.text == first.text
    assert (len(loads), len(maps)) == (1, 1)  # the second answer read no graph, drew nothing
    # each language, context and download flag is a page of its own
    assert '<html lang="he" dir="rtl">' in client.get("/api/v1/maps/l-sderot").text
    client.get("/api/v1/maps/l-sderot", params={"lang": "en", "context": "emergency"})
    for _ in range(2):
        saved = client.get("/api/v1/maps/l-sderot", params={"lang": "en", "download": "true"})
        assert saved.headers["content-disposition"].startswith("attachment;")
        assert "/api/v1/" not in saved.text
    assert (len(loads), len(maps)) == (4, 4)
    for _ in range(2):
        assert client.get("/api/v1/dashboard/l-sderot").status_code == 200
        assert client.get("/api/v1/dashboard").status_code == 200
    assert (len(loads), len(dashboards), len(indexes)) == (5, 1, 1)

    # a write is a new graph version: new pages, drawn from the new graph
    store = client.app.state.store  # type: ignore[attr-defined]
    store.write(
        [
            to_record(
                Organization(
                    id="new-org",
                    name="עמותת מטמון חדשה",
                    sector=Sector.nonprofit,
                    locality_ids=["l-sderot"],
                )
            ),
            to_record(
                Locality(
                    id="l-yeruham", name="ירוחם", municipal_status=MunicipalStatus.local_council
                )
            ),
        ]
    )
    assert "עמותת מטמון חדשה" not in first.text
    after = client.get("/api/v1/maps/l-sderot", params={"lang": "en"})
    assert after.status_code == 200 and "עמותת מטמון חדשה" in after.text
    assert "עמותת מטמון חדשה" in client.get("/api/v1/dashboard/l-sderot").text
    assert "ירוחם" in client.get("/api/v1/dashboard").text
    assert (len(loads), len(maps), len(dashboards), len(indexes)) == (7, 5, 2, 2)


def test_missing_pages_are_not_kept(client: TestClient) -> None:
    for _ in range(2):
        assert client.get("/api/v1/maps/nowhere").status_code == 404
    assert client.get("/api/v1/maps/l-sderot").status_code == 200
    assert len(client.app.state.page_cache) == 1  # type: ignore[attr-defined]


def test_page_cache_is_bounded(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(
        store=f"sqlite:///{db}",
        open_local_read=True,
        keys_path=tmp_path / "k3.db",
        analysis_cache_size=2,
    )
    app = create_app(settings)
    app.state.report_cache = ReportCache(2, compute=lambda s, sc: sample.sample_report())
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        sizes = []
        for lang in ("he", "en"):
            for ctx in ("both", "routine", "emergency"):
                r = c.get("/api/v1/maps/l-sderot", params={"lang": lang, "context": ctx})
                assert r.status_code == 200
                sizes.append(len(r.content))
        assert len(app.state.page_cache) == 2
        assert app.state.page_cache.weight == sum(sizes[-2:])  # the two newest pages
        size = max(sizes)
    # by bytes too: room for one page, not two
    monkeypatch.setattr(maps_routes, "PAGE_CACHE_BYTES", size + size // 2)
    app = create_app(settings)
    app.state.report_cache = ReportCache(2, compute=lambda s, sc: sample.sample_report())
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        for ctx in ("routine", "emergency"):
            r = c.get("/api/v1/maps/l-sderot", params={"lang": "en", "context": ctx})
            assert r.status_code == 200
        assert len(app.state.page_cache) == 1
        assert app.state.page_cache.weight == len(r.content)


def test_dashboards_and_the_index_link_the_glossary(client: TestClient) -> None:
    for path in ("/api/v1/dashboard", "/api/v1/dashboard/l-sderot", "/api/v1/maps/l-sderot"):
        html = client.get(path, params={"lang": "en"}).text
        assert 'href="/api/v1/glossary?lang=en"' in html, path
        assert "Glossary: what each measure means" in html
    ar = client.get("/api/v1/dashboard/l-sderot", params={"lang": "ar"}).text
    assert 'href="/api/v1/glossary?lang=ar"' in ar
    # each measure and each list links to the words that explain it
    dash = client.get("/api/v1/dashboard/l-sderot", params={"lang": "en"}).text
    for anchor in ("density", "cross_sector_tie_share", "bridge", "isolate", "duplicate"):
        assert f'href="/api/v1/glossary?lang=en#{anchor}"' in dash, anchor


def test_index_shows_a_locality_whose_id_has_a_slash_without_links(
    tmp_path: Path,
) -> None:
    # Found by the schema fuzzer: url_for refused the id and the page answered 500.
    store = SQLiteStore(tmp_path / "slash.db")
    store.write([to_record(Locality(id="loc/a", name="עיר עם לוכסן"))])
    app = create_app(
        Settings(store=store.url, keys_path=tmp_path / "k.sqlite3", open_local_read=True),
        store=store,
    )
    with TestClient(app) as c:
        response = c.get("/api/v1/dashboard")
    assert response.status_code == 200
    assert "עיר עם לוכסן" in response.text
    assert "/dashboard/loc/a" not in response.text


def test_finding_scores_say_what_they_measure(client: TestClient) -> None:
    # A bare "score 0.63" told a partnership manager nothing (QA pass): the strength is out of 1
    # and its tooltip says what it measures.
    html = client.get("/api/v1/dashboard/l-sderot?lang=en").text
    assert 'class="pm-score"' in html
    assert "strength " in html and " of 1" in html
    assert "how strong the finding is" in html
    he = client.get("/api/v1/dashboard/l-sderot").text
    assert "ציון 0." not in he
