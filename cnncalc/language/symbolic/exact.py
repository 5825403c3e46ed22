"""Whether a difference of sizes is zero for every value of the names: exactly, group by group of names."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from ...model.records import record
from .evaluation import _evaluate

# Two sizes are equal for every value of the names when their difference D is zero everywhere.  D is made of
# + − ×, division by numbers, integer powers, floors and ceilings of the names, so it is a quasi-polynomial: on
# each residue class of the names modulo a period P it is a polynomial, of degree at most d_v in a name v.  Such a
# function is zero everywhere exactly when it is zero on P·(d_v + 1) consecutive values of each name (d_v + 1
# values in every class).  Written as a sum of products of factors, each factor a function of one group of names
# (a group: names that share a floor), D is zero exactly when its coefficients on a basis of each group's
# factors are zero, and each group's basis is found on that group's grid alone: a few dozen values for the
# lectures' sizes, where the product of the grids would be thousands.  Every step is exact (fractions), and
# bounded: a group whose grid is too large is not compared exactly.

#: The most values (factors × grid points) one group of names may need for the exact comparison.
MAX_EVALUATIONS = 10_000
#: The most distinct factors one group may have.
MAX_FACTORS = 64


class _TooIrregularError(Exception):
    """A group of names whose exact comparison would need more than MAX_EVALUATIONS values."""


def _nonzero_point(difference: Any, symbols: dict[str, Any]) -> dict[Any, int] | None:
    """A point (symbol → value) where the expanded difference is not zero, or None if it is zero everywhere."""
    monomials = _monomials(difference, set(symbols.values()))
    groups = _groups(monomials)
    return _solve_groups(monomials, groups)


def _monomials(difference: Any, names: set[Any]) -> list[tuple[Fraction, dict[Any, int]]]:
    """The difference as (coefficient, {factor: power}) terms; a factor is a name, a floor or a ceiling."""
    terms = []
    for monomial, coefficient in difference.as_coefficients_dict().items():
        value = Fraction(int(coefficient.p), int(coefficient.q))
        powers = {} if monomial == 1 else dict(monomial.as_powers_dict())
        for factor in [f for f in powers if not (f.free_symbols & names)]:  # a constant factor: a number
            value *= _evaluate(factor, {}) ** int(powers.pop(factor))
        terms.append((value, powers))
    return terms


def _groups(monomials: list[tuple[Fraction, dict[Any, int]]]) -> list[tuple[Any, ...]]:
    """The names in groups that no factor spans: a floor of R + C puts R and C in one group."""
    groups: list[set[Any]] = []
    for _, powers in monomials:
        for factor in powers:
            joined = set(factor.free_symbols)
            for group in [g for g in groups if g & joined]:
                joined |= group
                groups.remove(group)
            groups.append(joined)
    return [tuple(sorted(group, key=str)) for group in groups]


def _solve_groups(monomials: list[tuple[Fraction, dict[Any, int]]], groups: list[tuple[Any, ...]]
                  ) -> dict[Any, int] | None:
    """A point where the sum of monomials is nonzero, or None: one group of names at a time.

    With the group's factors written on a basis β of functions independent on its grid (so everywhere), the sum
    is Σ_a β_a(group) · D_a(other names); it is zero exactly when every D_a is, and where some D_a is not, a
    point of the grid makes the whole sum nonzero."""
    if not groups:
        return {} if sum((c for c, _ in monomials), Fraction(0)) else None
    group, rest = set(groups[0]), groups[1:]
    split = [(c, _part(powers, group), {f: p for f, p in powers.items() if not f.free_symbols <= group})
             for c, powers in monomials]
    factors = list(dict.fromkeys(here for _, here, _ in split))
    grid = _grid(factors, groups[0])
    basis = _Basis([[_evaluate(_product(factor), point) for point in grid] for factor in factors])
    coordinates = dict(zip(factors, basis.coordinates))

    def on(a: int) -> list[tuple[Fraction, dict[Any, int]]]:  # D_a, as monomials in the other names
        return [(c * coordinates[here].get(a, Fraction(0)), there) for c, here, there in split
                if coordinates[here].get(a)]

    for a in range(len(basis.rows)):
        point = _solve_groups(on(a), rest)
        if point is None:
            continue
        weights = [sum((c * _evaluate(_product(tuple(there.items())), point) for c, there in on(b)), Fraction(0))
                   for b in range(len(basis.rows))]
        column = next(j for j in range(len(grid)) if sum(w * row[j] for w, row in zip(weights, basis.rows)))
        return {**point, **grid[column]}
    return None


def _part(powers: dict[Any, int], group: set[Any]) -> tuple[tuple[Any, int], ...]:
    """The factors of a monomial over one group of names, as a canonical key."""
    return tuple(sorted(((f, p) for f, p in powers.items() if f.free_symbols <= group), key=lambda item: str(item[0])))


def _product(part: tuple[tuple[Any, int], ...]) -> Any:
    import sympy

    return sympy.Mul(*(sympy.Pow(f, p) for f, p in part)) if part else sympy.Integer(1)


def _grid(factors: list[tuple[tuple[Any, int], ...]], group: tuple[Any, ...]) -> list[dict[Any, int]]:
    """P·(d + 1) consecutive values of each name of the group (from 8), all combinations: enough to tell apart
    quasi-polynomials of period P and degree d in each name."""
    import itertools

    period, degrees = 1, dict.fromkeys(group, 0)
    for factor in factors:
        shape = _shape(_product(factor))
        period = math.lcm(period, shape.period)
        for name, degree in shape.degrees.items():
            degrees[name] = max(degrees[name], degree)
    sides = [period * (degrees[name] + 1) for name in group]
    if len(factors) > MAX_FACTORS or math.prod(sides) * len(factors) > MAX_EVALUATIONS:
        raise _TooIrregularError
    return [dict(zip(group, values)) for values in itertools.product(*(range(8, 8 + side) for side in sides))]


@record
class _Shape:
    """A quasi-polynomial's period (it is a polynomial on each residue class), the common denominator of its
    coefficients there, and its degree in each name."""

    period: int
    denominator: int
    degrees: dict[Any, int]


def _shape(expr: Any) -> _Shape:
    import sympy

    if expr.is_Rational:
        return _Shape(1, int(expr.q), {})
    if expr.is_Symbol:
        return _Shape(1, 1, {expr: 1})
    parts = [_shape(arg) for arg in expr.args]
    period = math.lcm(*(p.period for p in parts))
    if expr.is_Add:
        return _Shape(period, math.lcm(*(p.denominator for p in parts)), _degrees(parts, max))
    if expr.is_Mul:
        return _Shape(period, math.prod(p.denominator for p in parts), _degrees(parts, sum))
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        power = int(expr.exp)
        return _Shape(parts[0].period, parts[0].denominator ** power,
                      {name: degree * power for name, degree in parts[0].degrees.items()})
    if isinstance(expr, sympy.floor | sympy.ceiling):  # ⌊f⌋ = f − (its fraction), which repeats every denominator
        inner = parts[0]
        return _Shape(math.lcm(inner.period, inner.denominator), inner.denominator, inner.degrees)
    raise _TooIrregularError


def _degrees(parts: list[_Shape], combine: Callable[[list[int]], int]) -> dict[Any, int]:
    names = {name for part in parts for name in part.degrees}
    return {name: combine([part.degrees.get(name, 0) for part in parts]) for name in names}


class _Basis:
    """Independent rows among value rows (Gaussian elimination over fractions), and each row's coordinates."""

    def __init__(self, rows: list[list[Fraction]]) -> None:
        self.rows: list[list[Fraction]] = []
        self.pivots: list[int] = []
        self.coordinates: list[dict[int, Fraction]] = [self._add(row) for row in rows]

    def _add(self, row: list[Fraction]) -> dict[int, Fraction]:
        residual, coordinates = list(row), {}
        for index, (basis, pivot) in enumerate(zip(self.rows, self.pivots)):
            if residual[pivot]:
                scale = residual[pivot] / basis[pivot]
                residual = [r - scale * b for r, b in zip(residual, basis)]
                coordinates[index] = scale
        found = next((j for j, value in enumerate(residual) if value), None)
        if found is not None:
            coordinates[len(self.rows)] = Fraction(1)
            self.rows.append(residual)
            self.pivots.append(found)
        return coordinates
