"""The demo's collective plans (SPEC section 8): goal readings, two MOUs, and more money.

* ``goal_readings.csv``: readings of nine of the eleven demo goals (the
  first reading of each is its baseline, and starts its clock); Nof HaGalil's
  and Yarka's goals have none (``no_data``).
* ``agreements.csv`` / ``commitments.csv``: one MOU with commitments in Kiryat
  Malachi and one in Sderot, some of them overdue as of 2026-11-30.
* extra ``investments.csv`` rows for the two MOU towns (2025-2027, every
  status), only between funders and programs that the demo already ties, so
  the actor network and its findings stay as they were.

What a user should find is in ``importers/demo/FINDINGS.md`` ("The plan and
its money").

Examples
--------
>>> t = tables()
>>> len(t["goal_readings"]), len(t["agreements"]), len(t["commitments"])
(24, 2, 12)
>>> sorted({r["status"] for r in plan_investments()})
['committed', 'paid', 'planned']
"""

from __future__ import annotations

from importers.demo.activities import GOALS

__all__ = ["AGREEMENTS", "COMMITMENTS", "INVESTMENTS", "PLAN_COLUMNS", "READINGS", "tables"]

PLAN_COLUMNS: dict[str, list[str]] = {
    "goal_readings": ["goal_id", "date", "value", "source"],
    "agreements": ["id", "title", "locality_id", "party_ids", "signed", "until", "budget",
                   "governance_forum_id"],
    "commitments": ["id", "agreement_id", "party_id", "description", "due", "status"],
}  # fmt: skip

#: Goal id -> its readings (date, value, source).
READINGS: dict[str, list[tuple[str, float, str]]] = {
    # achieved: 46 of a target of 45
    "goal-km-language": [
        ("2023-01-15", 18, "מחלקת הגיל הרך"), ("2024-06-30", 27, "מחלקת הגיל הרך"),
        ("2025-06-30", 35, "מחלקת הגיל הרך"), ("2026-06-30", 46, "מחלקת הגיל הרך"),
    ],
    # behind (1 of 13 points with 75% of the time gone) and no program: a leverage point
    "goal-km-matriculation": [
        ("2023-09-01", 62, "משרד החינוך"), ("2025-09-01", 63, "משרד החינוך"),
    ],
    # on track: 520 of 600 (87%) with 78% of the time gone
    "goal-km-youth": [
        ("2023-01-01", 1200, "היחידה לקידום נוער"), ("2024-01-01", 1350, "היחידה לקידום נוער"),
        ("2025-01-01", 1500, "היחידה לקידום נוער"), ("2026-09-01", 1720, "היחידה לקידום נוער"),
    ],
    # behind with money: 3 of 10 points, 78% of the time gone
    "goal-ash-employment": [("2023-03-01", 68, "למ\"ס"), ("2025-03-01", 71, "למ\"ס")],
    # on track: 9 of 11 points (82%) with 78% of the time gone
    "goal-sde-stem": [
        ("2023-01-01", 24, "אגף החינוך"), ("2024-09-01", 27, "אגף החינוך"),
        ("2026-09-01", 33, "אגף החינוך"),
    ],
    # behind: 4 of 11 points (36%), 78% of the time gone
    "goal-ofa-employment": [("2023-01-01", 61, "למ\"ס"), ("2026-01-01", 65, "למ\"ס")],
    # behind (14%, 58% of the time gone) and its program has no money: a leverage point
    "goal-ofa-higher": [("2024-01-01", 650, "המועצה להשכלה גבוהה"),
                        ("2026-01-01", 700, "המועצה להשכלה גבוהה")],
    # achieved exactly: 70 of 70
    "goal-bsh-reading": [("2023-06-01", 61, "ראמ\"ה"), ("2026-06-01", 70, "ראמ\"ה")],
    # behind by a hair: 96% of the way with 97% of the time gone
    "goal-shn-resilience": [
        ("2024-03-01", 40, "המועצה האזורית"), ("2025-03-01", 70, "המועצה האזורית"),
        ("2026-09-01", 88, "המועצה האזורית"),
    ],
}  # fmt: skip

#: (key, title, town locality id, parties, signed, until, budget, governance forum)
AGREEMENTS: list[tuple[str, str, str, list[str], str, str, int, str]] = [
    ("km-mou", "מזכר הבנות: התכנית הקולקטיבית של קריית מלאכי", "loc-kiryat-malachi",
     ["org-km-auth", "org-rashi", "org-km-matnas", "org-jafi"], "2024-02-01", "2027",
     2_000_000, "forum-km-admin"),
    ("sde-mou", "מזכר הבנות: רצף STEM בשדרות", "loc-sderot",
     ["org-sde-auth", "org-samueli", "org-sde-matnas", "org-sapir"], "2023-09-01",
     "2026-12-31", 1_500_000, "forum-sde-admin"),
]  # fmt: skip

