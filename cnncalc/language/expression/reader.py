"""The answer grammar's reader: tokens, then a recursive descent that builds the parse tree, every bound checked
as each node is made."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from ...errors import SpecError, shorten
from ...model.records import record, replace
from ..literals import TooLargeError, read_int
from .tree import MAX_TERMS, Node, _bounds, constant_value

#: The deepest nesting of parentheses, floors and ceilings.
MAX_DEPTH = 32
#: The largest exponent: a flatten of a 4-D input written with one name is N⁴.
MAX_EXPONENT = 8
#: The largest degree in the names (a count of a dense layer reading a 3-D flatten has degree 3).
MAX_DEGREE = 16
#: The most digits any number implied by the answer may have (coefficients, and powers of numbers).
MAX_DIGITS = 600
#: The functions of the grammar; a spec may not use them as names.
FUNCTIONS = {"floor": "floor", "ceil": "ceiling", "ceiling": "ceiling"}

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:_[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<power>\*\*|\^)
  | (?P<superscript>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)
  | (?P<op>[-+*/−–·⋅×÷()⌊⌋⌈⌉])
""", re.VERBOSE)
_SIGNS = {"-": -1, "−": -1, "–": -1, "+": 1}
_TIMES = frozenset("*·⋅×")
_DIVIDE = frozenset("/÷")
_CLOSER_OF = {"(": ")", "⌊": "⌋", "⌈": "⌉"}
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


@record
class Token:
    kind: str  # "number", "name", "power", "superscript", "op" or "end"
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[Token]:
    found: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise SpecError(f"unexpected '{text[position]}'", text, (position, position + 1), None,
                            "a size is written with numbers, the spec's names, + − · × / ( ), ^, floor and ceil")
        if match.lastgroup != "space":
            assert match.lastgroup is not None
            found.append(Token(match.lastgroup, match[0], match.start(), match.end()))
        position = match.end()
    found.append(Token("end", "", len(text), len(text)))
    return found


