"""Where the demo's actors meet: forums, their members, and partnerships.

Forums follow the structures of the Rashi Foundation's road map (local
administration of 30-40 members meeting 11 times a year, steering committee
six times a year, leading team every two months, professional teams per
mobility domain, a design forum of four meetings in year one), emergency
teams, the national peer forum of heads of local councils (led by the
Interior Ministry, run by the JDC-Elka institute) and regional networks of
partnership managers convened by the Education Ministry's cross-sector unit.

Members are role keys (``role:<key>``) or organisation keys (``org:<key>``).

Examples
--------
>>> kinds = {f.kind for f in FORUMS}
>>> sorted(kinds)[:3]
['design_forum', 'emergency_team', 'leading_team']
"""

from __future__ import annotations

from dataclasses import dataclass

from importers.demo.catalog import NORTH, SOUTH, TOWNS, Town

__all__ = ["FORUMS", "PARTNERSHIPS", "ForumRow"]


@dataclass(frozen=True)
class ForumRow:
    """A forum with its members as ``(member, position, since)``."""

    key: str
    name: str
    kind: str
    town: str
    convener: str
    meetings: int
    members: tuple[tuple[str, str, str], ...]
    domain: str = ""
    context: str = "routine"
    name_en: str = ""


def _m(*members: str, position: str = "member", since: str = "2022") -> list[tuple[str, str, str]]:
    return [(m, position, since) for m in members]


def _district(town: Town, south: str, north: str) -> str:
    return south if town.district_en == "South" else north


def _initiative_forums(t: Town) -> list[ForumRow]:
    k = t.key
    officer = _district(t, "role:rashi-south", "role:rashi-north")
    moe_sup = _district(t, "role:moe-south-sup", "role:moe-north-sup")
    welfare_sup = _district(t, "role:welfare-south-sup", "role:welfare-north-sup")
    since = "2019" if k in ("km", "ash") else "2022"
    # Each local administration seats every sector present in the town, except
    # the planted gaps: Sderot has no business seat, Beit She'an none for
    # business or residents.
    local_members = {
        "km": ["org:km-npo-words", "org:achva", "org:km-biz-soreq", "role:km-res-chair"],
        "ash": ["org:ashkelon-college", "org:ash-biz-port", "role:ash-parents-chair",
                "org:elem"],
        "sde": ["org:sapir", "role:sde-resilience", "role:sde-res-chair"],
        "ofa": ["org:bgu", "org:ofa-biz-solar", "role:ofa-res-chair", "org:ofa-npo-women"],
        "nof": ["org:yvc", "org:nof-biz-industry", "role:nof-res-chair",
                "org:nof-npo-bridges", "org:nof-npo-immigrants"],
        "bsh": ["org:yvc", "org:bsh-npo-music", "org:bsh-npo-growth"],
        "yar": ["org:wgc", "org:yar-biz-stone", "role:yar-parents-chair", "role:yar-ym-coord",
                "org:yar-npo-women"],
    }[k]  # fmt: skip
    admin = (
        _m(f"role:{k}-head", position="chair", since=since)
        + _m(f"role:{k}-initiative", f"role:{k}-partnerships", position="facilitator",
             since=since)
        + _m(f"role:{k}-ceo", f"role:{k}-edu-head", f"role:{k}-welfare-head",
             f"role:{k}-youth-head", f"role:{k}-ec-lead", f"role:{k}-emp-lead",
             f"role:{k}-matnas-director", officer, moe_sup, welfare_sup, *local_members,
             f"org:{k}-school1", f"org:{k}-school2", since=since)
    )  # fmt: skip
    steering = (
        _m(f"role:{k}-head", position="chair", since=since)
        + _m(f"role:{k}-ceo", f"role:{k}-initiative", f"role:{k}-partnerships",
             f"role:{k}-treasurer", officer, moe_sup, since=since)
    )  # fmt: skip
    leading = (
        _m(f"role:{k}-ceo", position="chair", since=since)
        + _m(f"role:{k}-initiative", f"role:{k}-partnerships", f"role:{k}-knowledge",
             f"role:{k}-resources", officer, since=since)
    )  # fmt: skip
    auth = f"{k}-auth"
    return [
        ForumRow(f"{k}-admin", f"מינהלת יישובית {t.name}", "local_administration", k, auth, 11,
                 tuple(admin), name_en=f"{t.name_en} local administration"),
        ForumRow(f"{k}-steering", f"ועדת היגוי – יוזמת היישוב {t.name}", "steering_committee", k,
                 auth, 6, tuple(steering)),
        ForumRow(f"{k}-leading", f"צוות מוביל {t.name}", "leading_team", k, auth, 6,
                 tuple(leading)),
    ]  # fmt: skip


