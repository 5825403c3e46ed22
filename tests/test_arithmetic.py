"""The window arithmetic against the lectures' worked numbers and brute force."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.errors import CnnCalcError
from cnncalc.model.arithmetic import Lattice, effective_kernel, format_number, same_padding, window_axis


@pytest.mark.parametrize(
    ("n", "f", "s", "p", "output", "exact", "source"),
    [
        (28, 3, 1, 0, 26, "26", "seed 000/002: 28x28 conv 3x3 → 26x26"),
        (26, 2, 2, 0, 13, "13", "seed 000: pool 26 → 13"),
        (11, 2, 2, 0, 5, "5.5", "seed 000: pool 11 → 5, last row ignored"),
        (7, 3, 1, 0, 5, "5", "seed 004: (7 − 3)/1 + 1 = 5"),
        (7, 3, 2, 0, 3, "3", "seed 004: (7 − 3)/2 + 1 = 3"),
        (7, 3, 3, 0, 2, "2.33", "seed 004: (7 − 3)/3 + 1 = 2.33, does not fit"),
        (7, 3, 1, 1, 7, "7", "seed 004: ((7 + 2) − 3)/1 + 1 = 7"),
        (32, 5, 1, 2, 32, "32", "seed 004: ((32 + 4) − 5)/1 + 1 = 32"),
        (227, 11, 4, 0, 55, "55", "seed 002: AlexNet ((227 − 11 + 0)/4) + 1 = 55"),
        (251, 21, 10, 0, 24, "24", "seed 002: (251 − 21)/10 + 1 = 24"),
        (151, 21, 10, 0, 14, "14", "seed 002: (151 − 21)/10 + 1 = 14"),
        (128, 3, 5, 0, 26, "26", "seed 004 exam: 128 → 26"),
        (13, 5, 2, 2, 7, "7", "seed 004 exam: (13 + 4 − 5)/2 + 1 = 7"),
        (5, 3, 2, 0, 2, "2", "seed 002: 5x5 stride 2 → 2x2"),
        (5, 3, 1, 1, 5, "5", "seed 002: 5x5 padding 1 → 5x5"),
        (32, 5, 1, 0, 28, "28", "seed 001: 5x5 filter on 32x32 → 28x28"),
        (7, 3, 2, 0, 3, "3", "seed 001: [7, 7, 3] stride 2 → [3, 3, 2]"),
    ],
)
def test_lecture_output_sizes(n: int, f: int, s: int, p: int, output: int, exact: str, source: str) -> None:
    axis = window_axis(n, f, s, p)
    assert axis.output == output, source
    assert format_number(axis.exact) == exact, source
    assert axis.fits == ("." not in exact)


def test_ceil_mode_pools_match_the_lectures() -> None:
    # Seed 000 pools its 5×5 map with 2×2 windows into 3×3; seed 001 pools 7×7 into 4×4.
    assert window_axis(5, 2, 2, ceil=True).output == 3
    assert window_axis(7, 2, 2, ceil=True).output == 4


@pytest.mark.parametrize(("n", "k", "s", "p", "windows", "last_start", "output"), [
    (5, 2, 2, 1, 4, 6, 3),  # ⌈(5 + 2 − 2)/2⌉ + 1 = 4; the 4th would start at 3·2 = 6 = 5 + 1: in the right padding
    (7, 2, 2, 1, 5, 8, 4),  # ⌈(7 + 2 − 2)/2⌉ + 1 = 5; the 5th would start at 8 = 7 + 1: dropped
    (6, 3, 2, 1, 4, 6, 4),  # ⌈(6 + 2 − 3)/2⌉ + 1 = 4; the 4th starts at 6 < 6 + 1, inside the input: kept
    (4, 3, 3, 1, 2, 3, 2),  # ⌈(4 + 2 − 3)/3⌉ + 1 = 2; the 2nd starts at 3 < 4 + 1: kept
])
def test_ceil_mode_ignores_a_window_that_would_start_in_the_right_padding(n: int, k: int, s: int, p: int,
                                                                          windows: int, last_start: int,
                                                                          output: int) -> None:
    # PyTorch's nn.MaxPool2d and nn.AvgPool2d documentation: "ceil_mode – when True, will use ceil instead of floor
    # to compute the output shape", and its note: "When ceil_mode=True, sliding windows are allowed to go off-bounds
    # if they start within the left padding or the input. Sliding windows that would start in the right padded
    # region are ignored."  Window starts are counted on the padded axis (the left padding is 0 … p − 1).
    assert -(-(n + 2 * p - k) // s) + 1 == windows and (windows - 1) * s == last_start
    assert window_axis(n, k, s, p, ceil=True).output == output
    assert window_axis(n, k, s, p, ceil=False).output == (n + 2 * p - k) // s + 1


@pytest.mark.parametrize(
    ("n", "k", "s", "before", "after"),
    [
        (28, 5, 1, 2, 2),   # seed 001: 5x5 same keeps 28
        (28, 3, 2, 0, 1),   # TensorFlow: out 14, one row of padding, at the bottom
        (28, 4, 1, 1, 2),   # even kernel: the odd row goes after
        (10, 1, 3, 0, 0),   # a stride larger than the kernel needs no padding
        (5, 3, 2, 1, 1),
    ],
)
def test_same_padding_split_as_tensorflow_documents(n: int, k: int, s: int, before: int, after: int) -> None:
    # tf.nn.convolution: pad_along = max((out − 1)·s + k − n, 0); pad_top = pad_along // 2.
    assert same_padding(n, k, s) == (before, after)
    assert window_axis(n, k, s, "same").output == -(-n // s)


def test_dilation_widens_the_kernel_as_pytorch_documents() -> None:
    # torch.nn.Conv2d: H_out = ⌊(H_in + 2p − d(k − 1) − 1)/s + 1⌋
    assert window_axis(28, 3, 1, 0, dilation=2).output == 24
    assert window_axis(28, 3, 2, 2, dilation=3).output == (28 + 4 - 3 * 2 - 1) // 2 + 1


def test_formulas_read_like_the_lectures() -> None:
    assert window_axis(7, 3, 3).formula() == "(7 + 2·0 − 3)/3 + 1 = 2.33 → 2"
    assert window_axis(13, 5, 2, 2).formula() == "(13 + 2·2 − 5)/2 + 1 = 7"
    assert window_axis(11, 2, 2).formula(compact=True) == "(11 − 2)/2 + 1 = 5.5 → 5"
    assert window_axis(28, 3, 1, 0, 2).formula() == "(28 + 2·0 − 2·(3 − 1) − 1)/1 + 1 = 24"


def test_uncovered_cells_of_the_lecture_questions() -> None:
    assert window_axis(7, 3, 3).uncovered_cells() == [6]            # seed 004: 7/3/3
    assert window_axis(11, 2, 2).uncovered_cells() == [10]          # seed 000: 11 → 5
    assert window_axis(251, 21, 10).uncovered == 0                  # (251 − 21)/10 is exact
    assert window_axis(10, 2, 3).uncovered_cells() == [2, 5, 8, 9]  # gaps and a tail


def brute_uncovered(n: int, k: int, s: int, before: int, after: int, d: int, ceil: bool) -> int:
    axis = window_axis(n, k, s, (before, after), d, ceil)
    starts = [axis.start_of(i) for i in range(axis.output)]
    read = {start + tap for start in starts for tap in range(0, axis.span, d)}
    return sum(1 for i in range(n) if i not in read)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 60), k=st.integers(1, 7), s=st.integers(1, 8), before=st.integers(0, 4),
       after=st.integers(0, 4), d=st.integers(1, 3), ceil=st.booleans())
def test_uncovered_count_equals_brute_force(n: int, k: int, s: int, before: int, after: int, d: int,
                                            ceil: bool) -> None:
    axis = window_axis(n, k, s, (before, after), d, ceil)
    if axis.output <= 0:
        return
    assert axis.uncovered == brute_uncovered(n, k, s, before, after, d, ceil)
    assert len(axis.uncovered_cells(limit=10**6)) == axis.uncovered


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 500), k=st.integers(1, 9), d=st.integers(1, 4))
def test_same_with_stride_one_keeps_the_size(n: int, k: int, d: int) -> None:
    assert window_axis(n, k, 1, "same", d).output == n


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 300), k=st.integers(1, 9), s=st.integers(1, 9), p=st.integers(0, 5))
def test_fits_exactly_when_the_stride_divides(n: int, k: int, s: int, p: int) -> None:
    axis = window_axis(n, k, s, p)
    assert axis.fits == ((n + 2 * p - k) % s == 0)
    assert axis.exact == Fraction(n + 2 * p - k, s) + 1


# ---- the edges mutation testing found unguarded (benchmarks/mutation.py), each against brute force or by hand ----

def brute_reads(windows: int, stride: int, taps: int, dilation: int) -> set[int]:
    return {w * stride + t * dilation for w in range(windows) for t in range(taps)}


def test_the_lattice_counts_and_answers_reads_as_brute_force_does() -> None:
    # every small lattice, every range: x = w·stride + t·dilation, counted by number theory, not by a scan
    for windows in range(5):
        for stride in range(1, 7):
            for taps in range(5):
                for dilation in range(1, 6):
                    lattice, read = Lattice(windows, stride, taps, dilation), brute_reads(windows, stride, taps,
                                                                                        dilation)
                    top = max(read, default=0) + 2
                    for low in range(-2, top, 3):
                        for high in (low - 1, low, low + 1, low + 4, top):
                            expected = sum(1 for x in read if low <= x < high)
                            assert lattice.count(low, high) == expected, (lattice, low, high)
                    assert [x for x in range(-2, top) if lattice.reads(x)] == sorted(read), lattice


def test_a_lattice_too_large_to_count_is_refused() -> None:
    # 1,500,000 windows of 1,500,000 taps, stride 2,000,003 and dilation 1,000,001 (coprime): 1,000,001 residue
    # classes, one past the budget
    with pytest.raises(CnnCalcError, match="1,500,000 dilated windows of 1,500,000 taps are too many to count"):
        Lattice(1_500_000, 2_000_003, 1_500_000, 1_000_001).count(0, 10)


def test_uncovered_cells_are_the_brute_force_cells_for_every_small_axis() -> None:
    # the listing, not just its length: dilated, strided, padded and ceil-mode axes
    for n in range(1, 19):
        for k in range(1, 5):
            for s in range(1, 6):
                for d in range(1, 4):
                    for before, after in ((0, 0), (1, 0), (0, 2), (2, 1), (3, 3)):
                        for ceil in (False, True):
                            axis = window_axis(n, k, s, (before, after), d, ceil)
                            if axis.output <= 0:
                                continue
                            starts = [axis.start_of(i) for i in range(axis.output)]
                            read = {start + tap for start in starts for tap in range(0, axis.span, d)}
                            assert axis.uncovered_cells(limit=10**6) == [i for i in range(n) if i not in read], \
                                (n, k, s, d, before, after, ceil)


def test_the_listing_stops_at_its_limit() -> None:
    axis = window_axis(300, 1, 3)            # reads 0, 3, 6, …: 200 cells unread
    every = [i for i in range(300) if i % 3]
    assert axis.uncovered == 200 == len(every)
    assert axis.uncovered_cells() == every[:64]                 # 64 by default
    assert axis.uncovered_cells(limit=5) == every[:5]
    dilated = window_axis(300, 2, 7, 0, 3)   # a 2-tap kernel dilated by 3, stride 7: reads 7w and 7w + 3
    unread = [i for i in range(300) if i not in {7 * w + t for w in range(dilated.output) for t in (0, 3)}]
    assert dilated.uncovered_cells(limit=10) == unread[:10]


def test_causal_padding_is_keras_conv1d_left_padding() -> None:
    # Keras' Conv1D(padding="causal"): d·(k − 1) zeros on the left, none on the right, so the length is kept at
    # stride 1: (10 + 2·(3 − 1) − (2·(3 − 1) + 1))/1 + 1 = 10
    axis = window_axis(10, 3, 1, "causal", 2)
    assert (axis.pad_before, axis.pad_after, axis.output, axis.mode) == (4, 0, 10, "explicit")
    assert window_axis(10, 1, 1, "causal").mode == "valid"      # a 1-tap kernel needs no padding
    assert window_axis(10, 3, 2, "causal").output == (10 + 2 - 3) // 2 + 1


def test_an_explicit_padding_of_zero_is_valid() -> None:
    assert window_axis(7, 3, 1, (0, 0)).mode == "valid"
    assert window_axis(7, 3, 1, (1, 0)).mode == window_axis(7, 3, 1, (0, 2)).mode == "explicit"
    assert window_axis(7, 3, 1, 0).mode == window_axis(7, 3, 1, "valid").mode == "valid"


def test_format_number_prints_integers_exactly() -> None:
    assert format_number(2**60 + 1) == "1152921504606846977"      # a float would print …976
    assert format_number(Fraction(2**60 + 1, 1)) == "1152921504606846977"
    assert (format_number(2.0), format_number(2.5), format_number(2 / 3)) == ("2", "2.5", "0.67")
    assert effective_kernel(3) == 3 and effective_kernel(3, 2) == 5
