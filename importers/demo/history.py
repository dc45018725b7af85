"""The demo's history (SPEC section 6): actors and ties that started and ended, two survey waves.

Two towns get a past: Ofakim (אופקים) and Kiryat Malachi (קריית מלאכי).
Each has an organisation that worked with the town and left before 2025, an
organisation that joined after 2022, a tie between existing actors that
began in 2024, and two waves of the partnership survey (2023-05-01 and
2025-05-01) among the members of its local administration. Every new
organisation sits in its town's local administration for exactly the years
it exists, so no planted finding of ``FINDINGS.md`` changes (an
organisation tied to nobody, or in no forum, would). Names marked ``(בדוי)``
are fictional, like the demo's other local organisations.

:func:`tables` gives the rows; :mod:`importers.demo.build` adds them.

Examples
--------
>>> t = tables()
>>> sorted(t)
['memberships', 'organizations', 'partnerships', 'survey_responses']
>>> len({r["wave"] for r in t["survey_responses"]})
2
"""

from __future__ import annotations

__all__ = ["COLUMNS", "ORG_COLUMNS", "WAVES", "tables"]

Row = dict[str, str]

#: The survey file's columns (SPEC section 6).
COLUMNS: dict[str, list[str]] = {
    "survey_responses": ["wave", "respondent_id", "partner_id", "reliability",
                         "mission_support", "openness", "power_influence", "involvement",
                         "resource_contribution", "frequency", "context"],
}  # fmt: skip
#: Organisations gain their optional dates.
ORG_COLUMNS = ["since", "until"]
WAVES = ("2023-05-01", "2025-05-01")

# key, name, sector, kind, town id, since, until
_ORGS = [
    ("ofa-npo-yad", "עמותת יד ביד אופקים (בדוי)", "nonprofit", "עמותה", "loc-ofakim",
     "2019", "2023-06-30"),
    ("ofa-biz-tech", 'אופק טכנולוגיות בע"מ (בדוי)', "business", "הייטק", "loc-ofakim",
     "2023-09-01", ""),
    ("km-com-coop", "קואופרטיב נשים קריית מלאכי (בדוי)", "community", "קואופרטיב",
     "loc-kiryat-malachi", "2020", "2022-12-31"),
    ("km-biz-print", 'דפוס העיר קריית מלאכי בע"מ (בדוי)', "business", "דפוס",
     "loc-kiryat-malachi", "2024", ""),
]  # fmt: skip

# member, forum, since, until: each new organisation's seat in its local administration
_SEATS = [
    ("ofa-npo-yad", "ofa-admin", "2022", "2023-06-30"),
    ("ofa-biz-tech", "ofa-admin", "2023-09-01", ""),
    ("km-com-coop", "km-admin", "2020", "2022-12-31"),
    ("km-biz-print", "km-admin", "2024", ""),
]

# source, target, kind, context, since, until, strength
_TIES = [
    ("ofa-npo-yad", "ofa-matnas", "חונכות לנוער", "routine", "2019", "2023-06-30", 3),
    ("ofa-biz-tech", "ofa-yc", "הכשרות הייטק לצעירים", "routine", "2024", "", 4),
    ("ofa-res-mishor", "ofa-matnas", "מרכז קהילתי בשכונה", "routine", "2024-02-01", "", 3),
    ("km-com-coop", "km-welfare", "תעסוקת נשים", "routine", "2020", "2022-12-31", 3),
    ("km-biz-print", "km-yc", "התמחויות לצעירים", "routine", "2024", "", 3),
    ("km-npo-light", "km-youth", "נוער בסיכון", "routine", "2024-03-01", "", 4),
]

