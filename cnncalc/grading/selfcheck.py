"""A pasted summary checked against itself: each row re-derived from the rows around it, no spec needed.

``cnncalc check --summary FILE`` without a SPEC.  A row's input is the row before it (or, in a
functional summary, the rows its 'Connected to' cell names); from the input and the row's own
output the rules below say whether its parameter count and its output shape can be right:

* Dense/Linear: (n + 1)·units, or n·units without a bias;
* a convolution (transposed too): a whole-number kernel must explain the params from the input and
  output channels, and some kernel, stride and padding must turn the input size into the output
  size (the verdict says which);
* pooling keeps the channels and has no parameters, and its output must be reachable too;
* Flatten is the product of its input, Reshape keeps it and Permute reorders it; zero padding,
  cropping and upsampling keep the channels; BatchNormalization is 4·C in Keras (2·C of them
  non-trainable; any axis, as ``axis=1`` normalises the other one) and 2·C in a torchinfo table;
  dropout, activations and batch norm keep the shape;
* the rows sum to the totals, and trainable + non-trainable = total.

A row that cannot be decided (its input is not in the paste, several kernels explain it equally,
a layer kind cnncalc does not model, a subclassed model's 'multiple' shape) is ``unchecked``, with
a note saying why, never ``wrong``.  A row whose output is wrong passes its corrected shape on
when the rule knows it (a flatten's product); otherwise the rows that read it are checked against
it, and what then disagrees is in doubt (one of the two is misprinted), not a second ✗.

A Keras paste whose shapes are channels-first (Keras 1 on Theano, ``data_format='channels_first'``)
is read as such when that explains more of its rows.
"""

from __future__ import annotations

import re
from functools import lru_cache
from math import gcd, isqrt, prod

from ..model.layers import keras_shape
from ..model.records import replace
from ..readers.pasted import (
    ACTIVATION_CLASSES,
    UNREADABLE_SHAPE,
    PastedRow,
    PastedSummary,
    normalised_axis,
    reference_name,
)
from .answers import Verdict

__all__ = ["self_check"]

Shape = tuple[int, ...]

# Row classes are Keras' (pasted.py reads Keras 1's names and PyTorch's classes as Keras' classes).
_KEEPS_SHAPE = ACTIVATION_CLASSES | {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                                     "GaussianNoise", "GaussianDropout", "AlphaDropout", "LayerNormalization",
                                     "GroupNormalization", "LocalResponseNormalization"}
_CONV = frozenset({"Conv1D", "Conv2D", "Conv3D", "DepthwiseConv2D", "SeparableConv2D", "DepthwiseConv1D",
                   "SeparableConv1D"})
_TRANSPOSED = frozenset({"Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"})
_POOL = frozenset({"MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
                   "AveragePooling3D"})
_GLOBAL = frozenset({"GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
                     "GlobalAveragePooling3D", "GlobalMaxPooling3D"})
_RESAMPLE = frozenset({"ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D",
                       "UpSampling1D", "UpSampling2D", "UpSampling3D"})
_MERGES = frozenset({"Add", "Multiply", "Average", "Maximum", "Subtract", "Minimum"})
#: Kinds that keep the shape but learn: their parameter count is not checked against 0.
_LEARNED = frozenset({"PReLU", "LayerNormalization", "GroupNormalization"})
#: Which rule checks a layer kind; a kind in none of them is one cnncalc does not model.
_FAMILIES = (({"Dense"}, "dense"), (_CONV, "conv"), (_TRANSPOSED, "transposed"), (_POOL, "pool"),
             (_GLOBAL, "global_pool"), ({"Flatten"}, "flatten"), (_KEEPS_SHAPE | {"PReLU"}, "same"),
             (_RESAMPLE, "resample"), ({"Reshape"}, "reshape"), ({"Permute"}, "permute"))


def self_check(pasted: PastedSummary) -> list[Verdict]:
    """Every row's parameters and output shape, then the totals, each against the paste's own other rows."""
    checked = _Check(pasted, channels_first=False).run()
    if pasted.kind == "keras" and _wrong(checked) and any(len(row.shape) > 1 for row in pasted.rows):
        other = _Check(pasted, channels_first=True).run()
        if _wrong(other) < _wrong(checked) and _doubts(other) < _doubts(checked):
            note = "read channels-first (Keras 1 on Theano, or data_format='channels_first'): " \
                   "(None, C, H, W) is C channels of H×W"
            return [replace(other[0], note=f"{other[0].note}; {note}" if other[0].note else note), *other[1:]]
    return checked


