"""Every Cypher statement of :mod:`graph.store.neo4j`, in one place.

Values always travel as parameters. The only text ever put into a
statement is a node label or relationship type, and only after
:func:`label` or :func:`rel_type` has checked it is a plain identifier
(``Program``, ``MEMBER_OF``); it is then quoted with backticks as well.

Graph layout: every entity node has the common label ``:Node`` (with a
uniqueness constraint on ``id``) plus its entity label, and its properties
as real Neo4j properties. Helper properties start with ``_``:
``_search`` (normalised names), ``_keys`` (``locality:…``,
``domain:…``, ``sector:…``, ``kind:…`` filter keys) and ``_json`` (names of
properties stored as JSON text because Neo4j cannot hold their value,
such as mixed lists). A derived relationship (implied by a node's field) keeps
no owner property: its type names the owning end (:data:`graph.derived.OWNER_END`,
read by :data:`OWNER`); an explicit relationship of such a type carries
``_explicit``, and an owner that is not the end its type names ``_owner``
(stores written before kept ``_owner`` on every derived relationship:
:data:`MIGRATE_OWNERS`). Records that came from an import row carry ``_row`` (that
row's digest). The digest of a record's properties (no-op detection, ETags)
is computed by the client from the properties it reads, never stored: every
stored property costs at commit (a 32-character digest fills a whole
property record), and stores written before kept it as ``_hash``, which
reads ignore. The graph version lives on one
``:PartnermapMeta`` node outside ``:Node``.

Examples
--------
>>> label("Program")
'`Program`'
>>> rel_type("MEMBER_OF")
'`MEMBER_OF`'
>>> label("x`) DETACH DELETE n //")
Traceback (most recent call last):
...
ValueError: not a plain identifier: 'x`) DETACH DELETE n //'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from graph.derived import OWNER_END

__all__ = [
    "ALL_NODE_ROW_DIGESTS",
    "ALL_RELS",
    "BUMP_VERSION",
    "CLEAR",
    "COMMON_LABEL",
    "COUNT_NODES",
    "COUNT_NODES_BY_LABEL",
    "COUNT_RELS_BY_TYPE",
    "CREATE_NODE_IDS",
    "DELETE_BLOCKING",
    "DELETE_NODES",
    "DROP_OWNED_RELS",
    "EXISTING_IDS",
    "EXISTING_NODES",
    "GET_NODES",
    "GET_RELATIONSHIP",
    "GRAPH_VERSION",
    "IMPORT_MARK",
    "IN_RELS",
    "LAYOUT",
    "LOCK_LAYOUT",
    "LOCK_NODES",
    "META_LABEL",
    "MIGRATE_OWNERS",
    "NODE_ROW_DIGESTS",
    "OLD_OWNERS",
    "OUT_RELS",
    "OWNER",
    "SCHEMA",
    "SET_IMPORT_MARK",
    "SET_LAYOUT",
    "SET_NODE_ROW_DIGESTS",
    "SUBGRAPH_CORE",
    "SUBGRAPH_FUNDERS",
    "SUBGRAPH_NEIGHBOURS",
    "SUBGRAPH_RELS",
    "SUBGRAPH_ROLES",
    "count_relationships",
    "create_nodes_from_columns",
    "create_relationships_from_columns",
    "delete_relationships",
    "existing_relationships",
    "find_nodes",
    "iter_nodes",
    "iter_relationships",
    "label",
    "merge_relationships",
    "property_key",
    "rel_row_digests",
    "rel_type",
    "scan_relationships",
    "set_rel_row_digests",
    "upsert_nodes",
]

COMMON_LABEL = "Node"
META_LABEL = "PartnermapMeta"

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,99}")
#: Property names that may be written into a statement (others travel in a map).
PROPERTY_KEY = re.compile(r"_{0,3}[A-Za-z][A-Za-z0-9_]{0,99}")


def _identifier(name: str) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return f"`{name}`"


def label(name: str) -> str:
    """A node label checked to be a plain identifier, backtick-quoted."""
    if name in (COMMON_LABEL, META_LABEL):
        raise ValueError(f"{name!r} is reserved, not an entity label")
    return _identifier(name)


def rel_type(name: str) -> str:
    """A relationship type checked to be a plain identifier, backtick-quoted."""
    return _identifier(name)


def property_key(name: str) -> str:
    """A property name checked to be plain (letters, digits, ``_``), backtick-quoted.

    >>> property_key("_search")
    '`_search`'
    >>> property_key("a`b")
    Traceback (most recent call last):
    ...
    ValueError: not a plain property name: 'a`b'
    """
    if not isinstance(name, str) or not PROPERTY_KEY.fullmatch(name):
        raise ValueError(f"not a plain property name: {name!r}")
    return f"`{name}`"


def _columns(keys: Sequence[str], first: int, extra: bool, var: str) -> tuple[str, str]:
    """A map literal of ``row[first + i]`` for each key, and the SET of the extra map."""
    pairs = ", ".join(f"{property_key(k)}: row[{first + i}]" for i, k in enumerate(keys))
    tail = f"\nSET {var} += row[{first + len(keys)}]" if extra else ""
    return "{" + pairs + "}", tail


# -- schema ---------------------------------------------------------------------
SCHEMA = (
    "CREATE CONSTRAINT partnermap_node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT partnermap_meta_key IF NOT EXISTS "
    "FOR (m:PartnermapMeta) REQUIRE m.key IS UNIQUE",
    # Serves ``n._search CONTAINS $text`` (name search) without a full scan.
    "CREATE TEXT INDEX partnermap_node_search IF NOT EXISTS FOR (n:Node) ON (n._search)",
)

# -- writes ---------------------------------------------------------------------
EXISTING_NODES = """
UNWIND $ids AS id
MATCH (n:Node {id: id})
RETURN collect([n.id, [l IN labels(n) WHERE l <> 'Node'][0], properties(n)]) AS rows
"""

# Digests of the import rows records came from (helper property ``_row``; any
# other write of a node or relationship replaces its properties and drops it).
SET_NODE_ROW_DIGESTS = """
UNWIND $rows AS row
MATCH (n:Node {id: row.id})
SET n._row = row.digest
"""

#: Every node's import-row digest, in one scan (see neo4j_write.NodeRowCache).
ALL_NODE_ROW_DIGESTS = """
MATCH (n:Node)
WHERE n._row IS NOT NULL
RETURN collect([n.id, n._row]) AS rows
"""

NODE_ROW_DIGESTS = """
UNWIND $ids AS id
MATCH (n:Node {id: id})
WHERE n._row IS NOT NULL
RETURN collect([n.id, n._row]) AS rows
"""


def set_rel_row_digests(type_name: str) -> str:
    """Remember the import-row digest of relationships of one type."""
    return f"""