class _Reader:
    """A recursive-descent reader of one answer; each method reads one rule of the grammar."""

    def __init__(self, text: str, names: tuple[str, ...]) -> None:
        self.text = text
        self.names = names
        self.tokens = _tokens(text)
        self.position = 0
        self.depth = 0

    # ---- tokens -------------------------------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.position]

    def advance(self) -> Token:
        token = self.token
        self.position += 1
        return token

    def fail(self, message: str, span: tuple[int, int] | Token, hint: str | None = None) -> SpecError:
        where = (span.start, span.end) if isinstance(span, Token) else span
        return SpecError(message, self.text, where, None, hint)

    def names_hint(self) -> str:
        return (f"the names are {', '.join(self.names)}; the functions are floor(…) and ceil(…)" if self.names
                else "the functions are floor(…) and ceil(…)")

    # ---- the grammar --------------------------------------------------------------------------------------

    def read(self) -> Node:
        if self.token.kind == "end":
            raise self.fail("the size is empty", self.token, "write it as R-2, (R-2)x(C-2)x5 or floor((R-3)/2)+1")
        node = self.sum()
        if self.token.kind != "end":
            raise self.fail(f"unexpected '{self.token.text}'", self.token, self.unexpected_hint())
        return node

    def unexpected_hint(self) -> str:
        if self.token.text in _CLOSER_OF.values():
            return "it closes nothing that is open"
        return "write an operator between two numbers, as in 2·R or (R-1)·2"

    def sum(self) -> Node:
        start = self.token.start
        terms = [self.signed(self.term(), 1)]
        while self.token.kind == "op" and self.token.text in _SIGNS:
            sign = _SIGNS[self.advance().text]
            terms.append(self.signed(self.term(), sign))
        return terms[0] if len(terms) == 1 else self.node("sum", tuple(terms), None, (start, self.last_end))

    def signed(self, node: Node, sign: int) -> Node:
        return node if sign > 0 else self.node("negate", (node,), None, node.span)

    @property
    def last_end(self) -> int:
        return self.tokens[self.position - 1].end

    def node(self, kind: str, args: tuple[Node, ...], value: Any, span: tuple[int, int]) -> Node:
        """A node with its bounds, refused (pointing at it) when one is exceeded."""
        degree, digits, terms = _bounds(kind, args, value)
        problem = (f"the size has a degree over {MAX_DEGREE} in its names" if degree > MAX_DEGREE else
                   f"a number in the size would have over {MAX_DIGITS} digits" if digits > MAX_DIGITS else
                   f"the size has over {MAX_TERMS:,} terms once multiplied out" if terms > MAX_TERMS else "")
        if problem:
            raise self.fail(problem, span, "a size is at most a product of a few of its names")
        return Node(kind, args, value, span, degree, digits, terms)

    def term(self) -> Node:
        start = self.token.start
        factors = [self.factor()]
        while True:
            token = self.token
            if token.kind == "op" and token.text in _TIMES:
                self.advance()
                factors.append(self.factor())
            elif token.kind == "op" and token.text in _DIVIDE:
                self.advance()
                factors[-1:] = [self.divide(factors[-1], self.factor())]
            elif token.kind == "name" or (token.kind == "op" and token.text in _CLOSER_OF):
                factors.append(self.factor())  # 2(R − 1), 7RC, R⌊C/2⌋
            elif token.kind == "number":
                raise self.fail(f"a number right after '{self.tokens[self.position - 1].text}'", token,
                                "write the operator, as in (R-1)·2, or group the digits in threes (18,496)")
            else:
                break
        return factors[0] if len(factors) == 1 else self.node("product", tuple(factors), None, (start, self.last_end))

    def divide(self, dividend: Node, divisor: Node) -> Node:
        if divisor.degree:
            raise self.fail("a size divides only by a number", divisor.span,
                            "sizes and counts divide by numbers, as in floor((R-3)/2)")
        value = constant_value(divisor)
        if value == 0:
            raise self.fail("division by zero", divisor.span)
        return self.node("divide", (dividend,), value, (dividend.span[0], divisor.span[1]))

    def factor(self) -> Node:
        sign, start = 1, self.token.start
        while self.token.kind == "op" and self.token.text in _SIGNS:
            sign *= _SIGNS[self.advance().text]
        node = self.power()
        return node if sign > 0 else self.node("negate", (node,), None, (start, node.span[1]))

    def power(self) -> Node:
        base = self.atom()
        if self.token.kind == "superscript":
            exponent = self.advance()
            base = self.raise_to(base, exponent.text.translate(_SUPERSCRIPT_DIGITS), exponent)
        elif self.token.kind == "power":
            self.advance()
            base = self.raise_to(base, *self.exponent())
        if self.token.kind in ("power", "superscript"):
            raise self.fail("a power of a power", self.token, "write it with parentheses, as in (R^2)^2")
        return base

    def exponent(self) -> tuple[str, Token]:
        """The exponent: digits, or digits in parentheses; anything else is refused, so R**R never runs."""
        opened = self.token.kind == "op" and self.token.text == "("
        if opened:
            self.advance()
        token = self.token
        if token.kind != "number" or not token.text.isdigit():
            raise self.fail(f"the exponent must be a whole number from 0 to {MAX_EXPONENT}, written as digits",
                            token if token.kind != "end" else (token.start, token.start),
                            "as in R^2 or R²; a size is never a power of a name")
        self.advance()
        if opened and not (self.token.kind == "op" and self.token.text == ")"):
            raise self.fail(f"the exponent must be a whole number from 0 to {MAX_EXPONENT}, written as digits",
                            (token.start, self.token.end), "as in R^2 or R²; a size is never a power of a name")
        if opened:
            self.advance()
        return token.text, token

    def raise_to(self, base: Node, digits: str, token: Token) -> Node:
        exponent = int(digits) if len(digits) <= 3 else MAX_EXPONENT + 1
        if exponent > MAX_EXPONENT:
            raise self.fail(f"the exponent must be a whole number from 0 to {MAX_EXPONENT}", token,
                            "a size is at most a product of a few of its names")
        return self.node("power", (base,), exponent, (base.span[0], token.end))

    def atom(self) -> Node:
        token = self.token
        if token.kind == "number":
            self.advance()
            return self.node("number", (), self.number(token), (token.start, token.end))
        if token.kind == "name":
            return self.name()
        if token.kind == "op" and token.text in _CLOSER_OF:
            self.advance()
            return self.enclosed(token, "product" if token.text == "(" else
                                 "floor" if token.text == "⌊" else "ceiling")
        if token.kind == "end":
            raise self.fail("the size ends too early", (token.start, token.start),
                            "it needs a number, a name or a parenthesis here")
        raise self.fail(f"unexpected '{token.text}'", token,
                        "a size is written with numbers, the spec's names, + − · × / ( ), ^, floor and ceil")

    def enclosed(self, opener: Token, kind: str) -> Node:
        """A parenthesised sum ("product" keeps it as it is), or the argument of a floor or ceiling."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"the size nests parentheses more than {MAX_DEPTH} deep", opener)
        inner = self.sum()
        self.depth -= 1
        closer = self.expect(_CLOSER_OF.get(opener.text, ")"), opener)
        if kind == "product":
            return replace(inner, span=(opener.start, closer.end))
        return self.node(kind, (inner,), None, (opener.start, closer.end))

    def expect(self, closer: str, opener: Token) -> Token:
        if self.token.kind == "op" and self.token.text == closer:
            return self.advance()
        if self.token.kind == "end":
            raise self.fail(f"'{opener.text}' is never closed", opener, f"close it with '{closer}'")
        raise self.fail(f"'{opener.text}' is closed by '{self.token.text}'", self.token, f"close it with '{closer}'")

    def name(self) -> Node:
        token = self.advance()
        function = FUNCTIONS.get(token.text.lower())
        if function is not None and token.text not in self.names:
            if not (self.token.kind == "op" and self.token.text == "("):
                raise self.fail(f"'{token.text}' needs parentheses", token, f"as in {token.text}((R-3)/2)")
            return self.enclosed(self.advance(), function)
        if token.text in self.names:
            return self.node("name", (), token.text, (token.start, token.end))
        letters = list(token.text)
        if all(len(name) == 1 for name in self.names) and all(char in self.names for char in letters):
            # RC is R·C when every name is one letter, as the lectures write it
            return self.node("product", tuple(self.node("name", (), char, (token.start + i, token.start + i + 1))
                                              for i, char in enumerate(letters)), None, (token.start, token.end))
        raise self.fail(f"unknown name '{shorten(token.text)}'", token, self.names_hint())

    def number(self, token: Token) -> Fraction:
        whole, _, decimals = token.text.replace(",", "").replace("_", "").partition(".")
        try:
            value = Fraction(read_int(whole))
            if decimals:
                value += Fraction(read_int(decimals), 10 ** len(decimals))
        except TooLargeError as error:
            raise self.fail(f"the number '{shorten(token.text)}' is too large: {error}", token) from None
        return value
