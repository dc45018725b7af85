"""API keys with roles, and the audit trail of writes.

A key looks like ``pmk_<key id>_<secret>``; the key id is public (it names
the key in the audit trail), the secret is 32 random bytes. Only the
SHA-256 of the whole key is stored, in a small SQLite file (mode 0600) kept
apart from the graph, and a presented key is compared with it in constant
time. Roles are ordered ``viewer < editor < admin``.

A key may be **scoped to localities** (``localities``): it then reads and
writes only what belongs to them (see :mod:`api.access`). A key may carry the
**personal data** permission (admins always do): only such keys see role
holders' names.

Every request asks the key file again (one indexed read on a connection kept
for it): a revoked key is refused at once, also when another process (the
``partnermap keys revoke`` command) revoked it.

Examples
--------
>>> import tempfile, os
>>> keys = KeyStore(os.path.join(tempfile.mkdtemp(), "keys.sqlite3"))
>>> key = keys.create(Role.editor)
>>> principal = keys.verify(key.secret)
>>> principal.role, principal.key_id == key.key_id
(<Role.editor: 'editor'>, True)
>>> keys.verify(key.secret + "x") is None
True
>>> principal.allows(Role.viewer), principal.allows(Role.admin)
(True, False)
>>> scoped = keys.verify(keys.create(Role.viewer, localities=["l1"]).secret)
>>> sorted(scoped.localities), scoped.personal_data
(['l1'], False)
>>> keys.revoke(key.key_id), keys.verify(key.secret)
(True, None)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from graph.errors import PartnermapError, StorageFull, StoreUnavailable

__all__ = ["AuditEntry", "KeyInfo", "KeyStore", "NewKey", "Principal", "Role"]

_PREFIX = "pmk"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    localities TEXT,
    personal_data INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    key_id TEXT,
    role TEXT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    ids TEXT NOT NULL,
    status INTEGER NOT NULL
);
-- Wrong keys by client address, seen by every process on this key file (api/throttle.py).
CREATE TABLE IF NOT EXISTS failed_keys (
    client TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS failed_keys_client ON failed_keys(client, at);
"""


class Role(StrEnum):
    viewer = "viewer"
    editor = "editor"
    admin = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Role.viewer: 0, Role.editor: 1, Role.admin: 2}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a key's id and role, or the anonymous open-local reader.

    ``localities`` is ``None`` for a key that sees every locality, else the
    ids of the only localities it may read and write. ``personal_data`` says
    whether it may see personal data (role holders' names).
    """

    key_id: str | None
    role: Role
    localities: frozenset[str] | None = None
    personal_data: bool = False

    def allows(self, needed: Role) -> bool:
        return self.role.rank >= needed.rank

    @property
    def sees_personal_data(self) -> bool:
        return self.personal_data or self.role is Role.admin

    @property
    def who(self) -> str:
        return self.key_id or "open-local-read"


@dataclass(frozen=True, slots=True)
class NewKey:
    """A freshly made key: ``secret`` is the whole key, shown to its owner once."""

    key_id: str
    role: Role
    secret: str
    localities: tuple[str, ...] = ()
    personal_data: bool = False


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What may be shown about a stored key: never the key nor its hash."""

    key_id: str
    role: str
    created_at: str
    revoked_at: str | None
    localities: tuple[str, ...] = ()
    personal_data: bool = False

    @property
    def prefix(self) -> str:
        """The public start of the key (``pmk_<key id>_``), to recognise it by."""
        return f"{_PREFIX}_{self.key_id}_"

    def as_dict(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "prefix": self.prefix,
            "role": self.role,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
            "localities": list(self.localities),
            "personal_data": self.personal_data or self.role == Role.admin.value,
        }


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: str
    key_id: str | None
    role: str | None
    method: str
    path: str
    ids: list[str]
    status: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "key_id": self.key_id,
            "role": self.role,
            "method": self.method,
            "path": self.path,
            "ids": self.ids,
            "status": self.status,
        }


