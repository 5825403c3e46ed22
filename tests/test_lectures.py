"""Issue 14: every worked item of the five lectures that examples/homework does not already grade.

Each case names its seed and slide, runs cnncalc as a student would, and expects the lecture's own number. Where
the lecture is wrong, the case expects the corrected number and says what cnncalc prints about the misprint.
(examples/homework/*.toml hold the rest; tests/test_examples.py grades each as its comment says.)
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cnncalc.cli import main

M = "examples/matrices/"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "120"})
    return result.exit_code, result.output


def verdicts(*args: str) -> dict[str, dict[str, str]]:
    code, out = run(*args, "--format", "json")
    assert code in (0, 1), out
    return {d["claim"]: d for d in json.loads(out)[0]["details"]}


# ---- networks, shapes and counts: the lecture's number, or the corrected one ----

CLAIMS = [
    # seed 000, "Example of Fully Connected Layer": 400×500 pixels fully connected to as many units: "40 billion
    # weights"
    ("000", "input 400x500x1, flatten, dense400*500", "2.weights", "40,000,000,000", "correct"),
    # seed 000, "Applying Multiple Convolutions": K 3×3×3 filters on R×C×3 give (R−2)·(C−2)·K units; K = 5
    ("000", "input RxCx3, conv5x3", "1.output", "(R-2)x(C-2)x5", "correct"),
    # seed 000, "Multiple Convolutional Layers": a second layer of K 3×3×5 filters: (R−4)·(C−4)·K, K = 5 again
    ("000", "input RxCx3, conv5x3, conv5x3", "2.output", "(R-4)*(C-4)*5".replace("*", "x"), "correct"),
    # seed 000: the five filters' weights "can be thought of as a 4D array, of size 3x3x3x4 in this example":
    # the slide has five filters, so 3·3·3·5 = 135, not 108
    ("000", "input RxCx3, conv5x3 nobias", "1.weights", "108", "wrong"),
    ("000", "input RxCx3, conv5x3 nobias", "1.weights", "135", "correct"),
    # seed 001, "One-Layer Network": Flatten(28, 28), Dense(10, softmax)
    ("001", "input 28x28, flatten, dense10 softmax", "total", "7,850", "correct"),
    # seed 001, "Some Improvement": Flatten, Dense(128) he_normal relu, Dropout(0.2), Dense(10)
    ("001", "input 28x28, flatten, dense128 relu, dropout0.2, dense10 softmax", "total", "101,770", "correct"),
    # seed 001, "One more example": 2 feature maps, 3×3 filters, stride 2, [7, 7, 3] → [3, 3, 2]
    ("001", "input 7x7x3, conv2x3 s2", "1.output", "[3, 3, 2]", "correct"),
    # seed 001, "Padding": a 5×5 filter on a 32×32 input: 28×28
    ("001", "input 32x32x3, conv1x5", "1.output", "28x28", "correct"),
    # seed 001, "Training CNN": a 3×3 input X and a single 2×2 filter W give a 2×2 output H
    ("001", "input 3x3x1, conv1x2", "1.output", "2x2x1", "correct"),
    # seed 001, "CNN in TensorFlow (7/7)": its flatten and dense layers
    ("001", "input 28x28x1, conv32x5 same relu, pool2 s2, conv64x5 same relu, pool2 s2, flatten, dense1024 relu, "
            "dense10 softmax", "6.params", "3,212,288", "correct"),   # (7·7·64 + 1)·1024
    # seed 002, "CNN Example": Conv2D(64, 3×3) on 28×28×1, pool, Conv2D(64, 3×3), flatten, Dense(10)
    # (640 + 36,928 + 77,450: (3·3·1 + 1)·64, (3·3·64 + 1)·64, (11·11·64 + 1)·10)
    ("002", "input 28x28x1, conv64x3 relu, pool2, conv64x3 relu, flatten, dense10 softmax", "total", "115,018",
     "correct"),
    # seed 002, "Convolutional Neural Networks": "5 × 5 + 1 = 25 + 1 parameters per node"
    ("002", "input 256x256x1, conv1x5", "1.params", "26", "correct"),
    # seed 002, "Example": a 256×256 grayscale image fully connected to 25 outputs: "1,638,400 + 1"; one bias per
    # output makes it 1,638,425
    ("002", "input 256x256x1, flatten, dense25", "2.params", "1,638,401", "wrong"),
    ("002", "input 256x256x1, flatten, dense25", "2.weights", "1,638,400", "correct"),
    # seed 002, "How many parameters are in 16 Conv. Filters with 3x3 kernels": ((3 × 3 × 3) + 1) × 16 = 448
    ("002", "input 32x32x3, conv16x3", "1.params", "448", "correct"),
    # seed 002, "Convolution on Color Image": 5×5×3 with 2 filters 3×3×3 → 3×3×2
    ("002", "input 5x5x3, conv2x3", "1.output", "3x3x2", "correct"),
    # seed 003, "PREVIOUS MODEL": Dense(512) on 28·28, Dense(256), Dense(10)
    ("003", "input 784, dense512 relu, dense256 relu, dense10 softmax", "total", "535,818", "correct"),
    # seed 003, "PATCHES": a 3×3 patch on a 5×5 input, and on a 28×28 digit
    ("003", "input 5x5x1, conv1x3", "1.output", "3x3", "correct"),
    ("003", "input 28x28x1, conv1x3", "1.output", "26x26", "correct"),
    # seed 003, "PROBLEMS": "If you then flatten with a dense layer you will have 15.8 million parameters" (a
    # 512-unit layer on the 30,976 values: 15,860,224, which the slide cuts to 15.8 million)
    ("003", "input 28x28x1, conv32x3 relu, conv64x3 relu, conv64x3 relu, flatten, dense512", "5.params", "15.8M",
     "rounded"),
    # seed 004, "Convolutional Layer": ten 5×5×3 kernels on 28×28×3 give 24×24×10
    ("004", "input 28x28x3, conv10x5", "1.output", "24x24x10", "correct"),
    # seed 004, "Zero Padding": 28×28 with a 3×3 kernel is 26×26; a 1-pixel border keeps 7×7
    ("004", "input 28x28x1, conv1x3", "1.output", "26x26", "correct"),
    ("004", "input 7x7x1, conv1x3 p1", "1.output", "7x7", "correct"),
    # seed 004: "stack two convolutional layers with smaller kernels (3 × 3) with 18 parameters for the two
    # layers together", against a 9×9 kernel's 81 (weights of one channel, no bias)
    ("004", "input 9x9x1, conv1x3 nobias, conv1x3 nobias", "total", "18", "correct"),
    ("004", "input 9x9x1, conv1x9 nobias", "1.weights", "81", "correct"),
]


@pytest.mark.parametrize(("seed", "spec", "key", "answer", "status"), CLAIMS,
                         ids=[f"seed{c[0]}-{c[2]}={c[3]}" for c in CLAIMS])
def test_the_lectures_numbers(seed: str, spec: str, key: str, answer: str, status: str) -> None:
    verdict = verdicts("check", spec, "--expect", f"{key}={answer}")[key]
    assert verdict["status"] == status, verdict


def test_seed000_the_weights_misprint_is_named() -> None:
    """Seed 000's "3x3x3x4" for five filters: cnncalc gives 135 and its arithmetic."""
    verdict = verdicts("check", "input RxCx3, conv5x3 nobias", "--expect", "1.weights=108")["1.weights"]
    assert verdict["correct"] == "135"


