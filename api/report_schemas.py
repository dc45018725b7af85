"""Typed descriptions of the analysis report, for the OpenAPI schema.

``GET /api/v1/analysis`` sends the report exactly as
:func:`graph.analytics.report.analysis_report` builds it (the same JSON as
``partnermap analyze --json``); these models describe it so API consumers
get a real schema at ``/openapi.json`` instead of "an object". Every model
allows extra keys: a feature may add fields without breaking a consumer.
The tests validate real reports against them, so the schema cannot drift
from what is sent.

Examples
--------
>>> ReportScope.model_validate({"locality_id": None, "context": "both"}).context
'both'
>>> sorted(AnalysisReport.model_json_schema()["required"])[:3]
['bridges', 'bridges_others', 'duplicate_groups']
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AnalysisReport",
    "Bridge",
    "BridgesOthers",
    "Duplicate",
    "DuplicateGroup",
    "Isolate",
    "LeveragePoint",
    "Metrics",
    "SectionPage",
]

T = TypeVar("T")


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Reasons(_Open):
    reasons: list[str] = Field(description="Why, in English (no codes: labels and plain words).")
    reasons_he: list[str] = Field(description="The same reasons in Hebrew.")
    reasons_ar: list[str] = Field(description="The same reasons in Arabic.")


class ReportScope(_Open):
    """What was analysed."""

    locality_id: str | None = Field(description="The locality, or null for a cluster or all.")
    cluster_id: str | None = None
    context: str = Field(description="both, routine or emergency.")
    as_of: str | None = Field(default=None, description="The date the graph is seen on.")


class Duplicate(_Reasons):
    """Two programs of different operators that may duplicate each other."""

    programs: list[str] = Field(min_length=2, max_length=2)
    names: list[str]
    operators: list[str]
    operator_names: list[str]
    locality_id: str | None
    domains: list[str] = Field(description="The domains the two share (codes).")
    score: float = Field(ge=0, le=1, description="How alike they are, 0 to 1.")
    coordinated: bool = Field(
        description="Their operators or funders meet in a forum or a partnership."
    )
    coordination: list[dict[str, Any]] = Field(description="Where they meet: forum or partnership.")
    investment_total: float = Field(ge=0, description="Shekels in the two programs.")
    group_id: str | None = Field(description="The duplicate group of three or more, if any.")


class DuplicateGroup(_Reasons):
    """Three or more programs that duplicate each other."""

    id: str
    programs: list[str]
    locality_id: str | None
    pairs: int = Field(ge=0)
    coordinated_pairs: int = Field(ge=0)


class Isolate(_Reasons):
    """An organisation the network leaves out, with every way it is."""

    id: str
    name: str
    sector: str
    kinds: list[Literal["isolate", "disconnected", "no_forum", "sector_siloed", "single_tie"]]
    locality_ids: list[str]
    degree: int = Field(ge=0, description="Its number of ties.")


class Brokerage(_Open):
    """Gould and Fernandez's brokerage roles, counted over open pairs of neighbours."""

    coordinator: int = Field(ge=0)
    itinerant: int = Field(ge=0)
    gatekeeper: int = Field(ge=0)
    representative: int = Field(ge=0)
    liaison: int = Field(ge=0)


class Bridge(_Reasons):
    """An organisation that matters for joining sectors."""

    id: str
    name: str
    sector: str | None
    sectors_connected: list[str]
    brokerage: Brokerage
    cross_sector_betweenness: float = Field(
        ge=0, le=1, description="Share of the cross-sector shortest paths through it."
    )
    articulation_point: bool = Field(description="Without it, some actors are cut off.")
    score: float = Field(ge=0, le=1)
    sectors_only_through: list[str]
    actors_only_through: int = Field(ge=0)
    effective_size: float | None = Field(description="Burt's effective size.")
    constraint: float | None = Field(description="Burt's constraint (low: structural holes).")


class BridgesOthers(_Open):
    """The weaker bridges left out of ``bridges``: how many, and a note in words."""

    count: int = Field(ge=0)
    threshold: float = Field(description="The share of cross-sector shortest paths that lists.")
    reasons: list[str]
    reasons_he: list[str]
    reasons_ar: list[str]


class LeveragePoint(_Reasons):
    """Where support would join what is apart; the fields after ``score`` depend on ``kind``."""

    id: str
    kind: str = Field(description="actor, forum, goal, locality_domain or program (and more).")
    name: str
    score: float = Field(ge=0, le=1)
    locality_id: str | None = None
    domain: str | None = None
    missing_sectors: list[str] | None = None
    candidates: list[dict[str, Any]] | None = None
    missing_stages: list[str] | None = None
    covered_stages: list[str] | None = None
    goals: list[str] | None = None
    sectors: list[str] | None = None
    funders: list[str] | None = None
    goals_joined: list[str] | None = None


class FunderTotal(_Open):
    id: str
    name: str
    sector: str | None = None
    amount: float


class InvestmentTotals(_Open):
    """Shekels invested in the scope, in all and by age stage, domain, status, year, funder."""

    total: float
    count: int = Field(ge=0)
    by_age_stage: dict[str, float]
    by_domain: dict[str, float]
    by_status: dict[str, float]
    by_year: dict[str, float]
    by_funder: list[FunderTotal]


class Metrics(_Open):
    """The network's measures (the glossary explains each)."""

    nodes: int = Field(ge=0, description="Organisations in the network.")
    ties: int = Field(ge=0)
    density: float = Field(ge=0, le=1, description="The share of possible ties that exist.")
    components: int = Field(ge=0, description="Groups with no path of ties between them.")
    cross_sector_tie_share: float = Field(ge=0, le=1)
    by_sector: dict[str, int]
    isolates: int | None = None
    average_degree: float | None = None
    degree_centralization: float | None = None
    largest_component_share: float | None = None
    ties_by_kind: dict[str, int] | None = None
    ties_by_sector_pair: dict[str, int] | None = None
    investment: InvestmentTotals | None = None


class AnalysisReport(_Open):
    """The whole report: ``partnermap analyze --json`` and ``GET /api/v1/analysis``."""

    graph_version: str = Field(description="Changes whenever the graph changes.")
    scope: ReportScope
    duplicates: list[Duplicate] = Field(description="By score, best first.")
    duplicate_groups: list[DuplicateGroup]
    isolates: list[Isolate] = Field(description="By first kind, then name.")
    bridges: list[Bridge] = Field(description="The bridges that matter, by score.")
    bridges_others: BridgesOthers
    leverage: list[LeveragePoint] = Field(description="By score, best first.")
    metrics: Metrics


class SectionPage(_Open, Generic[T]):
    """One page of a section's list and how many findings it holds in all."""

    data: list[T]
    count: int = Field(ge=0, description="The length of the whole list.")
    graph_version: str
    scope: ReportScope
