"""Whole numbers as users type them, read with a bound: the one place a literal becomes an int.

Python refuses to read an int of over 4,300 digits, and a size of 10⁴⁰⁰ would make every later
step (tables, memory estimates, floats) fail.  cnncalc reads sizes up to :data:`MAX_SIZE` and
counts (answers to grade) up to :data:`MAX_COUNT`, and refuses anything longer with a clear
error before converting it.  Parameter counts computed from sizes stay exact Python ints.

>>> read_int("0032")
32
>>> read_int("1" + "0" * 18)
Traceback (most recent call last):
...
cnncalc.language.literals.TooLargeError: 1000000000000000000 is over 10^18
"""

from __future__ import annotations

import re

__all__ = ["MAX_COUNT", "MAX_ELEMENTS", "MAX_SIZE", "TooLargeError", "read_count", "read_int"]

#: The largest size, count of filters, stride or repeat a spec or option may state.
MAX_SIZE = 10**18 - 1
#: The largest count an answer may claim (totals of huge layers can exceed MAX_SIZE).
MAX_COUNT = 10**120 - 1
#: The most values one tensor of a network may hold; keeps every product exact and every float finite.
MAX_ELEMENTS = 10**36


class TooLargeError(ValueError):
    """A literal over its bound; the message says which bound."""


def read_int(digits: str, maximum: int = MAX_SIZE) -> int:
    """``digits`` (ASCII 0-9 only) as an int of at most ``maximum``; :class:`TooLargeError` past it."""
    if len(digits) < 19 and maximum == MAX_SIZE:  # 18 digits are at most 10^18 − 1: the common case, fast
        return int(digits)
    significant = digits.lstrip("0") or "0"
    if len(significant) > len(str(maximum)) or int(significant) > maximum:
        shown = significant if len(significant) <= 24 else f"a {len(significant):,}-digit number"
        raise TooLargeError(f"{shown} is over 10^{len(str(maximum))}")
    return int(significant)


#: Thousands separators people and locales write: 18,496 · 18.496 · 18 496 · 18'496 · 18_496, and
#: the no-break, narrow no-break and thin spaces that typeset and locale-formatted numbers use.
#: (A pattern compiled where a number is first read with one, not when cnncalc starts.)
_GROUPED = r"[1-9]\d{0,2}(?:(?P<sep>[,.' _\u00a0\u202f\u2009])\d{3})(?:(?P=sep)\d{3})*\Z"


def read_count(text: str, maximum: int = MAX_COUNT) -> int:
    """A whole count as people write it, with or without a thousands separator.

    A count is a whole number, so ``18.496`` is the German way of writing 18,496, not 18.5;
    a decimal that is not in groups of three (``18.5``) is refused, never truncated.

    >>> [read_count(t) for t in ("18,496", "18.496", "18 496", "18\\u00a0496", "18'496", "18_496", "320")]
    [18496, 18496, 18496, 18496, 18496, 18496, 320]
    >>> read_count("18.5")
    Traceback (most recent call last):
    ...
    ValueError: '18.5' is not a whole count
    """
    cleaned = text.strip()
    if len(cleaned) < 19 and cleaned.isdigit() and cleaned.isascii() and maximum >= MAX_SIZE:
        return int(cleaned)  # plain digits, the common case: no separator to look for, and within the bound
    grouped = re.match(_GROUPED, cleaned)
    if grouped:
        cleaned = cleaned.replace(grouped["sep"], "")
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise ValueError(f"'{text.strip()[:40]}' is not a whole count")
    return read_int(cleaned, maximum)
