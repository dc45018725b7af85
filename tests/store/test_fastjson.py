"""graph.store.fastjson writes exactly canonical_json's text (or raises as it raises).

The stores compare canonical JSON text (digests, ETags, unchanged records), so
the fast encoder must never give another byte. Every test holds
:func:`fastjson.dumps` against :func:`canonical_json` itself, on values chosen
where orjson and Python's encoder are known or likely to differ: every code
point of the first 12k and the astral planes' edges, control characters,
floats of every magnitude and random bit patterns, NaN, infinities, integers
beyond 64 bits, lone surrogates, enums, dates, tuples, and hypothesis-made
nested values; and on the properties of the demo's and a synth folder's records.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import random
import struct
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.store import fastjson
from graph.store.base import canonical_json
from importers.report import ImportReport
from importers.synth import generate
from importers.tabular import parse

DEMO = Path(__file__).resolve().parents[2] / "importers" / "demo" / "data"
_ROWS = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
).encode


def _outcome(encode: Any, value: Any) -> tuple[str, Any]:
    try:
        return ("text", encode(value))
    except (TypeError, ValueError, OverflowError) as exc:
        return ("error", type(exc))


def same(value: Any) -> None:
    """dumps(value) is canonical_json(value), or both raise the same kind of error."""
    assert _outcome(fastjson.dumps, value) == _outcome(canonical_json, value), repr(value)
    rows = [("id", value), ["x", {"p": value}]]
    fast = fastjson.dumps_rows(rows)
    if fast is not None:  # None: the caller encodes the rows with Python
        assert fast == _ROWS(rows).encode(), repr(value)


def test_every_code_point_in_values_and_keys() -> None:
    points = [*range(0x3000), *range(0xD7F0, 0xE010), *range(0xFFF0, 0x10100), 0x10FFFF]
    for point in points:
        char = chr(point)
        same({"v": char, "w": f"a{char}b", char: 1})


def test_floats_of_every_magnitude() -> None:
    rng = random.Random(16)
    values: list[float] = [0.0, -0.0, 1e-4, 1e16, 1e-5, 9.999999999999999e15, 5e-324]
    values += [math.nextafter(1e-4, 0), math.nextafter(1e16, 0), math.nextafter(1e16, 2e16)]
    values += [float("nan"), float("inf"), -float("inf"), 1.7976931348623157e308]
    for exponent in range(-330, 310, 3):
        for mantissa in (1.0, 1.5, 9.999999, 0.1, 123456789.123):
            value = float(f"{mantissa}e{exponent}")
            values += [value, -value]
    for _ in range(40_000):
        values.append(struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0])
        values.append(round(rng.uniform(-1e6, 1e6), rng.randint(0, 8)))
    for value in values:
        same({"amount": value})
    same({"all": values[:5000]})


class Colour(enum.Enum):
    RED = "red"


class Size(enum.StrEnum):
    BIG = "big"


class Level(enum.IntEnum):
    ONE = 1


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"n": None, "t": True, "f": False},
        {"big": 2**63 - 1, "bigger": 2**64, "huge": -(10**30), "neg": -(2**63)},
        {"lone": "\ud800", "pair": "\U0001f600"},
        {"e": Colour.RED},
        {"s": Size.BIG},
        {"i": Level.ONE},
        {"u": uuid.UUID(int=5)},
        {"d": dt.date(2026, 1, 2)},
        {"tuple": (1, "x", 2.5)},
        {"nested": {"z": [{"b": 1, "a": [None, 1e-7]}], "a": {}}},
        {1: "int key"},
        {"k": b"bytes"},
        {"k": {1, 2}},
    ],
)
def test_values_where_the_encoders_differ(value: Any) -> None:
    same(value)


def test_a_dict_subclass_and_non_dicts() -> None:
    class Props(dict[str, Any]):
        pass

    same(Props(a=1))
    same([1, 2])
    same("text")


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(codec=None)),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(st.text(max_size=8), _json, max_size=6))
def test_hypothesis_values(value: dict[str, Any]) -> None:
    same(value)


@pytest.mark.parametrize("folder", ["demo", "synth"])
def test_the_records_of_real_imports(folder: str, tmp_path: Path) -> None:
    path = DEMO
    if folder == "synth":
        path = tmp_path / "synth"
        generate(3, 5, path, orgs_per_locality=40)
    batch = parse(path, ImportReport())
    props = [n.props for n, _ in batch.nodes] + [r.props for r, _ in batch.relationships]
    assert len(props) > 1000
    fast = 0
    for p in props:
        assert fastjson.dumps(p) == canonical_json(p)
        fast += fastjson._plain(p.values())
    assert fast == len(props)  # every record took the fast encoder


def test_deep_and_circular_values_go_to_canonical_json() -> None:
    deep: list[Any] = [1.5]
    for _ in range(40):
        deep = [deep, "x"]
    same({"deep": deep})
    assert not fastjson._plain([deep])
    loop: list[Any] = [1]
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        fastjson.dumps({"loop": loop})
    assert fastjson.dumps_rows([("a", {"loop": loop})]) is None
