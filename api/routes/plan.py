"""``GET /analysis/plan``: a locality's collective plan and its money (SPEC section 8).

The same object as ``partnermap plan --locality ID --as-of D --json``
(:func:`graph.analytics.plan.plan_report`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import StoreDep, ViewerDep

__all__ = ["router"]

router = APIRouter(prefix="/analysis", tags=["analysis"])

_JSON_OBJECT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The plan as JSON (SPEC section 8).",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.get(
    "/plan",
    summary="A locality's goals, their progress and money, leverage and agreements",
    name="analysis_plan",
    responses=_JSON_OBJECT,
)
def plan(
    store: StoreDep,
    _who: ViewerDep,
    locality_id: Annotated[str, Query(description="The locality (its id).")],
    as_of: Annotated[
        str | None,
        Query(description="As of this date, YYYY or YYYY-MM-DD; default today."),
    ] = None,
) -> dict[str, Any]:
    """Per goal the latest reading, progress and status, its programs, partners and money;
    money that serves no goal; leverage (outside shekels per shekel of the authority, by
    year); agreements with their commitments, and the overdue ones."""
    from graph.analytics.plan import plan_report
    from graph.errors import NotFound
    from graph.scope import Scope, parse_as_of

    when = parse_as_of(as_of, "query as_of")
    loc = store.get(locality_id)
    if loc is None or loc.label != "Locality":
        raise NotFound(f"query locality_id: no locality with id {locality_id!r}")
    return plan_report(store, Scope(locality_id, when))
