"""Issue 14: answers graded exactly, at the precision they are written with, everywhere a number is graded.

Expected values are the lectures' (seed 000's result(1,1) = 5849; seed 001's filtered X, whose 7/9 the slide
prints as 0.77) and arithmetic anyone can redo by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.language.precision import Written, grade_number, read_number

from .conftest import ROOT

MATRICES = ROOT / "examples" / "matrices"
SEED000 = ["conv", "--matrix", str(MATRICES / "image_7x9x3.txt"),
           "--kernel", str(MATRICES / "filter_3x3x3.txt")]


@pytest.mark.parametrize(("answer", "true", "status"), [
    ("5849", 5849.0, "correct"),
    ("5870", 5849.0, "wrong"),      # within 0.5 % of 5849: the old default tolerance accepted it
    ("5848", 5849.0, "wrong"),
    ("5849.0", 5849.0, "correct"),
    ("0.78", 7 / 9, "rounded"),
    ("0.77", 7 / 9, "truncated"),   # as seed 001 prints 7/9
    ("0.76", 7 / 9, "wrong"),
    ("0.7", 7 / 9, "truncated"),
    ("0.8", 7 / 9, "rounded"),
    ("0.778", 7 / 9, "rounded"),
    ("0.777", 7 / 9, "truncated"),
    ("0.775", 7 / 9, "wrong"),
    ("7/9", 7 / 9, "correct"),
    ("-0.11", -1 / 9, "rounded"),   # rounded and cut alike: reported as rounded
    ("-0.12", -1 / 9, "wrong"),
    ("0.11", -1 / 9, "wrong"),      # the sign matters
    ("19.5", 19.5, "correct"),
    ("20", 19.5, "wrong"),          # an integer answer is exact: 19.5 is not 20 without --round 0
    ("1.2e3", 1234.0, "rounded"),   # written to the hundreds
    ("1.3e3", 1234.0, "wrong"),
])
def test_a_number_is_graded_at_its_written_precision(answer: str, true: float, status: str) -> None:
    assert grade_number(read_number(answer), true) == status


def test_tolerance_and_round_are_explicit_overrides() -> None:
    assert grade_number(read_number("5870"), 5849.0, tolerance=0.005) == "correct"
    assert grade_number(read_number("20"), 19.5, decimals=0) == "rounded"


def invoke(args: list[str], stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, args, input=stdin, env={"COLUMNS": "100"})
    return result.exit_code, result.output


def test_conv_expect_never_accepts_a_wrong_integer() -> None:
    """Seed 000's result(1,1) is 5849; 5870 was accepted by the old 0.5 % default tolerance."""
    code, out = invoke([*SEED000, "--expect", str(MATRICES / "result_5x7.txt")])
    assert code == 0 and "✓ all 35 cells correct" in out
    wrong = (MATRICES / "result_5x7.txt").read_text(encoding="utf-8").replace("5849", "5870")
    code, out = invoke([*SEED000, "--expect", "-"], stdin=wrong)
    assert code == 1 and "✗ 1 of 35 cells differ" in out and "[5849]" in out  # the wrong cell, marked
    assert "result(1,1) = 58×5 + 17×4" in out
    code, out = invoke([*SEED000, "--expect", "-", "--tolerance", "0.005"], stdin=wrong)
    assert code == 0


X = str(MATRICES / "x_9x9.txt")
DIAGONAL = "1/9 * (1 -1 -1; -1 1 -1; -1 -1 1)"


def test_seed001_filtered_x_as_the_slide_prints_it() -> None:
    """The slide prints each mean of nine products to two places, cutting 7/9 to 0.77 and 5/9 to 0.55."""
    code, out = invoke(["conv", "--matrix", X, "--kernel", DIAGONAL, "--expect",
                        str(MATRICES / "x_filtered_7x7.txt")])
    assert code == 0, out
    assert "✓ all 49 cells correct (38 rounded, 7 truncated)" in out
    code, out = invoke(["conv", "--matrix", X, "--kernel", DIAGONAL, "--format", "json", "--expect",
                        "0.76 -0.11 0.11 0.33 0.55 -0.11 0.33; -0.11 1 -0.11 0.33 -0.11 0.11 -0.11; "
                        "0.11 -0.11 1 -0.33 0.11 -0.11 0.55; 0.33 0.33 -0.33 0.55 -0.33 0.33 0.33; "
                        "0.55 -0.11 0.11 -0.33 1 -0.11 0.11; -0.11 0.11 -0.11 0.33 -0.11 1 -0.11; "
                        "0.33 -0.11 0.55 0.33 0.11 -0.11 0.77"])
    document = json.loads(out)
    assert code == 1 and document["wrong"] == [[1, 1]] and [7, 7] in document["truncated"]


