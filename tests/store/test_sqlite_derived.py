"""The writer thread's SQL makes the derived relationships and index keys Python's rules make.

:mod:`graph.store.sqlite_derived` turns the rules of :data:`graph.derived.RULES`
(which :func:`graph.model.derived_relationships` reads too; tests/test_derived.py
holds them against relationships worked out by hand) and the index keys of
:func:`graph.store.sqlite._index_keys` into ``INSERT ... SELECT`` statements.
These tests hold the statements against the Python side on made-up nodes of
every label, with empty, missing, repeated and crossing values, written
through :class:`graph.store.sqlite_bulk.BulkLoad`;
and check that a value the statements would read otherwise than Python (not
text, in an extra column or a field of another type) makes the load give up,
so the import writes as before. The demo and synth imports are compared with
the write after the check in tests/store/test_sqlite_bulk_load.py.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from graph.model import NODE_MODELS, NodeRecord, RelRecord, derived_relationships
from graph.store import sqlite_bulk, sqlite_derived
from graph.store.sqlite import SQLiteStore, _index_keys


def _load(path: Path, nodes: list[NodeRecord], pieces: int = 3) -> Any:
    """Nodes handed to a writer thread in ``pieces`` parts; the statistics, or None."""
    with SQLiteStore(path) as store:
        load = sqlite_bulk.BulkLoad(store, threshold=1)
        size = len(nodes) // pieces + 1
        for start in range(0, len(nodes), size):
            load.add(nodes[start : start + size], [], {})
        load.seal()
        return load.finish(len(nodes), 0)


def _tables(path: Path) -> tuple[list[Any], list[Any]]:
    with sqlite3.connect(path) as conn:
        return (
            sorted(conn.execute("SELECT * FROM rels")),
            sorted(conn.execute("SELECT * FROM node_keys")),
        )


def _expected(nodes: list[NodeRecord]) -> tuple[list[Any], list[Any], int]:
    """Python's rules: the rels rows (a later equal key replaces), the keys rows, the count."""
    derived = [r for n in nodes for r in derived_relationships(n)]
    rows = {r.key: (r.source, r.type, r.target, "{}", r.owner, None) for r in derived}
    keys = sorted(k for n in nodes for k in _index_keys(n))
    return sorted(rows.values()), keys, len(derived)


_TEXT_FIELDS = ["parent_id", "organization_id", "locality_id", "convener_id", "operator_id"]
_TEXT_FIELDS += ["funder_id", "program_id", "owner_id", "respondent_id", "partner_id"]
_TEXT_FIELDS += ["contact_role_id", "goal_id", "governance_forum_id", "agreement_id", "party_id"]
_TEXT_FIELDS += ["domain", "sector", "kind"]
_LIST_FIELDS = ["locality_ids", "goal_ids", "party_ids", "domains"]


def _made_up(rng: random.Random, count: int) -> list[NodeRecord]:
    """Nodes of every label (and one without a model) whose references are each other's ids.

    Every property the statements read is missing, empty, or names another
    node (the ends must exist: the thread checks them); lists repeat items,
    hold empty texts, and may hold the single field's value.
    """
    labels = [*NODE_MODELS, "Widget"]
    ids = [f"n{i}" for i in range(count)]
    nodes = []
    for i, nid in enumerate(ids):
        props: dict[str, Any] = {"name": f"שם {i}"}
        for field in _TEXT_FIELDS:
            pick = rng.random()
            if pick < 0.4:
                props[field] = rng.choice(ids)
            elif pick < 0.55:
                props[field] = ""
        for field in _LIST_FIELDS:
            pick = rng.random()
            if pick < 0.6:
                items = [rng.choice(ids) for _ in range(rng.randint(0, 3))]
                if rng.random() < 0.3 and items:
                    items.append(items[0])  # a repeated item
                if rng.random() < 0.2:
                    items.append("")
                if rng.random() < 0.3 and "locality_id" in props:
                    items.append(props["locality_id"])
                if rng.random() < 0.3 and "domain" in props:
                    items.append(props["domain"])
                props[field] = items
        nodes.append(NodeRecord(labels[i % len(labels)], nid, props))
    return nodes


