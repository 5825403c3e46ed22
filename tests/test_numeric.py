"""`cnncalc conv` and `cnncalc pool` reproduce the lectures' worked examples."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.errors import CnnCalcError
from cnncalc.numeric.matrices import read_matrix

from .conftest import ROOT

M = ROOT / "examples" / "matrices"


def output(*args: str) -> Any:
    result = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["output"]


def conv(*args: str) -> Any:
    return output("conv", *args)


def test_seed000_7x9x3_image_and_3x3x3_filter() -> None:
    lecture = [[5849, 7463, 6193, 7261, 6177, 6309, 6484], [5580, 7161, 7311, 7902, 6699, 5329, 5375],
               [6690, 7301, 6211, 6464, 7450, 5865, 6553], [6826, 7003, 6740, 6804, 7072, 5875, 5869],
               [6917, 6605, 6838, 6247, 6121, 5410, 6179]]
    image, kernel = str(M / "image_7x9x3.txt"), str(M / "filter_3x3x3.txt")
    assert conv("--matrix", image, "--kernel", kernel) == lecture


def test_seed000_explains_result_1_2_as_the_lecture_does() -> None:
    result = CliRunner().invoke(main, ["conv", "--matrix", str(M / "image_7x9x3.txt"), "--kernel",
                                       str(M / "filter_3x3x3.txt"), "--explain", "1,2"])
    # "17*5 75*4 9*1 / 65*2 19*1 93*2 / 74*6 69*9 78*7 / 99*7 34*2 78*5 / … / 43*4 67*3 18*2"
    assert "result(1,2) = 17×5 + 75×4 + 9×1    (channel 1)" in result.stdout
    assert "+ 65×2 + 19×1 + 93×2" in result.stdout
    assert "+ 43×4 + 67×3 + 18×2" in result.stdout
    assert "= 7463" in result.stdout


SEED002 = ("--matrix", str(M / "binary_image_5x5.txt"), "--kernel", str(M / "kernel_3x3.txt"))


def test_seed002_stride_1() -> None:
    # The lecture's step-by-step slides build 2 1 −1 / −1 1 3 / 2 1 1. Its "Stride = 1, Padding = 0"
    # summary slide prints 2 −1 1 / 2 1 0 / 1 −1 1 instead, which contradicts its own stride-2 map
    # (whose corners must match) and PyTorch's conv2d (test_twins.py).
    assert conv(*SEED002) == [[2, 1, -1], [-1, 1, 3], [2, 1, 1]]


def test_seed002_stride_2() -> None:
    assert conv(*SEED002, "--stride", "2") == [[2, -1], [2, 1]]


def test_seed002_first_cell_arithmetic() -> None:
    result = CliRunner().invoke(main, ["conv", *SEED002, "--explain", "1,1"])
    # "(1 × 0) + (0 × 1) + (1 × 0) + (1 × 1) + (0 × 0) + (0 × -1) + (0 × 0) + (1 × 1) + (1 × 0) = 2"
    assert "result(1,1) = 1×0 + 0×1 + 1×0\n            + 1×1 + 0×0 + 0×(-1)\n" in result.stdout
    assert "= 2\n" in result.stdout


def test_seed002_padding_1_is_the_frameworks_answer() -> None:
    # The lecture's 5×5 map for padding 1 (2 −1 1 1 0 / …) disagrees with PyTorch in 16 of 25 cells
    # under every reading (flipped or transposed kernel too); these values are torch's conv2d's,
    # checked in test_twins.py.
    assert conv(*SEED002, "--padding", "1") == [[1, 0, 0, 1, 1], [1, 2, 1, -1, 2], [1, -1, 1, 3, 1],
                                                [0, 2, 1, 1, 1], [1, -1, -1, 2, 1]]


def test_seed004_flipped_kernel_practice_problem() -> None:
    lecture = [[12, 18, 3, 21, 0], [12, 12, 18, -3, -21], [27, 6, 3, 9, -3], [27, 15, 9, 0, -21],
               [0, -12, -27, -12, -15]]
    args = ("--matrix", str(M / "flip_image_5x5.txt"), "--kernel", str(M / "flip_kernel_3x3.txt"),
            "--padding", "1")
    assert conv(*args, "--flip") == lecture
    assert conv(*args) == [[-v for v in row] for row in lecture]  # without the flip: the mirror answer


def test_seed004_max_and_average_pooling() -> None:
    path = str(M / "pool_4x4.txt")
    assert output("pool", "--matrix", path, "--size", "2") == [[20, 30], [112, 37]]
    # The lecture prints 20 for the last average; (37 + 4 + 25 + 12)/4 is 19.5.
    assert output("pool", "--matrix", path, "--size", "2", "--mode", "avg") == [[13, 8], [79, 19.5]]


def test_seed000_pools_its_5x5_map_to_3x3() -> None:
    # The lecture keeps the last, partial row and column: that is ceil mode (or Keras' same).
    path = str(M / "conv_map_5x5.txt")
    expected = [[7463, 7902, 6699], [7301, 6804, 7450], [6917, 6838, 6121]]
    assert output("pool", "--matrix", path, "--size", "2", "--ceil") == expected
    assert output("pool", "--matrix", path, "--size", "2", "--padding", "same") == expected
    assert output("pool", "--matrix", path, "--size", "2") == [[7463, 7902], [7301, 6804]]


def test_seed002_max_pool() -> None:
    # The lecture prints 167 for the top-right window, which holds 1, 34, 222 and 253.
    assert output("pool", "--matrix", str(M / "max_pool_4x4.csv"), "--size", "2") == [[123, 253], [187, 165]]
    result = CliRunner().invoke(main, ["pool", "--matrix", str(M / "max_pool_4x4.csv"), "--size", "2",
                                       "--explain", "1,2"])
    assert "result(1,2) = max(1, 34, 222, 253) = 253" in result.stdout
    assert "[222][253]" in result.stdout  # the window is highlighted in the input


def test_average_pool_explanations_follow_each_framework() -> None:
    run = CliRunner().invoke
    explicit = run(main, ["pool", "--matrix", "1 2 3; 4 5 6; 7 8 9", "--size", "2", "--mode", "avg", "--padding",
                          "1", "--explain", "1,1"]).stdout
    assert "result(1,1) = (0 + 0 + 0 + 1)/4 = 0.25" in explicit  # PyTorch: count_include_pad=True
    same = run(main, ["pool", "--matrix", "1 2 3; 4 5 6; 7 8 9", "--size", "2", "--mode", "avg", "--padding",
                      "same", "--explain", "2,2"]).stdout
    assert "result(2,2) = (9)/1 = 9" in same  # Keras: padding is not averaged


def test_bias_activation_and_min_pooling() -> None:
    assert conv("--matrix", "1 -2; 3 -4", "--kernel", "1", "--bias", "0.5", "--activation", "relu") == [
        [1.5, 0], [3.5, 0]]
    assert output("pool", "--matrix", "1 2; 3 4", "--size", "2", "--mode", "min") == [[1]]


def test_matrix_forms(tmp_path: Any) -> None:
    literal = read_matrix("1, 2, 3; 4 5 6 | 7 8 9\n10 11 12")
    assert literal == [[[1, 7], [2, 8], [3, 9]], [[4, 10], [5, 11], [6, 12]]]
    path = tmp_path / "m.txt"
    path.write_text("1 2 3\n4 5 6\n\n7 8 9\n10 11 12\n", encoding="utf-8")
    assert read_matrix(str(path)) == literal
    np = pytest.importorskip("numpy")
    npy = tmp_path / "m.npy"
    np.save(npy, np.array(literal))
    assert read_matrix(str(npy)) == literal


@pytest.mark.parametrize(("shape", "dtype", "values", "message"), [
    # issue 21: 100000×100000 float64 is 80 GB, which np.load asked for (an out-of-memory exit 3)
    ((100000, 100000), "<f8", 64, "declares a 100000×100000 array, 10,000,000,000 values, over the limit of "
                                  "1,000,000"),
    ((20, 30), "<f8", 4784, "declares a 20×30 float64 array (4,800 bytes) but holds 4,784 bytes of values"),
    ((2, 3, 4, 5), "<f8", 960, "has 4 axes"),
    ((2, 2), "<c16", 64, "holds complex128 values, not real numbers"),
])
def test_a_npy_file_is_refused_from_its_header(tmp_path: Any, shape: tuple[int, ...], dtype: str, values: int,
                                               message: str) -> None:
    """The header alone says what the array would be: refused before NumPy allocates it."""
    pytest.importorskip("numpy")
    from numpy.lib import format as npy

    path = tmp_path / "declared.npy"
    with open(path, "wb") as handle:
        npy.write_array_header_1_0(handle, {"descr": dtype, "fortran_order": False, "shape": shape})
        handle.write(b"\0" * values)
    result = CliRunner().invoke(main, ["pool", "--matrix", str(path), "--size", "2"])
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("conv", "--matrix", "1 2; 3 4 5", "--kernel", "1"), "Error: --matrix: row 2 has 3 values, but row 1 has 2"),
        (("conv", "--matrix", "1 2; 3 4 | 1 1", "--kernel", "1"),
         "Error: --matrix: channel block 2 is 1×2, but block 1 is 2×2"),
        (("conv", "--matrix", "1 2; 3 4 | 1 1; 1 1", "--kernel", "1"),
         "Error: the kernel has 1 channel block but the input has 2 channels"),
        (("conv", "--matrix", "1 x", "--kernel", "1"), "Error: --matrix: cannot read 'x' in row 1"),
        (("conv", "--matrix", "1 2; 3 4", "--kernel", "1 1 1; 1 1 1; 1 1 1"), "Error: the window does not fit"),
        (("conv", "--matrix", "missing.txt", "--kernel", "1"), "Error: --matrix: no such file: missing.txt"),
        (("conv", "--matrix", "1 2; 3 4", "--kernel", "1", "--explain", "3,1"),
         "Error: --explain 3,1 is outside the 2×2 output"),
        (("pool", "--matrix", "1 2; 3 4", "--size", "2", "--padding", "2"),
         "Error: pad should be at most half of kernel size"),
    ],
)
def test_bad_matrices_exit_two(args: tuple[str, ...], message: str) -> None:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(message), result.stderr
    assert result.stdout == ""


def test_errors_are_cnncalc_errors() -> None:
    with pytest.raises(CnnCalcError):
        read_matrix("")


def test_ceil_with_same_is_refused() -> None:
    result = CliRunner().invoke(main, ["pool", "--matrix", "1 2; 3 4", "--size", "2", "--padding", "same", "--ceil"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: '--ceil' rounds valid or explicit padding")
