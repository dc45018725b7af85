"""The docs in docs/ say what exists and their examples run (as Datasette and sqlite-utils test
theirs): every `partnermap COMMAND` named exists, every /api/v1 route named is served, the
import format's CSV examples import, the CLI examples exit 0 on the demo, the API examples
answer 200, and the analysis example's fields are the report's."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli_app
from api.config import Settings
from graph.analytics.report import analysis_report
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore
from importers.demo import demo_path
from importers.registry import run_import

DOCS = Path(__file__).resolve().parents[1] / "docs"
CORE = ("index.md", "import-format.md", "analysis.md", "api.md", "cli.md")
_FENCE = re.compile(r"```(\w*)\n(.*?)```", re.S)


def _pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def _blocks(page: str, lang: str) -> list[str]:
    return [body for info, body in _FENCE.findall((DOCS / page).read_text()) if info == lang]


def _commands() -> dict[str, Any]:
    group = typer.main.get_command(cli_app)
    return dict(group.commands)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("docs") / "demo.db"
    with SQLiteStore(path) as store:
        assert run_import(store, demo_path()).valid
    yield f"sqlite:///{path}"


def test_the_core_pages_exist_and_the_index_links_every_page() -> None:
    for name in CORE:
        assert (DOCS / name).is_file(), name
    index = (DOCS / "index.md").read_text()
    for page in _pages():
        if page.name != "index.md":
            assert f"]({page.name})" in index, f"docs/index.md does not link {page.name}"


def _code(text: str) -> str:
    """The code of a page: its fenced blocks and inline code spans (prose is left out)."""
    blocks = [body for _, body in _FENCE.findall(text)]
    spans = re.findall(r"`([^`\n]+)`", _FENCE.sub("", text))
    return "\n".join(blocks + spans)


def test_every_command_named_in_the_docs_exists() -> None:
    commands = _commands()
    named: set[tuple[str, str]] = set()
    for page in _pages():
        code = _code(page.read_text())
        for match in re.finditer(r"\bpartnermap ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?", code):
            named.add((page.name, match.group(1)))
            if match.group(1) == "keys" and match.group(2):
                subcommands = commands["keys"].commands
                assert match.group(2) in subcommands, f"{page.name}: keys {match.group(2)}"
    assert len(named) > 15  # the pages do name the commands
    for page, command in sorted(named):
        assert command in commands, (
            f"docs/{page} names `partnermap {command}`, which does not exist"
        )


def _route_patterns(keys: Path) -> list[re.Pattern[str]]:
    app = create_app(Settings(store="sqlite:///:memory:", keys_path=keys))
    paths = [*app.openapi()["paths"], "/docs", "/openapi.json"]
    return [re.compile("^" + re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(p)) + "$") for p in paths]


def test_every_route_named_in_the_docs_exists(tmp_path: Path) -> None:
    patterns = _route_patterns(tmp_path / "keys.sqlite3")
    named = 0
    for page in _pages():
        for match in re.finditer(
            r"(/api/v1/[A-Za-z0-9_{}./-]*[A-Za-z0-9_}]|/healthz|/readyz)", page.read_text()
        ):
            path = match.group(1)
            named += 1
            assert any(p.match(path) for p in patterns), (
                f"docs/{page.name} names {path}, not served"
            )
    assert named > 20


def test_the_import_format_examples_import(tmp_path: Path) -> None:
    text = (DOCS / "import-format.md").read_text()
    # Each ```csv block belongs to the last paragraph that starts by naming a file.
    files = []
    for name, rest in re.findall(r"^`(\w+)\.csv`(.*?)(?=^`\w+\.csv`|\Z)", text, re.S | re.M):
        files += [(name, body) for body in re.findall(r"```csv\n(.*?)```", rest, re.S)]
    assert {name for name, _ in files} >= {"localities", "organizations", "programs", "goals"}
    folder = tmp_path / "town"
    folder.mkdir()
    for name, body in files:
        (folder / f"{name}.csv").write_text(body, encoding="utf-8")
    with SQLiteStore(tmp_path / "g.db") as store:
        report = run_import(store, folder)
        assert report.valid, report.as_dict()["errors"]
        assert store.get("prog-sde-words") is not None


def test_the_cli_examples_run(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    town = tmp_path / "town"
    town.mkdir()
    (town / "organizations.csv").write_text("id,name,sector\norg-x,עמותת בדיקה,nonprofit\n")
    ran = 0
    for block in _blocks("cli.md", "bash"):
        for line in block.splitlines():
            if not line.startswith("partnermap "):
                continue
            args = shlex.split(line.split("#")[0])[1:]
            result = CliRunner().invoke(
                cli_app, args, env={"PARTNERMAP_STORE": demo_url, "COLUMNS": "200"}
            )
            assert result.exit_code == 0, f"{line}\n{result.output}"
            if "--json" in args:
                json.loads(result.stdout)
            ran += 1
    assert ran >= 14


def test_the_api_examples_answer(demo_url: str, tmp_path: Path) -> None:
    settings = Settings(store=demo_url, open_local_read=True, keys_path=tmp_path / "k.db")
    with TestClient(create_app(settings)) as client:
        ran = 0
        for block in _blocks("api.md", "bash"):
            for line in block.splitlines():
                if not line.startswith("curl") or " -F " in line:
                    continue
                url = next(w for w in shlex.split(line) if w.startswith("http://"))
                parts = urlsplit(url)
                r = client.get(parts.path, params=dict(parse_qsl(parts.query)))
                assert r.status_code == 200, f"{line}: {r.status_code} {r.text[:200]}"
                ran += 1
        assert ran >= 7


def test_the_analysis_example_has_the_reports_fields(demo_url: str) -> None:
    (block,) = _blocks("analysis.md", "json")
    example = json.loads(block)
    with SQLiteStore(demo_url.removeprefix("sqlite:///")) as store:
        report = analysis_report(store, Scope("loc-sderot", dt.date(2024, 6, 1)))
    assert list(example) == list(report)
    assert set(example["scope"]) == set(report["scope"])
    for section in ("duplicates", "isolates", "bridges", "leverage"):
        shown = example[section][0]
        kind = shown.get("kind")
        real = next(e for e in report[section] if kind is None or e.get("kind") == kind)
        assert set(shown) == set(real), section
    assert set(example["bridges_others"]) == set(report["bridges_others"])
    assert set(example["metrics"]) == set(report["metrics"])
    assert set(example["metrics"]["investment"]) == set(report["metrics"]["investment"])
