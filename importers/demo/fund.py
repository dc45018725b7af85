"""The demo's fund instruments: compass ratings and selection assessments (SPEC section 9).

* ``compass_ratings.csv``: three towns (Sderot, Kiryat Malachi, Yeruham) rated
  in 2022 (year one) and 2024 (year three) on the seven infrastructure
  outcomes in four mobility domains (the seed's ECOSTEM21, early childhood,
  informal education and young adults, the last as ``employment``). Each town
  has a base status per year and a few planted exceptions (see
  ``importers/demo/FINDINGS.md``, "The fund's instruments").
* ``assessments.csv``: all nine towns scored 1-5 on the nine qualitative
  criteria by two assessors; the second differs from the first where
  :data:`SECOND_OPINION` says so.

Examples
--------
>>> rows = compass_rows()
>>> len(rows), sorted({r["locality_id"] for r in rows})
(167, ['loc-kiryat-malachi', 'loc-sderot', 'loc-yeruham'])
>>> len(assessment_rows())
162
"""

from __future__ import annotations

from graph.model_process import CompassOutcome, Criterion
from importers.demo.catalog import TOWNS_BY_KEY

__all__ = [
    "ASSESSORS",
    "COMPASS_DOMAINS",
    "COMPASS_PLAN",
    "FUND_COLUMNS",
    "SCORES",
    "SECOND_OPINION",
    "assessment_rows",
    "compass_rows",
]

FUND_COLUMNS: dict[str, list[str]] = {
    "compass_ratings": ["locality_id", "domain", "outcome", "year", "status", "statement",
                        "evidence"],
    "assessments": ["locality_id", "criterion", "score", "assessor", "date", "note"],
}  # fmt: skip

COMPASS_DOMAINS = ("stem21", "early_childhood", "informal_education", "employment")
YEARS = (2022, 2024)

#: Town -> (base status in 2022, base status in 2024, {(outcome, domain): (2022, 2024)}).
#: A status of "" means the cell was not rated that year.
COMPASS_PLAN: dict[str, tuple[str, str, dict[tuple[str, str], tuple[str, str]]]] = {
    "sde": ("partly", "met", {
        ("public_participation", "informal_education"): ("met", "partly"),   # declined
        ("continuum", "stem21"): ("not_met", "not_met"),                     # same
        ("workforce", "employment"): ("", "met"),                            # single (2024)
    }),
    "km": ("not_met", "partly", {
        ("data_culture", "early_childhood"): ("not_met", "met"),             # improved by two
        ("policy_influence", "stem21"): ("not_met", "not_met"),
        ("policy_influence", "early_childhood"): ("not_met", "not_met"),
        ("policy_influence", "informal_education"): ("not_met", "not_met"),
        ("policy_influence", "employment"): ("not_met", "not_met"),
    }),
    "yer": ("partly", "partly", {
        ("resource_leverage", "early_childhood"): ("partly", "not_met"),     # declined
    }),
}  # fmt: skip

_STATEMENTS = {
    "shared_outcomes": "יעד יישובי ארוך טווח אומץ בתחום",
    "data_culture": "בעלי תפקידים מתייחסים לסט נתונים קבוע בקבלת החלטות",
    "resource_leverage": "תקציבים בין-מגזריים מתואמים סביב היעד",
    "public_participation": "תושבים שותפים לקבלת החלטות בתחום",
    "workforce": "בעלי התפקידים בתחום הוכשרו ומאוישים",
    "continuum": "קיים רצף בין קבוצות הגיל בתחום",
    "policy_influence": "סדרי העדיפויות של הרשות משקפים את התחום",
}

ASSESSORS = ("צוות היישוב במרכז", 'מחלקת מו"פ, קרן רש"י')
_CRITERIA = [c.value for c in Criterion]

#: Town -> the first assessor's scores, in the order of Criterion (formal_leadership,
#: informal_leadership, community_cooperation, external_trends, other_investments,
#: major_moves, stable_leadership, urgency, resources).
SCORES: dict[str, tuple[int, ...]] = {
    "km": (4, 3, 3, 3, 4, 3, 4, 5, 3),
    "ash": (3, 3, 2, 4, 4, 3, 3, 2, 4),
    "sde": (5, 4, 4, 3, 5, 4, 4, 4, 4),
    "ofa": (4, 4, 3, 3, 3, 3, 2, 5, 2),
    "nof": (3, 2, 2, 3, 3, 2, 3, 3, 3),
    "bsh": (4, 3, 3, 2, 3, 3, 4, 4, 3),
    "yar": (5, 5, 4, 2, 2, 2, 5, 4, 2),
    "shn": (4, 4, 4, 3, 3, 3, 5, 2, 5),
    "yer": (5, 4, 5, 3, 3, 3, 5, 5, 3),
}

#: (town, criterion) -> the second assessor's score where it differs from the first.
SECOND_OPINION: dict[tuple[str, str], int] = {
    ("yer", "urgency"): 4,  # Yeruham urgency: mean 4.5
    ("ofa", "stable_leadership"): 1,  # Ofakim stable leadership: mean 1.5
    ("sde", "formal_leadership"): 4,  # Sderot formal leadership: mean 4.5
    ("nof", "community_cooperation"): 1,  # Nof HaGalil cooperation: mean 1.5
    ("km", "resources"): 2,  # Kiryat Malachi resources: mean 2.5
}


def compass_rows() -> list[dict[str, str]]:
    """The rows of ``compass_ratings.csv``."""
    rows = []
    for town_key, (base1, base2, exceptions) in COMPASS_PLAN.items():
        town = TOWNS_BY_KEY[town_key]
        for outcome in CompassOutcome:
            for domain in COMPASS_DOMAINS:
                statuses = exceptions.get((outcome.value, domain), (base1, base2))
                for year, status in zip(YEARS, statuses, strict=True):
                    if not status:
                        continue
                    rows.append({
                        "locality_id": town.id, "domain": domain, "outcome": outcome.value,
                        "year": str(year), "status": status,
                        "statement": _STATEMENTS[outcome.value],
                        "evidence": f"פרוטוקול המינהלת היישובית {year}",
                    })  # fmt: skip
    return rows


def assessment_rows() -> list[dict[str, str]]:
    """The rows of ``assessments.csv``."""
    rows = []
    for town_key, scores in SCORES.items():
        town = TOWNS_BY_KEY[town_key]
        for criterion, score in zip(_CRITERIA, scores, strict=True):
            for n, assessor in enumerate(ASSESSORS):
                value = SECOND_OPINION.get((town_key, criterion), score) if n else score
                rows.append({
                    "locality_id": town.id, "criterion": criterion, "score": str(value),
                    "assessor": assessor, "date": "2026-06-01", "note": "",
                })  # fmt: skip
    return rows
