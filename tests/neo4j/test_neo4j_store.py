"""What only the Neo4j store must prove: injection safety, real properties,
atomic imports across a crash, auth and a server that is down.

The server is real (``tools/neo4j-local``); the crash test kills a second
instance with SIGKILL in the middle of one large write.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import neo4j
import pytest
from neo4j import GraphDatabase

from graph.errors import Conflict, StoreUnavailable, ValidationFailed
from graph.model import NodeRecord, RelRecord
from graph.store import cypher, open_store
from graph.store.neo4j import Neo4jStore
from tests.neo4j.server import Neo4jServer, free_port

EVIL = "'}) MATCH (n) DETACH DELETE n //"
EVIL_ID = f"o-{EVIL}"
PASSWORD = "partnermap-test-secret"


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """A second server, with auth on (the crash test kills and restarts it)."""
    server = Neo4jServer(tmp_path_factory.mktemp("neo4j-auth") / "data", auth=f"neo4j/{PASSWORD}")
    server.start()
    yield server
    server.stop()


def _town(n: int) -> tuple[list[NodeRecord], list[RelRecord]]:
    nodes = [NodeRecord("Locality", "l1", {"name": "אופקים"})]
    nodes += [
        NodeRecord(
            "Organization",
            f"o{i:05d}",
            {"name": f"עמותה {i}", "sector": "nonprofit", "locality_ids": ["l1"]},
        )
        for i in range(n)
    ]
    nodes += [
        NodeRecord(
            "Program",
            f"p{i:05d}",
            {"name": f"برنامج {i}", "operator_id": f"o{i:05d}", "locality_id": "l1"},
        )
        for i in range(n)
    ]
    rels = [
        RelRecord("PARTNERS_WITH", f"o{i:05d}", f"o{i + 1:05d}", {"strength": 3})
        for i in range(n - 1)
    ]
    return nodes, rels


def test_cypher_in_values_is_plain_text(neo4j_store: Neo4jStore) -> None:
    bystander = NodeRecord("Organization", "o-ok", {"name": "תמים", "sector": "business"})
    evil = NodeRecord(
        "Organization",
        EVIL_ID,
        {
            "name": EVIL,
            "name_ar": '"}) DETACH DELETE n RETURN 1 //',
            "sector": "nonprofit",
            "kind": EVIL,
            "a`b": "backtick key",
            "x) DETACH DELETE n //": EVIL,
        },
    )
    program = NodeRecord("Program", "p-evil", {"name": "`x`", "operator_id": EVIL_ID})
    partner = RelRecord("PARTNERS_WITH", EVIL_ID, "o-ok", {"kind": EVIL})
    neo4j_store.write([bystander, evil, program], [partner])
    assert neo4j_store.counts().nodes == {"Organization": 2, "Program": 1}
    assert neo4j_store.get(EVIL_ID) == evil
    assert [n.id for n in neo4j_store.find(text=EVIL)] == [EVIL_ID]
    assert [n.id for n in neo4j_store.find(kind=EVIL)] == [EVIL_ID]
    assert neo4j_store.count(locality_id=EVIL) == 0
    assert neo4j_store.get_relationship((EVIL_ID, "PARTNERS_WITH", "o-ok")) == partner
    assert {r.type for r in neo4j_store.relationships(EVIL_ID)} == {"PARTNERS_WITH", "OPERATES"}
    # Labels and types are never pasted unchecked: a hostile one matches nothing or is refused.
    assert neo4j_store.find(label=EVIL) == []
    assert neo4j_store.relationships(EVIL_ID, types=[EVIL]) == []
    assert list(neo4j_store.iter_relationships(EVIL)) == []
    assert neo4j_store.delete_relationships([(EVIL_ID, EVIL, "o-ok")]) == 0
    with pytest.raises(ValidationFailed, match="label"):
        neo4j_store.write([NodeRecord(EVIL, "x", {"name": "x"})])
    with pytest.raises(ValidationFailed, match="relationship type"):
        neo4j_store.write(relationships=[RelRecord(EVIL, "o-ok", EVIL_ID, {})])
    assert neo4j_store.delete_nodes([EVIL_ID], force=True) == 1
    assert [n.id for n in neo4j_store.find()] == ["o-ok", "p-evil"]


def test_properties_are_real_neo4j_properties(
    neo4j_store: Neo4jStore, neo4j_server: Neo4jServer
) -> None:
    program = NodeRecord(
        "Program",
        "p1",
        {
            "name": "שפה",
            "operator_id": "o1",
            "domains": ["early_childhood", "welfare"],
            "age_min": 0,
        },
    )
    org = NodeRecord("Organization", "o1", {"name": "ג'וינט", "sector": "nonprofit"})
    neo4j_store.write([org, program])
    with GraphDatabase.driver(neo4j_server.uri, auth=None) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (o:Organization)-[r:OPERATES]->(p:Program {id: $id}) "
            "RETURN labels(p) AS labels, p.domains AS domains, p.age_min AS age, "
            "o.name AS operator, properties(r) AS rel_props",
            id="p1",
            database_="neo4j",
        )
        constraints, _, _ = driver.execute_query(
            "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties RETURN *", database_="neo4j"
        )
    row = records[0]
    assert sorted(row["labels"]) == ["Node", "Program"]
    assert (row["domains"], row["age"], row["operator"]) == (
        ["early_childhood", "welfare"],
        0,
        "ג'וינט",
    )
    # A derived relationship keeps no property (its type names the owning end).
    assert row["rel_props"] == {}
    (operates,) = [r for r in neo4j_store.iter_relationships() if r.type == "OPERATES"]
    assert operates.owner == "p1"
    assert {
        (c["name"], tuple(c["labelsOrTypes"]), tuple(c["properties"])) for c in constraints
    } >= {("partnermap_node_id", ("Node",), ("id",))}


def test_store_unavailable_when_nothing_listens() -> None:
    with pytest.raises(StoreUnavailable, match="cannot reach Neo4j"):
        open_store(f"bolt://127.0.0.1:{free_port()}")


def test_missing_database_is_named(neo4j_server: Neo4jServer) -> None:
    with pytest.raises(StoreUnavailable, match="no database 'elsewhere'"):
        open_store(f"{neo4j_server.uri}?database=elsewhere")


def test_auth_from_the_url_or_the_environment(
    auth_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = auth_server.port
    monkeypatch.delenv("NEO4J_AUTH", raising=False)
    with open_store(f"neo4j://neo4j:{PASSWORD}@127.0.0.1:{port}") as store:
        store.write([NodeRecord("Locality", "l1", {"name": "ירוחם"})])
        assert store.url == f"neo4j://neo4j:***@127.0.0.1:{port}"
        assert store.counts().nodes == {"Locality": 1}
        store.clear()
    with pytest.raises(StoreUnavailable, match="refused the credentials") as wrong:
        open_store(f"neo4j://neo4j:wrong-password@127.0.0.1:{port}")
    assert "wrong-password" not in str(wrong.value)
    with pytest.raises(StoreUnavailable):
        open_store(f"bolt://127.0.0.1:{port}")
    monkeypatch.setenv("NEO4J_AUTH", f"neo4j/{PASSWORD}")
    with open_store(f"neo4j://127.0.0.1:{port}") as store:
        assert store.counts().nodes == {}


def test_killed_server_leaves_no_partial_import(auth_server: Neo4jServer) -> None:
    url = f"bolt://neo4j:{PASSWORD}@127.0.0.1:{auth_server.port}?retry_seconds=2"
    baseline = [NodeRecord("Locality", "l0", {"name": "דימונה"})]
    nodes, rels = _town(1500)
    total = len(nodes) + len(rels)
    handled = [0]
    killed = threading.Event()

    def kill_halfway(n: int) -> None:
        handled[0] += n
        if handled[0] >= total // 2 and not killed.is_set():
            killed.set()
            auth_server.kill()

    store = open_store(url)
    store.clear()
    store.write(baseline)
    version = store.graph_version()
    with pytest.raises(StoreUnavailable, match="cannot reach Neo4j"):
        store.write(nodes, rels, progress=kill_halfway)
    assert killed.is_set()
    with pytest.raises(StoreUnavailable):
        store.counts()
    store.close()

    auth_server.start()  # same data folder: Neo4j recovers from its transaction log
    with open_store(url) as again:
        assert again.counts().nodes == {"Locality": 1}
        assert again.graph_version() == version
        stats = again.write(nodes, rels)
        assert stats.nodes_written == len(nodes)
        counts = again.counts()
        assert counts.nodes == {"Locality": 2, "Organization": 1500, "Program": 1500}
        assert counts.relationships == {
            "OPERATES_IN": 1500,
            "OPERATES": 1500,
            "IN_LOCALITY": 1500,
            "PARTNERS_WITH": 1499,
        }
        # Re-running the import once more adds nothing.
        assert again.write(nodes, rels).nodes_written == 0
        assert again.counts().as_dict() == counts.as_dict()
    # A clean stop (SIGTERM) keeps everything.
    auth_server.stop()
    auth_server.start()
    with open_store(url) as after_restart:
        assert after_restart.counts().as_dict() == counts.as_dict()
        assert after_restart.get("p01499") == nodes[-1]


class _RecordingDriver:
    """The real driver, noting the arguments of every session opened on it."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver
        self.sessions: list[dict[str, Any]] = []

    def session(self, **config: Any) -> Any:
        self.sessions.append(config)
        return self._driver.session(**config)


