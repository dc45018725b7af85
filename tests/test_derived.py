"""Which relationships each label's reference fields imply, worked out by hand (SPEC §1, §6-9).

:data:`graph.derived.RULES` is the one description of them: Python
(:func:`graph.model.derived_relationships`) reads it for one node, the SQLite
writer thread (:mod:`graph.store.sqlite_derived`) turns it into SQL, and
tests/store/test_sqlite_derived.py holds the two against each other. This file
holds the table itself against what the model means, node by node.
"""

from __future__ import annotations

import pytest

from graph.derived import RULES
from graph.model import NODE_MODELS, NodeRecord, derived_relationships

#: label, properties, the relationships expected as (type, source, target), in order.
CASES: list[tuple[str, dict[str, object], list[tuple[str, str, str]]]] = [
    ("Locality", {"name": "שדרות"}, []),
    (
        "Organization",
        {"parent_id": "p", "locality_ids": ["l1", "", "l2"]},
        [("PART_OF", "n", "p"), ("OPERATES_IN", "n", "l1"), ("OPERATES_IN", "n", "l2")],
    ),
    ("Organization", {"parent_id": "", "locality_ids": None}, []),
    ("Role", {"organization_id": "o"}, [("ROLE_IN", "n", "o")]),
    (
        "Forum",
        {"locality_id": "l", "convener_id": "o"},
        [("IN_LOCALITY", "n", "l"), ("CONVENED_BY", "n", "o")],
    ),
    (
        "Program",
        {"operator_id": "o", "locality_id": "l", "goal_ids": ["g1", "g2"]},
        [
            ("OPERATES", "o", "n"),
            ("IN_LOCALITY", "n", "l"),
            ("ADVANCES", "n", "g1"),
            ("ADVANCES", "n", "g2"),
        ],
    ),
    # An investment funds its program, or else its locality.
    (
        "Investment",
        {"funder_id": "f", "program_id": "p", "locality_id": "l"},
        [("MADE", "f", "n"), ("FUNDS", "n", "p")],
    ),
    (
        "Investment",
        {"funder_id": "f", "program_id": "", "locality_id": "l"},
        [("MADE", "f", "n"), ("FUNDS", "n", "l")],
    ),
    ("Investment", {"funder_id": None}, []),
    (
        "Goal",
        {"locality_id": "l", "owner_id": "r"},
        [("IN_LOCALITY", "n", "l"), ("OWNED_BY", "n", "r")],
    ),
    (
        "SurveyResponse",
        {"respondent_id": "a", "partner_id": "b"},
        [("RESPONDED", "a", "n"), ("RATES", "n", "b")],
    ),
    (
        "Capability",
        {"organization_id": "o", "contact_role_id": "r"},
        [("CAN_PROVIDE", "o", "n"), ("CONTACT", "n", "r")],
    ),
    ("GoalReading", {"goal_id": "g"}, [("READING_OF", "n", "g")]),
    (
        "Agreement",
        {"locality_id": "l", "governance_forum_id": "f", "party_ids": ["a", "b"]},
        [
            ("IN_LOCALITY", "n", "l"),
            ("GOVERNED_BY", "n", "f"),
            ("PARTY_TO", "a", "n"),
            ("PARTY_TO", "b", "n"),
        ],
    ),
    (
        "Commitment",
        {"agreement_id": "ag", "party_id": "a"},
        [("UNDER", "n", "ag"), ("COMMITTED", "a", "n")],
    ),
    ("Need", {"locality_id": "l"}, [("IN_LOCALITY", "n", "l")]),
    ("CompassRating", {"locality_id": "l"}, [("IN_LOCALITY", "n", "l")]),
    ("Assessment", {"locality_id": "l"}, [("IN_LOCALITY", "n", "l")]),
    ("NoSuchLabel", {"locality_id": "l"}, []),
]


@pytest.mark.parametrize(("label", "props", "expected"), CASES)
def test_each_label_implies_what_its_reference_fields_say(
    label: str, props: dict[str, object], expected: list[tuple[str, str, str]]
) -> None:
    rels = derived_relationships(NodeRecord(label, "n", props))
    assert [(r.type, r.source, r.target) for r in rels] == expected
    assert all(r.owner == "n" and r.props == {} for r in rels)


def test_every_node_label_has_its_rules_and_every_case_is_worked() -> None:
    assert set(RULES) == set(NODE_MODELS)
    assert {label for label, _, _ in CASES} >= set(NODE_MODELS)
