"""One catalogue of words: every reason, label and term in Hebrew, English and Arabic.

Analytics emit a *code* and its parameters; :func:`render` turns them into
text in one language. The wordings live in ``graph/messages/*.toml``, one
file per topic, each key with one wording per language::

    [duplicate.ages_overlap]
    en = "ages {a} and {b} overlap"
    he = "טווחי הגילים {a} ו-{b} חופפים"
    ar = "الفئات العمرية {a} و{b} متداخلة"

A wording may have plural forms, chosen by the number in the parameter that
the key names with ``plural``; the forms are Unicode CLDR's plural categories
(``zero one two few many other``; Babel knows which apply to which language)::

    [count.actors]
    plural = "n"
    en = { one = "{n} actor", other = "{n} actors" }
    he = { one = "גורם אחד", other = "{n} גורמים" }

Placeholders take a format after a colon: ``{amount:money}`` (shekels, in the
language's number format), ``{n:num}``, ``{share:pct}`` (0.25 -> 25%),
``{value:term.sector}`` (the label of an enumerated value, itself a key of
the catalogue such as ``sector.business``), ``{ids:list}`` and
``{places:tagged.tie}`` (``[kind, name]`` pairs: each name after the label of
its kind, ``"forum X; partnership Y"``).

Examples
--------
>>> render("vocabulary.example", "en", n=1)
'1 actor'
>>> render("vocabulary.example", "en", n=1200)
'1,200 actors'
>>> render("vocabulary.example", "he", n=1)
'גורם אחד'
>>> term("sector", "business", "he")
'מגזר עסקי'
>>> term("sector", "not-a-sector", "en")
'not-a-sector'
>>> fmt_money(1234567.4, "en")
'₪1,234,567'
>>> reasons([("vocabulary.example", {"n": 3})])["reasons_he"]
['3 גורמים']
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from babel import Locale
from babel.numbers import format_decimal

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "RTL_LANGS",
    "Reason",
    "catalogue",
    "direction",
    "fmt_money",
    "fmt_number",
    "fmt_percent",
    "has",
    "pick_lang",
    "reasons",
    "render",
    "term",
]

LANGS: Final = ("he", "en", "ar")
RTL_LANGS: Final = frozenset({"he", "ar"})
DEFAULT_LANG: Final = "he"
_LOCALES: Final = {"he": "he_IL", "en": "en_US", "ar": "ar_IL"}
_MESSAGES: Final = Path(__file__).with_name("messages")

#: A reason as analytics emit it: a catalogue key and its parameters.
Reason = tuple[str, Mapping[str, Any]]


def _is_leaf(table: Mapping[str, Any]) -> bool:
    return any(lang in table for lang in LANGS)


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, dict[str, Any]], where: str):
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if not isinstance(value, dict):
            raise ValueError(f"{where}: {name} is not a table of wordings")
        if _is_leaf(value):
            if name in out:
                raise ValueError(f"{where}: key {name} is defined twice in the catalogue")
            out[name] = value
        else:
            _flatten(name, value, out, where)


@functools.cache
def catalogue() -> dict[str, dict[str, Any]]:
    """Every key of every ``messages/*.toml`` file, flattened to dotted keys."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(_MESSAGES.glob("*.toml")):
        with path.open("rb") as fh:
            _flatten("", tomllib.load(fh), out, path.name)
    return out


def pick_lang(lang: str | None) -> str:
    """A supported language code (``he`` when unknown or missing)."""
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGS else DEFAULT_LANG


def direction(lang: str) -> str:
    """``rtl`` for Hebrew and Arabic, ``ltr`` otherwise."""
    return "rtl" if pick_lang(lang) in RTL_LANGS else "ltr"


def has(key: str) -> bool:
    """Whether the catalogue has ``key``."""
    return key in catalogue()


def fmt_number(value: Any, lang: str, digits: int = 2) -> str:
    """A number in the language's format (grouped thousands, at most ``digits`` decimals)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _fmt_decimal(value, pick_lang(lang), digits)


@functools.lru_cache(maxsize=16384)
def _fmt_decimal(value: int | float, lang: str, digits: int) -> str:
    """Babel's formatting of a finite number, remembered (Babel takes ~50 µs a call).

    ``value`` is an ``int`` or a ``float`` that is not a whole number, so
    equal keys (``2 == 2.0``) never format differently.
    """
    pattern = "#,##0" + ("." + "#" * digits if digits and isinstance(value, float) else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def fmt_money(amount: Any, lang: str, currency: str = "ILS") -> str:
    """Whole shekels with the ₪ sign before the number, in every language."""
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        return str(amount)
    number = fmt_number(round(amount), lang, 0)
    return f"₪{number}" if currency == "ILS" else f"{number} {currency}"


def fmt_percent(share: Any, lang: str) -> str:
    """A share in 0-1 as a whole percentage."""
    if isinstance(share, bool) or not isinstance(share, int | float):
        return str(share)
    return f"{fmt_number(round(share * 100), lang, 0)}%"


def term(kind: str, value: Any, lang: str) -> str:
    """The label of an enumerated value (``term("sector", "business", "he")``), or the value."""
    entry = catalogue().get(f"{kind}.{value}")
    if entry is None:
        return str(value)
    text = entry.get(pick_lang(lang)) or entry.get("en")
    return text if isinstance(text, str) else str(value)


_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}(-\d{2})?")


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang
        # Arabic separates list items with its own comma and semicolon (U+060C, U+061B).
        arabic = pick_lang(lang) == "ar"
        self.comma = "\u060c " if arabic else ", "
        self.semicolon = "\u061b " if arabic else "; "

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "money":
            return fmt_money(value, self.lang)
        if format_spec == "num":
            return fmt_number(value, self.lang)
        if format_spec == "pct":
            return fmt_percent(value, self.lang)
        if format_spec == "list":
            items = value if isinstance(value, list | tuple) else [value]
            return self.comma.join(str(v) for v in items)
        if format_spec.startswith("tagged."):
            kind = format_spec[7:]
            return self.semicolon.join(
                f"{term(kind, code, self.lang)} {name}" for code, name in value
            )
        if format_spec.startswith("term."):
            kind = format_spec[5:]
            if isinstance(value, list | tuple):
                return self.comma.join(term(kind, v, self.lang) for v in value)
            return term(kind, value, self.lang)
        if not format_spec and isinstance(value, int | float) and not isinstance(value, bool):
            return fmt_number(value, self.lang)
        text = super().format_field(value, format_spec)
        if self.lang == "ar" and _ISO_DATE.fullmatch(text):
            # After an Arabic letter, digits are Arabic numbers and '-' no longer joins them:
            # "2023-01-01" showed as "01-01-2023". Left-to-right marks keep the date whole.
            return f"\u200e{text}\u200e"
        return text


@functools.cache
def _locale(lang: str) -> Locale:
    """Babel's locale of a language, parsed once."""
    return Locale.parse(_LOCALES[lang])


def _plural_category(lang: str, count: Any) -> str:
    try:
        return _plural_of(lang, abs(count))
    except (TypeError, ValueError):
        return "other"


@functools.lru_cache(maxsize=4096)
def _plural_of(lang: str, count: Any) -> str:
    return str(_locale(lang).plural_form(count))


def render(key: str, lang: str = "en", /, **params: Any) -> str:
    """The wording of ``key`` in ``lang`` with ``params`` filled in.

    An unknown key raises ``KeyError`` (a typo must fail in tests, not show a
    code to a user); a language missing for a key falls back to English.
    """
    lang = pick_lang(lang)
    try:
        memo = (key, lang, tuple(sorted((k, _freeze(v)) for k, v in params.items())))
    except TypeError:  # a parameter that cannot be a key (a dict): render every time
        return _render(key, lang, params)
    text = _RENDERED.get(memo)
    if text is None:
        text = _render(key, lang, params)
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        _RENDERED[memo] = text
    return text


#: Texts already rendered, by (key, language, frozen parameters): an analysis
#: says "sits in no forum" thousands of times. The catalogue does not change
#: while the process runs, so a text once rendered stays right.
_RENDERED: dict[tuple[str, str, tuple[tuple[str, Any], ...]], str] = {}
_RENDERED_MAX: Final = 65536


def _freeze(value: Any) -> Any:
    """A hashable stand-in for a parameter, equal only for values that render alike.

    The type is kept (``1``, ``1.0`` and ``True`` are equal in Python but
    ``True`` renders as a word); lists and tuples are frozen item by item.
    Raises ``TypeError`` for anything else (a dict, an object that may change).

    >>> _freeze(["a", 1]) == _freeze(("a", 1)), _freeze(1) == _freeze(True)
    (False, False)
    """
    kind = type(value)
    if kind is str:
        return value
    if kind is list or kind is tuple:
        return (kind, tuple(_freeze(v) for v in value))
    if kind in _PLAIN:
        return (kind, value)
    raise TypeError(f"{kind.__name__} is not frozen")  # may change after being rendered


_PLAIN: Final = frozenset({int, float, bool, type(None), dt.date, dt.datetime, Decimal})


def _render(key: str, lang: str, params: dict[str, Any]) -> str:
    entry = catalogue()[key]
    wording: Any = entry.get(lang) or entry.get("en")
    if isinstance(wording, dict):
        count = params.get(str(entry.get("plural", "n")), 0)
        wording = wording.get(_plural_category(lang, count)) or wording.get("other", "")
    text = str(wording)
    parts = _parsed(text)
    if parts is None:  # nested or positional fields: the general formatter
        return _Formatter(lang).format(text, **params)
    formatter = _formatter(lang)
    out = []
    for literal, name, spec, conversion in parts:
        out.append(literal)
        if name is not None:
            value = params[name]
            if conversion:
                value = formatter.convert_field(value, conversion)
            out.append(formatter.format_field(value, spec))
    return "".join(out)


_Part = tuple[str, str | None, str, str | None]


@functools.lru_cache(maxsize=8192)
def _parsed(text: str) -> tuple[_Part, ...] | None:
    """A wording cut into literal text and named fields once (``str.format``'s own parse).

    ``None`` when a field is not a plain name or its format holds a field.

    >>> _parsed("{n:num} of {{all}}")
    (('', 'n', 'num', None), (' of {', None, '', None), ('all}', None, '', None))
    """
    parts: list[_Part] = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None and (not name.isidentifier() or "{" in (spec or "")):
            return None
        parts.append((literal, name, spec or "", conversion))
    return tuple(parts)


@functools.cache
def _formatter(lang: str) -> _Formatter:
    return _Formatter(lang)


def reasons(items: Iterable[Reason]) -> dict[str, list[str]]:
    """``reasons`` (English), ``reasons_he`` and ``reasons_ar`` of a list of codes."""
    items = list(items)
    return {
        "reasons": [render(code, "en", **params) for code, params in items],
        "reasons_he": [render(code, "he", **params) for code, params in items],
        "reasons_ar": [render(code, "ar", **params) for code, params in items],
    }
