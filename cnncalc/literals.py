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
cnncalc.literals.TooLarge: 1000000000000000000 is over 10^18
"""

from __future__ import annotations

__all__ = ["MAX_COUNT", "MAX_ELEMENTS", "MAX_SIZE", "TooLarge", "read_int"]

#: The largest size, count of filters, stride or repeat a spec or option may state.
MAX_SIZE = 10**18 - 1
#: The largest count an answer may claim (totals of huge layers can exceed MAX_SIZE).
MAX_COUNT = 10**120 - 1
#: The most values one tensor of a network may hold; keeps every product exact and every float finite.
MAX_ELEMENTS = 10**36


class TooLarge(ValueError):
    """A literal over its bound; the message says which bound."""


def read_int(digits: str, maximum: int = MAX_SIZE) -> int:
    """``digits`` (ASCII 0-9 only) as an int of at most ``maximum``; :class:`TooLarge` past it."""
    significant = digits.lstrip("0") or "0"
    if len(significant) > len(str(maximum)) or int(significant) > maximum:
        shown = significant if len(significant) <= 24 else f"a {len(significant):,}-digit number"
        raise TooLarge(f"{shown} is over 10^{len(str(maximum))}")
    return int(significant)
