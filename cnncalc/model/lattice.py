"""The cells that dilated windows read along one axis, counted by number theory rather than by a scan."""

from __future__ import annotations

from .records import record

#: The most residue classes :meth:`Lattice.count` walks; past it the input is refused, not hung on.
LATTICE_BUDGET = 1_000_000


@record
class Lattice:
    """The cells read by ``windows`` windows of ``taps`` taps: x = w·stride + t·dilation.

    Counting them is number theory, not a scan: with g = gcd(stride, dilation), s = stride/g
    and d = dilation/g coprime, taps t and t + s read the same residue class, so the reads
    split into at most min(taps, s) classes, each a union of evenly spaced intervals that
    is counted in O(1).  The roles of windows and taps are symmetric; the cheaper is walked.

    >>> Lattice(3, 4, 3, 2).count(0, 20)  # windows at 0, 4, 8 reading every other cell: 0..12 evens
    7
    """

    windows: int
    stride: int
    taps: int
    dilation: int

    def count(self, low: int, high: int) -> int:
        """How many distinct x in [low, high) are read."""
        from math import gcd

        if high <= low or self.windows <= 0 or self.taps <= 0:
            return 0
        g = gcd(self.stride, self.dilation)
        a_count, a, b_count, b = self.windows, self.stride // g, self.taps, self.dilation // g
        if min(a_count, b) < min(b_count, a):  # walk the cheaper family of classes
            a_count, a, b_count, b = b_count, b, a_count, a
        classes = min(b_count, a)
        if classes > LATTICE_BUDGET:
            from ..errors import CnnCalcError

            raise CnnCalcError(
                f"{self.windows:,} dilated windows of {self.taps:,} taps are too many to count exactly",
                "use a smaller kernel, stride or dilation",
            )
        y_low, y_high = -(-low // g), -(-high // g)  # reads are multiples of g: x = g·y
        total = 0
        for first in range(classes):  # taps first, first + a, first + 2a, … share one residue class
            repeats = -(-(b_count - first) // a)
            base = first * b
            q_low, q_high = -(-(y_low - base) // a), -(-(y_high - base) // a)
            total += _union_count(repeats, b, a_count, q_high) - _union_count(repeats, b, a_count, q_low)
        return total

    def reads(self, x: int) -> bool:
        """Whether cell x is read, in O(1): solve t·dilation ≡ x (mod stride) for the tap."""
        from math import gcd

        g = gcd(self.stride, self.dilation)
        if x < 0 or x % g:
            return False
        s, d, y = self.stride // g, self.dilation // g, x // g
        first = (y * pow(d, -1, s)) % s if s > 1 else 0
        highest = min(self.taps - 1, y // d)  # w = (y − t·d)/s ≥ 0
        lowest = max(0, (y - (self.windows - 1) * s + d - 1) // d)  # w ≤ windows − 1
        if lowest > highest:
            return False
        candidate = lowest + (first - lowest) % s
        return candidate <= highest

    def every_residue_read(self) -> bool:
        """Whether the taps reach every residue mod the stride, so the middle of the axis is all read."""
        from math import gcd

        g = gcd(self.stride, self.dilation)
        return g == 1 and self.taps >= self.stride // g


def _union_count(count: int, spacing: int, length: int, upto: int) -> int:
    """|[0, upto) ∩ ⋃ₖ [k·spacing, k·spacing + length)| for k in [0, count), in O(1).

    Window k of an undilated axis covers [k·stride, k·stride + span): overlapping windows
    form one interval; disjoint ones are counted as full windows plus the one cut by ``upto``.
    """
    if upto <= 0 or count <= 0:
        return 0
    if length >= spacing:  # the intervals touch or overlap: one interval
        return min(upto, (count - 1) * spacing + length)
    full = 0 if upto < length else min(count, (upto - length) // spacing + 1)
    partial = min(max(upto - full * spacing, 0), length) if full < count else 0
    return full * length + partial
