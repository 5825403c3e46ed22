"""An answer's parse tree: its nodes with their bounds, the exact value of a node without names, and the sympy
expression built from the tree object by object (no text ever reaches sympy)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ...model.records import record

#: The most terms the answer may have once multiplied out (an upper bound computed before multiplying).
MAX_TERMS = 10_000


@record
class Node:
    """A node of an answer's parse tree, with the bounds of what it stands for.

    ``kind`` is "number" (``value`` a Fraction), "name" (``value`` the name), "sum" and "product" (``args``; a sum's
    terms carry their signs as "negate" nodes), "negate", "divide" (``args`` the dividend; ``value`` the divisor, a
    nonzero Fraction), "power" (``value`` the exponent), "floor" or "ceiling".
    """

    kind: str
    args: tuple[Node, ...]
    value: Any
    span: tuple[int, int]
    degree: int = 0  # an upper bound on its degree in the names
    digits: int = 1  # an upper bound on the digits of any number it implies
    terms: int = 1  # an upper bound on its terms once multiplied out


def _bounds(kind: str, args: tuple[Node, ...], value: Any) -> tuple[int, int, int]:  # noqa: PLR0911 - one per kind
    """(degree, digits, terms) upper bounds of a node from its children's."""
    if kind == "number":
        return 0, _digits(value), 1
    if kind == "name":
        return 1, 1, 1
    if kind == "sum":
        return max(a.degree for a in args), max(a.digits for a in args) + 1, sum(a.terms for a in args)
    if kind == "product":
        terms = 1
        for a in args:
            terms = min(terms * a.terms, MAX_TERMS + 1)
        return sum(a.degree for a in args), sum(a.digits for a in args), terms
    if kind == "power":
        (base,) = args
        return base.degree * value, base.digits * max(value, 1), min(base.terms ** value, MAX_TERMS + 1)
    if kind == "divide":
        (dividend,) = args
        return dividend.degree, dividend.digits + _digits(value), dividend.terms
    (inner,) = args  # negate, floor, ceiling
    return inner.degree, inner.digits + 1, inner.terms


def _digits(value: Fraction) -> int:
    """The digits of a number as a fraction: 18 has 2, 5/2 has 2."""
    return len(str(value.numerator)) + (len(str(value.denominator)) if value.denominator != 1 else 0)


def constant_value(node: Node) -> Fraction:  # noqa: PLR0911 - one per kind
    """The exact value of a node without names (a divisor); its digits are bounded, so this is bounded work."""
    kind = node.kind
    if kind == "number":
        return Fraction(node.value)
    if kind == "power" and node.value == 0:
        return Fraction(1)  # R⁰: the only way a name has no degree
    values = [constant_value(a) for a in node.args]
    if kind == "sum":
        return sum(values, Fraction(0))
    if kind == "product":
        product = Fraction(1)
        for value in values:
            product *= value
        return product
    if kind == "negate":
        return -values[0]
    if kind == "divide":
        return values[0] / Fraction(node.value)
    if kind == "power":
        return values[0] ** int(node.value)
    import math

    return Fraction(math.floor(values[0]) if kind == "floor" else math.ceil(values[0]))


def to_sympy(node: Node, symbols: dict[str, Any]) -> Any:  # noqa: PLR0911 - one per kind
    """The sympy expression of a parse tree, built object by object: no text reaches sympy."""
    import sympy

    kind = node.kind
    if kind == "number":
        return sympy.Rational(node.value.numerator, node.value.denominator)
    if kind == "name":
        return symbols[node.value]
    parts = [to_sympy(a, symbols) for a in node.args]
    if kind == "sum":
        return sympy.Add(*parts)
    if kind == "product":
        return sympy.Mul(*parts)
    if kind == "negate":
        return sympy.Mul(sympy.Integer(-1), parts[0])
    if kind == "divide":
        return sympy.Mul(parts[0], sympy.Rational(node.value.denominator, node.value.numerator))
    if kind == "power":
        return sympy.Pow(parts[0], sympy.Integer(node.value))
    return sympy.floor(parts[0]) if kind == "floor" else sympy.ceiling(parts[0])