def test_the_statements_write_what_the_python_rules_make(tmp_path: Path) -> None:
    nodes = _made_up(random.Random(16), 3000)
    stats = _load(tmp_path / "g.db", nodes)
    assert stats is not None
    rels, keys, count = _expected(nodes)
    assert len(rels) > 2000 and len(keys) > 3000  # every rule had work (below)
    assert {r[1] for r in rels} == {
        rule[0] for rules in sqlite_derived.RULES.values() for rule in rules
    }
    assert _tables(tmp_path / "g.db") == (rels, keys)
    assert stats.relationships_written == count  # repeated keys counted, as the write counts
    assert stats.nodes_written == len(nodes)


def test_every_labels_rules_fit_the_statements() -> None:
    # Every label's rules (graph.derived.RULES) fit one statement (else Python makes them).
    assert set(sqlite_derived.RULES) == set(NODE_MODELS)
    assert all(map(sqlite_derived.handled, NODE_MODELS))
    # Rules that do not fit one statement per label leave the label to Python.
    assert sqlite_derived._by_prop((("X", "a", "b", None),)) is None  # no end is the node
    assert sqlite_derived._by_prop((("X", None, "a", None), ("Y", "a", None, None))) is None
    assert sqlite_derived._by_prop((("X", None, "goal_ids", None),)) is None  # a list, not each


def test_a_label_without_rules_keeps_pythons(tmp_path: Path) -> None:
    nodes = [NodeRecord("Organization", f"o{i}", {"name": "x"}) for i in range(3)]
    nodes.append(NodeRecord("Widget", "w", {"locality_ids": ["o1", "o1"], "sector": "o2"}))
    assert _load(tmp_path / "g.db", nodes, pieces=1) is not None
    assert _tables(tmp_path / "g.db")[1] == [
        ("w", "locality", "o1"),
        ("w", "locality", "o1"),
        ("w", "sector", "o2"),
    ]


@pytest.mark.parametrize(
    ("label", "props"),
    [
        # Extra columns (no field of the model) that the index keys or rules read:
        ("Role", {"locality_ids": "o1"}),  # text where a list is read
        ("Role", {"locality_ids": ["o1", None]}),
        ("Role", {"locality_ids": ["o1", 5]}),
        ("Organization", {"domain": 5}),
        ("Role", {"sector": ["o1"]}),
        ("Goal", {"kind": True}),
        ("Locality", {"domains": {"a": 1}}),
        ("Widget", {"locality_id": 1.5}),
    ],
)
def test_a_value_that_is_not_text_makes_the_load_give_up(
    tmp_path: Path, label: str, props: dict[str, Any]
) -> None:
    nodes = [NodeRecord("Organization", f"o{i}", {"name": "x"}) for i in range(3)]
    nodes.append(NodeRecord(label, "odd", props))
    assert _load(tmp_path / "g.db", nodes, pieces=1) is None
    with SQLiteStore(tmp_path / "g.db") as store:
        assert store.counts().nodes == {}  # nothing of it stays; the import writes as before


def test_text_fields_are_read_from_the_models() -> None:
    # Declared text fields are trusted (the import makes records with the models);
    # the rest of what the statements read is checked per node.
    assert "parent_id" not in sqlite_derived.unchecked("Organization")
    assert "sector" not in sqlite_derived.unchecked("Organization")  # a StrEnum
    assert "locality_ids" not in sqlite_derived.unchecked("Organization")  # list[str]
    assert "domain" in sqlite_derived.unchecked("Organization")  # not a field: an extra column
    assert sqlite_derived.unchecked("Widget") == sqlite_derived.read_by("Widget")


def test_an_explicit_relationship_of_a_derived_type_makes_the_load_give_up(
    tmp_path: Path,
) -> None:
    with SQLiteStore(tmp_path / "g.db") as store:
        load = sqlite_bulk.BulkLoad(store, threshold=1)
        load.add(
            [NodeRecord("Organization", "a", {}), NodeRecord("Organization", "b", {})],
            [RelRecord("PART_OF", "a", "b", {})],
            {},
        )
        assert load.unusable
        assert load.finish(2, 1) is None
