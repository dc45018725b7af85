"""The store contract: the same cases on the embedded SQLite store and on a real Neo4j.

The ``store`` fixture (``conftest.py``) is parametrized over both backends;
every expected value below is derived by hand from the small town built in
:func:`town` (two localities, Sderot and Rahat, with Hebrew, Arabic and
English names), not read back from either store.
"""

from __future__ import annotations

from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from graph.errors import Conflict, NotFound, PreconditionFailed
from graph.model import (
    Forum,
    Goal,
    Investment,
    Locality,
    Membership,
    NodeRecord,
    Organization,
    Partnership,
    Program,
    ProgramPartner,
    RelRecord,
    Role,
    edge_record,
    to_record,
)
from graph.store.base import GraphStore, digest

M = TypeVar("M", bound=BaseModel)


def _v(model: type[M], **fields: Any) -> M:
    """A model from raw cell values, validated as an import would."""
    return model.model_validate(fields)


def town() -> tuple[list[NodeRecord], list[RelRecord]]:
    nodes = [
        _v(Locality, id="l-sderot", name="שדרות", name_en="Sderot", population=33000),
        _v(Locality, id="l-rahat", name="רהט", name_ar="رهط", name_en="Rahat"),
        _v(
            Organization,
            id="o-muni",
            name="עיריית שדרות",
            sector="local_authority",
            locality_ids="l-sderot",
        ),
        _v(Organization, id="o-jdc", name="ג'וינט ישראל", name_en="JDC Israel", sector="nonprofit"),
        _v(
            Organization,
            id="o-rahat",
            name="بلدية رهط",
            name_he="עיריית רהט",
            sector="local_authority",
            locality_ids="l-rahat",
        ),
        _v(Organization, id="o-fund", name='קרן רש"י', sector="philanthropy", kind="foundation"),
        _v(
            Organization,
            id="o-mat",
            name='מתנ"ס שדרות',
            sector="nonprofit",
            kind="community_center",
            parent_id="o-muni",
            locality_ids="l-sderot",
        ),
        _v(Role, id="r-ceo", title='מנכ"ל העירייה', kind="authority_ceo", organization_id="o-muni"),
        _v(
            Forum,
            id="f-ec",
            name="ועדת היגוי גיל רך",
            kind="steering_committee",
            locality_id="l-sderot",
            domain="early_childhood",
            convener_id="o-muni",
        ),
        _v(
            Program,
            id="p-lang",
            name="שפה בגיל הרך",
            operator_id="o-jdc",
            locality_id="l-sderot",
            domains="early_childhood;welfare",
            age_min=0,
            age_max=3,
            goal_ids="g-read",
        ),
        _v(
            Program,
            id="p-math",
            name="Math for All",
            operator_id="o-mat",
            locality_id="l-sderot",
            domains="stem21",
        ),
        _v(
            Program,
            id="p-rahat",
            name="برنامج القراءة",
            operator_id="o-rahat",
            locality_id="l-rahat",
            domains="early_childhood",
        ),
        _v(
            Goal,
            id="g-read",
            title="קריאה בכיתה א",
            locality_id="l-sderot",
            domain="formal_education",
            owner_id="r-ceo",
            baseline=0.62,
            target=0.8,
        ),
        _v(Investment, id="i-1", funder_id="o-fund", program_id="p-lang", amount=250000, year=2024),
        _v(
            Investment,
            id="i-2",
            funder_id="o-fund",
            locality_id="l-rahat",
            domain="early_childhood",
            amount=10000.5,
        ),
    ]
    rels = [
        _v(Membership, member_id="r-ceo", forum_id="f-ec", position="chair"),
        _v(Membership, member_id="o-jdc", forum_id="f-ec"),
        _v(ProgramPartner, program_id="p-lang", organization_id="o-mat", role="הפעלה"),
        _v(Partnership, source_id="o-muni", target_id="o-rahat", kind="twin", strength=4),
    ]
    return [to_record(n) for n in nodes], [edge_record(r) for r in rels]


