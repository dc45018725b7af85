"""Who is who in the demo: localities, organisations and roles.

The localities carry the real 2021 values of the national statistics office
(CBS) as they appear in ``shared/data/il/cbs_local_authorities_2021.csv``
(authority code, district, municipal status, population, socio-economic
cluster) and the real regional clusters of authorities (אשכולות רשויות) of
``shared/data/il/localities.csv``. Organisation names of ministries,
foundations and colleges are real; local nonprofits, schools, businesses and
community groups are fictional, and so is every finding planted around
them (see ``FINDINGS.md``). Holders of roles are left blank or carry names
marked ``(בדוי)``: fictional.

Examples
--------
>>> [t.key for t in TOWNS][:3]
['km', 'ash', 'sde']
>>> TOWNS_BY_KEY["yar"].cbs_code
'0502'
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "NATIONAL_ORGS",
    "TOWNS",
    "TOWNS_BY_KEY",
    "OrgRow",
    "Town",
    "town_orgs",
    "town_roles",
]


@dataclass(frozen=True)
class Town:
    """One demo locality with its real CBS 2021 values."""

    key: str
    id: str
    name: str
    name_en: str
    cbs_code: str
    municipal_status: str
    socioeconomic_cluster: int
    population: int
    district: str
    district_en: str
    cluster_id: str = ""
    cluster_name: str = ""
    #: Part of the Rashi Foundation's locality initiative (מנהלת יישובית).
    initiative: bool = True
    name_ar: str = ""


# Values copied from cbs_local_authorities_2021.csv (tests compare them).
TOWNS: list[Town] = [
    Town("km", "loc-kiryat-malachi", "קריית מלאכי", "Kiryat Malachi", "1034", "city", 4, 25022,
         "הדרום", "South", "cluster-soreq-south", "אשכול רשויות שורק דרומי"),
    Town("ash", "loc-ashkelon", "אשקלון", "Ashkelon", "7100", "city", 5, 149160,
         "הדרום", "South"),
    Town("sde", "loc-sderot", "שדרות", "Sderot", "1031", "city", 5, 30553,
         "הדרום", "South", "cluster-western-negev", "אשכול רשויות נגב מערבי"),
    Town("ofa", "loc-ofakim", "אופקים", "Ofakim", "0031", "city", 3, 33999,
         "הדרום", "South", "cluster-western-negev", "אשכול רשויות נגב מערבי"),
    Town("nof", "loc-nof-hagalil", "נוף הגליל", "Nof HaGalil", "1061", "city", 5, 42657,
         "הצפון", "North", "cluster-galilee-valleys", "אשכול רשויות הגליל והעמקים"),
    Town("bsh", "loc-beit-shean", "בית שאן", "Beit She'an", "9200", "city", 5, 18900,
         "הצפון", "North", "cluster-kinneret-valleys", "אשכול רשויות הכנרת והעמקים"),
    Town("yar", "loc-yarka", "ירכא", "Yarka", "0502", "local_council", 3, 17576,
         "הצפון", "North", name_ar="يركا"),
    Town("shn", "loc-shaar-hanegev", "שער הנגב", "Sha'ar HaNegev", "37", "regional_council", 7,
         9071, "הדרום", "South", "cluster-western-negev", "אשכול רשויות נגב מערבי",
         initiative=False),
    Town("yer", "loc-yeruham", "ירוחם", "Yeruham", "0831", "local_council", 4, 11031,
         "הדרום", "South", "cluster-eastern-negev", "אשכול רשויות נגב מזרחי", initiative=False),
]  # fmt: skip
TOWNS_BY_KEY: dict[str, Town] = {t.key: t for t in TOWNS}
SOUTH = [t.key for t in TOWNS if t.district_en == "South"]
NORTH = [t.key for t in TOWNS if t.district_en == "North"]
INITIATIVE = [t.key for t in TOWNS if t.initiative]


@dataclass(frozen=True)
class OrgRow:
    """An organisation before it gets its id prefix (``org-``)."""

    key: str
    name: str
    sector: str
    kind: str
    parent: str = ""
    towns: tuple[str, ...] = ()
    name_en: str = ""
    name_ar: str = ""
    registration_number: str = ""
    extra: dict[str, str] = field(default_factory=dict)


# National and district bodies (real names). ``towns`` lists where they are active.
NATIONAL_ORGS: list[OrgRow] = [
    OrgRow("moe", "משרד החינוך", "government", "משרד ממשלתי", name_en="Ministry of Education"),
    OrgRow("moe-south", "משרד החינוך – מחוז דרום", "government", "מחוז של משרד ממשלתי",
           "moe", tuple(SOUTH), "Ministry of Education, Southern District"),
    OrgRow("moe-north", "משרד החינוך – מחוז צפון", "government", "מחוז של משרד ממשלתי",
           "moe", tuple(NORTH), "Ministry of Education, Northern District"),
    OrgRow("moe-partnerships", "משרד החינוך – היחידה לניהול תוכניות ושותפויות בין-מגזריות",
           "government", "יחידה במשרד ממשלתי", "moe",
           name_en="Ministry of Education, Cross-Sector Partnerships Unit"),
    OrgRow("interior", "משרד הפנים", "government", "משרד ממשלתי", name_en="Ministry of Interior"),
    OrgRow("welfare-min", "משרד הרווחה והביטחון החברתי", "government", "משרד ממשלתי",
           name_en="Ministry of Welfare and Social Security"),
    OrgRow("welfare-south", "משרד הרווחה – מחוז דרום", "government", "מחוז של משרד ממשלתי",
           "welfare-min", tuple(SOUTH), "Ministry of Welfare, Southern District"),
    OrgRow("welfare-north", "משרד הרווחה – מחוז צפון", "government", "מחוז של משרד ממשלתי",
           "welfare-min", tuple(NORTH), "Ministry of Welfare, Northern District"),
    OrgRow("pmo", "משרד ראש הממשלה", "government", "משרד ממשלתי",
           name_en="Prime Minister's Office"),
    OrgRow("hfc", "פיקוד העורף", "government", "צה\"ל", name_en="Home Front Command"),
    OrgRow("hfc-south", "פיקוד העורף – מחוז דרום", "government", "מחוז פיקוד העורף", "hfc",
           tuple(SOUTH), "Home Front Command, Southern District"),
    OrgRow("hfc-north", "פיקוד העורף – מחוז צפון", "government", "מחוז פיקוד העורף", "hfc",
           tuple(NORTH), "Home Front Command, Northern District"),
    OrgRow("nea", "רשות החירום הלאומית (רח\"ל)", "government", "רשות ממשלתית",
           name_en="National Emergency Management Authority"),
    OrgRow("health-min", "משרד הבריאות", "government", "משרד ממשלתי", name_en="Ministry of Health"),
    OrgRow("labor", "משרד העבודה", "government", "משרד ממשלתי", name_en="Ministry of Labor"),
    OrgRow("periphery", "המשרד לפיתוח הפריפריה, הנגב והגליל", "government", "משרד ממשלתי",
           name_en="Ministry for the Development of the Periphery, the Negev and the Galilee"),
    OrgRow("matnasim", "החברה למתנ\"סים", "government", "חברה ממשלתית",
           name_en="Israel Association of Community Centers"),
    OrgRow("rashi", "קרן רש\"י", "philanthropy", "קרן", towns=tuple(INITIATIVE),
           name_en="The Rashi Foundation"),
    OrgRow("samueli", "קרן סמואלי", "philanthropy", "קרן", towns=("sde", "ofa", "yar", "bsh"),
           name_en="Samueli Foundation"),
    OrgRow("yad-hanadiv", "יד הנדיב", "philanthropy", "קרן", name_en="Yad Hanadiv"),
    OrgRow("trump", "קרן טראמפ", "philanthropy", "קרן", name_en="Trump Foundation"),
    OrgRow("uja", "הפדרציה היהודית של ניו יורק", "philanthropy", "פדרציה",
           name_en="UJA-Federation of New York"),
    OrgRow("rothschild", "קרן אדמונד דה רוטשילד", "philanthropy", "קרן",
           name_en="Edmond de Rothschild Foundation"),
    OrgRow("lottery", "מפעל הפיס", "other", "תאגיד הגרלות ציבורי", name_en="Mifal HaPais"),
    OrgRow("ulai", "מרכז השלטון המקומי", "other", "ארגון גג של הרשויות",
           name_en="Union of Local Authorities in Israel"),
    OrgRow("jdc", "ג'וינט ישראל", "nonprofit", "ארגון בינלאומי", name_en="JDC Israel"),
    OrgRow("elka", "מכון אלכא למנהיגות וממשל", "nonprofit", "מכון", "jdc",
           name_en="JDC-Elka Institute for Leadership and Governance"),
    OrgRow("jafi", "הסוכנות היהודית", "nonprofit", "מוסד לאומי", name_en="The Jewish Agency"),
    OrgRow("elem", "עלם – עמותה לנוער בסיכון", "nonprofit", "עמותה ארצית", towns=("ash", "sde"),
           name_en="ELEM – Youth in Distress"),
    OrgRow("sapir", "המכללה האקדמית ספיר", "academia", "מכללה", towns=("sde", "shn", "ofa"),
           name_en="Sapir Academic College"),
    OrgRow("ashkelon-college", "המכללה האקדמית אשקלון", "academia", "מכללה", towns=("ash", "km"),
           name_en="Ashkelon Academic College"),
    OrgRow("achva", "המכללה האקדמית אחוה", "academia", "מכללה", towns=("km",),
           name_en="Achva Academic College"),
    OrgRow("bgu", "אוניברסיטת בן-גוריון בנגב", "academia", "אוניברסיטה", towns=("yer", "ofa"),
           name_en="Ben-Gurion University of the Negev"),
    OrgRow("yvc", "המכללה האקדמית עמק יזרעאל", "academia", "מכללה", towns=("bsh", "nof"),
           name_en="Max Stern Yezreel Valley College"),
    OrgRow("wgc", "המכללה האקדמית גליל מערבי", "academia", "מכללה", towns=("yar",),
           name_en="Western Galilee College", name_ar="الكلية الأكاديمية الجليل الغربي"),
]  # fmt: skip

_AUTHORITY = {
    "city": ("עיריית {n}", "עירייה", "{e} Municipality"),
    "local_council": ("המועצה המקומית {n}", "מועצה מקומית", "{e} Local Council"),
    "regional_council": ("המועצה האזורית {n}", "מועצה אזורית", "{e} Regional Council"),
}

# Standard departments of every authority: key, name, kind, English, Arabic (Yarka).
_DEPARTMENTS = [
    ("edu", "אגף החינוך", "מחלקה ברשות", "Education Department", "قسم المعارف"),
    ("welfare", "המחלקה לשירותים חברתיים", "מחלקה ברשות", "Social Services Department",
     "قسم الخدمات الاجتماعية"),
    ("youth", "היחידה לקידום נוער וצעירים", "מחלקה ברשות", "Youth Advancement Unit",
     "وحدة تقدّم الشبيبة"),
    ("ec", "מחלקת הגיל הרך", "מחלקה ברשות", "Early Childhood Department",
     "قسم الطفولة المبكرة"),
    ("yc", "מרכז צעירים", "מרכז צעירים עירוני", "Young Adults Centre", "مركز الشباب"),
]  # fmt: skip

# Organisations of each town beyond the authority and its departments:
# key, name, sector, kind, parent key (in the same town), name_ar.
_LOCAL: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    "km": [
        ("school1", "בית ספר יסודי הרימון", "local_authority", "בית ספר יסודי", "edu", ""),
        ("school2", "תיכון מקיף נווה אור", "local_authority", "תיכון", "edu", ""),
        ("matnas", "מתנ\"ס קריית מלאכי", "nonprofit", "מתנ\"ס", "", ""),
        ("npo-words", "עמותת מילים ראשונות", "nonprofit", "עמותה", "", ""),
        ("npo-steps", "עמותת צעדים קטנים", "nonprofit", "עמותה", "", ""),
        ("npo-light", "עמותת אור לנוער", "nonprofit", "עמותה", "", ""),
        ("parents-city", "ועד ההורים היישובי קריית מלאכי", "community", "ועד הורים", "", ""),
        ("parents-rimon", "ועד הורים – בית ספר יסודי הרימון", "community", "ועד הורים", "", ""),
        ("parents-shaked", "ועד הורים – גן ילדים השקד", "community", "ועד הורים", "", ""),
        ("res-center", "ועד שכונת מרכז העיר", "community", "ועד תושבים", "", ""),
        ("ym-bnei-akiva", "סניף בני עקיבא קריית מלאכי", "community", "סניף תנועת נוער", "", ""),
        ("biz-soreq", "מפעלי שורק בע\"מ", "business", "תעשייה", "", ""),
        ("biz-market", "מרכול השכונה בע\"מ", "business", "מסחר", "", ""),
    ],
    "ash": [
        ("school1", "בית ספר יסודי גלי ים", "local_authority", "בית ספר יסודי", "edu", ""),
        ("school2", "תיכון מקיף החוף", "local_authority", "תיכון", "edu", ""),
        ("matnas", "מתנ\"ס שמשון אשקלון", "nonprofit", "מתנ\"ס", "", ""),
        ("npo-elderly", "עמותת יד ביד לקשיש", "nonprofit", "עמותה", "", ""),
        ("npo-science", "עמותת מדע לכל", "nonprofit", "עמותה", "", ""),
        ("res-shimshon", "ועד שכונת שמשון", "community", "ועד תושבים", "", ""),
        ("parents-city", "ועד ההורים העירוני אשקלון", "community", "ועד הורים", "", ""),
        ("ym-scouts", "הצופים – שבט אשקלון", "community", "סניף תנועת נוער", "", ""),
        ("biz-port", "מסופי החוף בע\"מ", "business", "לוגיסטיקה", "", ""),
        ("biz-tech", "חוף טק בע\"מ", "business", "הייטק", "", ""),
    ],
    "sde": [
        ("school1", "בית ספר יסודי נר עציון", "local_authority", "בית ספר יסודי", "edu", ""),
        ("school2", "תיכון מקיף שדרות", "local_authority", "תיכון", "edu", ""),
        ("matnas", "המתנ\"ס העירוני שדרות", "nonprofit", "מתנ\"ס", "", ""),
        ("npo-science", "עמותת מדע בגובה העיניים", "nonprofit", "עמותה", "", ""),
        ("npo-resilience", "מרכז החוסן שדרות", "nonprofit", "מרכז חוסן", "", ""),
        ("npo-volunteers", "עמותת לב אחד שדרות", "nonprofit", "עמותה", "", ""),
        ("res-neve-eshkol", "ועד שכונת נווה אשכול", "community", "ועד תושבים", "", ""),
        ("ym-noal", "הנוער העובד והלומד – קן שדרות", "community", "סניף תנועת נוער", "", ""),
        ("biz-print", "דפוס הנגב בע\"מ", "business", "תעשייה", "", ""),
        ("biz-bakery", "מאפיית שדרות בע\"מ", "business", "תעשיית מזון", "", ""),
    ],
    "ofa": [
        ("school1", "בית ספר יסודי אופק", "local_authority", "בית ספר יסודי", "edu", ""),
        ("school2", "תיכון מקיף אופקים", "local_authority", "תיכון", "edu", ""),
        ("matnas", "מתנ\"ס אופקים", "nonprofit", "מתנ\"ס", "", ""),
        ("npo-transition", "עמותת מעבר לתעסוקה", "nonprofit", "עמותה", "", ""),
        ("npo-women", "עמותת נשים מובילות בנגב", "nonprofit", "עמותה", "", ""),
        ("res-mishor", "ועד שכונת מישור הגפן", "community", "ועד תושבים", "", ""),
        ("parents-city", "ועד ההורים העירוני אופקים", "community", "ועד הורים", "", ""),
        ("ym-ariel", "תנועת אריאל – סניף אופקים", "community", "סניף תנועת נוער", "", ""),
        ("syn-or-hachaim", "קהילת בית הכנסת אור החיים", "community", "קהילת בית כנסת", "", ""),
        ("biz-metal", "מתכות אופקים בע\"מ", "business", "תעשייה", "", ""),
        ("biz-solar", "שמש הנגב אנרגיה בע\"מ", "business", "אנרגיה", "", ""),
    ],
    "nof": [
        ("school1", "בית ספר יסודי הגליל", "local_authority", "בית ספר יסודי", "edu", ""),
        ("school2", "תיכון מקיף נוף הגליל", "local_authority", "תיכון", "edu", ""),
        ("matnas", "מתנ\"ס נוף הגליל", "nonprofit", "מתנ\"ס", "", ""),
        ("npo-bridges", "עמותת גשרים לקהילה", "nonprofit", "עמותה", "", "جمعية جسور للمجتمع"),
        ("npo-immigrants", "עמותת בית חם לעולים", "nonprofit", "עמותה", "", ""),
        ("res-har-yona", "ועד תושבי הר יונה", "community", "ועד תושבים", "",
         "لجنة سكان هار يونا"),
        ("mothers-har-yona", "קבוצת אמהות הר יונה", "community", "קבוצת תושבים", "",
         "مجموعة أمهات هار يونا"),
        ("res-center", "ועד שכונת מרכז העיר נוף הגליל", "community", "ועד תושבים", "", ""),
        ("ym-scouts", "הצופים – שבט נוף הגליל", "community", "סניף תנועת נוער", "", ""),
        ("biz-industry", "פארק תעשיות ציפורית – חברת הניהול", "business", "תעשייה", "", ""),
    ],
    "bsh": [
        ("school1", "בית ספר יסודי הניצנים", "local_authority", "בית ספר יסודי", "edu", ""),
        ("school2", "תיכון עמל בית שאן", "local_authority", "תיכון", "edu", ""),
        ("matnas", "מתנ\"ס בית שאן", "nonprofit", "מתנ\"ס", "", ""),
        ("npo-growth", "עמותת צמיחה", "nonprofit", "עמותה", "", ""),
        ("npo-music", "עמותת צלילי העמק", "nonprofit", "עמותה", "", ""),
        ("res-south", "ועד שכונת דרום בית שאן", "community", "ועד תושבים", "", ""),
        ("ym-scouts", "הצופים – שבט בית שאן", "community", "סניף תנועת נוער", "", ""),
        ("volunteers", "קבוצת מתנדבי שכונת הגבעה", "community", "קבוצת תושבים", "", ""),
        ("biz-dates", "תמרי העמק בע\"מ", "business", "חקלאות", "", ""),
        ("biz-logistics", "מרלו\"ג בית שאן בע\"מ", "business", "לוגיסטיקה", "", ""),
    ],
    "yar": [
        ("school1", "בית ספר יסודי א' ירכא", "local_authority", "בית ספר יסודי", "edu",
         "المدرسة الابتدائية أ يركا"),
        ("school2", "התיכון המקיף ירכא", "local_authority", "תיכון", "edu",
         "المدرسة الثانوية الشاملة يركا"),
        ("matnas", "המתנ\"ס ירכא", "nonprofit", "מתנ\"ס", "", "المركز الجماهيري يركا"),
        ("npo-women", "עמותת נשים למען ירכא", "nonprofit", "עמותה", "", "جمعية نساء من أجل يركا"),
        ("npo-heritage", "עמותת מורשת ונוער", "nonprofit", "עמותה", "", "جمعية تراث وشباب"),
        ("parents-city", "ועד ההורים היישובי ירכא", "community", "ועד הורים", "",
         "لجنة أولياء الأمور المحلية يركا"),
        ("ym-druze-scouts", "הצופים הדרוזים – שבט ירכא", "community", "סניף תנועת נוער", "",
         "الكشاف الدرزي – يركا"),
        ("biz-stone", "מפעל אבן ושיש ירכא", "business", "תעשייה", "", "مصنع حجر ورخام يركا"),
        ("biz-bakery", "מאפיית הכפר ירכא", "business", "תעשיית מזון", "", "مخبز القرية يركا"),
    ],
    "shn": [
        ("school1", "בית ספר יסודי שער הנגב", "local_authority", "בית ספר יסודי", "edu", ""),
        ("matnas", "מתנ\"ס שער הנגב", "nonprofit", "מתנ\"ס", "", ""),
        ("npo-trauma", "עמותת חוסן בעוטף", "nonprofit", "עמותה", "", ""),
        ("res-kibbutzim", "פורום מזכירי הקיבוצים שער הנגב", "community", "ועד תושבים", "", ""),
        ("biz-agri", "גידולי שער הנגב – אגודה שיתופית", "business", "חקלאות", "", ""),
    ],
    "yer": [
        ("school1", "בית ספר יסודי מדבר", "local_authority", "בית ספר יסודי", "edu", ""),
        ("matnas", "מתנ\"ס ירוחם", "nonprofit", "מתנ\"ס", "", ""),
        ("npo-desert", "עמותת צעירים במדבר", "nonprofit", "עמותה", "", ""),
        ("walkers", "קבוצת הליכה קהילתית ירוחם", "community", "קבוצת תושבים", "", ""),
        ("biz-cafe", "בית הקפה הקהילתי ירוחם", "business", "מסחר", "", ""),
        ("biz-lake", "אגם ירוחם תיירות בע\"מ", "business", "תיירות", "", ""),
    ],
}  # fmt: skip


#: Local organisations that also work in another town.
_ALSO_ACTIVE: dict[str, tuple[str, ...]] = {"km-npo-words": ("ash",)}


def _ar(town: Town, text: str) -> str:
    return f"{text} {town.name_ar}" if town.key == "yar" and text else ""


def town_orgs(town: Town) -> list[OrgRow]:
    """The authority, its departments and the local organisations of ``town``.

    Keys are ``<town>-<key>``; the authority is ``<town>-auth``.
    """
    pattern, kind, pattern_en = _AUTHORITY[town.municipal_status]
    auth_ar = "المجلس المحلي يركا" if town.key == "yar" else ""
    rows = [
        OrgRow(f"{town.key}-auth", pattern.format(n=town.name), "local_authority", kind, "",
               (town.key,), pattern_en.format(e=town.name_en), auth_ar),
    ]  # fmt: skip
    for key, name, dkind, english, arabic in _DEPARTMENTS:
        suffix = f" {town.name}" if key == "yc" else f" – {pattern.format(n=town.name)}"
        rows.append(
            OrgRow(f"{town.key}-{key}", name + suffix, "local_authority", dkind,
                   f"{town.key}-auth", (town.key,), f"{town.name_en} {english}",
                   _ar(town, arabic))
        )  # fmt: skip
    for key, name, sector, okind, parent, arabic in _LOCAL[town.key]:
        full = f"{town.key}-{key}"
        rows.append(
            OrgRow(full, name, sector, okind, f"{town.key}-{parent}" if parent else "",
                   (town.key, *_ALSO_ACTIVE.get(full, ())), name_ar=arabic)
        )  # fmt: skip
    return rows


# Roles of each town: key, title, kind, organisation key (within the town), holder.
_ROLES = [
    ("head", "ראש הרשות", "head_of_authority", "auth"),
    ("ceo", "מנכ\"ל/ית הרשות", "authority_ceo", "auth"),
    ("treasurer", "גזבר/ית הרשות", "treasurer", "auth"),
    ("partnerships", "מנהל/ת שותפויות ומשאבי קהילה", "partnerships_manager", "auth"),
    ("resources", "מנהל/ת מיצוי משאבים", "resource_mobilisation", "auth"),
    ("knowledge", "מנהל/ת ידע ונתונים", "knowledge_manager", "auth"),
    ("edu-head", "מנהל/ת אגף החינוך", "department_head", "edu"),
    ("welfare-head", "מנהל/ת המחלקה לשירותים חברתיים", "department_head", "welfare"),
    ("youth-head", "מנהל/ת היחידה לקידום נוער", "department_head", "youth"),
    ("ec-lead", "מוביל/ת תחום הגיל הרך", "domain_lead", "ec"),
    ("emp-lead", "מוביל/ת תחום תעסוקה והשכלה גבוהה", "domain_lead", "yc"),
    ("volunteers", "רכז/ת מתנדבים", "volunteer_coordinator", "welfare"),
    ("matnas-director", "מנהל/ת המתנ\"ס", "director", "matnas"),
]  # fmt: skip
_HOLDERS = {"km-partnerships": "מיכל לוי (בדוי)", "sde-matnas-director": "אבי כהן (בדוי)",
            "yar-head": "סלמאן חסון (בדוי)", "ofa-emp-lead": "רונית אזולאי (בדוי)"}  # fmt: skip
_EXTRA_ROLES: dict[str, list[tuple[str, str, str, str]]] = {
    "km": [("res-chair", "יו\"ר ועד השכונה", "chair", "res-center"),
           ("ym-coord", "רכז/ת הסניף", "coordinator", "ym-bnei-akiva")],
    "ash": [("parents-chair", "יו\"ר ועד ההורים העירוני", "chair", "parents-city"),
            ("resilience", "רכז/ת מרכז החוסן העירוני", "resilience_coordinator", "auth")],
    "sde": [("resilience", "מנהל/ת מרכז החוסן", "resilience_coordinator", "npo-resilience"),
            ("res-chair", "יו\"ר ועד השכונה", "chair", "res-neve-eshkol"),
            ("stem-lead", "מוביל/ת תחום STEM21", "domain_lead", "edu")],
    "ofa": [("res-chair", "יו\"ר ועד השכונה", "chair", "res-mishor"),
            ("resilience", "רכז/ת חוסן קהילתי", "resilience_coordinator", "auth")],
    "nof": [("res-chair", "יו\"ר ועד השכונה", "chair", "res-center"),
            ("ym-coord", "רכז/ת השבט", "coordinator", "ym-scouts")],
    "bsh": [("ym-coord", "רכז/ת השבט", "coordinator", "ym-scouts")],
    "yar": [("ym-coord", "רכז/ת השבט", "coordinator", "ym-druze-scouts"),
            ("parents-chair", "יו\"ר ועד ההורים", "chair", "parents-city")],
    "shn": [("resilience", "מנהל/ת חוסן קהילתי", "resilience_coordinator", "auth")],
    "yer": [("resilience", "רכז/ת חוסן קהילתי", "resilience_coordinator", "auth")],
}  # fmt: skip
#: Roles of national bodies: key, title, kind, organisation key.
NATIONAL_ROLES = [
    ("rashi-south", "מנהל/ת תיק יישובים – דרום, קרן רש\"י", "foundation_officer", "rashi"),
    ("rashi-north", "מנהל/ת תיק יישובים – צפון, קרן רש\"י", "foundation_officer", "rashi"),
    ("samueli-officer", "מנהל/ת ECOSTEM21, קרן סמואלי", "foundation_officer", "samueli"),
    ("moe-south-sup", "מפקח/ת מחוזי/ת, משרד החינוך מחוז דרום", "ministry_supervisor",
     "moe-south"),
    ("moe-north-sup", "מפקח/ת מחוזי/ת, משרד החינוך מחוז צפון", "ministry_supervisor",
     "moe-north"),
    ("welfare-south-sup", "מפקח/ת מחוזי/ת, משרד הרווחה מחוז דרום", "ministry_supervisor",
     "welfare-south"),
    ("welfare-north-sup", "מפקח/ת מחוזי/ת, משרד הרווחה מחוז צפון", "ministry_supervisor",
     "welfare-north"),
    ("hfc-south-officer", "קצין/ת קישור לרשויות, פיקוד העורף מחוז דרום", "other", "hfc-south"),
    ("interior-forum", "ממונה פורום ראשי מועצות, משרד הפנים", "other", "interior"),
    ("elka-facilitator", "מנחה הפורום, מכון אלכא", "coordinator", "elka"),
    ("moe-partnerships-head", "מנהל/ת היחידה לשותפויות בין-מגזריות", "director",
     "moe-partnerships"),
]  # fmt: skip


def town_roles(town: Town) -> list[tuple[str, str, str, str, str]]:
    """Roles of ``town`` as ``(key, title, kind, org key, holder)`` (keys prefixed by town)."""
    rows = []
    specs = list(_ROLES)
    if town.initiative:
        specs.insert(4, ("initiative", "מנהל/ת יישובי/ת – יוזמת היישוב במרכז",
                         "local_initiative_manager", "auth"))  # fmt: skip
    for key, title, kind, org in specs + _EXTRA_ROLES.get(town.key, []):
        full = f"{town.key}-{key}"
        rows.append((full, title, kind, f"{town.key}-{org}", _HOLDERS.get(full, "")))
    return rows
