"""The relationships a node's reference fields imply, as one table for every label.

``Program.operator_id`` is the ``(Organization)-[:OPERATES]->(Program)``
relationship, ``Agreement.party_ids`` one ``PARTY_TO`` from each party, and so
on (SPEC sections 1 and 6-9). :data:`RULES` is the one description of them:
:func:`graph.model.derived_relationships` reads it for one node, and the
SQLite writer thread of a first import (:mod:`graph.store.sqlite_derived`)
turns it into ``INSERT ... SELECT`` statements. ``tests/test_derived.py``
holds it against relationships worked out by hand for every label.

A rule is ``(type, source, target, list property or None)``. An end is
``None`` (the node's own id), a property, or properties of which the first
non-empty one is taken (``p.get(a) or p.get(b)``). With a list property, the
end that names it is each of its items (``for x in p.get(prop) or []``). A
relationship is made only when both ends are non-empty.

The node that implies a relationship owns it, and every rule of one type
names the same end for it (:data:`OWNER_END`). So the Neo4j store keeps no
owner on a derived relationship: its type says which end owns it
(:func:`owner_by_rule`, :mod:`graph.store.neo4j_props`).
"""

from __future__ import annotations

__all__ = ["OWNER_END", "RULES", "End", "Rule", "owner_by_rule"]

#: An end: ``None`` (the node's own id), a property, or properties of which the
#: first non-empty one is taken.
End = str | tuple[str, ...] | None

#: (type, source, target, list property or None).
Rule = tuple[str, End, End, str | None]

#: label -> its rules, in the order the relationships are made.
RULES: dict[str, tuple[Rule, ...]] = {
    "Locality": (),
    "Organization": (
        ("PART_OF", None, "parent_id", None),
        ("OPERATES_IN", None, "locality_ids", "locality_ids"),
    ),
    "Role": (("ROLE_IN", None, "organization_id", None),),
    "Forum": (
        ("IN_LOCALITY", None, "locality_id", None),
        ("CONVENED_BY", None, "convener_id", None),
    ),
    "Program": (
        ("OPERATES", "operator_id", None, None),
        ("IN_LOCALITY", None, "locality_id", None),
        ("ADVANCES", None, "goal_ids", "goal_ids"),
    ),
    "Investment": (
        ("MADE", "funder_id", None, None),
        ("FUNDS", None, ("program_id", "locality_id"), None),
    ),
    "Goal": (
        ("IN_LOCALITY", None, "locality_id", None),
        ("OWNED_BY", None, "owner_id", None),
    ),
    "SurveyResponse": (
        ("RESPONDED", "respondent_id", None, None),
        ("RATES", None, "partner_id", None),
    ),
    "Capability": (
        ("CAN_PROVIDE", "organization_id", None, None),
        ("CONTACT", None, "contact_role_id", None),
    ),
    "GoalReading": (("READING_OF", None, "goal_id", None),),
    "Agreement": (
        ("IN_LOCALITY", None, "locality_id", None),
        ("GOVERNED_BY", None, "governance_forum_id", None),
        ("PARTY_TO", "party_ids", None, "party_ids"),
    ),
    "Commitment": (
        ("UNDER", None, "agreement_id", None),
        ("COMMITTED", "party_id", None, None),
    ),
    "Need": (("IN_LOCALITY", None, "locality_id", None),),
    "CompassRating": (("IN_LOCALITY", None, "locality_id", None),),
    "Assessment": (("IN_LOCALITY", None, "locality_id", None),),
}


def _owner_ends() -> dict[str, str]:
    """Relationship type -> the end that owns it (``"source"`` or ``"target"``).

    The owner is the node whose field implies the relationship: the end a
    rule names ``None``. Every rule of one type names the same end (checked
    here), so a stored relationship's type says which end owns it.
    """
    ends: dict[str, str] = {}
    for rules in RULES.values():
        for type_name, source, target, _ in rules:
            end = "source" if source is None else "target"
            if (source is None) == (target is None) or ends.setdefault(type_name, end) != end:
                raise ValueError(f"rules of {type_name} disagree on the owning end")
    return ends


#: Relationship type -> the end that owns a derived relationship of it.
OWNER_END: dict[str, str] = _owner_ends()


def owner_by_rule(type_name: str, source: str, target: str) -> str | None:
    """The id that owns a derived ``type_name`` relationship by the rules, or ``None``.

    >>> owner_by_rule("MADE", "org-fund", "inv-1"), owner_by_rule("IN_LOCALITY", "f1", "loc-1")
    ('inv-1', 'f1')
    >>> owner_by_rule("MEMBER_OF", "o1", "f1") is None
    True
    """
    end = OWNER_END.get(type_name)
    if end is None:
        return None
    return source if end == "source" else target
