"""Grading answers: read claims the way people write them, compare them with the network.

A claim is ``KEY=VALUE``.  ``KEY`` is ``N.field`` (a 1-based layer index or a Keras name such
as ``conv2d_1``, and ``output``, ``params``, ``weights`` or ``biases``), or ``total``,
``trainable`` or ``non_trainable``.  Counts may be written ``18,496``, ``18496`` or ``18_496``;
shapes ``26x26x5``, ``26×26×5``, ``(None, 26, 26, 5)``, ``(26, 26, 5)`` or ``26,26,5``.

>>> from cnncalc.graph.network import build
>>> net = build("input 28x28x1, conv32x3 relu, conv64x3 relu")
>>> verdict = grade(net, "2.params", "18494")
>>> verdict.status, verdict.correct, verdict.arithmetic
('wrong', '18,496', '(3·3·32 + 1)·64 = 18,496')
"""

from __future__ import annotations

import math
import re

from ..errors import CnnCalcError, shorten
from ..graph.network import Network, ResolvedLayer
from ..language.counts import with_unit
from ..model.layers import keras_shape
from .claims import _PARAM_OF, FIELDS, TOTALS, Verdict, _layer
from .maps import MapVerdict, grade_map

__all__ = ["FIELDS", "TOTALS", "MapVerdict", "Verdict", "grade", "grade_map", "parse_count", "parse_shape",
           "split_claim"]

_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+\Z")


