"""The Neo4j store: the same contract as the embedded store, on a Neo4j 5 server.

Every node carries the common label ``:Node`` (unique ``id``) and its entity
label, with its properties as real Neo4j properties so that Cypher users can
query them; the layout and every statement are in :mod:`graph.store.cypher`.
A :meth:`Neo4jStore.write` is one managed write transaction (retried by the
driver on transient errors): batched ``UNWIND $rows`` statements, endpoint
checks and the version bump all commit together or not at all.

How properties are encoded (losslessly) is in :mod:`graph.store.neo4j_props`.
"""

from __future__ import annotations

import os
import secrets
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.errors import Conflict, PartnermapError, StoreUnavailable, ValidationFailed
from graph.locality import role_organizations
from graph.model import (
    NodeRecord,
    RelRecord,
)
from graph.store import cypher, redact_url
from graph.store.base import (
    GraphCounts,
    GraphStore,
    ProgressCallback,
    RecordKey,
    Subgraph,
    WriteStats,
    check_preconditions,
)
from graph.store.neo4j_bulk import Neo4jBulkLoad
from graph.store.neo4j_props import decode_props, stored_digest, stored_owner
from graph.store.neo4j_write import (
    NodeRowCache,
    chunks,
    collected,
    read_row_digests,
    write_records,
)
from graph.text import normalize

__all__ = ["Neo4jStore"]

_PAGE = 5000
#: Records an import hands over before its write starts (:meth:`Neo4jStore.bulk_load`).
BULK_RECORDS = 5000
T = TypeVar("T")


def _check_label(name: str, what: str) -> None:
    try:
        cypher.label(name) if what == "label" else cypher.rel_type(name)
    except ValueError as exc:
        raise ValidationFailed(f"invalid {what} {name!r}: use letters, digits and _") from exc


def _auth_from_env() -> tuple[str, str] | None:
    """``$NEO4J_AUTH`` as ``(user, password)``; ``None`` when unset or ``none``."""
    value = os.environ.get("NEO4J_AUTH", "").strip()
    if not value or value.lower() == "none" or "/" not in value:
        return None
    user, password = value.split("/", 1)
    return (user, password)


