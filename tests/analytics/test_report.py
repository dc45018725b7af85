"""The whole analysis report (SPEC section 3) of the planted town, and the
``partnermap analyze`` command that prints it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.analytics.report import SECTIONS, analysis_report
from graph.errors import NotFound, ValidationFailed
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore
from tests.analytics.planted import L1, planted_town

#: The planted town's picture: its language programs and their 2024 money all count.
AS_OF = dt.date(2024, 6, 30)
SPEC_KEYS = ["graph_version", "scope", "duplicates", "isolates", "bridges", "leverage", "metrics"]


@pytest.fixture
def town(sqlite_store: SQLiteStore) -> SQLiteStore:
    planted_town(sqlite_store)
    return sqlite_store


def test_report_has_the_spec_shape(town: SQLiteStore) -> None:
    report = analysis_report(town, Scope(L1, AS_OF))
    assert [key for key in report if key in SPEC_KEYS] == SPEC_KEYS
    assert set(report) - set(SPEC_KEYS) == {"duplicate_groups", "bridges_others"}  # additions
    assert report["graph_version"] == town.graph_version()
    assert report["scope"] == {
        "locality_id": L1,
        "cluster_id": None,
        "context": "both",
        "as_of": "2024-06-30",
    }
    dup = report["duplicates"][0]
    for key in (
        "programs",
        "locality_id",
        "domains",
        "score",
        "coordinated",
        "investment_total",
        "reasons",
    ):
        assert key in dup
    iso = report["isolates"][0]
    for key in ("id", "name", "sector", "kinds", "locality_ids", "reasons"):
        assert key in iso
    m = report["metrics"]
    for key in ("nodes", "ties", "density", "components", "cross_sector_tie_share", "by_sector"):
        assert key in m
    # JSON-safe as it is, Hebrew included
    text = json.dumps(report, ensure_ascii=False)
    assert "קריית מלאכי" in text


def test_lists_are_sorted_as_spec_says(town: SQLiteStore) -> None:
    report = analysis_report(town, Scope(as_of=AS_OF))
    for section in ("duplicates", "bridges", "leverage"):
        scores = [e["score"] for e in report[section]]
        assert scores == sorted(scores, reverse=True), section
    assert report["bridges"], "the planted town has cross-sector bridges"
    # the municipality convenes the administration and the emergency team: a bridge
    assert report["bridges"][0]["id"] == "o-muni"


def test_deterministic(town: SQLiteStore) -> None:
    one = analysis_report(town, Scope(L1, AS_OF), seed=3)
    two = analysis_report(town, Scope(L1, AS_OF), seed=3)
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)


def test_scope_errors(town: SQLiteStore) -> None:
    with pytest.raises(NotFound, match="no-such-town"):
        analysis_report(town, locality_id="no-such-town")
    with pytest.raises(ValidationFailed, match="context"):
        analysis_report(town, context="sometimes")
    with pytest.raises(ValidationFailed, match="section"):
        analysis_report(town, sections=["gossip"])


def test_sections(town: SQLiteStore) -> None:
    only = analysis_report(town, Scope(as_of=AS_OF), sections=["metrics"])
    assert list(only) == ["graph_version", "scope", "metrics"]
    report = analysis_report(town, Scope(L1, AS_OF))
    assert len(report["duplicates"]) == 3
    assert set(SECTIONS) <= set(report)


# -- the command line --------------------------------------------------------------


def _url(store: SQLiteStore, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'graph.db'}"


def test_analyze_json_prints_exactly_the_report(town: SQLiteStore, tmp_path: Path) -> None:
    url = _url(town, tmp_path)
    result = CliRunner().invoke(
        app, ["analyze", "--store", url, "--locality", L1, "--as-of", "2024-06-30", "--json"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == json.loads(json.dumps(analysis_report(town, Scope(L1, AS_OF))))


def test_analyze_tables_in_hebrew_and_english(town: SQLiteStore, tmp_path: Path) -> None:
    url = _url(town, tmp_path)
    he = CliRunner().invoke(
        app, ["analyze", "--store", url, "--locality", L1], env={"COLUMNS": "200"}
    )
    assert he.exit_code == 0, he.output
    assert "כפילויות" in he.stdout and "ועד הורים גן חצב" in he.stdout
    en = CliRunner().invoke(
        app, ["analyze", "--store", url, "--locality", L1, "--lang", "en"], env={"COLUMNS": "200"}
    )
    assert en.exit_code == 0, en.output
    assert "Duplicated interventions" in en.stdout and "Isolated actors" in en.stdout


@pytest.mark.parametrize("lang", ["he", "en", "ar"])
def test_analyze_prints_labels_never_codes(town: SQLiteStore, tmp_path: Path, lang: str) -> None:
    # The planted town has community isolates in no forum, locality_domain leverage
    # points, local_authority and context "both": every one must reach the screen as a label.
    report = analysis_report(town, locality_id=L1)
    assert any(i["sector"] == "local_authority" for i in report["isolates"])
    assert any("no_forum" in i["kinds"] for i in report["isolates"])
    assert any(e["kind"] == "locality_domain" for e in report["leverage"])
    result = CliRunner().invoke(
        app,
        ["analyze", "--store", _url(town, tmp_path), "--locality", L1, "--lang", lang],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    codes = (
        "local_authority",
        "no_forum",
        "locality_domain",
        "cross_sector_tie_share",
        "by_sector",
    )
    for code in codes:
        assert code not in text, code
    assert "{" not in text  # no raw dict
    words = {
        "he": ("רשות מקומית", "לא חבר באף פורום", "שגרה וחירום", "צפיפות", "תחום ביישוב"),
        "en": ("Local authority", "in no forum", "Routine and emergency", "Density"),
        "ar": ("سلطة محلية", "ليس عضوًا في أي منتدى", "الروتين والطوارئ", "الكثافة"),
    }[lang]
    for word in words:
        assert word in text, word


def test_analyze_names_are_not_markup(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    from graph.model import NodeRecord

    sqlite_store.write(
        [
            NodeRecord(
                "Organization", "o1", {"name": "[bold red]ועד[/] [link=x]", "sector": "community"}
            )
        ]
    )
    result = CliRunner().invoke(
        app,
        ["analyze", "--store", _url(sqlite_store, tmp_path), "--lang", "en"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "[bold red]ועד[/] [link=x]" in result.stdout


def test_analyze_unknown_locality_exits_1(town: SQLiteStore, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["analyze", "--store", _url(town, tmp_path), "--locality", "nowhere", "--json"]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "nowhere" in result.stderr
    assert "Traceback" not in result.output


def test_analyze_usage_errors_exit_2(town: SQLiteStore, tmp_path: Path) -> None:
    url = _url(town, tmp_path)
    bad_context = CliRunner().invoke(app, ["analyze", "--store", url, "--context", "war"])
    assert bad_context.exit_code == 2 and "--context" in bad_context.stderr
    both = CliRunner().invoke(
        app, ["analyze", "--store", url, "--locality", L1, "--cluster", "c-south"]
    )
    assert both.exit_code == 2


def test_analyze_cluster_and_context(town: SQLiteStore, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            "--store",
            _url(town, tmp_path),
            "--cluster",
            "c-south",
            "--json",
            "--context",
            "routine",
            "--as-of",
            "2024-06-30",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["scope"] == {
        "locality_id": None,
        "cluster_id": "c-south",
        "context": "routine",
        "as_of": "2024-06-30",
    }
    # in routine the emergency team does not count: b and c are not coordinated
    pairs = {tuple(d["programs"]): d["coordinated"] for d in report["duplicates"]}
    assert pairs[("p-lang-b", "p-lang-c")] is False


def test_groups_of_three_are_reported_as_a_group(sqlite_store: SQLiteStore) -> None:
    """The demo plants three overlapping STEM programs in Sderot (importers/demo/FINDINGS.md)."""
    from importers.demo import demo_path
    from importers.registry import run_import

    assert run_import(sqlite_store, demo_path()).valid
    # The demo's programs run 2023-2025 (robotics ends with 2024): pinned to mid-2024.
    report = analysis_report(sqlite_store, Scope("loc-sderot", AS_OF))
    trio = ["prog-sde-makers", "prog-sde-robotics", "prog-sde-young-academy"]
    groups = report["duplicate_groups"]
    assert [g["programs"] for g in groups] == [trio]
    assert groups[0]["pairs"] == 3 and groups[0]["coordinated_pairs"] == 1
    in_group = [d for d in report["duplicates"] if d.get("group_id") == groups[0]["id"]]
    assert sorted(p for d in in_group for p in d["programs"]) == sorted(trio * 2)


def test_a_broken_finding_fails_loudly(town: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # A bug in bridges.py must surface, not turn into "bridges": [] (the old _optional did that).
    import graph.analytics.report as report_module

    def broken(*args: object, **kwargs: object) -> list[dict[str, object]]:
        raise ZeroDivisionError("a bug in bridges")

    monkeypatch.setattr(report_module, "find_bridges", broken)
    with pytest.raises(ZeroDivisionError, match="a bug in bridges"):
        analysis_report(town, locality_id=L1)
    with pytest.raises(ZeroDivisionError):
        analysis_report(town, locality_id=L1, sections=["leverage"])  # leverage needs bridges
    # The sections that do not need bridges still answer.
    assert "isolates" in analysis_report(town, locality_id=L1, sections=["isolates"])


def test_bridges_listed_are_the_ones_that_matter(tmp_path: Path) -> None:
    # The demo's Sderot: 35 actors, 27 of them bridge sectors somehow. Listed are the
    # articulation points and those on >= 5% of the cross-sector shortest paths; the rest
    # is one count and a note. The full list comes from find_bridges on the same network.
    from graph.analytics.bridges import KEY_BETWEENNESS, find_bridges
    from graph.network import build_network
    from graph.scope import read
    from importers.demo import demo_path
    from importers.registry import run_import

    with SQLiteStore(tmp_path / "demo.db") as store:
        assert run_import(store, demo_path()).valid
        # The demo's picture of mid-2024 (its programs run 2023-2025).
        report = analysis_report(store, Scope("loc-sderot", AS_OF))
        sub = read(store, Scope("loc-sderot", AS_OF))
        everyone = find_bridges(build_network(sub, locality_id="loc-sderot"))
    listed, note = report["bridges"], report["bridges_others"]
    # 27 with every dated thing counted; as of mid-2024 the 2023 money no longer ties
    # funders to operators, and 23 remain.
    assert len(everyone) == 23
    assert 0 < len(listed) < len(everyone)
    for b in listed:
        assert b["articulation_point"] or b["cross_sector_betweenness"] >= KEY_BETWEENNESS
    left_out = [b for b in everyone if b["id"] not in {x["id"] for x in listed}]
    assert all(
        not b["articulation_point"] and b["cross_sector_betweenness"] < KEY_BETWEENNESS
        for b in left_out
    )
    assert note["count"] == len(left_out) == len(everyone) - len(listed)
    assert note["reasons"] == [
        f"{note['count']} more actors link sectors weakly: each on less than 5% of the "
        "cross-sector shortest paths and cutting no one off; not listed."
    ]
    assert note["reasons_he"][0].startswith(f"{note['count']} גורמים נוספים")
    # No listed bridge says "on 0%" of the paths any more.
    assert not any("on 0%" in r for b in listed for r in b["reasons"])


def test_no_reason_shows_a_code_in_any_language(tmp_path: Path) -> None:
    # Every reason of every finding of every demo town, in en, he and ar: codes such as
    # early_childhood, local_authority or no_forum must come out as their labels.
    import re

    from graph.scope import Scope
    from importers.demo import demo_path
    from importers.registry import run_import

    code = re.compile(r"\b[a-z]+_[a-z_]+\b")
    with SQLiteStore(tmp_path / "demo.db") as store:
        assert run_import(store, demo_path()).valid
        towns = [n.id for n in store.find("Locality")]
        checked = 0
        for town in towns:
            report = analysis_report(store, Scope(town, dt.date(2024, 6, 1)))
            entries = [report["bridges_others"]]
            for section in ("duplicates", "duplicate_groups", "isolates", "bridges", "leverage"):
                entries += report[section]
            for entry in entries:
                for field in ("reasons", "reasons_he", "reasons_ar"):
                    for text in entry.get(field, []):
                        assert not code.search(text), f"{town} {field}: {text}"
                        checked += 1
    assert len(towns) == 9 and checked > 1000


def test_a_kept_big_network_is_frozen_out_of_the_cycle_collector_until_dropped(
    town: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import weakref

    from graph.analytics import report as rep

    rep.forget_networks()
    assert gc.get_freeze_count() == 0
    # A network below the size that is frozen: the collector sees it as before.
    _, _, small = rep.warm_network(town, Scope(L1, AS_OF))
    assert small.number_of_edges() > 10
    assert gc.get_freeze_count() == 0
    # Any network with a tie counted as big: kept and frozen (everything alive is frozen then).
    monkeypatch.setattr(rep, "FREEZE_TIES", 1)
    _, _, first = rep.warm_network(town, Scope(L1, AS_OF, "routine"))
    assert gc.get_freeze_count() > 0
    assert gc.get_count()[0] < 100  # the collector's count starts again: no scan is due
    gone = weakref.ref(first)
    del first
    # A third scope drops the oldest kept network (WARM_SIZE 2): thawed before it goes.
    rep.warm_network(town, Scope(L1, AS_OF, "emergency"))
    rep.warm_network(town, Scope(L1, AS_OF))
    rep.warm_network(town, Scope(None, AS_OF))
    gc.collect()
    assert gone() is None  # its cycles (NetworkX views) were collected after the thaw
    # The analysis is the same with the network frozen or not.
    frozen = analysis_report(town, Scope(L1, AS_OF, "routine"))
    rep.forget_networks()
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(rep, "FREEZE_TIES", 10**9)
    assert analysis_report(town, Scope(L1, AS_OF, "routine")) == frozen
    rep.forget_networks()


def _same_network(a: Any, b: Any) -> bool:
    return (
        a.graph == b.graph
        and list(a.nodes(data=True)) == list(b.nodes(data=True))
        and list(a.edges(data=True)) == list(b.edges(data=True))
    )


@pytest.mark.parametrize("locality", [None, L1])
def test_a_write_that_leaves_the_network_as_it_was_keeps_the_kept_network(
    town: SQLiteStore, locality: str | None
) -> None:
    from graph.analytics import report as rep
    from graph.model import NodeRecord, RelRecord
    from graph.network import build_network
    from graph.scope import read

    rep.forget_networks()
    scope = Scope(locality, AS_OF)

    def fresh() -> Any:
        return build_network(read(town, scope), locality_id=locality)

    v1, _, first = rep.warm_network(town, scope)
    # A goal of the town and a program advancing it: no record the network is built from.
    town.write(
        [NodeRecord("Goal", "g-new", {"name": "קריאה", "title": "קריאה", "locality_id": L1})],
        [RelRecord("ADVANCES", "p-lang-a", "g-new")],
    )
    v2, sub2, second = rep.warm_network(town, scope)
    assert v2 != v1 and second is first
    assert "g-new" in {n.id for n in sub2.nodes}  # the report reads the new subgraph
    assert _same_network(second, fresh())
    # A PATCH of an organisation's name: built again, and equal to a fresh build.
    muni = town.get("o-muni")
    assert muni is not None
    town.write([NodeRecord("Organization", "o-muni", {**muni.props, "name": "עירייה חדשה"})])
    _, _, third = rep.warm_network(town, scope)
    assert third is not first and third.nodes["o-muni"]["name"] == "עירייה חדשה"
    assert _same_network(third, fresh())
    # A deleted partnership and an import-like batch (a new organisation in a forum).
    town.delete_relationships([("o-ngo-c", "PARTNERS_WITH", "o-residents")])
    _, _, fourth = rep.warm_network(town, scope)
    assert not fourth.has_edge("o-ngo-c", "o-residents")
    assert _same_network(fourth, fresh())
    town.write(
        [
            NodeRecord(
                "Organization", "o-new", {"name": "חדש", "sector": "business", "locality_ids": [L1]}
            )
        ],
        [RelRecord("MEMBER_OF", "o-new", "f-ec")],
    )
    _, _, fifth = rep.warm_network(town, scope)
    assert fifth.has_edge("o-new", "o-edu") and _same_network(fifth, fresh())
    # Changing only a goal again reuses the newest network, and the report is the
    # one a cold analysis gives.
    town.write(
        [NodeRecord("Goal", "g-new", {"name": "חשבון", "title": "חשבון", "locality_id": L1})]
    )
    warm = analysis_report(town, scope)
    assert rep.warm_network(town, scope)[2] is fifth
    rep.forget_networks()
    assert analysis_report(town, scope) == warm
    rep.forget_networks()


def test_bridges_of_a_network_kept_across_a_write_are_not_worked_out_again(
    town: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph.analytics import report as rep
    from graph.model import NodeRecord

    calls: list[int] = []
    real = rep.find_bridges

    def counted(G: Any, seed: int = 0) -> Any:
        calls.append(seed)
        return real(G, seed=seed)

    monkeypatch.setattr(rep, "find_bridges", counted)
    rep.forget_networks()
    scope = Scope(L1, AS_OF)
    first = analysis_report(town, scope)
    assert calls == [0] and first["bridges"]
    # A reader that changes its copy changes nothing kept.
    first["bridges"][0]["name"] = "changed"
    first["bridges"].clear()
    town.write([NodeRecord("Goal", "g-b", {"name": "x", "title": "x", "locality_id": L1})])
    after = analysis_report(town, scope)
    assert calls == [0]  # the network was kept across the write, and its bridges with it
    analysis_report(town, scope, seed=1)
    assert calls == [0, 1]  # another seed is worked out
    rep.forget_networks()
    cold = analysis_report(town, scope)
    assert calls == [0, 1, 0]
    assert after == cold and after["bridges"][0]["name"] != "changed"
    # A network nobody keeps is not remembered.
    from graph.network import build_network
    from graph.scope import read

    sub = read(town, scope)
    G = build_network(sub, locality_id=L1)
    rep.report_from(G, sub, graph_version="x", scope=scope)
    rep.report_from(G, sub, graph_version="x", scope=scope)
    assert calls == [0, 1, 0, 0, 0]
    rep.forget_networks()
