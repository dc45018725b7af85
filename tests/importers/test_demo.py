"""The bundled demo: valid, true to the CBS figures, and holding every planted finding.

The planted findings are listed in ``importers/demo/FINDINGS.md``. These
tests recompute them from the CSV files with the definitions of SPEC
section 3 (an actor network of organisations, roles folded into their
organisation, tied by partnerships, shared forums, shared programs and
funding), independently of the analytics package.
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest
from pydantic import BaseModel

from graph.model import (
    AGE_STAGES,
    Forum,
    ForumKind,
    Goal,
    Investment,
    InvestmentKind,
    Locality,
    Membership,
    Organization,
    Partnership,
    Program,
    ProgramPartner,
    Role,
    RoleKind,
)
from graph.model_process import (
    Agreement,
    Assessment,
    Capability,
    Commitment,
    CompassRating,
    GoalReading,
    Need,
    SurveyResponse,
)
from graph.store.sqlite import SQLiteStore
from importers.demo import demo_path
from importers.demo.build import COLUMNS, build
from importers.registry import run_import

Data = dict[str, list[dict[str, str]]]

MODELS: dict[str, type[BaseModel]] = {
    "localities": Locality,
    "organizations": Organization,
    "roles": Role,
    "forums": Forum,
    "memberships": Membership,
    "programs": Program,
    "program_partners": ProgramPartner,
    "investments": Investment,
    "partnerships": Partnership,
    "goals": Goal,
    "needs": Need,
    "capabilities": Capability,
    "compass_ratings": CompassRating,
    "assessments": Assessment,
    "goal_readings": GoalReading,
    "agreements": Agreement,
    "commitments": Commitment,
    "survey_responses": SurveyResponse,
}
LABELS = {
    "localities": "Locality",
    "organizations": "Organization",
    "roles": "Role",
    "forums": "Forum",
    "programs": "Program",
    "investments": "Investment",
    "goals": "Goal",
    "memberships": "MEMBER_OF",
    "program_partners": "PARTNERS_IN",
    "partnerships": "PARTNERS_WITH",
    "needs": "Need",
    "capabilities": "Capability",
    "compass_ratings": "CompassRating",
    "assessments": "Assessment",
    "goal_readings": "GoalReading",
    "agreements": "Agreement",
    "commitments": "Commitment",
    "survey_responses": "SurveyResponse",
}
SEVEN = {"local_authority", "government", "nonprofit", "philanthropy", "business", "academia",
         "community"}  # fmt: skip


def read(name: str) -> list[dict[str, str]]:
    with (demo_path() / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def data() -> Data:
    return {name: read(name) for name in COLUMNS}


class Network:
    """The actor network of SPEC section 3, rebuilt here from the files."""

    def __init__(self, data: dict[str, list[dict[str, str]]]) -> None:
        self.orgs = {r["id"]: r for r in data["organizations"]}
        self.role_org = {r["id"]: r["organization_id"] for r in data["roles"]}
        self.programs = {r["id"]: r for r in data["programs"]}
        self.forum_orgs: dict[str, set[str]] = defaultdict(set)
        for m in data["memberships"]:
            self.forum_orgs[m["forum_id"]].add(self.role_org.get(m["member_id"], m["member_id"]))
        self.partners: dict[str, set[str]] = defaultdict(set)
        for pp in data["program_partners"]:
            self.partners[pp["program_id"]].add(pp["organization_id"])
        self.funders: dict[str, set[str]] = defaultdict(set)
        self.money: dict[str, float] = defaultdict(float)
        for inv in data["investments"]:
            if inv["program_id"]:
                self.funders[inv["program_id"]].add(inv["funder_id"])
                self.money[inv["program_id"]] += float(inv["amount"])
        self.partnered = {frozenset((p["source_id"], p["target_id"])) for p in data["partnerships"]}
        g: nx.Graph = nx.Graph()
        g.add_nodes_from(self.orgs)
        for members in self.forum_orgs.values():
            g.add_edges_from(itertools.combinations(sorted(members), 2))
        for pid, prog in self.programs.items():
            g.add_edges_from(
                itertools.combinations(sorted({prog["operator_id"], *self.partners[pid]}), 2)
            )
            g.add_edges_from((f, prog["operator_id"]) for f in self.funders[pid])
        g.add_edges_from(tuple(pair) for pair in self.partnered)
        g.remove_edges_from(nx.selfloop_edges(g))
        self.graph = g

    def meet(self, a: set[str], b: set[str]) -> bool:
        """Do any of ``a`` and any of ``b`` share a forum or a partnership?"""
        for x, y in itertools.product(a, b):
            if x == y or frozenset((x, y)) in self.partnered:
                return True
            if any(x in m and y in m for m in self.forum_orgs.values()):
                return True
        return False

    def coordinated(self, p1: str, p2: str) -> bool:
        a, b = self.programs[p1], self.programs[p2]
        return self.meet({a["operator_id"]}, {b["operator_id"]}) or self.meet(
            self.funders[p1], self.funders[p2]
        )

    def duplicates(self) -> dict[frozenset[str], bool]:
        def overlap(lo1: str, hi1: str, lo2: str, hi2: str) -> bool:
            return int(lo1) <= int(hi2) and int(lo2) <= int(hi1)

        found = {}
        for a, b in itertools.combinations(
            sorted(self.programs.values(), key=lambda p: p["id"]), 2
        ):
            if (
                a["locality_id"] == b["locality_id"]
                and a["operator_id"] != b["operator_id"]
                and set(a["domains"].split(";")) & set(b["domains"].split(";"))
                and overlap(a["age_min"], a["age_max"], b["age_min"], b["age_max"])
                and overlap(a["start"], a["end"], b["start"], b["end"])
            ):
                found[frozenset((a["id"], b["id"]))] = self.coordinated(a["id"], b["id"])
        return found


@pytest.fixture(scope="module")
def net(data: dict[str, list[dict[str, str]]]) -> Network:
    return Network(data)


def test_every_row_validates_with_the_model(data: dict[str, list[dict[str, str]]]) -> None:
    for name, rows in data.items():
        assert rows, f"{name}.csv is empty"
        for number, row in enumerate(rows, start=2):
            try:
                MODELS[name].model_validate(row)
            except ValueError as exc:  # pragma: no cover - the failure message is the point
                pytest.fail(f"{name}.csv row {number}: {exc}")


def test_the_demo_imports_with_zero_errors(sqlite_store: SQLiteStore, data: Data) -> None:
    report = run_import(sqlite_store, demo_path())
    assert report.valid, [str(e) for e in report.errors]
    assert report.errors == [] and report.warnings == []
    by_label = report.stats["by_label"]
    for name, rows in data.items():
        assert by_label[LABELS[name]] == len(rows), name
    again = run_import(sqlite_store, demo_path())
    assert again.valid and again.stats["nodes_written"] == 0


def test_localities_carry_the_real_cbs_2021_values(shared_data: Path, data: Data) -> None:
    status = {"עירייה": "city", "מועצה מקומית": "local_council", "מועצה אזורית": "regional_council"}
    with (shared_data / "il" / "cbs_local_authorities_2021.csv").open(encoding="utf-8") as fh:
        cbs = {r["כללי: סמל הרשות"]: r for r in csv.DictReader(fh)}
    cluster_col = next(
        c for c in next(iter(cbs.values())) if c.startswith("מדד חברתי-כלכלי: אשכול")
    )
    population_col = next(c for c in next(iter(cbs.values())) if "אוכלוסייה" in c)
    names = {r["name"] for r in data["localities"]}
    assert {"קריית מלאכי", "אשקלון", "שדרות", "אופקים", "נוף הגליל", "בית שאן", "ירכא"} <= names
    assert len(data["localities"]) >= 8
    for loc in data["localities"]:
        real = cbs[loc["cbs_code"]]
        assert real["שם הרשות"] == loc["name"]
        assert int(float(real[cluster_col])) == int(loc["socioeconomic_cluster"]), loc["name"]
        assert int(float(real[population_col])) == int(loc["population"]), loc["name"]
        assert real["כללי: מחוז"] == loc["district"]
        assert status[real["כללי: מעמד מוניציפלי"]] == loc["municipal_status"]


def test_required_breadth(data: Data) -> None:
    orgs = data["organizations"]
    assert len(orgs) >= 150
    assert {o["sector"] for o in orgs} >= SEVEN
    # every kind of forum the source documents name; "other" is only a catch-all
    assert {f["kind"] for f in data["forums"]} == {k.value for k in ForumKind} - {"other"}
    assert {r["kind"] for r in data["roles"]} == {k.value for k in RoleKind}
    assert len(data["programs"]) >= 80
    assert len(data["investments"]) >= 100
    assert {i["kind"] for i in data["investments"]} == {k.value for k in InvestmentKind}
    assert {p["context"] for p in data["programs"]} == {"routine", "emergency", "both"}
    assert {p["context"] for p in data["partnerships"]} == {"routine", "emergency", "both"}
    assert any(o["parent_id"] for o in orgs if o["sector"] == "local_authority")
    kinds = {o["kind"] for o in orgs}
    assert {"ועד הורים", "ועד תושבים", "סניף תנועת נוער", "קהילת בית כנסת", "קרן"} <= kinds
    assert {"org-rashi", "org-samueli"} <= {o["id"] for o in orgs}
    peer = next(f for f in data["forums"] if f["kind"] == "peer_forum")
    assert peer["convener_id"] == "org-interior" and not peer["locality_id"]
    assert all(g["indicator"] and g["target"] and g["owner_id"] for g in data["goals"])
    amounts = [float(i["amount"]) for i in data["investments"]]
    assert 10_000 <= min(amounts) and max(amounts) <= 5_000_000


def test_names_are_hebrew_arabic_in_yarka_and_holders_fictional(data: Data) -> None:
    yarka = [o for o in data["organizations"] if o["locality_ids"] == "loc-yarka"]
    assert len(yarka) >= 10
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in o["name_ar"]) for o in yarka)
    assert all(any("\u0590" <= ch <= "\u05ff" for ch in o["name"]) for o in data["organizations"])
    holders = [r["holder"] for r in data["roles"] if r["holder"]]
    assert holders and all(h.endswith("(בדוי)") for h in holders)


def test_planted_duplicates_are_exactly_the_expected_ones(net: Network) -> None:
    expected = {
        frozenset(("prog-km-first-words", "prog-km-good-word")): False,
        frozenset(("prog-ofa-young-careers", "prog-ofa-transition")): True,
        frozenset(("prog-sde-makers", "prog-sde-young-academy")): True,
        frozenset(("prog-sde-makers", "prog-sde-robotics")): False,
        frozenset(("prog-sde-young-academy", "prog-sde-robotics")): False,
    }
    assert net.duplicates() == expected
    a, b = net.programs["prog-km-first-words"], net.programs["prog-km-good-word"]
    assert net.funders["prog-km-first-words"] == {"org-rashi"}
    assert net.funders["prog-km-good-word"] == {"org-uja"}
    assert (a["age_min"], a["age_max"], b["age_min"], b["age_max"]) == ("0", "3", "0", "3")
    # the near misses exist: same name elsewhere, disjoint ages or period, one operator, health
    same_name = [p for p in net.programs.values() if p["name"] == a["name"]]
    assert {p["locality_id"] for p in same_name} == {"loc-kiryat-malachi", "loc-ashkelon"}
    assert (
        net.programs["prog-bsh-story"]["operator_id"]
        == (net.programs["prog-bsh-shared-reading"]["operator_id"])
    )
    assert net.programs["prog-km-tipat-halav"]["domains"] == "health"


def test_planted_isolates(net: Network) -> None:
    g = net.graph
    for parents in ("org-km-parents-city", "org-km-parents-rimon", "org-km-parents-shaked"):
        assert net.orgs[parents]["kind"] == "ועד הורים" and g.degree(parents) == 0
    assert list(g["org-ash-res-shimshon"]) == ["org-ash-matnas"]
    in_forum = set().union(*net.forum_orgs.values())
    local_npos = {
        o for o, r in net.orgs.items() if r["sector"] == "nonprofit" and r["locality_ids"]
    }
    assert local_npos - in_forum == {"org-km-npo-steps", "org-ash-npo-elderly",
                                     "org-ash-npo-science", "org-sde-npo-science",
                                     "org-sde-npo-volunteers"}  # fmt: skip
    # every organisation outside all forums is part of a planted finding
    assert set(net.orgs) - in_forum == {
        "org-km-parents-city", "org-km-parents-rimon", "org-km-parents-shaked",
        "org-yer-walkers", "org-yer-biz-cafe", "org-ash-res-shimshon", "org-uja", "org-trump",
        "org-sde-biz-print", "org-sde-biz-bakery", "org-bsh-biz-dates", "org-bsh-biz-logistics",
        "org-bsh-ym-scouts", "org-bsh-res-south", "org-bsh-volunteers", "org-nof-res-har-yona",
        "org-nof-mothers-har-yona", "org-km-npo-steps", "org-ash-npo-elderly",
        "org-ash-npo-science", "org-sde-npo-science", "org-sde-npo-volunteers",
    }  # fmt: skip
    siloed = [n for n in g if g.degree(n) and all(
        net.orgs[m]["sector"] == net.orgs[n]["sector"] for m in g[n])]  # fmt: skip
    assert siloed == ["org-bsh-volunteers"]
    small = [c for c in nx.connected_components(g) if len(c) > 1 and len(c) < 10]
    assert small == [{"org-yer-walkers", "org-yer-biz-cafe"}]
    # nobody else is left alone: every other organisation has a tie
    alone = {n for n in g if g.degree(n) == 0}
    assert alone == {"org-km-parents-city", "org-km-parents-rimon", "org-km-parents-shaked"}


@pytest.mark.parametrize(
    ("bridge", "group", "other_side"),
    [
        ("org-sde-matnas", {"org-sde-biz-print", "org-sde-biz-bakery"},
         {"org-sde-school1", "org-sde-school2"}),
        ("org-bsh-yc", {"org-bsh-biz-dates", "org-bsh-biz-logistics"}, {"org-bsh-auth"}),
        ("org-nof-npo-bridges", {"org-nof-res-har-yona", "org-nof-mothers-har-yona"},
         {"org-nof-auth"}),
    ],
)  # fmt: skip
def test_planted_bridges_alone_connect_a_group(
    net: Network, bridge: str, group: set[str], other_side: set[str]
) -> None:
    g = net.graph
    assert bridge in set(nx.articulation_points(g))
    for member in group:
        assert set(g[member]) <= group | {bridge}
    cut = g.copy()
    cut.remove_node(bridge)
    for a, b in itertools.product(group, other_side):
        assert not nx.has_path(cut, a, b)
        assert nx.has_path(g, a, b)
    sector = {net.orgs[m]["sector"] for m in group}
    assert sector.isdisjoint(
        {net.orgs[o]["sector"] for o in other_side} | {net.orgs[bridge]["sector"]}
    )


def test_goals_without_programs_or_money(net: Network, data: Data) -> None:
    advancing: dict[str, list[str]] = defaultdict(list)
    for pid, prog in net.programs.items():
        for goal in filter(None, prog["goal_ids"].split(";")):
            advancing[goal].append(pid)
    no_program = [g["id"] for g in data["goals"] if not advancing[g["id"]]]
    funded = {g: sum(net.money[p] for p in progs) for g, progs in advancing.items()}
    no_money = [g["id"] for g in data["goals"] if advancing[g["id"]] and not funded[g["id"]]]
    assert no_program == ["goal-km-matriculation"]
    assert no_money == ["goal-ofa-higher"]
    unallocated = [i for i in data["investments"] if not i["program_id"]]
    assert unallocated and all(i["locality_id"] and i["domain"] for i in unallocated)


def test_age_stage_gaps(net: Network, data: Data) -> None:
    gaps = set()
    for loc in data["localities"]:
        progs = [p for p in net.programs.values() if p["locality_id"] == loc["id"]]
        for stage, (lo, hi) in AGE_STAGES.items():
            if not any(int(p["age_min"]) <= hi and lo <= int(p["age_max"]) for p in progs):
                gaps.add((loc["id"], stage))
    assert gaps == {("loc-yarka", "service"), ("loc-yeruham", "early_childhood"),
                    ("loc-beit-shean", "young_adults")}  # fmt: skip


def test_local_administrations_missing_sectors(net: Network, data: Data) -> None:
    missing = {}
    for forum in data["forums"]:
        if forum["kind"] != "local_administration":
            continue
        present = {r["sector"] for r in net.orgs.values()
                   if forum["locality_id"] in r["locality_ids"].split(";")} & SEVEN  # fmt: skip
        seated = {net.orgs[o]["sector"] for o in net.forum_orgs[forum["id"]]}
        if present - seated:
            missing[forum["id"]] = present - seated
    assert missing == {"forum-sde-admin": {"business"},
                       "forum-bsh-admin": {"business", "community"}}  # fmt: skip
    assert len([f for f in data["forums"] if f["kind"] == "local_administration"]) == 7


def test_the_files_are_what_the_build_script_writes(tmp_path: Path) -> None:
    counts = build(tmp_path)
    for name, count in counts.items():
        assert (tmp_path / f"{name}.csv").read_bytes() == (demo_path() / f"{name}.csv").read_bytes()
        assert count == len(read(name))
