"""``/healthz`` (the process is up) and ``/readyz`` (the store answers)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import StoreDep
from graph.errors import StoreUnavailable

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The store can be read",
    responses={503: {"description": "The store cannot be reached."}},
)
def readyz(store: StoreDep) -> dict[str, Any]:
    try:
        version = store.graph_version()
    except StoreUnavailable:
        raise
    except Exception as exc:  # a driver error of any kind means "not ready"
        raise StoreUnavailable(f"the store does not answer: {type(exc).__name__}") from exc
    return {"status": "ready", "graph_version": version}
