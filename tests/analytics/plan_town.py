"""A hand-worked collective plan (SPEC section 8), seen as of 2026-06-30.

Every expected value below is worked out by hand from these records; the tests
in test_plan.py, tests/store/test_plan_store.py, tests/api/test_plan_api.py and
tests/browser/test_plan_browser.py all use it.

Goals (as of 2026-06-30):
- ``g-ach``: 10 -> 20 by 2027, baseline year 2024; readings 15 (2025-01-01) and
  21 (2026-03-01): progress (21-10)/(20-10) = 1.1 -> achieved.
- ``g-on``: 100 -> 200 by 2027, baseline year 2024; reading 163 on 2026-06-01
  (progress 0.63) and 100 on 2026-09-01 (after the date: ignored). Time gone:
  2024-01-01 .. 2026-06-30 = 911 of the 1,460 days to 2027-12-31 = 0.624 ->
  on track (0.63 >= 0.624).
- ``g-behind``: 40 -> 20 by 2026 (lowering), no baseline year; readings 40
  (2025-01-01, the first: the clock starts here) and 35 (2026-01-01):
  progress (35-40)/(20-40) = 0.25; time gone 545 of 729 days = 0.7476 ->
  behind; no program advances it.
- ``g-none``: no reading -> no_data.

Programs: ``p1`` (ngo, partner biz) advances g-on and g-ach; ``p2`` (the
authority) advances g-on; ``p3`` (ngo) advances nothing.

Investments (amount, year, kind, status):
- i1 auth -> p2 100,000 2025 budget paid
- i2 fund -> p1 300,000 2025 matching committed
- i3 gov  -> p1 200,000 2026 grant paid
- i4 fund -> p1 500,000 2026 grant planned      (never in leverage)
- i5 biz  -> p1  50,000 2027 in_kind committed  (a year after the date: nowhere)
- i6 auth -> p2 100,000 2026 matching committed
- i7 fund -> p3  80,000 2025 grant paid         (serves no goal)
- i8 gov  -> the town's employment domain 40,000 2026 grant committed (no program)
- i9 fund -> p1 999,999 2024 grant paid, in USD (not summed: other_currency)

Leverage: authority i1 + i6 = 200,000; external i2 + i3 + i7 + i8 = 620,000;
ratio 3.1; matching i2 + i6 = 400,000; 2025: 100,000 / 380,000,
2026: 100,000 / 240,000.

Agreement ``a1`` (signed 2025-03-01) has commitments c1 open due 2026-03-31
(overdue by 91 days), c2 done, c3 dropped, c4 open due 2026-12-31, c5 open due
"2026" (= 31 December), c6 open due 2026-06-30 (the date itself: not before it).
``a2`` is signed in 2027 and ``a3`` belongs to another town: neither is listed.
"""

from __future__ import annotations

import datetime as dt

from graph.model import (
    Goal,
    Investment,
    Locality,
    NodeRecord,
    Organization,
    Program,
    ProgramPartner,
    RelRecord,
    edge_record,
    to_record,
)
from graph.model import Role as RoleNode
from graph.model_process import Agreement, Commitment, GoalReading

AS_OF = dt.date(2026, 6, 30)
LOCALITY = "town"


