"""Text normalisation for matching names in Hebrew, Arabic and English.

Used for name search, matching imported localities to existing ones, and
name similarity in duplicate detection.

Examples
--------
>>> normalize('מתנ"ס קִרְיַת מלאכי')
'מתנס קרית מלאכי'
>>> normalize("קריית-שמונה") == normalize("קרית שמונה")
True
>>> normalize("Beit She'an") == normalize("beit shean")
True
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize"]

_FINALS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})
# Hebrew niqqud and cantillation, Arabic harakat and tatweel.
_MARKS = "\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
# Quotes inside acronyms (מתנ"ס, מנכ״ל, Beit She'an) and geresh.
_QUOTES = "\"'`׳״\u2018\u2019\u201c\u201d"
# Dropped, both kinds at once (deletions commute).
_DROP_RE = re.compile(f"[{_MARKS}{_QUOTES}]")
# Separators besides white space (white space is what str.split splits on, as the
# regular expression's \s matches it); the maqaf (U+05BE) is a mark, dropped first.
_SEPARATORS = "-_/\\.,:;()[]"
_SEPARATORS_RE = re.compile(f"[{re.escape(_SEPARATORS)}]")
# ASCII text has no marks and is its own NFKC form: separators to spaces, quotes out,
# by bytes.translate.
_ASCII_SEPARATORS = bytes.maketrans(_SEPARATORS.encode(), b" " * len(_SEPARATORS))
_ASCII_QUOTES = b"\"'`"
# Spelling variants of the same word in place names: full and defective spelling.
_VARIANTS = {"קריית": "קרית", "עיריית": "עירית"}
_nfkc = unicodedata.normalize


def normalize(text: str | None, *, finals: bool = False) -> str:
    """Fold a name to a form where spelling variants compare equal.

    Parameters
    ----------
    text : str or None
        Any name.
    finals : bool
        Also fold Hebrew final letters (ך→כ …); useful for fuzzy scoring.

    Returns
    -------
    str
        Case-folded, without niqqud, quotes or hyphens, single-spaced.
    """
    if not text:
        return ""
    # Equal to, for every text: NFKC; marks and quotes removed; every run of white space
    # and separators one space; stripped; case-folded (tests/test_text.py holds it
    # against those steps as regular expressions, on every code point up to U+3000).
    if text.isascii():  # ids, English names: no marks, no variants; casefold is lower
        value = text.encode().translate(_ASCII_SEPARATORS, _ASCII_QUOTES).decode()
        value = " ".join(value.split()).lower()
    else:
        value = _SEPARATORS_RE.sub(" ", _DROP_RE.sub("", _nfkc("NFKC", text)))
        value = " ".join(value.split()).casefold()
        if "קריית" in value or "עיריית" in value:  # else no word can be one
            value = " ".join(_VARIANTS.get(w, w) for w in value.split(" "))
    if finals:
        value = value.translate(_FINALS)
    return value