UNWIND $rows AS row
MATCH (a:Node {{id: row.source}})-[r:{rel_type(type_name)}]->(b:Node {{id: row.target}})
SET r._row = row.digest
"""


def rel_row_digests(type_name: str) -> str:
    """The import-row digests of relationships of one type, by their ends."""
    return f"""
UNWIND $rows AS row
MATCH (a:Node {{id: row.source}})-[r:{rel_type(type_name)}]->(b:Node {{id: row.target}})
WHERE r._row IS NOT NULL
RETURN collect([row.source, row.target, r._row]) AS rows
"""


# Takes each node's write lock (held to the end of the transaction) before
# reading its properties, so a conditional write sees the last committed value.
LOCK_NODES = """
UNWIND $ids AS id
MATCH (n:Node {id: id})
SET n._lock = true
REMOVE n._lock
RETURN n.id AS id, properties(n) AS props
"""

# New ids of a create-only write: the uniqueness constraint refuses an id
# that exists (or that another transaction is creating) at once.
CREATE_NODE_IDS = """
UNWIND $ids AS id
CREATE (:Node {id: id})
"""

EXISTING_IDS = """
UNWIND $ids AS id
MATCH (n:Node {id: id})
RETURN collect(n.id) AS rows
"""


def _types(end: str) -> str:
    """A list literal of the relationship types whose derived relationships ``end`` owns."""
    return "[" + ", ".join(f"'{rel_type(t)[1:-1]}'" for t, e in OWNER_END.items() if e == end) + "]"


#: The id of ``r``'s owner, or null for an explicit relationship (see the module's text).
OWNER = f"""CASE
  WHEN r._explicit IS NOT NULL THEN null
  WHEN r._owner IS NOT NULL THEN r._owner
  WHEN type(r) IN {_types("source")} THEN startNode(r).id
  WHEN type(r) IN {_types("target")} THEN endNode(r).id
