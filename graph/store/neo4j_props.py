"""How the Neo4j store keeps our properties as real Neo4j properties, losslessly.

Values Neo4j cannot hold as a property (``None``, maps, lists mixing types,
integers beyond 64 bits) are stored as JSON text and their names listed in
the helper property ``_json``; property names that start with ``_`` (or are
``id``) get one more leading ``_`` so they never meet the helper properties
(``_search``, ``_keys``, ``_json``, ``_owner``, ``_explicit``, ``_row``, and
``_hash`` of stores written before, see :mod:`graph.store.cypher`).
:func:`decode_props` undoes both, so records come back exactly as written, and
:func:`stored_digest` gives the digest of what a record holds.

A derived relationship keeps no owner property: its type says which end owns
it (:data:`graph.derived.OWNER_END`), and a relationship without properties
costs Neo4j no property record to commit (about 0.8 s of a 100k-row
import's 10 s). An explicit relationship of a type the rules derive carries
``_explicit`` instead; an owner that is not the end its type names (no record
our code makes) is kept in ``_owner``. :func:`rel_row` writes that layout and
:func:`stored_owner` reads it.
"""

from __future__ import annotations

import json
from typing import Any

from graph.derived import OWNER_END, owner_by_rule
from graph.model import NodeRecord, RelRecord, node_domains, node_localities
from graph.store.base import digest
from graph.store.cypher import PROPERTY_KEY
from graph.text import normalize

__all__ = [
    "HELPERS",
    "as_columns",
    "decode_props",
    "digest",
    "encode_props",
    "node_row",
    "rel_row",
    "stored_digest",
    "stored_owner",
]

#: Helper properties the store adds; never part of a record's properties.
HELPERS = frozenset({"_hash", "_search", "_keys", "_json", "_owner", "_explicit", "_row"})
_INT64 = (-(2**63), 2**63 - 1)


def _scalar_kind(value: Any) -> type | None:
    if isinstance(value, bool):
        return bool
    if isinstance(value, int):
        return int if _INT64[0] <= value <= _INT64[1] else None
    if isinstance(value, float | str):
        return type(value)
    return None


def _storable(value: Any) -> bool:
    if isinstance(value, list):
        kinds = {_scalar_kind(v) for v in value}
        return None not in kinds and len(kinds) <= 1
    return _scalar_kind(value) is not None


def encode_props(props: dict[str, Any]) -> dict[str, Any]:
    """Our properties as Neo4j properties (names escaped, odd values as JSON).

    >>> encode_props({"name": "עמותה", "_x": 1, "extra": None, "mix": [1, "a"]})
    {'name': 'עמותה', '__x': 1, 'extra': 'null', 'mix': '[1, "a"]', '_json': ['extra', 'mix']}
    """
    out: dict[str, Any] = {}
    as_json: list[str] = []
    for key, value in props.items():
        stored = f"_{key}" if key[:1] == "_" or key == "id" else key
        kind = type(value)
        if kind is str or kind is float:  # most values: no further test
            out[stored] = value
        elif _storable(value):
            out[stored] = value
        else:
            out[stored] = json.dumps(value, ensure_ascii=False)
            as_json.append(stored)
    if as_json:
        out["_json"] = as_json
    return out


