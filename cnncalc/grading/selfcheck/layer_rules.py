"""The rules of the rows that are not windows: dense, batch norm, shape changes, merges, and rows whose input
or output cannot be read."""

from __future__ import annotations

from math import prod

from ...model.records import replace
from ...readers.pasted import UNREADABLE_SHAPE, PastedRow, normalised_axis
from ..answers import Verdict
from .axes import merged_run, read_order, torch_order
from .kinds import _LEARNED, _MERGES
from .reading import Reading, Shape, _judge, _unchecked

#: What a layer that keeps the shape but learns may count, on C channels, and why.
_COUNTS = {
    "LayerScale": lambda c: ((c,), f"one factor per channel: {c:,}"),
    "Normalization": lambda c: ((2 * c + 1, 0), f"a mean and a variance per channel and their count, 2·{c} + 1 = "
                                                 f"{2 * c + 1:,} (0 when they are given to the layer)"),
    "LayerNormalization": lambda c: ((2 * c, c, 0), f"gamma and beta per channel, 2·{c} = {2 * c:,} (or one, or "
                                                     "neither)"),
    "GroupNormalization": lambda c: ((2 * c, c, 0), f"gamma and beta per channel, 2·{c} = {2 * c:,} (or one, or "
                                                     "neither)"),
}