#: (key, agreement key, party, description, due, status)
COMMITMENTS: list[tuple[str, str, str, str, str, str]] = [
    ("km-1", "km-mou", "org-km-auth", "מינוי מנהלת שותפויות", "2024-06-30", "done"),
    ("km-2", "km-mou", "org-km-auth", "תקציב השלמה לתנועות הנוער לשנת 2025", "2025-03-31", "done"),
    ("km-3", "km-mou", "org-rashi", "מענק שנה שנייה לתכנית השפה", "2025-12-31", "done"),
    ("km-4", "km-mou", "org-km-matnas", "דוח נתוני השתתפות במועדוני הנוער", "2026-06-30", "open"),
    ("km-5", "km-mou", "org-km-auth", "הקמת לוח נתונים יישובי", "2026-09-30", "open"),
    ("km-6", "km-mou", "org-jafi", "תכנית מתנדבים בבתי הספר", "2025-09-01", "dropped"),
    ("km-7", "km-mou", "org-rashi", "מענק שנה שלישית", "2026-12-31", "open"),
    ("sde-1", "sde-mou", "org-samueli", "מענק 2024 לגני ECOSTEM", "2024-03-31", "done"),
    ("sde-2", "sde-mou", "org-sde-auth", "תקציב השלמה 2024", "2024-06-30", "done"),
    ("sde-3", "sde-mou", "org-sapir", "אירוח האקדמיה הצעירה בקמפוס", "2025-10-01", "done"),
    ("sde-4", "sde-mou", "org-sde-matnas", "הרחבת מרחב היצירה לחטיבות הביניים", "2026-03-01",
     "open"),
    ("sde-5", "sde-mou", "org-samueli", "מענק 2026", "2026-12-31", "open"),
]  # fmt: skip

#: (id suffix, funder, program, amount, year, kind, status): pairs the demo already has.
INVESTMENTS: list[tuple[str, str, str, int, int, str, str]] = [
    ("km-youth-2025", "org-km-auth", "prog-km-youth-clubs", 260_000, 2025, "matching", "paid"),
    ("km-youth-2026", "org-km-auth", "prog-km-youth-clubs", 270_000, 2026, "budget", "committed"),
    ("km-youth-jafi-2026", "org-jafi", "prog-km-youth-clubs", 150_000, 2026, "matching",
     "committed"),
    ("km-youth-2027", "org-km-auth", "prog-km-youth-clubs", 300_000, 2027, "budget", "planned"),
    ("sde-ecostem-2025", "org-samueli", "prog-sde-ecostem-kinder", 320_000, 2025, "grant",
     "paid"),
    ("sde-ecostem-auth-2025", "org-sde-auth", "prog-sde-ecostem-kinder", 110_000, 2025,
     "matching", "paid"),
    ("sde-ecostem-2026", "org-samueli", "prog-sde-ecostem-kinder", 330_000, 2026, "grant",
     "committed"),
    ("sde-ecostem-auth-2026", "org-sde-auth", "prog-sde-ecostem-kinder", 120_000, 2026,
     "matching", "committed"),
    ("sde-ecostem-2027", "org-samueli", "prog-sde-ecostem-kinder", 350_000, 2027, "grant",
     "planned"),
    ("sde-makers-2027", "org-sde-biz-print", "prog-sde-makers", 45_000, 2027, "in_kind",
     "planned"),
]  # fmt: skip


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def plan_investments() -> list[dict[str, str]]:
    """The extra investment rows (columns of ``investments.csv``)."""
    return [
        {
            "id": f"inv-plan-{key}", "funder_id": funder, "program_id": program,
            "locality_id": "", "domain": "", "amount": str(amount), "currency": "ILS",
            "year": str(year), "kind": kind, "status": status,
        }
        for key, funder, program, amount, year, kind, status in INVESTMENTS
    ]  # fmt: skip


def tables() -> dict[str, list[dict[str, str]]]:
    """``goal_readings``, ``agreements`` and ``commitments`` rows."""
    known = {"goal-" + g.key.replace("-goal-", "-") for g in GOALS}
    readings = []
    for goal, rows in READINGS.items():
        if goal not in known:
            raise ValueError(f"demo plan: readings of an unknown goal {goal!r}")
        for date, value, source in rows:
            readings.append({"goal_id": goal, "date": date, "value": _num(value), "source": source})
    agreements = [
        {
            "id": f"agreement-{key}", "title": title, "locality_id": loc,
            "party_ids": ";".join(parties), "signed": signed, "until": until,
            "budget": str(budget), "governance_forum_id": forum,
        }
        for key, title, loc, parties, signed, until, budget, forum in AGREEMENTS
    ]  # fmt: skip
    commitments = [
        {
            "id": f"commitment-{key}", "agreement_id": f"agreement-{agreement}",
            "party_id": party, "description": text, "due": due, "status": status,
        }
        for key, agreement, party, text, due, status in COMMITMENTS
    ]  # fmt: skip
    return {"goal_readings": readings, "agreements": agreements, "commitments": commitments}