END"""

DROP_OWNED_RELS = f"""
UNWIND $ids AS id
MATCH (n:Node {{id: id}})-[r]-()
WHERE r._explicit IS NULL AND (r._owner = id OR r._owner IS NULL AND (
  type(r) IN {_types("source")} AND startNode(r) = n
  OR type(r) IN {_types("target")} AND endNode(r) = n))
DELETE r
"""


def upsert_nodes(entity_label: str) -> str:
    """Create or replace nodes of one label; ``row.props`` holds every property."""
    return f"""
UNWIND $rows AS row
MERGE (n:Node {{id: row.id}})
SET n:{label(entity_label)}
SET n = row.props
RETURN collect([n.id, elementId(n)]) AS rows
"""


def create_nodes_from_columns(entity_label: str, keys: Sequence[str], extra: bool) -> str:
    """Create nodes known to be new from rows of values: ``[v1, v2, …(, other)]``.

    ``row[i]`` is the value of ``keys[i]`` (a missing one is null, which
    CREATE leaves out); with ``extra`` the last item is a map of properties
    whose names cannot be written into a statement. Rows of values, not maps:
    no name travels with every row, and the property names are resolved
    once per statement, not once per row and property.

    Returns ``[id, element id]`` of every node, as one list.

    >>> print(create_nodes_from_columns("Goal", ["id", "name"], False))
    UNWIND $rows AS row
    CREATE (n:Node:`Goal` {`id`: row[0], `name`: row[1]})
    RETURN collect([n.id, elementId(n)]) AS rows
    """
    props, tail = _columns(keys, 0, extra, "n")
    return (
        f"UNWIND $rows AS row\nCREATE (n:Node:{label(entity_label)} {props}){tail}\n"
        "RETURN collect([n.id, elementId(n)]) AS rows"
    )


def create_relationships_from_columns(
    type_name: str, keys: Sequence[str], extra: bool, *, by_element: bool = False
) -> str:
    """Create relationships of one type known not to exist yet, from rows of values.

    Rows are ``[source, target, v1, v2, …(, other)]``, as in
    :func:`create_nodes_from_columns`. CREATE, not MERGE: MERGE would first
    scan the relationships between the two nodes, which for a national
    organisation with thousands of ties costs more than the write itself.
    Returns how many rows were written (fewer: some row found no end).
    With ``by_element`` the two ends are element ids, looked up without the
    index: only ever ids of nodes the same transaction created or rewrote
    (and so holds), which no other transaction can delete meanwhile.
    """
    props, tail = _columns(keys, 2, extra, "r")
    if by_element:
        ends = "MATCH (a) WHERE elementId(a) = row[0]\nMATCH (b) WHERE elementId(b) = row[1]\n"
    else:
        ends = "MATCH (a:Node {id: row[0]})\nMATCH (b:Node {id: row[1]})\n"
    return (
        "UNWIND $rows AS row\n"
        f"{ends}"
        f"CREATE (a)-[r:{rel_type(type_name)} {props}]->(b){tail}\n"
        "RETURN count(*) AS written"
    )


def existing_relationships(type_name: str) -> str:
    """``[source, target, properties]`` of each stored ``(source, target)`` row of one type."""
    return f"""
UNWIND $rows AS row
MATCH (a:Node {{id: row.source}})-[r:{rel_type(type_name)}]->(b:Node {{id: row.target}})
RETURN collect([row.source, row.target, properties(r)]) AS rows
"""


def count_relationships(type_name: str) -> str:
    """How many relationships of one type there are (from the count store, no scan)."""
    return f"MATCH ()-[r:{rel_type(type_name)}]->() RETURN count(r) AS count"


def scan_relationships(type_name: str, row_digests: bool) -> str:
    """``[source, target, value]`` of EVERY relationship of one type, as one list.

    The value is the stored properties, or with ``row_digests`` the
    import-row digest (``_row``, relationships without one left out). Reading
    the whole type beats looking rows up by their ends once many of them are
    asked for: a lookup expands from one end, and a forum with hundreds of
    members or a national organisation with thousands of ties makes every
    lookup there cost hundreds of reads.
    """
    value, where = (
        ("r._row", "\nWHERE r._row IS NOT NULL") if row_digests else ("properties(r)", "")
    )
    return (
        f"MATCH (a)-[r:{rel_type(type_name)}]->(b){where}\n"
        f"RETURN collect([a.id, b.id, {value}]) AS rows"
    )


def merge_relationships(type_name: str) -> str:
    """Create or replace relationships of one type between existing nodes.

    Returns how many rows were written: fewer than given means some row found
    no node at one of its ends.
    """
    return f"""
