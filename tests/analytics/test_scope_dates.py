"""The first date of a period given as a year alone is its 1 January (SPEC section 6)."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from api.cli import app
from graph.scope import parse_as_of


def test_a_year_as_the_start_of_a_period_is_its_first_day() -> None:
    assert parse_as_of("2022", "--from", start=True) == dt.date(2022, 1, 1)
    assert parse_as_of("2022", "--to") == dt.date(2022, 12, 31)
    assert parse_as_of("2022-03-04", "--from", start=True) == dt.date(2022, 3, 4)


def test_changes_from_a_year_to_the_same_year_is_that_whole_year(tmp_path) -> None:
    store = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(
        app, ["changes", "--from", "2022", "--to", "2022", "--json", "--store", store]
    )
    assert result.exit_code == 0, result.output
    assert '"from": "2022-01-01"' in result.stdout and '"to": "2022-12-31"' in result.stdout


def test_cut_judges_every_record_as_the_one_record_rules_do() -> None:
    # cut() remembers each distinct (start, end) it has judged; the records it keeps
    # must be exactly those node_counts_at / rel_counts_at keep one by one, with
    # values of every shape a store may hold: years as text and as numbers, full
    # dates, dates objects, empty strings, open ends, and 2024 beside 2024.0 (the
    # number 2024.0 is not a year the rules read; equal as numbers, kept apart).
    import itertools

    from graph.model import NodeRecord, RelRecord, Subgraph
    from graph.scope import Scope, cut, node_counts_at, rel_counts_at

    values: list[object] = [
        None,
        "",
        "2020",
        2020,
        "2024",
        2024,
        "2024-06-30",
        dt.date(2024, 7, 1),
        "2026-12-31",
        "2030",
    ]
    nodes, rels = [], []
    for k, (start, end) in enumerate(itertools.product(values, repeat=2)):
        props = {key: v for key, v in (("since", start), ("until", end)) if v is not None}
        nodes.append(NodeRecord("Organization", f"o{k}", props))
        nodes.append(NodeRecord("Program", f"p{k}", {"start": start, "end": end}))
        nodes.append(NodeRecord("Investment", f"i{k}", {"year": end}))
        rels.append(RelRecord("PARTNERS_WITH", f"o{k}", "o0", props))
        rels.append(RelRecord("OPERATES", f"o{k}", f"p{k}"))
    sub = Subgraph(nodes, rels)
    for as_of in (
        dt.date(2020, 12, 31),
        dt.date(2024, 6, 30),
        dt.date(2024, 7, 1),
        dt.date(2027, 1, 1),
    ):
        got = cut(sub, Scope(as_of=as_of))
        kept = [n for n in nodes if node_counts_at(n, as_of)]
        gone = {n.id for n in nodes} - {n.id for n in kept}
        assert got.nodes == kept
        assert got.relationships == [
            r
            for r in rels
            if r.source not in gone and r.target not in gone and rel_counts_at(r, as_of)
        ]
        assert 0 < len(got.nodes) < len(nodes)
    float_year = Subgraph(
        [
            NodeRecord("Investment", "a", {"year": 2024}),
            NodeRecord("Investment", "b", {"year": 2024.0}),
        ],
        [],
    )
    try:
        cut(float_year, Scope(as_of=dt.date(2024, 1, 1)))
    except ValueError:
        pass  # 2024.0 is not a date: refused as the one-record rule refuses it
    else:
        raise AssertionError("2024.0 was judged as the year 2024")
