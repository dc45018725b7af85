"""The fast path of clean rows (importers.fastrow) makes exactly pydantic's record, or abstains.

The reference is the pydantic path of :func:`importers.validation.validate_row`
followed by ``to_record`` / ``edge_record``, as the import did before the fast
path. For every row tried here: when the fast path answers a record, pydantic
accepts the row too and makes the same record (same label or type, id or ends,
and the same properties with the same Python types, so ``5`` never stands for
``5.0``). Rows come from the bundled demo data, ``partnermap synth`` output,
the real files in ``shared/data`` the standards importers read, and rows
mutated cell by cell with the values pydantic or the hostile-input rules refuse
or change (blank required cells, bad enums, impossible dates, NaN and infinity,
control and invisible characters, formula prefixes, extra columns...).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from graph.model import EDGE_MODELS, NodeRecord, RelRecord, edge_record, to_record
from graph.store.base import canonical_json
from graph.store.sqlite import SQLiteStore
from importers import fastrow, tabular, validation
from importers.fastrow import compile_row
from importers.registry import run_import
from importers.report import ImportReport
from importers.synth import generate

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "importers" / "demo" / "data"
SHARED = REPO.parent / "shared" / "data"

Record = NodeRecord | RelRecord


def _pydantic(model: type[BaseModel], data: dict[str, Any]) -> Record | None:
    """The record the import made before the fast path: pydantic, then to_record/edge_record."""
    obj = validation.validate_row(model, dict(data), "f.csv", 2, ImportReport())
    if obj is None:
        return None
    if model in EDGE_MODELS.values():
        return edge_record(obj)
    return to_record(obj)  # type: ignore[arg-type]


def _shape(record: Record) -> tuple[Any, ...]:
    """Everything of a record, with each property's type (``5`` and ``5.0`` differ)."""
    if isinstance(record, NodeRecord):
        head: tuple[Any, ...] = ("node", record.label, record.id)
    else:
        head = ("rel", record.type, record.source, record.target, record.owner)
    typed = sorted((k, type(v).__name__, repr(v)) for k, v in record.props.items())
    return (*head, canonical_json(record.props), tuple(typed))


def _agree(model: type[BaseModel], data: dict[str, Any]) -> bool:
    """Assert the fast path never differs from pydantic; True when it answered a record.

    Both forms of the fast path are held against pydantic: the one made for the
    row's header (straight-line code) and the generic one (cell by cell).
    """
    fast = compile_row(model)
    plan = fastrow._plan(model)
    assert fast is not None and plan is not None, f"{model.__name__} has no fast path"
    got = fast(dict(data))
    forms = [fastrow._generic(plan)(dict(data))]
    if all(type(k) is str for k in data):
        forms.append(fastrow._for_header(plan, tuple(data))(dict(data)))
    for other in forms:
        assert (other is None) == (got is None), data
        if got is not None and other is not None:
            assert _shape(other) == _shape(got), data
    if got is None:
        return False
    want = _pydantic(model, data)
    assert want is not None, f"fast path accepted a row pydantic refuses: {data!r}"
    assert _shape(got) == _shape(want), data
    return True


def _rows_of(folder: Path) -> list[tuple[type[BaseModel], dict[str, Any]]]:
    """Every row of a CSV folder as the tabular reader gives it, with its file's model."""
    out = []
    for sheet in tabular.read_sheets(folder, ImportReport()):
        model = tabular.FILE_MODELS.get(sheet.stem)
        if model is not None:
            out += [(model, data) for _, data in sheet.rows]
    return out


@pytest.fixture(scope="module")
def synth_rows(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[type[BaseModel], dict]]:
    folder = tmp_path_factory.mktemp("synth")
    generate(4, 11, folder, orgs_per_locality=30)
    return _rows_of(folder)


@pytest.fixture(scope="module")
def demo_rows() -> list[tuple[type[BaseModel], dict[str, Any]]]:
    return _rows_of(DEMO)


def test_every_file_of_the_first_wave_has_a_fast_path() -> None:
    # The second wave's models have validators the fast path does not repeat
    # (ids made of key fields, a required wave): pydantic validates their rows.
    compiled = {stem for stem, model in tabular.FILE_MODELS.items() if compile_row(model)}
    assert compiled >= {
        "localities",
        "organizations",
        "roles",
        "forums",
        "goals",
        "programs",
        "investments",
        "memberships",
        "program_partners",
        "partnerships",
    }


