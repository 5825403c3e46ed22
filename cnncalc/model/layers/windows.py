"""Sliding windows along the axes of a conv or pool layer, and the findings about strides and padding they
give (input never read, a window hanging over the edge, same padding's odd cell)."""

from __future__ import annotations

from typing import Any

from ..arithmetic import AxisWindows, window_axis
from ..records import record
from .base import Finding, Layer, Padding, Pair, RuleError, Shape, dims_text


@record
class Windowed(Layer):
    """Shared machinery of conv and pool layers: two axes of windows."""

    def windows(
        self, h: int, w: int, kernel: Pair, strides: Pair, padding: Padding, dilation: Pair,
        ceil: bool = False,
    ) -> tuple[AxisWindows, AxisWindows]:
        pads: tuple[str | int, str | int]
        pads = (padding, padding) if isinstance(padding, str) else padding
        rows = window_axis(h, kernel[0], strides[0], pads[0], dilation[0], ceil)
        square = h == w and kernel[0] == kernel[1] and strides[0] == strides[1] and pads[0] == pads[1] and \
            dilation[0] == dilation[1]
        axes = (rows, rows if square else window_axis(w, kernel[1], strides[1], pads[1], dilation[1], ceil))
        if min(axes[0].output, axes[1].output) <= 0:
            raise RuleError(
                "Computed output size would be zero or negative. "
                f"Received: input {h}×{w}, kernel {dims_text(kernel)}"
                + (f", dilation {dims_text(dilation)}" if max(dilation) > 1 else "")
                + f", strides {dims_text(strides)}, padding {padding_text(padding)}",
                _too_small_hint(axes),
            )
        return axes


def _too_small_hint(axes: tuple[AxisWindows, AxisWindows]) -> str:
    worst = min(axes, key=lambda a: a.output)
    return (
        f"a window of {worst.span} needs at least {worst.span} input rows or columns, "
        f"and this axis has {worst.padded}; use 'same' padding, a smaller kernel, "
        "or remove a pooling layer before it"
    )


def padding_text(padding: Padding) -> str:
    if isinstance(padding, str):
        return padding
    return f"p{padding[0]}" if padding[0] == padding[1] else f"p{padding[0]}x{padding[1]}"


def stride_findings(axes: tuple[AxisWindows, AxisWindows], shape: Shape) -> list[Finding]:
    """Warnings for strides that do not divide evenly or skip input, notes for uneven padding."""
    findings: list[Finding] = []
    volume = f"{shape[0]}×{shape[1]}"
    h, w = axes
    if h == w:
        if _flagged(h):
            findings.append(_axis_finding(h, "row and column", volume))
    else:
        findings.extend(
            _axis_finding(axis, noun, volume, prefix)
            for axis, noun, prefix in ((h, "row", "H: "), (w, "column", "W: "))
            if _flagged(axis)
        )
    findings.extend(_same_split_note(axes))
    return findings


def _flagged(axis: AxisWindows) -> bool:
    """An axis is worth a finding if its stride rounds (outside ``same``) or it skips input."""
    return (not axis.fits and axis.mode != "same") or axis.uncovered > 0


def _axis_finding(axis: AxisWindows, noun: str, volume: str, prefix: str = "") -> Finding:
    if axis.ceil:
        text = axis.formula(compact=True)
        if not axis.uncovered:
            inside = min(axis.span, axis.pad_before + axis.n - (axis.output - 1) * axis.stride)
            rows = {"row": "rows", "column": "columns"}.get(noun, "rows and columns")
            return Finding("note", f"{prefix}{text}; the last window hangs over the edge and "
                                   f"reads only {inside} of its {axis.span} {rows}")
    else:
        text = axis.formula(compact=True)
    cost = _cost(axis, noun, volume)
    return Finding("warning", f"{prefix}{text}; {cost}")


def _plural(count: int, noun: str) -> str:
    if noun == "row and column":
        return "row and column" if count == 1 else f"{count} rows and columns"
    return noun if count == 1 else f"{count} {noun}s"


def _cost(axis: AxisWindows, noun: str, volume: str) -> str:
    tail, total = axis.uncovered_tail, axis.uncovered
    gaps = total - tail
    verb = "is" if (tail == 1 and noun != "row and column" and not gaps) else "are"
    parts = []
    if tail:
        parts.append(f"the last {_plural(tail, noun)}")
    if gaps:
        between = f"{f'{gaps} more' if tail else _plural(gaps, noun)} between windows"
        parts.append(f"{between} (stride {axis.stride} > window {axis.span})")
    if not parts:
        return "only padding is skipped, so no input is lost"
    return f"{' and '.join(parts)} of the {volume} input {verb} never read"


def _same_split_note(axes: tuple[AxisWindows, AxisWindows]) -> list[Finding]:
    h, w = axes
    if h.mode != "same" or (h.pad_before == h.pad_after and w.pad_before == w.pad_after):
        return []
    return [Finding(
        "note",
        f"same padding on {h.n}×{w.n} pads {h.pad_before} top, {h.pad_after} bottom, "
        f"{w.pad_before} left, {w.pad_after} right: the odd row or column goes at the "
        "bottom/right, as in Keras and TensorFlow",
    )]


def one_axis(n: int, kernel: int, stride: int, padding: Padding, dilation: int, ceil: bool = False) -> AxisWindows:
    pad = padding if isinstance(padding, str) else padding[0]
    axis = window_axis(n, kernel, stride, pad, dilation, ceil)
    if axis.output <= 0:
        raise RuleError("Computed output size would be zero or negative. "
                        f"Received: input length {n}, kernel {kernel}, stride {stride}, "
                        f"padding {padding_text(padding)}",
                        f"a window of {axis.span} needs at least {axis.span} positions; use 'same' or a smaller kernel")
    return axis


def sequence_findings(axis: AxisWindows, length: int) -> tuple[Finding, ...]:
    return (_axis_finding(axis, "position", str(length)),) if _flagged(axis) else ()


_AXIS_NAMES = (("D: ", "slice"), ("H: ", "row"), ("W: ", "column"))


def window_axes(sizes: tuple[int, ...], kernel: tuple[int, ...], strides: tuple[int, ...], padding: Any,
                dilation: tuple[int, ...], ceil: bool = False) -> tuple[AxisWindows, ...]:
    """Windows along every axis of an n-D layer; an axis without room for one window is an error."""
    pads = (padding,) * len(sizes) if isinstance(padding, str) else padding
    axes = tuple(window_axis(n, k, s, p, d, ceil) for n, k, s, p, d in zip(sizes, kernel, strides, pads, dilation))
    worst = min(axes, key=lambda a: a.output)
    if worst.output <= 0:
        raise RuleError("Computed output size would be zero or negative. "
                        f"Received: input {dims_text(sizes)}, kernel {dims_text(kernel)}, "
                        f"strides {dims_text(strides)}, "
                        f"padding {padding if isinstance(padding, str) else dims_text(padding)}",
                        f"a window of {worst.span} needs at least {worst.span} input positions, and this axis has "
                        f"{worst.padded}; use 'same' padding or a smaller kernel")
    return axes


def volume_findings(axes: tuple[AxisWindows, ...], sizes: tuple[int, ...]) -> tuple[Finding, ...]:
    volume = dims_text(sizes)
    return tuple(_axis_finding(axis, noun, volume, prefix)
                 for axis, (prefix, noun) in zip(axes, _AXIS_NAMES) if _flagged(axis))