#: The relationships the town's reference fields imply, by hand.
DERIVED = {
    ("o-muni", "OPERATES_IN", "l-sderot"),
    ("o-rahat", "OPERATES_IN", "l-rahat"),
    ("o-mat", "PART_OF", "o-muni"),
    ("o-mat", "OPERATES_IN", "l-sderot"),
    ("r-ceo", "ROLE_IN", "o-muni"),
    ("f-ec", "IN_LOCALITY", "l-sderot"),
    ("f-ec", "CONVENED_BY", "o-muni"),
    ("o-jdc", "OPERATES", "p-lang"),
    ("p-lang", "IN_LOCALITY", "l-sderot"),
    ("p-lang", "ADVANCES", "g-read"),
    ("o-mat", "OPERATES", "p-math"),
    ("p-math", "IN_LOCALITY", "l-sderot"),
    ("o-rahat", "OPERATES", "p-rahat"),
    ("p-rahat", "IN_LOCALITY", "l-rahat"),
    ("g-read", "IN_LOCALITY", "l-sderot"),
    ("g-read", "OWNED_BY", "r-ceo"),
    ("o-fund", "MADE", "i-1"),
    ("i-1", "FUNDS", "p-lang"),
    ("o-fund", "MADE", "i-2"),
    ("i-2", "FUNDS", "l-rahat"),
}
EXPLICIT = {
    ("r-ceo", "MEMBER_OF", "f-ec"),
    ("o-jdc", "MEMBER_OF", "f-ec"),
    ("o-mat", "PARTNERS_IN", "p-lang"),
    ("o-muni", "PARTNERS_WITH", "o-rahat"),
}


@pytest.fixture
def loaded(store: GraphStore) -> GraphStore:
    nodes, rels = town()
    store.write(nodes, rels)
    return store


def ids(records: list[NodeRecord]) -> list[str]:
    return [n.id for n in records]


def keys(rels: list[RelRecord]) -> set[tuple[str, str, str]]:
    return {r.key for r in rels}


# -- writes -------------------------------------------------------------------------
def test_write_reports_what_changed(store: GraphStore) -> None:
    nodes, rels = town()
    handled: list[int] = []
    stats = store.write(nodes, rels, progress=handled.append)
    assert stats.nodes_written == 15
    assert stats.relationships_written == len(DERIVED) + len(EXPLICIT) == 24
    assert stats.by_label == {
        "Locality": 2,
        "Organization": 5,
        "Role": 1,
        "Forum": 1,
        "Program": 3,
        "Goal": 1,
        "Investment": 2,
        "MEMBER_OF": 2,
        "PARTNERS_IN": 1,
        "PARTNERS_WITH": 1,
    }
    assert sum(handled) == 15 + 4
    assert stats.graph_version == store.graph_version() != "0"


def test_records_round_trip_exactly(loaded: GraphStore) -> None:
    nodes, rels = town()
    for node in nodes:
        assert loaded.get(node.id) == node
    for rel in rels:
        assert loaded.get_relationship(rel.key) == rel
    goal = loaded.get("g-read")
    assert goal is not None and goal.props["baseline"] == 0.62
    program = loaded.get("p-lang")
    assert program is not None and program.props["domains"] == ["early_childhood", "welfare"]
    assert isinstance(program.props["age_min"], int)


def test_odd_property_values_round_trip(store: GraphStore) -> None:
    odd = NodeRecord(
        "Organization",
        "o-odd",
        {
            "name": 'עמותת ‏"אור"',
            "sector": "other",
            "_hash": "a user column that looks internal",
            "__x": 1,
            "id": "an extra column named id",
            "none": None,
            "nested": {"a": [1, 2]},
            "mixed": [1, "שתיים", 3.0],
            "ints_and_floats": [1, 2.5],
            "empty": [],
            "flag": False,
            "big": 2**62,
        },
    )
    store.write([odd])
    assert store.get("o-odd") == odd
    assert store.write([odd]).nodes_unchanged == 1


