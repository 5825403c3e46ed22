"""A pasted summary checked against itself: each row re-derived from the rows around it, no spec needed.

``cnncalc check --summary FILE`` without a SPEC.  A row's input is the row before it (or, in a
functional summary, the rows its 'Connected to' cell names); from the input and the row's own
output the rules below say whether its parameter count and its output shape can be right:

* Dense/Linear: (n + 1)·units, or n·units without a bias;
* a convolution: a whole-number kernel must explain the params from the input and output channels,
  and some kernel, stride and padding must turn the input size into the output size (the verdict
  says which);
* pooling keeps the channels and has no parameters, and its output must be reachable too;
* Flatten is the product of its input; BatchNormalization 4·C in Keras (2·C of them non-trainable)
  and 2·C in a torchinfo table; dropout, activations and batch norm keep the shape;
* the rows sum to the totals, and trainable + non-trainable = total.

A row that cannot be decided (its input is not in the paste, several kernels explain it equally,
a layer kind cnncalc does not model) is ``unchecked``, with a note saying why, never ``wrong``.
"""

from __future__ import annotations

import re
from math import isqrt, prod

from .answers import Verdict
from .layers import keras_shape
from .pasted import ACTIVATION_CLASSES, PastedRow, PastedSummary, reference_name

__all__ = ["self_check"]

Shape = tuple[int, ...]

# Row classes are Keras' (pasted.py reads Keras 1's names and PyTorch's classes as Keras' classes).
_KEEPS_SHAPE = ACTIVATION_CLASSES | {"Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
                                     "LayerNormalization", "GroupNormalization", "LocalResponseNormalization"}
_CONV = frozenset({"Conv1D", "Conv2D", "Conv3D"})
_POOL = frozenset({"MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
                   "AveragePooling3D"})
_GLOBAL = frozenset({"GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
                     "GlobalAveragePooling3D", "GlobalMaxPooling3D"})
_MERGES = frozenset({"Add", "Multiply", "Average", "Maximum", "Subtract", "Minimum"})


def self_check(pasted: PastedSummary) -> list[Verdict]:
    """Every row's parameters and output shape, then the totals, each against the paste's own other rows."""
    torch = pasted.torch
    shapes = {pasted.input_name: pasted.input_shape} if pasted.input_shape is not None else {}
    verdicts: list[Verdict] = []
    previous: Shape | None = pasted.input_shape
    for number, row in enumerate(pasted.rows, start=1):
        inputs = _inputs(row, shapes, previous, number == 1)
        verdicts += _row(number, row, inputs, torch)
        shapes[row.name] = row.shape
        previous = row.shape
    return verdicts + _totals(pasted, torch, verdicts)


def _inputs(row: PastedRow, shapes: dict[str, Shape], previous: Shape | None, first: bool) -> list[Shape]:
    """The shapes a row reads: its 'Connected to' rows, else the row before it; [] when unknown."""
    if row.connections:
        found = []
        for token in row.connections:
            name, cut = reference_name(token)
            match = next((shape for known, shape in shapes.items()
                          if known == name or (cut and known.startswith(name))), None)
            if match is None:
                return []
            found.append(match)
        return found
    return [previous] if previous is not None and not (first and previous is None) else []


def _claim(number: int, row: PastedRow, field: str) -> str:
    return f"{number} {row.name} {field}"


def _unchecked(number: int, row: PastedRow, field: str, given: str, why: str) -> Verdict:
    return Verdict(_claim(number, row, field), given, "?", "unchecked", note=why)


def _judge(number: int, row: PastedRow, field: str, given: str, correct: str, ok: bool, arithmetic: str,
           note: str = "") -> Verdict:
    return Verdict(_claim(number, row, field), given, given if ok else correct, "correct" if ok else "wrong",
                   arithmetic, note)


