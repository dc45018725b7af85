"""The meeting pack names kinds by their labels, never by codes (found in the Sderot PDF, QA)."""

from __future__ import annotations

import re
from pathlib import Path

from graph.store.sqlite import SQLiteStore
from importers.demo import demo_path
from importers.registry import run_import
from viz.reports import build_pack


def test_leverage_kinds_are_labels_in_every_language(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "demo.db") as store:
        assert run_import(store, demo_path()).valid
        labels = {"he": "תחום ביישוב", "en": "Domain in a locality", "ar": "مجال في البلدة"}
        for lang, domain_label in labels.items():
            pack = build_pack(store, "loc-sderot", lang=lang)
            (table,) = [t for t in pack.tables if t.key == "leverage"]
            kinds = {row["kind"] for row in table.rows}
            # Sderot's leverage points include domains with no program for an age stage
            # (the PDF showed 'locality_domain'); no kind is shown as a snake_case code.
            assert domain_label in kinds
            assert not [k for k in kinds if re.fullmatch(r"[a-z]+(_[a-z]+)*", k)]