def test_rewriting_the_same_data_changes_nothing(loaded: GraphStore) -> None:
    version = loaded.graph_version()
    nodes, rels = town()
    stats = loaded.write(nodes, rels)
    assert (stats.nodes_written, stats.relationships_written) == (0, 0)
    assert (stats.nodes_unchanged, stats.relationships_unchanged) == (15, 4)
    assert stats.by_label == {}
    assert loaded.graph_version() == version == stats.graph_version


def test_same_node_twice_in_one_write(store: GraphStore) -> None:
    org = NodeRecord("Organization", "o1", {"name": "א", "sector": "other"})
    stats = store.write([org, org])
    assert (stats.nodes_written, stats.nodes_unchanged) == (1, 1)
    other = NodeRecord("Organization", "o1", {"name": "ב", "sector": "other"})
    with pytest.raises(Conflict, match="o1"):
        store.write([org, other])


def test_changing_a_node_replaces_its_derived_relationships(loaded: GraphStore) -> None:
    version = loaded.graph_version()
    nodes, _ = town()
    lang = next(n for n in nodes if n.id == "p-lang")
    moved = NodeRecord("Program", "p-lang", {**lang.props, "operator_id": "o-mat"})
    del moved.props["goal_ids"]
    stats = loaded.write([moved])
    assert (stats.nodes_written, stats.relationships_written) == (1, 2)
    assert loaded.graph_version() != version
    rels = keys(loaded.relationships("p-lang"))
    assert ("o-jdc", "OPERATES", "p-lang") not in rels
    assert ("p-lang", "ADVANCES", "g-read") not in rels
    assert ("o-mat", "OPERATES", "p-lang") in rels
    # Relationships the node does not own stay.
    assert {("i-1", "FUNDS", "p-lang"), ("o-mat", "PARTNERS_IN", "p-lang")} <= rels
    operates = loaded.get_relationship(("o-mat", "OPERATES", "p-lang"))
    assert operates is not None and operates.owner == "p-lang"


def test_explicit_relationship_upsert(loaded: GraphStore) -> None:
    key = ("o-muni", "PARTNERS_WITH", "o-rahat")
    changed = RelRecord("PARTNERS_WITH", "o-muni", "o-rahat", {"kind": "twin", "strength": 5})
    stats = loaded.write(relationships=[changed])
    assert (stats.relationships_written, stats.by_label) == (1, {"PARTNERS_WITH": 1})
    assert loaded.get_relationship(key) == changed
    assert loaded.counts().relationships["PARTNERS_WITH"] == 1


def test_explicit_copy_of_a_derived_relationship(store: GraphStore) -> None:
    org = NodeRecord("Organization", "o1", {"name": "א", "sector": "other"})
    program = NodeRecord("Program", "p1", {"name": "ב", "operator_id": "o1"})
    same = RelRecord("OPERATES", "o1", "p1", {})
    stats = store.write([org, program], [same])
    assert (stats.relationships_written, stats.relationships_unchanged) == (1, 1)
    stored = store.get_relationship(same.key)
    assert stored is not None and stored.owner == "p1"
    assert store.counts().relationships == {"OPERATES": 1}


def test_explicit_relationship_of_a_derived_type(store: GraphStore) -> None:
    """An explicit relationship of a type the rules derive stays explicit (no owner)."""
    locality = NodeRecord("Locality", "l1", {"name": "ג"})
    org = NodeRecord("Organization", "o1", {"name": "א", "sector": "other"})
    program = NodeRecord("Program", "p1", {"name": "ב", "operator_id": "o1", "locality_id": "l1"})
    explicit = RelRecord("IN_LOCALITY", "o1", "l1", {"note": "סניף"})
    store.write([locality, org, program], [explicit])
    owners = {r.key: r.owner for r in store.iter_relationships()}
    assert owners == {
        ("o1", "IN_LOCALITY", "l1"): None,
        ("p1", "IN_LOCALITY", "l1"): "p1",
        ("o1", "OPERATES", "p1"): "p1",
    }
    assert store.get_relationship(explicit.key) == explicit
    # Rewriting its source replaces the source's own derived relationships only.
    store.write([NodeRecord("Organization", "o1", {"name": "א׳", "sector": "other"})])
    assert store.get_relationship(explicit.key) == explicit
    # The explicit one is not what keeps the locality: the program's is.
    with pytest.raises(Conflict, match=r"p1 \(IN_LOCALITY\)") as refused:
        store.delete_nodes(["l1"])
    assert "o1" not in str(refused.value)
    assert store.delete_relationships([explicit.key, ("p1", "IN_LOCALITY", "l1")]) == 1
    assert store.get_relationship(("p1", "IN_LOCALITY", "l1")) is not None


