"""Does this stride fit?  One axis at a time, with what it costs and what would fit instead.

All arithmetic is :func:`cnncalc.model.arithmetic.window_axis`'s; this module only asks it
questions: the verdict, the cells no window reads, and nearby strides, paddings, input sizes
and kernel sizes for which the division is exact.

>>> report = check((7, 7), (3, 3), (3, 3))
>>> report.fits, report.axes[0].windows.output, report.axes[0].suggestions["strides"]
(False, 2, [{'s': 2, 'output': 3}, {'s': 4, 'output': 2}])
"""

from __future__ import annotations

from math import gcd
from typing import Any

from ..errors import CnnCalcError, shorten
from ..graph.network import Network
from ..language.literals import TooLargeError, read_int
from ..model.arithmetic import AxisWindows, effective_kernel, window_axis
from ..model.records import record
from .divisors import _divisors

__all__ = ["AxisReport", "FitCondition", "StrideReport", "check", "check_network", "fit_condition", "parse_padding",
           "parse_pair"]

Pair = tuple[int, int]
#: "valid", "same", or explicit (before/after-symmetric) padding per axis.
AxisPadding = str | int


@record
class AxisReport:
    """One axis: its windows and, when the stride does not fit, what would."""

    axis: str
    windows: AxisWindows
    suggestions: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        w = self.windows
        return {
            "axis": self.axis, "n": w.n, "f": w.kernel, "s": w.stride,
            "p": w.mode if w.mode == "same" else w.pad_before, "d": w.dilation,
            "exact": round(float(w.exact), 4), "output": w.floor_output, "ceil_output": w.ceil_output,
            "fits": w.fits, "uncovered": w.uncovered, "suggestions": self.suggestions,
        }


@record
class StrideReport:
    axes: tuple[AxisReport, ...]

    @property
    def fits(self) -> bool:
        return all(axis.windows.fits for axis in self.axes)

    def as_json(self) -> dict[str, Any]:
        return {"fits": self.fits, "dims": [axis.as_json() for axis in self.axes]}


def parse_pair(text: str, what: str, minimum: int = 1) -> Pair:
    """``7`` or ``251x151`` as (H, W).

    >>> parse_pair("251x151", "input size")
    (251, 151)
    """
    parts = text.strip().lower().replace("×", "x").split("x")
    try:
        numbers = [_signed_int(part.strip()) for part in parts]
    except TooLargeError as error:
        raise CnnCalcError(f"{what} '{shorten(text)}' is too large: {error}",
                           "sizes, kernels, strides and paddings are at most 10^18 − 1") from None
    except ValueError:
        raise CnnCalcError(f"cannot read {what} '{shorten(text)}'",
                           "write it as a whole number or HxW, as in 7 or 251x151") from None
    if len(numbers) not in (1, 2):
        raise CnnCalcError(f"{what} '{shorten(text)}' has {len(numbers)} parts", "write it as a whole number or HxW")
    if min(numbers) < minimum:
        raise CnnCalcError(f"{what} must be at least {minimum}, got '{shorten(text)}'")
    return (numbers[0], numbers[-1])


def _signed_int(text: str) -> int:
    digits = text[1:] if text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(text)
    return -read_int(digits) if text.startswith("-") else read_int(digits)


def parse_padding(text: str) -> tuple[AxisPadding, AxisPadding]:
    """``0``, ``1x2``, ``valid`` or ``same`` as a padding per axis."""
    if text.lower() in ("valid", "same"):
        return (text.lower(), text.lower())
    try:
        return parse_pair(text, "padding", minimum=0)
    except CnnCalcError as error:
        raise CnnCalcError(error.message, "padding is a whole number ≥ 0, PHxPW, 'valid' or 'same'") from None


def check(n: Pair, f: Pair, s: Pair, p: tuple[AxisPadding, AxisPadding] = (0, 0), d: Pair = (1, 1),
          ceil: bool = False) -> StrideReport:
    """Check both axes of a window; raise :class:`CnnCalcError` if the kernel cannot fit at all."""
    axes = []
    for index, name in enumerate(("H", "W")):
        windows = window_axis(n[index], f[index], s[index], p[index], d[index], ceil)
        _require_room(windows, name)
        axes.append(AxisReport(name, windows, suggestions(windows)))
    return StrideReport(tuple(axes))


@record
class FitCondition:
    """For which input sizes N a window fits: N ≡ residue (mod modulus) and N ≥ minimum."""

    name: str
    kernel: int
    stride: int
    padding: AxisPadding
    dilation: int
    residue: int
    modulus: int
    minimum: int

    def sizes(self, count: int = 4) -> list[int]:
        """The first sizes that fit."""
        first = self.minimum + (self.residue - self.minimum) % self.modulus
        return [first + k * self.modulus for k in range(count)]

    def as_json(self) -> dict[str, Any]:
        return {"input": self.name, "kernel": self.kernel, "stride": self.stride, "padding": self.padding,
                "dilation": self.dilation, "fits_when": {"residue": self.residue, "modulus": self.modulus,
                                                         "minimum": self.minimum}, "first_sizes": self.sizes()}


def fit_condition(name: str, f: int, s: int, p: AxisPadding = 0, d: int = 1) -> FitCondition:
    """Which N a stride fits: (N + 2p − d(f − 1) − 1) divisible by s, so N ≡ d(f − 1) + 1 − 2p (mod s), and the
    window inside the padded input, N ≥ d(f − 1) + 1 − 2p; with 'same', N ≡ 0 (mod s), N ≥ 1.

    >>> c = fit_condition("N", 3, 3)                # 7 does not fit a 3×3 kernel at stride 3
    >>> c.residue, c.modulus, c.minimum, c.sizes()
    (0, 3, 3, [3, 6, 9, 12])
    >>> fit_condition("N", 11, 4).sizes(3)      # AlexNet's 227 is one: (227 − 11)/4 + 1 = 55
    [11, 15, 19]
    """
    span = d * (f - 1) + 1
    if p == "same":
        return FitCondition(name, f, s, p, d, 0, s, 1)
    pad = 0 if p == "valid" else int(p)
    low = max(1, span - 2 * pad)
    return FitCondition(name, f, s, p, d, (span - 2 * pad) % s, s, low)


