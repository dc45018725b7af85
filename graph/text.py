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
_MARKS_RE = re.compile(r"[\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Quotes inside acronyms (מתנ"ס, מנכ״ל, Beit She'an) and geresh.
_QUOTES_RE = re.compile(r"[\"'`׳״\u2018\u2019\u201c\u201d]")
_SEPARATORS_RE = re.compile(r"[\s\-\u05be_/\\.,:;()\[\]]+")
# Spelling variants of the same word in place names: full and defective spelling.
_VARIANTS = {"קריית": "קרית", "עיריית": "עירית"}
_VARIANTS_RE = re.compile("|".join(map(re.escape, _VARIANTS)))


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
    value = unicodedata.normalize("NFKC", text)
    value = _MARKS_RE.sub("", value)
    value = _QUOTES_RE.sub("", value)
    value = _SEPARATORS_RE.sub(" ", value).strip().casefold()
    if _VARIANTS_RE.search(value):  # else no word can be one
        value = " ".join(_VARIANTS.get(w, w) for w in value.split(" "))
    if finals:
        value = value.translate(_FINALS)
    return value