def _forums() -> list[ForumRow]:
    rows: list[ForumRow] = []
    for town in TOWNS:
        if town.initiative:
            rows.extend(_initiative_forums(town))
    F = ForumRow
    rows += [
        F("km-pt-early", "צוות מקצועי גיל רך – קריית מלאכי", "professional_team", "km",
          "km-auth", 10, tuple(_m("role:km-ec-lead", position="chair")
                               + _m("org:km-npo-words", "org:km-npo-light", "org:health-min",
                                    "role:km-welfare-head", "role:rashi-south"))),
        F("ash-pt-employment", "צוות מקצועי תעסוקה וצעירים – אשקלון", "professional_team", "ash",
          "ash-auth", 10, tuple(_m("role:ash-emp-lead", position="chair")
                                + _m("org:ashkelon-college", "org:ash-biz-tech", "org:labor",
                                     "role:ash-youth-head")), "employment"),
        F("sde-pt-stem", "צוות מקצועי STEM21 – שדרות", "professional_team", "sde", "sde-auth", 10,
          tuple(_m("role:sde-stem-lead", position="chair")
                + _m("role:sde-matnas-director", "org:sapir", "role:samueli-officer",
                     "org:sde-school2", "role:moe-south-sup")), "stem21"),
        F("ofa-pt-employment", "צוות מקצועי תעסוקה – אופקים", "professional_team", "ofa",
          "ofa-auth", 10, tuple(_m("role:ofa-emp-lead", position="chair")
                                + _m("org:ofa-npo-transition", "org:ofa-biz-metal", "org:bgu",
                                     "org:labor")), "employment"),
        F("yar-pt-stem", "צוות מקצועי STEM21 – ירכא", "professional_team", "yar", "yar-auth", 10,
          tuple(_m("role:yar-edu-head", position="chair")
                + _m("role:samueli-officer", "org:wgc", "org:yar-school2",
                     "role:moe-north-sup")), "stem21"),
        F("ofa-design", "פורום עיצוב – אופקים", "design_forum", "ofa", "ofa-auth", 4,
          tuple(_m("role:ofa-head", position="chair", since="2023")
                + _m("role:ofa-initiative", position="facilitator", since="2023")
                + _m("role:ofa-ceo", "role:ofa-edu-head", "role:ofa-welfare-head",
                     "role:ofa-matnas-director", "org:ofa-parents-city", "org:ofa-ym-ariel",
                     "org:ofa-syn-or-hachaim",
                     "org:ofa-npo-transition", "org:ofa-npo-women", "org:ofa-biz-metal",
                     "org:bgu", "org:sapir", "role:rashi-south", "role:moe-south-sup",
                     since="2023"))),
        F("yar-design", "פורום עיצוב – ירכא", "design_forum", "yar", "yar-auth", 4,
          tuple(_m("role:yar-head", position="chair", since="2023")
                + _m("role:yar-initiative", position="facilitator", since="2023")
                + _m("role:yar-ceo", "role:yar-edu-head", "org:yar-npo-heritage",
                     "org:yar-ym-druze-scouts", "org:yar-biz-bakery", "org:wgc",
                     "role:rashi-north", since="2023")), name_en="Yarka design forum"),
    ]  # fmt: skip
    emergency = {
        "km": ["role:km-welfare-head", "role:km-matnas-director", "role:km-volunteers",
               "org:km-biz-market", "org:km-ym-bnei-akiva"],
        "ash": ["role:ash-resilience", "role:ash-welfare-head", "role:ash-volunteers",
                "role:ash-matnas-director", "org:ash-ym-scouts"],
        "sde": ["role:sde-resilience", "role:sde-welfare-head", "role:sde-matnas-director",
                "role:sde-volunteers", "org:sde-ym-noal"],
        "ofa": ["role:ofa-resilience", "role:ofa-welfare-head", "role:ofa-matnas-director",
                "org:ofa-npo-women"],
        "nof": ["role:nof-welfare-head", "role:nof-matnas-director", "org:nof-npo-immigrants",
                "org:nof-ym-scouts"],
        "yar": ["role:yar-welfare-head", "role:yar-matnas-director", "role:yar-volunteers"],
        # Without a local administration, every department sits at the emergency table.
        "shn": ["role:shn-resilience", "role:shn-welfare-head", "role:shn-edu-head",
                "role:shn-youth-head", "role:shn-ec-lead", "role:shn-matnas-director",
                "role:shn-emp-lead", "org:shn-npo-trauma", "org:shn-res-kibbutzim", "org:sapir",
                "org:shn-school1", "org:shn-biz-agri"],
        "yer": ["role:yer-resilience", "role:yer-welfare-head", "role:yer-edu-head",
                "role:yer-youth-head", "role:yer-ec-lead", "role:yer-emp-lead",
                "role:yer-matnas-director", "org:yer-npo-desert", "org:yer-school1",
                "org:yer-biz-lake"],
    }  # fmt: skip
    for key, members in emergency.items():
        town = next(t for t in TOWNS if t.key == key)
        hfc = _district(town, "role:hfc-south-officer", "org:hfc-north")
        rows.append(
            F(f"{key}-emergency", f"צוות חירום רשותי – {town.name}", "emergency_team", key,
              f"{key}-auth", 12,
              tuple(_m(f"role:{key}-head", position="chair", since="2020")
                    + _m(f"role:{key}-ceo", *members, hfc, since="2020")),
              "emergency", "emergency")
        )  # fmt: skip
    south = [f"role:{k}-partnerships" for k in SOUTH]
    north = [f"role:{k}-partnerships" for k in NORTH]
    rows += [
        F("peer-council-heads", "פורום עמיתים ארצי לראשי מועצות מקומיות", "peer_forum", "",
          "interior", 8,
          tuple(_m("role:interior-forum", position="chair", since="2012")
                + _m("role:elka-facilitator", position="facilitator", since="2012")
                + _m("role:yar-head", "role:yer-head", since="2019")
                + _m("org:ulai", position="observer", since="2012")),
          name_en="National peer forum of heads of local councils"),
        F("network-south", "רשת מנהלי שותפויות ומשאבי קהילה – דרום", "regional_network", "",
          "moe-partnerships", 6,
          tuple(_m("role:moe-partnerships-head", position="chair", since="2019")
                + _m(*south, since="2019")), name_en="Southern partnership managers network"),
        F("network-north", "רשת מנהלי שותפויות ומשאבי קהילה – צפון", "regional_network", "",
          "moe-partnerships", 6,
          tuple(_m("role:moe-partnerships-head", position="chair", since="2020")
                + _m(*north, since="2020")), name_en="Northern partnership managers network"),
        F("ecostem-steering", "ועדת היגוי ארצית ECOSTEM21", "steering_committee", "", "rashi", 4,
          tuple(_m("org:rashi", position="chair", since="2020")
                + _m("role:samueli-officer", "org:moe", since="2020")), "stem21"),
        F("round-table", "השולחן העגול הבין-מגזרי לחוסן חברתי", "round_table", "", "pmo", 4,
          tuple(_m("org:pmo", position="chair", since="2016")
                + _m("org:moe-partnerships", "org:hfc", "org:nea", "org:welfare-min",
                     "org:interior", "org:ulai", "org:jdc", "org:rashi", "org:jafi",
                     "org:periphery", "org:matnasim", "org:lottery", "org:yad-hanadiv",
                     "org:rothschild", since="2016")),
          context="both", name_en="Cross-sector round table on social resilience"),
    ]  # fmt: skip
    return rows


