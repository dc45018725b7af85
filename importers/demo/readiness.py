"""Emergency needs and capabilities of three demo towns: Sderot, Ofakim and Yeruham.

Written into ``needs.csv`` and ``capabilities.csv`` by :mod:`importers.demo.build`.
The gaps planted here are listed in ``importers/demo/FINDINGS.md`` (``## Emergency
readiness``) and checked by ``tests/importers/test_demo_readiness.py``. The areas are
neighbourhoods of each town; populations are the people of the area who would need
the service in a week of emergency (a planning figure, not a census count).

Examples
--------
>>> t = tables()
>>> len(t["needs"]), len(t["capabilities"])
(30, 22)
>>> t["capabilities"][0]["id"]
'capability:org-sde-npo-volunteers:volunteers'
"""

from __future__ import annotations

__all__ = ["CAPABILITIES", "COLUMNS", "NEEDS", "tables"]

Row = dict[str, str]

COLUMNS: dict[str, list[str]] = {
    "needs": ["id", "locality_id", "area", "category", "population", "severity", "note"],
    "capabilities": ["id", "organization_id", "category", "capacity", "areas", "languages",
                     "available_24_7", "contact_role_id"],
}  # fmt: skip

_TOWN = {"sde": "loc-sderot", "ofa": "loc-ofakim", "yer": "loc-yeruham"}

# town, area, category, population, severity, note
NEEDS: list[tuple[str, str, str, int, int, str]] = [
    ("sde", "נווה אשכול", "food", 600, 5, "משפחות שלא יכולות לצאת לקנות בימי ירי"),
    ("sde", "נאות הנשיא", "food", 300, 4, ""),
    ("sde", "מרכז העיר", "food", 200, 4, ""),
    ("sde", "נווה אשכול", "shelter", 800, 5, 'בתים ישנים ללא ממ"ד'),
    ("sde", "נאות הנשיא", "shelter", 400, 5, ""),
    ("sde", "נווה אשכול", "mental_health", 150, 4, ""),
    ("sde", "נאות הנשיא", "elderly_care", 120, 5, "ותיקים בודדים"),
    ("sde", "מרכז העיר", "volunteers", 100, 3, ""),
    ("sde", "נווה אשכול", "translation", 80, 3, "עולים ותיקים דוברי רוסית ואמהרית"),
    ("sde", "נאות הנשיא", "transport", 200, 4, "פינוי לבית מלון"),
    ("sde", "מרכז העיר", "information", 1000, 2, ""),
    ("ofa", "מישור הגפן", "shelter", 500, 5, ""),
    ("ofa", "ורדים", "shelter", 700, 5, ""),
    ("ofa", "מישור הגפן", "food", 300, 5, ""),
    ("ofa", "ורדים", "food", 250, 5, ""),
    ("ofa", "מרכז", "equipment", 30, 4, "גנרטורים למקלטים ציבוריים"),
    ("ofa", "מרכז", "mental_health", 200, 4, ""),
    ("ofa", "ורדים", "elderly_care", 150, 4, ""),
    ("ofa", "מרכז", "childcare", 100, 3, "ילדי צוותי חירום"),
    ("ofa", "מישור הגפן", "translation", 50, 3, ""),
    ("ofa", "מרכז", "information", 800, 2, ""),
    ("yer", "מרכז", "shelter", 300, 5, ""),
    ("yer", "שכונת האגם", "shelter", 200, 5, ""),
    ("yer", "מרכז", "volunteers", 100, 3, ""),
    ("yer", "נווה שלום", "transport", 150, 4, ""),
    ("yer", "מרכז", "food", 150, 4, ""),
    ("yer", "נווה שלום", "elderly_care", 90, 5, ""),
    ("yer", "מרכז", "mental_health", 120, 4, ""),
    ("yer", "שכונת האגם", "medical", 200, 5, "אין מרפאה בשכונה"),
    ("yer", "מרכז", "information", 500, 2, ""),
]

# org key, category, capacity, areas (";"), languages, 24/7, contact role key
CAPABILITIES: list[tuple[str, str, str, str, str, bool, str]] = [
    ("sde-npo-volunteers", "volunteers", "300", "", "he;ru", True, ""),
    ("sde-npo-volunteers", "food", "400", "נווה אשכול;נאות הנשיא", "he", False, ""),
    ("sde-biz-bakery", "food", "150", "מרכז העיר", "he", False, ""),
    ("sde-npo-resilience", "mental_health", "200", "", "he;ru;am", True, "sde-resilience"),
    ("sde-matnas", "shelter", "500", "נווה אשכול;נאות הנשיא", "he", True,
     "sde-matnas-director"),
    ("sde-welfare", "elderly_care", "150", "", "he;ru", False, "sde-welfare-head"),
    ("sde-biz-print", "information", "5000", "", "he", False, ""),
    ("hfc-south", "information", "20000", "", "he;ar;en;ru", True, "hfc-south-officer"),
    ("ofa-biz-solar", "equipment", "40", "", "he", False, ""),
    ("ofa-matnas", "shelter", "600", "", "he", True, "ofa-matnas-director"),
    ("ofa-matnas", "childcare", "150", "מרכז", "he", False, "ofa-matnas-director"),
    ("ofa-npo-women", "translation", "60", "", "he;ar;am", False, ""),
    ("ofa-syn-or-hachaim", "food", "250", "מישור הגפן", "he", False, ""),
    ("ofa-welfare", "elderly_care", "100", "", "he", False, "ofa-welfare-head"),
    ("bgu", "mental_health", "100", "", "he;ar;en", False, ""),
    ("yer-matnas", "shelter", "400", "", "he", True, "yer-matnas-director"),
    ("yer-npo-desert", "volunteers", "120", "", "he", False, ""),
    ("yer-biz-lake", "transport", "60", "", "he", False, ""),
    ("yer-biz-cafe", "food", "100", "מרכז", "he", False, ""),
    ("yer-welfare", "elderly_care", "80", "", "he", False, "yer-volunteers"),
    ("hfc-south", "shelter", "", "", "he;ar", True, "hfc-south-officer"),
    ("yer-auth", "information", "", "", "he", False, "yer-resilience"),
]  # fmt: skip


def tables() -> dict[str, list[Row]]:
    """``needs`` and ``capabilities`` rows (column -> cell text)."""
    needs: list[Row] = []
    counter: dict[tuple[str, str], int] = {}
    for town, area, category, population, severity, note in NEEDS:
        n = counter[(town, category)] = counter.get((town, category), 0) + 1
        needs.append({
            "id": f"need-{town}-{category.replace('_', '-')}-{n}",
            "locality_id": _TOWN[town], "area": area, "category": category,
            "population": str(population), "severity": str(severity), "note": note,
        })  # fmt: skip
    caps: list[Row] = []
    for org, category, capacity, areas, languages, always, role in CAPABILITIES:
        caps.append({
            "id": f"capability:org-{org}:{category}", "organization_id": f"org-{org}",
            "category": category, "capacity": capacity, "areas": areas,
            "languages": languages, "available_24_7": "true" if always else "false",
            "contact_role_id": f"role-{role}" if role else "",
        })  # fmt: skip
    return {"needs": needs, "capabilities": caps}
