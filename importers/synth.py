"""A synthetic national dataset in the import format, for benchmarks and load tests.

:func:`generate` writes the CSV files of SPEC section 2 for ``localities``
authorities. Each locality gets what the demo has, at scale: the authority
and its departments, schools, a community centre, nonprofits, community
groups (residents' and parents' committees, youth-movement branches,
synagogue communities) and businesses; roles; a local administration,
steering committee, leading team, professional teams, an emergency team and
sometimes a design forum; programs from a catalogue of program types along
the 0-35 continuum; investments; goals; partnerships. National ministries
with district offices, foundations, national nonprofits and colleges are
active in many localities; a national peer forum of heads of local councils
and a regional network of partnership managers per district tie localities
together.

Findings are planted at a realistic rate and marked in an extra ``planted``
column, so a benchmark can measure recall and precision: about one program
type in eight of a locality gets a near-identical second program by another
operator, overlapping in ages and period (every program of that type in the
locality is marked ``duplicate:<group>``; its pairs with different operators
are the duplicates); about 8% of community groups have no tie at all
(``isolate``) and 5% a single partnership (``single_tie``). Program types of
one domain serve different target populations, so unplanted duplicates are
rare.

Localities are drawn from the real CBS 2021 file
(``shared/data/il/cbs_local_authorities_2021.csv``, read at generation time
when it exists) and completed with synthetic ones. The output depends only
on the arguments (and that file): the same seed gives byte-identical files.

Examples
--------
>>> import tempfile
>>> counts = generate(2, seed=7, out_dir=Path(tempfile.mkdtemp()), orgs_per_locality=40)
>>> counts["localities"], counts["organizations"] >= 80
(2, True)
"""

from __future__ import annotations

import contextlib
import csv
import math
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_ORGS_PER_LOCALITY", "FILES", "default_cbs_path", "generate"]

#: 255 localities x 196 + the national bodies gives about 50,000 organisations.
DEFAULT_ORGS_PER_LOCALITY = 196

#: Columns per file: SPEC section 2 first, then extra columns kept as properties.
FILES: dict[str, list[str]] = {
    "localities": ["id", "name", "municipal_status", "socioeconomic_cluster", "population",
                   "district", "cluster_id", "cbs_code"],
    "organizations": ["id", "name", "sector", "kind", "parent_id", "locality_ids",
                      "registration_number", "planted"],
    "roles": ["id", "title", "kind", "organization_id", "holder", "since", "until"],
    "forums": ["id", "name", "kind", "locality_id", "domain", "convener_id", "meetings_per_year",
               "context"],
    "memberships": ["member_id", "forum_id", "position", "since", "until"],
    "programs": ["id", "name", "operator_id", "locality_id", "domains", "age_min", "age_max",
                 "target_population", "start", "end", "context", "status", "goal_ids",
                 "description", "planted"],
    "program_partners": ["program_id", "organization_id", "role"],
    "investments": ["id", "funder_id", "program_id", "locality_id", "domain", "amount",
                    "currency", "year", "kind", "status"],
    "partnerships": ["source_id", "target_id", "kind", "context", "since", "until", "strength"],
    "goals": ["id", "locality_id", "domain", "title", "indicator", "baseline", "target",
              "target_year", "owner_id"],
}  # fmt: skip

_STATUS = {"עירייה": "city", "מועצה מקומית": "local_council", "מועצה אזורית": "regional_council"}
_DISTRICTS = ["הצפון", "חיפה", "המרכז", "תל אביב", "ירושלים", "הדרום", "אזור יהודה והשומרון"]
_MINISTRIES = [("moe", "משרד החינוך"), ("welfare", "משרד הרווחה והביטחון החברתי"),
               ("health", "משרד הבריאות"), ("hfc", "פיקוד העורף")]  # fmt: skip
