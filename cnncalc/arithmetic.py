"""Window arithmetic along one spatial axis: the single home of (n + 2p − f)/s + 1.

Every conv and pool rule in cnncalc, the summary's stride warnings and ``check-stride`` all
call :func:`window_axis`; nothing else computes an output size.  The conventions are the
frameworks':

* ``valid`` and explicit padding floor, as Keras' ``compute_conv_output_shape`` and
  PyTorch's ``pooling_output_shape`` do: ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1.
* ``same`` is Keras': the output is ⌈n/s⌉ and the total padding
  max((out − 1)·s + d(k−1) + 1 − n, 0) is split with the odd row at the end (bottom/right).
* ``ceil`` is PyTorch's ``ceil_mode``: ⌈…⌉ + 1, then one fewer if the last window would
  start past the input and its leading padding.

>>> window_axis(28, 3).output
26
>>> window_axis(11, 2, 2).formula(compact=True)
'(11 − 2)/2 + 1 = 5.5 → 5'
>>> window_axis(7, 3, 3).formula()
'(7 + 2·0 − 3)/3 + 1 = 2.33 → 2'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .records import record

if TYPE_CHECKING:  # only explanations need exact fractions; importing them costs start-up time
    from fractions import Fraction

__all__ = [
    "AxisWindows",
    "effective_kernel",
    "format_number",
    "same_padding",
    "window_axis",
]


def effective_kernel(kernel: int, dilation: int = 1) -> int:
    """The span a dilated kernel covers: d(k − 1) + 1.

    >>> effective_kernel(3, 2)
    5
    """
    return dilation * (kernel - 1) + 1


def same_padding(n: int, kernel: int, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    """Keras/TensorFlow ``same`` padding as (before, after); the odd row goes after.

    >>> same_padding(28, 3, 2)   # out 14: (14 − 1)·2 + 3 − 28 = 1 row, at the bottom
    (0, 1)
    >>> same_padding(28, 5)
    (2, 2)
    """
    output = -(-n // stride)
    total = max((output - 1) * stride + effective_kernel(kernel, dilation) - n, 0)
    return total // 2, total - total // 2


def format_number(value: Fraction | float | int) -> str:
    """Print a size the way the lectures do: integers bare, others to two decimals.

    >>> from fractions import Fraction
    >>> format_number(Fraction(11, 2)), format_number(Fraction(7, 3)), format_number(55)
    ('5.5', '2.33', '55')
    """
    if getattr(value, "denominator", 0) == 1:
        return str(value.numerator)  # type: ignore[union-attr]
    if isinstance(value, int):
        return str(value)
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _covered(starts: int, stride: int, width: int, upto: int) -> int:
    """Cells in [0, upto) that lie under at least one of ``starts`` windows of ``width``.

    Window i covers [i·stride, i·stride + width).  O(1): overlapping windows form one
    interval; disjoint ones are counted as full windows plus the one cut by ``upto``.
    """
    if starts <= 0 or upto <= 0:
        return 0
    if stride <= width:
        return min(upto, (starts - 1) * stride + width)
    full = 0 if upto < width else min(starts, (upto - width) // stride + 1)
    partial = 0
    if full < starts:
        partial = min(max(upto - full * stride, 0), width)
    return full * width + partial


@record
class AxisWindows:
    """Where the windows of one conv or pool axis fall, and what that costs.

    Coordinates are in the padded axis: the input occupies [pad_before, pad_before + n).
    """

    n: int
    kernel: int
    stride: int
    pad_before: int
    pad_after: int
    dilation: int
    mode: str  # "valid", "explicit" or "same"
    ceil: bool
    output: int

    @property
    def span(self) -> int:
        """The effective kernel d(k − 1) + 1."""
        return effective_kernel(self.kernel, self.dilation)

    @property
    def padded(self) -> int:
        return self.n + self.pad_before + self.pad_after

    @property
    def numerator(self) -> int:
        """n + 2p − d(k − 1) − 1: what the stride must divide."""
        return self.padded - self.span

    @property
    def exact(self) -> Fraction:
        """The unrounded output (n + 2p − d(k−1) − 1)/s + 1; for ``same``, n/s."""
        from fractions import Fraction  # only explanations need the exact value

        if self.mode == "same":
            return Fraction(self.n, self.stride)
        return Fraction(self.numerator, self.stride) + 1

    @property
    def floor_output(self) -> int:
        """The size Keras and PyTorch produce without ``ceil``."""
        if self.mode == "same":
            return -(-self.n // self.stride)
        return self.numerator // self.stride + 1

    @property
    def ceil_output(self) -> int:
        """The size PyTorch's ``ceil_mode=True`` produces."""
        return _ceil_output(self.n, self.span, self.stride, self.pad_before, self.pad_after)

    @property
    def fits(self) -> bool:
        """Whether the stride divides evenly, so no rounding happens."""
        return (self.n if self.mode == "same" else self.numerator) % self.stride == 0

    @property
    def starts(self) -> list[int]:
        """Window start positions in input coordinates (negative ones begin in padding)."""
        return [i * self.stride - self.pad_before for i in range(self.output)]

    @property
    def uncovered(self) -> int:
        """How many input cells (not padding) no window ever reads."""
        if self.fits and self.stride <= self.span and self.pad_before < self.span and self.dilation == 1:
            return 0  # contiguous windows from the first real cell to the padded end read it all
        if self.dilation > 1:
            return self.n - len(self._read_cells())
        read = _covered(self.output, self.stride, self.span, self.pad_before + self.n)
        read -= _covered(self.output, self.stride, self.span, self.pad_before)
        return self.n - read

    @property
    def uncovered_tail(self) -> int:
        """Input cells past the last window: the rows or columns flooring throws away."""
        last_end = (self.output - 1) * self.stride + self.span
        return max(0, self.pad_before + self.n - max(last_end, self.pad_before))

    def uncovered_cells(self, limit: int = 64) -> list[int]:
        """The first ``limit`` input indices (0-based) that no window reads."""
        if self.dilation > 1:
            read = self._read_cells()
            return [i for i in range(self.n) if i not in read][:limit]
        cells: list[int] = []
        position = 0
        for start in self.starts:
            while position < min(start, self.n) and len(cells) < limit:
                cells.append(position)
                position += 1
            position = max(position, start + self.span)
        while position < self.n and len(cells) < limit:
            cells.append(position)
            position += 1
        return cells

    def _read_cells(self) -> set[int]:
        # Dilated windows read every d-th cell of their span; counted cell by cell,
        # which is only used for explanations on human-sized axes.
        taps = range(0, self.span, self.dilation)
        return {s + t for s in self.starts for t in taps if 0 <= s + t < self.n}

    def formula(self, compact: bool = False) -> str:
        """The arithmetic with numbers substituted, as the lectures write it.

        ``compact`` drops a zero padding term, as in the summary's footnotes.

        >>> window_axis(227, 11, 4).formula()
        '(227 + 2·0 − 11)/4 + 1 = 55'
        >>> window_axis(28, 3, 2, "same").formula()
        '⌈28/2⌉ = 14'
        >>> window_axis(11, 2, 2, ceil=True).formula(compact=True)
        '(11 − 2)/2 + 1 = 5.5 → 6 (ceil)'
        """
        if self.mode == "same":
            return f"⌈{self.n}/{self.stride}⌉ = {self.output}"
        text = f"{self._numerator_text(compact)}/{self.stride} + 1 = {format_number(self.exact)}"
        if not self.fits:
            text += f" → {self.output}" + (" (ceil)" if self.ceil else "")
        return text

    def _numerator_text(self, compact: bool) -> str:
        kernel = str(self.kernel)
        if self.dilation > 1:
            kernel = f"{self.dilation}·({self.kernel} − 1) − 1"
        if self.pad_before != self.pad_after:
            pad = f" + {self.pad_before} + {self.pad_after}"
        elif compact and self.pad_before == 0:
            pad = ""
        else:
            pad = f" + 2·{self.pad_before}"
        return f"({self.n}{pad} − {kernel})"


