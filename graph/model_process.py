"""Second-wave entities (SPEC sections 6-9): the process around the network.

Partnership health surveys (:class:`SurveyResponse`), emergency needs and
capabilities (:class:`Need`, :class:`Capability`), the collective plan's
goal readings, agreements and commitments (:class:`GoalReading`,
:class:`Agreement`, :class:`Commitment`) and the fund's instruments
(:class:`CompassRating`, :class:`Assessment`). They are nodes like the
others (both stores keep any label), with derived relationships to what they
refer to, so a delete that would leave one dangling is refused. They never
enter the actor network of section 3.

Rows of the files that have no ``id`` column get a stable id made of their
key fields (``survey:2024-05-01:o1:o2``), so importing the same file twice
changes nothing and a repeated key is a repeated id.

Examples
--------
>>> r = SurveyResponse(wave="2024-05-01", respondent_id="o1", partner_id="o2", reliability="4")
>>> r.id, r.reliability
('survey:2024-05-01:o1:o2', 4)
>>> Capability(organization_id="o1", category="food", capacity="300").id
'capability:o1:food'
>>> from graph.model import derived_relationships, to_record
>>> sorted(rel.type for rel in derived_relationships(to_record(r)))
['RATES', 'RESPONDED']
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field, field_validator, model_validator

from graph.model import (
    Context,
    DateText,
    Domain,
    IdList,
    NodeModel,
    RequiredText,
    blank_to_none,
)

__all__ = [
    "PROCESS_MODELS",
    "Agreement",
    "Assessment",
    "Capability",
    "Commitment",
    "CommitmentStatus",
    "CompassOutcome",
    "CompassRating",
    "CompassStatus",
    "Criterion",
    "Frequency",
    "GoalReading",
    "Need",
    "NeedCategory",
    "SurveyResponse",
]


class Frequency(StrEnum):
    never = "never"
    yearly = "yearly"
    quarterly = "quarterly"
    monthly = "monthly"
    weekly = "weekly"
    daily = "daily"


class NeedCategory(StrEnum):
    shelter = "shelter"
    food = "food"
    water = "water"
    medical = "medical"
    mental_health = "mental_health"
    elderly_care = "elderly_care"
    childcare = "childcare"
    disability = "disability"
    transport = "transport"
    information = "information"
    translation = "translation"
    volunteers = "volunteers"
    equipment = "equipment"
    other = "other"


class CommitmentStatus(StrEnum):
    open = "open"
    done = "done"
    dropped = "dropped"


class CompassOutcome(StrEnum):
    shared_outcomes = "shared_outcomes"
    data_culture = "data_culture"
    resource_leverage = "resource_leverage"
    public_participation = "public_participation"
    workforce = "workforce"
    continuum = "continuum"
    policy_influence = "policy_influence"


class CompassStatus(StrEnum):
    met = "met"
    partly = "partly"
    not_met = "not_met"


class Criterion(StrEnum):
    formal_leadership = "formal_leadership"
    informal_leadership = "informal_leadership"
    community_cooperation = "community_cooperation"
    external_trends = "external_trends"
    other_investments = "other_investments"
    major_moves = "major_moves"
    stable_leadership = "stable_leadership"
    urgency = "urgency"
    resources = "resources"


#: A survey item: 1-4, or empty.
SurveyItem = int | None
_ITEM = Field(default=None, ge=1, le=4)


def _keyed(data: Any, prefix: str, keys: tuple[str, ...], name_from: str | None = None) -> Any:
    """Give a row without ``id`` (or ``name``) one made of its key fields."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    parts = [blank_to_none(data.get(k)) for k in keys]
    if not blank_to_none(data.get("id")) and all(p is not None for p in parts):
        data["id"] = ":".join([prefix, *(str(p).strip() for p in parts)])
    if not blank_to_none(data.get("name")):
        source = blank_to_none(data.get(name_from)) if name_from else None
        data["name"] = str(source)[:120] if source else (data.get("id") or prefix)
    return data


