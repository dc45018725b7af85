"""Canonical JSON at C speed: orjson's text wherever it is canonical_json's, byte for byte.

:func:`graph.store.base.canonical_json` (Python's encoder: sorted keys,
compact, UTF-8 kept) is the one text both stores compare: digests,
ETags and unchanged-record checks read it. An import writes it for every
record, and Python's encoder costs several times orjson's. :func:`dumps`
gives orjson's text where it is provably the same bytes and canonical_json's
everywhere else:

- only values made of text, integers, booleans, ``None``, lists and dicts,
  and floats from 1e-4 to below 1e16 (or zero), go to orjson
  (:func:`_plain`, a walk over the values). orjson writes NaN and infinities
  as ``null`` where canonical_json writes ``NaN`` and ``Infinity``, and
  other floats with another exponent form (``0.00001``, ``1e16`` against
  ``1e-05``, ``1e+16``); subclasses, enums, dates and other types are left
  to canonical_json, which writes them or raises as before;
- orjson refuses integers beyond 64 bits and lone surrogates: those values
  go to canonical_json too.

Without orjson (a virtualenv made before it was pinned) every value goes to
canonical_json.

Every character, escape, integer and such float is written the same by both
(``tests/store/test_fastjson.py`` holds it against canonical_json over every
code point up to U+3000 and some beyond, a million floats, and
hypothesis-made values).

Examples
--------
>>> dumps({"b": 1.5, "a": "שלום\\n", "c": [1, True]})
'{"a":"שלום\\\\n","b":1.5,"c":[1,true]}'
>>> dumps({"x": 1e-05}) == canonical_json({"x": 1e-05}) == '{"x":1e-05}'
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.store.base import canonical_json

try:
    import orjson
except ImportError:  # pragma: no cover - a virtualenv made before orjson was pinned
    orjson = None  # type: ignore[assignment]

__all__ = ["dumps", "dumps_rows"]

_OPTIONS = (
    (
        orjson.OPT_SORT_KEYS
        | orjson.OPT_PASSTHROUGH_SUBCLASS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_DATACLASS
    )
    if orjson is not None
    else 0
)


#: Nesting deeper than this goes to canonical_json (which also says when a value holds itself).
_MAX_DEPTH = 32


def _plain(values: Iterable[Any], depth: int = 0) -> bool:
    """Whether every value in ``values`` (a dict's values, or a list) is written alike by both.

    Text, integers (orjson refuses those beyond 64 bits), booleans, ``None``,
    floats from 1e-4 to below 1e16 (and zero), and lists, tuples and dicts of
    these, nested less than :data:`_MAX_DEPTH` deep.

    >>> _plain([1, "a", [2.5, {"x": None}]]), _plain([{"x": [1e-7]}]), _plain([float("nan")])
    (True, False, False)
    """
    for value in values:
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None:
            continue
        if kind is float:
            if not (1e-4 <= abs(value) < 1e16 or value == 0.0):  # NaN fails both
                return False
        elif depth >= _MAX_DEPTH:
            return False
        elif kind is list or kind is tuple:
            if not _plain(value, depth + 1):
                return False
        elif kind is dict:
            if not _plain(value.values(), depth + 1):
                return False
        else:
            return False
    return True


def dumps(value: Any) -> str:
    """``canonical_json(value)``, made by orjson when that gives the same text."""
    if orjson is not None and type(value) is dict and _plain(value.values()):
        try:
            return orjson.dumps(value, option=_OPTIONS).decode()
        except orjson.JSONEncodeError:  # a lone surrogate, an integer beyond 64 bits
            pass
    return canonical_json(value)


def dumps_rows(rows: list[Any], *, checked: bool = False) -> bytes | None:
    """Rows (lists or tuples of values) as one JSON array in canonical_json's form (UTF-8), or
    ``None``.

    ``None`` when orjson's text might not be canonical_json's (see the
    module's notes); the caller then encodes the rows with Python's encoder.
    ``checked``: the caller knows every value is one :func:`_plain` accepts, and
    the walk is skipped (orjson still refuses what it cannot write: then ``None``).
    """
    if orjson is None or not (checked or _plain(rows)):
        return None
    try:
        return orjson.dumps(rows, option=_OPTIONS)  # as orjson makes it: no text object
    except orjson.JSONEncodeError:
        return None