def test_every_query_names_its_database_and_values_stay_parameters(
    neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[str] = []
    real_run = neo4j.ManagedTransaction.run

    def spy(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        statements.append(query)
        return real_run(self, query, *args, **kwargs)

    monkeypatch.setattr(neo4j.ManagedTransaction, "run", spy)
    with GraphDatabase.driver(neo4j_server.uri, auth=None) as driver:
        recording = _RecordingDriver(driver)
        store = Neo4jStore(recording, database="neo4j")  # type: ignore[arg-type]
        store.clear()
        evil = NodeRecord("Organization", EVIL_ID, {"name": EVIL, "sector": "other"})
        store.write([evil], [RelRecord("PARTNERS_WITH", EVIL_ID, EVIL_ID, {"kind": EVIL})])
        store.find(text=EVIL, kind=EVIL, locality_id=EVIL)
        store.subgraph(EVIL)
        store.relationships(EVIL_ID)
        store.delete_nodes([EVIL_ID])
    assert recording.sessions and all(s.get("database") == "neo4j" for s in recording.sessions)
    assert len(statements) > 10
    assert not [q for q in statements if "DETACH DELETE n //" in q or "o-'}" in q]


@pytest.mark.parametrize("scan_share", [0.0, float("inf")], ids=["whole-type", "by-ends"])
def test_stored_relationships_read_by_ends_or_whole_type(
    neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch, scan_share: float
) -> None:
    """Both ways of reading stored relationships (by their ends, or the whole type) agree.

    ``SCAN_SHARE`` 0 reads the whole type for any question, infinity always
    looks rows up by their ends; the answers must be the same.
    """
    from graph.store import neo4j_write

    monkeypatch.setattr(neo4j_write, "SCAN_SHARE", scan_share)
    nodes, rels = _town(30)  # o00000 -[PARTNERS_WITH]-> o00001 ... -> o00029
    keys = [r.key for r in rels]
    neo4j_store.write(nodes, rels, row_digests={k: f"d{i}" for i, k in enumerate(keys)})
    asked = [keys[3], keys[7], ("o00007", "PARTNERS_WITH", "o00003"), ("x", "NOPE", "y")]
    assert neo4j_store.row_digests(asked) == {keys[3]: "d3", keys[7]: "d7"}
    # A re-write of two ties, one changed: the other counts as unchanged.
    changed = RelRecord("PARTNERS_WITH", "o00003", "o00004", {"strength": 5})
    stats = neo4j_store.write(relationships=[rels[7], changed])
    assert (stats.relationships_written, stats.relationships_unchanged) == (1, 1)
    assert neo4j_store.get_relationship(changed.key) == changed
    assert neo4j_store.row_digests([keys[3], keys[7]]) == {keys[7]: "d7"}


def test_new_records_written_as_columns_keep_every_property(
    neo4j_store: Neo4jStore, neo4j_server: Neo4jServer
) -> None:
    """New records go as rows of values with the names in the statement; odd names in a map.

    Names that are not plain (a space, Hebrew, a backtick, a Cypher fragment)
    cannot be written into a statement: they must still land as properties,
    never as Cypher. A property one record has and the next lacks stays
    absent (not null) on the second. The ids of the two records of each kind
    are new, so both go through the column statements.
    """
    odd = {"x y": 1, "שם": "ערך", "a`b": "c", "n}) DETACH DELETE n //": "v", "_row": "u"}
    first = NodeRecord("Organization", "o-a", {"name": "א", "sector": "other", **odd})
    second = NodeRecord("Organization", "o-b", {"name": "ב", "kind": "עמותה"})
    ties = [
        RelRecord("PARTNERS_WITH", "o-a", "o-b", {"strength": 2, "סוג": "מימון"}),
        RelRecord("PARTNERS_WITH", "o-b", "o-a", {"since": "2020"}),
    ]
    stats = neo4j_store.write([first, second], ties)
    assert (stats.nodes_written, stats.relationships_written) == (2, 2)
    assert neo4j_store.get("o-a") == first and neo4j_store.get("o-b") == second
    for tie in ties:
        assert neo4j_store.get_relationship(tie.key) == tie
    with GraphDatabase.driver(neo4j_server.uri, auth=None) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n:Node {id: 'o-b'}) RETURN keys(n) AS keys", database_="neo4j"
        )
    assert "sector" not in records[0]["keys"]  # absent, not stored as null
    assert neo4j_store.write([first, second], ties).nodes_unchanged == 2