# -- conflicts and rollback -------------------------------------------------------------
def test_dangling_reference_rolls_back_everything(loaded: GraphStore) -> None:
    before = loaded.counts()
    new_org = NodeRecord("Organization", "o-new", {"name": "חדשה", "sector": "business"})
    program = NodeRecord("Program", "p-new", {"name": "x", "operator_id": "o-nowhere"})
    partner = RelRecord("PARTNERS_IN", "o-new", "p-ghost", {})
    with pytest.raises(Conflict, match="o-nowhere"):
        loaded.write([new_org, program])
    with pytest.raises(Conflict, match="p-ghost"):
        loaded.write([new_org], [partner])
    assert loaded.get("o-new") is None and loaded.get("p-new") is None
    assert loaded.counts().as_dict() == before.as_dict()


def test_id_reused_with_another_label_is_a_conflict(loaded: GraphStore) -> None:
    with pytest.raises(Conflict, match="o-muni"):
        loaded.write([NodeRecord("Locality", "o-muni", {"name": "שדרות"})])
    node = loaded.get("o-muni")
    assert node is not None and node.label == "Organization"


# -- conditional writes (what several API processes rely on) ------------------------------
def test_create_only_refuses_an_existing_id_or_relationship(loaded: GraphStore) -> None:
    version = loaded.graph_version()
    again = NodeRecord("Organization", "o-muni", {"name": "אחרת", "sector": "business"})
    with pytest.raises(Conflict, match="o-muni"):
        loaded.write([again], create_only=["o-muni"])
    key = ("o-muni", "PARTNERS_WITH", "o-rahat")
    with pytest.raises(Conflict, match="PARTNERS_WITH"):
        loaded.write(
            relationships=[RelRecord("PARTNERS_WITH", "o-muni", "o-rahat", {"strength": 1})],
            create_only=[key],
        )
    assert loaded.get("o-muni").props["name"] != "אחרת"  # type: ignore[union-attr]
    assert loaded.graph_version() == version
    fresh = NodeRecord("Organization", "o-fresh", {"name": "חדשה", "sector": "business"})
    assert loaded.write([fresh], create_only=["o-fresh"]).nodes_written == 1
    assert loaded.get("o-fresh") == fresh


def test_expect_compares_the_stored_digest(loaded: GraphStore) -> None:
    muni = loaded.get("o-muni")
    assert muni is not None
    tag = digest(muni.props)
    changed = NodeRecord("Organization", "o-muni", {**muni.props, "kind": "עירייה"})
    with pytest.raises(PreconditionFailed, match="o-muni"):
        loaded.write([changed], expect={"o-muni": digest({"name": "old"})})
    with pytest.raises(NotFound, match="o-ghost"):
        loaded.write([changed], expect={"o-ghost": tag})
    assert loaded.get("o-muni") == muni
    loaded.write([changed], expect={"o-muni": tag})
    assert loaded.get("o-muni") == changed
    with pytest.raises(PreconditionFailed):  # the old tag is stale now
        loaded.delete_nodes(["o-muni"], force=True, expect={"o-muni": tag})
    key = ("o-muni", "PARTNERS_WITH", "o-rahat")
    rel = loaded.get_relationship(key)
    assert rel is not None
    with pytest.raises(PreconditionFailed):
        loaded.delete_relationships([key], expect={key: digest({"strength": 9})})
    assert loaded.delete_relationships([key], expect={key: digest(rel.props)}) == 1


