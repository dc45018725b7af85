"""Hostile text and numbers: what may sit in an id, in a name, in JSON and on a terminal.

One home for the rules every entry (CSV, XLSX, JSON body, export file) and
every exit (JSON, XML, a terminal) share:

- an **id** holds no control character, no bidi override or isolate, no
  zero-width or other invisible format character (:func:`id_problem`): two ids
  that look alike must be alike;
- **text** (names, titles, descriptions) keeps tabs and line breaks but loses
  every other control character (:func:`clean_text`), which XML 1.0 cannot
  hold and terminals would obey;
- **numbers** are finite (:func:`is_finite_tree`, :func:`json_safe`): JSON has
  no ``NaN`` nor ``Infinity``;
- a **terminal** shows escape sequences as ``\\x1b``, never runs them
  (:func:`terminal_safe`).

Examples
--------
>>> clean_text("עמותת\\x00 אור\\x1b[2J")
'עמותת אור[2J'
>>> id_problem("org-1"), id_problem("org\\u202e1")
(None, 'an id may not hold the invisible or control character U+202E')
>>> json_safe({"ratio": float("inf"), "n": [1.5, float("nan")]})
{'ratio': None, 'n': [1.5, None]}
>>> terminal_safe("a\\x1b[31mred\\x07")
'a\\\\x1b[31mred\\\\x07'
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any

__all__ = [
    "clean_text",
    "dumps_finite",
    "id_problem",
    "is_finite_tree",
    "json_safe",
    "terminal_safe",
]

# C0 controls but tab, line feed and carriage return; DEL; C1 controls; the
# two non-characters XML forbids. (Lone surrogates are not text at all: the
# API refuses them whole, see api.routes.common.check_text.)
_TEXT_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# What a terminal might act on: every control character but line feed, and the
# bidi overrides that make a line read differently from what it holds.
_TERMINAL_JUNK = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """``text`` without the control characters XML and terminals cannot be trusted with.

    Tabs and line breaks stay (a description may have paragraphs).
    """
    if text.isprintable():  # every character removed is a control or a non-character
        return text
    return _TEXT_JUNK.sub("", text)


def id_problem(value: str) -> str | None:
    """Why ``value`` cannot be an id, or ``None`` when it can.

    Refused: control characters (categories Cc), format characters (Cf: bidi
    overrides and isolates, zero-width spaces and joiners, the BOM), line and
    paragraph separators, surrogates and private-use characters.
    """
    if value.isprintable():
        # Every refused category is unprintable (so are unassigned code points
        # and spaces other than U+0020, which the loop below lets through).
        return None
    for ch in value:
        if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co"}:
            return f"an id may not hold the invisible or control character U+{ord(ch):04X}"
    return None


def is_finite_tree(value: Any) -> bool:
    """Whether every float inside ``value`` (lists and dicts too) is finite."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(is_finite_tree(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(is_finite_tree(v) for v in value)
    return True


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float replaced by ``None`` (JSON ``null``)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def dumps_finite(value: Any, **kwargs: Any) -> str:
    """:func:`json.dumps` that never writes ``NaN`` or ``Infinity`` (they become ``null``).

    >>> dumps_finite({"x": float("-inf")})
    '{"x": null}'
    """
    try:
        return json.dumps(value, allow_nan=False, **kwargs)
    except ValueError:
        return json.dumps(json_safe(value), allow_nan=False, **kwargs)


def terminal_safe(text: str) -> str:
    """``text`` as a terminal may print it: control characters shown as ``\\xNN`` escapes."""
    return _TERMINAL_JUNK.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