UNWIND $rows AS row
MATCH (a:Node {{id: row.source}})
MATCH (b:Node {{id: row.target}})
MERGE (a)-[r:{rel_type(type_name)}]->(b)
SET r = row.props
RETURN count(*) AS written
"""


BUMP_VERSION = """
MERGE (m:PartnermapMeta {key: 'version'})
ON CREATE SET m.counter = 0
SET m.counter = m.counter + 1
SET m.value = toString(m.counter) + ':' + $token
"""

# An import's mark, kept with the version its transaction leaves (any later write that
# changes something moves ``value`` on, and the mark no longer counts).
SET_IMPORT_MARK = """
MERGE (m:PartnermapMeta {key: 'version'})
ON CREATE SET m.counter = 0, m.value = '0'
SET m.import_mark = $mark, m.import_version = m.value
"""

IMPORT_MARK = """
MATCH (m:PartnermapMeta {key: 'version'})
WHERE m.import_version = m.value
RETURN m.import_mark AS mark
"""

DELETE_BLOCKING = f"""
UNWIND $ids AS id
MATCH (n:Node {{id: id}})-[r]-()
WITH r, {OWNER} AS owner
WHERE owner IS NOT NULL AND NOT owner IN $ids
RETURN owner, type(r) AS type
LIMIT 10
"""

DELETE_NODES = """
UNWIND $ids AS id
MATCH (n:Node {id: id})
DETACH DELETE n
RETURN count(*) AS deleted
"""


def delete_relationships(type_name: str) -> str:
    """Delete explicit (ownerless) relationships of one type by their ends."""
    return f"""
UNWIND $rows AS row
MATCH (a:Node {{id: row.source}})-[r:{rel_type(type_name)}]->(b:Node {{id: row.target}})
WHERE {OWNER} IS NULL
DELETE r
RETURN count(*) AS deleted
"""


CLEAR = """
MATCH (n:Node)
DETACH DELETE n
"""

# -- the layout of owners (see the module's text) ------------------------------------
#: Which layout of relationship owners the database holds (2: by type; none: unknown).
LAYOUT = "MATCH (m:PartnermapMeta {key: 'layout'}) RETURN m.owners AS owners"

#: Takes the layout node's write lock (the transaction that may migrate holds it), then reads it.
LOCK_LAYOUT = """
MERGE (m:PartnermapMeta {key: 'layout'})
SET m.lock = true
REMOVE m.lock
RETURN m.owners AS owners
"""

#: ``r`` keeps ``_owner`` at the end its type names (as every derived one did before).
_OWNER_AT_ITS_END = f"""r._owner IS NOT NULL
  AND (type(r) IN {_types("source")} AND r._owner = startNode(r).id
    OR type(r) IN {_types("target")} AND r._owner = endNode(r).id)"""

#: A store written before: a derived relationship that keeps ``_owner`` at the end its type names.
OLD_OWNERS = f"""
MATCH ()-[r]->()
WHERE r._explicit IS NULL AND {_OWNER_AT_ITS_END}
RETURN 1 AS found
LIMIT 1
"""

#: From that layout to this one, in the transaction holding the layout's lock.
MIGRATE_OWNERS = (
    f"""
MATCH ()-[r]->()
WHERE type(r) IN {_types("source")} + {_types("target")}
  AND r._owner IS NULL AND r._explicit IS NULL
SET r._explicit = true
""",
    f"""
