"""Partnership health from survey waves: trust and value (SPEC section 6, ``partnermap health``).

After the PARTNER tool (Varda et al.): in each wave every organisation rates
each of its partners on three trust items (``reliability``,
``mission_support``, ``openness``) and three value items
(``power_influence``, ``involvement``, ``resource_contribution``), each 1-4.
An item's score is ``(x - 1) / 3`` (0-1); a rating's (a directed tie's) trust
is the mean of its trust items that were answered, its value the mean of its
value items; an organisation's trust (value) is the mean over the ratings it
received; the network's is the mean over the ratings of the wave.

Concerns: ``low_trust_high_value`` (a rating with trust < 0.5 and value
>= 0.67: a partner one depends on but does not trust), ``unreciprocated``
(a rating the partner, who answered this wave, did not return),
``declined`` (a tie's or organisation's trust or value fell by 0.25 or more
since the previous wave) and ``silent`` (an organisation that answered some
wave but not this one).

References
----------
.. [1] Varda, D. M., Chandra, A., Stern, S. A., & Lurie, N. (2008). "Core
   dimensions of connectivity in public health collaboratives". Journal of
   Public Health Management and Practice 14(5): E1-E7.

Examples
--------
>>> from graph.model import NodeRecord as N
>>> def rating(wave, a, b, t, v):
...     return N("SurveyResponse", f"s-{wave}-{a}-{b}", {"wave": wave, "respondent_id": a,
...         "partner_id": b, "reliability": t, "mission_support": t, "openness": t,
...         "power_influence": v, "involvement": v, "resource_contribution": v})
>>> orgs = {"a": "עירייה", "b": "עמותה"}
>>> out = health_of([rating("2024-05-01", "a", "b", 2, 4)], orgs)
>>> out["network"]["trust"], out["network"]["value"], out["concerns"][0]["kind"]
(0.3333, 1.0, 'low_trust_high_value')
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from statistics import fmean
from typing import Any

from graph.errors import NotFound
from graph.model import NodeRecord
from graph.scope import Scope, read, start_date
from graph.store.base import GraphStore
from graph.vocabulary import reasons

__all__ = [
    "DECLINE",
    "HIGH_VALUE",
    "LOW_TRUST",
    "TRUST_ITEMS",
    "VALUE_ITEMS",
    "health_of",
    "health_report",
    "item_score",
]

TRUST_ITEMS = ("reliability", "mission_support", "openness")
VALUE_ITEMS = ("power_influence", "involvement", "resource_contribution")
#: Below this trust, with value at or above :data:`HIGH_VALUE`, a tie is a concern.
LOW_TRUST = 0.5
HIGH_VALUE = 0.67
#: A fall of trust or value at least this large since the previous wave is a decline.
DECLINE = 0.25
_DIGITS = 4


def item_score(x: Any) -> float | None:
    """``(x - 1) / 3`` for an answer 1-4; ``None`` for no answer.

    >>> [item_score(x) for x in (1, 2, 4, None, "")]
    [0.0, 0.3333333333333333, 1.0, None, None]
    """
    if x is None or x == "":
        return None
    return (float(x) - 1.0) / 3.0


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return fmean(kept) if kept else None


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, _DIGITS)


def _wave(node: NodeRecord) -> str:
    day = start_date(node.props.get("wave"))
    return day.isoformat() if day else ""


Rating = dict[str, Any]


def _ratings(responses: Iterable[NodeRecord]) -> dict[str, dict[tuple[str, str], Rating]]:
    """Ratings by wave, each keyed by (respondent, partner)."""
    by_wave: dict[str, dict[tuple[str, str], Rating]] = defaultdict(dict)
    for node in responses:
        p = node.props
        a, b = str(p.get("respondent_id")), str(p.get("partner_id"))
        by_wave[_wave(node)][(a, b)] = {
            "trust": _mean(item_score(p.get(i)) for i in TRUST_ITEMS),
            "value": _mean(item_score(p.get(i)) for i in VALUE_ITEMS),
        }
    return by_wave


def _org_scores(ratings: Mapping[tuple[str, str], Rating]) -> dict[str, dict[str, Any]]:
    received: dict[str, list[Rating]] = defaultdict(list)
    given: dict[str, int] = defaultdict(int)
    for (a, b), r in ratings.items():
        received[b].append(r)
        given[a] += 1
    out = {}
    for org in set(received) | set(given):
        got = received.get(org, [])
        out[org] = {
            "trust": _mean(r["trust"] for r in got),
            "value": _mean(r["value"] for r in got),
            "ratings_received": len(got),
            "ratings_given": given.get(org, 0),
        }
    return out


def _fell(before: Rating | None, after: Rating) -> tuple[str, float] | None:
    """The measure (trust or value) that fell most, when it fell by :data:`DECLINE` or more."""
    if before is None:
        return None
    drops = [
        (m, before[m] - after[m])
        for m in ("trust", "value")
        if before.get(m) is not None and after.get(m) is not None
    ]
    worst = max(drops, key=lambda d: d[1], default=None)
    return worst if worst is not None and worst[1] >= DECLINE - 1e-9 else None


def health_of(
    responses: Iterable[NodeRecord],
    names: Mapping[str, str],
    *,
    wave: dt.date | None = None,
) -> dict[str, Any]:
    """The health object of a set of survey responses among ``names``' organisations.

    Parameters
    ----------
    responses : iterable of NodeRecord
        ``SurveyResponse`` records; those whose respondent or partner is not
        in ``names`` are left out.
    names : mapping
        The organisations in scope, id to name.
    wave : datetime.date, optional
        The wave to report (a wave's date); default the latest.

    Returns
    -------
    dict
        SPEC section 6's health object without ``scope``.

    Raises
    ------
    graph.errors.NotFound
        When ``wave`` is given and no response has that date.
    """
    kept = [
        r
        for r in responses
        if str(r.props.get("respondent_id")) in names and str(r.props.get("partner_id")) in names
    ]
    by_wave = _ratings(kept)
    waves = sorted(w for w in by_wave if w)
    if wave is not None:
        wanted = wave.isoformat()
        if wanted not in by_wave:
            listed = ", ".join(waves) or "none"
            raise NotFound(f"wave: no survey responses dated {wanted} (waves: {listed})")
    else:
        wanted = waves[-1] if waves else ""
    if not wanted:
        return {
            "wave": None,
            "previous_wave": None,
            "network": {
                "respondents": 0,
                "invited": 0,
                "response_rate": None,
                "ties_rated": 0,
                "trust": None,
                "value": None,
                "delta": None,
            },
            "organizations": [],
            "ties": [],
            "concerns": [],
        }
    i = waves.index(wanted)
    previous = waves[i - 1] if i > 0 else None
    now = by_wave[wanted]
    before = by_wave.get(previous, {}) if previous else {}

    invited = {a for w in by_wave.values() for a, _ in w}
    respondents = {a for a, _ in now}
    trust = _mean(r["trust"] for r in now.values())
    value = _mean(r["value"] for r in now.values())
    delta = None
    if previous:
        t0 = _mean(r["trust"] for r in before.values())
        v0 = _mean(r["value"] for r in before.values())
        delta = {
            "trust": _r(trust - t0) if trust is not None and t0 is not None else None,
            "value": _r(value - v0) if value is not None and v0 is not None else None,
        }
    orgs_now, orgs_before = _org_scores(now), _org_scores(before)

    concerns: list[dict[str, Any]] = []

    def concern(kind: str, ids: list[str], score: float, items: list[tuple[str, dict]]) -> None:
        concerns.append(
            {"kind": kind, "ids": ids, "score": round(score, _DIGITS), **reasons(items)}
        )

    ties = []
    for (a, b), r in sorted(now.items()):
        back = (b, a) in now
        ties.append(
            {
                "source": a,
                "target": b,
                "trust": _r(r["trust"]),
                "value": _r(r["value"]),
                "reciprocated": back,
            }
        )
        who = {"a": names[a], "b": names[b]}
        if r["trust"] is not None and r["value"] is not None:
            if r["trust"] < LOW_TRUST and r["value"] >= HIGH_VALUE:
                concern(
                    "low_trust_high_value",
                    [a, b],
                    r["value"] - r["trust"],
                    [
                        (
                            "health.concern.low_trust_high_value",
                            {**who, "trust": r["trust"], "value": r["value"]},
                        )
                    ],
                )
        if not back and b in respondents:
            concern("unreciprocated", [a, b], 0.5, [("health.concern.unreciprocated", who)])
        fell = _fell(before.get((a, b)), r)
        if fell:
            concern(
                "declined",
                [a, b],
                fell[1],
                [(f"health.concern.tie_fell.{fell[0]}", {**who, "drop": fell[1]})],
            )
    for org in sorted(orgs_now):
        fell = _fell(orgs_before.get(org), orgs_now[org])
        if fell:
            concern(
                "declined",
                [org],
                fell[1],
                [(f"health.concern.org_fell.{fell[0]}", {"a": names[org], "drop": fell[1]})],
            )
    for org in sorted(invited - respondents):
        answered_before = any(a == org for a, _ in before)
        concern(
            "silent",
            [org],
            0.75 if answered_before else 0.5,
            [("health.concern.silent", {"a": names[org], "wave": wanted})],
        )
    concerns.sort(key=lambda c: (-c["score"], c["kind"], c["ids"]))

    organizations = [
        {
            "id": org,
            "name": names[org],
            "trust": _r(s["trust"]),
            "value": _r(s["value"]),
            "ratings_received": s["ratings_received"],
            "ratings_given": s["ratings_given"],
        }
        for org, s in sorted(orgs_now.items())
    ]
    return {
        "wave": wanted,
        "previous_wave": previous,
        "network": {
            "respondents": len(respondents),
            "invited": len(invited),
            "response_rate": _r(len(respondents) / len(invited)) if invited else None,
            "ties_rated": len(now),
            "trust": _r(trust),
            "value": _r(value),
            "delta": delta,
        },
        "organizations": organizations,
        "ties": ties,
        "concerns": concerns,
    }


def health_report(
    store: GraphStore, scope: Scope | None = None, *, wave: dt.date | None = None
) -> dict[str, Any]:
    """SPEC section 6's health object of a scope of the store.

    The organisations in scope are those of :func:`graph.scope.read` (every
    date: a survey is about the people who answered it, whatever happened
    later); the responses are every ``SurveyResponse`` among them.

    Raises
    ------
    graph.errors.NotFound
        When the locality or the wave does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from graph.model import NodeRecord as N
    >>> from graph.store.sqlite import SQLiteStore
    >>> store = SQLiteStore(pathlib.Path(tempfile.mkdtemp()) / "g.db")
    >>> _ = store.write([N("Organization", "a", {"name": "א"}),
    ...     N("Organization", "b", {"name": "ב"}),
    ...     N("SurveyResponse", "s1", {"wave": "2024-05-01", "respondent_id": "a",
    ...                               "partner_id": "b", "reliability": 4})])
    >>> out = health_report(store)
    >>> out["wave"], out["network"]["trust"], out["ties"][0]["reciprocated"]
    ('2024-05-01', 1.0, False)
    >>> store.close()
    """
    scope = scope or Scope()
    sub = read(store, scope, dated=False)
    names = {n.id: n.name for n in sub.nodes if n.label == "Organization"}
    responses = [n for n in sub.nodes if n.label == "SurveyResponse"]
    out = health_of(responses, names, wave=wave)
    scope_json = scope.as_dict()
    scope_json.pop("as_of", None)
    return {
        "wave": out.pop("wave"),
        "previous_wave": out.pop("previous_wave"),
        "scope": scope_json,
        **out,
    }