_NATIONAL = [
    ("interior", "משרד הפנים", "government", "משרד ממשלתי"),
    ("pmo", "משרד ראש הממשלה", "government", "משרד ממשלתי"),
    ("labor", "משרד העבודה", "government", "משרד ממשלתי"),
    ("periphery", "המשרד לפיתוח הפריפריה, הנגב והגליל", "government", "משרד ממשלתי"),
    ("nea", "רשות החירום הלאומית", "government", "רשות ממשלתית"),
    ("moe-partnerships", "היחידה לשותפויות בין-מגזריות, משרד החינוך", "government", "יחידה"),
    ("lottery", "מפעל הפיס", "other", "תאגיד הגרלות ציבורי"),
    ("ulai", "מרכז השלטון המקומי", "other", "ארגון גג של הרשויות"),
]  # fmt: skip
_WORDS = [
    "אור",
    "גשר",
    "צמיחה",
    "אופק",
    "מעגלים",
    "יחד",
    "ניצן",
    "שורשים",
    "דרך",
    "כנפיים",
    "מפתח",
    "תקווה",
    "לב",
    "עתיד",
    "נתיב",
    "רעות",
    "שחר",
    "קשת",
    "מעיין",
    "אלון",
]
_NEIGHBOURHOODS = [
    "מרכז העיר",
    "הגבעה",
    "נווה שלום",
    "רמת הדר",
    "הוותיקה",
    "הצפונית",
    "הדרומית",
    "גני הדר",
    "נאות אביב",
    "הפרחים",
    "הרקפות",
    "התאנים",
]
_MOVEMENTS = ["בני עקיבא", "הצופים", "הנוער העובד והלומד", "עזרא", "אריאל", "בני המושבים"]
_BUSINESS = ["תעשיות", "מסחר", "לוגיסטיקה", "מזון", "טכנולוגיות", "בנייה", "תיירות", "אנרגיה"]
_DEPARTMENTS = [("edu", "אגף החינוך"), ("welfare", "המחלקה לשירותים חברתיים"),
                ("youth", "היחידה לקידום נוער"), ("ec", "מחלקת הגיל הרך"),
                ("yc", "מרכז צעירים"), ("community", "אגף קהילה"),
                ("employment", "יחידת תעסוקה"), ("emergency", "מחלקת ביטחון וחירום")]  # fmt: skip