def _row(number: int, row: PastedRow, inputs: list[Shape], torch: bool) -> list[Verdict]:
    kind = row.keras_class
    if kind in _MERGES or kind == "Concatenate":
        return _merge(number, row, kind, inputs)
    if kind == "BatchNormalization":  # its own output has the channels it normalises
        return _batch_norm(number, row, inputs[0] if inputs else None, torch)
    family = _family(kind)
    if family is None:
        return [_unchecked(number, row, "params", f"{row.params:,}", f"cnncalc does not model {kind or 'this layer'}; "
                                                                      "its parameters still count toward the totals")]
    if not inputs:
        return _without_input(number, row, kind, family)
    return _RULES[family](number, row, kind, inputs[0])


def _family(kind: str) -> str | None:
    """Which rule checks a layer kind; None for a kind cnncalc does not model."""
    families = (({"Dense"}, "dense"), (_CONV | {"DepthwiseConv2D", "SeparableConv2D"}, "conv"), (_POOL, "pool"),
                (_GLOBAL, "global"), ({"Flatten"}, "flatten"), (_KEEPS_SHAPE | {"PReLU"}, "same"))
    return next((family for kinds, family in families if kind in kinds), None)


def _without_input(number: int, row: PastedRow, kind: str, family: str) -> list[Verdict]:
    """A row whose input the paste does not show (the first row of a Keras 3 sequential summary)."""
    params = f"{row.params:,}"
    if family == "dense":
        return _dense_alone(number, row)
    if family in ("pool", "global", "flatten") or (family == "same" and kind not in _LEARNED):
        return [_judge(number, row, "params", params, "0", row.params == 0, f"{kind} learns nothing")]
    why = "the layer it reads is not in the paste, so its input size is unknown"
    filters = row.shape[-1]
    if family == "conv" and row.params:
        for bias in (True, False):
            rest = row.params - (filters if bias else 0)
            if rest > 0 and rest % filters == 0:
                why += f"; kernel taps × input channels = {rest // filters:,}{'' if bias else ' (without a bias)'}"
                break
    return [_unchecked(number, row, "params", params, why)] if row.params else []


#: Kinds that keep the shape but learn: their parameter count is not checked against 0.
_LEARNED = frozenset({"PReLU", "LayerNormalization", "GroupNormalization"})


