"""The emergency view of the network map (``/maps/{locality}?view=readiness``).

:func:`readiness_overlay` turns a readiness report (SPEC section 7) into what the
map's ``readiness.js`` draws over the network: each provider with the needs it
covers (in words), its contact role and how many steps the emergency team is
from it, and the members of the emergency team, drawn as one group.

Examples
--------
>>> report = {"emergency_team": {"forum_id": "f", "members": ["city"], "sectors_missing": []},
...           "needs": [{"id": "n1", "category": "food", "area": "north", "status": "covered",
...                      "providers": [{"id": "vol", "name": "V", "capacity": 5, "steps": 1,
...                                     "contact_role_id": "r", "contact_role_title": "רכזת"}]}]}
>>> o = readiness_overlay(report, "en", team_name="Emergency team")
>>> o["providers"]["vol"]["needs"], o["providers"]["vol"]["contact"], o["team"]["members"]
(['Food · north: 5'], 'רכזת', ['city'])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["readiness_overlay"]


def readiness_overlay(
    report: Mapping[str, Any], lang: str, *, team_name: str | None = None
) -> dict[str, Any]:
    """Providers, the team and the words of the map's emergency view, in ``lang``."""
    from graph.vocabulary import fmt_number, render, term

    def ui(key: str, **kw: Any) -> str:
        return render(f"readiness.ui.{key}", lang, **kw)

    providers: dict[str, dict[str, Any]] = {}
    for need in report.get("needs") or []:
        what = f"{term('category', need['category'], lang)} · {need['area']}"
        for p in need.get("providers") or []:
            entry = providers.setdefault(
                str(p["id"]),
                {"needs": [], "contact": None, "steps": p.get("steps"), "single": False},
            )
            capacity = p.get("capacity")
            entry["needs"].append(
                f"{what}: {fmt_number(capacity, lang)}" if capacity is not None else what
            )
            entry["contact"] = entry["contact"] or p.get("contact_role_title")
            if len(need.get("providers") or []) == 1:
                entry["single"] = True
    team = report.get("emergency_team") or {}
    return {
        "team": {
            "forum_id": team.get("forum_id"),
            "members": list(team.get("members") or []),
            "name": team_name or ui("team"),
        },
        "providers": providers,
        "strings": {
            "provider": ui("map_provider"),
            "member": ui("map_team"),
            "contact": ui("contact"),
            "out_of_reach": ui("out_of_reach"),
            "on_team": ui("on_team"),
            "steps": [ui("steps_cell", steps=n) for n in range(0, 7)],
            "single": term("readiness_status", "single_provider", lang),
            "legend": ui("tab"),
            "no_team": ui("no_team"),
        },
    }
