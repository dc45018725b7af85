"""Writes from the browser: checked as the API checks them, recorded with their values, undoable.

Every write goes through the same checks as the JSON routes: the model of
:mod:`graph.model` (:class:`pydantic.ValidationError`), the text check and
:func:`api.routes.common.check_references` (:class:`~graph.errors.Conflict`),
under the app's write lock. A write that lands becomes a :class:`Change`
holding the state *before* and *after* (``None`` where the item did not
exist; a deleted node's explicit relationships too) in the change log, and
one row of the API's audit trail (:meth:`api.auth.KeyStore.record`) whose ids
end with ``change:<seq>``.

Undoing a change writes its *before* state back, and is itself a change.
It is allowed only while the item is as the change left it (its *after*
state): an item changed since, by anyone, cannot be undone from an older
change. The store's own rules still hold: a created node that something
now refers to cannot be deleted, and a deleted node whose references are
gone cannot come back.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from api.access import PERSONAL_FIELDS, Access
from api.auth import KeyStore, Principal
from api.routes.common import check_references, check_text, explicit_rels
from api.routes.nodes import check_need_area, save_node
from api.web.forms import Resource
from graph.errors import Conflict, NotFound, PartnermapError, StoreUnavailable
from graph.model import NodeModel, NodeRecord, RelRecord, edge_record, to_record
from graph.store.base import GraphStore, RecordKey, digest

__all__ = ["Change", "ChangeLog", "Changed", "Writer", "state_of", "version_of"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    key_id TEXT,
    action TEXT NOT NULL,
    resource TEXT NOT NULL,
    item TEXT NOT NULL,
    before TEXT,
    after TEXT,
    undo_of INTEGER,
    undone_by INTEGER
);
"""

State = dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Change:
    """One landed write: what it touched and the states before and after."""

    seq: int
    at: float
    key_id: str | None
    action: str  # create, update, delete, undo
    resource: str
    item: tuple[str, ...]
    before: State
    after: State
    undo_of: int | None
    undone_by: int | None

    def diff(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for each field that differs."""
        old = (self.before or {}).get("props", {})
        new = (self.after or {}).get("props", {})
        return [
            (name, old.get(name), new.get(name))
            for name in sorted(set(old) | set(new))
            if old.get(name) != new.get(name)
        ]


class ChangeLog:
    """The values of browser writes, in a SQLite file (the sessions' file)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                if self._db is None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    self.path.touch(mode=0o600, exist_ok=True)
                    db = sqlite3.connect(
                        self.path, isolation_level=None, check_same_thread=False, timeout=30
                    )
                    db.execute("PRAGMA journal_mode=WAL")
                    db.executescript(_SCHEMA)
                    self._db = db
                cur = self._db.execute(sql, params)
                rows = cur.fetchall()
                if sql.lstrip().upper().startswith("INSERT"):
                    return [(cur.lastrowid,)]
                return rows
            except (OSError, sqlite3.Error) as exc:
                raise StoreUnavailable(f"the change log {self.path} cannot be used: {exc}") from exc

    def add(
        self,
        key_id: str | None,
        action: str,
        resource: str,
        item: tuple[str, ...],
        before: State,
        after: State,
        undo_of: int | None = None,
    ) -> int:
        seq = int(
            self._run(
                "INSERT INTO changes(at, key_id, action, resource, item, before, after, undo_of) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    key_id,
                    action,
                    resource,
                    json.dumps(list(item), ensure_ascii=False),
                    None if before is None else json.dumps(before, ensure_ascii=False),
                    None if after is None else json.dumps(after, ensure_ascii=False),
                    undo_of,
                ),
            )[0][0]
        )
        if undo_of is not None:
            self._run("UPDATE changes SET undone_by = ? WHERE seq = ?", (seq, undo_of))
        return seq

    def get_many(self, seqs: list[int]) -> dict[int, Change]:
        if not seqs:
            return {}
        marks = ", ".join("?" for _ in seqs)
        columns = "seq, at, key_id, action, resource, item, before, after, undo_of, undone_by"
        query = f"SELECT {columns} FROM changes WHERE seq IN ({marks})"  # noqa: S608 - only ?s
        rows = self._run(query, tuple(seqs))
        return {
            int(r[0]): Change(
                int(r[0]),
                float(r[1]),
                r[2],
                str(r[3]),
                str(r[4]),
                tuple(json.loads(r[5])),
                None if r[6] is None else json.loads(r[6]),
                None if r[7] is None else json.loads(r[7]),
                r[8],
                r[9],
            )
            for r in rows
        }

    def get(self, seq: int) -> Change | None:
        return self.get_many([seq]).get(seq)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def state_of(store: GraphStore, resource: Resource, item: tuple[str, ...]) -> State:
    """The item as stored now (``{"props": ...}``), or ``None`` when it does not exist."""
    if resource.is_edge:
        rel = store.get_relationship((item[0], resource.label, item[1]))
        if rel is None or rel.owner is not None:
            return None
        return {"props": dict(rel.props)}
    node = store.get(item[0])
    if node is None or node.label != resource.label:
        return None
    return {"props": dict(node.props)}


def version_of(state: State) -> str:
    """The item's digest (its ETag in the API), carried by an edit form to notice a change
    made meanwhile; the store checks it again inside the write's transaction.

    >>> version_of({"props": {"a": 1}}) == version_of({"props": {"a": 1}}), version_of(None)
    (True, '')
    """
    return "" if state is None else digest(state.get("props", {}))


class Changed(Conflict):
    """The item changed after the form was opened: saving would overwrite someone's change."""


class Writer:
    """Browser writes for one user: checked as the API checks them (the model, the references,
    each label's rules, and what the key may change: :class:`api.access.Access`), written under
    the lock, logged with their values, and audited: the audit row is made *before* the write
    (no write without its row) and completed with the outcome, refusals included."""

    def __init__(
        self,
        store: GraphStore,
        lock: threading.Lock,
        log: ChangeLog,
        keys: KeyStore,
        principal: Principal,
        access: Access | None = None,
        *,
        audited: bool = True,
    ) -> None:
        self.store = store
        self.lock = lock
        self.log = log
        self.keys = keys
        self.principal = principal
        self.access = access or Access(principal.localities, principal.sees_personal_data)
        #: False when the caller's request has its own audit row (the JSON API's undo).
        self.audited = audited

    # -- the audit row around each write -------------------------------------------------
    @contextmanager
    def _audited(
        self, method: str, resource: Resource, item: tuple[str, ...], ok: int
    ) -> Iterator[list[int]]:
        """Make the audit row first; complete it with the change's seq, or the refusal."""
        if not self.audited:
            yield []
            return
        path = f"/web/{resource.path}"
        row = self.keys.record(self.principal, method, path, list(item), 0)
        change: list[int] = []
        status = 500
        try:
            yield change
            status = ok
        except ValidationError:
            status = 422
            raise
        except PartnermapError as exc:
            status = exc.status_code
            raise
        finally:
            ids = [*item] + [f"change:{seq}" for seq in change]
            self.keys.finish(row, self.principal, ids, status)

    def refused(self, method: str, resource: Resource, item: tuple[str, ...], status: int) -> None:
        """A write refused before it was tried (a viewer's), in the audit trail too."""
        self.keys.record(self.principal, method, f"/web/{resource.path}", list(item), status)

    # -- what the API's routes do, with the states kept ---------------------------------
    def _model(self, resource: Resource, item: tuple[str, ...], props: dict[str, Any]) -> Any:
        if resource.ends is None:
            return resource.model.model_validate({**props, "id": item[0]})
        source, target = resource.ends
        return resource.model.model_validate({**props, source: item[0], target: item[1]})

    def _current(self, resource: Resource, item: tuple[str, ...]) -> NodeRecord | None:
        return None if resource.ends is not None else self.store.get(item[0])

    def _may_write(
        self, resource: Resource, item: tuple[str, ...], new: Any, old: NodeRecord | None
    ) -> None:
        """What a key scoped to localities may not change is refused (404 or 403)."""
        if resource.ends is None:
            self.access.check_write(self.store, None if new is None else to_record(new), old=old)
        else:
            self.access.check_relationship_write(self.store, item[0], item[1])

    def _write(
        self, resource: Resource, model: Any, *, create: bool = False, version: str = ""
    ) -> None:
        """The JSON routes' write: a node through :func:`api.routes.nodes.save_node` (references,
        text, and each label's own rules), a relationship as :mod:`api.routes.edges` saves it;
        ``create`` fails if it exists, ``version`` if it changed (checked by the store)."""
        if resource.ends is None:
            node: NodeModel = model
            expect: dict[RecordKey, str] | None = {node.id: version} if version else None
            save_node(self.store, node, create=create, expect=expect)
        else:
            rel = edge_record(model)
            check_text(rel.props, f"the {resource.path[:-1]}")
            check_text([rel.source, rel.target], f"the {resource.path[:-1]}")
            check_references(self.store, rel.type, {"source": rel.source, "target": rel.target})
            self.store.write(
                relationships=[rel],
                create_only=[rel.key] if create else (),
                expect={rel.key: version} if version else None,
            )

    def _set(
        self, resource: Resource, item: tuple[str, ...], target: State, rels: list[Any]
    ) -> None:
        """Make the item be ``target`` (``None``: delete it), restoring ``rels`` with a node."""
        old = self._current(resource, item)
        new = None if target is None else self._model(resource, item, target["props"])
        self._may_write(resource, item, new, old)
        if target is None:
            if resource.ends is None:
                if resource.label == "Need":
                    check_need_area(self.store, item[0], None)
                if self.store.delete_nodes([item[0]]) == 0:
                    raise NotFound(f"no {resource.label} with id {item[0]!r}")
            elif self.store.delete_relationships([(item[0], resource.label, item[1])]) == 0:
                raise NotFound(f"no {resource.path[:-1]} from {item[0]!r} to {item[1]!r}")
            return
        self._write(resource, new)
        if rels:
            ends = self.store.get_many({e for r in rels for e in (r["source"], r["target"])})
            back = [
                RelRecord(r["type"], r["source"], r["target"], r["props"])
                for r in rels
                if r["source"] in ends and r["target"] in ends
            ]
            self.store.write(relationships=self.access.visible_relationships(self.store, back))

    def _check_version(
        self, resource: Resource, item: tuple[str, ...], now: State, version: str
    ) -> None:
        if version and version != version_of(now):
            raise Changed(
                f"{resource.label} {' → '.join(item)} was changed by someone else after this "
                "form was opened; open it again to see the change"
            )

    # -- the four writes ------------------------------------------------------------------
    def create(self, resource: Resource, data: dict[str, Any]) -> int:
        """Create from form data; raises the model's or the API's errors; the change's seq."""
        item = resource.key_of(data)
        with self._audited("POST", resource, item, 201) as change:
            model = resource.model.model_validate(data)
            with self.lock:
                if state_of(self.store, resource, item) is not None or (
                    resource.ends is None and self.store.get(item[0]) is not None
                ):
                    what = f"id {item[0]!r}" if resource.ends is None else "this relationship"
                    raise Conflict(f"{what} already exists: edit it instead")
                self._may_write(resource, item, model, None)
                self._write(resource, model, create=True)
                after = state_of(self.store, resource, item)
                key = self.principal.key_id
                change.append(self.log.add(key, "create", resource.path, item, None, after))
        return change[0]

    def update(
        self, resource: Resource, item: tuple[str, ...], data: dict[str, Any], version: str = ""
    ) -> int:
        """Replace the model's fields with the form's (other stored properties are kept, and
        so is personal data a key may not see, which its form did not show).

        ``version`` (:func:`version_of` the state the form showed) refuses the write with
        :class:`Changed` when the item changed since.
        """
        fields = set(resource.model.model_fields)
        hidden = () if self.access.personal_data else PERSONAL_FIELDS.get(resource.label, ())
        with self._audited("PATCH", resource, item, 200) as change, self.lock:
            old = self._current(resource, item)
            if old is not None:
                self.access.check_read(self.store, old, f"no {resource.label} {item[0]!r}")
            before = state_of(self.store, resource, item)
            if before is None:
                raise NotFound(f"no {resource.label} {' → '.join(item)}")
            self._check_version(resource, item, self._shown(resource, before), version)
            kept = {k: v for k, v in before["props"].items() if k not in fields or k in hidden}
            model = self._model(resource, item, {**data, **kept})
            self._may_write(resource, item, model, old)
            self._write(resource, model, version=version_of(before))
            after = state_of(self.store, resource, item)
            key = self.principal.key_id
            change.append(self.log.add(key, "update", resource.path, item, before, after))
        return change[0]

    def delete(self, resource: Resource, item: tuple[str, ...], version: str = "") -> int:
        with self._audited("DELETE", resource, item, 204) as change, self.lock:
            before = state_of(self.store, resource, item)
            if before is None:
                raise NotFound(f"no {resource.label} {' → '.join(item)}")
            self._check_version(resource, item, self._shown(resource, before), version)
            if resource.ends is None:
                before = {**before, "rels": explicit_rels(self.store, item[0])}
            self._set(resource, item, None, [])
            key = self.principal.key_id
            change.append(self.log.add(key, "delete", resource.path, item, before, None))
        return change[0]

    def _shown(self, resource: Resource, state: State) -> State:
        """The state as this key's form showed it (personal data left out unless permitted)."""
        if state is None or self.access.personal_data:
            return state
        hidden = PERSONAL_FIELDS.get(resource.label, ())
        return {**state, "props": {k: v for k, v in state["props"].items() if k not in hidden}}

    def undoable(self, change: Change, resource: Resource) -> bool:
        """Whether the item is still as ``change`` left it (so undoing it loses nothing)."""
        if change.undone_by is not None:
            return False
        now = state_of(self.store, resource, change.item)
        after = change.after
        return (now is None and after is None) or (
            now is not None and after is not None and now["props"] == after["props"]
        )

    def undo(self, change: Change, resource: Resource) -> int:
        """Write back ``change.before``; raises :class:`Conflict` when that is not safe."""
        method = "DELETE" if change.before is None else "PUT" if change.after is None else "PATCH"
        with self._audited(method, resource, change.item, 200) as done, self.lock:
            if change.undone_by is not None:
                raise Conflict(f"change {change.seq} was undone already")
            if not self.undoable(change, resource):
                raise Conflict(f"{' → '.join(change.item)} changed after change {change.seq}")
            now = state_of(self.store, resource, change.item)
            if now is not None and resource.ends is None and change.before is None:
                now = {**now, "rels": explicit_rels(self.store, change.item[0])}
            rels = (change.before or {}).get("rels") or []
            self._set(resource, change.item, change.before, rels)
            after = state_of(self.store, resource, change.item)
            key = self.principal.key_id
            done.append(
                self.log.add(
                    key, "undo", resource.path, change.item, now, after, undo_of=change.seq
                )
            )
        return done[0]

    def undo_api_create(self, resource: Resource, item: tuple[str, ...]) -> int:
        """Delete what a create through the JSON API made (the caller checked that no later
        write touched it). Its values were not recorded then; they are now, in this undo's
        change, so the undo can be undone in turn."""
        with self._audited("DELETE", resource, item, 200) as change, self.lock:
            now = state_of(self.store, resource, item)
            if now is None:
                raise Conflict(f"{' → '.join(item)} no longer exists")
            if resource.ends is None:
                now = {**now, "rels": explicit_rels(self.store, item[0])}
            self._set(resource, item, None, [])
            key = self.principal.key_id
            change.append(self.log.add(key, "undo", resource.path, item, now, None))
        return change[0]
