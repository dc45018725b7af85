"""What the demo's actors do: programs, the money behind them, and goals.

Programs are written per town as :class:`Prog` rows. Operators, partners and
funders are organisation keys of :mod:`importers.demo.catalog` (without the
``org-`` prefix); an investment is ``"funder:amount:year:kind:status"``.
Within one town no two programs of different operators share a domain with
overlapping ages and periods, except the duplicates planted on purpose
(``FINDINGS.md``); the tests check exactly that.

Examples
--------
>>> len(PROGRAMS) >= 80
True
>>> first = PROGRAMS[0]
>>> (first.key, first.ages, first.investments[0].split(":")[0])
('km-first-words', (0, 3), 'rashi')
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GOALS", "PROGRAMS", "UNALLOCATED", "Goal", "Prog"]


@dataclass(frozen=True)
class Prog:
    """One program (key, name, operator key, town key, domains, ages, period, ...)."""

    key: str
    name: str
    operator: str
    town: str
    domains: str
    ages: tuple[int, int]
    period: tuple[int, int]
    target: str = ""
    context: str = "routine"
    status: str = "active"
    goals: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    investments: tuple[str, ...] = ()
    description: str = ""


P = Prog
EC, FE, IE = "early_childhood", "formal_education", "informal_education"
MS, HE, EMP = "meaningful_service", "higher_education", "employment"
STEM, WEL, HEA, COM, EMR = "stem21", "welfare", "health", "community", "emergency"
KIDS, TEENS, YOUNG, ALL = "ילדים", "בני נוער", "צעירים", "כלל התושבים"
TODDLERS = "פעוטות והוריהם"

PROGRAMS: list[Prog] = [
    # -- Kiryat Malachi: early childhood, the planted duplicate pair and its near misses
    P("km-first-words", "שפה ראשונה – העשרה שפתית לגיל הרך", "km-npo-words", "km", EC, (0, 3),
      (2022, 2026), TODDLERS, goals=("km-goal-language",), partners=("km-ec",),
      investments=("rashi:380000:2023:grant:paid", "rashi:400000:2024:grant:committed"),
      description="מפגשי שפה שבועיים לפעוטות ולהוריהם במעונות ובבית"),
    P("km-good-word", "מילה טובה – שפה ותקשורת לפעוטות", "km-npo-steps", "km", EC, (0, 3),
      (2023, 2026), TODDLERS,
      investments=("uja:420000:2023:grant:paid", "uja:450000:2024:grant:committed"),
      description="הדרכת הורים וקבוצות שפה לפעוטות בשכונות העיר"),
    P("km-kinder-language", "גן שפה – העשרה שפתית לגני חובה", "km-npo-light", "km", EC, (5, 6),
      (2022, 2025), "ילדי גני חובה", investments=("moe-south:150000:2023:matching:paid",)),
    P("km-home-language", "שפה בבית – ליווי הורים להתפתחות שפה", "km-ec", "km", EC, (0, 3),
      (2016, 2019), TODDLERS, status="ended", investments=("km-auth:90000:2017:budget:paid",)),
    P("km-tipat-halav", "טיפת חלב – מעקב התפתחותי", "health-min", "km", HEA, (0, 3),
      (2020, 2026), TODDLERS, investments=("health-min:260000:2023:budget:paid",)),
    P("km-reading", "תגבור קריאה בכיתות א'-ב'", "km-edu", "km", FE, (6, 8), (2022, 2025), KIDS,
      partners=("km-school1", "moe-south"),
      investments=("moe-south:300000:2023:matching:paid", "km-auth:120000:2023:budget:paid")),
    P("km-youth-clubs", "מועדוני נוער ותנועות נוער", "km-matnas", "km", IE, (12, 18),
      (2021, 2026), TEENS, goals=("km-goal-youth",), partners=("km-ym-bnei-akiva",),
      investments=("km-auth:250000:2023:budget:paid", "jafi:100000:2023:grant:paid")),
    P("km-service-prep", "הכנה לשירות משמעותי", "km-youth", "km", MS, (16, 18), (2022, 2025),
      TEENS, partners=("km-ym-bnei-akiva",),
      investments=("km-auth:80000:2023:budget:paid", "lottery:120000:2023:grant:paid")),
    P("km-academic-path", "מסלול אקדמי – מלגות וליווי לסטודנטים", "km-yc", "km", HE, (18, 30),
      (2022, 2026), YOUNG, partners=("achva",),
      investments=("periphery:200000:2023:grant:paid", "achva:60000:2023:in_kind:paid")),
    P("km-employment", "הכוון תעסוקתי לצעירים", "km-yc", "km", EMP, (22, 35), (2021, 2025),
      YOUNG, partners=("km-biz-soreq",), investments=("labor:180000:2023:matching:paid",)),
    P("km-welfare-club", "מועדונית טיפולית", "km-welfare", "km", WEL, (6, 12), (2020, 2026),
      "ילדים בסיכון",
      investments=("welfare-south:340000:2023:matching:paid", "km-auth:110000:2023:budget:paid")),
    P("km-emergency", "חמ\"ל קהילתי לחירום", "km-matnas", "km", EMR, (0, 120), (2023, 2024), ALL,
      context="emergency", partners=("km-biz-market",),
      investments=("nea:150000:2023:grant:paid",)),
    P("km-math", "מצוינות במתמטיקה ובמדעים", "km-school2", "km", STEM, (14, 17), (2022, 2025),
      TEENS, partners=("achva",), investments=("trump:150000:2023:grant:paid",)),
    # -- Ashkelon
    P("ash-first-words", "שפה ראשונה – העשרה שפתית לגיל הרך", "km-npo-words", "ash", EC, (0, 3),
      (2022, 2025), TODDLERS, investments=("rothschild:200000:2023:grant:paid",)),
    P("ash-science-kinder", "גן מדעי – חקר בגני חובה", "ash-npo-science", "ash", STEM, (4, 6),
      (2023, 2025), "ילדי גנים", investments=("trump:90000:2023:grant:paid",)),
    P("ash-reading", "תגבור קריאה וחשבון", "ash-edu", "ash", FE, (6, 9), (2022, 2025), KIDS,
      partners=("ash-school1", "moe-south"),
      investments=("moe-south:450000:2023:matching:paid", "ash-auth:200000:2023:budget:paid")),
    P("ash-elem-youth", "נוער בסיכון – יחידה ניידת", "elem", "ash", WEL, (13, 18), (2021, 2025),
      "בני נוער בסיכון",
      investments=("welfare-south:280000:2023:matching:paid", "uja:150000:2022:grant:paid")),
    P("ash-youth-clubs", "מועדוני נוער שכונתיים", "ash-matnas", "ash", IE, (12, 18),
      (2020, 2026), TEENS, partners=("ash-ym-scouts",),
      investments=("ash-auth:600000:2023:budget:paid",)),
    P("ash-service", "מכינה קדם-צבאית אשקלון", "ash-youth", "ash", MS, (18, 19), (2021, 2026),
      "בוגרי י\"ב", partners=("ash-ym-scouts",),
      investments=("jafi:250000:2023:grant:paid",)),
    P("ash-higher", "עתיד בחוף – השכלה גבוהה לצעירים", "ashkelon-college", "ash", HE, (18, 30),
      (2022, 2026), YOUNG, partners=("ash-yc",),
      investments=("periphery:300000:2023:grant:paid",
                   "ashkelon-college:120000:2023:in_kind:paid")),
    P("ash-employment", "מרכז צעירים – תעסוקה ויזמות", "ash-yc", "ash", EMP, (22, 35),
      (2021, 2026), YOUNG, goals=("ash-goal-employment",), partners=("ash-biz-tech",),
      investments=("labor:250000:2023:matching:paid", "ash-biz-tech:80000:2023:in_kind:paid")),
    P("ash-elderly", "יד ביד – ביקורי בית לקשישים", "ash-npo-elderly", "ash", WEL, (65, 120),
      (2019, 2026), "קשישים בודדים", investments=("ash-auth:70000:2023:budget:paid",)),
    P("ash-emergency", "מוקד חירום עירוני – רווחה וחוסן", "ash-welfare", "ash", EMR, (0, 120),
      (2023, 2024), ALL, context="emergency", partners=("ash-npo-elderly",),
      investments=("nea:400000:2023:grant:paid", "hfc-south:50000:2023:in_kind:paid")),
    P("ash-cyber", "מגמת סייבר ורובוטיקה", "ash-school2", "ash", STEM, (15, 18), (2022, 2026),
      TEENS, partners=("ash-biz-tech",), investments=("trump:200000:2023:grant:paid",)),
    # -- Sderot: three after-school STEM programs (a planted group of three)
    P("sde-makers", "מייקרספייס לנוער", "sde-matnas", "sde", STEM, (12, 15), (2022, 2026),
      TEENS, goals=("sde-goal-stem",), partners=("sde-biz-print", "sde-biz-bakery"),
      investments=("samueli:250000:2023:grant:paid", "sde-biz-print:40000:2023:in_kind:paid")),
    P("sde-young-academy", "אקדמיה צעירה – מדע וטכנולוגיה", "sapir", "sde", STEM, (13, 17),
      (2023, 2026), TEENS,
      investments=("rashi:180000:2023:grant:paid", "sapir:90000:2023:in_kind:paid")),
    P("sde-robotics", "רובוטיקה אחרי הצהריים", "sde-npo-science", "sde", STEM, (10, 14),
      (2022, 2026), TEENS, investments=("trump:120000:2023:grant:paid",)),
    P("sde-ecostem-kinder", "ECOSTEM21 – חקר וסקרנות בגני הילדים", "sde-edu", "sde", STEM,
      (3, 6), (2022, 2026), "ילדי גנים", goals=("sde-goal-stem",), partners=("samueli",),
      investments=("samueli:300000:2023:grant:paid", "sde-auth:100000:2023:matching:paid")),
    P("sde-reading", "העצמה לימודית בבית הספר היסודי", "sde-edu", "sde", FE, (6, 12),
      (2022, 2025), KIDS, partners=("sde-school1", "moe-south"),
      investments=("moe-south:320000:2023:matching:paid",)),
    P("sde-enrichment", "חוגי העשרה בבתי הספר", "sde-matnas", "sde", IE, (6, 15), (2021, 2026),
      KIDS, partners=("sde-school1", "sde-school2"),
      investments=("sde-auth:180000:2023:budget:paid",)),
    P("sde-youth-movement", "חיזוק תנועות הנוער", "sde-matnas", "sde", IE, (9, 18),
      (2022, 2026), TEENS, partners=("sde-ym-noal",),
      investments=("jafi:90000:2023:grant:paid",)),
    P("sde-service", "שנת שירות ומכינה – שדרות", "sde-youth", "sde", MS, (18, 19),
      (2022, 2026), "בוגרי י\"ב", partners=("sde-ym-noal",),
      investments=("periphery:160000:2023:grant:paid",)),
    P("sde-employment", "צעירים בעוטף – תעסוקה ומגורים", "sde-yc", "sde", EMP, (22, 35),
      (2022, 2026), YOUNG, partners=("sapir",),
      investments=("periphery:350000:2023:grant:paid", "pmo:200000:2024:grant:committed")),
    P("sde-resilience", "מרכז החוסן – טיפול ברצף", "sde-npo-resilience", "sde", f"{HEA};{EMR}",
      (0, 120), (2010, 2026), ALL, context="both",
      investments=("health-min:900000:2023:budget:paid", "nea:300000:2024:grant:committed")),
    P("sde-volunteers", "לב אחד – מתנדבים בחירום", "sde-npo-volunteers", "sde", COM, (18, 120),
      (2023, 2025), "מתנדבים ותושבים", context="emergency",
      investments=("jdc:60000:2024:grant:paid",)),
    P("sde-welfare-club", "מועדונית רווחה", "sde-welfare", "sde", WEL, (6, 12), (2020, 2026),
      "ילדים בסיכון", investments=("welfare-south:280000:2023:matching:paid",)),
    P("sde-elem", "עלם – נוער בסיכון שדרות", "elem", "sde", WEL, (13, 18), (2021, 2025),
      "בני נוער בסיכון",
      investments=("welfare-south:150000:2023:matching:paid", "uja:100000:2024:grant:paid")),
    # -- Ofakim: employment (a coordinated duplicate pair), a goal with no money
    P("ofa-young-careers", "מרכז צעירים אופקים – הכוון תעסוקתי", "ofa-yc", "ofa", EMP, (22, 35),
      (2023, 2026), YOUNG, goals=("ofa-goal-employment",),
      investments=("labor:220000:2023:matching:paid", "ofa-auth:80000:2023:budget:paid")),
    P("ofa-transition", "קריירה בדרום – ליווי לתעסוקה", "ofa-npo-transition", "ofa", EMP,
      (18, 30), (2022, 2026), YOUNG, goals=("ofa-goal-employment",),
      partners=("ofa-biz-metal",), investments=("yad-hanadiv:300000:2023:grant:paid",)),
    P("ofa-higher", "גשר לאקדמיה – ליווי צעירים להשכלה גבוהה", "bgu", "ofa", HE, (18, 30),
      (2024, 2027), YOUNG, goals=("ofa-goal-higher",), partners=("ofa-yc",),
      description="פועל בהתנדבות סטודנטים; אין לו תקציב מוקצה"),
    P("ofa-early", "הורים ופעוטות – מרכז הורים-ילדים", "ofa-ec", "ofa", EC, (0, 3),
      (2022, 2026), TODDLERS,
      investments=("rashi:200000:2023:grant:paid", "ofa-auth:100000:2023:budget:paid")),
    P("ofa-reading", "קריאה ומתמטיקה בבית הספר היסודי", "ofa-edu", "ofa", FE, (6, 12),
      (2022, 2025), KIDS, partners=("ofa-school1", "moe-south"),
      investments=("moe-south:280000:2023:matching:paid",)),
    P("ofa-youth-clubs", "מועדוני נוער", "ofa-matnas", "ofa", IE, (12, 18), (2021, 2026), TEENS,
      partners=("ofa-ym-ariel",), investments=("ofa-auth:200000:2023:budget:paid",)),
    P("ofa-service", "הכנה לצה\"ל ולשירות לאומי", "ofa-youth", "ofa", MS, (17, 19),
      (2022, 2026), TEENS, investments=("lottery:100000:2023:grant:paid",)),
    P("ofa-ecostem", "ECOSTEM21 – מרחבי למידה בחטיבות הביניים", "ofa-edu", "ofa", STEM,
      (12, 15), (2022, 2026), TEENS, partners=("samueli", "ofa-school2"),
      investments=("samueli:350000:2023:grant:paid", "rashi:150000:2023:matching:paid",
                   "ofa-auth:120000:2023:budget:paid")),
    P("ofa-women", "מעגלי נשים – מנהיגות קהילתית", "ofa-npo-women", "ofa", COM, (25, 60),
      (2021, 2025), "נשים", investments=("rothschild:110000:2023:grant:paid",)),
    P("ofa-emergency", "חוסן קהילתי בחירום – אופקים", "ofa-welfare", "ofa", EMR, (0, 120),
      (2023, 2024), ALL, context="emergency", partners=("ofa-matnas", "ofa-npo-women"),
      investments=("nea:500000:2023:grant:paid", "pmo:300000:2024:grant:committed",
                   "samueli:100000:2023:grant:paid")),
    P("ofa-welfare-club", "מועדונית רווחה", "ofa-welfare", "ofa", WEL, (6, 12), (2020, 2026),
      "ילדים בסיכון", investments=("welfare-south:260000:2023:matching:paid",)),
    # -- Nof HaGalil: a nonprofit that alone reaches Arabic-speaking residents of Har Yona
    P("nof-early", "מרכז הורים-ילדים", "nof-ec", "nof", EC, (0, 5), (2021, 2026), TODDLERS,
      goals=("nof-goal-early",),
      investments=("rashi:150000:2023:grant:paid", "nof-auth:90000:2023:budget:paid")),
    P("nof-reading", "תגבור קריאה בבית הספר היסודי", "nof-edu", "nof", FE, (6, 12),
      (2022, 2025), KIDS, partners=("nof-school1", "moe-north"),
      investments=("moe-north:300000:2023:matching:paid",)),
    P("nof-bilingual-parents", "קבוצות הורים דו-לשוניות – הר יונה", "nof-npo-bridges", "nof",
      COM, (25, 50), (2022, 2025), "הורים דוברי ערבית",
      partners=("nof-res-har-yona", "nof-mothers-har-yona"),
      investments=("rothschild:120000:2023:grant:paid",)),
    P("nof-olim-students", "מלגות ולימודי עברית לסטודנטים עולים", "nof-npo-immigrants", "nof",
      HE, (18, 30), (2022, 2026), "עולים צעירים", investments=("jafi:180000:2023:grant:paid",)),
    P("nof-youth-clubs", "מועדוני נוער ותנועות נוער", "nof-matnas", "nof", IE, (12, 18),
      (2021, 2026), TEENS, partners=("nof-ym-scouts",),
      investments=("nof-auth:220000:2023:budget:paid",)),
    P("nof-service", "הכנה לשירות משמעותי", "nof-youth", "nof", MS, (17, 19), (2022, 2026),
      TEENS, partners=("nof-ym-scouts",), investments=("lottery:90000:2023:grant:paid",)),
    P("nof-employment", "תעסוקה לצעירים בפארק התעשייה", "nof-yc", "nof", EMP, (22, 35),
      (2022, 2026), YOUNG, partners=("nof-biz-industry",),
      investments=("labor:200000:2023:matching:paid",
                   "nof-biz-industry:50000:2023:in_kind:paid")),
    P("nof-welfare-club", "מועדונית רווחה", "nof-welfare", "nof", WEL, (6, 12), (2020, 2026),
      "ילדים בסיכון", investments=("welfare-north:240000:2023:matching:paid",)),
    P("nof-evacuees", "קליטת מפונים מקו העימות", "nof-welfare", "nof", EMR, (0, 120),
      (2023, 2024), "מפונים", context="emergency", partners=("nof-matnas",),
      investments=("nea:200000:2023:grant:paid",)),
    P("nof-math", "מתמטיקה מוגברת בחטיבת הביניים", "nof-school2", "nof", STEM, (12, 15),
      (2022, 2025), TEENS, partners=("yvc",), investments=("trump:130000:2023:grant:paid",)),
    # -- Beit She'an: one operator, two near-identical programs (not a duplicate)
    P("bsh-story", "שעת סיפור לפעוטות", "bsh-npo-growth", "bsh", EC, (0, 3), (2022, 2025),
      TODDLERS, investments=("rashi:110000:2023:grant:paid",)),
    P("bsh-shared-reading", "קריאה משותפת להורים ופעוטות", "bsh-npo-growth", "bsh", EC, (1, 3),
      (2023, 2026), TODDLERS, investments=("yad-hanadiv:90000:2024:grant:paid",)),
    P("bsh-reading", "תגבור קריאה בבית הספר היסודי", "bsh-edu", "bsh", FE, (6, 12),
      (2022, 2025), KIDS, goals=("bsh-goal-reading",), partners=("bsh-school1", "moe-north"),
      investments=("moe-north:250000:2023:matching:paid",)),
    P("bsh-youth-clubs", "מועדוני נוער ותנועות נוער", "bsh-matnas", "bsh", IE, (12, 18),
      (2021, 2026), TEENS, partners=("bsh-ym-scouts", "bsh-res-south"),
      investments=("bsh-auth:150000:2023:budget:paid",)),
    P("bsh-orchestra", "תזמורת נוער העמק", "bsh-npo-music", "bsh", COM, (10, 18), (2019, 2026),
      TEENS, investments=("lottery:60000:2023:grant:paid",)),
    P("bsh-service", "הכנה לשירות משמעותי", "bsh-youth", "bsh", MS, (17, 19), (2022, 2026),
      TEENS, investments=("lottery:80000:2023:grant:paid",)),
    P("bsh-after-service", "הכוון תעסוקתי לאחר השירות", "bsh-yc", "bsh", EMP, (18, 21),
      (2022, 2026), "משוחררים", partners=("bsh-biz-dates", "bsh-biz-logistics"),
      investments=("labor:150000:2023:matching:paid", "bsh-biz-dates:30000:2023:in_kind:paid")),
    P("bsh-ecostem", "ECOSTEM21 – מרחבי למידה", "bsh-edu", "bsh", STEM, (10, 15), (2022, 2026),
      TEENS, partners=("samueli", "bsh-school2"),
      investments=("samueli:250000:2023:grant:paid", "rashi:100000:2023:matching:paid")),
    P("bsh-welfare-club", "מועדונית רווחה", "bsh-welfare", "bsh", WEL, (6, 12), (2020, 2026),
      "ילדים בסיכון", investments=("welfare-north:200000:2023:matching:paid",)),
    P("bsh-academic-prep", "מכינה אקדמית לצעירי העמק", "yvc", "bsh", HE, (18, 21), (2022, 2026),
      YOUNG, investments=("periphery:150000:2023:grant:paid",)),
    # -- Yarka (Druze local council)
    P("yar-early", "מרכז לגיל הרך – בית הורים", "yar-ec", "yar", EC, (0, 5), (2021, 2026),
      TODDLERS, investments=("rashi:160000:2023:grant:paid", "yar-auth:60000:2023:budget:paid")),
    P("yar-reading", "תגבור קריאה בערבית ובעברית", "yar-edu", "yar", FE, (6, 12),
      (2022, 2025), KIDS, partners=("yar-school1", "moe-north"),
      investments=("moe-north:280000:2023:matching:paid",)),
    P("yar-youth-scouts", "מועדוני נוער ותנועת הצופים", "yar-matnas", "yar", IE, (10, 17),
      (2020, 2026), TEENS, partners=("yar-ym-druze-scouts",),
      investments=("yar-auth:90000:2023:budget:paid",)),
    P("yar-ecostem", "ECOSTEM21 – חקר ומייקרים", "yar-edu", "yar", STEM, (12, 17),
      (2022, 2026), TEENS, partners=("samueli", "yar-school2"),
      investments=("samueli:300000:2023:grant:paid", "rashi:120000:2023:matching:paid")),
    P("yar-women", "נשים מובילות – תעסוקה ויזמות", "yar-npo-women", "yar", EMP, (25, 45),
      (2022, 2026), "נשים", goals=("yar-goal-women",),
      investments=("rothschild:150000:2023:grant:paid",)),
    P("yar-heritage", "מורשת ומנהיגות צעירה", "yar-npo-heritage", "yar", COM, (14, 17),
      (2022, 2025), TEENS, investments=("lottery:70000:2023:grant:paid",)),
    P("yar-welfare-club", "מועדונית רווחה", "yar-welfare", "yar", WEL, (6, 12), (2020, 2026),
      "ילדים בסיכון", investments=("welfare-north:180000:2023:matching:paid",)),
    P("yar-students", "מלגות לסטודנטים", "yar-yc", "yar", HE, (22, 30), (2022, 2026), YOUNG,
      partners=("wgc",), investments=("periphery:200000:2023:grant:paid",)),
    P("yar-elderly", "סיוע לקשישים בחירום", "yar-welfare", "yar", EMR, (65, 120), (2024, 2024),
      "קשישים", context="emergency", investments=("nea:80000:2024:grant:paid",)),
    # -- Sha'ar HaNegev (regional council on the Gaza border)
    P("shn-trauma", "טיפול בטראומה לתושבי העוטף", "shn-npo-trauma", "shn", HEA, (0, 120),
      (2023, 2026), ALL, context="both", goals=("shn-goal-resilience",),
      investments=("health-min:600000:2024:budget:paid", "uja:400000:2024:grant:paid")),
    P("shn-rebuild", "חוסן קהילתי בקיבוצים", "shn-auth", "shn", EMR, (0, 120), (2023, 2025),
      ALL, context="emergency", goals=("shn-goal-resilience",),
      partners=("shn-res-kibbutzim",),
      investments=("pmo:1200000:2024:grant:committed", "nea:300000:2023:grant:paid")),
    P("shn-protected-school", "חינוך במרחב מוגן", "shn-edu", "shn", FE, (6, 12), (2023, 2026),
      KIDS, context="both", partners=("shn-school1", "moe-south"),
      investments=("moe-south:400000:2024:matching:paid",)),
    P("shn-youth", "מועדוני נוער אזוריים", "shn-matnas", "shn", IE, (12, 18), (2021, 2026),
      TEENS, investments=("shn-auth:150000:2023:budget:paid",)),
    P("shn-agri-young", "צעירים בחקלאות מתקדמת", "shn-yc", "shn", EMP, (22, 35), (2022, 2026),
      YOUNG, partners=("shn-biz-agri", "sapir"),
      investments=("periphery:250000:2023:grant:paid",)),
    P("shn-evacuated-kinder", "גנים ומעונות בתקופת הפינוי", "shn-ec", "shn", EC, (0, 5),
      (2023, 2025), TODDLERS, context="emergency",
      investments=("moe-south:350000:2023:grant:paid",)),
    # -- Yeruham: no program at all for ages 0-5
    P("yer-reading", "תגבור קריאה בבית הספר היסודי", "yer-edu", "yer", FE, (6, 12),
      (2022, 2025), KIDS, partners=("yer-school1", "moe-south"),
      investments=("moe-south:200000:2023:matching:paid",)),
    P("yer-youth-clubs", "מועדוני נוער", "yer-matnas", "yer", IE, (12, 18), (2021, 2026), TEENS,
      investments=("yer-auth:100000:2023:budget:paid",)),
    P("yer-desert-young", "צעירים במדבר – מגורים ותעסוקה", "yer-npo-desert", "yer", EMP,
      (22, 35), (2021, 2026), YOUNG, partners=("yer-biz-lake",),
      investments=("periphery:220000:2023:grant:paid", "yad-hanadiv:100000:2023:grant:paid")),
    P("yer-science", "מדע במדבר", "bgu", "yer", STEM, (12, 17), (2022, 2026), TEENS,
      partners=("yer-school1",), investments=("trump:100000:2023:grant:paid",)),
    P("yer-tsahi", "צוות צח\"י – חוסן קהילתי", "yer-auth", "yer", EMR, (18, 120), (2023, 2025),
      "מתנדבי הצוות ותושבים", context="emergency", investments=("nea:60000:2023:grant:paid",)),
    P("yer-mechina", "מכינה קדם-צבאית ירוחם", "yer-npo-desert", "yer", MS, (18, 19),
      (2020, 2026), "בוגרי י\"ב", investments=("jafi:150000:2023:grant:paid",)),
]  # fmt: skip

#: Money not yet allocated to a program: funder, town, domain, amount, year, kind, status.
UNALLOCATED: list[tuple[str, str, str, int, int, str, str]] = [
    ("rashi", "bsh", EC, 200000, 2025, "grant", "planned"),
    ("samueli", "yar", STEM, 250000, 2025, "grant", "planned"),
    ("moe-south", "yer", EC, 300000, 2025, "matching", "planned"),
    ("periphery", "ofa", EMP, 400000, 2025, "grant", "planned"),
    ("km-auth", "km", FE, 150000, 2025, "budget", "planned"),
]  # fmt: skip


@dataclass(frozen=True)
class Goal:
    """An adopted locality goal (יעד יישובי) with indicator, baseline and target."""

    key: str
    town: str
    domain: str
    title: str
    indicator: str
    baseline: float
    target: float
    target_year: int
    owner: str


GOALS: list[Goal] = [
    Goal("km-goal-language", "km", EC, "כל פעוט בקריית מלאכי נחשף להעשרה שפתית",
         "שיעור הפעוטות (0-3) המשתתפים בתכנית העשרה שפתית", 18, 45, 2026, "km-ec-lead"),
    Goal("km-goal-matriculation", "km", FE, "העלאת שיעור הזכאות לבגרות",
         "אחוז הזכאים לתעודת בגרות", 62, 75, 2027, "km-edu-head"),
    Goal("km-goal-youth", "km", IE, "הגדלת ההשתתפות בתנועות הנוער",
         "מספר החניכים בתנועות הנוער", 1200, 1800, 2027, "km-youth-head"),
    Goal("ash-goal-employment", "ash", EMP, "הגדלת שיעור התעסוקה של צעירים",
         "אחוז המועסקים בגילאי 22-35", 68, 78, 2027, "ash-emp-lead"),
    Goal("sde-goal-stem", "sde", STEM, "רצף STEM מהגן ועד התיכון",
         "אחוז התלמידים במגמות מדעיות", 24, 35, 2027, "sde-stem-lead"),
    Goal("ofa-goal-employment", "ofa", EMP, "הגדלת שיעור התעסוקה של צעירים",
         "אחוז המועסקים בגילאי 22-35", 61, 72, 2027, "ofa-emp-lead"),
    Goal("ofa-goal-higher", "ofa", HE, "הגדלת מספר הצעירים הלומדים בהשכלה גבוהה",
         "מספר הסטודנטים תושבי העיר", 650, 1000, 2028, "ofa-emp-lead"),
    Goal("nof-goal-early", "nof", EC, "מוכנות ללמידה בכניסה לכיתה א'",
         "אחוז הילדים שעברו הערכת מוכנות בהצלחה", 70, 85, 2026, "nof-ec-lead"),
    Goal("bsh-goal-reading", "bsh", FE, "שיפור הישגים בהבנת הנקרא",
         "ציון ממוצע במבחן מיצ\"ב בהבנת הנקרא", 61, 70, 2026, "bsh-edu-head"),
    Goal("yar-goal-women", "yar", EMP, "הגדלת שיעור התעסוקה של נשים",
         "אחוז הנשים המועסקות בגילאי 25-45", 38, 50, 2028, "yar-emp-lead"),
    Goal("shn-goal-resilience", "shn", EMR, "חזרה ושיקום קהילות המועצה",
         "אחוז התושבים ששבו לבתיהם", 40, 90, 2026, "shn-resilience"),
]  # fmt: skip
