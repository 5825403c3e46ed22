"""Two sizes compared for every value of the names: equal, or a point where they differ."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from ...errors import CnnCalcError, shorten
from ...model.records import record
from ..expression import symbols_for
from .evaluation import _evaluate
from .exact import _nonzero_point, _TooIrregularError
from .sizes import _sympy


@record
class Comparison:
    """Two sizes compared for every value of the names: equal, or where they differ and with which values."""

    equal: bool
    point: tuple[tuple[str, int], ...] = ()
    given: Fraction = Fraction(0)
    true: Fraction = Fraction(0)

    def why(self) -> str:
        """'for R = 8, C = 8: 1, not 2' (the correct value, then the given one)."""
        where = ", ".join(f"{name} = {value}" for name, value in self.point)
        return f"for {where}: {_number(self.true)}, not {_number(self.given)}"


def compare(given: Any, true: Any, names: tuple[str, ...]) -> Comparison:
    """Whether ``given`` equals ``true`` for every value of the names, or a point where they differ.

    Raises :class:`~cnncalc.errors.CnnCalcError` when the sizes are too irregular to compare exactly (floors that
    repeat only every million values) and no difference is found at the values tried.

    >>> from cnncalc.language.expression import read_size
    >>> compare(read_size("floor((R-1)/2)", ("R",)), read_size("⌊(R − 3)/2⌋ + 1", ("R",)), ("R",)).equal
    True
    >>> compare(read_size("R - 2 + floor(R/1000)", ("R",)), read_size("R - 2", ("R",)), ("R",)).why()
    'for R = 1000: 998, not 999'
    """
    import sympy

    symbols = symbols_for(names)
    true_expr, given_expr = _sympy(getattr(true, "expr", true)), _sympy(given)
    difference = sympy.expand(given_expr - true_expr)
    if difference == 0:
        return Comparison(True)
    for point in _first_points(names):
        found = _differs(given_expr, true_expr, symbols, point)
        if found is not None:
            return found
    try:
        nonzero = _nonzero_point(difference, symbols)
    except _TooIrregularError:
        return _sampled(given_expr, true_expr, symbols)
    if nonzero is None:
        return Comparison(True)
    found = _differs(given_expr, true_expr, symbols, {name: nonzero.get(symbols[name], 8) for name in names})
    assert found is not None, "the exact comparison found a point where the sizes agree"
    return found


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _first_points(names: tuple[str, ...]) -> Iterator[dict[str, int]]:
    """Small values first (from 8, where the lectures' networks are defined), so a difference reads simply."""
    import itertools

    side = max(2, round(64 ** (1 / len(names))))
    for values in itertools.product(range(8, 8 + side), repeat=len(names)):
        yield dict(zip(names, values))


def _differs(given: Any, true: Any, symbols: dict[str, Any], point: dict[str, int]) -> Comparison | None:
    at = {symbols[name]: value for name, value in point.items()}
    right, wrong = _evaluate(true, at), _evaluate(given, at)
    if right == wrong:
        return None
    return Comparison(False, tuple(point.items()), wrong, right)


def _sampled(given: Any, true: Any, symbols: dict[str, Any]) -> Comparison:
    """Sizes too irregular to compare exactly: a difference at a few far-apart values, or a refusal."""
    names = tuple(symbols)
    for scale in (10**3, 10**6, 10**9, 10**12, 10**18):
        for shift in range(7):
            found = _differs(given, true, symbols, {name: scale + shift + 3 * i for i, name in enumerate(names)})
            if found is not None:
                return found
    raise CnnCalcError(f"cannot tell whether {shorten(str(given), 60)} equals {shorten(str(true), 60)} for every "
                       f"value of {', '.join(names)}",
                       "its floors repeat only over very many values; write the size as the lectures do, with the "
                       "window formula ⌊(n + 2p − k)/s⌋ + 1")