class LayerRules(Reading):
    """Each rule checks one row from the shapes it reads and returns its verdicts."""

    def multiple(self, number: int, row: PastedRow, kind: str, family: str | None,
                 why: str = "the output shape is printed 'multiple' (a subclassed model)") -> list[Verdict]:
        """A subclassed model's row: its shape is 'multiple', so only a layer that learns nothing is checked (and
        so for a row whose table has no output shape, as ``why`` says)."""
        if family in ("pool", "global_pool", "adaptive", "flatten", "resample", "reshape", "permute", "pixel_shuffle",
                      "slice", "shuffle") or \
                (family == "same" and kind not in _LEARNED) or kind in _MERGES or kind == "Concatenate":
            return [_judge(number, row, "params", f"{row.params:,}", "0", row.params == 0, f"{kind} learns nothing")]
        return [_unchecked(number, row, "params", f"{row.params:,}",
                           f"{why}: nothing in the paste says what the layer reads")]

    def shapeless(self, number: int, row: PastedRow, kind: str, family: str | None) -> list[Verdict]:
        """A row with no shape or count to check: 'multiple', a shape that cannot be read, or torchinfo's
        '(recursive)'."""
        if row.recursive:
            return [_unchecked(number, row, "params", "(recursive)",
                               "a module used again: torchinfo counts its parameters on its first row")]
        if row.unreadable or row.multiple:
            return (self.unreadable if row.unreadable else self.multiple)(number, row, kind, family)
        if row.unshown:
            return self.multiple(number, row, kind, family, row.unshown)
        return [_unchecked(number, row, "params", f"{row.params:,}", "its output has no axes to check")]

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
        if family in ("pool", "global_pool", "adaptive", "flatten", "resample", "reshape", "permute", "pixel_shuffle",
                      "slice", "shuffle") or \
                (family == "same" and kind not in _LEARNED):
            return [_judge(number, row, "params", params, "0", row.params == 0, f"{kind} learns nothing")]
        why = "the layer it reads is not in the paste, so its input size is unknown"
        filters = row.shape[-1]
        if family in ("conv", "transposed") and row.params:
            ways = [f"{(row.params - bias) // filters:,}{'' if bias else ' without a bias'}" for bias in (filters, 0)
                    if row.params - bias > 0 and (row.params - bias) % filters == 0]
            if ways:
                why += f"; kernel taps × input channels = {' or '.join(ways)}"
        return [_unchecked(number, row, "params", params, why)] if row.params else []

    def global_pool(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        keep = len(row.shape) == len(before)  # keepdims: 1×1×C
        expected = (*(1,) * (len(before) - 1), before[-1]) if keep else (before[-1],)
        return [self.output(number, row, expected, f"a global pool keeps the {before[-1]} channels"),
                self.nothing_learned(number, row, "a global pool")]

    def adaptive(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        """PyTorch's adaptive pool: any output size (to 7×7 from 1×1 too, by repeating), the channels kept."""
        verdicts = [self.nothing_learned(number, row, "an adaptive pool")]
        if len(row.shape) != len(before) or row.shape[-1] != before[-1]:
            verdicts.append(self.output(number, row, (*row.shape[:-1], before[-1]) if len(row.shape) == len(before)
                                        else before, f"an adaptive pool keeps the {before[-1]} channels"))
            self.corrected = None  # the channels are known, the spatial sizes are not
            return verdicts
        steps = ", ".join(f"{n} → {m}" for n, m in zip(before[:-1], row.shape[:-1]))
        verdicts.append(_judge(number, row, "output", self.show(row.shape), self.show(row.shape), True, steps,
                               "an adaptive pool makes the size it is given from any input size"))
        return verdicts

    def flatten(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        """All axes into one; PyTorch's nn.Flatten(start_dim, end_dim) may merge only a run of its axes, in its
        order ([32, 768, 14, 14] to [32, 768, 196] by Flatten(2))."""
        if self.torch and len(row.shape) > 1 and (merged := merged_run(torch_order(before),
                                                                           torch_order(row.shape))):
            return [_judge(number, row, "output", self.show(row.shape), self.show(row.shape), True, merged,
                           "nn.Flatten(start_dim, end_dim) merges a run of axes"),
                    self.nothing_learned(number, row, "flatten")]
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

    def pixel_shuffle(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        """PyTorch's PixelShuffle(R): C·R² channels become C, on a map R times taller and wider."""
        r = row.shape[0] // before[0] if len(row.shape) == len(before) == 3 and before[0] else 0
        ok = r >= 1 and before[2] % (r * r) == 0 and row.shape == (before[0] * r, before[1] * r, before[2] // (r * r))
        return [_judge(number, row, "output", self.show(row.shape), "another shape", ok,
                       f"{kind} moves C·R² channels to an R×R block of C: {self.show(before)} → "
                       f"{self.show(row.shape)}"),
                self.nothing_learned(number, row, kind)]
    def channel_slice(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        """Keras' GetItem (x[..., a:b]): a slice of the channels keeps every other axis and at most the channels it
        reads; another item (x[:, 0]) is not checked."""
        verdicts = [self.nothing_learned(number, row, kind)]
        if len(row.shape) != len(before) or row.shape[:-1] != before[:-1]:
            return [_unchecked(number, row, "output", self.show(row.shape),
                               "an item other than a slice of the channels"), *verdicts]
        return [_judge(number, row, "output", self.show(row.shape), f"at most {before[-1]} channels",
                       row.shape[-1] <= before[-1], f"a slice of the {before[-1]} channels"), *verdicts]

    def shuffle(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        """A channel shuffle keeps its input's shape; in torchinfo's table the row before may not be its input (a
        torch.cat, as ShuffleNet's before each shuffle, has no row), so a shape that differs is not checked."""
        if row.shape != before and self.torch:
            return [_unchecked(number, row, "output", self.show(row.shape), "its input may be a concatenation, "
                               "which torchinfo shows no row for"), self.nothing_learned(number, row, kind)]
        return self.same(number, row, kind, before)

    def embedding(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        """Each of the token ids it reads becomes a vector of D, the row's last axis: V·D parameters, for a
        vocabulary of V the table does not show."""
        d = row.shape[-1] if row.shape else 0
        output = self.output(number, row, (*before, d), f"each of {self.show(before)} ids becomes a vector of {d}")
        ok = d > 0 and row.params > 0 and row.params % d == 0
        return [output, _judge(number, row, "params", f"{row.params:,}", f"a multiple of {d}", ok,
                               f"V·{d}: a vocabulary of {row.params // d:,} words" if ok else f"V·{d}")]

    def same(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        verdicts = [self.output(number, row, before, f"{kind} keeps the shape")]
        if kind not in _LEARNED:
            verdicts.append(self.nothing_learned(number, row, kind))
        elif kind in _COUNTS and before:
            # in a torchinfo table, a layer may act on PyTorch's last axis (after a permute), shown here before the
            # channels' axis moved last
            sizes = [before[-1], *([before[-2]] if self.torch and len(before) > 1 else [])]
            fits = [size for size in sizes if row.params in _COUNTS[kind](size)[0]]
            counts, how = _COUNTS[kind](fits[0] if fits else sizes[0])
            verdicts.append(_judge(number, row, "params", f"{row.params:,}", " or ".join(f"{n:,}" for n in counts),
                                   bool(fits), how))
        return verdicts

    def resample(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        """Zero padding and cropping add or take rows; upsampling repeats them; all keep the channels."""
        verdicts = [self.nothing_learned(number, row, kind)]
        if len(row.shape) != len(before) or row.shape[-1] != before[-1]:
            verdicts.append(self.output(number, row, (*row.shape[:-1], before[-1]) if len(row.shape) == len(before)
                                        else before, f"{kind} keeps the {before[-1]} channels"))
            return verdicts
        pairs = list(zip(before[:-1], row.shape[:-1]))
        pads = (all(m >= n for n, m in pairs), "pads: every size grows or stays")
        ok, words = {"Zero": pads, "Refl": pads, "Repl": pads,
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
        """(n + 1)·units on the last axis; in a PyTorch table, a one-axis output read from a map is a flatten the
        table cannot show (torch.flatten in forward()), so n is the map's product."""
        if self.torch:
            return self.linear(number, row, before)
        n, units = before[-1], row.shape[-1]
        output = self.output(number, row, (*before[:-1], units), "a dense layer keeps every axis but the last")
        return [output, self.dense_count(number, row, n, units, before[:-1])]

    def dense_count(self, number: int, row: PastedRow, n: int, units: int, kept: Shape, how: str = "") -> Verdict:
        """The count of a dense layer of ``units`` on ``n`` inputs; ``kept``: the axes it keeps, passed on in its
        corrected output when the count fits other units."""
        with_bias, without = (n + 1) * units, n * units
        ok = row.params in (with_bias, without)
        if not ok:  # the count may be right and the units misprinted: the next row may read the count's units
            fits = [row.params // m for m in (n + 1, n) if m and row.params % m == 0]
            self.corrected = (*kept, fits[0]) if fits else self.corrected
        note = "no bias" if row.params == without and without != with_bias else ""
        return _judge(number, row, "params", f"{row.params:,}", f"{with_bias:,} (or {without:,} without a bias)", ok,
                      f"({n} + 1)·{units} = {with_bias:,}" + (f", or {n}·{units} = {without:,} without a bias"),
                      "; ".join(part for part in (how, note) if part))

    def linear(self, number: int, row: PastedRow, before: Shape) -> list[Verdict]:
        """PyTorch's Linear, in PyTorch's axis order: on the last axis, or on a flatten of the map it reads."""
        torch_before, torch_row = torch_order(before), torch_order(row.shape)
        units = torch_row[-1]
        if len(torch_row) == 1 and len(torch_before) > 1:
            n = prod(torch_before)
            how = f"a flatten in forward(), which the table cannot show: {' × '.join(map(str, torch_before))} = " \
                  f"{n:,} inputs"
            count = self.dense_count(number, row, n, units, (), how)
            if count.status == "wrong":  # x[:, 0] or x.mean(1) in forward(): the last axis alone reaches it
                picked = self.dense_count(number, row, torch_before[-1], units, (),
                                          f"an index or a reduction in forward() keeps the last axis "
                                          f"({torch_before[-1]:,} inputs), which the table cannot show")
                count = picked if picked.status == "correct" else count
            output = _judge(number, row, "output", self.show(row.shape), self.show(row.shape), True, "",
                            count.note.split("; ")[0] if count.status == "correct" else how)
            return [output, count]
        expected = read_order((*torch_before[:-1], units))
        output = self.output(number, row, expected, "a linear layer keeps every axis but the last")
        count = self.dense_count(number, row, torch_before[-1], units, ())
        if self.corrected is not None and self.corrected != expected and len(torch_before) > 1:
            self.corrected = read_order((*torch_before[:-1], self.corrected[-1]))
        return [output, count]

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
