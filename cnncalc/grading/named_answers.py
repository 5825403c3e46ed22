"""Answers about a network whose input is written with names: right in any equivalent form, read by the answer
grammar and compared for every value of the names."""

from __future__ import annotations

from typing import Any

from ..errors import CnnCalcError, shorten
from ..graph.network import Network
from ..model.layers import keras_shape
from .claims import _PARAM_OF, FIELDS, TOTALS, Verdict, _layer


def _grade_symbolic(net: Network, key: str, value: str) -> Verdict:
    """A claim about a network whose input is written with names: right in any equivalent form, as
    (R-2)x(C-2)x5, R−2 × C−2 × 5, (None, R-2, C-2, 5) or ((R-4)*(C-4)*7 + 1)*10.

    The answer is read by cnncalc's own grammar (:mod:`cnncalc.language.expression`), never evaluated."""
    names = next(d.order for d in net.input_shape if isinstance(d, str))  # type: ignore[attr-defined]
    target, _, field = key.rpartition(".")
    if key in _PARAM_OF:
        correct: Any = getattr(net, TOTALS[key])
    elif target and field in ("output", "params", "weights", "biases"):
        layer = _layer(net, target, key)
        correct = layer.output_shape if field == "output" else \
            getattr(layer.params, "total" if field == "params" else field)
    elif key in TOTALS or field in FIELDS:
        raise CnnCalcError(f"{key}: receptive fields, MACs and FLOPs need numbers, and this input is written with "
                           "names", "give the sizes with --input, e.g. --input 28x28x3")
    else:
        raise CnnCalcError(f"cannot read the key '{key}'", "keys are N.output, N.params, N.weights or N.biases, "
                                                           "total, trainable or non_trainable")
    if field == "output" and key not in TOTALS:
        given = [_read_size(key, value, part, names) for part in _dims(value, len(correct), names)]
        if len(given) != len(correct):
            return Verdict(key, value, keras_shape(correct), "wrong",
                           f"{len(given)} sizes given, the output has {len(correct)}")
        found = [_compare(key, g, c, names) for g, c in zip(given, correct)]
        why = next((f"axis {axis + 1} {c.why()}" for axis, c in enumerate(found) if not c.equal), "")
        return Verdict(key, value, keras_shape(correct), "wrong" if why else "correct", why)
    comparison = _compare(key, _read_size(key, value, (value, 0), names), correct, names)
    return Verdict(key, value, str(correct), "correct" if comparison.equal else "wrong",
                   "" if comparison.equal else comparison.why())


def _compare(key: str, given: Any, correct: Any, names: tuple[str, ...]) -> Any:
    from ..language.symbolic import compare

    try:
        return compare(given, correct, names)
    except CnnCalcError as error:
        raise CnnCalcError(f"{key}: {error.message}", error.hint) from None


def _read_size(key: str, value: str, part: tuple[str, int], names: tuple[str, ...]) -> Any:
    """One size of an answer, read by the answer grammar; an error points into the whole answer."""
    from ..errors import SpecError
    from ..language.expression import read_size

    text, offset = part
    try:
        return read_size(text, names)
    except SpecError as error:
        span = (error.span[0] + offset, error.span[1] + offset)
        raise SpecError(f"{key}: cannot read '{shorten(value)}' as a size in {', '.join(names)}: {error.message}",
                        value if len(value) <= 1000 else text, span if len(value) <= 1000 else error.span, None,
                        error.hint) from None


_BATCH_WORDS = ("none", "?", "batch", "batch_size", "n")


def _dims(text: str, rank: int, names: tuple[str, ...]) -> list[tuple[str, int]]:
    """A shape's sizes with their offsets in ``text``, split at x, × or commas outside parentheses; a leading
    None (the batch) dropped, and a leading N too, unless N is one of the spec's names and the shape has no
    more sizes than the output."""
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if text[start:start + 1] in ("(", "[") and text[end - 1:end] in (")", "]") and _balanced(text[start + 1:end - 1]):
        start, end = start + 1, end - 1
    parts, depth, current = [], 0, start
    for index in range(start, end):
        char = text[index]
        depth += {"(": 1, "⌊": 1, "⌈": 1, "[": 1, ")": -1, "⌋": -1, "⌉": -1, "]": -1}.get(char, 0)
        if depth == 0 and char in "xX×,":
            parts.append((current, index))
            current = index + 1
    parts.append((current, end))
    sizes = []
    for first, last in parts:
        piece = text[first:last]
        if piece.strip():
            sizes.append((piece.strip(), first + len(piece) - len(piece.lstrip())))
    if len(sizes) > 1 and sizes[0][0].lower() in _BATCH_WORDS and \
            (sizes[0][0] not in names or len(sizes) == rank + 1):
        return sizes[1:]
    return sizes


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
