"""The plan tab builder (viz/plan_section.py) on the hand-worked plan town."""

from __future__ import annotations

from pathlib import Path

from graph.model import NodeRecord, to_record
from graph.model_process import Commitment
from graph.scope import Scope
from graph.store.sqlite import SQLiteStore
from tests.analytics.plan_town import AS_OF, plan_town_records
from viz.plan_section import plan_section
from viz.sections import SectionRequest, registry


def _store(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "g.db")
    nodes, rels = plan_town_records()
    nodes += [
        NodeRecord("Locality", "empty", {"name": "ריק"}),
        to_record(Commitment(id="c-x", agreement_id="a1", party_id="biz",
                             description="<b>bold</b> & co", status="open")),
    ]  # fmt: skip
    store.write(nodes, rels)
    return store


def _request(store: SQLiteStore, loc: str, lang: str) -> SectionRequest:
    return SectionRequest(store=store, locality_id=loc, lang=lang, scope=Scope(loc, AS_OF))


def test_the_plan_tab_is_registered_and_left_out_without_a_plan(tmp_path: Path) -> None:
    assert plan_section in registry()
    with _store(tmp_path) as store:
        assert plan_section(_request(store, "empty", "he")) is None
        section = plan_section(_request(store, "town", "he"))
    assert section is not None
    assert (section.key, section.title) == ("plan", "התכנית והכסף")


def test_the_tab_says_its_numbers_in_words_and_escapes_names(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        he = plan_section(_request(store, "town", "he"))
        en = plan_section(_request(store, "town", "en"))
        ar = plan_section(_request(store, "town", "ar"))
    assert he is not None and en is not None and ar is not None
    assert "₪3.1 מבחוץ על כל שקל של הרשות" in he.html
    assert "מ-100 ל-200 עד 2027" in he.html  # a year is not grouped as 2,027
    assert "₪3.1 from outside for every shekel of the authority" in en.html
    assert "₪3.1 من الخارج مقابل كل شيكل من السلطة" in ar.html
    assert 'dir="rtl"' in he.html and 'dir="ltr"' in en.html and 'dir="rtl"' in ar.html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in en.html and "<b>bold</b>" not in en.html
    # names inside a sentence of the other direction are isolated (bidi), and escaped
    assert "Run by <bdi>עמותת צעד</bdi> · with <bdi>מפעל הגליל</bdi>" in en.html
    # the overdue commitment is marked, and only it (c-x has no due date)
    assert en.html.count('class="pm-plan-overdue"') == 1
    assert "overdue by 91 days" in en.html
