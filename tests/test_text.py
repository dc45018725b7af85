"""graph.text.normalize gives, for every text, what its three regular expressions gave.

The fold feeds the stores' search text (``nodes.search``), name matching and
duplicate detection, so the faster form (bytes.translate for ASCII text, one
expression for the dropped characters, str.split for runs of white space) must
not change one character. :func:`reference` is the earlier code, kept here as
the definition; it is held against :func:`normalize` on every code point up to
U+3000 alone and among letters, spaces and separators, the astral planes'
edges, lone surrogates, hypothesis-made texts over the characters that matter,
and every name and id of the demo and of a synth folder.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.text import normalize
from importers.synth import generate

DEMO = Path(__file__).resolve().parents[1] / "importers" / "demo" / "data"

_FINALS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})
_MARKS_RE = re.compile(r"[\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_QUOTES_RE = re.compile(r"[\"'`׳״\u2018\u2019\u201c\u201d]")
_SEPARATORS_RE = re.compile(r"[\s\-\u05be_/\\.,:;()\[\]]+")
_VARIANTS = {"קריית": "קרית", "עיריית": "עירית"}
_VARIANTS_RE = re.compile("|".join(map(re.escape, _VARIANTS)))


def reference(text: str | None, *, finals: bool = False) -> str:
    """graph.text.normalize as it was written first (three regular expressions)."""
    if not text:
        return ""
    value = unicodedata.normalize("NFKC", text)
    value = _MARKS_RE.sub("", value)
    value = _QUOTES_RE.sub("", value)
    value = _SEPARATORS_RE.sub(" ", value).strip().casefold()
    if _VARIANTS_RE.search(value):
        value = " ".join(_VARIANTS.get(w, w) for w in value.split(" "))
    if finals:
        value = value.translate(_FINALS)
    return value


def same(text: str) -> None:
    for finals in (False, True):
        assert normalize(text, finals=finals) == reference(text, finals=finals), repr(text)


# Code points where the fold does something, or white space, or a neighbour of one.
_POINTS = [*range(0x3000), *range(0xD7F0, 0xE010), *range(0xFE00, 0x10100)]
_POINTS += [0x1D400, 0x1D7CE, 0x1F600, 0x2F800, 0xE0001, 0xE01EF, 0x10FFFF]


def test_every_code_point_alone_and_among_letters_spaces_and_separators() -> None:
    for point in _POINTS:
        char = chr(point)
        for text in (char, f"a{char}b", f" {char} ", f"א{char}ב", f"-{char}-", char * 3):
            same(text)
        same(f"x{char}\u05b4y")  # before a mark (NFKC may compose with it)
        same(f"\u05d0\u05b4{char}")


def test_texts_that_exercise_each_step() -> None:
    for text in [
        "", " ", "  \t\n ", "-", "--a--", "a - b", "a\u00a0\u2003b", "a\x1c\x1d\x1e\x1fb",
        'מתנ"ס קִרְיַת מלאכי', "קריית-שמונה", "קרית שמונה", "Beit She'an", "beit shean",
        "עיריית תל אביב", "קריית", "XקרייתX", "ק\u05b4ריית", "ﬠירייה", "ＡＢＣ－１２３",
        "ß Straße İstanbul ﬁ", "מנכ״ל", "גזבר/ית", "(א)[ב].ג,ד:ה;ו\\ז_ח", "ـمركز", "\u0670x",
        "role-0485-001", "LOC_0530", "a'b`c\"d", "\ud800", "a\udfffb", "\U0001f600 x",
    ]:  # fmt: skip
        same(text)


_INTERESTING = st.sampled_from(
    list(" \t\n\x0b\x1c\u00a0\u2028\u3000-_/\\.,:;()[]\"'`׳״\u2018\u2019\u201c\u201d")
    + [chr(c) for c in (0x0591, 0x05B4, 0x05BE, 0x05C7, 0x0610, 0x0640, 0x064B, 0x0670, 0x06ED)]
    + list("abcABCאבגךםןףץקריתעᴬﬁＡ１ß İ\u0301é")
    + ["קריית", "עיריית"]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_INTERESTING, max_size=14).map("".join))
def test_hypothesis_texts_of_the_characters_that_matter(text: str) -> None:
    same(text)


@settings(max_examples=1500, deadline=None)
@given(st.text(max_size=20))
def test_hypothesis_any_text(text: str) -> None:
    same(text)


def _cells(folder: Path) -> list[str]:
    cells = []
    for file in sorted(folder.glob("*.csv")):
        with file.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                cells += [v for v in row.values() if v]
    return cells


def test_every_cell_of_the_demo_and_a_synth_folder(tmp_path: Path) -> None:
    generate(3, 5, tmp_path, orgs_per_locality=40)
    cells = _cells(DEMO) + _cells(tmp_path)
    assert len(cells) > 5000
    for cell in cells:
        same(cell)