def test_new_ties_by_element_id_or_by_id_and_a_missing_end(neo4j_store: Neo4jStore) -> None:
    """Ties between two nodes of the same write find their ends by element id, others by id.

    o-old is stored before and not written again: a tie to it goes by id. A
    tie to an id that exists nowhere still fails the whole write, naming it.
    """
    old = NodeRecord("Organization", "o-old", {"name": "ישן", "sector": "other"})
    neo4j_store.write([old])
    a = NodeRecord("Organization", "o-a", {"name": "א", "sector": "other"})
    b = NodeRecord("Organization", "o-b", {"name": "ב", "sector": "other"})
    both_new = RelRecord("PARTNERS_WITH", "o-a", "o-b", {"strength": 1})
    to_old = RelRecord("PARTNERS_WITH", "o-b", "o-old", {"strength": 2})
    stats = neo4j_store.write([a, b], [both_new, to_old])
    assert stats.relationships_written == 2
    assert neo4j_store.get_relationship(both_new.key) == both_new
    assert neo4j_store.get_relationship(to_old.key) == to_old
    version = neo4j_store.graph_version()
    c = NodeRecord("Organization", "o-c", {"name": "ג", "sector": "other"})
    nowhere = RelRecord("PARTNERS_WITH", "o-c", "o-nowhere", {})
    with pytest.raises(Conflict, match="o-nowhere"):
        neo4j_store.write([c], [RelRecord("PARTNERS_WITH", "o-c", "o-a", {}), nowhere])
    assert neo4j_store.get("o-c") is None and neo4j_store.graph_version() == version