#: Program types: domain(s), ages, target population, name.
_TYPES: list[tuple[str, int, int, str, str]] = [
    ("early_childhood", 0, 3, "פעוטות והוריהם", "העשרה שפתית לפעוטות"),
    ("early_childhood", 0, 5, "משפחות צעירות", "מרכז הורים-ילדים"),
    ("early_childhood", 3, 6, "ילדי גנים", "מוכנות לכיתה א'"),
    ("early_childhood", 0, 2, "תינוקות בסיכון", "ביקורי בית לתינוקות"),
    ("formal_education", 6, 8, "תלמידי כיתות א'-ג'", "תגבור קריאה"),
    ("formal_education", 9, 12, "תלמידי כיתות ד'-ו'", "תגבור מתמטיקה"),
    ("formal_education", 13, 15, "תלמידי חטיבת ביניים", "מניעת נשירה"),
    ("formal_education", 15, 18, "תלמידי תיכון", "הכנה לבגרות"),
    ("informal_education", 9, 18, "חניכי תנועות נוער", "חיזוק תנועות הנוער"),
    ("informal_education", 12, 18, "בני נוער", "מועדוני נוער"),
    ("informal_education", 6, 12, "ילדים", "חוגי העשרה"),
    ("meaningful_service", 16, 18, "בני נוער", "הכנה לשירות משמעותי"),
    ("meaningful_service", 18, 19, "בוגרי י\"ב", "מכינה קדם-צבאית"),
    ("meaningful_service", 18, 20, "בנות", "שירות לאומי בקהילה"),
    ("higher_education", 18, 30, "צעירים", "מלגות וליווי לסטודנטים"),
    ("higher_education", 17, 25, "משוחררים", "מכינה אקדמית"),
    ("employment", 22, 35, "צעירים", "הכוון תעסוקתי"),
    ("employment", 25, 45, "נשים", "תעסוקה ויזמות לנשים"),
    ("employment", 18, 24, "משוחררים", "השמה ראשונה"),
    ("stem21", 10, 15, "בני נוער", "רובוטיקה ומייקרים"),
    ("stem21", 3, 6, "ילדי גנים", "חקר בגני הילדים"),
    ("stem21", 15, 18, "תלמידי תיכון", "מגמות מדעיות"),
    ("welfare", 6, 12, "ילדים בסיכון", "מועדונית טיפולית"),
    ("welfare", 13, 18, "נוער בסיכון", "יחידה ניידת לנוער"),
    ("welfare", 65, 120, "קשישים", "ביקורי בית לקשישים"),
    ("health", 0, 6, "פעוטות", "מעקב התפתחותי"),
    ("health", 12, 18, "בני נוער", "בריאות הנפש לנוער"),
    ("community", 18, 120, "תושבים", "מנהיגות שכונתית"),
    ("community", 25, 60, "הורים", "קבוצות הורים"),
    ("emergency", 0, 120, "כלל התושבים", "חוסן קהילתי בחירום"),
    ("emergency", 65, 120, "קשישים בחירום", "סיוע לקשישים בחירום"),
    ("emergency", 18, 120, "מתנדבים", "צוות צח\"י"),
]  # fmt: skip
_DOMAIN_LEADS = ["early_childhood", "employment", "stem21"]
_PARTNER_KINDS = ["הסכם שותפות", "שיתוף מידע", "הפעלה משותפת", "מימון", "התנדבות", "השמה"]


def default_cbs_path() -> Path:
    """Where the CBS 2021 authorities file sits beside a checkout (``../shared/data``)."""
    return Path(__file__).resolve().parents[2] / "shared/data/il/cbs_local_authorities_2021.csv"


