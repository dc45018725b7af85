"""Browser sessions: a random id in a cookie, its SHA-256 on the server, a CSRF token per session.

Signing in with an API key makes a :class:`Session`: 32 random bytes sent
to the browser once as the cookie value, and stored here only as their
SHA-256, with the key's id, a CSRF token, and two deadlines (an absolute
one, :attr:`SessionStore.max_age`, and an idle one, :attr:`SessionStore.idle`).
The key itself is never stored in the session nor sent in the cookie.

A session is only as good as its key: :meth:`SessionStore.principal`
asks the key file on every request, so revoking the key ends every session
made with it at once (and those sessions are deleted on sight).

The sessions live in a small SQLite file beside the key file
(``<keys>.sessions.sqlite3``), so they survive a restart of the server.

Examples
--------
>>> import tempfile, os
>>> from api.auth import KeyStore, Role
>>> folder = tempfile.mkdtemp()
>>> keys = KeyStore(os.path.join(folder, "keys.sqlite3"))
>>> sessions = SessionStore(os.path.join(folder, "sessions.sqlite3"))
>>> key = keys.create(Role.editor)
>>> cookie, session = sessions.open(keys.verify(key.secret))
>>> key.secret in cookie, len(cookie) >= 43
(False, True)
>>> sessions.principal(cookie, keys) == keys.verify(key.secret)
True
>>> keys.revoke(key.key_id)
True
>>> sessions.principal(cookie, keys) is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.auth import KeyStore, Principal, Role
from graph.errors import StoreUnavailable

__all__ = ["Session", "SessionStore", "same_token"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created REAL NOT NULL,
    expires REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_key ON sessions(key_id);
"""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def same_token(presented: str | None, expected: str) -> bool:
    """Whether a presented token equals the expected one (constant time; blank never matches).

    >>> same_token("abc", "abc"), same_token("abd", "abc"), same_token(None, "abc")
    (True, False, False)
    >>> same_token("", "")
    False
    """
    if not presented or not expected:
        return False
    return hmac.compare_digest(presented.encode("utf-8", "replace"), expected.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Session:
    """A live session: who (the key's id), its CSRF token and when it ends."""

    key_id: str
    csrf: str
    expires: float
    id_hash: str


class SessionStore:
    """Sessions in one SQLite file.

    Parameters
    ----------
    path : str or Path
        The file; made (mode 0600) with its folder when missing.
    max_age : float
        Seconds a session lives at most, however busy.
    idle : float
        Seconds a session lives without a request.
    """

    def __init__(
        self, path: str | Path, *, max_age: float = 12 * 3600, idle: float = 2 * 3600
    ) -> None:
        self.path = Path(path).expanduser()
        self.max_age = max_age
        self.idle = idle
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.touch(mode=0o600, exist_ok=True)
                db = sqlite3.connect(
                    self.path, isolation_level=None, check_same_thread=False, timeout=30
                )
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
            except (OSError, sqlite3.Error) as exc:
                raise StoreUnavailable(f"cannot open the session file {self.path}: {exc}") from exc
            self._db = db
        return self._db

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._connect().execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreUnavailable(
                    f"the session file {self.path} cannot be used: {exc}"
                ) from exc

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def open(self, principal: Principal) -> tuple[str, Session]:
        """Start a session for a verified key: the cookie value (shown once) and the session."""
        if principal.key_id is None:
            raise ValueError("only a key can sign in")
        now = time.time()
        cookie = secrets.token_urlsafe(32)
        session = Session(principal.key_id, secrets.token_urlsafe(32), now + self.max_age, "")
        id_hash = _digest(cookie)
        self._run("DELETE FROM sessions WHERE expires < ? OR last_seen < ?", (now, now - self.idle))
        self._run(
            "INSERT INTO sessions(id_hash, key_id, csrf, created, expires, last_seen) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (id_hash, session.key_id, session.csrf, now, session.expires, now),
        )
        return cookie, Session(session.key_id, session.csrf, session.expires, id_hash)

    def get(self, cookie: str | None) -> Session | None:
        """The live session a cookie names, or ``None`` (unknown, expired or idle too long)."""
        if not cookie or len(cookie) > 200:
            return None
        id_hash = _digest(cookie)
        rows = self._run(
            "SELECT key_id, csrf, expires, last_seen FROM sessions WHERE id_hash = ?", (id_hash,)
        )
        if not rows:
            return None
        key_id, csrf, expires, last_seen = rows[0]
        now = time.time()
        if now >= float(expires) or now - float(last_seen) >= self.idle:
            self._run("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))
            return None
        if now - float(last_seen) > 60:  # one write a minute is enough to track idleness
            self._run("UPDATE sessions SET last_seen = ? WHERE id_hash = ?", (now, id_hash))
        return Session(str(key_id), str(csrf), float(expires), id_hash)

    def principal(self, cookie: str | None, keys: KeyStore) -> Principal | None:
        """Who a session cookie stands for, asking the key file now (a revoked key ends it)."""
        session = self.get(cookie)
        if session is None:
            return None
        return self.principal_of(session, keys)

    def principal_of(self, session: Session, keys: KeyStore) -> Principal | None:
        """The principal of a live session, or ``None`` when its key was revoked (then ended)."""
        principal = _active_principal(keys, session.key_id)
        if principal is None:
            self.end_key(session.key_id)
        return principal

    def end(self, session: Session) -> None:
        """Sign out: the session is deleted."""
        self._run("DELETE FROM sessions WHERE id_hash = ?", (session.id_hash,))

    def end_key(self, key_id: str) -> int:
        """End every session of a key; how many there were."""
        count = int(self._run("SELECT count(*) FROM sessions WHERE key_id = ?", (key_id,))[0][0])
        self._run("DELETE FROM sessions WHERE key_id = ?", (key_id,))
        return count

    def count(self) -> int:
        """How many sessions are stored (live or not yet cleaned)."""
        return int(self._run("SELECT count(*) FROM sessions")[0][0])


def _active_principal(keys: KeyStore, key_id: str) -> Principal | None:
    """The principal of a key that is not revoked (role, locality scope, personal-data
    permission), read from the key file now."""
    for info in keys.keys():
        if info.key_id == key_id:
            if info.revoked_at:
                return None
            scope = frozenset(info.localities) if info.localities else None
            return Principal(key_id, Role(info.role), scope, info.personal_data)
    return None