def _global(number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
    return [_judge(number, row, "output", keras_shape(row.shape), keras_shape((before[-1],)),
                   row.shape[-1] == before[-1], f"a global pool keeps the {before[-1]} channels"),
            _judge(number, row, "params", f"{row.params:,}", "0", row.params == 0, "a global pool learns nothing")]


def _flatten(number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
    return [_judge(number, row, "output", keras_shape(row.shape), keras_shape((prod(before),)),
                   row.shape == (prod(before),), f"{' × '.join(map(str, before))} = {prod(before):,}"),
            _judge(number, row, "params", f"{row.params:,}", "0", row.params == 0, "flatten learns nothing")]


def _same(number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
    verdicts = [_judge(number, row, "output", keras_shape(row.shape), keras_shape(before), row.shape == before,
                       f"{kind} keeps the shape")]
    if kind not in _LEARNED:
        verdicts.append(_judge(number, row, "params", f"{row.params:,}", "0", row.params == 0,
                               f"{kind} learns nothing"))
    return verdicts


def _batch_norm(number: int, row: PastedRow, before: Shape | None, torch: bool) -> list[Verdict]:
    """4·C in Keras (3·C without gamma or beta, as InceptionV3's scale=False), 2·C in a PyTorch table."""
    channels = row.shape[-1]
    expected = 2 * channels if torch else 4 * channels
    words = "2·C (gamma, beta; the running statistics are buffers)" if torch else \
        "4·C (gamma, beta, moving mean and variance)"
    verdicts = []
    if before is not None:
        verdicts.append(_judge(number, row, "output", keras_shape(row.shape), keras_shape(before), row.shape == before,
                               "batch norm keeps the shape"))
    allowed = (expected, expected - channels, expected - 2 * channels)  # without gamma, beta or both
    others = "" if torch else f" (or {allowed[1]:,} without gamma or beta, {allowed[2]:,} without both)"
    verdicts.append(_judge(number, row, "params", f"{row.params:,}", f"{expected:,}{others}", row.params in allowed,
                           f"{words}: {expected // channels}·{channels} = {expected:,}"))
    return verdicts


def _dense(number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
    n, units = before[-1], row.shape[-1]
    shape_ok = row.shape[:-1] == before[:-1]
    with_bias, without = (n + 1) * units, n * units
    ok = row.params in (with_bias, without)
    return [_judge(number, row, "output", keras_shape(row.shape), keras_shape((*before[:-1], units)), shape_ok,
                   "a dense layer keeps every axis but the last"),
            _judge(number, row, "params", f"{row.params:,}", f"{with_bias:,} (or {without:,} without a bias)", ok,
                   f"({n} + 1)·{units} = {with_bias:,}" + (f", or {n}·{units} = {without:,} without a bias"),
                   "no bias" if row.params == without and without != with_bias else "")]


def _dense_alone(number: int, row: PastedRow) -> list[Verdict]:
    """The first dense layer of a paste without its input: (n + 1)·units must be whole."""
    units = row.shape[-1]
    if row.params % units == 0:
        n = row.params // units - 1
        return [_unchecked(number, row, "params", f"{row.params:,}",
                           f"the input size is not in the paste; {n:,} inputs would explain it: ({n:,} + 1)·{units}")]
    return [_judge(number, row, "params", f"{row.params:,}", "a multiple of the units", False,
                   f"(n + 1)·{units} is a multiple of {units}; {row.params:,} is not")]


def _conv(number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
    channels, filters = before[-1], row.shape[-1]
    verdicts: list[Verdict] = []
    taps = _taps(kind, row.params, channels, filters)
    rank = len(row.shape) - 1
    if not taps:
        formula = f"(taps·{channels} + 1)·{filters}" if kind != "DepthwiseConv2D" else f"(taps + 1)·{channels}·m"
        verdicts.append(_judge(number, row, "params", f"{row.params:,}", "a whole-number kernel", False,
                               f"no whole-number kernel explains it: {formula} never equals {row.params:,}"))
        kernels: list[int] = []
    else:
        square = [(area, bias, group) for area, bias, group in taps if _side(area, rank)]
        area, bias, group = (square or taps)[0]
        side = _side(area, rank)
        if square:
            words = f"a {'×'.join([str(side)] * rank)} kernel"
            grouped = "" if group == 1 else " in one group per channel" if group == channels else \
                f" in {group} groups"
            verdicts.append(_judge(number, row, "params", f"{row.params:,}", f"{row.params:,}", True, "",
                                   f"{words}{'' if bias else ' without a bias'} on {channels} channels{grouped}"))
        else:  # only an oblong kernel (1×7, 2×1 …) explains it: possible, but as likely a misprint
            verdicts.append(_unchecked(number, row, "params", f"{row.params:,}",
                                       f"{area} taps on {channels} channels: no square kernel gives {row.params:,}; "
                                       f"an oblong one ({', '.join(f'{d}×{area // d}' for d in _divisors(area)[:4])}) "
                                       "would"))
        kernels = [side] if side else _divisors(area)
    verdicts.append(_spatial(number, row, before, kernels or list(range(1, 12))))
    return verdicts


def _taps(kind: str, params: int, channels: int, filters: int) -> list[tuple[int, bool, int]]:
    """(kernel taps, with a bias, groups) that give ``params``: taps·(C/g)·F (+ F); ungrouped first, then
    depthwise (g = C, PyTorch's way of writing it), then the other group counts."""
    found = []
    groups = [1] if kind == "DepthwiseConv2D" else \
        [1, channels, *(g for g in range(2, channels) if channels % g == 0 and filters % g == 0)]
    for group in dict.fromkeys(g for g in groups if filters % g == 0):
        for bias in (True, False):
            rest = params - (filters if bias else 0)
            per_tap = channels // group * filters
            if kind == "DepthwiseConv2D":
                per_tap = filters  # filters = channels · multiplier, one kernel each
            elif kind == "SeparableConv2D":
                continue  # taps·C·m + C·m·F (+ F): solved below
            if rest > 0 and rest % per_tap == 0:
                found.append((rest // per_tap, bias, group))
    if kind == "SeparableConv2D":
        for bias in (True, False):
            for multiplier in range(1, 5):
                rest = params - (filters if bias else 0) - channels * multiplier * filters
                if rest > 0 and rest % (channels * multiplier) == 0:
                    found.append((rest // (channels * multiplier), bias, 1))
    return found


def _side(area: int, rank: int) -> int:
    """The side of a square (or cubic) kernel of ``area`` taps, or 0."""
    if rank == 2:
        side = isqrt(area)
        return side if side * side == area else 0
    if rank == 1:
        return area
    side = round(area ** (1 / 3))
    return side if side ** 3 == area else 0


def _divisors(area: int) -> list[int]:
    return [d for d in range(1, min(area, 64) + 1) if area % d == 0]


def _spatial(number: int, row: PastedRow, before: Shape, kernels: list[int], pool: bool = False) -> Verdict:
    """Whether some kernel, stride and padding turn the input's spatial sizes into the output's, and which."""
    shape = keras_shape(row.shape)
    if len(before) != len(row.shape):
        return _judge(number, row, "output", shape, f"a {len(before) - 1}-D output", False,
                      f"the input {keras_shape(before)} has {len(before) - 1} spatial axes")
    ways = [_reach(n, m, kernels, pool) for n, m in zip(before[:-1], row.shape[:-1])]
    if all(ways):
        steps = list(dict.fromkeys(f"{n} → {m}: {way}" for n, m, way in zip(before[:-1], row.shape[:-1], ways)))
        text = "; ".join(steps) + (" (every axis)" if len(steps) == 1 and len(ways) > 1 else "")
        return _judge(number, row, "output", shape, shape, True, "", text)
    n, m = next((n, m) for n, m, way in zip(before[:-1], row.shape[:-1], ways) if not way)
    reachable = sorted({out for k in kernels[:4] for s in (1, 2) for out in _outputs(n, k, s)})[:8]
    return _judge(number, row, "output", shape, "another size", False,
                  f"no kernel{' of ' + '/'.join(map(str, kernels[:4])) if len(kernels) <= 4 else ''}, stride and "
                  f"padding turns {n} into {m}; {', '.join(map(str, reachable))} can be reached")


def _outputs(n: int, kernel: int, stride: int) -> list[int]:
    valid = (n - kernel) // stride + 1
    return [out for out in (valid, -(-n // stride)) if out > 0]


def _reach(n: int, m: int, kernels: list[int], pool: bool) -> str:
    """The simplest kernel/stride/padding that turns n into m ('3, stride 1, valid'), or ''."""
    strides = range(1, 9)
    order = [(k, k) for k in kernels if pool] + [(k, s) for s in strides for k in kernels]
    for k, s in order:
        if (n - k) // s + 1 == m and n >= k:
            return f"kernel {k}, stride {s}, valid"
        if -(-n // s) == m:
            return f"kernel {k}, stride {s}, same"
        for p in range(1, k // 2 + 1):
            if (n + 2 * p - k) // s + 1 == m:
                return f"kernel {k}, stride {s}, padding {p}"
    return ""


def _pool(number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
    verdicts = [_judge(number, row, "params", f"{row.params:,}", "0", row.params == 0, "pooling learns nothing")]
    if row.shape[-1] != before[-1]:
        verdicts.append(_judge(number, row, "output", keras_shape(row.shape),
                               keras_shape((*row.shape[:-1], before[-1])), False,
                               f"pooling keeps the {before[-1]} channels"))
        return verdicts
    verdicts.append(_spatial(number, row, before, list(range(1, 8)), pool=True))
    return verdicts


def _merge(number: int, row: PastedRow, kind: str, inputs: list[Shape]) -> list[Verdict]:
    shape = keras_shape(row.shape)
    if len(inputs) < 2:
        return [_unchecked(number, row, "output", shape, "the branches it merges are not all in the paste")]
    if kind == "Concatenate":
        expected = (*inputs[0][:-1], sum(s[-1] for s in inputs))
        text = f"{' + '.join(str(s[-1]) for s in inputs)} = {expected[-1]} channels"
    else:
        expected = inputs[0]
        text = f"{kind} keeps its branches' shape"
    return [_judge(number, row, "output", shape, keras_shape(expected), row.shape == expected, text),
            _judge(number, row, "params", f"{row.params:,}", "0", row.params == 0, "a merge learns nothing")]


def _counts(text: str) -> list[int]:
    """The counts a verdict's 'correct' names: '16,010 (or 16,000 without a bias)' → [16010, 16000]."""
    return [int(found.replace(",", "")) for found in re.findall(r"\d[\d,]*", text)]


_RULES = {"dense": _dense, "conv": _conv, "pool": _pool, "global": _global, "flatten": _flatten, "same": _same}


def _totals(pasted: PastedSummary, torch: bool, rows: list[Verdict]) -> list[Verdict]:
    totals = dict(pasted.totals)
    verdicts = []
    rows_sum = sum(row.params for row in pasted.rows)
    terms = " + ".join(f"{row.params:,}" for row in pasted.rows if row.params)
    # a row whose own count is wrong explains the rows' sum: the total line may still be right
    fixes = [(_counts(v.given)[0], _counts(v.correct)) for v in rows
             if v.status == "wrong" and v.claim.endswith("params") and _counts(v.given) and _counts(v.correct)]
    corrected = {rows_sum}
    for given_count, alternatives in fixes:  # every way of correcting the wrong rows
        corrected = {total - given_count + value for total in corrected for value in alternatives}
    split = totals["trainable"] + totals["non_trainable"] if {"trainable", "non_trainable"} <= totals.keys() else None
    total_wrong = False
    if "total" in totals:
        given = totals["total"]
        ok = given == rows_sum or (bool(fixes) and given in corrected)
        note = f"the rows sum to {rows_sum:,}, and to {given:,} with the wrong row corrected" \
            if ok and given != rows_sum else ""
        unsure = [v.claim.removesuffix(" params") for v in rows if v.claim.endswith(" params") and (
            v.status == "unchecked" or (v.status == "wrong" and not _counts(v.correct)))]
        if not ok and unsure and split != rows_sum:  # an unchecked row may be the misprint as well as the total
            verdicts.append(Verdict("total", f"{given:,}", "?", "unchecked", f"{terms} = {rows_sum:,}",
                                    f"the rows sum to {rows_sum:,}, not {given:,}: the total or a row whose count "
                                    f"cannot be known ({', '.join(unsure)}) is misprinted"))
        else:  # the rows and the trainable split agreeing against the total line: the total is the misprint
            total_wrong = not ok
            verdicts.append(Verdict("total", f"{given:,}", f"{given if ok else rows_sum:,}",
                                    "correct" if ok else "wrong", "" if ok else f"{terms} = {rows_sum:,}", note))
    elif pasted.rows:
        verdicts.append(Verdict("total", "(no totals line)", f"{rows_sum:,}", "unchecked",
                                note="rows were read but no 'Total params' line: is the paste cut short?"))
    if split is not None and "total" in totals:
        ok = split == totals["total"] or (total_wrong and split == rows_sum)
        verdicts.append(Verdict("trainable + non_trainable", f"{split:,}", f"{split if ok else totals['total']:,}",
                                "correct" if ok else "wrong",
                                f"{totals['trainable']:,} + {totals['non_trainable']:,} = {split:,}"))
        moving = 0 if torch else sum(row.params // 2 for row in pasted.rows if row.keras_class == "BatchNormalization")
        if ok and totals["non_trainable"] != moving:
            verdicts.append(Verdict("non_trainable", f"{totals['non_trainable']:,}", f"{moving:,}", "unchecked",
                                    note="not BatchNormalization's moving statistics alone: frozen layers or a "
                                         "nested pretrained model could explain it"))
    return verdicts
