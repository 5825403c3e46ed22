"""The ``{expr}`` of a block's body: integer arithmetic over the block's parameters, read by cnncalc's own grammar
into a tree and computed from it, never evaluated as code::

    sum    = term , { ( "+" | "-" ) , term } ;
    term   = factor , { ( "*" | "//" | "/" ) , factor } ;
    factor = { "+" | "-" } , atom ;
    atom   = INTEGER | PARAMETER | "(" , sum , ")" ;

``−`` (U+2212) is a minus sign too.  ``//`` divides rounding down, as Python's ``//``; ``/`` divides only when the
division is exact, and refuses a fraction.  Everything is bounded: an expression of at most :data:`MAX_LENGTH`
characters, nested at most :data:`MAX_NESTING` deep, every number and every result at most :data:`MAX_VALUE` in
size (Python's integers are exact; a size that large is a typo).

>>> tree = read("c*e // 2 + (s - 1)")
>>> compute(tree, {"c": 16, "e": 6, "s": 2})
49
"""

from __future__ import annotations

import re
from typing import Any

from ...errors import CnnCalcError

__all__ = ["MAX_LENGTH", "MAX_NESTING", "MAX_VALUE", "BracesError", "compute", "names", "read"]

#: The longest expression read: a block's arithmetic is a few characters, as ``c*e``.
MAX_LENGTH = 200
#: The deepest nesting of parentheses and signs.
MAX_NESTING = 16
#: The largest size any number or result may have.
MAX_VALUE = 10**15

_TOKEN = re.compile(r"\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(//|[-+*/()\u2212]))")

# A tree is ("n", value) | ("p", name) | ("-", tree) | ("+", [(sign, tree), …]) | ("*", tree, [(op, tree), …]).
Tree = tuple[Any, ...]


class BracesError(CnnCalcError):
    """An expression that does not read or does not compute: what is wrong, and a hint."""


def read(text: str) -> Tree:
    """The tree of an expression, every bound of the grammar checked.

    Raises :class:`BracesError` for anything outside the grammar.
    """
    if len(text) > MAX_LENGTH:
        raise BracesError(f"the arithmetic is longer than {MAX_LENGTH} characters",
                                "a block's arithmetic is short, as in {c*e}")
    return _Reader(text).read()


def names(tree: Tree) -> list[str]:
    """The parameters a tree uses, in the order written."""
    kind = tree[0]
    if kind == "p":
        return [tree[1]]
    if kind == "n":
        return []
    if kind == "-":
        return names(tree[1])
    parts = tree[1] if kind == "+" else [(None, tree[1]), *tree[2]]
    return [name for _, part in parts for name in names(part)]


def compute(tree: Tree, values: dict[str, int]) -> int:
    """The integer a tree stands for, with ``values`` for its parameters.

    Raises :class:`BracesError` for an unknown parameter, a division by zero, a fraction or a result
    beyond :data:`MAX_VALUE`.
    """
    kind = tree[0]
    if kind == "n":
        return int(tree[1])
    if kind == "p":
        if tree[1] not in values:
            known = ", ".join(values) or "none"
            raise BracesError(f"unknown parameter '{tree[1]}'", f"the parameters here are: {known}")
        return values[tree[1]]
    if kind == "-":
        return -compute(tree[1], values)
    if kind == "+":
        total = 0
        for sign, part in tree[1]:
            total = _bounded(total + compute(part, values) if sign == "+" else total - compute(part, values))
        return total
    result = compute(tree[1], values)
    for op, part in tree[2]:
        other = compute(part, values)
        if op == "*":
            result = _bounded(result * other)
            continue
        if other == 0:
            raise BracesError("division by zero", "a divisor must not be 0 for these numbers")
        if op == "/" and result % other:
            raise BracesError(f"{result}/{other} is not an integer",
                                    "sizes are integers: write // to round down, as in {c//2}")
        result = result // other
    return result


def _bounded(value: int) -> int:
    if abs(value) > MAX_VALUE:
        raise BracesError(f"a result beyond 10^15 ({str(value)[:24]}…)" if len(str(value)) > 24 else
                                f"a result beyond 10^15 ({value})", "a layer's sizes are far smaller")
    return value


class _Reader:
    """Recursive descent over an expression's tokens."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[str] = []
        self.kinds: list[str] = []
        position = 0
        end = len(text.rstrip())
        while position < end:
            match = _TOKEN.match(text, position)
            if match is None:
                bad = text[position:].strip()[:1]
                hint = "write * to multiply" if bad in "×·x" else "use + - * // / ( ) on integers and parameters"
                raise BracesError(f"cannot read '{bad}' in the arithmetic", hint)
            self.kinds.append("n" if match[1] else "p" if match[2] else "o")
            self.tokens.append(match[match.lastindex or 0])
            position = match.end()
        self.position = 0
        self.depth = 0

    def read(self) -> Tree:
        if not self.tokens:
            raise BracesError("'{}' is empty", "write arithmetic over the parameters, as in {c*e}")
        tree = self.sum()
        if self.position < len(self.tokens):
            raise BracesError(f"unexpected '{self.tokens[self.position]}' in the arithmetic",
                                    "join numbers and parameters with + - * // /, as in {c*e}")
        return tree

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def sum(self) -> Tree:
        parts = [("+", self.term())]
        while self.peek() in ("+", "-", "\u2212"):
            sign = "+" if self.tokens[self.position] == "+" else "-"
            self.position += 1
            parts.append((sign, self.term()))
        return parts[0][1] if len(parts) == 1 else ("+", parts)

    def term(self) -> Tree:
        first = self.factor()
        rest = []
        while self.peek() in ("*", "//", "/"):
            op = self.tokens[self.position]
            self.position += 1
            rest.append((op, self.factor()))
        return ("*", first, rest) if rest else first

    def factor(self) -> Tree:
        token = self.peek()
        if token in ("+", "-", "\u2212"):
            self.position += 1
            with self.deeper():
                inner = self.factor()
            return inner if token == "+" else ("-", inner)
        return self.atom()

    def atom(self) -> Tree:
        token = self.peek()
        if token is None:
            raise BracesError("the arithmetic ends too soon", "complete it, as in {c*e}")
        kind = self.kinds[self.position]
        self.position += 1
        if kind == "n":
            if len(token) > 16 or int(token) > MAX_VALUE:
                raise BracesError(f"the number {token[:20]}{'…' if len(token) > 20 else ''} is beyond 10^15",
                                        "a layer's sizes are far smaller")
            return ("n", token)
        if kind == "p":
            return ("p", token.lower())
        if token == "(":
            with self.deeper():
                inner = self.sum()
            if self.peek() != ")":
                raise BracesError("'(' is never closed in the arithmetic", "close it with ')'")
            self.position += 1
            return inner
        raise BracesError(f"unexpected '{token}' in the arithmetic",
                                "write a number, a parameter or '(' there, as in {c*e}")

    def deeper(self) -> _Deeper:
        return _Deeper(self)


class _Deeper:
    """One level more of nesting, held to :data:`MAX_NESTING`."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader

    def __enter__(self) -> None:
        self.reader.depth += 1
        if self.reader.depth > MAX_NESTING:
            raise BracesError(f"the arithmetic is nested more than {MAX_NESTING} deep",
                                    "write it with fewer parentheses and signs")

    def __exit__(self, *_: object) -> None:
        self.reader.depth -= 1