class Neo4jStore(GraphStore):
    """A :class:`GraphStore` on a Neo4j 5 server.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver; the store closes it in :meth:`close` only if
        ``owns_driver``.
    database : str
        The database every query names.
    url : str
        The URL to show in messages (secrets removed).
    owns_driver : bool
        Close the driver with the store.

    Examples
    --------
    >>> Neo4jStore.from_url("neo4j://nobody:pw@127.0.0.1:1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.StoreUnavailable: cannot reach Neo4j at neo4j://nobody:***@127.0.0.1:1 ...
    """

    def __init__(
        self,
        driver: Driver,
        database: str = "neo4j",
        *,
        url: str = "",
        owns_driver: bool = False,
    ) -> None:
        self._driver = driver
        self.database = database
        self.url = url or f"neo4j:///{database}"
        self._owns_driver = owns_driver
        self._node_rows = NodeRowCache()
        self._ensure_schema()

    @classmethod
    def from_url(cls, url: str) -> Neo4jStore:
        """Open ``neo4j://user:password@host:7687[/database][?database=name]``.

        ``bolt://`` and the ``+s``/``+ssc`` schemes work the same way. Without
        a user in the URL, ``$NEO4J_AUTH`` (``user/password``, as the Neo4j
        Docker image reads it) gives the credentials; without that either,
        the connection is made without auth. ``?retry_seconds=`` bounds how
        long a transaction is retried while the server is unreachable
        (default 10).
        """
        parts = urlsplit(url)
        shown = redact_url(url)
        query = parse_qs(parts.query)
        database = (query.get("database") or [parts.path.strip("/")])[0] or "neo4j"
        host = parts.hostname or "localhost"
        try:
            port = parts.port or 7687
        except ValueError as exc:
            raise StoreUnavailable(f"bad port in store URL {shown!r}") from exc
        target = f"{parts.scheme}://{host}:{port}"
        auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
        if auth is None:
            auth = _auth_from_env()
        try:
            retry = float((query.get("retry_seconds") or ["10"])[0])
        except ValueError as exc:
            raise StoreUnavailable(f"retry_seconds in {shown!r} is not a number") from exc
        try:
            driver = GraphDatabase.driver(
                target,
                auth=auth,
                max_transaction_retry_time=retry,
                connection_timeout=5.0,
                connection_acquisition_timeout=30.0,
            )
        except (DriverError, ValueError) as exc:
            raise StoreUnavailable(f"bad Neo4j store URL {shown!r}: {exc}") from exc
        try:
            return cls(driver, database, url=shown, owns_driver=True)
        except BaseException:
            driver.close()
            raise

    # -- plumbing ---------------------------------------------------------------------
    def _unavailable(self, exc: Exception) -> PartnermapError:
        if isinstance(exc, AuthError):
            return StoreUnavailable(f"Neo4j at {self.url} refused the credentials: {exc.message}")
        if isinstance(exc, TransientError):
            return StoreUnavailable(f"Neo4j at {self.url} is busy, try again: {exc.message}")
        if isinstance(exc, ServiceUnavailable | SessionExpired | OSError):
            return StoreUnavailable(f"cannot reach Neo4j at {self.url} (is it running?): {exc}")
        if isinstance(exc, ClientError) and "DatabaseNotFound" in (exc.code or ""):
            return StoreUnavailable(f"Neo4j at {self.url} has no database {self.database!r}")
        if isinstance(exc, ClientError):
            return ValidationFailed(f"Neo4j at {self.url} rejected a statement: {exc.message}")
        if isinstance(exc, Neo4jError):
            return StoreUnavailable(f"Neo4j at {self.url} failed: {exc.message}")
        return StoreUnavailable(f"cannot reach Neo4j at {self.url} (is it running?): {exc}")

    def _session(self, mode: str) -> neo4j.Session:
        return self._driver.session(
            database=self.database,
            default_access_mode=mode,
            notifications_min_severity="OFF",
        )

    def _run_write(self, work: Callable[[ManagedTransaction], T]) -> T:
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                return session.execute_write(work)
        except PartnermapError:
            raise
        except (Neo4jError, DriverError, OSError) as exc:
            raise self._unavailable(exc) from exc

    def _run_read(self, work: Callable[[ManagedTransaction], T]) -> T:
        try:
            with self._session(neo4j.READ_ACCESS) as session:
                return session.execute_read(work)
        except PartnermapError:
            raise
        except (Neo4jError, DriverError, OSError) as exc:
            raise self._unavailable(exc) from exc

    def _read(self, query: str, **params: Any) -> list[neo4j.Record]:
        def work(tx: ManagedTransaction) -> list[neo4j.Record]:
            return list(tx.run(query, params))

        return self._run_read(work)

    def _ensure_schema(self) -> None:
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                for statement in cypher.SCHEMA:
                    try:
                        session.run(statement).consume()
                    except ClientError as exc:
                        # Another process created the same constraint at the same moment.
                        if "EquivalentSchemaRule" not in (exc.code or ""):
                            raise
                layout = session.run(cypher.LAYOUT).single()
                if layout is None or layout["owners"] != 2:
                    session.execute_write(self._migrate_owners)
        except (Neo4jError, DriverError, OSError) as exc:
            raise self._unavailable(exc) from exc

    @staticmethod
    def _migrate_owners(tx: ManagedTransaction) -> None:
        """Bring a store written before to the layout of owners by type (:mod:`graph.store.cypher`).

        Once per database: under the layout node's lock, so a second process
        that opens the store meanwhile waits and then finds it done.
        """
        if tx.run(cypher.LOCK_LAYOUT).single(strict=True)["owners"] == 2:
            return
        if tx.run(cypher.OLD_OWNERS).single() is not None:  # stops at the first one
            for statement in cypher.MIGRATE_OWNERS:
                tx.run(statement).consume()
        tx.run(cypher.SET_LAYOUT).consume()

    def close(self) -> None:
        if self._owns_driver:
            self._driver.close()

    # -- writes -------------------------------------------------------------------------
    def write(
        self,
        nodes: Iterable[NodeRecord] = (),
        relationships: Iterable[RelRecord] = (),
        *,
        progress: ProgressCallback | None = None,
        create_only: Collection[RecordKey] = (),
        expect: Mapping[RecordKey, str] | None = None,
        row_digests: Mapping[RecordKey, str] | None = None,
        import_mark: str | None = None,
    ) -> WriteStats:
        self._node_rows.clear()  # kept for reads between writes only (its version says when)
        node_list = list(nodes)
        rel_list = list(relationships)
        for node in node_list:
            _check_label(node.label, "label")
        for rel in rel_list:
            _check_label(rel.type, "relationship type")

        def work(tx: ManagedTransaction) -> WriteStats:
            self._check_conditions(tx, create_only, expect)
            stats = write_records(
                tx, node_list, rel_list, row_digests=row_digests, progress=progress
            )
            if stats.nodes_written or stats.relationships_written:
                tx.run(cypher.BUMP_VERSION, token=secrets.token_hex(4)).consume()
            if import_mark is not None:
                tx.run(cypher.SET_IMPORT_MARK, mark=import_mark).consume()
            return stats

        stats = self._run_write(work)
        stats.graph_version = self.graph_version()
        return stats

    def bulk_load(self) -> Neo4jBulkLoad | None:
        """A write of the next import, sent while it still reads (:mod:`graph.store.neo4j_bulk`).

        Only into a database that holds no node (a first import); ``None`` otherwise.
        """
        try:
            empty = not self._read(cypher.COUNT_NODES)[0]["count"]
        except PartnermapError:
            return None
        return Neo4jBulkLoad(self, BULK_RECORDS) if empty else None

    def import_mark(self) -> str | None:
        rows = self._read(cypher.IMPORT_MARK)
        return str(rows[0]["mark"]) if rows and rows[0]["mark"] is not None else None

    def row_digests(self, keys: Sequence[RecordKey]) -> dict[RecordKey, str]:
        for key in keys:
            if not isinstance(key, str):
                _check_label(key[1], "relationship type")

        def work(tx: ManagedTransaction) -> dict[RecordKey, str]:
            return read_row_digests(tx, keys, self._node_rows)

        return self._run_read(work)

    def _check_conditions(
        self,
        tx: ManagedTransaction,
        create_only: Collection[RecordKey],
        expect: Mapping[RecordKey, str] | None,
    ) -> None:
        """Check a conditional write inside its transaction, holding the locks it needs.

        Nodes and the sources of relationships are write-locked before their
        digests are read, so two processes cannot both pass the same check;
        new ids are created at once, so the uniqueness constraint on ``id``
        refuses the second of two racing creates.
        """
        keys = [*create_only, *(expect or {})]
        if not keys:
            return
        lock_ids = sorted({k if isinstance(k, str) else k[0] for k in keys})
        stored: dict[RecordKey, str | None] = dict.fromkeys(keys)
        hashes = {
            r["id"]: stored_digest(r["props"]) for r in tx.run(cypher.LOCK_NODES, ids=lock_ids)
        }
        by_type: dict[str, list[dict[str, str]]] = defaultdict(list)
        for key in keys:
            if isinstance(key, str):
                stored[key] = hashes.get(key)
            else:
                _check_label(key[1], "relationship type")
                by_type[key[1]].append({"source": key[0], "target": key[2]})
        for type_name, rows in by_type.items():
            query = cypher.existing_relationships(type_name)
            for source, target, props in collected(tx, query, rows=rows):
                stored[(source, type_name, target)] = stored_digest(props)
        check_preconditions(stored, create_only, expect)
        new_ids = [k for k in create_only if isinstance(k, str)]
        if new_ids:
            try:
                tx.run(cypher.CREATE_NODE_IDS, ids=new_ids).consume()
            except ClientError as exc:
                if "ConstraintValidationFailed" not in (exc.code or ""):
                    raise
                raise Conflict(f"{new_ids[0]!r} already exists") from exc

    def delete_nodes(
        self,
        ids: Sequence[str],
        *,
        force: bool = False,
        expect: Mapping[RecordKey, str] | None = None,
    ) -> int:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return 0

        def work(tx: ManagedTransaction) -> int:
            self._check_conditions(tx, (), expect)
            blocking = list(tx.run(cypher.DELETE_BLOCKING, ids=wanted))
            if blocking and not force:
                refs = ", ".join(f"{r['owner']} ({r['type']})" for r in blocking)
                raise Conflict(f"still referenced by: {refs}")
            deleted = int(tx.run(cypher.DELETE_NODES, ids=wanted).single(strict=True)["deleted"])
            if deleted:
                tx.run(cypher.BUMP_VERSION, token=secrets.token_hex(4)).consume()
            return deleted

        return self._run_write(work)

    def delete_relationships(
        self,
        keys: Sequence[tuple[str, str, str]],
        *,
        expect: Mapping[RecordKey, str] | None = None,
    ) -> int:
        by_type: dict[str, list[dict[str, str]]] = defaultdict(list)
        for source, type_name, target in dict.fromkeys(tuple(k) for k in keys):
            try:
                cypher.rel_type(type_name)
            except ValueError:
                continue  # no relationship can have such a type
            by_type[type_name].append({"source": source, "target": target})

        def work(tx: ManagedTransaction) -> int:
            self._check_conditions(tx, (), expect)
            deleted = 0
            for type_name, rows in by_type.items():
                query = cypher.delete_relationships(type_name)
                deleted += int(tx.run(query, rows=rows).single(strict=True)["deleted"])
            if deleted:
                tx.run(cypher.BUMP_VERSION, token=secrets.token_hex(4)).consume()
            return deleted

        return self._run_write(work)

    def clear(self) -> None:
        self._node_rows.clear()

        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher.CLEAR).consume()
            tx.run(cypher.BUMP_VERSION, token=secrets.token_hex(4)).consume()

        self._run_write(work)

    # -- reads ------------------------------------------------------------------------------
    def graph_version(self) -> str:
        rows = self._read(cypher.GRAPH_VERSION)
        return str(rows[0]["value"]) if rows else "0"

    @staticmethod
    def _node(rec: neo4j.Record) -> NodeRecord:
        return NodeRecord(rec["label"], rec["id"], decode_props(rec["props"]))

    @staticmethod
    def _rel(rec: neo4j.Record) -> RelRecord:
        props, type_name, source, target = rec["props"], rec["type"], rec["source"], rec["target"]
        owner = stored_owner(type_name, source, target, props)
        return RelRecord(type_name, source, target, decode_props(props), owner)

    def get(self, node_id: str) -> NodeRecord | None:
        rows = self._read(cypher.GET_NODES, ids=[node_id])
        return self._node(rows[0]) if rows else None

    def get_many(self, ids: Iterable[str]) -> dict[str, NodeRecord]:
        wanted = list(dict.fromkeys(ids))
        out: dict[str, NodeRecord] = {}
        for chunk in chunks(wanted, _PAGE):
            for rec in self._read(cypher.GET_NODES, ids=chunk):
                out[rec["id"]] = self._node(rec)
        # Same order as asked, like a lookup would give.
        return {i: out[i] for i in wanted if i in out}

    @staticmethod
    def _filters(
        label: str | None,
        locality_id: str | None,
        sector: str | None,
        domain: str | None,
        kind: str | None,
        text: str | None,
    ) -> tuple[bool, dict[str, Any]] | None:
        if label:
            try:
                cypher.label(label)
            except ValueError:
                return None  # no node can have such a label
        keys = [
            f"{key}:{value}"
            for key, value in (
                ("locality", locality_id),
                ("sector", sector),
                ("domain", domain),
                ("kind", kind),
            )
            if value is not None
        ]
        params: dict[str, Any] = {"keys": keys}
        if text:
            params["text"] = normalize(text)
        return bool(text), params

    def find(
        self,
        label: str | None = None,
        *,
        locality_id: str | None = None,
        sector: str | None = None,
        domain: str | None = None,
        kind: str | None = None,
        text: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[NodeRecord]:
        spec = self._filters(label, locality_id, sector, domain, kind, text)
        if spec is None:
            return []
        has_text, params = spec
        page = limit is not None and int(limit) >= 0
        query = cypher.find_nodes(
            label or None, keys=len(params["keys"]), text=has_text, count=False, page=page
        )
        params["offset"] = max(0, int(offset))
        if page:
            params["limit"] = int(limit)  # type: ignore[arg-type]
        return [self._node(r) for r in self._read(query, **params)]

    def count(
        self,
        label: str | None = None,
        *,
        locality_id: str | None = None,
        sector: str | None = None,
        domain: str | None = None,
        kind: str | None = None,
        text: str | None = None,
    ) -> int:
        spec = self._filters(label, locality_id, sector, domain, kind, text)
        if spec is None:
            return 0
        has_text, params = spec
        query = cypher.find_nodes(
            label or None, keys=len(params["keys"]), text=has_text, count=True, page=False
        )
        return int(self._read(query, **params)[0]["count"])

    def relationships(
        self,
        node_id: str | None = None,
        *,
        types: Sequence[str] | None = None,
        direction: str = "both",
    ) -> list[RelRecord]:
        if direction not in ("out", "in", "both"):
            raise ValueError(f"direction must be out, in or both, not {direction!r}")
        type_list = list(types) if types else None
        if node_id is None:
            return [self._rel(r) for r in self._read(cypher.ALL_RELS, types=type_list)]

        def work(tx: ManagedTransaction) -> list[neo4j.Record]:
            rows: list[neo4j.Record] = []
            if direction in ("out", "both"):
                rows += list(tx.run(cypher.OUT_RELS, id=node_id, types=type_list))
            if direction in ("in", "both"):
                rows += list(tx.run(cypher.IN_RELS, id=node_id, types=type_list))
            return rows

        seen: set[tuple[str, str, str]] = set()
        out = []
        for rec in self._run_read(work):
            rel = self._rel(rec)
            if rel.key not in seen:
                seen.add(rel.key)
                out.append(rel)
        return out

    def get_relationship(self, key: tuple[str, str, str]) -> RelRecord | None:
        source, type_name, target = key
        rows = self._read(cypher.GET_RELATIONSHIP, source=source, type=type_name, target=target)
        return self._rel(rows[0]) if rows else None

    def iter_nodes(self, label: str | None = None) -> Iterator[NodeRecord]:
        if label:
            try:
                cypher.label(label)
            except ValueError:
                return
        query = cypher.iter_nodes(label or None)
        after = ""
        while True:
            rows = self._read(query, after=after, limit=_PAGE)
            for rec in rows:
                yield self._node(rec)
            if len(rows) < _PAGE:
                return
            after = rows[-1]["id"]

    def iter_relationships(self, rel_type: str | None = None) -> Iterator[RelRecord]:
        if rel_type:
            try:
                cypher.rel_type(rel_type)
            except ValueError:
                return
        for rec in self._read(cypher.iter_relationships(rel_type or None)):
            yield self._rel(rec)

    def counts(self) -> GraphCounts:
        def work(tx: ManagedTransaction) -> GraphCounts:
            nodes = {r["label"]: int(r["count"]) for r in tx.run(cypher.COUNT_NODES_BY_LABEL)}
            rels = {r["type"]: int(r["count"]) for r in tx.run(cypher.COUNT_RELS_BY_TYPE)}
            version = tx.run(cypher.GRAPH_VERSION).single()
            return GraphCounts(str(version["value"]) if version else "0", nodes, rels)

        return self._run_read(work)

    def locality_candidates(self, locality_id: str) -> Subgraph:
        """:meth:`GraphStore.locality_candidates` in six queries."""

        def work(tx: ManagedTransaction) -> Subgraph:
            core = {
                r["id"]: r["label"]
                for r in tx.run(
                    cypher.SUBGRAPH_CORE, key=f"locality:{locality_id}", locality=locality_id
                )
            }
            programs = [nid for nid, lab in core.items() if lab == "Program"]
            ids = set(core)
            ids.update(r["id"] for r in tx.run(cypher.SUBGRAPH_FUNDERS, ids=programs))
            expand = sorted(ids - {locality_id})
            ids.update(r["id"] for r in tx.run(cypher.SUBGRAPH_NEIGHBOURS, ids=expand))
            nodes = {r["id"]: self._node(r) for r in tx.run(cypher.GET_NODES, ids=sorted(ids))}
            orgs = [nid for nid, n in nodes.items() if n.label == "Organization"]
            roles = {r["id"] for r in tx.run(cypher.SUBGRAPH_ROLES, ids=orgs)} - nodes.keys()
            for rec in tx.run(cypher.GET_NODES, ids=sorted(roles)):
                nodes[rec["id"]] = self._node(rec)
            bodies = role_organizations(nodes.values()) - nodes.keys()
            for rec in tx.run(cypher.GET_NODES, ids=sorted(bodies)):
                nodes[rec["id"]] = self._node(rec)
            rels = [self._rel(r) for r in tx.run(cypher.SUBGRAPH_RELS, ids=sorted(nodes))]
            return Subgraph(list(nodes.values()), rels)

        return self._run_read(work)
