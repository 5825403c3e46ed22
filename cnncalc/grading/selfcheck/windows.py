"""The rules of the rows with windows (convolutions, transposed ones, pooling): which kernel explains the
count, and which kernel, stride and padding turn the input's sizes into the output's."""

from __future__ import annotations

from functools import lru_cache
from math import gcd, isqrt

from ...readers.pasted import PastedRow
from ..answers import Verdict
from .reading import Reading, Shape, _judge, _unchecked


class WindowRules(Reading):
    """The convolution and pooling rules of a reading."""

    def conv(self, number: int, row: PastedRow, kind: str, before: Shape, transposed: bool = False) -> list[Verdict]:
        """The kernel that explains the count and also reaches the output size: a square one if any does."""
        channels, filters = before[-1], row.shape[-1]
        rank = len(row.shape) - 1
        taps = tuple(tap for tap in _taps(kind, row.params, channels, filters) if self.grouped or tap[2] == 1)
        if not taps:
            formula = f"(taps·{channels} + 1)·{filters}" if not kind.startswith("Depthwise") else \
                f"(taps + 1)·{channels}·m"
            return [_judge(number, row, "params", f"{row.params:,}", "a whole-number kernel", False,
                           f"no whole-number kernel explains it: {formula} never equals {row.params:,}"),
                    self.spatial(number, row, before, list(range(1, 12)), transposed=transposed)]
        # square kernels first, odd ones (3×3, 5×5) before even ones, else in order
        ranked = sorted(taps, key=lambda tap: (not _side(tap[0], rank), _side(tap[0], rank) % 2 == 0))
        # a grouped kernel larger than 11×11 explains a count by chance more than by design: the last resort
        ranked = [tap for tap in ranked if tap[2] == 1 or tap[0] <= _GROUPED_TAPS ** rank] or ranked
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
        ways = [_reach_transposed(n, m, kernels) if transposed else _reach(n, m, kernels, pool, self.torch)
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


#: The largest side a grouped kernel is read as having (ConvNeXt's depthwise 7×7, the odd 9×9 and 11×11).
_GROUPED_TAPS = 11


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


def _reach(n: int, m: int, kernels: list[int], pool: bool, torch: bool = False) -> str:
    """The simplest kernel/stride/padding (then dilation) that turns n into m ('3, stride 1, valid'), or ''."""
    return _reached(n, m, tuple(kernels), pool, torch)


@lru_cache(maxsize=4096)  # a paste repeats its sizes; each step is worked out once
def _reached(n: int, m: int, kernels: tuple[int, ...], pool: bool, torch: bool) -> str:
    """Only what the framework can do: Keras pads 'valid' or 'same' (ceil(n / stride)), any stride; PyTorch pads
    by a number (a pool, or a strided convolution, by at most half its kernel; a convolution at stride 1 by up
    to one more than its kernel: a 2×2 kernel padded by 3 turns 4 into 9), its padding='same' keeps the size at
    stride 1 only, and its pools may round up (ceil_mode). Every explanation keeps the kernel within the padded
    input."""
    for k, s, d in _ways(kernels, pool):
        if d > 1 and not torch and (s > 1 or pool):
            continue  # Keras refuses a stride with a dilation, and its pools have none
        span = (k - 1) * d + 1
        dilated = f", dilation {d}" if d > 1 else ""
        if (n - span) // s + 1 == m and n >= span:
            return f"kernel {k}, stride {s}{dilated}, valid"
        if torch:
            found = _torch_padding(n, m, k, s, d, pool)
            if found:
                return found
            continue
        if -(-n // s) == m:
            return f"kernel {k}, stride {s}, same"
        # the least padding p ≥ 1 with s(m − 1) ≤ n + 2p − span < s·m, if it is at most span // 2
        p = max(1, -(-(s * (m - 1) - n + span) // 2))
        if p <= span // 2 and (n + 2 * p - span) // s + 1 == m:
            return f"kernel {k}, stride {s}{dilated}, padding {p}"
    return ""


def _torch_padding(n: int, m: int, k: int, s: int, d: int, pool: bool) -> str:
    """PyTorch's padding that turns n into m with kernel k, stride s and dilation d, as it would be written, or ''."""
    span = (k - 1) * d + 1
    dilated = f", dilation {d}" if d > 1 else ""
    if s == 1 and m == n and not pool and span % 2:
        return f"kernel {k}, stride 1{dilated}, padding {span // 2} (same)"
    most = span // 2 if pool or s > 1 else span + 1
    p = max(1, -(-(s * (m - 1) - n + span) // 2))  # the least padding p ≥ 1 with floor((n + 2p − span) / s) + 1 = m
    if p <= most and n + 2 * p >= span and (n + 2 * p - span) // s + 1 == m:
        return f"kernel {k}, stride {s}{dilated}, padding {p}"
    if pool:  # ceil_mode: the last window may start past the padded end's last full window, not past the input
        for p in range(most + 1):
            out = -(-(n + 2 * p - span) // s) + 1
            if (out - 1) * s >= n + p:
                out -= 1
            if n + 2 * p >= span and out == m:
                return f"kernel {k}, stride {s}{dilated}" + (f", padding {p}" if p else "") + ", ceil_mode"
    return ""


@lru_cache(maxsize=64)
def _ways(kernels: tuple[int, ...], pool: bool) -> tuple[tuple[int, int, int], ...]:
    """(kernel, stride, dilation) in the order :func:`_reach` tries them: the simplest first."""
    strides = range(1, 9)
    return tuple([(k, k, 1) for k in kernels if pool] + [(k, s, 1) for s in strides for k in kernels] +
                 [(k, k, 1) for k in kernels if k > strides[-1]] +  # a patch embedding: kernel 16, stride 16
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