def test_row_digests_kept_until_another_write(loaded: GraphStore) -> None:
    """Import-row digests come back by key, and any other write of the record drops them."""
    key = ("o-muni", "PARTNERS_WITH", "o-rahat")
    muni = loaded.get("o-muni")
    rel = loaded.get_relationship(key)
    assert muni is not None and rel is not None
    version = loaded.graph_version()
    loaded.write([muni], [rel], row_digests={"o-muni": "d1", key: "d2"})
    assert loaded.graph_version() == version  # nothing changed but the digests
    assert loaded.row_digests(["o-muni", key, "o-rahat", "ghost"]) == {"o-muni": "d1", key: "d2"}
    assert loaded.get("o-muni") == muni  # the digest is no property of the record
    loaded.write([NodeRecord("Organization", "o-muni", {**muni.props, "kind": "עירייה"})])
    loaded.write(relationships=[RelRecord("PARTNERS_WITH", "o-muni", "o-rahat", {"strength": 1})])
    assert loaded.row_digests(["o-muni", key]) == {}


def test_row_digests_of_new_and_changed_records(loaded: GraphStore) -> None:
    """Records written by an import keep their row digest: new ones and changed ones.

    A new node's relationship is new too (the Neo4j store creates it without a
    lookup), and writing the same records again changes nothing.
    """
    muni = loaded.get("o-muni")
    assert muni is not None
    changed = NodeRecord("Organization", "o-muni", {**muni.props, "kind": "עירייה"})
    new_org = NodeRecord("Organization", "o-new", {"name": "חדשה", "sector": "business"})
    tie = RelRecord("PARTNERS_WITH", "o-new", "o-muni", {"strength": 2})
    twin = RelRecord("PARTNERS_WITH", "o-muni", "o-rahat", {"kind": "twin", "strength": 9})
    digests = {"o-muni": "d1", "o-new": "d2", tie.key: "d3", twin.key: "d4"}
    stats = loaded.write([changed, new_org], [tie, twin], row_digests=digests)
    # Two nodes; the two ties (twin's strength was 4); o-muni's one derived tie
    # (OPERATES_IN l-sderot) is written again with it.
    assert (stats.nodes_written, stats.by_label["PARTNERS_WITH"]) == (2, 2)
    assert stats.relationships_written == 3
    assert loaded.row_digests(list(digests)) == digests
    assert loaded.get_relationship(tie.key) == tie
    version = loaded.graph_version()
    again = loaded.write([changed, new_org], [tie, twin], row_digests=digests)
    assert (again.nodes_unchanged, again.relationships_unchanged) == (2, 2)
    assert (again.nodes_written, again.relationships_written) == (0, 0)
    assert loaded.graph_version() == version
    assert loaded.row_digests(list(digests)) == digests


def test_delete_rules(loaded: GraphStore) -> None:
    version = loaded.graph_version()
    with pytest.raises(Conflict, match="p-lang"):
        loaded.delete_nodes(["o-jdc"])  # p-lang's operator
    assert loaded.get("o-jdc") is not None and loaded.graph_version() == version
    # Deleting the referencing node along with it is fine.
    assert loaded.delete_nodes(["p-rahat", "o-rahat", "i-2", "l-rahat"]) == 4
    assert loaded.graph_version() != version
    assert loaded.get_relationship(("o-muni", "PARTNERS_WITH", "o-rahat")) is None
    assert loaded.delete_nodes(["o-jdc"], force=True) == 1
    assert loaded.get_relationship(("o-jdc", "OPERATES", "p-lang")) is None
    assert loaded.get_relationship(("o-jdc", "MEMBER_OF", "f-ec")) is None
    assert loaded.delete_nodes(["nobody"]) == 0


def test_delete_relationships_only_explicit(loaded: GraphStore) -> None:
    deleted = loaded.delete_relationships(
        [("r-ceo", "MEMBER_OF", "f-ec"), ("o-jdc", "OPERATES", "p-lang"), ("a", "NOPE", "b")]
    )
    assert deleted == 1
    assert loaded.get_relationship(("r-ceo", "MEMBER_OF", "f-ec")) is None
    assert loaded.get_relationship(("o-jdc", "OPERATES", "p-lang")) is not None


