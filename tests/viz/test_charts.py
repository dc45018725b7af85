"""Inline SVG charts and the investment sums behind them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.store.sqlite import SQLiteStore
from viz.charts import bar_chart, investment_breakdown, investment_series

from .sample_data import LOCALITY, write_sample


def _rects(svg: str) -> list[tuple[float, float]]:
    return [
        (float(x), float(w))
        for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    ]


def test_bars_scale_to_the_largest_value_and_mirror_for_hebrew() -> None:
    items = [("גיל רך 0–5", 100.0), ("בית ספר", 50.0), ("צעירים", 0.0)]
    ltr = _rects(bar_chart(items, title="x", lang="en"))
    rtl = _rects(bar_chart(items, title="x", lang="he"))
    assert ltr[0][1] == pytest.approx(2 * ltr[1][1]) and ltr[2][1] == 0
    # left to right: bars start at the same x; right to left: they end at the same x
    assert ltr[0][0] == ltr[1][0]
    assert rtl[0][0] + rtl[0][1] == pytest.approx(rtl[1][0] + rtl[1][1])
    assert rtl[0][0] < rtl[1][0]
    assert 'direction="rtl"' in bar_chart(items, title="x", lang="he")


def test_labels_are_escaped_and_long_ones_shortened() -> None:
    svg = bar_chart([("<script>alert(1)</script>" * 3, 5)], title="<t>", lang="en")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;t&gt;" in svg
    assert "…" in svg


def test_investment_breakdown_of_the_sample(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "g.db")
    write_sample(store)
    sums = investment_breakdown(store.subgraph(LOCALITY))
    store.close()
    stages = sums["by_age_stage"]
    # p1 (0-3) 250k and p2 (0-4) 300k are early childhood; p4 (14-18) 400k is 4/5 school, 1/5
    # service; p3 (18-30) 100k is 4/13 service, 9/13 young adults.
    assert stages["early_childhood"] == pytest.approx(550_000)
    assert stages["school"] == pytest.approx(320_000)
    assert stages["service"] == pytest.approx(80_000 + 100_000 * 4 / 13, abs=0.01)
    assert stages["young_adults"] == pytest.approx(100_000 * 9 / 13, abs=0.01)
    assert sums["by_domain"]["stem21"] == pytest.approx(200_000)
    assert sums["by_funder"]["משרד החינוך"] == pytest.approx(400_000)
    assert next(iter(sums["by_funder"])) == "משרד החינוך"


def test_series_prefer_the_report_and_keep_every_stage() -> None:
    metrics = {
        "investment": {
            "by_age_stage": {
                "early_childhood": 10.0,
                "school": 0.0,
                "other_ages": 0.0,
                "unspecified": 3.0,
            },
            "by_funder": [{"id": "f", "name": "קרן", "amount": 7}],
        }
    }
    fallback = {"by_domain": {"welfare": 4.0}, "by_funder": {"x": 1.0}}
    out = investment_series(metrics, fallback)
    assert out["by_age_stage"] == {
        "early_childhood": 10.0,
        "school": 0.0,
        "unspecified": 3.0,
        "service": 0.0,
        "young_adults": 0.0,
    }
    assert out["by_funder"] == {"קרן": 7.0}
    assert out["by_domain"] == {"welfare": 4.0}
