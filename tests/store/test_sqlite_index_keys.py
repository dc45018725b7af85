"""The SQLite store's index keys, inlined for speed, are those of graph.model's rules.

``_index_keys`` repeats :func:`graph.model.node_localities` and
:func:`graph.model.node_domains` inline (an import asks for every node); it is
held here against the rules themselves on every record of the demo and of a
synth folder, and on hypothesis-made properties (lists with repeats, a
locality or domain also in the list, blanks, other types).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.model import NodeRecord, node_domains, node_localities
from graph.store.sqlite import _index_keys
from importers.report import ImportReport
from importers.synth import generate
from importers.tabular import parse

DEMO = Path(__file__).resolve().parents[2] / "importers" / "demo" / "data"


def reference(node: NodeRecord) -> list[tuple[str, str, str]]:
    """The index keys as the store made them before they were inlined."""
    keys = [(node.id, "locality", loc) for loc in node_localities(node)]
    keys += [(node.id, "domain", d) for d in node_domains(node)]
    for key in ("sector", "kind"):
        if node.props.get(key):
            keys.append((node.id, key, str(node.props[key])))
    return keys


def test_demo_and_synth_records(tmp_path: Path) -> None:
    generate(3, 9, tmp_path, orgs_per_locality=40)
    nodes = [n for folder in (DEMO, tmp_path) for n, _ in parse(folder, ImportReport()).nodes]
    assert len(nodes) > 1000
    assert {n.label for n in nodes} >= {"Locality", "Organization", "Program", "Forum"}
    assert sum(len(_index_keys(n)) for n in nodes) > len(nodes)
    for node in nodes:
        assert _index_keys(node) == reference(node)


_value = st.none() | st.just("") | st.sampled_from(["l1", "l2", "d1", "x"]) | st.integers(0, 2)
_list = st.none() | st.lists(st.sampled_from(["l1", "l2", "d1", ""]), max_size=4) | st.just("l1")


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["Locality", "Organization", "Program", "Need"]),
    st.fixed_dictionaries(
        {},
        optional={
            "locality_ids": _list,
            "locality_id": _value,
            "domains": _list,
            "domain": _value,
            "sector": _value,
            "kind": _value,
        },
    ),
)
def test_any_properties(label: str, props: dict[str, Any]) -> None:
    node = NodeRecord(label, "n1", props)
    assert _index_keys(node) == reference(node)