def test_clear(loaded: GraphStore) -> None:
    version = loaded.graph_version()
    loaded.clear()
    counts = loaded.counts()
    assert (counts.nodes, counts.relationships) == ({}, {})
    assert counts.graph_version != version
    assert loaded.find() == []


# -- reads --------------------------------------------------------------------------------
def test_get_many_skips_missing(loaded: GraphStore) -> None:
    got = loaded.get_many(["o-jdc", "missing", "l-rahat", "o-jdc"])
    assert sorted(got) == ["l-rahat", "o-jdc"]
    assert loaded.get("missing") is None


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"label": "Program"}, ["p-lang", "p-math", "p-rahat"]),
        (
            {"locality_id": "l-sderot"},
            ["f-ec", "g-read", "l-sderot", "o-mat", "o-muni", "p-lang", "p-math"],
        ),
        ({"label": "Organization", "locality_id": "l-rahat"}, ["o-rahat"]),
        ({"locality_id": "l-rahat"}, ["i-2", "l-rahat", "o-rahat", "p-rahat"]),
        ({"sector": "local_authority"}, ["o-muni", "o-rahat"]),
        ({"domain": "early_childhood"}, ["f-ec", "i-2", "p-lang", "p-rahat"]),
        ({"domain": "welfare"}, ["p-lang"]),
        ({"label": "Program", "domain": "early_childhood", "locality_id": "l-rahat"}, ["p-rahat"]),
        ({"kind": "community_center"}, ["o-mat"]),
        ({"kind": "steering_committee", "domain": "early_childhood"}, ["f-ec"]),
        ({"text": "מתנס"}, ["o-mat"]),
        ({"text": "קרית שדרות"}, []),
        ({"text": "עירית שדרות"}, ["o-muni"]),  # "עיריית" folds to "עירית"
        ({"text": "רהט"}, ["l-rahat", "o-rahat"]),
        ({"text": "رَهط"}, ["l-rahat", "o-rahat"]),  # Arabic with a haraka
        ({"text": "MATH for"}, ["p-math"]),
        ({"text": "sderot"}, ["l-sderot"]),
        ({"text": "jdc", "label": "Organization"}, ["o-jdc"]),
        ({"text": "100%_"}, []),
        ({"label": "NoSuchLabel"}, []),
        ({"sector": "nobody"}, []),
    ],
)
def test_find_and_count_filters(
    loaded: GraphStore, filters: dict[str, str], expected: list[str]
) -> None:
    assert ids(loaded.find(**filters)) == expected  # type: ignore[arg-type]
    assert loaded.count(**filters) == len(expected)


def test_find_pages_in_id_order(loaded: GraphStore) -> None:
    everything = ids(loaded.find())
    assert everything == sorted(everything) and len(everything) == 15
    assert ids(loaded.find(limit=4)) == everything[:4]
    assert ids(loaded.find(limit=4, offset=4)) == everything[4:8]
    assert ids(loaded.find(offset=13)) == everything[13:]
    assert ids(loaded.find(limit=0)) == []
    assert ids(loaded.find("Organization", limit=2, offset=1)) == ["o-jdc", "o-mat"]
    assert loaded.count() == 15


def test_relationship_directions(loaded: GraphStore) -> None:
    out = keys(loaded.relationships("o-muni", direction="out"))
    assert out == {("o-muni", "OPERATES_IN", "l-sderot"), ("o-muni", "PARTNERS_WITH", "o-rahat")}
    incoming = keys(loaded.relationships("o-muni", direction="in"))
    assert incoming == {
        ("o-mat", "PART_OF", "o-muni"),
        ("r-ceo", "ROLE_IN", "o-muni"),
        ("f-ec", "CONVENED_BY", "o-muni"),
    }
    assert keys(loaded.relationships("o-muni")) == out | incoming
    assert keys(loaded.relationships("o-muni", types=["ROLE_IN", "PART_OF"])) == {
        ("o-mat", "PART_OF", "o-muni"),
        ("r-ceo", "ROLE_IN", "o-muni"),
    }
    assert keys(loaded.relationships()) == DERIVED | EXPLICIT
    assert keys(loaded.relationships(types=["MEMBER_OF"])) == {
        k for k in EXPLICIT if k[1] == "MEMBER_OF"
    }
    with pytest.raises(ValueError, match="direction"):
        loaded.relationships("o-muni", direction="sideways")


