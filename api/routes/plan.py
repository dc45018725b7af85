"""``GET /analysis/plan``: a locality's collective plan and its money (SPEC section 8).

The same object as ``partnermap plan --locality ID --as-of D --json``
(:func:`graph.analytics.plan.plan_report`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import StoreDep, ViewerDep
from api.routes.scoping import OneLocalityDep

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
    scope: OneLocalityDep,
) -> dict[str, Any]:
    """Per goal the latest reading, progress and status, its programs, partners and money;
    money that serves no goal; leverage (outside shekels per shekel of the authority, by
    year); agreements with their commitments, and the overdue ones."""
    from graph.analytics.plan import plan_report

    return plan_report(store, scope, where="query locality_id")