def _require_room(w: AxisWindows, name: str) -> None:
    if w.span > w.padded:
        kernel = f"kernel {w.kernel}" + (f" (dilated to {w.span})" if w.dilation > 1 else "")
        raise CnnCalcError(
            f"{name}: {kernel} is larger than the padded input, {w.n} + {w.pad_before} + {w.pad_after} = {w.padded}",
            f"use a kernel of at most {w.padded}, more padding, or 'same'",
        )


def suggestions(w: AxisWindows) -> dict[str, Any]:
    """Nearby settings that fit exactly, each with the output it gives; same padding's split.

    Every search is closed-form number theory (divisors, linear congruences), never a scan, so
    a stride of 10⁹ answers as fast as a stride of 2.
    """
    if w.mode == "same":
        found: dict[str, Any] = {"same_padding": {"total": w.pad_before + w.pad_after,
                                                  "before": w.pad_before, "after": w.pad_after}}
        if not w.fits:
            found["inputs"] = _listed("n", _neighbours(w.n, 0, w.stride, 1, _reach(w.n)),
                                      lambda n: -(-n // w.stride))
        return found
    if w.fits:
        return {}
    rest = w.padded - w.span
    smallest_input = max(1, w.span - 2 * w.pad_before)
    return {
        "strides": _listed("s", _nearest_divisors(rest, w.stride), lambda s: rest // s + 1),
        "paddings": _paddings(w),
        "inputs": _listed("n", _neighbours(w.n, (w.span - 2 * w.pad_before) % w.stride, w.stride, smallest_input,
                                           _reach(w.n)),
                          lambda n: (n + 2 * w.pad_before - w.span) // w.stride + 1),
        "kernels": _listed("f", _kernels(w), lambda f: (w.padded - effective_kernel(f, w.dilation)) // w.stride + 1),
    }


def _reach(start: int) -> int:
    """How far above ``start`` a suggestion may be and still count as nearby."""
    return 5 * start + 64


def _listed(key: str, values: list[int], output: Any) -> list[dict[str, int]]:
    return [{key: value, "output": output(value)} for value in values]


def _neighbours(start: int, residue: int, modulus: int, low: int, high: int) -> list[int]:
    """The nearest value below ``start`` (≥ low) and above it (≤ high) that is ≡ residue (mod modulus)."""
    below = start - 1 - (start - 1 - residue) % modulus
    above = start + 1 + (residue - start - 1) % modulus
    return [v for v in (below, above) if low <= v <= high and v != start]


def _kernels(w: AxisWindows) -> list[int]:
    """Kernels f with d(f − 1) ≡ padded − 1 (mod s) that still fit: a linear congruence."""
    g = gcd(w.dilation, w.stride)
    if (w.padded - 1) % g:
        return []
    modulus = w.stride // g
    # f − 1 ≡ (padded − 1)/g · (d/g)⁻¹ (mod s/g); pow(x, -1, 1) is 0, which also covers s/g = 1
    residue = (1 + (w.padded - 1) // g * pow(w.dilation // g, -1, modulus)) % modulus
    largest = (w.padded - 1) // w.dilation + 1  # the kernel must fit in the padded input
    return _neighbours(w.kernel, residue, modulus, 1, min(largest, _reach(w.kernel)))


def _nearest_divisors(number: int, start: int) -> list[int]:
    """The divisors of ``number`` nearest ``start``, one below and one above (within reach)."""
    divisors = _divisors(number)
    below = [d for d in divisors if d < start]
    above = [d for d in divisors if start < d <= _reach(start)]
    return ([max(below)] if below else []) + ([min(above)] if above else [])


def _paddings(w: AxisWindows) -> list[dict[str, Any]]:
    """The smallest symmetric padding that fits, and the smallest total if that must be split.

    2p ≡ −(n − span) (mod s) is a linear congruence: solvable when gcd(2, s) divides n − span.
    """
    found: list[dict[str, Any]] = []
    base = w.n - w.span
    g = gcd(2, w.stride)
    if base % g == 0:
        modulus = w.stride // g
        residue = ((-base // g) * pow(2 // g, -1, modulus)) % modulus if modulus > 1 else 0
        p = _neighbours(w.pad_before, residue, modulus, 0, w.pad_before + w.stride)[-1]
        found.append({"p": p, "output": (base + 2 * p) // w.stride + 1})
    total = (-(base + w.pad_before * 2)) % w.stride or w.stride
    if not found or 2 * found[0]["p"] != 2 * w.pad_before + total:
        found.append({"before": w.pad_before + total // 2, "after": w.pad_before + total - total // 2,
                      "output": (base + 2 * w.pad_before + total) // w.stride + 1})
    return found


def check_network(net: Network) -> list[tuple[Any, StrideReport]]:
    """Every conv and pool layer of a network with its report, the worst first.

    Worst means: a stride that does not fit, then the most input never read.
    """
    rows = []
    for layer in net.layers:
        if len(layer.axes) == 2:
            reports = tuple(AxisReport(name, axis, suggestions(axis)) for name, axis in zip("HW", layer.axes))
            rows.append((layer, StrideReport(reports)))
    return sorted(rows, key=lambda row: (row[1].fits, -sum(a.windows.uncovered for a in row[1].axes),
                                         row[0].index))