def plan_town_records() -> tuple[list[NodeRecord], list[RelRecord]]:
    """The records of the plan town (nodes, explicit relationships)."""
    nodes = [
        Locality(id="town", name="עיירה", name_en="Town"),
        Locality(id="other", name="עיר אחרת", name_en="Other town"),
        Organization(id="auth", name="המועצה המקומית", sector="local_authority",
                     locality_ids=["town"]),
        Organization(id="ngo", name="עמותת צעד", sector="nonprofit", locality_ids=["town"]),
        Organization(id="fund", name="קרן הדרום", sector="philanthropy"),
        Organization(id="gov", name="משרד החינוך", sector="government"),
        Organization(id="biz", name="מפעל הגליל", sector="business", locality_ids=["town"]),
        Organization(id="other-auth", name="עיריית העיר האחרת", sector="local_authority",
                     locality_ids=["other"]),
        RoleNode(id="ceo", title="מנכ\"ל המועצה", kind="authority_ceo", organization_id="auth"),
        Goal(id="g-ach", locality_id="town", domain="early_childhood", title="מוכנות לכיתה א",
             baseline=10, target=20, target_year=2027, owner_id="ceo", baseline_year=2024),
        Goal(id="g-on", locality_id="town", domain="informal_education",
             title="חניכים בתנועות הנוער", baseline=100, target=200, target_year=2027,
             baseline_year=2024),
        Goal(id="g-behind", locality_id="town", domain="welfare", title="הפחתת נשירה",
             baseline=40, target=20, target_year=2026),
        Goal(id="g-none", locality_id="town", domain="employment", title="תעסוקת צעירים",
             baseline=60, target=70, target_year=2028),
        GoalReading(goal_id="g-ach", date="2025-01-01", value=15),
        GoalReading(goal_id="g-ach", date="2026-03-01", value=21),
        GoalReading(goal_id="g-on", date="2026-06-01", value=163),
        GoalReading(goal_id="g-on", date="2026-09-01", value=100),
        GoalReading(goal_id="g-behind", date="2025-01-01", value=40),
        GoalReading(goal_id="g-behind", date="2026-01-01", value=35),
        Program(id="p1", name="שפה ותנועה", operator_id="ngo", locality_id="town",
                domains=["informal_education"], goal_ids=["g-on", "g-ach"]),
        Program(id="p2", name="מועדוני נוער", operator_id="auth", locality_id="town",
                domains=["informal_education"], goal_ids=["g-on"]),
        Program(id="p3", name="חוג שחמט", operator_id="ngo", locality_id="town",
                domains=["informal_education"]),
        Investment(id="i1", funder_id="auth", program_id="p2", amount=100000, year=2025,
                   kind="budget", status="paid"),
        Investment(id="i2", funder_id="fund", program_id="p1", amount=300000, year=2025,
                   kind="matching", status="committed"),
        Investment(id="i3", funder_id="gov", program_id="p1", amount=200000, year=2026,
                   kind="grant", status="paid"),
        Investment(id="i4", funder_id="fund", program_id="p1", amount=500000, year=2026,
                   kind="grant", status="planned"),
        Investment(id="i5", funder_id="biz", program_id="p1", amount=50000, year=2027,
                   kind="in_kind", status="committed"),
        Investment(id="i6", funder_id="auth", program_id="p2", amount=100000, year=2026,
                   kind="matching", status="committed"),
        Investment(id="i7", funder_id="fund", program_id="p3", amount=80000, year=2025,
                   kind="grant", status="paid"),
        Investment(id="i8", funder_id="gov", locality_id="town", domain="employment",
                   amount=40000, year=2026, kind="grant", status="committed"),
        Investment(id="i9", funder_id="fund", program_id="p1", amount=999999, year=2024,
                   kind="grant", status="paid", currency="USD"),
        Agreement(id="a1", title="מזכר הבנות לקידום הנוער", locality_id="town",
                  party_ids=["auth", "fund", "ngo"], signed="2025-03-01", until="2027",
                  budget=1500000),
        Agreement(id="a2", title="הסכם עתידי", locality_id="town", party_ids=["auth"],
                  signed="2027-01-01"),
        Agreement(id="a3", title="הסכם בעיר אחרת", locality_id="other",
                  party_ids=["other-auth"], signed="2025-01-01"),
        Commitment(id="c1", agreement_id="a1", party_id="auth", description="מינוי רכז נוער",
                   due="2026-03-31", status="open"),
        Commitment(id="c2", agreement_id="a1", party_id="fund", description="העברת מענק ראשון",
                   due="2025-12-31", status="done"),
        Commitment(id="c3", agreement_id="a1", party_id="ngo", description="פתיחת סניף שני",
                   due="2026-01-01", status="dropped"),
        Commitment(id="c4", agreement_id="a1", party_id="ngo", description="דוח שנתי",
                   due="2026-12-31", status="open"),
        Commitment(id="c5", agreement_id="a1", party_id="fund", description="מענק שני",
                   due="2026", status="open"),
        Commitment(id="c6", agreement_id="a1", party_id="auth", description="כינוס ועדת היגוי",
                   due="2026-06-30", status="open"),
        Commitment(id="c7", agreement_id="a3", party_id="other-auth", description="אחר",
                   due="2025-02-01", status="open"),
    ]  # fmt: skip
    rels = [ProgramPartner(program_id="p1", organization_id="biz", role="שותף עסקי")]
    return [to_record(n) for n in nodes], [edge_record(r) for r in rels]
