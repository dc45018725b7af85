"""Export: json and csv read back into a fresh store give the same graph; graphml and gexf
open in NetworkX (and so in Gephi) with every node and relationship."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import networkx as nx
import pytest

from graph.store.sqlite import SQLiteStore
from importers.export import export, export_bytes
from importers.registry import run_import
from importers.tabular import FILE_MODELS
from tests.importers.fixtures_tabular import tables, write_csv


@pytest.fixture
def loaded(tmp_path: Path, sqlite_store: SQLiteStore) -> SQLiteStore:
    report = run_import(sqlite_store, write_csv(tmp_path / "good", tables()))
    assert report.valid, report.errors
    return sqlite_store


def _same_graph(a: SQLiteStore, b: SQLiteStore) -> None:
    assert a.counts().nodes == b.counts().nodes
    assert a.counts().relationships == b.counts().relationships
    assert list(a.iter_nodes()) == list(b.iter_nodes())
    rels_a = [(r.type, r.source, r.target, r.props) for r in a.iter_relationships()]
    rels_b = [(r.type, r.source, r.target, r.props) for r in b.iter_relationships()]
    assert rels_a == rels_b


@pytest.mark.parametrize("target", ["graph.json", "csv-folder", "graph.zip"])
def test_export_then_import_gives_the_same_graph(loaded, tmp_path, target):
    fmt = "json" if target.endswith(".json") else "csv"
    written = export(loaded, fmt, tmp_path / target)
    fresh = SQLiteStore(tmp_path / "fresh.db")
    report = run_import(fresh, written)
    assert report.valid, report.errors
    assert report.warnings == []
    _same_graph(loaded, fresh)
    # Hebrew and Arabic names byte for byte, niqqud included.
    for org in tables()["organizations"]:
        assert fresh.get(org["id"]).props["name"].encode() == org["name"].encode()
    fresh.close()


def test_json_holds_only_explicit_relationships(loaded):
    doc = json.loads(export_bytes(loaded, "json"))
    assert doc["format"] == "partnermap" and doc["version"] == 1
    assert {r["type"] for r in doc["relationships"]} == {
        "MEMBER_OF",
        "PARTNERS_IN",
        "PARTNERS_WITH",
    }
    assert len(doc["relationships"]) == 12 + 5 + 6
    assert len(doc["nodes"]) == sum(loaded.counts().nodes.values())
    chair = next(r for r in doc["relationships"] if r["source"] == "r-mayor")
    assert chair == {
        "type": "MEMBER_OF",
        "source": "r-mayor",
        "target": "f-admin",
        "position": "chair",
        "since": "2022",
    }


def test_csv_zip_has_every_file_with_lists_joined(loaded):
    with zipfile.ZipFile(__import__("io").BytesIO(export_bytes(loaded, "csv"))) as zf:
        names = sorted(zf.namelist())
        orgs = zf.read("organizations.csv").decode("utf-8-sig")
    assert names == sorted(f"{stem}.csv" for stem in FILE_MODELS)  # every file, even empty
    header = orgs.splitlines()[0].split(",")
    assert header[:7] == [
        "id",
        "name",
        "sector",
        "kind",
        "parent_id",
        "locality_ids",
        "registration_number",
    ]
    assert "website_he" in header and "name_en" in header
    assert "loc-rahat;loc-sderot" in orgs


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_read_back_with_every_node_and_edge(loaded, tmp_path, fmt):
    path = export(loaded, fmt, tmp_path / f"g.{fmt}")
    G = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    counts = loaded.counts()
    assert G.number_of_nodes() == sum(counts.nodes.values())
    assert G.number_of_edges() == sum(counts.relationships.values())
    node = G.nodes["o-safa"]
    assert node["name"] == "עמותת שָׂפָה"
    assert node["sector"] == "nonprofit"
    program = G.nodes["p-lev"]
    assert program["domains"] == "early_childhood;welfare"
    if fmt == "graphml":
        assert node["label"] == "Organization"
        types = {d["type"] for _, _, d in G.edges(data=True)}
    else:
        assert node["label"] == "עמותת שָׂפָה" and node["entity"] == "Organization"
        assert program["start_"] == "2023"  # GEXF's own "start" would make it dynamic
        types = {d["rel_type"] for _, _, d in G.edges(data=True)}
    assert types == set(counts.relationships)
    assert all(isinstance(v, str) for _, d in G.nodes(data=True) for v in d.values())


def test_a_locality_subgraph_exports_only_its_part(loaded, tmp_path):
    part = loaded.subgraph("loc-rahat")
    doc = json.loads(export_bytes(part, "json"))
    ids = {n["id"] for n in doc["nodes"]}
    assert {"loc-rahat", "o-rahat", "p-rahat-emp", "o-amal"} <= ids
    assert "o-safa" not in ids and "p-safa" not in ids
    with pytest.raises(ValueError, match="unknown export format"):
        export_bytes(part, "pdf")


def test_csv_guards_formulas_and_still_round_trips(sqlite_store, tmp_path):
    data = tables()
    data["organizations"][13]["name"] = '=HYPERLINK("http://example.com","x")'
    data["organizations"][14]["name"] = '-מתנ"ס'
    data["organizations"][15]["kind"] = "@מזכירות"
    assert run_import(sqlite_store, write_csv(tmp_path / "in", data)).valid
    folder = export(sqlite_store, "csv", tmp_path / "out")
    text = (folder / "organizations.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'-מתנ" in text and "'@מזכירות" in text
    assert "\n=" not in text and ",=" not in text
    fresh = SQLiteStore(tmp_path / "fresh.db")
    assert run_import(fresh, folder).valid
    _same_graph(sqlite_store, fresh)
    assert fresh.get("o-joint").props["name"] == data["organizations"][13]["name"]
    fresh.close()


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_control_characters_do_not_break_the_xml(sqlite_store, tmp_path, fmt):
    data = tables()
    data["programs"][0]["description"] = "שורה\x0bעם\x00תו בקרה\nושורה"
    assert run_import(sqlite_store, write_csv(tmp_path / "in", data)).valid
    path = export(sqlite_store, fmt, tmp_path / f"g.{fmt}")
    G = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert G.nodes["p-safa"]["description"] == "שורהעםתו בקרה\nושורה"