MATCH ()-[r]->()
WHERE {_OWNER_AT_ITS_END}
REMOVE r._owner
""",
)

SET_LAYOUT = "MATCH (m:PartnermapMeta {key: 'layout'}) SET m.owners = 2"

# -- reads ----------------------------------------------------------------------

GRAPH_VERSION = "MATCH (m:PartnermapMeta {key: 'version'}) RETURN m.value AS value"

_NODE_COLUMNS = "n.id AS id, [l IN labels(n) WHERE l <> 'Node'][0] AS label, properties(n) AS props"

GET_NODES = f"""
UNWIND $ids AS id
MATCH (n:Node {{id: id}})
RETURN {_NODE_COLUMNS}
"""


def find_nodes(entity_label: str | None, *, keys: int, text: bool, count: bool, page: bool) -> str:
    """Nodes of a label (or all) that have every one of ``$keys`` and contain ``$text``.

    ``keys`` is how many filter keys are given (passed as ``$keys``).
    """
    match = f"MATCH (n:Node:{label(entity_label)})" if entity_label else "MATCH (n:Node)"
    where: list[str] = []
    if keys:
        where.append("all(k IN $keys WHERE k IN n._keys)")
    if text:
        where.append("n._search CONTAINS $text")
    clause = f"\nWHERE {' AND '.join(where)}" if where else ""
    if count:
        return f"{match}{clause}\nRETURN count(n) AS count"
    tail = "\nSKIP $offset LIMIT $limit" if page else "\nSKIP $offset"
    return f"{match}{clause}\nRETURN {_NODE_COLUMNS}\nORDER BY id{tail}"


def iter_nodes(entity_label: str | None) -> str:
    """A page of nodes (of a label, or all) with ids after ``$after``, by id."""
    match = f"MATCH (n:Node:{label(entity_label)})" if entity_label else "MATCH (n:Node)"
    return f"{match}\nWHERE n.id > $after\nRETURN {_NODE_COLUMNS}\nORDER BY id\nLIMIT $limit"


_REL_COLUMNS = "a.id AS source, type(r) AS type, b.id AS target, properties(r) AS props"

OUT_RELS = f"""
MATCH (a:Node {{id: $id}})-[r]->(b:Node)
WHERE $types IS NULL OR type(r) IN $types
RETURN {_REL_COLUMNS}
ORDER BY type, target
"""

IN_RELS = f"""
MATCH (a:Node)-[r]->(b:Node {{id: $id}})
WHERE $types IS NULL OR type(r) IN $types
RETURN {_REL_COLUMNS}
ORDER BY type, source
"""

ALL_RELS = f"""
MATCH (a:Node)-[r]->(b:Node)
WHERE $types IS NULL OR type(r) IN $types
RETURN {_REL_COLUMNS}
ORDER BY source, type, target
"""

GET_RELATIONSHIP = f"""
MATCH (a:Node {{id: $source}})-[r]->(b:Node {{id: $target}})
WHERE type(r) = $type
RETURN {_REL_COLUMNS}
"""


def iter_relationships(type_name: str | None) -> str:
    """Every relationship (of one type, or all) ordered by source, type, target."""
    pattern = f"[r:{rel_type(type_name)}]" if type_name else "[r]"
    return (
        f"MATCH (a:Node)-{pattern}->(b:Node)\nRETURN {_REL_COLUMNS}\nORDER BY source, type, target"
    )


# From the count store: no scan.
COUNT_NODES = "MATCH (n:Node) RETURN count(n) AS count"

COUNT_NODES_BY_LABEL = """
MATCH (n:Node)
UNWIND [l IN labels(n) WHERE l <> 'Node'] AS label
RETURN label, count(*) AS count
"""

COUNT_RELS_BY_TYPE = """
MATCH (:Node)-[r]->(:Node)
RETURN type(r) AS type, count(*) AS count
"""

# -- subgraph of a locality (see GraphStore.subgraph) ------------------------------
SUBGRAPH_CORE = """
MATCH (n:Node)
WHERE $key IN n._keys OR n.id = $locality
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Node'][0] AS label
"""

SUBGRAPH_FUNDERS = """
UNWIND $ids AS id
MATCH (:Node {id: id})<-[:FUNDS]-(i:Node)
RETURN DISTINCT i.id AS id
"""

SUBGRAPH_NEIGHBOURS = """
UNWIND $ids AS id
MATCH (:Node {id: id})--(m:Node)
RETURN DISTINCT m.id AS id
"""

SUBGRAPH_ROLES = """
UNWIND $ids AS id
MATCH (:Node {id: id})<-[:ROLE_IN]-(r:Node)
RETURN DISTINCT r.id AS id
"""

SUBGRAPH_RELS = f"""
UNWIND $ids AS id
MATCH (a:Node {{id: id}})-[r]->(b:Node)
WHERE b.id IN $ids
RETURN {_REL_COLUMNS}
"""
