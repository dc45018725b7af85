"""The typed data model of SPEC section 1.

Every entity is a pydantic model; :func:`to_record` turns one into the
store's generic :class:`NodeRecord`, and :func:`derived_relationships` gives
the relationships its reference fields imply (``Program.operator_id`` is the
``(Organization)-[:OPERATES]->(Program)`` relationship, and so on). The
three relationship files of the import format (memberships, program
partners, partnerships) are :class:`Membership`, :class:`ProgramPartner` and
:class:`Partnership`.

Examples
--------
>>> p = Program(id="p1", name="שפה בגיל הרך", operator_id="o1", locality_id="l1",
...             domains="early_childhood;welfare", age_min="0", age_max="3")
>>> p.domains
[<Domain.early_childhood: 'early_childhood'>, <Domain.welfare: 'welfare'>]
>>> sorted((r.type, r.source, r.target) for r in derived_relationships(to_record(p)))
[('IN_LOCALITY', 'p1', 'l1'), ('OPERATES', 'o1', 'p1')]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from graph.derived import RULES, End
from graph.hygiene import clean_text, id_problem, is_finite_tree

__all__ = [
    "AGE_STAGES",
    "EDGE_MODELS",
    "NODE_MODELS",
    "Agreement",
    "Assessment",
    "Capability",
    "Commitment",
    "CompassRating",
    "Context",
    "Domain",
    "Forum",
    "ForumKind",
    "Goal",
    "GoalReading",
    "Investment",
    "InvestmentKind",
    "InvestmentStatus",
    "Locality",
    "Membership",
    "MunicipalStatus",
    "Need",
    "NodeModel",
    "NodeRecord",
    "Organization",
    "Partnership",
    "Position",
    "Program",
    "ProgramPartner",
    "RelRecord",
    "Role",
    "RoleKind",
    "Sector",
    "Subgraph",
    "SurveyResponse",
    "blank_to_none",
    "clean_row",
    "derived_relationships",
    "is_id_field",
    "node_domains",
    "node_localities",
    "parent_cycle",
    "row_has_blank",
    "to_record",
]


class Sector(StrEnum):
    local_authority = "local_authority"
    government = "government"
    nonprofit = "nonprofit"
    philanthropy = "philanthropy"
    business = "business"
    academia = "academia"
    community = "community"
    other = "other"


class MunicipalStatus(StrEnum):
    city = "city"
    local_council = "local_council"
    regional_council = "regional_council"


class RoleKind(StrEnum):
    head_of_authority = "head_of_authority"
    authority_ceo = "authority_ceo"
    treasurer = "treasurer"
    department_head = "department_head"
    partnerships_manager = "partnerships_manager"
    local_initiative_manager = "local_initiative_manager"
    domain_lead = "domain_lead"
    knowledge_manager = "knowledge_manager"
    resource_mobilisation = "resource_mobilisation"
    volunteer_coordinator = "volunteer_coordinator"
    resilience_coordinator = "resilience_coordinator"
    foundation_officer = "foundation_officer"
    ministry_supervisor = "ministry_supervisor"
    director = "director"
    chair = "chair"
    coordinator = "coordinator"
    other = "other"


class ForumKind(StrEnum):
    local_administration = "local_administration"
    steering_committee = "steering_committee"
    leading_team = "leading_team"
    professional_team = "professional_team"
    design_forum = "design_forum"
    emergency_team = "emergency_team"
    peer_forum = "peer_forum"
    regional_network = "regional_network"
    round_table = "round_table"
    other = "other"


class Domain(StrEnum):
    early_childhood = "early_childhood"
    formal_education = "formal_education"
    informal_education = "informal_education"
    meaningful_service = "meaningful_service"
    higher_education = "higher_education"
    employment = "employment"
    stem21 = "stem21"
    welfare = "welfare"
    health = "health"
    community = "community"
    emergency = "emergency"
    other = "other"


class Context(StrEnum):
    routine = "routine"
    emergency = "emergency"
    both = "both"


class Position(StrEnum):
    chair = "chair"
    member = "member"
    facilitator = "facilitator"
    observer = "observer"


class InvestmentKind(StrEnum):
    grant = "grant"
    matching = "matching"
    budget = "budget"
    in_kind = "in_kind"


class InvestmentStatus(StrEnum):
    planned = "planned"
    committed = "committed"
    paid = "paid"


#: Stages of the birth-to-employment continuum, inclusive age bounds in years.
AGE_STAGES: dict[str, tuple[int, int]] = {
    "early_childhood": (0, 5),
    "school": (6, 17),
    "service": (18, 21),
    "young_adults": (22, 35),
}

_DATE_RE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
#: The earliest year a date may name (``0000`` is no year; nothing here is older).
_MIN_YEAR = "1000"


def blank_to_none(value: Any) -> Any:
    """A blank cell is a missing value."""
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


_blank_to_none = blank_to_none


def _split_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def _check_date(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        value = value.isoformat()
    text = str(value).strip()
    if not _DATE_RE.match(text):
        raise ValueError("expected a date as YYYY or YYYY-MM-DD")
    if text[:4] < _MIN_YEAR:
        raise ValueError(f"expected a date as YYYY or YYYY-MM-DD, from the year {_MIN_YEAR} on")
    if len(text) == 10:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text} is not a day of the calendar (expected YYYY-MM-DD)") from None
    return text


IdList = Annotated[list[str], BeforeValidator(_split_list)]
DomainList = Annotated[list[Domain], BeforeValidator(_split_list)]
DateText = Annotated[str | None, BeforeValidator(_check_date)]
RequiredText = Annotated[str, Field(min_length=1)]


def is_id_field(name: str) -> bool:
    """Whether a field (or an unknown extra column) holds ids: ``id``, ``*_id``, ``*_ids``.

    >>> is_id_field("parent_id"), is_id_field("party_ids"), is_id_field("holder")
    (True, True, False)
    """
    return name == "id" or name.endswith(("_id", "_ids"))


def _clean_value(key: str, value: Any) -> Any:
    """One input value: blank to missing, ids checked, text cleaned, numbers finite."""
    if isinstance(value, str):
        if value.strip() == "":
            return None
        if is_id_field(key):
            problem = id_problem(value)
            if problem is not None:
                raise PydanticCustomError("id_chars", f"{key}: {problem}")
            return value
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_value(key, v) for v in value]
    if not is_finite_tree(value):
        raise PydanticCustomError(
            "finite_number", f"{key}: expected a finite number (not NaN or infinity)"
        )
    return value


#: A blank cell in cells joined by NUL (``\\s`` and ``str.strip`` share one notion of space).
_BLANK_CELL = re.compile(r"(?:^|\x00)\s*(?:\x00|$)")


def row_has_blank(data: dict[Any, Any]) -> bool:
    """Whether a row has a blank cell, or a cell that is not text (checked in one pass).

    A NUL inside a cell may answer ``True`` for a row without a blank cell (the
    caller then looks cell by cell); a blank cell is never missed.

    >>> row_has_blank({"id": "o1", "name": "x"}), row_has_blank({"id": "o1", "kind": " "})
    (False, True)
    >>> row_has_blank({"id": "a\\x00b"}), row_has_blank({"n": 3}), row_has_blank({})
    (False, True, False)
    """
    if not data:
        return False
    try:
        joined = "\x00".join(data.values())
    except TypeError:
        return True
    # A NUL inside a cell can only make a blank appear where there is none.
    return _BLANK_CELL.search(joined) is not None


def clean_row(data: dict[Any, Any]) -> dict[Any, Any]:
    """:func:`_clean_value` of every value of a row (a ``None`` key dropped).

    A row whose keys and values are all printable text (the usual CSV row)
    holds nothing :func:`_clean_value` would refuse or change, checked once
    for the whole row: ``str.isprintable`` is false for every control,
    format, separator, surrogate and private-use character :func:`id_problem`
    and :func:`clean_text` look for. Such a row only has its blank cells
    made ``None`` (and is returned as it is when it has none).

    >>> clean_row({"id": "o1", "name": " ", "sector": "nonprofit"})
    {'id': 'o1', 'name': None, 'sector': 'nonprofit'}
    >>> clean_row({"id": "o\\u202e1"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.PydanticCustomError: id: an id may not hold ... U+202E
    """
    try:
        text = "".join(data) + "".join(data.values())
    except TypeError:  # a key or a value that is not text: value by value
        text = "\x00"
    if text.isprintable():
        if not row_has_blank(data):
            return data
        return {k: v if v.strip() else None for k, v in data.items()}
    return {k: _clean_value(str(k), v) for k, v in data.items() if k is not None}


class _Base(BaseModel):
    """Blank cells are missing values; unknown extra columns are kept.

    Every model of the graph, and every model that subclasses this one (the
    second wave's too), shares the input rules here: ids without control or
    invisible characters (:func:`graph.hygiene.id_problem`), text without
    control characters (:func:`graph.hygiene.clean_text`), and only finite
    numbers, in declared fields (``allow_inf_nan=False``) and extra columns alike.
    """

    model_config = ConfigDict(
        extra="allow", str_strip_whitespace=True, use_enum_values=False, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _blanks(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return clean_row(data)
        return data


class NodeModel(_Base):
    """Fields every node has."""

    label: ClassVar[str] = ""
    id: RequiredText
    name: RequiredText
    name_he: str | None = None
    name_en: str | None = None
    name_ar: str | None = None

    @field_validator("id")
    @classmethod
    def _id_chars(cls, value: str) -> str:
        if ";" in value or "\n" in value or "\r" in value or "\t" in value:
            raise ValueError("an id may not contain ';', tabs or line breaks")
        problem = id_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value


class Locality(NodeModel):
    label: ClassVar[str] = "Locality"
    municipal_status: MunicipalStatus | None = None
    socioeconomic_cluster: int | None = Field(default=None, ge=1, le=10)
    population: int | None = Field(default=None, ge=0)
    district: str | None = None
    cluster_id: str | None = None


class Organization(NodeModel):
    label: ClassVar[str] = "Organization"
    sector: Sector
    kind: str | None = None
    parent_id: str | None = None
    locality_ids: IdList = Field(default_factory=list)
    registration_number: str | None = None
    since: DateText = None
    until: DateText = None

    @model_validator(mode="after")
    def _not_own_parent(self) -> Organization:
        if self.parent_id is not None and self.parent_id == self.id:
            raise ValueError(f"parent_id: organisation {self.id!r} cannot be its own parent")
        return self


class Role(NodeModel):
    label: ClassVar[str] = "Role"
    title: RequiredText
    kind: RoleKind = RoleKind.other
    organization_id: RequiredText
    holder: str | None = None
    since: DateText = None
    until: DateText = None

    @model_validator(mode="before")
    @classmethod
    def _name_from_title(cls, data: Any) -> Any:
        if isinstance(data, dict) and not _blank_to_none(data.get("name")):
            data = {**data, "name": data.get("title")}
        return data


class Forum(NodeModel):
    label: ClassVar[str] = "Forum"
    kind: ForumKind = ForumKind.other
    locality_id: str | None = None
    domain: Domain | None = None
    convener_id: str | None = None
    meetings_per_year: int | None = Field(default=None, ge=0, le=366)
    context: Context = Context.routine
    since: DateText = None
    until: DateText = None


class Program(NodeModel):
    label: ClassVar[str] = "Program"
    operator_id: RequiredText
    locality_id: str | None = None
    domains: DomainList = Field(default_factory=list)
    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    target_population: str | None = None
    start: DateText = None
    end: DateText = None
    context: Context = Context.routine
    status: str | None = None
    goal_ids: IdList = Field(default_factory=list)
    description: str | None = None

    @model_validator(mode="after")
    def _ranges(self) -> Program:
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError(f"age_min {self.age_min} is above age_max {self.age_max}")
        if self.start and self.end and self.start[:4] > self.end[:4]:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


class Investment(NodeModel):
    label: ClassVar[str] = "Investment"
    name: str = ""
    funder_id: RequiredText
    program_id: str | None = None
    locality_id: str | None = None
    domain: Domain | None = None
    amount: float = Field(ge=0)
    currency: str = "ILS"
    year: int | None = Field(default=None, ge=1948, le=2100)
    kind: InvestmentKind = InvestmentKind.grant
    status: InvestmentStatus = InvestmentStatus.committed

    @model_validator(mode="after")
    def _target(self) -> Investment:
        if not self.program_id and not self.locality_id:
            raise ValueError("an investment needs a program_id, or a locality_id and domain")
        if not self.name:
            self.name = f"{self.funder_id} → {self.program_id or self.locality_id}"
        if not self.currency:
            self.currency = "ILS"
        return self


class Goal(NodeModel):
    label: ClassVar[str] = "Goal"
    title: RequiredText
    locality_id: RequiredText
    domain: Domain | None = None
    indicator: str | None = None
    baseline: float | None = None
    target: float | None = None
    target_year: int | None = Field(default=None, ge=1948, le=2100)
    owner_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _name_from_title(cls, data: Any) -> Any:
        if isinstance(data, dict) and not _blank_to_none(data.get("name")):
            data = {**data, "name": data.get("title")}
        return data


class Membership(_Base):
    """``(Role|Organization)-[:MEMBER_OF]->(Forum)``."""

    rel_type: ClassVar[str] = "MEMBER_OF"
    member_id: RequiredText
    forum_id: RequiredText
    position: Position = Position.member
    since: DateText = None
    until: DateText = None


class ProgramPartner(_Base):
    """``(Organization)-[:PARTNERS_IN {role}]->(Program)``."""

    rel_type: ClassVar[str] = "PARTNERS_IN"
    program_id: RequiredText
    organization_id: RequiredText
    role: str | None = None


class Partnership(_Base):
    """``(Organization)-[:PARTNERS_WITH]->(Organization)``."""

    rel_type: ClassVar[str] = "PARTNERS_WITH"
    source_id: RequiredText
    target_id: RequiredText
    kind: str | None = None
    context: Context = Context.routine
    since: DateText = None
    until: DateText = None
    strength: int = Field(default=3, ge=1, le=5)

    @model_validator(mode="after")
    def _not_self(self) -> Partnership:
        if self.source_id == self.target_id:
            raise ValueError("an organisation cannot partner with itself")
        return self


NODE_MODELS: dict[str, type[NodeModel]] = {
    m.label: m for m in (Locality, Organization, Role, Forum, Program, Investment, Goal)
}
EDGE_MODELS: dict[str, type[_Base]] = {
    "MEMBER_OF": Membership,
    "PARTNERS_IN": ProgramPartner,
    "PARTNERS_WITH": Partnership,
}


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """A node as the stores keep it: label, id and JSON-safe properties (``id`` excluded)."""

    label: str
    id: str
    props: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    @property
    def name(self) -> str:
        return str(self.props.get("name") or self.id)


@dataclass(frozen=True, slots=True)
class RelRecord:
    """A relationship: ``(source)-[:type]->(target)`` with properties.

    ``owner`` is the id of the node whose reference field implies it (see
    :func:`derived_relationships`); explicit relationships (memberships,
    program partners, partnerships) have no owner. A relationship is
    identified by ``(source, type, target)``.
    """

    type: str
    source: str
    target: str
    props: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)
    owner: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.type, self.target)


@dataclass
class Subgraph:
    """A part of the graph: some nodes and relationships among them (a scope's records)."""

    nodes: list[NodeRecord]
    relationships: list[RelRecord]


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _dump(model: _Base) -> dict[str, Any]:
    """The model's fields as plain JSON values (enums as their values), by pydantic-core.

    Every field of the models is text, a number, a list of those or an enum,
    and extra columns are text or JSON values, so this equals :func:`_plain`
    of each value of ``model_dump()``, without a Python call per value.
    """
    return model.model_dump(mode="json")


def to_record(model: NodeModel) -> NodeRecord:
    """The store record of a node model; ``None`` fields and empty lists are left out."""
    data = {k: v for k, v in _dump(model).items() if v is not None and v != [] and k != "id"}
    return NodeRecord(model.label, model.id, data)


def edge_record(model: _Base) -> RelRecord:
    """The store record of a membership, program partner or partnership row."""
    data = {k: v for k, v in _dump(model).items() if v is not None}
    if isinstance(model, Membership):
        source, target = data.pop("member_id"), data.pop("forum_id")
    elif isinstance(model, ProgramPartner):
        target, source = data.pop("program_id"), data.pop("organization_id")
    elif isinstance(model, Partnership):
        source, target = data.pop("source_id"), data.pop("target_id")
    else:  # pragma: no cover - guarded by EDGE_MODELS
        raise TypeError(f"not an edge model: {type(model).__name__}")
    return RelRecord(type(model).rel_type, source, target, data)  # type: ignore[attr-defined,unused-ignore]


def derived_relationships(node: NodeRecord) -> list[RelRecord]:
    """Relationships implied by a node's reference fields, owned by that node.

    The rules are :data:`graph.derived.RULES`; both ends must be non-empty.

    >>> rels = derived_relationships(NodeRecord("Agreement", "a1", {"party_ids": ["o1", "o2"]}))
    >>> [(r.type, r.source, r.target, r.owner) for r in rels]
    [('PARTY_TO', 'o1', 'a1', 'a1'), ('PARTY_TO', 'o2', 'a1', 'a1')]
    """
    p, nid = node.props, node.id
    out: list[RelRecord] = []
    for rel_type, source, target, listed in RULES.get(node.label, ()):
        if listed is None:
            one = (
                nid
                if source is None
                else p.get(source)
                if isinstance(source, str)
                else _first(p, source)
            )
            other = (
                nid
                if target is None
                else p.get(target)
                if isinstance(target, str)
                else _first(p, target)
            )
            if one and other:
                out.append(RelRecord(rel_type, str(one), str(other), {}, nid))
            continue
        for item in p.get(listed) or ():
            one = item if source == listed else _end(p, nid, source)
            other = item if target == listed else _end(p, nid, target)
            if one and other:
                out.append(RelRecord(rel_type, str(one), str(other), {}, nid))
    return out


def _end(props: dict[str, Any], node_id: str, end: End) -> Any:
    """One end of a rule: the node's id, a property, or the first non-empty of several."""
    if end is None:
        return node_id
    return props.get(end) if isinstance(end, str) else _first(props, end)


def _first(props: dict[str, Any], names: tuple[str, ...]) -> Any:
    """``props.get(a) or props.get(b) or ...``: the first non-empty value, else the last."""
    value = None
    for name in names:
        value = props.get(name)
        if value:
            break
    return value


def node_localities(node: NodeRecord) -> list[str]:
    """The localities a node belongs to (for filters and locality scopes)."""
    if node.label == "Locality":
        return [node.id]
    ids = list(node.props.get("locality_ids") or [])
    loc = node.props.get("locality_id")
    if loc and loc not in ids:
        ids.append(loc)
    return ids


def node_domains(node: NodeRecord) -> list[str]:
    """The domains a node is about (programs have several, others one)."""
    domains = list(node.props.get("domains") or [])
    dom = node.props.get("domain")
    if dom and dom not in domains:
        domains.append(dom)
    return domains


def parent_cycle(start: str, parent_of: Callable[[str], str | None]) -> list[str] | None:
    """The ``parent_id`` loop reached from ``start``, or ``None`` when the chain ends.

    ``parent_of`` gives an organisation's parent id (``None`` at the top).

    >>> parents = {"a": "b", "b": "c", "c": "a", "d": "a"}
    >>> parent_cycle("d", parents.get), parent_cycle("x", parents.get)
    (['a', 'b', 'c', 'a'], None)
    """
    seen: dict[str, int] = {}
    chain: list[str] = []
    current: str | None = start
    while current is not None:
        if current in seen:
            return [*chain[seen[current] :], current]
        seen[current] = len(chain)
        chain.append(current)
        current = parent_of(current)
    return None


# The second-wave entities (SPEC sections 6-9) live in their own module; they are
# nodes like the others. graph/__init__ imports this module first, so the cycle is safe.
from graph.model_process import (  # noqa: E402
    PROCESS_MODELS,
    Agreement,
    Assessment,
    Capability,
    Commitment,
    CompassRating,
    GoalReading,
    Need,
    SurveyResponse,
)

NODE_MODELS.update(PROCESS_MODELS)