class SurveyResponse(NodeModel):
    """One organisation's rating of one partner in one wave (after the PARTNER tool)."""

    label: ClassVar[str] = "SurveyResponse"
    wave: DateText = Field(default=None, validate_default=True)
    respondent_id: RequiredText
    partner_id: RequiredText
    reliability: SurveyItem = _ITEM
    mission_support: SurveyItem = _ITEM
    openness: SurveyItem = _ITEM
    power_influence: SurveyItem = _ITEM
    involvement: SurveyItem = _ITEM
    resource_contribution: SurveyItem = _ITEM
    frequency: Frequency | None = None
    context: Context | None = None

    @model_validator(mode="before")
    @classmethod
    def _key(cls, data: Any) -> Any:
        data = _keyed(data, "survey", ("wave", "respondent_id", "partner_id"))
        if isinstance(data, dict) and not blank_to_none(data.get("id")):
            # A key field is missing: that field's own error says so, not "id is required".
            data["id"] = "survey:incomplete"
        return data

    @field_validator("wave")
    @classmethod
    def _wave_given(cls, value: Any) -> Any:
        if not value:
            raise ValueError("wave is required: the date of the survey wave (YYYY-MM-DD)")
        return value

    @model_validator(mode="after")
    def _checks(self) -> SurveyResponse:
        if self.respondent_id == self.partner_id:
            raise ValueError("an organisation cannot rate itself")
        return self


class Need(NodeModel):
    """An emergency need of one area of a locality."""

    label: ClassVar[str] = "Need"
    locality_id: RequiredText
    area: RequiredText
    category: NeedCategory
    population: int | None = Field(default=None, ge=0)
    severity: int = Field(default=3, ge=1, le=5)
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _name(cls, data: Any) -> Any:
        if isinstance(data, dict) and not blank_to_none(data.get("name")):
            data = {**data, "name": f"{data.get('category')} · {data.get('area')}"}
        return data


class Capability(NodeModel):
    """What an organisation can supply in an emergency, how much, where and through whom."""

    label: ClassVar[str] = "Capability"
    organization_id: RequiredText
    category: NeedCategory
    capacity: int | None = Field(default=None, ge=0)
    areas: IdList = Field(default_factory=list)
    languages: IdList = Field(default_factory=list)
    available_24_7: bool = False
    contact_role_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _key(cls, data: Any) -> Any:
        return _keyed(data, "capability", ("organization_id", "category"))


class GoalReading(NodeModel):
    """One measurement of a goal's indicator."""

    label: ClassVar[str] = "GoalReading"
    goal_id: RequiredText
    date: DateText = Field(default=None)
    value: float
    source: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _key(cls, data: Any) -> Any:
        return _keyed(data, "reading", ("goal_id", "date"))

    @model_validator(mode="after")
    def _dated(self) -> GoalReading:
        if not self.date:
            raise ValueError("date is required: when the value was measured")
        return self


class Agreement(NodeModel):
    """A signed agreement (MOU) between parties in a locality."""

    label: ClassVar[str] = "Agreement"
    title: RequiredText
    locality_id: str | None = None
    party_ids: IdList = Field(default_factory=list)
    signed: DateText = None
    until: DateText = None
    budget: float | None = Field(default=None, ge=0)
    governance_forum_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _name(cls, data: Any) -> Any:
        return _keyed(data, "agreement", ("title",), name_from="title")


class Commitment(NodeModel):
    """What one party of an agreement committed to, and by when."""

    label: ClassVar[str] = "Commitment"
    agreement_id: RequiredText
    party_id: RequiredText
    description: RequiredText
    due: DateText = None
    status: CommitmentStatus = CommitmentStatus.open

    @model_validator(mode="before")
    @classmethod
    def _name(cls, data: Any) -> Any:
        return _keyed(data, "commitment", ("agreement_id", "party_id"), name_from="description")


class CompassRating(NodeModel):
    """One cell of the infrastructure outcomes compass in one year.

    ``domain`` is a mobility domain of the data model (:class:`graph.model.Domain`):
    seed 003 rates the outcomes per locality mobility domain (גיל רך, חינוך בלתי
    פורמלי, ECOSTEM21, ...), the same domains programs and goals carry, so a
    compass cell lines up with the programs and goals of its domain.
    """

    label: ClassVar[str] = "CompassRating"
    locality_id: RequiredText
    domain: Domain
    outcome: CompassOutcome
    year: int = Field(ge=1948, le=2100)
    status: CompassStatus
    statement: str | None = None
    evidence: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _key(cls, data: Any) -> Any:
        return _keyed(data, "compass", ("locality_id", "domain", "outcome", "year"))


class Assessment(NodeModel):
    """One assessor's score of one qualitative criterion of the locality selection rubric."""

    label: ClassVar[str] = "Assessment"
    locality_id: RequiredText
    criterion: Criterion
    score: int = Field(ge=1, le=5)
    assessor: RequiredText
    date: DateText = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _key(cls, data: Any) -> Any:
        return _keyed(data, "assessment", ("locality_id", "criterion", "assessor"))


PROCESS_MODELS: dict[str, type[NodeModel]] = {
    m.label: m
    for m in (
        SurveyResponse,
        Need,
        Capability,
        GoalReading,
        Agreement,
        Commitment,
        CompassRating,
        Assessment,
    )
}
