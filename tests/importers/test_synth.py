"""The synthetic national dataset: deterministic, valid, consistent, and big enough."""

from __future__ import annotations

import csv
import itertools
import json
from collections import defaultdict
from pathlib import Path

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from api.cli import app
from graph.model import (
    Forum,
    Goal,
    Investment,
    Locality,
    Membership,
    Organization,
    Partnership,
    Program,
    ProgramPartner,
    Role,
    Sector,
)
from graph.store.sqlite import SQLiteStore
from importers.registry import run_import
from importers.synth import FILES, generate

Rows = list[dict[str, str]]
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
}


def read(folder: Path, name: str) -> Rows:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def ties(folder: Path) -> dict[str, set[str]]:
    """The actor network of SPEC section 3 as adjacency sets (roles fold into organisations)."""
    adj: dict[str, set[str]] = defaultdict(set)

    def tie(a: str, b: str) -> None:
        if a != b:
            adj[a].add(b)
            adj[b].add(a)

    role_org = {r["id"]: r["organization_id"] for r in read(folder, "roles")}
    forums: dict[str, set[str]] = defaultdict(set)
    for m in read(folder, "memberships"):
        forums[m["forum_id"]].add(role_org.get(m["member_id"], m["member_id"]))
    operators = {p["id"]: p["operator_id"] for p in read(folder, "programs")}
    programs: dict[str, set[str]] = {pid: {op} for pid, op in operators.items()}
    for pp in read(folder, "program_partners"):
        programs[pp["program_id"]].add(pp["organization_id"])
    for group in itertools.chain(forums.values(), programs.values()):
        for a, b in itertools.combinations(sorted(group), 2):
            tie(a, b)
    for inv in read(folder, "investments"):
        if inv["program_id"]:
            tie(inv["funder_id"], operators[inv["program_id"]])
    for p in read(folder, "partnerships"):
        tie(p["source_id"], p["target_id"])
    return adj


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    generate(6, seed=11, out_dir=folder, orgs_per_locality=60)
    return folder


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    a = generate(4, seed=5, out_dir=tmp_path / "a", orgs_per_locality=30)
    b = generate(4, seed=5, out_dir=tmp_path / "b", orgs_per_locality=30)
    c = generate(4, seed=6, out_dir=tmp_path / "c", orgs_per_locality=30)
    assert a == b
    for name in FILES:
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (
            tmp_path / "b" / f"{name}.csv"
        ).read_bytes()
    differs = [
        name
        for name in FILES
        if (tmp_path / "a" / f"{name}.csv").read_bytes()
        != (tmp_path / "c" / f"{name}.csv").read_bytes()
    ]
    assert {"localities", "organizations", "programs"} <= set(differs)
    assert c["localities"] == 4


def test_counts_match_the_files_and_every_row_validates(small: Path) -> None:
    counts = generate(6, seed=11, out_dir=small, orgs_per_locality=60)
    for name, model in MODELS.items():
        rows = read(small, name)
        assert counts[name] == len(rows) > 0, name
        assert list(rows[0]) == FILES[name]
        for number, row in enumerate(rows, start=2):
            try:
                model.model_validate(row)
            except ValueError as exc:  # pragma: no cover - the message is the point
                pytest.fail(f"{name}.csv row {number}: {exc}")


def test_references_are_consistent(small: Path) -> None:
    ids = {name: {r["id"] for r in read(small, name)} for name in MODELS if "id" in FILES[name]}
    orgs, locs, roles = ids["organizations"], ids["localities"], ids["roles"]
    for o in read(small, "organizations"):
        assert not o["parent_id"] or o["parent_id"] in orgs
        assert set(filter(None, o["locality_ids"].split(";"))) <= locs
    assert all(r["organization_id"] in orgs for r in read(small, "roles"))
    for f in read(small, "forums"):
        assert f["convener_id"] in orgs and (not f["locality_id"] or f["locality_id"] in locs)
    for m in read(small, "memberships"):
        assert m["member_id"] in orgs | roles and m["forum_id"] in ids["forums"]
    for p in read(small, "programs"):
        assert p["operator_id"] in orgs and p["locality_id"] in locs
        assert set(filter(None, p["goal_ids"].split(";"))) <= ids["goals"]
    for pp in read(small, "program_partners"):
        assert pp["program_id"] in ids["programs"] and pp["organization_id"] in orgs
    for i in read(small, "investments"):
        assert i["funder_id"] in orgs
        assert i["program_id"] in ids["programs"] or (i["locality_id"] in locs and i["domain"])
    for p in read(small, "partnerships"):
        assert {p["source_id"], p["target_id"]} <= orgs
    assert all(g["owner_id"] in roles for g in read(small, "goals"))
    for name in ("memberships", "partnerships", "program_partners"):
        keys = [tuple(r.values())[:2] for r in read(small, name)]
        assert len(keys) == len(set(keys)), f"repeated rows in {name}.csv"