def split_claim(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` into its two halves."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise CnnCalcError(f"cannot read the claim '{text}'",
                           "write it as KEY=VALUE, as in 2.params=18496, conv2d_1.output=11x11x64 or total=1199882")
    return key.strip(), value.strip()


def parse_count(text: str, claim: str) -> int:
    """``18,496``, ``18496``, ``18_496``, ``18.496``, ``18 496`` or ``18'496`` as an int."""
    from ..language.literals import TooLargeError, read_count

    try:
        return read_count(text)
    except TooLargeError as error:
        raise CnnCalcError(f"{claim}: the count is too large: {error}") from None
    except ValueError:
        raise CnnCalcError(f"{claim}: cannot read the count '{shorten(text)}'",
                           "write it as 18496, 18,496 or 18_496") from None


def parse_shape(text: str, claim: str) -> tuple[int, ...]:
    """``26x26x5``, ``26×26×5``, ``(None, 26, 26, 5)``, ``(26, 26, 5)``, ``26,26,5``, or a flat ``9,216``."""
    from ..language.literals import TooLargeError, read_int

    cleaned = text.strip().strip("()[]").replace("×", "x").replace(" ", "")
    if _THOUSANDS.match(cleaned):  # 9,216 is a flat size, not the shape (9, 216)
        return (parse_count(cleaned, claim),)
    parts = [part for part in re.split(r"[xX,]", cleaned) if part]
    if parts and parts[0].lower() in ("none", "-1", "?", "batch", "batch_size", "n", "b"):
        parts = parts[1:]  # the batch axis: (None, …), [batch_size, …], (N, C, H, W)
    if len(parts) > 1 and parts[0] == "1" and text.strip().startswith("["):
        parts = parts[1:]  # torchinfo's [1, 32, 26, 26]
    if not parts or not all(part.isascii() and part.isdigit() for part in parts):
        raise CnnCalcError(f"{claim}: cannot read the shape '{shorten(text)}'",
                           "write it as 26x26x5, (None, 26, 26, 5), (26, 26, 5) or 26,26,5")
    try:
        return tuple(read_int(part) for part in parts)
    except TooLargeError as error:
        raise CnnCalcError(f"{claim}: a size in the shape is too large: {error}") from None


def grade(net: Network, key: str, value: str) -> Verdict:
    """Grade one claim against a resolved network."""
    if net.symbolic:
        from .named_answers import _grade_symbolic

        return _grade_symbolic(net, key, value)
    if key in TOTALS:
        return _grade_total(net, key, value)
    target, _, field = key.rpartition(".")
    if not target or field not in FIELDS:
        raise CnnCalcError(f"cannot read the key '{key}'",
                           "keys are N.output, N.params, N.weights, N.biases, N.rf, N.macs or N.flops (N a layer "
                           "number or a Keras name such as conv2d_1), total, trainable, non_trainable, macs or flops")
    layer = _layer(net, target, key)
    if field in ("output", "rf", "macs", "flops"):
        return _grade_layer_field(net, layer, key, field, value)
    correct = getattr(layer.params, "total" if field == "params" else field)
    if with_unit(value):
        return _graded_number(key, value, correct, layer.explain(field) or "")
    given = parse_count(value, key)
    verdict = _verdict(key, value, given, correct, f"{correct:,}", layer.explain(field) or "")
    return _with_confusion_note(verdict, layer, field, given)


def _grade_total(net: Network, key: str, value: str) -> Verdict:
    """A network's total: its parameters (or their trainable split), MACs or FLOPs, with the sum that makes it."""
    if TOTALS[key] in ("macs", "flops"):
        counts = [_cost(layer, TOTALS[key]) for layer in net.layers]
        correct = sum(counts)
        terms = [f"{count:,}" for count in counts if count]
        return _graded_number(key, value, correct, (" + ".join(terms) or "0") + f" = {correct:,}")
    correct = getattr(net, TOTALS[key])
    terms = [f"{getattr(layer.params, _PARAM_OF[key]):,}" for layer in net.layers
             if getattr(layer.params, _PARAM_OF[key])]
    arithmetic = (" + ".join(terms) or "0") + f" = {correct:,}"
    if with_unit(value):
        return _graded_number(key, value, correct, arithmetic)
    return _verdict(key, value, parse_count(value, key), correct, f"{correct:,}", arithmetic)



def _graded_number(key: str, value: str, correct: int, arithmetic: str) -> Verdict:
    """A cost (MACs, FLOPs): an exact count, or a decimal with an SI unit graded at its written precision
    (4.09 G for 4,089,184,256 is 'rounded'; 4.1 G too, at its precision; 4.2 G is wrong)."""
    from ..language.counts import read_written_count

    status = read_written_count(value, key).status(correct)
    shown = f"{correct:,}"
    return Verdict(key, value, shown, status if status != "truncated" else "rounded",
                   arithmetic if status == "wrong" else "",
                   "cut, not rounded, to its last written place" if status == "truncated" else "")


def _grade_layer_field(net: Network, layer: ResolvedLayer, key: str, field: str, value: str) -> Verdict:
    """A layer's output shape, receptive field or cost."""
    if field == "output":
        return _grade_output(layer, key, value)
    if field == "rf":
        return _grade_receptive_field(net, layer, key, value)
    count = _cost(layer, field)
    return _graded_number(key, value, count, f"{'2·MACs + bias additions: ' if field == 'flops' else ''}{count:,}")


def _cost(layer: ResolvedLayer, field: str) -> int:
    """A row's MACs, or its FLOPs under the ``cnncalc`` convention: the rule is written once, in analysis.flops,
    which prices the modules a row is, so the grader and the flops column cannot disagree."""
    if field == "macs":
        return layer.macs
    from ..analysis.flops import layer_cost

    return layer_cost(layer).flops


def _grade_receptive_field(net: Network, layer: ResolvedLayer, key: str, value: str) -> Verdict:
    """The receptive field's size: '5' or '5x5' (a second 3×3 conv sees a 5×5 window of the input)."""
    from ..analysis.receptive import receptive_fields

    field = receptive_fields(net)[layer.index - 1]
    if field.undefined or field.whole:
        raise CnnCalcError(f"{key}: {layer.name}'s receptive field is {field.text()}, not a size to grade")
    sizes = parse_shape(value, key)
    given = sizes * 2 if len(sizes) == 1 else sizes
    shown = f"{field.size[0]}" if field.size[0] == field.size[1] else f"{field.size[0]}×{field.size[1]}"
    ok = tuple(given) == tuple(field.size)
    return Verdict(key, value, shown, "correct" if ok else "wrong", "" if ok else field.explain())


def _verdict(claim: str, given_text: str, given: int, correct: int, shown: str, arithmetic: str) -> Verdict:
    status = "correct" if given == correct else "wrong"
    return Verdict(claim, given_text, shown, status, arithmetic if status == "wrong" else "")


def _grade_output(layer: ResolvedLayer, key: str, value: str) -> Verdict:
    given = parse_shape(value, key)
    correct = layer.output_shape
    shown = keras_shape(correct)
    arithmetic = layer.explain("output") or f"{layer.keras_class} gives {shown}"
    if given == correct:
        return Verdict(key, value, shown, "correct")
    if len(correct) == 3 and len(given) == 2 and given == correct[:2]:
        return Verdict(key, value, shown, "correct", note="graded as H×W: the answer gives no channels")
    if len(correct) > 1 and given == (correct[-1], *correct[:-1]) and given != correct:
        return Verdict(key, value, shown, "correct", note="read channels-first, (N, C, H, W) as PyTorch writes it")
    if len(given) == 1 and len(correct) > 1 and given[0] == math.prod(correct):
        return Verdict(key, value, shown, "correct",
                       note=f"{given[0]:,} counts the values of {shown}: {' × '.join(map(str, correct))}")
    note = ""
    if len(given) == 1 and len(correct) > 1:
        count = math.prod(correct)
        arithmetic = f"{' × '.join(map(str, correct))} = {count:,} values; {arithmetic}"
        note = f"as a count of values it is {count:,}"
    return Verdict(key, value, shown, "wrong", arithmetic, note)


def _with_confusion_note(verdict: Verdict, layer: ResolvedLayer, field: str, given: int) -> Verdict:
    """Say so when a params answer is the weight count, or the other way round (an exam's "weights to be learned")."""
    params = layer.params
    note = ""
    if field == "params" and given == params.weights and params.biases:
        note = (f"{given:,} is the weight count; with the {params.biases:,} biases the layer has "
                f"{params.total:,} parameters")
    elif field == "weights" and given == params.total and params.biases:
        note = f"{given:,} counts the {params.biases:,} biases too; the layer has {params.weights:,} weights"
    if not note:
        return verdict
    return Verdict(verdict.claim, verdict.given, verdict.correct, verdict.status, verdict.arithmetic, note)