def test_three_kernels_relu_and_a_ceil_pool_reproduce_seed001s_pooled_stack() -> None:
    """Seed 001: one image, three filters, ReLU, then 2×2 max pooling of each 7×7 map to 4×4, which only
    PyTorch's ceil_mode gives (the floored pool is 3×3)."""
    pooled = ("1.00 0.33 0.55 0.33; 0.33 1.00 0.33 0.55; 0.55 0.33 1.00 0.11; 0.33 0.55 0.11 0.77 | "
              "0.55 0.33 0.55 0.33; 0.33 1.00 0.55 0.11; 0.55 0.55 0.55 0.11; 0.33 0.11 0.11 0.33 | "
              "0.33 0.55 1.00 0.77; 0.55 0.55 1.00 0.33; 1.00 1.00 0.11 0.55; 0.77 0.33 0.55 0.33")
    kernels = ["--kernel", DIAGONAL, "--kernel", "1/9 * (1 -1 1; -1 1 -1; 1 -1 1)",
               "--kernel", "1/9 * (-1 -1 1; -1 1 -1; 1 -1 -1)"]
    code, out = invoke(["conv", "--matrix", X, *kernels, "--then", "relu", "--then", "pool2 ceil", "--expect", pooled])
    assert code == 0, out
    assert "3 kernels of 3×3×1, stride 1, padding valid → 7×7×3" in out
    assert "max pooling (pool2 ceil): 7×7×3 map → 4×4" in out
    code, out = invoke(["conv", "--matrix", X, *kernels, "--then", "relu", "--then", "pool2", "--expect", pooled])
    assert code == 1
    assert "the answer is 4×4×3, the output is 3×3×3" in out and "ceil_mode" in out
    assert "(7 − 2)/2 + 1 = 3.5 → 3; the last row and column of the 7×7 input are never read" in out


def test_a_step_reads_the_json_of_the_step_before(tmp_path: Path) -> None:
    code, out = invoke(["conv", "--matrix", X, "--kernel", DIAGONAL, "--then", "relu", "--format", "json"])
    assert code == 0
    document = json.loads(out)
    assert [step["step"].split(":")[0] for step in document["steps"]] == ["cross-correlation", "relu"]
    code, pooled = invoke(["pool", "--matrix", "-", "--size", "2", "--ceil", "--format", "json"], stdin=out)
    assert code == 0 and json.loads(pooled)["output"][0] == [1, 0.3333, 0.5556, 0.3333]
    saved = tmp_path / "relu.json"
    saved.write_text(out, encoding="utf-8")
    code, again = invoke(["pool", "--matrix", str(saved), "--size", "2", "--ceil", "--format", "json"])
    assert (code, again) == (0, pooled)


@pytest.mark.parametrize(("args", "message"), [
    (["conv", "--matrix", "1 2; 3 4", "--kernel", "1", "--then", "dense10"],
     "--then 'dense10' is a Dense"),
    (["conv", "--matrix", "1 2; 3 4", "--kernel", "1", "--then", "pool2, relu"], "--then 'pool2, relu' is 2 layers"),
    (["conv", "--matrix", "1 2; 3 4", "--kernel", "1", "--kernel", "1 1"], "kernel 2 is 1×2×1, but kernel 1 is 1×1×1"),
    (["conv", "--matrix", "1 2; 3 4", "--kernel", "1/0"], "cannot read '1/0'"),
    (["pool", "--matrix", "{", "--size", "2"], "cannot read it as JSON"),
])
def test_bad_steps_and_kernels_exit_two(args: list[str], message: str) -> None:
    code, out = invoke(args)
    assert code == 2 and message in out and "Traceback" not in out


# ---- the edges of the rules, each pinned by arithmetic (benchmarks/mutation.py found them unguarded) ----

def test_how_a_number_is_read() -> None:
    assert read_number("−0.11") == Written(-0.11, -2, "−0.11")           # the minus sign as typeset (U+2212)
    assert read_number("12e2") == Written(1200.0, 2, "12e2")              # an exponent is a written place
    assert read_number("12E2").place == 2
    assert read_number("2*0.25") == Written(0.5, None, "2*0.25")          # a product of factors, exact
    assert read_number("3/1") == Written(3.0, None, "3/1")                # a fraction with denominator 1
    assert read_number("-1/16") == Written(-0.0625, None, "-1/16")
    for bad in ("1/0", "abc", "inf", "nan"):
        with pytest.raises(ValueError):
            read_number(bad)


def test_a_number_of_400_characters_is_read_and_one_of_401_is_refused() -> None:
    assert read_number("0." + "1" * 398).place == -398
    with pytest.raises(ValueError):
        read_number("0." + "1" * 399)


def test_the_float_slack_scales_with_the_value() -> None:
    # ten tenths times 10^10 is 9,999,999,999.999998 in floating point: the integer 10,000,000,000 is that value
    assert grade_number(read_number("10000000000"), sum([0.1] * 10) * 1e10) == "correct"
    # and below 1 the slack is 1e-9: 0.1000000015 is 1.5e-9 off 0.1, at a written place of 1e-10
    assert grade_number(read_number("0.1000000015"), 0.1) == "wrong"


def test_tolerance_and_round_include_their_bounds() -> None:
    assert grade_number(read_number("101"), 100.0, tolerance=0.01) == "correct"    # |101 − 100| = 0.01·100
    assert grade_number(read_number("0.7822"), 7 / 9, decimals=2) == "rounded"    # 0.0044 ≤ 0.5·10⁻²
    assert grade_number(read_number("0.79"), 7 / 9, decimals=2) == "wrong"        # 0.0122 > 0.5·10⁻²


def test_half_a_place_away_is_rounded_either_way_and_zero_can_be_a_cut_value() -> None:
    # 1.5 written to the units: 2 (half up) and 1 (half down) are both 1.5 rounded
    assert grade_number(read_number("2e0"), 1.5) == grade_number(read_number("1e0"), 1.5) == "rounded"
    # 0.07 cut to one decimal is 0.0
    assert grade_number(read_number("0.0"), 0.07) == "truncated"