def test_relationships_of_several_nodes(loaded: GraphStore) -> None:
    ids = ["o-muni", "p-lang", "l-sderot", "nowhere", "o-muni"]
    batch = loaded.relationships_of(ids)
    assert list(batch) == ["o-muni", "p-lang", "l-sderot", "nowhere"]
    for nid in batch:
        assert sorted(r.key for r in batch[nid]) == sorted(r.key for r in loaded.relationships(nid))
    assert batch["nowhere"] == []
    typed = loaded.relationships_of(["o-muni"], types=["ROLE_IN"])
    assert keys(typed["o-muni"]) == {("r-ceo", "ROLE_IN", "o-muni")}


def test_owners_of_relationships(loaded: GraphStore) -> None:
    owners = {r.key: r.owner for r in loaded.iter_relationships()}
    assert owners[("o-jdc", "OPERATES", "p-lang")] == "p-lang"
    assert owners[("o-fund", "MADE", "i-1")] == "i-1"
    assert all(owners[k] is None for k in EXPLICIT)


def test_neighbours(loaded: GraphStore) -> None:
    got = {(rel.type, other.id) for rel, other in loaded.neighbours("f-ec")}
    assert got == {
        ("IN_LOCALITY", "l-sderot"),
        ("CONVENED_BY", "o-muni"),
        ("MEMBER_OF", "r-ceo"),
        ("MEMBER_OF", "o-jdc"),
    }


def test_iterators(loaded: GraphStore) -> None:
    assert ids(list(loaded.iter_nodes("Investment"))) == ["i-1", "i-2"]
    all_ids = ids(list(loaded.iter_nodes()))
    assert all_ids == sorted(all_ids) and len(all_ids) == 15
    funds = list(loaded.iter_relationships("FUNDS"))
    assert [r.key for r in funds] == [("i-1", "FUNDS", "p-lang"), ("i-2", "FUNDS", "l-rahat")]


def test_counts(loaded: GraphStore) -> None:
    counts = loaded.counts()
    assert counts.nodes == {
        "Locality": 2,
        "Organization": 5,
        "Role": 1,
        "Forum": 1,
        "Program": 3,
        "Goal": 1,
        "Investment": 2,
    }
    expected: dict[str, int] = {}
    for _, type_name, _ in DERIVED | EXPLICIT:
        expected[type_name] = expected.get(type_name, 0) + 1
    assert counts.relationships == expected
    assert counts.graph_version == loaded.graph_version()


def test_subgraph_of_a_locality(loaded: GraphStore) -> None:
    sub = loaded.subgraph("l-sderot")
    # The locality and what is in it, i-1 (funds p-lang), one step out of those
    # (r-ceo, o-rahat, o-jdc, o-fund) - not Rahat's program, locality or investment.
    assert ids(sub.nodes) == [
        "f-ec",
        "g-read",
        "i-1",
        "l-sderot",
        "o-fund",
        "o-jdc",
        "o-mat",
        "o-muni",
        "o-rahat",
        "p-lang",
        "p-math",
        "r-ceo",
    ]
    inside = set(ids(sub.nodes))
    assert keys(sub.relationships) == {
        k for k in DERIVED | EXPLICIT if k[0] in inside and k[2] in inside
    }
    assert len(sub.relationships) == len(keys(sub.relationships))
    # Any override must give what the interface's reference version gives.
    reference = GraphStore.subgraph(loaded, "l-sderot")
    assert sub.nodes == reference.nodes
    assert keys(sub.relationships) == keys(reference.relationships)
    whole = loaded.subgraph()
    assert len(whole.nodes) == 15 and len(whole.relationships) == 24
    assert loaded.subgraph("l-nowhere").nodes == []