def _ceil_output(n: int, span: int, stride: int, before: int, after: int) -> int:
    output = -(-(n + before + after - span) // stride) + 1
    # PyTorch: "ensure that the last pooling starts inside the image"
    if (output - 1) * stride >= n + before:
        output -= 1
    return output


def window_axis(
    n: int,
    kernel: int,
    stride: int = 1,
    padding: str | int | tuple[int, int] = 0,
    dilation: int = 1,
    ceil: bool = False,
) -> AxisWindows:
    """Place the windows of a conv or pool along one axis.

    ``padding`` is ``"valid"``, ``"same"``, a symmetric int, or (before, after).  The result
    may have an output of zero or less; callers decide how to report that.

    >>> window_axis(32, 5, 1, 2).output
    32
    >>> window_axis(5, 2, 2, ceil=True).output   # seed 000's 5×5 map pooled to 3×3
    3
    """
    if padding == "same":
        before, after = same_padding(n, kernel, stride, dilation)
        mode = "same"
    elif isinstance(padding, str):  # "valid"
        before = after = 0
        mode = "valid"
    else:
        before, after = (padding, padding) if isinstance(padding, int) else padding
        mode = "explicit" if (before or after) else "valid"
    span = effective_kernel(kernel, dilation)
    if ceil and mode != "same":
        output = _ceil_output(n, span, stride, before, after)
    else:
        output = (n + before + after - span) // stride + 1
    return AxisWindows(n, kernel, stride, before, after, dilation, mode, ceil, output)
