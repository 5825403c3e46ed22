"""Sizes written in the input's names: a string that prints as the lectures write it and adds up as sympy."""

from __future__ import annotations

from typing import Any


class Size(str):
    """A size or count written in the input's names.

    As a string it is the ASCII form JSON writes (``R-2``); ``str()`` and formatting give the form the
    table prints (``R−2``); arithmetic works on the sympy expression behind it, so totals add up.
    """

    expr: Any
    text: str
    order: tuple[str, ...]

    def __new__(cls, expr: Any, order: tuple[str, ...]) -> Size:
        instance = super().__new__(cls, _print(expr, order, ascii_form=True))
        instance.expr = expr
        instance.text = _print(expr, order, ascii_form=False)
        instance.order = order
        return instance

    def __str__(self) -> str:
        return self.text

    def _sympy_(self) -> Any:
        """sympy reads a str as Python source (sympify is eval): a Size given to sympy is its expression instead."""
        return self.expr

    def __format__(self, spec: str) -> str:
        return self.text

    def _combine(self, other: Any, sign: int, swap: bool = False) -> Any:
        """A sum kept as written (a total reads '((R−4)·(C−4)·7 + 1)·10 + 320', its layers' counts)."""
        import sympy

        if isinstance(other, int) and other == 0:
            return self if not swap or sign > 0 else sized(-self.expr, self.order)
        theirs = other.expr if isinstance(other, Size) else sympy.Integer(other) if isinstance(other, int) else None
        if theirs is None:
            return NotImplemented
        mine = self.expr
        if swap:
            mine, theirs = theirs, mine
        return Size(sympy.Add(mine, sign * theirs, evaluate=False), self.order)

    def __add__(self, other: Any) -> Any:
        return self._combine(other, 1)

    def __radd__(self, other: Any) -> Any:
        return self._combine(other, 1, swap=True)

    def __sub__(self, other: Any) -> Any:
        return self._combine(other, -1)

    def __rsub__(self, other: Any) -> Any:
        return self._combine(other, -1, swap=True)

    __hash__ = str.__hash__


def sized(expr: Any, order: tuple[str, ...]) -> Any:
    """An int when the expression is a number, a :class:`Size` otherwise."""
    if expr.is_Integer:
        return int(expr)
    return Size(expr, order)


def _print(expr: Any, order: tuple[str, ...], ascii_form: bool) -> str:
    return _Printer(order, ascii_form).top(expr)


class _Printer:
    """Sizes as the lectures write them: symbolic terms first in the input's order, numbers last."""

    def __init__(self, order: tuple[str, ...], ascii_form: bool) -> None:
        self.order = order
        self.ascii = ascii_form
        self.minus = "-" if ascii_form else "−"
        self.times = "*" if ascii_form else "·"

    def rank(self, expr: Any) -> tuple[int, str]:
        names = sorted((self.order.index(s.name) if s.name in self.order else 99) for s in expr.free_symbols)
        return (names[0] if names else 100, str(expr))

    def top(self, expr: Any) -> str:
        return self.expr(expr, tight=True)

    def expr(self, expr: Any, tight: bool) -> str:  # noqa: PLR0911 - one return per kind of expression
        import sympy

        if expr.is_Integer:
            return str(int(expr)) if expr >= 0 else f"{self.minus}{-int(expr)}"
        if expr.is_Rational:
            return f"{expr.p}/{expr.q}"
        if expr.is_Symbol:
            return str(expr.name)
        if isinstance(expr, sympy.floor | sympy.ceiling):
            inner = self.fraction(expr.args[0])
            if self.ascii:
                return f"{'floor' if isinstance(expr, sympy.floor) else 'ceil'}({inner})"
            return f"⌊{inner}⌋" if isinstance(expr, sympy.floor) else f"⌈{inner}⌉"
        if expr.is_Add:
            return self.sum(expr, tight)
        if expr.is_Mul:
            return self.product(expr)
        if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
            base = self.factor(expr.base)
            return f"{base}^{int(expr.exp)}" if self.ascii else f"{base}{str(int(expr.exp)).translate(_SUPERSCRIPTS)}"
        return str(expr)

    def sum(self, expr: Any, tight: bool) -> str:
        terms = sorted(expr.args, key=lambda t: (t.is_number, self.rank(t)))
        simple = tight and len(terms) == 2 and terms[0].is_Symbol and terms[1].is_Integer
        gap = "" if simple or self.ascii else " "
        text = self.expr(terms[0], tight=False)
        for term in terms[1:]:
            negative = term.could_extract_minus_sign()
            body = self.expr(-term if negative else term, tight=False)
            text += f"{gap}{self.minus if negative else '+'}{gap}{body}"
        return text

    def product(self, expr: Any) -> str:
        coefficient, factors = expr.as_coeff_mul()
        if coefficient < 0:
            return f"{self.minus}{self.product(-expr)}"
        ordered = sorted(factors, key=self.rank)
        parts = [self.factor(f) for f in ordered]
        if coefficient != 1:
            parts.append(self.expr(coefficient, tight=True))
        return self.times.join(parts)

    def factor(self, expr: Any) -> str:
        text = self.expr(expr, tight=True)
        return f"({text})" if expr.is_Add else text

    def fraction(self, expr: Any) -> str:
        """A floor's argument as (numerator)/denominator: ⌊(R − 3)/2⌋, never ⌊R/2 − 3/2⌋."""
        import sympy

        expanded = sympy.expand(expr)
        places = [sympy.Rational(c).q for c in expanded.as_coefficients_dict().values()]
        denominator = sympy.Integer(sympy.ilcm(1, *places))
        numerator = sympy.expand(expanded * denominator)
        if denominator == 1:
            return self.expr(numerator, tight=False)
        top = self.expr(numerator, tight=False)
        top = f"({top})" if numerator.is_Add or numerator.is_Mul else top
        return f"{top}/{self.expr(denominator, tight=True)}"


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _sympy(value: Any) -> Any:
    """A sympy number or expression for a size: ints become Integers; nothing is ever read from text."""
    import sympy

    return value if isinstance(value, sympy.Basic) else sympy.Integer(value)
