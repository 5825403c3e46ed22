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

from .lattice import Lattice, _union_count
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
    def exact_text(self) -> str:
        """:attr:`exact` as :func:`format_number` prints it, without ``fractions`` (kept off the JSON path).

        >>> all(w.exact_text == format_number(w.exact) for w in (window_axis(n, k, s, p) for n in range(1, 30)
        ...     for k in range(1, n + 1) for s in range(1, 9) for p in (0, 1, "same")))
        True
        """
        top, bottom = (self.n, self.stride) if self.mode == "same" else (self.numerator + self.stride, self.stride)
        return str(top // bottom) if top % bottom == 0 else f"{top / bottom:.2f}".rstrip("0").rstrip(".")

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
    def uncovered(self) -> int:
        """How many input cells (not padding) no window ever reads."""
        if self.fits and self.stride <= self.span and self.pad_before < self.span and self.dilation == 1:
            return 0  # contiguous windows from the first real cell to the padded end read it all
        if self.dilation > 1:
            return self.n - self._dilated_reads(self.pad_before, self.pad_before + self.n)
        read = _union_count(self.output, self.stride, self.span, self.pad_before + self.n)
        read -= _union_count(self.output, self.stride, self.span, self.pad_before)
        return self.n - read

    @property
    def uncovered_tail(self) -> int:
        """Input cells past the last window: the rows or columns flooring throws away."""
        last_end = (self.output - 1) * self.stride + self.span
        return max(0, self.pad_before + self.n - max(last_end, self.pad_before))

    def start_of(self, window: int) -> int:
        """Where window ``window`` (0-based) starts, in input coordinates."""
        return window * self.stride - self.pad_before

    def uncovered_cells(self, limit: int = 64) -> list[int]:
        """The first input indices (0-based) that no window reads, at most ``limit``; fast for any n.

        Exact and complete for undilated windows.  Dilated ones are walked cell by cell with an
        O(1) test for at most :data:`WALK_BUDGET` cells, so a listing may stop early (the count in
        :attr:`uncovered` is always exact).
        """
        if self.uncovered == 0:
            return []
        if self.dilation > 1:
            return self._uncovered_dilated(limit)
        if self.stride <= self.span:  # contiguous windows: only the two ends can be missed
            first = max(0, self.start_of(0))
            last_end = self.start_of(self.output - 1) + self.span
            head = range(min(first, self.n, limit))
            tail = range(max(last_end, 0), min(self.n, max(last_end, 0) + limit))
            return [*head, *tail][:limit]
        cells: list[int] = []
        # the first window that reaches the input; windows wholly in the left padding read nothing
        window = max(0, -(-(self.pad_before - self.span + 1) // self.stride))
        position = 0
        while window < self.output and len(cells) < limit and position < self.n:
            start = self.start_of(window)
            gap_end = min(max(start, position), self.n, position + limit - len(cells))
            cells += range(position, gap_end)
            position = max(position, start + self.span)
            window += 1
        cells += range(position, min(self.n, position + limit - len(cells)))
        return cells[:limit]

    def _lattice(self) -> Lattice:
        return Lattice(self.output, self.stride, self.kernel, self.dilation)

    def _uncovered_dilated(self, limit: int) -> list[int]:
        lattice = self._lattice()
        residues_all = lattice.every_residue_read()
        inner_low = max(self.pad_before, self.span - 1)
        inner_high = (self.output - 1) * self.stride + 1
        cells: list[int] = []
        index, steps = 0, 0
        while index < self.n and len(cells) < limit and steps < WALK_BUDGET:
            x = self.pad_before + index
            if residues_all and inner_low <= x < inner_high:
                index = inner_high - self.pad_before  # the whole middle is read: skip to the end
                continue
            if not lattice.reads(x):
                cells.append(index)
            index += 1
            steps += 1
        return cells

    def _dilated_reads(self, low: int, high: int) -> int:
        """How many padded cells in [low, high) some dilated window reads (see :class:`Lattice`)."""
        return self._lattice().count(low, high)

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
        text = f"{self._numerator_text(compact)}/{self.stride} + 1 = {self.exact_text}"
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


#: How many cells a listing of uncovered dilated cells may test before it stops.
WALK_BUDGET = 100_000


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

    ``padding`` is ``"valid"``, ``"same"``, ``"causal"``, a symmetric int, or (before, after).  The result
    may have an output of zero or less; callers decide how to report that.

    >>> window_axis(32, 5, 1, 2).output
    32
    >>> window_axis(5, 2, 2, ceil=True).output   # a 5×5 map pooled to 3×3
    3
    """
    if padding == "same":
        before, after = same_padding(n, kernel, stride, dilation)
        mode = "same"
    elif padding == "causal":  # Keras' Conv1D: d(k − 1) zeros on the left, none on the right
        before, after = effective_kernel(kernel, dilation) - 1, 0
        mode = "explicit" if before else "valid"
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
