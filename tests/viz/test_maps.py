"""The map and dashboard pages: self-contained, escaped, bilingual, with the findings flagged."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import networkx as nx
import pytest

from graph.network import build_network
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore
from viz.i18n import t
from viz.maps import load_locality, map_payload, render_dashboard, render_map, script_json

from .sample_data import HOLDER, LOCALITY, XSS_NAME, sample_report, write_sample

REMOTE = re.compile(
    r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"']?\s*(https?:)?//", re.I
)


@pytest.fixture
def sample(tmp_path: Path):
    store = SQLiteStore(tmp_path / "g.db")
    write_sample(store)
    # The sample's money is of 2025: seen as of mid-2025.
    view = load_locality(
        store, LOCALITY, report=sample_report(), scope=Scope(LOCALITY, dt.date(2025, 6, 30))
    )
    yield view
    store.close()


def _payload(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="pm-data">(.*?)</script>', html, re.S)
    assert match, "the page has no data block"
    return json.loads(match.group(1))


def test_pages_load_nothing_from_a_network(sample) -> None:
    for html in (
        render_map(sample.network, sample.report, sub=sample.sub),
        render_dashboard(sample.network, sample.report, sub=sample.sub, locality_name="שדרות"),
    ):
        assert REMOTE.search(html) is None
        # every script is inline: vis-network itself is in the page
        assert re.search(r"<script[^>]*\bsrc=", html) is None
        assert "vis-network" in html and "new vis.Network" in html
        assert "<link" not in html


def test_untrusted_names_are_text_everywhere(sample) -> None:
    html = render_dashboard(sample.network, sample.report, sub=sample.sub, locality_name=XSS_NAME)
    assert XSS_NAME not in html
    assert "<img src=x" not in html and "<b>" not in html.split("<body", 1)[1].split("pm-data")[0]
    # shown as text in the heading and the isolates list
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # and carried intact, but inert, to the map's script
    data = _payload(html)
    names = {n["id"]: n["name"] for n in data["nodes"]}
    assert names["xss"] == XSS_NAME
    assert any(
        "<img src=x onerror=alert(2)>" in r for r in data["findings"]["isolates"][0]["reasons"]
    )
    # the page's script never turns data into HTML
    script = (Path(__file__).parents[2] / "viz" / "static" / "map.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def test_script_json_cannot_close_the_script_element() -> None:
    text = str(script_json({"a": "</script><!-- & \u2028\u2029"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029"}


def test_hebrew_by_default_english_on_request(sample) -> None:
    he = render_map(sample.network, sample.report, sub=sample.sub, title="שדרות")
    en = render_map(sample.network, sample.report, sub=sample.sub, lang="en", title="Sderot")
    assert '<html lang="he" dir="rtl">' in he and t("he", "legend") in he
    assert t("he", "map_title", name="שדרות") in he
    assert '<html lang="en" dir="ltr">' in en and t("en", "search") in en
    assert _payload(he)["strings"]["labels"]["sector"]["nonprofit"] == "מגזר שלישי (עמותות)"
    assert _payload(en)["strings"]["labels"]["sector"]["nonprofit"] == "Nonprofit"
    ar = render_map(sample.network, sample.report, sub=sample.sub, lang="ar", title="سديروت")
    assert '<html lang="ar" dir="rtl">' in ar and t("ar", "legend") in ar
    assert _payload(ar)["strings"]["labels"]["sector"]["nonprofit"] == "جمعيات أهلية"


def test_findings_are_flagged_on_the_nodes(sample) -> None:
    data = map_payload(sample.network, sample.report, sub=sample.sub)
    nodes = {n["id"]: n for n in data["nodes"]}
    # the duplicated programs appear as program nodes, their operators flagged too
    assert nodes["p1"]["type"] == nodes["p2"]["type"] == "Program"
    assert all(nodes[i]["flags"]["duplicate"] for i in ("p1", "p2", "np1", "np2"))
    assert not nodes["muni"]["flags"]["duplicate"]
    assert nodes["xss"]["flags"]["isolate"] and nodes["mtns"]["flags"]["bridge"]
    assert nodes["mtns"]["size_bridge"] > nodes["muni"]["size_bridge"]
    assert "the only link between business and schools" in nodes["mtns"]["reasons"]["bridge"]
    dup = data["findings"]["duplicates"][0]
    assert set(dup["ids"]) == {"p1", "p2", "np1", "np2"}
    assert dup["title"] == "שפה בגיל הרך ↔ מילים ראשונות"
    # forums show as diamonds, programs as squares
    assert data["shapes"]["Forum"] == "diamond" and nodes["fo-admin"]["type"] == "Forum"


def test_filters_know_domains_contexts_and_localities(sample) -> None:
    data = map_payload(sample.network, sample.report, sub=sample.sub)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert "early_childhood" in nodes["np1"]["domains"]
    assert {"stem21", "formal_education"} <= set(nodes["acad"]["domains"])
    assert "emergency" in nodes["arab"]["contexts"]
    edges = {(e["from"], e["to"]): e for e in data["edges"] if not e["structural"]}
    arab_mtns = edges.get(("arab", "mtns")) or edges[("mtns", "arab")]
    assert arab_mtns["contexts"] == ["emergency"]
    assert ["l-sderot", "שדרות"] in data["filters"]["localities"]
    assert ["early_childhood", "גיל רך"] in data["filters"]["domains"]


def test_search_keys_fold_spelling_in_every_script(sample) -> None:
    nodes = {n["id"]: n for n in map_payload(sample.network, sub=sample.sub)["nodes"]}
    assert "מתנס שדרות" in nodes["mtns"]["search"]  # the quote of מתנ"ס folded away
    assert "rashi foundation" in nodes["f1"]["search"]  # name_en found too
    assert "جمعية الأمل" in nodes["arab"]["search"]
    assert "sapir tech ltd" in nodes["biz"]["search"]


def test_layout_is_seeded_and_spreads_nodes(sample) -> None:
    a = map_payload(sample.network, sub=sample.sub, seed=3)
    b = map_payload(sample.network, sub=sample.sub, seed=3)
    pos = [(n["x"], n["y"]) for n in a["nodes"]]
    assert pos == [(n["x"], n["y"]) for n in b["nodes"]]
    assert len(set(pos)) == len(pos)


def test_dashboard_lists_focus_the_map_and_charts_show_money(sample) -> None:
    html = render_dashboard(
        sample.network, sample.report, sub=sample.sub, locality_name="Sderot", lang="en"
    )
    focus = [json.loads(m) for m in re.findall(r"data-focus='([^']*)'", html)]
    assert ["p1", "p2", "np1", "np2"] in focus and ["mtns"] in focus and ["xss"] in focus
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="pm-chart"') == 3
    assert "Early childhood (0–5)" in html and "Rashi Foundation" not in html  # names as stored
    assert 'קרן רש"י' in html or "קרן רש&#34;י" in html
    assert "0.6" in html  # cross-sector tie share from the metrics


def test_a_graph_without_a_subgraph_or_report_still_draws() -> None:
    G = nx.Graph()
    G.add_node("a", name="ועד בית", sector="community", locality_ids=[])
    data = map_payload(G)
    assert [n["id"] for n in data["nodes"]] == ["a"]
    assert data["findings"] == {"duplicates": [], "isolates": [], "bridges": [], "leverage": []}
    html = render_map(nx.Graph())
    assert t("he", "empty_map") in html


def test_the_real_network_of_the_sample(sample) -> None:
    G = build_network(sample.sub, locality_id=LOCALITY)
    assert sample.network.number_of_edges() == G.number_of_edges() > 0
    assert "xss" in G and G.degree("xss") == 0


def test_integer_node_ids_keep_their_ties_in_the_layout() -> None:
    G = nx.path_graph(5)
    nx.set_node_attributes(G, {n: f"ארגון {n}" for n in G}, "name")
    data = map_payload(G)
    xs = {n["id"]: n["x"] for n in data["nodes"]}
    # a path is laid out in order along a line: ties pulled ends apart from the middle
    assert sorted(xs, key=xs.__getitem__) in (list("01234"), list("43210"))
    assert [(e["from"], e["to"]) for e in data["edges"]] == [
        ("0", "1"),
        ("1", "2"),
        ("2", "3"),
        ("3", "4"),
    ]


def test_roles_on_demand_show_titles_never_holders(sample) -> None:
    html = render_dashboard(sample.network, sample.report, sub=sample.sub, locality_name="שדרות")
    assert HOLDER not in html and HOLDER.encode("unicode_escape").decode() not in html
    data = _payload(html)
    role = next(n for n in data["nodes"] if n["id"] == "r-pm")
    assert role["type"] == "Role" and role["name"] == "מנהלת שותפויות"
    assert role["sector"] == "local_authority" and role["kind"] == "מנהל/ת שותפויות ומשאבי קהילה"
    muni = next(n for n in data["nodes"] if n["id"] == "muni")
    assert math.hypot(role["x"] - muni["x"], role["y"] - muni["y"]) == pytest.approx(45, abs=0.2)
    ends = {(e["from"], e["to"]) for e in data["edges"] if e["structural"]}
    assert ("r-pm", "muni") in ends and ("r-pm", "fo-emerg") in ends
    # the role's seat still counts for its organisation (roles fold into organisations)
    assert ("muni", "fo-emerg") in ends


def test_dashboard_notes_the_weaker_bridges_and_writes_shares_as_percentages(sample) -> None:
    from graph.analytics.bridges import split_bridges

    weak = {"articulation_point": False, "cross_sector_betweenness": 0.01}
    _, note = split_bridges([weak] * 3)  # three weak bridges: one note, no list
    report = {**sample.report, "bridges_others": note}
    he = render_dashboard(sample.network, report, sub=sample.sub, locality_name="שדרות")
    assert note["reasons_he"][0] in he and note["reasons_he"][0].startswith("3 גורמים נוספים")
    ar = render_dashboard(sample.network, report, sub=sample.sub, lang="ar", locality_name="x")
    assert note["reasons_ar"][0] in ar
    en = render_dashboard(sample.network, report, sub=sample.sub, lang="en", locality_name="x")
    share = report["metrics"]["cross_sector_tie_share"]
    assert f"<td>{round(share * 100)}%</td>" in en  # a share, in plain words
    assert "Share of ties that cross sectors" in en


def test_a_locality_domain_leverage_point_is_titled_in_the_page_language(sample) -> None:
    lev = {
        "id": "l-sderot:early_childhood",
        "kind": "locality_domain",
        "name": "שדרות – גיל רך",
        "locality_id": "l-sderot",
        "domain": "early_childhood",
        "score": 0.8,
        "reasons": ["x"],
    }
    report = {**sample.report, "leverage": [lev]}
    titles = {
        lang: map_payload(sample.network, report, sub=sample.sub, lang=lang)["findings"][
            "leverage"
        ][0]["title"]
        for lang in ("he", "en", "ar")
    }
    assert titles == {
        "he": "שדרות – גיל רך",
        "en": "שדרות – Early childhood",
        "ar": "שדרות – الطفولة المبكرة",
    }