# wave index, respondent, partner, trust (3 items), value (3 items)
_RATINGS: list[tuple[int, str, str, tuple[int, int, int], tuple[int, int, int]]] = [
    # Ofakim, 2023: fair trust all round.
    (0, "ofa-auth", "ofa-matnas", (3, 3, 3), (3, 3, 3)),
    (0, "ofa-matnas", "ofa-auth", (3, 3, 2), (4, 3, 3)),
    (0, "ofa-auth", "ofa-yc", (3, 3, 3), (3, 3, 2)),
    (0, "ofa-yc", "ofa-auth", (3, 3, 3), (3, 3, 3)),
    (0, "ofa-npo-women", "ofa-welfare", (4, 4, 3), (3, 3, 3)),
    (0, "ofa-welfare", "ofa-npo-women", (4, 3, 3), (3, 3, 3)),
    (0, "ofa-matnas", "ofa-npo-women", (3, 3, 3), (2, 3, 2)),
    # Ofakim, 2025: the matnas's trust in the authority fell after the war year; the
    # authority depends on the young adults centre it trusts little; the women's
    # nonprofit did not answer; the new tech firm rates the centre, unanswered.
    (1, "ofa-auth", "ofa-matnas", (3, 3, 3), (3, 3, 3)),
    (1, "ofa-matnas", "ofa-auth", (2, 1, 1), (4, 3, 3)),
    (1, "ofa-auth", "ofa-yc", (2, 2, 1), (4, 4, 3)),
    (1, "ofa-yc", "ofa-auth", (3, 3, 3), (3, 3, 3)),
    (1, "ofa-welfare", "ofa-npo-women", (4, 3, 3), (3, 3, 3)),
    (1, "ofa-biz-tech", "ofa-yc", (3, 3, 3), (4, 3, 3)),
    # Kiryat Malachi, 2023: low trust between the authority and the matnas.
    (0, "km-auth", "km-matnas", (2, 2, 2), (3, 3, 3)),
    (0, "km-matnas", "km-auth", (2, 2, 1), (3, 3, 3)),
    (0, "km-auth", "km-yc", (3, 3, 3), (3, 3, 3)),
    (0, "km-yc", "km-auth", (3, 3, 3), (3, 2, 3)),
    (0, "km-welfare", "km-matnas", (3, 2, 2), (3, 3, 2)),
    # Kiryat Malachi, 2025: trust grew (a shared leading team since 2023).
    (1, "km-auth", "km-matnas", (4, 3, 4), (4, 3, 3)),
    (1, "km-matnas", "km-auth", (3, 4, 3), (4, 4, 3)),
    (1, "km-auth", "km-yc", (4, 3, 3), (3, 3, 3)),
    (1, "km-yc", "km-auth", (3, 4, 3), (3, 3, 3)),
    (1, "km-welfare", "km-matnas", (3, 3, 3), (3, 3, 3)),
    (1, "km-matnas", "km-welfare", (3, 3, 4), (3, 4, 3)),
    (1, "km-biz-print", "km-yc", (3, 3, 3), (2, 2, 2)),
]


def tables() -> dict[str, list[Row]]:
    """The history's rows: new organisations, seats, ties and survey responses."""
    out: dict[str, list[Row]] = {
        "organizations": [],
        "memberships": [],
        "partnerships": [],
        "survey_responses": [],
    }
    for key, name, sector, kind, town, since, until in _ORGS:
        out["organizations"].append({
            "id": f"org-{key}", "name": name, "sector": sector, "kind": kind,
            "locality_ids": town, "since": since, "until": until,
        })  # fmt: skip
    for member, forum, since, until in _SEATS:
        out["memberships"].append({
            "member_id": f"org-{member}", "forum_id": f"forum-{forum}", "position": "member",
            "since": since, "until": until,
        })  # fmt: skip
    for src, dst, kind, context, since, until, strength in _TIES:
        out["partnerships"].append({
            "source_id": f"org-{src}", "target_id": f"org-{dst}", "kind": kind,
            "context": context, "since": since, "until": until, "strength": str(strength),
        })  # fmt: skip
    items = ("reliability", "mission_support", "openness")
    values = ("power_influence", "involvement", "resource_contribution")
    for wave, a, b, trust, value in _RATINGS:
        row = {"wave": WAVES[wave], "respondent_id": f"org-{a}", "partner_id": f"org-{b}",
               "frequency": "monthly", "context": "routine"}  # fmt: skip
        row.update({k: str(x) for k, x in zip(items, trust, strict=True)})
        row.update({k: str(x) for k, x in zip(values, value, strict=True)})
        out["survey_responses"].append(row)
    return out