def _key_file_error(path: Path, exc: sqlite3.Error) -> PartnermapError:
    """A key-file failure as a domain error: 507 when the disk is full, else 503."""
    if "full" in str(exc).lower():
        return StorageFull(f"the disk holding the key file {path.name} is full")
    return StoreUnavailable(f"the key file {path.name} cannot be used: {exc}")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class KeyStore:
    """API keys and the audit trail in one SQLite file.

    Parameters
    ----------
    path : str or Path
        The file; created with its folder (mode 0600) if missing.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        with self._lock:
            self._connect()

    def _connect(self) -> sqlite3.Connection:
        """The connection, opened (and the tables made) when needed; call with the lock held."""
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                if not self.path.exists():
                    # Made 0600 before SQLite opens it (SQLite gives its -wal and -shm the same).
                    os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
                db = sqlite3.connect(
                    self.path, isolation_level=None, check_same_thread=False, timeout=30
                )
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA busy_timeout=30000")
                db.executescript(_SCHEMA)
                columns = {row[1] for row in db.execute("PRAGMA table_info(api_keys)")}
                for column, kind in (
                    ("localities", "TEXT"),
                    ("personal_data", "INTEGER NOT NULL DEFAULT 0"),
                ):
                    if column not in columns:  # a key file made before scopes existed
                        db.execute(f"ALTER TABLE api_keys ADD COLUMN {column} {kind}")
            except (OSError, sqlite3.Error) as exc:
                raise StoreUnavailable(f"cannot open the key file {self.path.name}: {exc}") from exc
            self._db = db
        return self._db

    def close(self) -> None:
        """Close the connections; the next use opens them again."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
        with self._read_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._connect().execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise _key_file_error(self.path, exc) from exc

    # -- keys -------------------------------------------------------------------
    def create(
        self,
        role: Role,
        *,
        localities: list[str] | tuple[str, ...] | None = None,
        personal_data: bool = False,
    ) -> NewKey:
        """Make and record a new key; the returned secret is not kept anywhere.

        ``localities`` scopes the key to those localities (empty or ``None``:
        every locality); ``personal_data`` lets it see role holders' names.
        """
        key_id = secrets.token_hex(6)
        secret = f"{_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        scope = tuple(dict.fromkeys(loc.strip() for loc in localities or () if loc.strip()))
        self._run(
            "INSERT INTO api_keys(key_id, hash, role, created_at, localities, personal_data) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                key_id,
                _digest(secret),
                role.value,
                _now(),
                json.dumps(list(scope), ensure_ascii=False) if scope else None,
                int(personal_data),
            ),
        )
        return NewKey(key_id, role, secret, scope, personal_data)

    def _lookup(self, key_id: str) -> list[tuple[Any, ...]]:
        """The live row of ``key_id``, read on a connection of its own.

        Cheap (an indexed read, no write lock, never waiting for a writer in
        WAL mode), so it runs for every request, on the caller's thread.
        """
        return self._read(
            "SELECT hash, role, localities, personal_data FROM api_keys "
            "WHERE key_id = ? AND revoked_at IS NULL",
            (key_id,),
        )

    # -- wrong keys, shared by every process on this file -------------------------
    def failures(self, client: str, since: float, limit: int) -> list[float]:
        """The times (Unix seconds) of the latest ``limit`` wrong keys from ``client`` after
        ``since``, oldest first."""
        rows = self._read(
            "SELECT at FROM failed_keys WHERE client = ? AND at > ? ORDER BY at DESC LIMIT ?",
            (client, since, limit),
        )
        return sorted(float(row[0]) for row in rows)

    def add_failure(self, client: str, at: float, forget_before: float) -> None:
        """Record a wrong key from ``client``; failures older than ``forget_before`` go."""
        with self._lock:
            try:
                db = self._connect()
                db.execute("DELETE FROM failed_keys WHERE at <= ?", (forget_before,))
                db.execute("INSERT INTO failed_keys(client, at) VALUES (?, ?)", (client, at))
            except sqlite3.Error as exc:
                raise _key_file_error(self.path, exc) from exc

    def _read(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """One read on the reading connection (see :meth:`_lookup`)."""
        with self._read_lock:
            try:
                if self._reader is None:
                    self._connect_lock_free()
                    reader = sqlite3.connect(
                        self.path, isolation_level=None, check_same_thread=False, timeout=5
                    )
                    reader.execute("PRAGMA query_only=1")
                    self._reader = reader
                return self._reader.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreUnavailable(
                    f"the key file {self.path.name} cannot be read: {exc}"
                ) from exc

    def _connect_lock_free(self) -> None:
        with self._lock:
            self._connect()

    def verify(self, presented: str) -> Principal | None:
        """The principal a presented key stands for, or ``None`` for an unknown or revoked key.

        Asks the key file every time: revocation takes effect at the next request.
        """
        presented = presented.strip()
        parts = presented.split("_", 2)
        if len(parts) != 3 or parts[0] != _PREFIX or not parts[1]:
            return None
        rows = self._lookup(parts[1])
        if not rows:
            return None
        stored, role, scope, personal = rows[0]
        if not hmac.compare_digest(str(stored), _digest(presented)):
            return None
        localities = frozenset(json.loads(scope)) if scope else None
        return Principal(parts[1], Role(role), localities, bool(personal))

    def keys(self) -> list[KeyInfo]:
        """Every key made, revoked ones included, oldest first (ids, roles, scopes, dates)."""
        rows = self._run(
            "SELECT key_id, role, created_at, revoked_at, localities, personal_data "
            "FROM api_keys ORDER BY created_at, key_id"
        )
        return [
            KeyInfo(
                str(r[0]),
                str(r[1]),
                str(r[2]),
                r[3],
                tuple(json.loads(r[4])) if r[4] else (),
                bool(r[5]),
            )
            for r in rows
        ]

    def revoke(self, key_id: str) -> bool:
        with self._lock:
            cur = self._connect().execute(
                "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
                (_now(), key_id),
            )
            return cur.rowcount > 0

    # -- audit ------------------------------------------------------------------
    def record(
        self,
        principal: Principal | None,
        method: str,
        path: str,
        ids: list[str],
        status: int,
    ) -> int:
        """Append one write (or attempted write, or read of personal data); its ``seq``."""
        with self._lock:
            try:
                cur = self._connect().execute(
                    "INSERT INTO audit(at, key_id, role, method, path, ids, status) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        _now(),
                        principal.who if principal else None,
                        principal.role.value if principal else None,
                        method,
                        path,
                        json.dumps(ids, ensure_ascii=False),
                        status,
                    ),
                )
            except sqlite3.Error as exc:
                raise _key_file_error(self.path, exc) from exc
            return int(cur.lastrowid or 0)

    def finish(self, seq: int, principal: Principal | None, ids: list[str], status: int) -> None:
        """Complete the row :meth:`record` made before a write: who, ids, status."""
        self._run(
            "UPDATE audit SET key_id = ?, role = ?, ids = ?, status = ? WHERE seq = ?",
            (
                principal.who if principal else None,
                principal.role.value if principal else None,
                json.dumps(ids, ensure_ascii=False),
                status,
                seq,
            ),
        )

    def audit(self, *, limit: int = 100, offset: int = 0) -> tuple[list[AuditEntry], int]:
        """Newest entries first, and how many there are in all."""
        rows = self._run(
            "SELECT seq, at, key_id, role, method, path, ids, status FROM audit "
            "ORDER BY seq DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        total = int(self._run("SELECT count(*) FROM audit")[0][0])
        entries = [
            AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], list(json.loads(r[6])), r[7])
            for r in rows
        ]
        return entries, total