FORUMS: list[ForumRow] = _forums()

#: source, target, kind, context, since, until, strength
PARTNERSHIPS: list[tuple[str, str, str, str, str, str, int]] = [
    *[("matnasim", f"{t.key}-matnas", "רשת מתנ\"סים", "routine", "2015", "", 3) for t in TOWNS],
    *[("rashi", f"{t.key}-auth", "הסכם שותפות – יוזמת היישוב במרכז", "routine",
       "2019" if t.key in ("km", "ash") else "2022", "", 5) for t in TOWNS if t.initiative],
    ("rashi", "samueli", "שותפות ECOSTEM21", "routine", "2020", "", 5),
    ("sde-npo-volunteers", "sde-welfare", "מתנדבים בחירום", "emergency", "2023", "", 4),
    ("sde-npo-resilience", "hfc-south", "תיאום מבצעי", "emergency", "2014", "", 4),
    ("ofa-biz-solar", "ofa-matnas", "גנרטורים ותאורה בחירום", "emergency", "2023", "2024", 2),
    ("ash-biz-port", "ash-matnas", "חלוקת מזון בחירום", "emergency", "2023", "2024", 2),
    ("km-biz-market", "km-matnas", "סלי מזון בחירום", "emergency", "2023", "", 3),
    ("sapir", "shn-auth", "מעונות לסטודנטים מפונים", "emergency", "2023", "2024", 3),
    ("nof-npo-immigrants", "nof-welfare", "קליטת מפונים", "emergency", "2023", "", 3),
    ("bsh-matnas", "bsh-welfare", "קשר שנוצר בקורונה ונשמר בשגרה", "both", "2020", "", 4),
    ("ofa-npo-women", "ofa-welfare", "קשר שנוצר בקורונה ונשמר בשגרה", "both", "2020", "", 3),
    ("ash-res-shimshon", "ash-matnas", "פעילות שכונתית", "routine", "2021", "", 2),
    ("ash-npo-elderly", "ash-matnas", "מועדון קשישים", "routine", "2019", "", 3),
    ("bsh-volunteers", "bsh-ym-scouts", "התנדבות שכונתית", "routine", "2022", "", 2),
    ("bsh-volunteers", "bsh-res-south", "התנדבות שכונתית", "routine", "2022", "", 2),
    ("yer-walkers", "yer-biz-cafe", "מפגשי הליכה ובית קפה", "routine", "2023", "", 2),
    ("sde-npo-science", "sde-school1", "הפעלת חוגים בבית הספר", "routine", "2022", "", 2),
    ("nof-res-har-yona", "nof-mothers-har-yona", "פעילות שכונתית", "routine", "2022", "", 3),
    ("wgc", "yar-auth", "שותפות אקדמית", "routine", "2021", "", 3),
    ("yar-biz-stone", "yar-matnas", "חסות לפעילות נוער", "routine", "2022", "", 2),
    ("achva", "km-auth", "שותפות אקדמית", "routine", "2020", "", 3),
    ("ofa-npo-transition", "ofa-biz-metal", "השמה בתעסוקה", "routine", "2022", "", 4),
    ("yer-npo-desert", "yer-auth", "הסכם שותפות", "routine", "2021", "", 4),
    ("shn-npo-trauma", "shn-auth", "טיפול בנפגעי טראומה", "emergency", "2023", "", 5),
    ("shn-res-kibbutzim", "shn-auth", "תיאום יישובי", "both", "2018", "", 4),
    ("nof-biz-industry", "nof-yc", "השמת צעירים", "routine", "2022", "", 3),
    ("km-ym-bnei-akiva", "km-matnas", "פעילות נוער", "routine", "2019", "", 3),
    ("jdc", "ulai", "תכניות לשלטון המקומי", "routine", "2010", "", 3),
    ("ash-npo-science", "ash-ec", "הפעלה בגני הילדים", "routine", "2023", "", 3),
    ("yer-biz-lake", "yer-auth", "תיירות קהילתית", "routine", "2021", "", 3),
]  # fmt: skip
