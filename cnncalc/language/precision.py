"""Numbers graded at the precision they are written with.

A grader must never accept a wrong integer, and a decimal answer says how precise it means to be: for
7/9 = 0.777…, ``0.78`` is the value rounded to two places and ``0.77`` the value cut to two places (as
the lectures write it), and both are right at that precision; ``0.76`` is not. So:

* an integer (``5849``) or a fraction (``7/9``) must equal the value exactly;
* a decimal (``0.78``, ``1.5e3``) is right when it is the value rounded, or cut, to its last written place;
* an explicit relative tolerance, or a number of decimals the answers are known to be rounded to, overrides
  both (``--tolerance``, ``--round``).

Values computed in floating point carry a rounding error of about 1e-16 of their size; comparisons allow
1e-9 of it (never a whole unit of any written place a worked example has).

>>> grade_number(read_number("0.78"), 7 / 9), grade_number(read_number("0.77"), 7 / 9)
('rounded', 'truncated')
>>> grade_number(read_number("0.76"), 7 / 9), grade_number(read_number("5870"), 5849.0)
('wrong', 'wrong')
>>> grade_number(read_number("7/9"), 7 / 9), grade_number(read_number("-0.11"), -1 / 9)
('correct', 'rounded')
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from ..model.records import record

__all__ = ["Written", "grade_number", "read_number", "read_value"]

#: How far a float may be from the exact value it stands for and still be it.
EPSILON = 1e-9
_FRACTION = re.compile(r"\s*([+-]?)\s*(\d+(?:\.\d*)?|\.\d+)\s*/\s*(\d+(?:\.\d*)?|\.\d+)\s*\Z")
_PRODUCT = re.compile(r"[*×·]")


@record
class Written:
    """A number as an answer wrote it: its value, and the place of its last digit (None: exact)."""

    value: float
    #: the exponent of the last written digit (-2 for 0.78, 3 for 1.5e3); None for an integer or a fraction,
    #: which are exact
    place: int | None = None
    text: str = ""


def read_value(token: str) -> float:
    """A matrix or kernel entry: a number, a fraction (``1/9``, ``-1/9``) or a simple product (``2*0.5``).

    >>> read_value("1/9") == 1 / 9, read_value("-1/16"), read_value("2*0.5"), read_value("−3")
    (True, -0.0625, 1.0, -3.0)
    """
    return read_number(token).value


def read_number(token: str) -> Written:
    """A number with the precision it is written with; raises ValueError if it is not one."""
    text = token.strip().replace("−", "-").replace("\u2212", "-")
    if len(text) > 400:
        raise ValueError(token)
    if _PRODUCT.search(text):
        factors = [read_number(part) for part in _PRODUCT.split(text)]
        value = 1.0
        for factor in factors:
            value *= factor.value
        return Written(value, None, token)
    fraction = _FRACTION.match(text)
    if fraction:
        sign, numerator, denominator = fraction.groups()
        if float(denominator) == 0:
            raise ValueError(token)
        value = float(Fraction(numerator) / Fraction(denominator))
        return Written(-value if sign == "-" else value, None, token)
    try:
        decimal = Decimal(text)
    except InvalidOperation:
        raise ValueError(token) from None
    if not decimal.is_finite():
        raise ValueError(token)
    exponent = decimal.as_tuple().exponent
    assert isinstance(exponent, int)
    written_exactly = "." not in text and "e" not in text.lower()
    return Written(float(decimal), None if written_exactly else exponent, token)


def grade_number(given: Written, true: float, tolerance: float | None = None, decimals: int | None = None) -> str:
    """'correct', 'rounded', 'truncated' or 'wrong': ``given`` against the computed ``true`` value."""
    slack = EPSILON * max(1.0, abs(true))
    error = abs(given.value - true)
    if error <= slack or (tolerance is not None and error <= tolerance * abs(true)):
        return "correct"
    if decimals is not None and error <= 0.5 * 10.0 ** -decimals + slack:
        return "rounded"
    if given.place is None:
        return "wrong"
    quantum = 10.0 ** given.place
    same_side = given.value == 0 or (given.value > 0) == (true > 0)
    cut = same_side and abs(given.value) - slack <= abs(true) < abs(given.value) + quantum - slack
    return "rounded" if error <= quantum / 2 + slack else "truncated" if cut else "wrong"
