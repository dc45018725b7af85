"""A first import's derived relationships and index keys, made by SQLite from the stored nodes.

:class:`graph.store.sqlite_bulk.BulkLoad` writes a first import in a writer
thread. The relationships a node's reference fields imply
(:func:`graph.model.derived_relationships`) and its ``node_keys`` rows
(:func:`graph.store.sqlite._index_keys`) used to be made in Python on the
reading side, one object per relationship, and sent to the thread as JSON.
Here the thread makes them itself with ``INSERT ... SELECT`` over the nodes it
has just inserted: SQLite works without the interpreter's lock, beside the
reading, and the reading side saves the work.

The rules are data, :data:`graph.derived.RULES` (the one description Python's
:func:`graph.model.derived_relationships` reads too): for each label, each
derived type with its two ends (the node's own id, a property, the first
non-empty of several properties, or each item of a list property). They hold
only for text: a
relationship end is written when it is non-empty text, as ``if source and
target`` with ``str()`` does for text. Before any rule runs, :data:`GUARD`
counts the nodes whose property read by a rule (or an index key) is not text
(a list of texts for the list properties); any such node makes the load fail,
and the import writes as before. ``tests/store/test_sqlite_derived.py`` holds
the statements against the Python rules on made-up nodes of every label (odd
values included) and on the demo and synth imports.

Labels without an entry in :data:`RULES` keep their derived relationships made
in Python (:func:`handled`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from enum import StrEnum
from itertools import chain, repeat
from types import UnionType
from typing import Any, Union, get_args, get_origin

from graph.derived import RULES, End, Rule
from graph.model import NODE_MODELS

__all__ = [
    "KEYS",
    "LIST_PROPS",
    "READ_PROPS",
    "RULES",
    "derived_statement",
    "handled",
    "read_by",
    "texts",
    "types_of",
    "unchecked",
]

#: Properties read as lists (of text); every other property read is text.
LIST_PROPS = frozenset({"locality_ids", "goal_ids", "party_ids", "domains"})


def _props_of_end(end: End) -> tuple[str, ...]:
    return () if end is None else (end,) if isinstance(end, str) else end


#: The properties the index keys read.
_KEY_PROPS = ("locality_ids", "locality_id", "domains", "domain", "sector", "kind")


def _read_props() -> tuple[str, ...]:
    props = set(_KEY_PROPS)
    for rules in RULES.values():
        for _, source, target, _ in rules:
            props.update(_props_of_end(source), _props_of_end(target))
    return tuple(sorted(props))


def _check_names() -> None:
    """The statements are built from these names: each must be a plain identifier."""
    names = set(LIST_PROPS) | set(_read_props())
    for label, rules in RULES.items():
        names.add(label)
        names.update(rule[0] for rule in rules)
    odd = sorted(n for n in names if not (n.isidentifier() and n.isascii()))
    if odd:
        raise ValueError(f"not plain identifiers: {odd}")


_check_names()
#: Every property the statements read (rules and index keys).
READ_PROPS = frozenset(_read_props())


_TEXT_OR_NONE = frozenset({str, type(None)})
_TEXT = frozenset({str})
_LIST = frozenset({list})


def _text_like(annotation: Any, *, listed: bool) -> bool:
    """Whether a field of this annotation holds text (a list of texts when ``listed``), or None.

    Text is ``str`` or a ``StrEnum`` (the record holds its value; ``str()`` of it
    is its value too); an optional field may be missing.
    """
    args = get_args(annotation)
    if get_origin(annotation) in (Union, UnionType):
        return all(a is type(None) or _text_like(a, listed=listed) for a in args)
    if listed:
        return (
            get_origin(annotation) is list and len(args) == 1 and _text_like(args[0], listed=False)
        )
    return annotation is str or (isinstance(annotation, type) and issubclass(annotation, StrEnum))


@functools.cache
def read_by(label: str) -> frozenset[str]:
    """The properties the statements read of a node of ``label``."""
    read = set(_KEY_PROPS)
    for _, source, target, _ in RULES.get(label, ()):
        read.update(_props_of_end(source), _props_of_end(target))
    return frozenset(read)


@functools.cache
def unchecked(label: str) -> frozenset[str]:
    """What the statements read of a ``label`` node that its model does not declare as text.

    The import makes its records with the models (``importers.fastrow`` or
    pydantic), so a declared text field holds text; anything else (an extra
    column, a field of another type, a label without a model) is checked per
    node by :func:`texts`.
    """
    model = NODE_MODELS.get(label)
    fields = model.model_fields if model is not None else {}
    return frozenset(
        p
        for p in read_by(label)
        if p not in fields or not _text_like(fields[p].annotation, listed=p in LIST_PROPS)
    )


def texts(props: Sequence[dict[str, Any]], names: Iterable[str]) -> bool:
    """Whether ``names`` hold text (lists of texts in LIST_PROPS) in every one of ``props``.

    A missing value (or ``None``) counts as text: no statement writes a row
    for it; a ``None`` in a list does not.

    >>> texts([{"parent_id": "o1", "locality_ids": ["l1"]}], ("parent_id", "locality_ids"))
    True
    >>> texts([{"parent_id": 5}], ("parent_id",)), texts([{"domains": "x"}], ("domains",))
    (False, False)
    """
    single = [n for n in names if n not in LIST_PROPS]
    lists = [n for n in names if n in LIST_PROPS]
    for name in single:
        if not set(map(type, map(dict.get, props, repeat(name)))) <= _TEXT_OR_NONE:
            return False
    for name in lists:
        values = [v for v in map(dict.get, props, repeat(name)) if v is not None]
        if not set(map(type, values)) <= _LIST:
            return False
        if not set(map(type, chain.from_iterable(values))) <= _TEXT:
            return False
    return True


_INSERT_REL = "INSERT OR REPLACE INTO rels(source, type, target, props, owner, row_digest) "
_INSERT_KEY = "INSERT INTO node_keys(node_id, key, value) "


def _q(names: Iterable[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _by_prop(rules: tuple[Rule, ...]) -> dict[str, tuple[str, bool, tuple[str, ...]]] | None:
    """Each property a label's rules read: (type, whether the node is the target, properties
    that must be empty for it to count); ``None`` when the rules do not fit one statement."""
    by_prop: dict[str, tuple[str, bool, tuple[str, ...]]] = {}
    for rel_type, source, target, each in rules:
        if (source is None) == (target is None):
            return None  # each rule joins the node to what a property names
        inward = target is None
        end = source if inward else target
        ends = (end,) if isinstance(end, str) else tuple(end or ())
        if (each is not None) != (ends[0] in LIST_PROPS) or each not in (None, ends[0]):
            return None
        for k, prop in enumerate(ends):
            if prop in by_prop:
                return None  # a property read by two rules
            by_prop[prop] = (rel_type, inward, ends[:k])
    return by_prop


def _label_select(label: str, by_prop: dict[str, tuple[str, bool, tuple[str, ...]]]) -> str:
    """The rows of a label's rules, as one ``SELECT``: each node's properties are parsed once."""
    types = " ".join(f"WHEN '{p}' THEN '{t}'" for p, (t, _, _) in by_prop.items())
    inward = [p for p, (_, node_is_target, _) in by_prop.items() if node_is_target]
    lists = [p for p in by_prop if p in LIST_PROPS]
    items = "json_array(p.value)"  # a single value, or each item of a list
    if lists:
        items = f"CASE WHEN p.key IN ({_q(lists)}) THEN p.value ELSE json_array(p.value) END"
    source, target = "nodes.id", "i.value"
    if inward:
        source = f"CASE WHEN p.key IN ({_q(inward)}) THEN i.value ELSE nodes.id END"
        target = f"CASE WHEN p.key IN ({_q(inward)}) THEN nodes.id ELSE i.value END"
    unless = "".join(  # ``p.get(a) or p.get(b)``: b counts only when a is empty
        f" AND (p.key <> '{p}' OR ("
        + " AND ".join(f"COALESCE(nodes.props->>'{e}', '') = ''" for e in earlier)
        + "))"
        for p, (_, _, earlier) in by_prop.items()
        if earlier
    )
    return (
        f"SELECT {source}, CASE p.key {types} END, {target}, '{{}}', nodes.id, NULL "
        f"FROM nodes, json_each(nodes.props) AS p, json_each({items}) AS i "
        f"WHERE nodes.rowid > ?1 AND nodes.label = '{label}' AND p.key IN ({_q(by_prop)}) "
        f"AND nodes.id <> '' AND i.value <> ''{unless}"
    )


_BY_PROP = {label: _by_prop(rules) for label, rules in RULES.items()}


@functools.cache
def derived_statement(labels: frozenset[str]) -> str | None:
    """One ``INSERT ... SELECT`` of the rules of ``labels``, over the nodes after rowid ``?1``.

    A relationship end is written when it is non-empty text, as ``if source
    and target`` does; ``OR REPLACE`` keeps the last of equal keys, as the
    write does. One statement (not one per label) hands the interpreter's
    lock back once. ``None`` when no label has rules here.
    """
    selects = [_label_select(label, by) for label, by in _BY_PROP.items() if by and label in labels]
    return _INSERT_REL + " UNION ALL ".join(selects) if selects else None


#: The ``node_keys`` rows of the nodes inserted after rowid ``?1`` (``_index_keys``' rules):
#: every item of ``locality_ids`` and ``domains`` (a Locality's locality is itself), and
#: ``locality_id``, ``domain``, ``sector`` and ``kind`` when non-empty (the first two only
#: when not in the list).
KEYS = (
    f"{_INSERT_KEY}SELECT id, 'locality', id FROM nodes WHERE rowid > ?1 AND label = 'Locality' "
    "UNION ALL SELECT nodes.id, CASE WHEN p.key IN ('locality_ids', 'locality_id') "
    "THEN 'locality' WHEN p.key IN ('domains', 'domain') THEN 'domain' ELSE p.key END, i.value "
    "FROM nodes, json_each(nodes.props) AS p, json_each(CASE WHEN p.key IN "
    "('locality_ids', 'domains') THEN p.value ELSE json_array(p.value) END) AS i "
    f"WHERE nodes.rowid > ?1 AND p.key IN ({_q(_KEY_PROPS)}) "
    "AND NOT (nodes.label = 'Locality' AND p.key IN ('locality_ids', 'locality_id')) "
    "AND (p.key IN ('locality_ids', 'domains') OR (i.value <> '' AND (p.key IN ('sector', 'kind') "
    "OR NOT EXISTS (SELECT 1 FROM json_each(nodes.props, CASE p.key WHEN 'locality_id' "
    "THEN '$.locality_ids' ELSE '$.domains' END) AS l WHERE l.value = i.value))))"
)


def handled(label: str) -> bool:
    """Whether the derived relationships of ``label``'s nodes are made by these statements."""
    return label in RULES and (not RULES[label] or _BY_PROP[label] is not None)


_TYPES = {label: frozenset(rule[0] for rule in rules) for label, rules in RULES.items()}


def types_of(label: str) -> frozenset[str]:
    """The types the statements may write for nodes of ``label`` (none for others)."""
    return _TYPES.get(label, frozenset())
