"""Does this stride fit?  One axis at a time, with what it costs and what would fit instead.

All arithmetic is :func:`cnncalc.arithmetic.window_axis`'s; this module only asks it
questions: the verdict, the cells no window reads, and nearby strides, paddings, input sizes
and kernel sizes for which the division is exact.

>>> report = check((7, 7), (3, 3), (3, 3))
>>> report.fits, report.axes[0].windows.output, report.axes[0].suggestions["strides"]
(False, 2, [{'s': 2, 'output': 3}, {'s': 4, 'output': 2}])
"""

from __future__ import annotations

from typing import Any

from .arithmetic import AxisWindows, effective_kernel, window_axis
from .errors import CnnCalcError, shorten
from .literals import TooLargeError, read_int
from .network import Network
from .records import record

__all__ = ["AxisReport", "StrideReport", "check", "check_network", "parse_padding", "parse_pair"]

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


def _require_room(w: AxisWindows, name: str) -> None:
    if w.span > w.padded:
        kernel = f"kernel {w.kernel}" + (f" (dilated to {w.span})" if w.dilation > 1 else "")
        raise CnnCalcError(
            f"{name}: {kernel} is larger than the padded input, {w.n} + {w.pad_before} + {w.pad_after} = {w.padded}",
            f"use a kernel of at most {w.padded}, more padding, or 'same'",
        )


def suggestions(w: AxisWindows) -> dict[str, Any]:
    """Nearby settings that fit exactly, each with the output it gives; same padding's split."""
    if w.mode == "same":
        found: dict[str, Any] = {"same_padding": {"total": w.pad_before + w.pad_after,
                                                  "before": w.pad_before, "after": w.pad_after}}
        if not w.fits:
            found["inputs"] = _nearest(w.n, lambda n: n % w.stride == 0, lambda n: -(-n // w.stride), "n", 1)
        return found
    if w.fits:
        return {}
    rest = w.padded - w.span
    return {
        "strides": _nearest(w.stride, lambda s: rest % s == 0, lambda s: rest // s + 1, "s", 1),
        "paddings": _paddings(w),
        "inputs": _nearest(w.n, lambda n: _input_fits(w, n), lambda n: (n + 2 * w.pad_before - w.span) // w.stride + 1,
                           "n", 1),
        "kernels": _nearest(w.kernel, lambda f: _kernel_fits(w, f),
                            lambda f: (w.padded - effective_kernel(f, w.dilation)) // w.stride + 1, "f", 1),
    }


def _input_fits(w: AxisWindows, n: int) -> bool:
    padded = n + 2 * w.pad_before
    return padded >= w.span and (padded - w.span) % w.stride == 0


def _kernel_fits(w: AxisWindows, f: int) -> bool:
    span = effective_kernel(f, w.dilation)
    return span <= w.padded and (w.padded - span) % w.stride == 0


def _nearest(start: int, fits: Any, output: Any, key: str, low: int) -> list[dict[str, int]]:
    """The nearest value below and the nearest above ``start`` for which ``fits`` holds."""
    found = []
    for direction in (-1, 1):
        value = start + direction
        while low <= value <= start + 4 * abs(start) + 64:
            if fits(value):
                found.append({key: value, "output": output(value)})
                break
            value += direction
    return found


def _paddings(w: AxisWindows) -> list[dict[str, Any]]:
    """The smallest symmetric padding that fits, and the smallest total if that must be split."""
    found: list[dict[str, Any]] = []
    base = w.n - w.span
    for p in range(w.pad_before + 1, w.pad_before + w.stride + 1):
        if (base + 2 * p) % w.stride == 0:
            found.append({"p": p, "output": (base + 2 * p) // w.stride + 1})
            break
    total = next(t for t in range(1, w.stride + 1) if (base + w.pad_before * 2 + t) % w.stride == 0)
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