def test_demo_rows_agree_and_most_are_fast(demo_rows: list[tuple[type[BaseModel], dict]]) -> None:
    fast = [_agree(model, data) for model, data in demo_rows if compile_row(model) is not None]
    assert len(fast) > 1000
    # The demo's rows are clean: the fast path must take nearly all of them, or it saves nothing.
    assert sum(fast) / len(fast) > 0.95


def test_synth_rows_agree_and_most_are_fast(
    synth_rows: list[tuple[type[BaseModel], dict]],
) -> None:
    fast = [_agree(model, data) for model, data in synth_rows]
    assert len(fast) > 1000
    assert sum(fast) / len(fast) > 0.95


def test_rows_of_the_standards_importers_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows the standards importers build from the real files of shared/data.

    Their cells are not all text (numbers, lists): the fast path abstains on
    those, and must agree with pydantic on the others.
    """
    from importers.standards import common

    seen: list[tuple[type[BaseModel], dict[str, Any]]] = []
    real = common.validate_row

    def spy(model: type[BaseModel], data: dict[str, Any], *args: Any) -> Any:
        seen.append((model, dict(data)))
        return real(model, data, *args)

    monkeypatch.setattr(common, "validate_row", spy)
    files = [
        SHARED / "il" / "cbs_local_authorities_2021.csv",
        SHARED / "il" / "localities.csv",
        SHARED / "il" / "moe_programs_sample.csv",
        SHARED / "360giving" / "ocf1.json",
        SHARED / "iati" / "MAEC_IATI_INDONESIA.xml",
        SHARED / "hxl" / "unhcr-3w.csv",
    ]
    for file in files:
        assert file.exists(), file
        run_import(SQLiteStore(":memory:"), file, dry_run=True)
    assert len(seen) > 100
    for model, data in seen:
        if compile_row(model) is not None:
            _agree(model, data)
            # The same row as text cells (as a CSV of it would give).
            _agree(model, {k: "" if v is None else str(v) for k, v in data.items()})


#: Cell values that pydantic or the hostile-input rules refuse or change.
MUTATIONS = [
    "",
    " ",
    "  x  ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e3",
    "1E3",
    "1.5",
    "-1",
    "-0",
    "0",
    "00",
    "007",
    "5.0",
    " 5",
    "5 ",
    "1_000",
    "99999999999999999999",
    "١٢",
    "２",
    "²",
    "=1+1",
    "+972",
    "-x",
    "@sum",
    "'=x",
    "a\u202eb",
    "a\u200bb",
    "x\x00y",
    "x\x1b[2J",
    "a\tb",
    "a\nb",
    "a;b",
    ";",
    "a;;b",
    " a ; b ",
    "2023-02-30",
    "2023-13-01",
    "0000",
    "0999",
    "1000",
    "2020-1-1",
    " 2020 ",
    "2020-05-01T00:00",
    "true",
    "True",
    "yes",
    "TRUE",
    "nonprofit",
    "Nonprofit",
    " nonprofit",
    "early_childhood;welfare",
    "early_childhood;bogus",
    "welfare",
    "member",
    "chair",
    "routine",
    "both",
    "o1",
    "l1",
    "p1",
    "1",
    "3",
    "5",
    "6",
    "10",
    "121",
    "1947",
    "2100",
    "2101",
    "\ufeffx",
    "x\u00a0",
    "\ue000",
]

EXTRA_COLUMNS = ["note", "Note", "foo_id", "bar_ids", "label", "rel_type", "x y", "name_he", "_x"]


def _mutants(model: type[BaseModel], base: dict[str, str], rng: random.Random) -> list[dict]:
    out: list[dict[str, Any]] = []
    for key in [*base, *model.model_fields]:
        for value in MUTATIONS:
            out.append({**base, key: value})
        out.append({k: v for k, v in base.items() if k != key})  # the column is missing
    for extra in EXTRA_COLUMNS:
        for value in ("", " v ", "o1", "nan"):
            out.append({**base, extra: value})
    keys = [*base, *model.model_fields]
    for _ in range(300):  # several cells changed at once
        row = dict(base)
        for key in rng.sample(keys, k=min(len(keys), rng.randint(2, 4))):
            row[key] = rng.choice([*MUTATIONS, base.get(key, ""), "o2", "2019", "2031"])
        out.append(row)
    # Ends and ids equal to each other (self partnerships, own parents).
    for a in keys:
        for b in keys:
            if a != b and base.get(a):
                out.append({**base, b: base[a]})
    return out


def test_mutated_rows_agree(
    demo_rows: list[tuple[type[BaseModel], dict]],
    synth_rows: list[tuple[type[BaseModel], dict]],
) -> None:
    rng = random.Random(16)
    by_model: dict[type[BaseModel], list[dict[str, Any]]] = {}
    for model, data in [*demo_rows, *synth_rows]:
        if compile_row(model) is not None:
            by_model.setdefault(model, []).append(data)
    accepted = refused = 0
    for model, rows in by_model.items():
        for base in rng.sample(rows, k=min(len(rows), 4)):
            for row in _mutants(model, base, rng):
                if _agree(model, row):
                    accepted += 1
                else:
                    refused += 1
    # Both sides were exercised: rows the fast path took, and rows it left to pydantic.
    assert accepted > 1000 and refused > 1000


_cells = st.sampled_from(MUTATIONS) | st.text(
    alphabet=st.sampled_from("ao1 -_.;:'\"=+@\t\x00\u202eאב٣5۵20-9"), max_size=10
)


@settings(max_examples=400, deadline=None)
@given(
    model=st.sampled_from([m for m in tabular.FILE_MODELS.values() if compile_row(m) is not None]),
    cells=st.dictionaries(
        st.sampled_from(
            [
                "id",
                "name",
                "title",
                "sector",
                "kind",
                "source_id",
                "target_id",
                "member_id",
                "forum_id",
                "program_id",
                "organization_id",
                "operator_id",
                "funder_id",
                "locality_id",
                "locality_ids",
                "domains",
                "amount",
                "year",
                "strength",
                "age_min",
                "age_max",
                "start",
                "end",
                "since",
                "population",
                "note",
            ]
        ),
        _cells,
        max_size=10,
    ),
)
def test_generated_rows_agree(model: type[BaseModel], cells: dict[str, str]) -> None:
    _agree(model, cells)


def test_non_text_cells_go_to_pydantic() -> None:
    fast = compile_row(tabular.FILE_MODELS["localities"])
    assert fast is not None
    assert fast({"id": "l1", "name": "שדרות", "population": 5}) is None
    assert fast({"id": "l1", "name": "שדרות", "population": float("nan")}) is None


def test_a_model_with_an_unknown_validator_gets_no_fast_path() -> None:
    from pydantic import field_validator

    from graph.model import Organization

    class Stricter(Organization):
        @field_validator("name")
        @classmethod
        def _short(cls, value: str) -> str:
            if len(value) > 3:
                raise ValueError("too long")
            return value

    assert compile_row(Stricter) is None
    assert fastrow.fast_row(Stricter, {"id": "o", "name": "long", "sector": "other"}) is None


def test_an_import_with_and_without_the_fast_path_stores_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo imported both ways: the same nodes, relationships and row digests."""

    def dump(store: SQLiteStore) -> tuple[list[Any], ...]:
        conn = store._conn()
        return (
            conn.execute(
                "SELECT id, label, props, search, row_digest FROM nodes ORDER BY id"
            ).fetchall(),
            conn.execute("SELECT * FROM rels ORDER BY source, type, target").fetchall(),
            conn.execute("SELECT * FROM node_keys ORDER BY node_id, key, value").fetchall(),
        )

    fast_store = SQLiteStore(tmp_path / "fast.db")
    made: list[Any] = []

    def compiling(model: Any, header: tuple[str, ...]) -> Any:
        made.append(fastrow.compile_header(model, header))
        return made[-1]

    # The import calls the fast path of each file's header itself (importers.tabular).
    monkeypatch.setattr(tabular, "compile_header", compiling)
    assert run_import(fast_store, DEMO).valid
    assert sum(f is not None for f in made) >= 10  # the ten first-wave files went fast
    # Without it, in the import and in add_row: every row through pydantic.
    monkeypatch.setattr(tabular, "compile_header", lambda model, header: None)
    monkeypatch.setattr(validation, "compile_row", lambda model: None)
    slow_store = SQLiteStore(tmp_path / "slow.db")
    assert run_import(slow_store, DEMO).valid
    assert dump(fast_store) == dump(slow_store)


def test_date_cells_are_converted_once_and_looked_up_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastrow, "_DATES", {})
    monkeypatch.setattr(fastrow, "_MAX_DATES", 4)
    cells = ["2021", " 2021-09-01 ", "2021-02-30", "   ", "0999"]
    first = [fastrow._date(c) for c in cells]
    assert first[:2] == ["2021", "2021-09-01"]
    assert first[2] is fastrow._UNSURE and first[3] is fastrow._BLANK
    assert first[4] is fastrow._UNSURE  # before the first year a date may have
    assert [fastrow._date(c) for c in cells] == first  # the same, from the memo
    assert list(fastrow._DATES) == cells[:4]  # at most _MAX_DATES kept
