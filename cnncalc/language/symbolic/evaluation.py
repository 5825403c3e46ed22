"""A size's exact value at a point (fractions, floors and ceilings), without substituting in sympy."""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

from ...errors import CnnCalcError, shorten


def _evaluate(expr: Any, point: dict[Any, int]) -> Fraction:
    """An expression's exact value with numbers for its names (no substitution in sympy, which is slow)."""
    numerator, denominator = _run(_compiled(expr), point)
    return Fraction(numerator, denominator)


@functools.lru_cache(maxsize=4096)
def _compiled(expr: Any) -> tuple[Any, ...]:
    """An expression as nested tuples that :func:`_run` walks quickly: ("q", p, q), ("s", symbol), ("+", parts),
    ("*", parts), ("^", part, power), ("floor", part) or ("ceiling", part)."""
    import sympy

    if expr.is_Rational:
        return ("q", int(expr.p), int(expr.q))
    if expr.is_Symbol:
        return ("s", expr)
    if expr.is_Add or expr.is_Mul:
        return ("+" if expr.is_Add else "*", tuple(_compiled(arg) for arg in expr.args))
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        return ("^", _compiled(expr.base), int(expr.exp))
    if isinstance(expr, sympy.floor | sympy.ceiling):
        return ("floor" if isinstance(expr, sympy.floor) else "ceiling", _compiled(expr.args[0]))
    raise CnnCalcError(f"cnncalc cannot evaluate the size {shorten(str(expr), 80)}")


def _run(program: tuple[Any, ...], point: dict[Any, int]) -> tuple[int, int]:
    """A compiled expression's value as (numerator, denominator > 0), in Python integers."""
    kind = program[0]
    if kind == "q":
        return program[1], program[2]
    if kind == "s":
        return point[program[1]], 1
    if kind == "+":
        numerator, denominator = 0, 1
        for part in program[1]:
            top, bottom = _run(part, point)
            numerator, denominator = (numerator + top, 1) if bottom == denominator == 1 else \
                (numerator * bottom + top * denominator, denominator * bottom)
        return numerator, denominator
    if kind == "*":
        numerator, denominator = 1, 1
        for part in program[1]:
            top, bottom = _run(part, point)
            numerator, denominator = numerator * top, denominator * bottom
        return numerator, denominator
    top, bottom = _run(program[1], point)
    if kind == "^":
        return top ** program[2], bottom ** program[2]
    return (top // bottom if kind == "floor" else -(-top // bottom)), 1