def test_imports_with_zero_errors(small: Path, sqlite_store: SQLiteStore) -> None:
    report = run_import(sqlite_store, small)
    assert report.valid, [str(e) for e in report.errors[:5]]
    assert report.errors == [] and report.warnings == []
    assert report.stats["by_label"]["Organization"] == len(read(small, "organizations"))


def test_sectors_real_localities_and_planted_findings(small: Path, shared_data: Path) -> None:
    orgs = read(small, "organizations")
    assert {o["sector"] for o in orgs} >= {s.value for s in Sector} - {"other"}
    with (shared_data / "il" / "cbs_local_authorities_2021.csv").open(encoding="utf-8") as fh:
        cbs = {r["שם הרשות"]: r for r in csv.DictReader(fh)}
    for loc in read(small, "localities"):
        real = cbs[loc["name"]]
        assert real["כללי: סמל הרשות"] == loc["cbs_code"] and real["כללי: מחוז"] == loc["district"]
        assert int(float(real['דמוגרפיה: סה"כ אוכלוסייה בסוף השנה'])) == int(loc["population"])
    kinds = {f["kind"] for f in read(small, "forums")}
    assert {"local_administration", "professional_team", "emergency_team"} <= kinds
    adj = ties(small)
    isolates = [o["id"] for o in orgs if o["planted"] == "isolate"]
    single = [o["id"] for o in orgs if o["planted"] == "single_tie"]
    assert isolates and single
    assert all(not adj.get(o) for o in isolates)
    assert all(len(adj[o]) == 1 for o in single)
    assert all(adj.get(o["id"]) for o in orgs if not o["planted"])
    groups: dict[str, Rows] = defaultdict(list)
    for p in read(small, "programs"):
        if p["planted"]:
            groups[p["planted"]].append(p)
    assert groups
    for group in groups.values():
        # the first two are the planted pair; later ones repeat the first operator's program
        a, b, *more = sorted(group, key=lambda p: p["id"])
        assert a["operator_id"] != b["operator_id"]
        assert int(a["start"]) <= int(b["end"]) and int(b["start"]) <= int(a["end"])
        for p in (b, *more):
            assert p["locality_id"] == a["locality_id"] and p["domains"] == a["domains"]
            assert p["target_population"] == a["target_population"]
        assert all(p["operator_id"] == a["operator_id"] for p in more)


def test_without_the_cbs_file_localities_are_synthetic(tmp_path: Path) -> None:
    generate(3, seed=1, out_dir=tmp_path, orgs_per_locality=20, cbs_path=tmp_path / "none.csv")
    locs = read(tmp_path, "localities")
    assert [loc["cbs_code"] for loc in locs] == ["S0001", "S0002", "S0003"]
    assert all(1 <= int(loc["socioeconomic_cluster"]) <= 10 for loc in locs)
    assert len({loc["district"] for loc in locs}) >= 1


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="localities"):
        generate(0, seed=1, out_dir=tmp_path)
    with pytest.raises(ValueError, match="orgs_per_locality"):
        generate(2, seed=1, out_dir=tmp_path, orgs_per_locality=5)


def test_national_scale(tmp_path: Path) -> None:
    """SPEC scale: 255 localities give >= 50,000 organisations and >= 250,000 ties."""
    counts = generate(255, seed=1, out_dir=tmp_path)
    assert 50_000 <= counts["organizations"] <= 51_000
    assert counts["localities"] == 255
    adj = ties(tmp_path)
    assert sum(len(n) for n in adj.values()) // 2 >= 250_000


def test_cli_synth_json(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["synth", "--localities", "2", "--seed", "3", "-o", str(tmp_path), "--json",
         "--orgs-per-locality", "25"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["localities"] == 2
    assert counts["organizations"] == len(read(tmp_path, "organizations"))
    bad = runner.invoke(app, ["synth", "--localities", "0", "-o", str(tmp_path)])
    assert bad.exit_code == 2
