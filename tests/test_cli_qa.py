"""What a newcomer reads in the terminal: found by walking every command on the demo (QA)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api import cli

runner = CliRunner()


def test_demo_says_how_to_reach_it_on_lines_that_copy_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importers.demo
    from tests.importers.fixtures_tabular import tables, write_csv

    monkeypatch.setenv("COLUMNS", "80")  # a narrow terminal used to break the command in two
    folder = write_csv(tmp_path / "demo", tables())
    monkeypatch.setattr(importers.demo, "demo_path", lambda: folder, raising=False)
    url = f"sqlite:///{tmp_path / 'a-rather-long-folder-name-for-the-demo' / 'demo.db'}"
    (tmp_path / "a-rather-long-folder-name-for-the-demo").mkdir()
    result = runner.invoke(cli.app, ["demo", "--store", url, "--no-serve"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"Explore it: partnermap analyze --locality loc-sderot --store {url}" in lines
    assert f"  (or export PARTNERMAP_STORE={url} for every command)" in lines
