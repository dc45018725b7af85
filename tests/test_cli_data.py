"""The data commands of the CLI (SPEC section 5): import, stats, export, demo.

Expected counts come from SPEC section 1 applied to the fixture's rows
(:func:`expected_counts`); bad rows are where :func:`bad_tables` put them.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

import api.cli as cli
import importers.demo
from api.commands import serve as serve_cmds
from tests.importers.fixtures_tabular import (
    BAD_ROWS,
    bad_tables,
    expected_counts,
    tables,
    write_csv,
)

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    # Wide enough that no file name or column is folded across lines. Through the
    # environment, as Rich reads it: setting ``cli.out.width`` would leave the shared
    # console pinned to the old width afterwards, and later tests' COLUMNS ignored.
    monkeypatch.setenv("COLUMNS", "300")


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PARTNERMAP_STORE", url)
    return url


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout, result.stderr


def stats_json() -> dict:
    code, stdout, _ = invoke("stats", "--json")
    assert code == 0
    return json.loads(stdout)


def test_import_then_stats_counts_are_exact_and_reimport_changes_nothing(store_url, tmp_path):
    folder = write_csv(tmp_path / "good", tables())
    code, stdout, _ = invoke("import", str(folder), "--json")
    assert code == 0
    report = json.loads(stdout)  # stdout holds the JSON and nothing else
    assert report["valid"] is True and report["errors"] == []
    nodes, rels = expected_counts(tables())
    assert report["stats"]["nodes_written"] == sum(nodes.values())
    first = stats_json()
    assert first["nodes"] == nodes
    assert first["relationships"] == rels
    code, stdout, _ = invoke("import", str(folder))
    assert code == 0
    assert "Imported" in stdout
    again = stats_json()
    assert again == first  # same counts, same graph_version


def test_a_bad_copy_is_rejected_whole_naming_every_bad_row(store_url, tmp_path):
    good = tables()
    base = write_csv(
        tmp_path / "base",
        {"localities": good["localities"][:2]} | {"organizations": good["organizations"][:3]},
    )
    assert invoke("import", str(base))[0] == 0
    before = stats_json()
    folder = write_csv(tmp_path / "bad", bad_tables())
    code, stdout, _ = invoke("import", str(folder), "--json")
    assert code == 1
    report = json.loads(stdout)
    assert report["valid"] is False
    assert report["stats"]["nodes_written"] == 0
    found = {(e["type"], e["file"], e["row"], e["field"]) for e in report["errors"]}
    for bad in BAD_ROWS:
        assert bad in found, bad
    assert all(e["message"] for e in report["errors"])
    assert stats_json() == before  # same counts, same graph_version

    code, stdout, _ = invoke("import", str(folder))
    assert code == 1
    assert "Rejected" in stdout and "nothing written" in stdout
    for _, file, row, column in BAD_ROWS:
        line = next(
            (ln for ln in stdout.splitlines() if file in ln and f" {row} " in ln and column in ln),
            None,
        )
        assert line is not None, (file, row, column)
    assert stats_json() == before


def test_partial_lands_the_good_rows_and_lists_the_skipped(store_url, tmp_path):
    folder = write_csv(tmp_path / "bad", bad_tables())
    code, stdout, _ = invoke("import", str(folder), "--partial", "--json")
    assert code == 0
    report = json.loads(stdout)
    skipped = {(s["type"], s["file"], s["row"], s["field"]) for s in report["skipped_rows"]}
    for bad in BAD_ROWS:
        assert bad in skipped, bad
    landed = stats_json()["nodes"]
    assert 0 < landed["Organization"] < len(tables()["organizations"])
    assert landed["Program"] == len(tables()["programs"]) - 4  # four bad program rows

    code, stdout, _ = invoke("import", str(folder), "--partial")
    assert code == 0
    assert "Skipped rows" in stdout and "organizations.csv" in stdout


def test_dry_run_writes_nothing(store_url, tmp_path):
    folder = write_csv(tmp_path / "good", tables(), bom=True)
    before = stats_json()
    code, stdout, _ = invoke("import", str(folder), "--dry-run", "--json")
    assert code == 0
    report = json.loads(stdout)
    assert report["dry_run"] is True and report["valid"] is True
    assert report["stats"]["would_write"]["by_label"]["Organization"] == 34
    assert stats_json() == before
    bad = write_csv(tmp_path / "bad", bad_tables())
    assert invoke("import", str(bad), "--dry-run")[0] == 1
    assert stats_json() == before


def test_usage_errors_exit_2(store_url, tmp_path):
    folder = write_csv(tmp_path / "good", tables())
    assert invoke("import", str(folder), "--format", "excel")[0] == 2
    assert invoke("import", str(tmp_path / "missing"))[0] == 2
    assert invoke("export", "--format", "pdf", "-o", str(tmp_path / "x"))[0] == 2
    code, _, stderr = invoke(
        "import", str(tmp_path / "good" / "organizations.csv"), "--format", "iati"
    )
    assert code == 1  # not IATI XML (or no IATI importer yet): rejected, no traceback
    assert "Traceback" not in stderr


def test_export_json_then_import_into_a_fresh_store(store_url, tmp_path, monkeypatch):
    folder = write_csv(tmp_path / "good", tables())
    invoke("import", str(folder))
    original = stats_json()
    for fmt, name in (("json", "g.json"), ("csv", "g.zip"), ("gexf", "g.gexf")):
        code, _, stderr = invoke("export", "--format", fmt, "-o", str(tmp_path / name))
        assert code == 0, stderr
        assert (tmp_path / name).stat().st_size > 0
    monkeypatch.setenv("PARTNERMAP_STORE", f"sqlite:///{tmp_path / 'fresh.db'}")
    for name in ("g.json", "g.zip"):
        assert invoke("import", str(tmp_path / name))[0] == 0
        fresh = stats_json()
        assert fresh["nodes"] == original["nodes"]
        assert fresh["relationships"] == original["relationships"]


def test_stats_human_output_names_the_store(store_url):
    code, stdout, _ = invoke("stats")
    assert code == 0
    assert "cli.db" in stdout


def test_demo_loads_a_fresh_store_each_run(tmp_path, monkeypatch):
    folder = write_csv(tmp_path / "demo", tables())
    monkeypatch.setattr(importers.demo, "demo_path", lambda: folder, raising=False)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    nodes, _ = expected_counts(tables())
    for _ in range(2):
        code, stdout, stderr = invoke("demo", "--store", url, "--no-serve")
        assert code == 0, stderr
        assert "Demo loaded" in stdout
        monkeypatch.setenv("PARTNERMAP_STORE", url)
        assert stats_json()["nodes"] == nodes
        assert stats_json()["graph_version"].startswith("1:")  # one write into a new file


def test_an_unreadable_input_still_gives_report_json(store_url, tmp_path):
    odd = tmp_path / "notes.txt"
    odd.write_text("שלום")
    code, stdout, stderr = invoke("import", str(odd), "--json")
    assert code == 1
    report = json.loads(stdout)
    assert report["valid"] is False
    assert report["errors"][0]["type"] == "format"
    assert report["errors"][0]["file"] == "notes.txt"
    assert "--format" in stderr and "Traceback" not in stderr


def test_demo_default_store_is_a_separate_file_replaced_each_run(tmp_path, monkeypatch):
    import platformdirs

    from graph.model import NodeRecord
    from graph.store.sqlite import SQLiteStore

    folder = write_csv(tmp_path / "demo", tables())
    monkeypatch.setattr(importers.demo, "demo_path", lambda: folder, raising=False)
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "data"))
    user_url = f"sqlite:///{tmp_path / 'mine.db'}"
    monkeypatch.setenv("PARTNERMAP_STORE", user_url)  # the user's own store is never touched
    assert invoke("demo", "--no-serve")[0] == 0
    demo_db = tmp_path / "data" / "demo.db"
    with SQLiteStore(demo_db) as store:
        store.write([NodeRecord("Locality", "stray", {"name": "זר"})])
    served: list[tuple] = []
    monkeypatch.setattr(serve_cmds, "serve_app", lambda *args: served.append(args))
    port = _free_port()
    code, _, stderr = invoke("demo", "--port", str(port))
    assert code == 0, stderr
    assert served == [(f"sqlite:///{demo_db}", "127.0.0.1", port, True)]
    with SQLiteStore(demo_db) as store:
        assert store.get("stray") is None  # replaced, not added to
        assert store.counts().nodes == expected_counts(tables())[0]
    assert not (tmp_path / "mine.db").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_busy_port_exits_2_before_any_address_is_printed(tmp_path, monkeypatch):
    folder = write_csv(tmp_path / "demo", tables())
    monkeypatch.setattr(importers.demo, "demo_path", lambda: folder, raising=False)
    served: list[tuple] = []
    monkeypatch.setattr(serve_cmds, "serve_app", lambda *args, **kw: served.append(args))
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, stdout, stderr = invoke("demo", "--store", url, "--port", str(port))
        assert code == 2  # the README's usage error, not uvicorn's 3
        assert f"127.0.0.1:{port}" in stderr and "already in use" in stderr
        assert "http://" not in stdout and "Demo loaded" not in stdout  # nothing loaded
        code, stdout, stderr = invoke("serve", "--store", url, "--port", str(port))
        assert code == 2 and "already in use" in stderr and "--port" in stderr
    assert served == []
    assert not (tmp_path / "demo.db").exists()


def test_an_empty_default_store_points_to_the_demo(tmp_path, monkeypatch):
    import platformdirs

    import graph.store

    data = tmp_path / "data"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(data))
    monkeypatch.setattr(graph.store, "user_data_dir", lambda *a, **k: str(data))
    monkeypatch.delenv("PARTNERMAP_STORE", raising=False)
    folder = write_csv(tmp_path / "demo", tables())
    monkeypatch.setattr(importers.demo, "demo_path", lambda: folder, raising=False)
    code, _, stderr = invoke("stats")
    assert code == 0 and "note:" not in stderr  # no demo yet: nothing to point to
    code, stdout, _ = invoke("demo", "--no-serve")
    demo = f"sqlite:///{data / 'demo.db'}"
    assert code == 0 and f"--store {demo}" in stdout
    code, _, stderr = invoke("stats")
    assert code == 0
    assert "the default store" in stderr and "is empty" in stderr
    assert f"--store {demo}" in " ".join(stderr.split())
    code, _, stderr = invoke("stats", "--store", demo)  # named: no note
    assert code == 0 and "note:" not in stderr