def decode_props(stored: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`encode_props`, ignoring ``id`` and helper properties.

    >>> decode_props(encode_props({"_hash": "mine", "id": 3, "none": None}))
    {'_hash': 'mine', 'id': 3, 'none': None}
    """
    as_json = set(stored.get("_json") or ())
    out: dict[str, Any] = {}
    for key, value in stored.items():
        if key == "id" or key in HELPERS:
            continue
        if key in as_json:
            value = json.loads(value)
        out[key[1:] if key.startswith("_") else key] = value
    return out


def stored_digest(stored: dict[str, Any]) -> str:
    """The :func:`digest` of the record whose stored properties these are.

    >>> stored_digest(rel_row(RelRecord("PART_OF", "a", "b", {"x": None}, "a"))["props"]) == (
    ...     digest({"x": None}))
    True
    """
    return digest(decode_props(stored))


def as_columns(
    props: list[dict[str, Any]], lead: list[list[Any]] | None = None
) -> tuple[list[str], bool, list[list[Any]]]:
    """Property maps as rows of values: the names, whether an extra map ends each row, the rows.

    Names that may be written into a statement (:data:`graph.store.cypher.PROPERTY_KEY`)
    become columns, sorted (one statement text per set of names); a property a
    map lacks is ``None``; the other names stay in a map at the end of every row.
    ``lead`` puts values before each row's own (a relationship's two ends).

    >>> as_columns([{"id": "a", "name": "א"}, {"id": "b", "x y": 1}])
    (['id', 'name'], True, [['a', 'א', {}], ['b', None, {'x y': 1}]])
    """
    names = dict.fromkeys(k for p in props for k in p)
    keys = sorted(k for k in names if PROPERTY_KEY.fullmatch(k))
    extra = len(keys) < len(names)
    rows: list[list[Any]] = []
    for i, p in enumerate(props):
        row = [*lead[i]] if lead is not None else []
        row += [p.get(k) for k in keys]
        if extra:
            row.append({k: v for k, v in p.items() if not PROPERTY_KEY.fullmatch(k)})
        rows.append(row)
    return keys, extra, rows


def _search_text(node: NodeRecord) -> str:
    p = node.props
    names = [p.get(k) for k in ("name", "name_he", "name_en", "name_ar", "title")]
    names.append(node.id)
    return " | ".join(normalize(str(n)) for n in names if n)


def _filter_keys(node: NodeRecord) -> list[str]:
    keys = [f"locality:{loc}" for loc in node_localities(node)]
    keys += [f"domain:{d}" for d in node_domains(node)]
    for key in ("sector", "kind"):
        if node.props.get(key):
            keys.append(f"{key}:{node.props[key]}")
    return keys


def node_row(node: NodeRecord) -> dict[str, Any]:
    """The ``UNWIND`` row that stores a node: its properties plus the helpers."""
    props = encode_props(node.props)
    props.update(id=node.id, _search=_search_text(node), _keys=_filter_keys(node))
    return {"id": node.id, "props": props}


def rel_row(rel: RelRecord) -> dict[str, Any]:
    """The ``UNWIND`` row that stores a relationship (ends, properties, owner).

    >>> from graph.model import RelRecord
    >>> rel_row(RelRecord("OPERATES", "o1", "p1", {}, "p1"))["props"]
    {}
    >>> rel_row(RelRecord("OPERATES", "o1", "p1", {}))["props"]
    {'_explicit': True}
    >>> rel_row(RelRecord("MEMBER_OF", "o1", "f1", {"position": "chair"}))["props"]
    {'position': 'chair'}
    """
    props = encode_props(rel.props)
    if rel.owner is None:
        if rel.type in OWNER_END:
            props["_explicit"] = True
    elif rel.owner != owner_by_rule(rel.type, rel.source, rel.target):
        props["_owner"] = rel.owner
    return {"source": rel.source, "target": rel.target, "props": props}


def stored_owner(type_name: str, source: str, target: str, props: dict[str, Any]) -> str | None:
    """The owner of a stored relationship, from its type and helpers (see :func:`rel_row`).

    Also reads stores written before, where every derived relationship kept
    ``_owner`` and an explicit one nothing: opening such a store marks its
    explicit relationships of derived types (:data:`graph.store.cypher.MIGRATE_OWNERS`).

    >>> stored_owner("OPERATES", "o1", "p1", {})
    'p1'
    >>> stored_owner("OPERATES", "o1", "p1", {"_explicit": True}) is None
    True
    >>> stored_owner("MEMBER_OF", "o1", "f1", {}), stored_owner("X", "a", "b", {"_owner": "a"})
    (None, 'a')
    """
    if "_explicit" in props:
        return None
    owner = props.get("_owner")
    if owner is not None:
        return str(owner)
    return owner_by_rule(type_name, source, target)