def test_seed002_the_max_pool_formula_with_f_0() -> None:
    """Seed 002, "Max Pool layer": the slide writes n = 24, f = 0, s = 2 and gets 12 × 12; with f = 0 the formula
    gives (24 − 0)/2 + 1 = 13, so f must be 2: (24 − 2)/2 + 1 = 12."""
    code, out = run("check-stride", "24", "2", "2")
    assert code == 0 and "(24 + 2·0 − 2)/2 + 1 = 12" in out
    code, out = run("solve", "input 24x24x64, pool?", "--output", "12x12")
    assert code == 0 and "✓ ? = 2:" in out


def test_seed000_max_pooling_the_5x5_map_is_pytorchs_ceil_mode() -> None:
    """Seed 000, "Max Pooling Example": the 5×5 map pooled 2×2 to 3×3 keeps the partial last row and column; the
    floored pool is 2×2, and cnncalc names the 3×3 as the ceil_mode result."""
    answer = "7463 7902 6699; 7301 6804 7450; 6917 6838 6121"
    code, out = run("pool", "--matrix", M + "conv_map_5x5.txt", "--size", "2", "--expect", answer)
    assert code == 1 and "the answer is 3×3, the output is 2×2; 3×3 is the ceil_mode result" in out
    code, out = run("pool", "--matrix", M + "conv_map_5x5.txt", "--size", "2", "--ceil", "--expect", answer)
    assert code == 0, out


def test_seed001_the_curve_detectors_large_number() -> None:
    """Seed 001, "Filters Example (2/3)": (50·30) + (50·30) + (50·30) + (20·30) + (50·30) = 6600."""
    code, out = run("conv", "--matrix", M + "curve_region_8x8.txt",
                    "--kernel", M + "curve_filter_8x8.txt", "--expect", "6600")
    assert code == 0 and "✓ all 1 cells correct" in out


def test_seed001_softmax_of_the_last_layers_sums() -> None:
    """Seed 001: ŷ = softmax(L + b); for logits 2, 1, 0.1: e²/(e² + e + e^0.1) = 0.659 (to three places)."""
    code, out = run("dense", "--vector", "2 1 0.1", "--activation", "softmax", "--explain", "1", "--expect",
                    "0.659 0.242 0.099")
    assert code == 0, out
    assert "softmax(L)_1 = e^2 / (e^2 + e^1 + e^0.1)" in out


def test_seed001_a_units_weighted_sum() -> None:
    """Seed 001: L_{0,0} = w_{0,0}·x_0 + w_{1,0}·x_1 + …, plus the unit's bias; two inputs, two units by hand:
    L_2 = 1·(−1) + 2·1 + 1 = 2."""
    code, out = run("dense", "--vector", "1 2", "--weights", "0.5 -1; 0.25 1", "--bias", "0 1", "--explain", "2",
                    "--expect", "1 2")
    assert code == 0 and "L_2 = 1×(-1) + 2×1 + 1 (bias) = 2" in out


def test_seed004_the_exams_weights_to_be_learned_with_their_fan_in() -> None:
    """Seed 004's exam: each first-layer unit is connected to 5·3·3·3 = 135 units... in fact each of its 26·26·5
    units reads 3·3·3 = 27 inputs (its fan-in); the 135 weights are the 5 filters'."""
    code, out = run("summary", "examples/lectures/exam_128x128x3.cnn", "--explain")
    assert code == 0 and "each filter: 3·3·3 = 27 weights + 1 bias (fan-in 27)" in out