def _wrong(verdicts: list[Verdict]) -> int:
    return sum(v.status == "wrong" for v in verdicts)


def _doubts(verdicts: list[Verdict]) -> int:
    """How badly a reading of the paste fits it: its ✗s, and each batch norm it explains only by an axis other
    than the channels (so that one misprint cannot make a channels-last paste read channels-first)."""
    return _wrong(verdicts) + sum(v.note.startswith("BatchNormalization(axis=") for v in verdicts)


def _family(kind: str) -> str | None:
    """Which rule checks a layer kind; None for a kind cnncalc does not model."""
    return _FAMILY.get(kind)


#: :func:`_family` of each kind the families name, the first family that names it
_FAMILY = {kind: family for kinds, family in reversed(_FAMILIES) for kind in kinds}


def _claim(number: int, row: PastedRow, field: str) -> str:
    return f"{number} {row.name} {field}"


def _unchecked(number: int, row: PastedRow, field: str, given: str, why: str) -> Verdict:
    return Verdict(_claim(number, row, field), given, "?", "unchecked", note=why)


def _judge(number: int, row: PastedRow, field: str, given: str, correct: str, ok: bool, arithmetic: str,
           note: str = "") -> Verdict:
    return Verdict(_claim(number, row, field), given, given if ok else correct, "correct" if ok else "wrong",
                   arithmetic, note)


