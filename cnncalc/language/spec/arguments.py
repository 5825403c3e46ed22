"""A layer's numbers as its word takes them: filters and a kernel, a size, units, a shape, a dropout rate or a
slope, each form checked and refused with the form the word is written in."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ...errors import SpecError
from .records import ParsedLayer, Token
from .sizes import _DIMS, _numbers
from .words import Word


class _ArgumentReader:
    """The parser's reading of a layer's numbers (a part of :class:`~cnncalc.language.spec.parser._Parser`)."""

    text: str
    layers: list[ParsedLayer]

    if TYPE_CHECKING:
        def fail(self, message: str, token: Token | tuple[int, int], hint: str | None = None) -> SpecError: ...

    def _args(self, word: str, grammar: Word, token: Token | None, first: Token) -> Any:
        kind = grammar.args
        if token is None:
            if kind in ("", "kernel?", "kernel1?", "kernel3?", "pair?", "alpha?"):
                return None
            raise self.fail(f"'{word}' needs {_ARG_NAMES[kind]}", first, f"write it as {grammar.example}")
        if kind == "":
            raise self.fail(f"'{word}' takes no numbers", token, f"write it as '{grammar.example}'")
        if kind == "rate":
            return self._rate(token, grammar)
        if kind == "alpha?":
            return self._alpha(token, grammar)
        if kind == "range":
            return self._range(word, token, grammar)
        if not _DIMS.match(token.text) or kind == "range":
            raise self.fail(f"cannot read '{token.text}' as {_ARG_NAMES[kind]} of '{word}'", token,
                            f"write it as {grammar.example}")
        numbers = _numbers(token, self.text, len(self.layers) + 1)
        if min(numbers) < (0 if kind in ("pair?", "pair", "index") else 1):
            raise self.fail(f"'{word}{token.text}' has a size of zero", token,
                            "filters, kernel sizes and units must be at least 1")
        return self._shape_args(word, kind, numbers, token, grammar)

    def _shape_args(self, word: str, kind: str, numbers: list[int], token: Token,  # noqa: PLR0911 - one per form
                    grammar: Word) -> Any:
        if kind == "filters_kernel" and len(numbers) in (2, 3):
            return (numbers[0], numbers[1], numbers[-1])
        if kind in ("kernel?", "kernel", "pair?", "pair") and len(numbers) in (1, 2):
            return (numbers[0], numbers[-1])
        if kind in ("filters_kernel1", "vocab_dim", "heads_window") and len(numbers) == 2:
            return (numbers[0], numbers[1])
        if kind in ("kernel1?", "kernel1") and len(numbers) == 1:
            return numbers[0]
        if kind == "filters_kernel3" and len(numbers) in (2, 4):
            return (numbers[0], *(numbers[1:] if len(numbers) == 4 else numbers[1:] * 3))
        if kind == "kernel3?" and len(numbers) in (1, 3):
            return (numbers[0], numbers[len(numbers) // 2], numbers[-1])
        if kind == "shape" and len(numbers) <= 4:
            return tuple(numbers)
        if kind in ("units", "heads", "index") and len(numbers) == 1:
            return numbers[0]
        raise self.fail(f"'{word}{token.text}' does not have the form {grammar.example}", token,
                        f"{word} takes {_ARG_NAMES[kind]}")

    def _rate(self, token: Token, grammar: Word) -> float:
        word = grammar.example.rstrip("0123456789.")  # dropout, droppath
        try:
            rate = float(token.text)
        except ValueError:
            raise self.fail(f"cannot read {word} rate '{token.text}'", token,
                            f"write it as a fraction between 0 and 1, as in {word}0.5") from None
        if not 0 <= rate <= 1:
            hint = f"did you mean {word}{rate / 100:g}?" if 1 < rate <= 100 else f"write it as in {word}0.5"
            raise self.fail(f"{word} rate {token.text} is outside [0, 1]", token, hint)
        return rate

    def _range(self, word: str, token: Token, grammar: Word) -> tuple[int | None, int | None]:
        """'10:20', ':58', '58:' or '-8:': a Python slice's start and stop, None where left out."""
        start, colon, stop = token.text.partition(":")
        bounds = [int(b) if re.fullmatch(r"-?[0-9]{1,9}", b) else None for b in (start, stop)]
        if not colon or any(b and v is None for b, v in zip((start, stop), bounds)):
            raise self.fail(f"cannot read '{token.text}' as {_ARG_NAMES['range']} of '{word}'", token,
                            f"write it as {grammar.example}")
        if not start and not stop:
            raise self.fail(f"'{word}:' picks every channel", token,
                            f"give a start or a stop, as in {grammar.example}")
        return bounds[0], bounds[1]

    def _alpha(self, token: Token, grammar: Word) -> float:
        try:
            alpha = float(token.text)
        except ValueError:
            raise self.fail(f"cannot read the number '{token.text}'", token,
                            f"write it as a number, as in {grammar.example}") from None
        return alpha


_ARG_NAMES = {
    "dims": "a shape",
    "filters_kernel": "filters and a kernel size",
    "filters_kernel1": "filters and a kernel length",
    "kernel?": "a size",
    "kernel": "a kernel size",
    "kernel1?": "a pool length",
    "kernel1": "a length",
    "kernel3?": "a size (K or KDxKHxKW)",
    "filters_kernel3": "filters and a kernel size (F x K, or F x KD x KH x KW)",
    "pair?": "a size (P or PHxPW)",
    "pair": "a number, or two (A or AxB)",
    "shape": "a target shape (AxBxC)",
    "vocab_dim": "a vocabulary size and a dimension (VxD)",
    "alpha?": "a number (a slope, a scale)",
    "range": "a channel range (A:B)",
    "heads_window": "heads and a window size (HxW)",
    "units": "a number of units",
    "heads": "a number of heads",
    "index": "a token's index (0 for the first)",
    "rate": "a dropout rate",
    "": "nothing",
}
