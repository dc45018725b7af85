"""The import's fast paths give exactly what the value-by-value rules give.

Each fast path checks a whole row (or a whole value) at once with a C-level
string method and falls back to the old value-by-value code when the check
fails. These tests hold each one against that reference on generated text
that mixes the characters the rules care about (controls, bidi marks,
zero-width and private-use characters, non-characters, every kind of space,
NUL, ``;``), so a fast path can never let through what the slow one refuses.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from graph.hygiene import clean_text, id_problem
from graph.model import _clean_value, clean_row, row_has_blank
from importers.unchanged import digest_primer, digest_with, row_digest

# Characters the rules single out, and plain ones around them.
_TRICKY = (
    "\x00\x01\x08\t\n\x0b\x0c\r\x1b\x1c\x1f \x7f\x85\x9f\xa0\xad"
    "\u1680\u180e\u2000\u200b\u200d\u200e\u200f\u2028\u2029\u202a\u202e\u2066\u2069"
    "\u3000\ue000\ufeff\ufffe\uffff\U000f0000;'=+-@"
)
_PLAIN = "ao1 -_.'\"אבגדהוםןשת  عربيةéﬁ"
_text = st.text(alphabet=st.sampled_from(_TRICKY + _PLAIN), max_size=8)
_keys = st.sampled_from(["id", "name", "parent_id", "locality_ids", "note", "title", "x"])
_rows = st.dictionaries(_keys, _text, max_size=6)

_REFUSED = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co"}
_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _reference_clean(data: dict[Any, Any]) -> dict[Any, Any] | str:
    """The value-by-value rule of graph.model before the fast path (or the error's text)."""
    try:
        return {k: _clean_value(str(k), v) for k, v in data.items() if k is not None}
    except PydanticCustomError as exc:
        return str(exc)


@settings(max_examples=600, deadline=None)
@given(_rows)
def test_clean_row_equals_value_by_value(data: dict[str, str]) -> None:
    try:
        fast: dict[Any, Any] | str = clean_row(data)
    except PydanticCustomError as exc:
        fast = str(exc)
    assert fast == _reference_clean(data)


@settings(max_examples=600, deadline=None)
@given(_rows)
def test_row_has_blank_never_misses_a_blank_cell(data: dict[str, str]) -> None:
    blank = any(not v.strip() for v in data.values())
    if any("\x00" in v for v in data.values()):
        # A NUL may look like a cell boundary: a "yes" sends the row the slow way.
        assert row_has_blank(data) or not blank
    else:
        assert row_has_blank(data) == blank


@settings(max_examples=600, deadline=None)
@given(_text)
def test_id_problem_and_clean_text_equal_the_character_rules(value: str) -> None:
    bad = [ch for ch in value if unicodedata.category(ch) in _REFUSED]
    expected = (
        None
        if not bad
        else f"an id may not hold the invisible or control character U+{ord(bad[0]):04X}"
    )
    assert id_problem(value) == expected
    assert clean_text(value) == _JUNK.sub("", value)


def test_rows_with_non_text_cells_take_the_slow_path() -> None:
    # A number cell (a JSON import) and a None key are handled value by value.
    assert clean_row({"id": "o1", "n": 3.5}) == {"id": "o1", "n": 3.5}
    assert clean_row({None: "x", "id": "o1"}) == {"id": "o1"}
    assert row_has_blank({"id": "o1", "n": 3}) is True


@settings(max_examples=400, deadline=None)
@given(_rows, _rows)
def test_row_digests_differ_when_rows_differ(a: dict[str, str], b: dict[str, str]) -> None:
    # Rows that differ in a column name, a cell or the order of columns never share a
    # digest; NUL inside a cell switches to the repr form, which cannot collide with it.
    same = list(a.items()) == list(b.items())
    assert (row_digest("organizations", a) == row_digest("organizations", b)) == same


@settings(max_examples=400, deadline=None)
@given(_rows)
def test_a_row_digested_with_its_header_primed_has_row_digest(row: dict[str, str]) -> None:
    # The import into an empty store digests each row in its loop, with its header's names
    # hashed once per file: the same digest, whatever the names and cells (NUL included).
    primer = digest_primer("organizations", tuple(row))
    assert digest_with(primer, "organizations", row) == row_digest("organizations", row)
    assert digest_with(primer, "organizations", {**row}) == row_digest("organizations", row)


def test_a_cell_that_is_not_text_is_digested_as_row_digest_does() -> None:
    row: dict[str, Any] = {"id": "o1", "n": 3.5}
    primer = digest_primer("organizations", ("id", "n"))
    assert digest_with(primer, "organizations", row) == row_digest("organizations", row)
    assert digest_primer("organizations", ("id\x00", "n")) is None


def test_row_digest_cannot_be_forged_with_nul() -> None:
    # Joined with NUL these two rows would read the same; the repr form keeps them apart.
    a = {"id": "o1\x00x", "name": "y"}
    b = {"id": "o1", "name": "x\x00y"}
    assert row_digest("organizations", a) != row_digest("organizations", b)
