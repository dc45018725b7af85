"""The command line against hostile data and faults (issue 17 items 3, 4, 6, 9).

- escape sequences and Rich markup in names are shown, never obeyed (``analyze``);
- a full disk: a clear message, exit 1, nothing written, no absolute path;
- ``demo --store`` does not replace a user's store without ``--replace``;
- a read-only store can still be read; a new store and key file are 0600.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.auth import KeyStore
from api.cli import app as cli
from graph.model import Locality, Organization, to_record
from graph.store.sqlite import SQLiteStore

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_escape_sequences_in_names_are_shown_not_obeyed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    with SQLiteStore(tmp_path / "g.db") as store:
        # Written straight into the store, as an older version could have.
        store.write(
            [
                to_record(Locality(id="l1", name="שדרות")),
                to_record(Organization(id="o1", name="ok", sector="other", locality_ids=["l1"])),
            ]
        )
        bad = store.get("o1")
        assert bad is not None
        evil = "ועד\x1b[2J\x1b]0;pwned\x07 [bold red]x[/]"
        store.write([type(bad)(bad.label, bad.id, {**bad.props, "name": evil})])
    code, out, err = _run("analyze", "--locality", "l1", "--store", url)
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[2J" in out and "[bold red]x[/]" in out


def _full(monkeypatch: pytest.MonkeyPatch) -> None:
    opened = SQLiteStore._conn

    def full(self: SQLiteStore) -> sqlite3.Connection:
        conn = opened(self)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(SQLiteStore, "_conn", full)


def test_a_full_disk_is_a_clear_message_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "town"
    folder.mkdir()
    rows = "".join(f"o{i},{'עמותה ארוכה ' * 20}{i},nonprofit\n" for i in range(500))
    (folder / "organizations.csv").write_text("id,name,sector\n" + rows, encoding="utf-8")
    store_file = tmp_path / "cli.db"
    SQLiteStore(store_file).close()
    _full(monkeypatch)
    code, _out, err = _run("import", str(folder), "--store", f"sqlite:///{store_file}")
    assert code == 1
    assert "the disk holding the store cli.db is full: nothing was written" in err
    assert "rollback" not in err and "Traceback" not in err
    assert str(tmp_path) not in err  # never the store's folder
    monkeypatch.undo()
    with SQLiteStore(store_file) as store:
        assert store.counts().nodes == {}


def _demo(store: Path, *extra: str) -> tuple[int, str, str]:
    return _run("demo", "--store", f"sqlite:///{store}", "--no-serve", *extra)


def test_demo_does_not_replace_a_users_store(tmp_path: Path) -> None:
    mine = tmp_path / "mine.db"
    with SQLiteStore(mine) as store:
        store.write([to_record(Organization(id="my-org", name="שלי", sector="other"))])
    code, _, err = _demo(mine)
    assert code == 1 and "--replace" in err and "mine.db" in err
    with SQLiteStore(mine) as store:
        assert store.get("my-org") is not None
    other = tmp_path / "notes.db"
    other.write_text("not a store at all")
    assert _demo(other)[0] == 1 and other.read_text() == "not a store at all"
    # With --replace it is replaced; a store holding only the demo is the demo's own.
    code, _, err = _demo(mine, "--replace")
    assert code == 0, err
    code, _, err = _demo(mine)
    assert code == 0, err
    with SQLiteStore(mine) as store:
        assert store.get("my-org") is None and store.get("loc-sderot") is not None


def test_new_store_and_key_files_are_private(tmp_path: Path) -> None:
    SQLiteStore(tmp_path / "new.db").close()
    KeyStore(tmp_path / "new.keys.sqlite3").close()
    for name in ("new.db", "new.keys.sqlite3"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


_READ = """
import sys
from graph.model import NodeRecord
from graph.store.sqlite import SQLiteStore
store = SQLiteStore(sys.argv[1])
print(store.read_only, store.get("o1").props["name"], store.counts().nodes)
try:
    store.write([NodeRecord("Organization", "o2", {"name": "x", "sector": "other"})])
except Exception as exc:
    print(type(exc).__name__, exc)
"""


def test_a_read_only_store_can_still_be_read(tmp_path: Path) -> None:
    """On a read-only file system (a bind mount remounted read-only, in a mount
    namespace of its own; without root, a folder and file without write permission)."""
    source = tmp_path / "data"
    source.mkdir()
    with SQLiteStore(source / "ro.db") as store:
        store.write([to_record(Organization(id="o1", name="עמותה", sector="other"))])
    for leftover in source.glob("ro.db-*"):
        leftover.unlink()
    read = [sys.executable, "-c", _READ]
    if os.geteuid() == 0:
        mount = tmp_path / "mnt"
        mount.mkdir()
        script = (
            f"mount --bind {source} {mount} && mount -o remount,bind,ro {mount} && "
            f'exec "$@" {mount / "ro.db"}'
        )
        command = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", *read]
    else:
        (source / "ro.db").chmod(0o444)
        source.chmod(0o555)
        command = [*read, str(source / "ro.db")]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
            timeout=120,
            check=False,
        )
    finally:
        source.chmod(0o755)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "True עמותה {'Organization': 1}"
    assert lines[1] == "StoreUnavailable the store ro.db is read-only: nothing was written"


def test_an_in_memory_store_makes_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    SQLiteStore(":memory:").close()
    assert not (tmp_path / ":memory:").exists()