class _Check:
    """One reading of a paste: its framework's conventions, its layout, and the shapes its rows pass on."""

    def __init__(self, pasted: PastedSummary, channels_first: bool) -> None:
        self.pasted = pasted
        self.torch = pasted.torch
        self.channels_first = channels_first
        #: each row's output as printed
        self.shapes: dict[str, Shape] = {}
        #: the one right output of a row whose printed one is wrong, where its rule knows it
        self.alternative: dict[str, Shape] = {}
        #: rows whose output is wrong with no one right value: what reads them is in doubt
        self.suspect: set[str] = set()
        #: set by a rule that knows the one right output, when the printed one is wrong
        self.corrected: Shape | None = None
        #: what :meth:`row` worked out for each kind, shape, count and inputs: a paste repeats its rows
        self.derived: dict[tuple[object, ...], tuple[Shape | None, tuple[tuple[str, Verdict], ...]]] = {}
        #: the rule of each family (see :data:`_FAMILIES`)
        self.rules = {"dense": self.dense, "conv": self.conv, "transposed": self.transposed, "pool": self.pool,
                      "global_pool": self.global_pool, "flatten": self.flatten, "same": self.same,
                      "resample": self.resample, "reshape": self.reshape, "permute": self.permute}

    def shape(self, shape: Shape) -> Shape:
        """A pasted shape as the rules read it: channels last."""
        return (*shape[1:], shape[0]) if self.channels_first and len(shape) > 1 else shape

    def show(self, shape: Shape) -> str:
        """A shape as the paste writes it."""
        return keras_shape((shape[-1], *shape[:-1]) if self.channels_first and len(shape) > 1 else shape)

    def run(self) -> list[Verdict]:
        pasted = self.pasted
        if pasted.input_shape is not None:
            self.shapes[pasted.input_name] = self.shape(pasted.input_shape)
        verdicts: list[Verdict] = []
        previous: str | None = pasted.input_name if pasted.input_shape is not None else None
        for number, pasted_row in enumerate(pasted.rows, start=1):
            shape = self.shape(pasted_row.shape)
            row = pasted_row if shape == pasted_row.shape else replace(pasted_row, shape=shape)
            reads = self.reads(row, previous) or []
            inputs = [self.shapes[name] for name in reads]
            found = self.row(number, row, inputs)
            corrected = self.corrected
            wrong = _wrong(found)
            # a row read that was itself wrong: this row may agree with its printed shape or with its corrected one
            other = [self.alternative.get(name, self.shapes[name]) for name in reads] if wrong else inputs
            if other != inputs:
                retry = self.row(number, row, other)
                if _wrong(retry) < wrong:
                    found, corrected = retry, self.corrected
            doubt = [name for name in reads if name in self.suspect or name in self.alternative]
            if doubt:
                found = [self.in_doubt(v, doubt) for v in found]
            if doubt or other != inputs:
                wrong = _wrong(found)
            if corrected is not None and wrong:
                self.alternative[row.name] = corrected
            elif wrong and any(v.status == "wrong" and v.claim.endswith(" output") for v in found):
                self.suspect.add(row.name)
            if not row.shapeless:
                self.shapes[row.name] = row.shape
            previous = row.name if not row.shapeless else None
            verdicts += found
        return verdicts + _totals(pasted, self.torch, verdicts)

    def in_doubt(self, verdict: Verdict, names: list[str]) -> Verdict:
        """A ✗ on a row that reads a row already wrong: one of the two is misprinted, and which is not known."""
        if verdict.status != "wrong":
            return verdict
        return replace(verdict, status="unchecked", correct="?",
                       note=f"it reads {', '.join(names)}, whose output is itself wrong: one of the two rows is "
                            "misprinted")

    def reads(self, row: PastedRow, previous: str | None) -> list[str] | None:
        """The rows a row reads: its 'Connected to' rows, else the row before it; None when unknown."""
        if not row.connections:
            return [previous] if previous is not None and previous in self.shapes else None
        found = []
        for token in row.connections:
            name, cut = reference_name(token)
            match = next((known for known in self.shapes if known == name or (cut and known.startswith(name))),
                         None)
            if match is None:
                return None
            found.append(match)
        return found

    def output(self, number: int, row: PastedRow, expected: Shape, arithmetic: str) -> Verdict:
        """The output claim of a rule that knows the one right shape: a wrong row passes that shape on."""
        ok = row.shape == expected
        if not ok:
            self.corrected = expected
        return _judge(number, row, "output", self.show(row.shape), self.show(expected), ok, arithmetic)

    def row(self, number: int, row: PastedRow, inputs: list[Shape]) -> list[Verdict]:
        """The row's verdicts, by its rule; a row like one already derived (its kind, shape, count and inputs)
        gets that row's verdicts under its own claims, and passes on the same corrected shape."""
        key = (row.keras_class, row.shape, row.params, row.multiple, row.unreadable, *inputs)
        known = self.derived.get(key)
        if known is not None:
            self.corrected, fields = known
            prefix = _claim(number, row, "")
            return [Verdict(prefix + field, v.given, v.correct, v.status, v.arithmetic, v.note) for field, v in fields]
        found = self.derive(number, row, inputs)
        prefix = _claim(number, row, "")
        if all(v.claim.startswith(prefix) for v in found):
            self.derived[key] = (self.corrected, tuple((v.claim[len(prefix):], v) for v in found))
        return found

    def derive(self, number: int, row: PastedRow, inputs: list[Shape]) -> list[Verdict]:
        """The row's verdicts, worked out by its family's rule."""
        self.corrected = None
        kind = row.keras_class
        family = _family(kind)
        if row.shapeless:  # 'multiple', or a shape that cannot be read
            return (self.unreadable if row.unreadable else self.multiple)(number, row, kind, family)
        if kind in _MERGES or kind == "Concatenate":
            return self.merge(number, row, kind, inputs)
        if kind == "BatchNormalization":  # its own output has the channels it normalises
            return self.batch_norm(number, row, inputs[0] if inputs else None)
        if family is None:
            return [_unchecked(number, row, "params", f"{row.params:,}",
                               f"cnncalc does not model {kind or 'this layer'}; its parameters still count toward "
                               "the totals")]
        if not inputs:
            return self.without_input(number, row, kind, family)
        return self.rules[family](number, row, kind, inputs[0])

    def multiple(self, number: int, row: PastedRow, kind: str, family: str | None) -> list[Verdict]:
        """A subclassed model's row: its shape is 'multiple', so only a layer that learns nothing is checked."""
        if family in ("pool", "global_pool", "flatten", "resample", "reshape", "permute") or \
                (family == "same" and kind not in _LEARNED) or kind in _MERGES or kind == "Concatenate":
            return [_judge(number, row, "params", f"{row.params:,}", "0", row.params == 0, f"{kind} learns nothing")]
        return [_unchecked(number, row, "params", f"{row.params:,}",
                           "the output shape is printed 'multiple' (a subclassed model): nothing in the paste says "
                           "what the layer reads")]

    def unreadable(self, number: int, row: PastedRow, kind: str, family: str | None) -> list[Verdict]:
        """A row whose output shape cannot be read: its output is unchecked, and so is any count it would explain;
        a layer that learns nothing still has 0 parameters."""
        shapeless = replace(row, unreadable="", multiple=True)
        counts = [v for v in self.multiple(number, shapeless, kind, family) if v.status != "unchecked"] or \
            [_unchecked(number, row, "params", f"{row.params:,}", "its output shape cannot be read, and the count "
                                                                   "depends on it")]
        return [_unchecked(number, row, "output", row.unreadable, UNREADABLE_SHAPE), *counts]

    def without_input(self, number: int, row: PastedRow, kind: str, family: str) -> list[Verdict]:
        """A row whose input the paste does not show (the first row of a Keras 3 sequential summary)."""
        params = f"{row.params:,}"
        if family == "dense":
            return self.dense_alone(number, row)
        if family in ("pool", "global_pool", "flatten", "resample", "reshape", "permute") or \
                (family == "same" and kind not in _LEARNED):
            return [_judge(number, row, "params", params, "0", row.params == 0, f"{kind} learns nothing")]
        why = "the layer it reads is not in the paste, so its input size is unknown"
        filters = row.shape[-1]
        if family in ("conv", "transposed") and row.params:
            for bias in (True, False):
                rest = row.params - (filters if bias else 0)
                if rest > 0 and rest % filters == 0:
                    why += f"; kernel taps × input channels = {rest // filters:,}{'' if bias else ' (without a bias)'}"
                    break
        return [_unchecked(number, row, "params", params, why)] if row.params else []

    def nothing_learned(self, number: int, row: PastedRow, kind: str) -> Verdict:
        return _judge(number, row, "params", f"{row.params:,}", "0", row.params == 0, f"{kind} learns nothing")

    def global_pool(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        keep = len(row.shape) == len(before)  # keepdims: 1×1×C
        expected = (*(1,) * (len(before) - 1), before[-1]) if keep else (before[-1],)
        return [self.output(number, row, expected, f"a global pool keeps the {before[-1]} channels"),
                self.nothing_learned(number, row, "a global pool")]

    def flatten(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        return [self.output(number, row, (prod(before),), f"{' × '.join(map(str, before))} = {prod(before):,}"),
                self.nothing_learned(number, row, "flatten")]

    def reshape(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        ok = prod(row.shape) == prod(before)
        return [_judge(number, row, "output", self.show(row.shape), f"{prod(before):,} values in all", ok,
                       f"a reshape keeps the {prod(before):,} values: {' × '.join(map(str, row.shape))} = "
                       f"{prod(row.shape):,}"),
                self.nothing_learned(number, row, kind)]

    def permute(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        ok = sorted(row.shape) == sorted(before)
        return [_judge(number, row, "output", self.show(row.shape), f"an order of {self.show(before)}", ok,
                       "a permutation reorders the axes it reads"),
                self.nothing_learned(number, row, kind)]

    def same(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        verdicts = [self.output(number, row, before, f"{kind} keeps the shape")]
        if kind not in _LEARNED:
            verdicts.append(self.nothing_learned(number, row, kind))
        return verdicts

    def resample(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        """Zero padding and cropping add or take rows; upsampling repeats them; all keep the channels."""
        verdicts = [self.nothing_learned(number, row, kind)]
        if len(row.shape) != len(before) or row.shape[-1] != before[-1]:
            verdicts.append(self.output(number, row, (*row.shape[:-1], before[-1]) if len(row.shape) == len(before)
                                        else before, f"{kind} keeps the {before[-1]} channels"))
            return verdicts
        pairs = list(zip(before[:-1], row.shape[:-1]))
        ok, words = {"Zero": (all(m >= n for n, m in pairs), "pads: every size grows or stays"),
                     "Crop": (all(m <= n for n, m in pairs), "crops: every size shrinks or stays"),
                     "UpSa": (all(m % n == 0 for n, m in pairs), "repeats: every size is a multiple of its input's")
                     }[kind[:4]]
        steps = ", ".join(f"{n} → {m}" for n, m in pairs)
        verdicts.append(_judge(number, row, "output", self.show(row.shape), "another size", ok, steps,
                               f"{kind} {words}"))
        return verdicts

    def batch_norm(self, number: int, row: PastedRow, before: Shape | None) -> list[Verdict]:
        """4·C in Keras (3·C without gamma or beta, as InceptionV3's scale=False), 2·C in a PyTorch table;
        Keras normalises the axis it is given, so 4·n for another axis n is BatchNormalization(axis=…)."""
        channels = row.shape[-1]
        per = 2 if self.torch else 4
        expected = per * channels
        words = "2·C (gamma, beta; the running statistics are buffers)" if self.torch else \
            "4·C (gamma, beta, moving mean and variance)"
        verdicts = []
        if before is not None:
            verdicts.append(self.output(number, row, before, "batch norm keeps the shape"))
        allowed = (expected, expected - channels, expected - 2 * channels)  # without gamma, beta or both
        others = "" if self.torch else f" (or {allowed[1]:,} without gamma or beta, {allowed[2]:,} without both)"
        arithmetic = f"{words}: {per}·{channels} = {expected:,}"
        if before is not None and before[-1] != channels and row.params == per * before[-1]:
            # the count fits the channels it reads: the output's shape (already ✗ above) is the misprint
            verdicts.append(_judge(number, row, "params", f"{row.params:,}", f"{row.params:,}", True,
                                   f"{per}·{before[-1]} = {row.params:,}", "the channels of the row it reads"))
            return verdicts
        axis = normalised_axis(row, self.channels_first) if row.params not in allowed and not self.torch else None
        if axis is not None:
            index, size = axis
            verdicts.append(_judge(number, row, "params", f"{row.params:,}", f"{row.params:,}", True,
                                   f"{row.params // size}·{size} = {row.params:,}",
                                   f"BatchNormalization(axis={index}) normalises axis {index} ({size}), not the "
                                   f"{channels} channels"))
            return verdicts
        verdicts.append(_judge(number, row, "params", f"{row.params:,}", f"{expected:,}{others}",
                               row.params in allowed, arithmetic))
        return verdicts

    def dense(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        n, units = before[-1], row.shape[-1]
        with_bias, without = (n + 1) * units, n * units
        ok = row.params in (with_bias, without)
        output = self.output(number, row, (*before[:-1], units), "a dense layer keeps every axis but the last")
        if not ok:  # the count may be right and the units misprinted: the next row may read the count's units
            fits = [row.params // m for m in (n + 1, n) if m and row.params % m == 0]
            self.corrected = (*before[:-1], fits[0]) if fits else self.corrected
        return [output,
                _judge(number, row, "params", f"{row.params:,}", f"{with_bias:,} (or {without:,} without a bias)", ok,
                       f"({n} + 1)·{units} = {with_bias:,}" + (f", or {n}·{units} = {without:,} without a bias"),
                       "no bias" if row.params == without and without != with_bias else "")]

    def dense_alone(self, number: int, row: PastedRow) -> list[Verdict]:
        """The first dense layer of a paste without its input: (n + 1)·units must be whole."""
        units = row.shape[-1]
        if row.params % units == 0:
            n = row.params // units - 1
            return [_unchecked(number, row, "params", f"{row.params:,}",
                               f"the input size is not in the paste; {n:,} inputs would explain it: "
                               f"({n:,} + 1)·{units}")]
        return [_judge(number, row, "params", f"{row.params:,}", "a multiple of the units", False,
                       f"(n + 1)·{units} is a multiple of {units}; {row.params:,} is not")]

    def conv(self, number: int, row: PastedRow, kind: str, before: Shape, transposed: bool = False) -> list[Verdict]:
        """The kernel that explains the count and also reaches the output size: a square one if any does."""
        channels, filters = before[-1], row.shape[-1]
        rank = len(row.shape) - 1
        taps = _taps(kind, row.params, channels, filters)
        if not taps:
            formula = f"(taps·{channels} + 1)·{filters}" if not kind.startswith("Depthwise") else \
                f"(taps + 1)·{channels}·m"
            return [_judge(number, row, "params", f"{row.params:,}", "a whole-number kernel", False,
                           f"no whole-number kernel explains it: {formula} never equals {row.params:,}"),
                    self.spatial(number, row, before, list(range(1, 12)), transposed=transposed)]
        ranked = sorted(taps, key=lambda tap: not _side(tap[0], rank))  # square kernels first, in order
        tried = []
        for area, bias, group in ranked:
            side = _side(area, rank)
            output = self.spatial(number, row, before, [side] if side else _divisors(area), transposed=transposed)
            tried.append(((area, bias, group), output))
            if output.status == "correct":
                break
        (area, bias, group), output = next((found for found in tried if found[1].status == "correct"), tried[0])
        side = _side(area, rank)
        if not side:  # only an oblong kernel (1×7, 2×1 …) explains it: possible, but as likely a misprint
            return [_unchecked(number, row, "params", f"{row.params:,}",
                               f"{area} taps on {channels} channels{'' if bias else ' without a bias'}: no square "
                               f"kernel gives {row.params:,}; an oblong one "
                               f"({', '.join(f'{d}×{area // d}' for d in _divisors(area)[:4])}) would"), output]
        words = f"a {'×'.join([str(side)] * rank)} kernel"
        grouped = "" if group == 1 else " in one group per channel" if group == channels else f" in {group} groups"
        return [_judge(number, row, "params", f"{row.params:,}", f"{row.params:,}", True, "",
                       f"{words}{'' if bias else ' without a bias'} on {channels} channels{grouped}"), output]

    def transposed(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        return self.conv(number, row, kind, before, transposed=True)

    def spatial(self, number: int, row: PastedRow, before: Shape, kernels: list[int], pool: bool = False,
                transposed: bool = False) -> Verdict:
        """Whether some kernel, stride and padding turn the input's spatial sizes into the output's, and which."""
        shape = self.show(row.shape)
        if len(before) != len(row.shape):
            return _judge(number, row, "output", shape, f"a {len(before) - 1}-D output", False,
                          f"the input {self.show(before)} has {len(before) - 1} spatial axes")
        ways = [_reach_transposed(n, m, kernels) if transposed else _reach(n, m, kernels, pool)
                for n, m in zip(before[:-1], row.shape[:-1])]
        if all(ways):
            steps = list(dict.fromkeys(f"{n} → {m}: {way}" for n, m, way in zip(before[:-1], row.shape[:-1], ways)))
            text = "; ".join(steps) + (" (every axis)" if len(steps) == 1 and len(ways) > 1 else "")
            return _judge(number, row, "output", shape, shape, True, "", text)
        n, m = next((n, m) for n, m, way in zip(before[:-1], row.shape[:-1], ways) if not way)
        if transposed:
            return _judge(number, row, "output", shape, "another size", False,
                          f"no kernel, stride and padding of a transposed convolution turns {n} into {m}")
        reachable = sorted({out for k in kernels[:4] for s in (1, 2) for out in _outputs(n, k, s)})[:8]
        return _judge(number, row, "output", shape, "another size", False,
                      f"no kernel{' of ' + '/'.join(map(str, kernels[:4])) if len(kernels) <= 4 else ''}, stride "
                      f"and padding turns {n} into {m}; {', '.join(map(str, reachable))} can be reached")

    def pool(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        verdicts = [self.nothing_learned(number, row, "pooling")]
        if row.shape[-1] != before[-1] and len(row.shape) == len(before):
            verdicts.append(self.output(number, row, (*row.shape[:-1], before[-1]),
                                        f"pooling keeps the {before[-1]} channels"))
            self.corrected = None  # the channels are known, the spatial sizes are not
            return verdicts
        verdicts.append(self.spatial(number, row, before, list(range(1, 8)), pool=True))
        return verdicts

    def merge(self, number: int, row: PastedRow, kind: str, inputs: list[Shape]) -> list[Verdict]:
        shape = self.show(row.shape)
        if len(inputs) < 2:
            return [_unchecked(number, row, "output", shape, "the branches it merges are not all in the paste")]
        if kind == "Concatenate":
            expected = (*inputs[0][:-1], sum(s[-1] for s in inputs))
            text = f"{' + '.join(str(s[-1]) for s in inputs)} = {expected[-1]} channels"
        else:
            expected = inputs[0]
            text = f"{kind} keeps its branches' shape"
        return [self.output(number, row, expected, text), self.nothing_learned(number, row, "a merge")]


@lru_cache(maxsize=4096)  # a paste repeats its rows; each is worked out once
def _taps(kind: str, params: int, channels: int, filters: int) -> tuple[tuple[int, bool, int], ...]:
    """(kernel taps, with a bias, groups) that give ``params``: taps·(C/g)·F (+ F); ungrouped first, then
    depthwise (g = C, PyTorch's way of writing it), then the other group counts."""
    found = []
    groups = [1] if kind == "DepthwiseConv2D" else [1, channels, *_common_divisors(channels, filters)]
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
    return tuple(found)


#: Divisors are found by trial division up to this: every divisor of a number up to its square (10⁶ channels).
_TRIAL = 1000


def _common_divisors(channels: int, filters: int) -> list[int]:
    """The group counts between 1 and C that divide both C and F, ascending: the divisors of gcd(C, F), found by
    trial division up to :data:`_TRIAL` (past 10⁶ channels a divisor and its cofactor both over 1,000 are not
    tried, so a row of 10¹⁸ channels costs no more than one of 64)."""
    common = gcd(channels, filters)
    small = [d for d in range(2, min(isqrt(common), _TRIAL) + 1) if common % d == 0]
    return sorted({*small, *(common // d for d in small), common} - {1, channels})


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


def _outputs(n: int, kernel: int, stride: int) -> list[int]:
    valid = (n - kernel) // stride + 1
    return [out for out in (valid, -(-n // stride)) if out > 0]


def _reach(n: int, m: int, kernels: list[int], pool: bool) -> str:
    """The simplest kernel/stride/padding (then dilation) that turns n into m ('3, stride 1, valid'), or ''."""
    return _reached(n, m, tuple(kernels), pool)


@lru_cache(maxsize=4096)  # a paste repeats its sizes; each step is worked out once
def _reached(n: int, m: int, kernels: tuple[int, ...], pool: bool) -> str:
    for k, s, d in _ways(kernels, pool):
        span = (k - 1) * d + 1
        dilated = f", dilation {d}" if d > 1 else ""
        if (n - span) // s + 1 == m and n >= span:
            return f"kernel {k}, stride {s}{dilated}, valid"
        if -(-n // s) == m:
            return f"kernel {k}, stride {s}, same"
        # the least padding p ≥ 1 with s(m − 1) ≤ n + 2p − span < s·m, if it is at most span // 2
        p = max(1, -(-(s * (m - 1) - n + span) // 2))
        if p <= span // 2 and (n + 2 * p - span) // s + 1 == m:
            return f"kernel {k}, stride {s}{dilated}, padding {p}"
    return ""


@lru_cache(maxsize=64)
def _ways(kernels: tuple[int, ...], pool: bool) -> tuple[tuple[int, int, int], ...]:
    """(kernel, stride, dilation) in the order :func:`_reach` tries them: the simplest first."""
    strides = range(1, 9)
    return tuple([(k, k, 1) for k in kernels if pool] + [(k, s, 1) for s in strides for k in kernels] +
                 [(k, s, d) for d in range(2, 5) for s in strides for k in kernels if k > 1])


def _reach_transposed(n: int, m: int, kernels: list[int]) -> str:
    """The simplest kernel/stride/padding of a transposed convolution that turns n into m, or ''."""
    for s in range(1, 9):
        for k in kernels:
            if n * s == m:
                return f"kernel {k}, stride {s}, same"
            for p in range(k // 2 + 1):
                for op in range(s):
                    if (n - 1) * s + k - 2 * p + op == m:
                        return f"kernel {k}, stride {s}, " + ("valid" if not p and not op else
                                                              f"padding {p}" + (f", output padding {op}" if op else ""))
    return ""


def _counts(text: str) -> list[int]:
    """The counts a verdict's 'correct' names: '16,010 (or 16,000 without a bias)' → [16010, 16000]."""
    return [int(found.replace(",", "")) for found in re.findall(r"\d[\d,]*", text)]


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
