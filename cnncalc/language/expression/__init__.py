"""Sizes written with names, read by cnncalc's own grammar: the one place an answer's arithmetic becomes a value.

An answer about a network whose input is written with names (``input RxCx3``) is a size or a count in those
names: ``R−2``, ``(R-4)*(C-4)*7``, ``7RC − 28R − 28C + 112``, ``⌊(R − 3)/2⌋ + 1``, ``floor((R-3)/2)+1``.
No text a user supplies is ever evaluated: this module reads it with the grammar below and builds the sympy
objects itself (``Integer``, ``Rational``, ``Symbol``, ``Add``, ``Mul``, ``Pow``, ``floor``, ``ceiling``); it
never hands text to sympy (``sympify`` and ``parse_expr`` are Python's ``eval``)::

    sum      = [ sign ] , term , { ( "+" | "-" ) , term } ;
    term     = factor , { ( "*" | "/" ) , factor | factor } ;  (* a factor after another multiplies: 2(R−1), 7RC *)
    factor   = { sign } , power ;
    power    = atom , [ ( "^" | "**" ) , EXPONENT | SUPERSCRIPT ] ;
    atom     = NUMBER | NAME | FUNCTION , "(" , sum , ")" | "(" , sum , ")" | "⌊" , sum , "⌋" | "⌈" , sum , "⌉" ;
    FUNCTION = "floor" | "ceil" | "ceiling" ;
    NUMBER   = /[0-9]+/ | /[0-9]{1,3}(,[0-9]{3})+/ | /[0-9]{1,3}(_[0-9]{3})+/ , [ /\\.[0-9]+/ ] ;
    EXPONENT = a whole number from 0 to 8, written as digits (optionally in parentheses) ;

``−`` (and ``–``) is a minus sign, ``·``, ``⋅`` and ``×`` multiply, ``÷`` divides.  A name is one of the spec's
names; an identifier that is not is split into letters when every name is one letter (``RC`` is R·C), and is
otherwise an error that names it.  A size divides only by a number.

Every answer is bounded before sympy sees it, so reading and comparing it is bounded work: at most
:data:`MAX_LENGTH` characters, :data:`MAX_DEPTH` levels of nesting, numbers up to 10^18, exponents up to
:data:`MAX_EXPONENT`, a degree of at most :data:`MAX_DEGREE` in the names, at most :data:`MAX_DIGITS` digits in
any number it implies and at most :data:`MAX_TERMS` terms once multiplied out.

>>> read_size("⌊(R − 3)/2⌋ + 1", ("R", "C"))
floor(R/2 - 3/2) + 1
>>> read_size("7RC - 28R", ("R", "C"))
7*C*R - 28*R
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...errors import SpecError, shorten
from .reader import FUNCTIONS, MAX_DEGREE, MAX_DEPTH, MAX_DIGITS, MAX_EXPONENT, Token, _Reader
from .tree import MAX_TERMS, Node, constant_value, to_sympy

__all__ = ["FUNCTIONS", "MAX_DEGREE", "MAX_DEPTH", "MAX_DIGITS", "MAX_EXPONENT", "MAX_LENGTH", "MAX_TERMS", "Node",
           "Token", "constant_value", "parse", "read_size", "symbols_for", "to_sympy"]

#: The longest answer read: a size in a lecture's names is a few dozen characters.
MAX_LENGTH = 1000


def symbols_for(names: Sequence[str]) -> dict[str, Any]:
    """The sympy symbol of each name: a positive integer, as every size is."""
    import sympy

    return {name: sympy.Symbol(name, integer=True, positive=True) for name in names}


def read_size(text: str, names: Sequence[str]) -> Any:
    """A size or count written in ``names``, as a sympy expression built from the parse tree.

    Raises :class:`~cnncalc.errors.SpecError` pointing into ``text`` for anything outside the grammar or its bounds.
    """
    return to_sympy(parse(text, names), symbols_for(names))


def parse(text: str, names: Sequence[str]) -> Node:
    """The parse tree of an answer, every bound checked."""
    if len(text) > MAX_LENGTH:
        raise SpecError(f"the answer is longer than {MAX_LENGTH:,} characters", shorten(text, 200), (0, 0), None,
                        "write the size as the lectures do, as in (R-2)x(C-2)x5")
    return _Reader(text, tuple(names)).read()