def _num(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _localities(count: int, rng: random.Random, cbs_path: Path | None) -> list[dict[str, Any]]:
    real: list[dict[str, Any]] = []
    if cbs_path is not None and cbs_path.is_file():
        with cbs_path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                if len(row) < 8 or row[0] == "שם הרשות" or row[3] not in _STATUS:
                    continue
                population, cluster = _num(row[5]), _num(row[7])
                real.append({"name": row[0], "code": row[1], "district": row[2],
                             "status": _STATUS[row[3]],
                             "population": int(population) if population else None,
                             "cluster": int(cluster) if cluster else None})  # fmt: skip
    rng.shuffle(real)
    chosen = real[:count]
    for n in range(len(chosen), count):
        chosen.append({"name": f"יישוב סינתטי {n + 1}", "code": f"S{n + 1:04d}",
                       "district": rng.choice(_DISTRICTS), "status": None,
                       "population": None, "cluster": None})  # fmt: skip
    for loc in chosen:
        if loc["status"] is None:
            loc["status"] = rng.choices(list(_STATUS.values()), (79, 122, 54))[0]
        if loc["cluster"] is None:
            loc["cluster"] = min(10, max(1, round(rng.gauss(5, 2))))
        if loc["population"] is None:
            loc["population"] = int(math.exp(rng.gauss(9.6, 1.0)))
        loc["id"] = f"loc-{loc['code']}"
    return chosen


class _Writers:
    """One open CSV writer per file, with row counts."""

    def __init__(self, out_dir: Path, stack: contextlib.ExitStack) -> None:
        self.counts = dict.fromkeys(FILES, 0)
        self._w = {}
        for name, cols in FILES.items():
            fh = stack.enter_context(
                (out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="")
            )
            self._w[name] = csv.writer(fh, lineterminator="\n")
            self._w[name].writerow(cols)

    def row(self, name: str, *cells: Any) -> None:
        self._w[name].writerow(["" if c is None else c for c in cells])
        self.counts[name] += 1


def _pairs(items: list[str]) -> Iterator[tuple[str, str]]:
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            yield a, b


def generate(
    localities: int,
    seed: int,
    out_dir: Path,
    *,
    orgs_per_locality: int = DEFAULT_ORGS_PER_LOCALITY,
    cbs_path: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write a synthetic national dataset into ``out_dir``; return rows per file.

    Parameters
    ----------
    localities : int
        Number of local authorities (real CBS ones first, then synthetic).
    seed : int
        Random seed; the same seed gives byte-identical files.
    out_dir : Path
        Folder for the CSV files (created if missing).
    orgs_per_locality : int
        Organisations per locality, at least 20 (national bodies come on top).
    cbs_path : Path, optional
        The CBS 2021 authorities file; defaults to :func:`default_cbs_path`.
    progress : callable, optional
        Called with 1 after each locality is written.

    Returns
    -------
    dict
        Row count per file name (without ``.csv``).
    """
    if localities < 1:
        raise ValueError("localities must be at least 1")
    if orgs_per_locality < 20:
        raise ValueError("orgs_per_locality must be at least 20")
    rng = random.Random(seed)
    locs = _localities(localities, rng, cbs_path or default_cbs_path())
    out_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        w = _Writers(out_dir, stack)
        national = _write_national(w, locs, rng)
        heads, managers = [], []
        for index, loc in enumerate(locs):
            local_rng = random.Random(seed * 1_000_003 + index)
            head, manager = _write_locality(w, loc, index, national, orgs_per_locality, local_rng)
            if loc["status"] == "local_council":
                heads.append(head)
            managers.append((loc["district"], manager))
            if progress is not None:
                progress(1)
        _write_national_forums(w, national, heads, managers)
    return w.counts


def _write_national(w: _Writers, locs: list[dict[str, Any]], rng: random.Random) -> dict[str, Any]:
    ids = [loc["id"] for loc in locs]
    by_district: dict[str, list[str]] = {}
    for loc in locs:
        by_district.setdefault(loc["district"], []).append(loc["id"])
    for key, name, sector, kind in _NATIONAL:
        w.row("organizations", f"org-nat-{key}", name, sector, kind, "", "", "", "")
    district_offices: dict[tuple[str, str], str] = {}
    for key, name in _MINISTRIES:
        w.row("organizations", f"org-nat-{key}", name, "government", "משרד ממשלתי", "", "", "", "")
        for d, district in enumerate(sorted(by_district)):
            oid = f"org-nat-{key}-d{d + 1}"
            district_offices[(key, district)] = oid
            w.row("organizations", oid, f"{name} – מחוז {district}", "government",
                  "מחוז של משרד ממשלתי", f"org-nat-{key}", ";".join(by_district[district]),
                  "", "")  # fmt: skip

    def active(share: float) -> list[str]:
        return sorted(rng.sample(ids, max(1, round(len(ids) * share))))

    foundations, colleges, nonprofits, businesses = [], [], [], []
    reach: dict[str, list[str]] = {}
    for n in range(25):
        oid = f"org-nat-fund-{n + 1:02d}"
        reach[oid] = active(rng.uniform(0.05, 0.4))
        w.row("organizations", oid, f"קרן {_WORDS[n % len(_WORDS)]} {n + 1}", "philanthropy",
              "קרן", "", ";".join(reach[oid]), "", "")  # fmt: skip
        foundations.append(oid)
    for n in range(12):
        oid = f"org-nat-college-{n + 1:02d}"
        reach[oid] = active(rng.uniform(0.02, 0.1))
        w.row("organizations", oid, f"המכללה האקדמית {_WORDS[n]}", "academia", "מכללה", "",
              ";".join(reach[oid]), "", "")  # fmt: skip
        colleges.append(oid)
    for n in range(15):
        oid = f"org-nat-npo-{n + 1:02d}"
        reach[oid] = active(rng.uniform(0.05, 0.3))
        w.row("organizations", oid, f"עמותת {_WORDS[(n + 5) % len(_WORDS)]} הארצית",
              "nonprofit", "עמותה ארצית", "", ";".join(reach[oid]), "", "")  # fmt: skip
        nonprofits.append(oid)
    for n in range(5):
        oid = f"org-nat-biz-{n + 1:02d}"
        w.row("organizations", oid, f"{_BUSINESS[n]} ישראל בע\"מ", "business", "חברה ארצית",
              "", "", "", "")  # fmt: skip
        businesses.append(oid)
    return {"offices": district_offices, "foundations": foundations, "colleges": colleges,
            "nonprofits": nonprofits, "businesses": businesses, "reach": reach}  # fmt: skip


def _write_national_forums(
    w: _Writers, nat: dict[str, Any], heads: list[str], managers: list[tuple[str, str]]
) -> None:
    national = [f"org-nat-{key}" for key, *_ in _NATIONAL]
    ministries = [f"org-nat-{key}" for key, _ in _MINISTRIES]
    others = [
        ("roundtable", "השולחן העגול הבין-מגזרי לחוסן חברתי", "org-nat-pmo",
         national + ministries + nat["foundations"][:5] + nat["nonprofits"]),
        ("foundations", "פורום הקרנות", nat["foundations"][0], nat["foundations"]),
        ("colleges", "פורום המכללות בפריפריה", "org-nat-periphery", nat["colleges"]),
        ("business", "פורום עסקים למען הקהילה", nat["businesses"][0],
         [*nat["businesses"], "org-nat-labor"]),
    ]  # fmt: skip
    for key, name, convener, members in others:
        w.row("forums", f"forum-nat-{key}", name, "other", "", "", convener, 4, "routine")
        w.row("memberships", convener, f"forum-nat-{key}", "chair", "2016", "")
        for member in members:
            if member != convener:
                w.row("memberships", member, f"forum-nat-{key}", "member", "2016", "")
    w.row("forums", "forum-nat-peer", "פורום עמיתים ארצי לראשי מועצות מקומיות", "peer_forum", "",
          "", "org-nat-interior", 8, "routine")  # fmt: skip
    w.row("memberships", "org-nat-interior", "forum-nat-peer", "chair", "2012", "")
    for head in heads:
        w.row("memberships", head, "forum-nat-peer", "member", "2019", "")
    for d, district in enumerate(sorted({d for d, _ in managers})):
        fid = f"forum-nat-network-d{d + 1}"
        w.row("forums", fid, f"רשת מנהלי שותפויות – מחוז {district}", "regional_network", "",
              "", "org-nat-moe-partnerships", 6, "routine")  # fmt: skip
        w.row("memberships", "org-nat-moe-partnerships", fid, "chair", "2019", "")
        for where, manager in managers:
            if where == district:
                w.row("memberships", manager, fid, "member", "2020", "")
        for (_, where), office in sorted(nat["offices"].items()):
            if where == district:
                w.row("memberships", office, fid, "observer", "2020", "")


def _write_locality(
    w: _Writers,
    loc: dict[str, Any],
    index: int,
    nat: dict[str, Any],
    size: int,
    rng: random.Random,
) -> tuple[str, str]:
    """Write one locality and everything in it; return its head's and manager's role ids."""
    lid, code, name = loc["id"], loc["code"], loc["name"]
    w.row("localities", lid, name, loc["status"], loc["cluster"], loc["population"],
          loc["district"], f"cluster-{loc['district']}-{loc['cluster'] // 3}", code)  # fmt: skip
    org_n = 0

    def org(oname: str, sector: str, kind: str, parent: str = "", planted: str = "") -> str:
        nonlocal org_n
        org_n += 1
        oid = f"org-{code}-{org_n:04d}"
        w.row("organizations", oid, oname, sector, kind, parent, lid, "", planted)
        return oid

    prefix = {"city": "עיריית", "local_council": "המועצה המקומית",
              "regional_council": "המועצה האזורית"}[loc["status"]]  # fmt: skip
    auth = org(f"{prefix} {name}", "local_authority", "רשות מקומית")
    depts = {k: org(f"{d} – {prefix} {name}", "local_authority", "מחלקה ברשות", auth)
             for k, d in _DEPARTMENTS}  # fmt: skip
    matnas = org(f'מתנ"ס {name}', "nonprofit", 'מתנ"ס')
    rest = size - 2 - len(_DEPARTMENTS)
    n_school = max(1, rest * 10 // 100)
    n_npo = max(1, rest * 22 // 100)
    n_biz = max(1, rest * 30 // 100)
    n_comm = rest - n_school - n_npo - n_biz
    schools = [org(f"בית ספר {rng.choice(_WORDS)} {name} {i + 1}", "local_authority",
                   "בית ספר", depts["edu"]) for i in range(n_school)]  # fmt: skip
    npos = [org(f"עמותת {rng.choice(_WORDS)} {name} {i + 1}", "nonprofit", "עמותה")
            for i in range(n_npo)]  # fmt: skip
    bizs = [org(f"{rng.choice(_WORDS)} {rng.choice(_BUSINESS)} {name} {i + 1} בע\"מ",
                "business", "עסק") for i in range(n_biz)]  # fmt: skip
    # Community groups: a share is planted as isolated or single-tied.
    fates = ["isolate"] * round(n_comm * 0.08) + ["single_tie"] * round(n_comm * 0.05)
    fates += [""] * (n_comm - len(fates))
    rng.shuffle(fates)
    community, lonely = [], []
    for i, fate in enumerate(fates):
        kind = rng.choice(["ועד תושבים", "ועד הורים", "סניף תנועת נוער", "קהילת בית כנסת"])
        label = {"ועד תושבים": f"ועד שכונת {rng.choice(_NEIGHBOURHOODS)}",
                 "ועד הורים": f"ועד הורים – בית ספר {rng.choice(_WORDS)}",
                 "סניף תנועת נוער": f"סניף {rng.choice(_MOVEMENTS)}",
                 "קהילת בית כנסת": f"קהילת בית הכנסת {rng.choice(_WORDS)}"}[kind]  # fmt: skip
        oid = org(f"{label} {name} {i + 1}", "community", kind, planted=fate)
        if fate == "single_tie":
            lonely.append(oid)
        elif not fate:
            community.append(oid)

    # Roles
    role_n = 0
    role_org: dict[str, str] = {}
    touched: set[str] = set()

    def role(title: str, kind: str, org_id: str) -> str:
        nonlocal role_n
        role_n += 1
        rid = f"role-{code}-{role_n:03d}"
        role_org[rid] = org_id
        w.row("roles", rid, title, kind, org_id, "", "", "")
        return rid

    head = role("ראש הרשות", "head_of_authority", auth)
    ceo = role('מנכ"ל/ית הרשות', "authority_ceo", auth)
    treasurer = role("גזבר/ית", "treasurer", auth)
    manager = role("מנהל/ת שותפויות ומשאבי קהילה", "partnerships_manager", auth)
    knowledge = role("מנהל/ת ידע", "knowledge_manager", auth)
    resources = role("מנהל/ת מיצוי משאבים", "resource_mobilisation", auth)
    dept_heads = {k: role(f"מנהל/ת {d}", "department_head", depts[k]) for k, d in _DEPARTMENTS}
    lead_dept = {"early_childhood": "ec", "employment": "employment", "stem21": "edu"}
    leads = {
        d: role(f"מוביל/ת תחום {d}", "domain_lead", depts[lead_dept[d]]) for d in _DOMAIN_LEADS
    }
    director = role('מנהל/ת המתנ"ס', "director", matnas)
    resilience = role("רכז/ת חוסן", "resilience_coordinator", depts["emergency"])
    volunteers = role("רכז/ת מתנדבים", "volunteer_coordinator", depts["community"])
    chairs = [role('יו"ר', "chair", c) for c in community[: max(1, len(community) // 10)]]

    # Forums and memberships
    district = loc["district"]
    offices = [nat["offices"][(k, district)] for k, _ in _MINISTRIES]
    funders_here = [f for f in nat["foundations"] if lid in nat["reach"][f]]
    colleges_here = [c for c in nat["colleges"] if lid in nat["reach"][c]]
    npos_here = [n for n in nat["nonprofits"] if lid in nat["reach"][n]]
    since = str(rng.randint(2015, 2023))

    def forum(
        key: str,
        fname: str,
        kind: str,
        meetings: int,
        members: list[str],
        chair: str,
        domain: str = "",
        context: str = "routine",
    ) -> list[str]:
        fid = f"forum-{code}-{key}"
        w.row("forums", fid, fname, kind, lid, domain, auth, meetings, context)
        w.row("memberships", chair, fid, "chair", since, "")
        touched.update(role_org.get(m, m) for m in [chair, *members])
        seen = {chair}
        for m in members:
            if m not in seen:
                seen.add(m)
                w.row("memberships", m, fid, "member", since, "")
        return sorted(seen)

    admin_members = [ceo, manager, director, *dept_heads.values(), *leads.values(),
                     *offices[:2], *funders_here[:3], *colleges_here[:1], *npos_here[:2],
                     *chairs, *rng.sample(npos, min(len(npos), 8)),
                     *rng.sample(bizs, min(len(bizs), 3))]  # fmt: skip
    forum("admin", f"מינהלת יישובית {name}", "local_administration", 11, admin_members, head)
    forum("steering", f"ועדת היגוי {name}", "steering_committee", 6,
          [ceo, manager, treasurer, *funders_here[:2], offices[0]], head)  # fmt: skip
    forum("leading", f"צוות מוביל {name}", "leading_team", 6,
          [manager, knowledge, resources, *funders_here[:1]], ceo)  # fmt: skip
    for domain, lead in leads.items():
        team = [
            *rng.sample(npos, min(len(npos), 6)),
            *rng.sample(schools, min(len(schools), 3)),
            *rng.sample(bizs, min(len(bizs), 2)),
            *colleges_here[:1],
            offices[0],
        ]
        forum(f"pt-{domain}", f"צוות מקצועי {domain} – {name}", "professional_team", 10, team,
              lead, domain)  # fmt: skip
    forum("emergency", f"צוות חירום – {name}", "emergency_team", 12,
          [ceo, resilience, volunteers, dept_heads["welfare"], director, offices[3],
           *rng.sample(npos, min(len(npos), 5)), *rng.sample(bizs, min(len(bizs), 3))],
          head, "emergency", "emergency")  # fmt: skip
    if rng.random() < 0.3:
        design = [
            *admin_members,
            *rng.sample(community, min(len(community), 10)),
            *rng.sample(bizs, min(len(bizs), 5)),
        ]
        forum("design", f"פורום עיצוב {name}", "design_forum", 4, design, manager)

    # Goals
    goals: dict[str, list[str]] = {}
    for g, domain in enumerate(rng.sample([*_DOMAIN_LEADS, "formal_education", "welfare"], 3)):
        gid = f"goal-{code}-{g + 1}"
        base = rng.randint(20, 70)
        w.row("goals", gid, lid, domain, f"יעד יישובי ב{domain}", f"מדד {domain}", base,
              base + rng.randint(5, 20), rng.randint(2026, 2030),
              leads.get(domain, dept_heads["edu"]))  # fmt: skip
        goals.setdefault(domain, []).append(gid)

    # Programs, partners, investments
    operators = [*npos, matnas, *depts.values(), *schools, *npos_here, *colleges_here]
    partner_pool = [*community, *schools, *bizs]
    n_programs = max(4, size * 3 // 10)
    types = rng.sample(range(len(_TYPES)), min(len(_TYPES), n_programs))
    types += [rng.randrange(len(_TYPES)) for _ in range(n_programs - len(types))]
    type_operator: dict[int, str] = {}
    planted_types: dict[int, str] = {}
    prog_n = inv_n = 0
    for t in types:
        domains, lo, hi, target, pname = _TYPES[t]
        first = t not in type_operator
        operator = type_operator.setdefault(t, rng.choice(operators))
        # Every program of a planted type carries its group; pairs of them run by
        # different operators are the duplicates.
        group = planted_types.get(t, "")
        copies = [(operator, group)]
        if first and rng.random() < 0.125:
            group = planted_types[t] = f"duplicate:{code}-{t}"
            other = rng.choice([o for o in operators if o != operator])
            copies = [(operator, group), (other, group)]
        period = (0, 0)
        for op, planted in copies:
            prog_n += 1
            pid = f"prog-{code}-{prog_n:04d}"
            # A planted copy starts while the first one still runs.
            start = rng.randint(period[0] - 1, period[1]) if period[1] else rng.randint(2018, 2024)
            period = (start, start + rng.randint(2, 5))
            goal_ids = goals.get(domains.split(";")[0], []) if rng.random() < 0.4 else []
            context = "emergency" if domains.startswith("emergency") else "routine"
            w.row("programs", pid, f"{pname} – {name}", op, lid, domains, lo, hi, target, start,
                  period[1], context, "active", ";".join(goal_ids), "", planted)  # fmt: skip
            for p in rng.sample(partner_pool, min(len(partner_pool), rng.randint(0, 3))):
                if p != op:
                    w.row("program_partners", pid, p, "שותף")
                    touched.update((p, op))
            funders = [rng.choice([*funders_here, *offices[:3], auth, "org-nat-lottery"])]
            if rng.random() < 0.5:
                funders.append(rng.choice([auth, *bizs[:5], "org-nat-labor", "org-nat-periphery"]))
            touched.update((op, *funders))
            for funder in funders:
                inv_n += 1
                kind = ("budget" if funder == auth else "in_kind" if funder in bizs
                        else rng.choice(["grant", "grant", "matching"]))  # fmt: skip
                w.row("investments", f"inv-{code}-{inv_n:05d}", funder, pid, "", "",
                      round(math.exp(rng.gauss(11.9, 0.8)), -3), "ILS", rng.randint(2019, 2025),
                      kind, rng.choice(["paid", "paid", "committed", "planned"]))  # fmt: skip
    for _ in range(2):
        inv_n += 1
        w.row("investments", f"inv-{code}-{inv_n:05d}", rng.choice([auth, *offices[:2]]), "", lid,
              rng.choice(_DOMAIN_LEADS), rng.randint(5, 50) * 10_000, "ILS", 2025, "budget",
              "planned")  # fmt: skip

    # Partnerships: the single-tied groups get one each, the rest a random web.
    seen_pairs: set[tuple[str, str]] = set()

    def partner(a: str, b: str) -> None:
        if a == b or (a, b) in seen_pairs or (b, a) in seen_pairs:
            return
        seen_pairs.add((a, b))
        touched.update((a, b))
        context = rng.choices(["routine", "emergency", "both"], (80, 12, 8))[0]
        w.row("partnerships", a, b, rng.choice(_PARTNER_KINDS), context,
              rng.randint(2010, 2024), "", rng.randint(1, 5))  # fmt: skip

    for group in lonely:
        partner(group, matnas)
    web = [auth, matnas, *depts.values(), *npos, *schools, *community, *bizs]
    for group in community:
        partner(group, rng.choice(web))
    for _ in range(size * 4 // 10):
        partner(rng.choice(web), rng.choice(web))
    for lone in web:
        if lone not in touched:
            partner(lone, rng.choice([o for o in web if o != lone]))
    return head, manager
