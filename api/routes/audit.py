"""``GET /audit``: the trail of writes, newest first, for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AdminDep, KeyStoreDep
from api.schemas import AuditEntryPublic, AuditList

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=AuditList, summary="Who wrote what, when (admins only)")
def audit(
    keys: KeyStoreDep,
    _who: AdminDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> AuditList:
    entries, total = keys.audit(limit=limit, offset=offset)
    return AuditList(
        data=[AuditEntryPublic(**e.as_dict()) for e in entries],
        count=total,
    )