def _raw(server: Neo4jServer, query: str) -> list[Any]:
    with GraphDatabase.driver(server.uri, auth=None) as driver:
        records, _, _ = driver.execute_query(query, database_="neo4j")
    return [r.data() for r in records]


_REL_PROPS = (
    "MATCH (a)-[r]->(b) RETURN a.id + ' ' + type(r) + ' ' + b.id AS key, properties(r) AS p"
)


def test_a_store_written_before_gets_its_owners_by_type(
    neo4j_store: Neo4jStore, neo4j_server: Neo4jServer
) -> None:
    """Every derived relationship kept ``_owner`` before; opening the store moves it once."""
    _raw(
        neo4j_server,
        "CREATE (o:Node:Organization {id: 'o1', name: 'א', sector: 'other'}), "
        "(p:Node:Program {id: 'p1', name: 'ב', operator_id: 'o1', locality_id: 'l1'}), "
        "(l:Node:Locality {id: 'l1', name: 'ג'}), "
        "(o)-[:OPERATES {_owner: 'p1'}]->(p), (p)-[:IN_LOCALITY {_owner: 'p1'}]->(l), "
        "(o)-[:IN_LOCALITY {note: 'סניף'}]->(l), (o)-[:PARTNERS_IN {role: 'x'}]->(p) "
        "WITH 1 AS done MATCH (m:PartnermapMeta {key: 'layout'}) DETACH DELETE m",
    )
    store = Neo4jStore.from_url(neo4j_server.uri)
    try:
        owners = {r.key: r.owner for r in store.iter_relationships()}
    finally:
        store.close()
    assert owners == {
        ("o1", "OPERATES", "p1"): "p1",
        ("p1", "IN_LOCALITY", "l1"): "p1",
        ("o1", "IN_LOCALITY", "l1"): None,
        ("o1", "PARTNERS_IN", "p1"): None,
    }
    stored = {r["key"]: r["p"] for r in _raw(neo4j_server, _REL_PROPS)}
    assert stored == {
        "o1 OPERATES p1": {},
        "p1 IN_LOCALITY l1": {},
        "o1 IN_LOCALITY l1": {"note": "סניף", "_explicit": True},
        "o1 PARTNERS_IN p1": {"role": "x"},
    }
    assert _raw(neo4j_server, cypher.LAYOUT) == [{"owners": 2}]
    # Written in this layout, a store that lost its layout node is not moved again:
    # its derived relationships (no property) are not taken for explicit ones.
    _raw(neo4j_server, "MATCH (m:PartnermapMeta {key: 'layout'}) DETACH DELETE m")
    Neo4jStore.from_url(neo4j_server.uri).close()
    assert {r["key"]: r["p"] for r in _raw(neo4j_server, _REL_PROPS)} == stored
    assert {r.key: r.owner for r in neo4j_store.iter_relationships()} == owners


