"""Issue 14: `cnncalc solve` finds the '?' of the lectures' homework questions.

Expected values are the lectures' own answers (seed 002's AlexNet stride 4 and its 251×151 question's stride 10,
seed 004's padding (K − 1)/2 and its exam's stride 5, the 18,496 parameters of 64 filters) or worked by hand.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cnncalc.cli import main


def solve(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["solve", *args], env={"COLUMNS": "100"})
    return result.exit_code, result.output


def values(*args: str) -> list[int]:
    code, out = solve(*args, "--format", "json")
    assert code in (0, 1), out
    return [solution["value"] for solution in json.loads(out)["solutions"]]


@pytest.mark.parametrize(("spec", "target", "expected"), [
    ("input 227x227x3, conv96x11 s?", ["--output", "55x55"], [4]),            # seed 002: AlexNet
    ("input 251x151x1, conv1x21 s?", ["--output", "24x14"], [10]),             # seed 002's question
    ("input 128x128x3, conv5x3 s?", ["--output", "26x26x5"], [5]),             # seed 004's exam
    ("input 32x32x3, conv10x5 p?", ["--output", "32x32"], [2]),                # seed 004: (5 − 1)/2
    ("input 7x7x1, conv1x7 p?", ["--output", "7x7"], [3]),                     # seed 004: (7 − 1)/2
    ("input 13x13x32, conv?x3", ["--params", "18,496"], [64]),                 # seeds 000, 002, 004
    ("input 26x26x32, conv64x?", ["--params", "18496"], [3]),
    ("input 28x28x1, conv32x3, pool2, conv64x3, pool2, flatten, dense?", ["--params", "34,826"], [10]),
    ("input 28x28x1, conv32x?", ["--output", "26x26x32"], [3]),
    # by hand: pool2 gives 5 from 10 or 11, so conv3 reads 12 or 13; pool2 gives those from 24 to 27; so 26 to 29
    ("input ?x?x1, conv32x3, pool2, conv64x3, pool2", ["--output", "5x5"], [26, 27, 28, 29]),
])
def test_the_lectures_unknowns(spec: str, target: list[str], expected: list[int]) -> None:
    assert values(spec, *target) == expected


def test_the_arithmetic_of_each_solution_is_shown() -> None:
    code, out = solve("input 227x227x3, conv96x11 s?", "--output", "55x55")
    assert code == 0
    assert out.splitlines()[:3] == ["Unknown: the stride of layer 1 (conv96x11 s?)", "Target: output 55×55 (H×W)",
                                    "✓ ? = 4: (227 + 2·0 − 11)/4 + 1 = 55; 96 channels → output 55×55×96, 34,944 "
                                    "parameters"]


def test_no_solution_exits_one_with_the_nearest_values() -> None:
    code, out = solve("input 227x227x3, conv96x11 s?", "--output", "56x56")
    assert code == 1
    assert "✗ no value in 1–64 gives output 56×56 (H×W)" in out
    assert "nearest: ? = 4: (227 + 2·0 − 11)/4 + 1 = 55" in out and "nearest: ? = 5:" in out


def test_the_smallest_input_the_network_accepts() -> None:
    """By hand: 3×3 conv, 2×2 pool, 3×3 conv, 2×2 pool needs 10 (8, 4, 2, 1); 9 leaves the last pool 1×1."""
    code, out = solve("input ?x?x1, conv32x3, pool2, conv64x3, pool2", "--min")
    assert code == 0
    assert "✓ ? = 10: 10×10×1 → 1×1×64" in out
    assert "✗ ? = 9: layer 4 max_pooling2d_1 (pool2): Computed output size would be zero or negative" in out


@pytest.mark.parametrize(("args", "message"), [
    (["input 28x28x1, conv32x3", "--output", "26x26"], "the spec has no '?' to solve for"),
    (["input 28x28x1, conv32x?"], "nothing to solve for"),
    (["input 28x28x1, conv32x3 ?", "--min"], "Error"),
    (["input 28x28x1, conv32x?", "--output", "axb"], "cannot read the shape"),
])
def test_bad_questions_exit_two(args: list[str], message: str) -> None:
    code, out = solve(*args)
    assert code == 2 and message in out and "Traceback" not in out


def test_the_output_of_a_named_layer() -> None:
    """ResNet-50's last block gives 7×7 for inputs 193 to 224 (its five halvings: ⌈⌈…⌈n/2⌉…⌉/2⌉ = 7)."""
    from .conftest import ROOT

    spec = (ROOT / "examples" / "graphs" / "resnet50_keras.cnn").read_text(encoding="utf-8")
    spec = spec.replace("input 224x224x3", "input ?x?x3")
    code, out = solve(spec, "--output", "7x7")
    assert code == 2 and "the network's output is (None, 1000), with 0 spatial axes; 7×7 has 2" in out
    assert values(spec, "--output", "7x7", "--layer", "174") == list(range(193, 225))