def test_kept_row_digests_follow_the_graph_version(
    neo4j_store: Neo4jStore, neo4j_server: Neo4jServer
) -> None:
    """Once many are asked, every node's digest is read in one scan and kept for its version."""
    nodes = [
        NodeRecord("Organization", f"o{i}", {"name": f"ארגון {i}", "sector": "other"})
        for i in range(8)
    ]
    digests = {n.id: f"{i:016x}" for i, n in enumerate(nodes)}
    neo4j_store.write(nodes, row_digests=digests)
    ids = [n.id for n in nodes]
    assert neo4j_store.row_digests(ids) == digests
    # Kept: a change behind the store's back that leaves the version as it was
    # is not seen by a later ask of a few (they would be looked up by id otherwise).
    _raw(neo4j_server, "MATCH (n:Node {id: 'o3'}) REMOVE n._row")
    assert neo4j_store.row_digests(["o3"]) == {"o3": digests["o3"]}
    # Another process's write moves the version on: the kept digests are read again.
    other = Neo4jStore.from_url(neo4j_server.uri)
    try:
        other.write([NodeRecord("Organization", "o1", {"name": "שונה", "sector": "other"})])
    finally:
        other.close()
    left = {k: v for k, v in digests.items() if k not in ("o1", "o3")}
    assert neo4j_store.row_digests(ids) == left
    assert neo4j_store.row_digests(["o3", "o4"]) == {"o4": digests["o4"]}
