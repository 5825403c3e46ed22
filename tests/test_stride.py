"""`cnncalc check-stride`: the lectures' stride questions, exit codes, JSON, and properties."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.analysis.stride import check
from cnncalc.cli import main

from .conftest import ROOT, oracle


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["check-stride", *args], catch_exceptions=False)


def dims(*args: str) -> tuple[int, dict[str, Any]]:
    result = run(*args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("args", "exact", "output", "fits", "source"),
    [
        (("7", "3", "3"), 2.3333, 2, False, "seed 004: (7 − 3)/3 + 1 = 2.33 (Does not fit!)"),
        (("7", "3", "2"), 3.0, 3, True, "seed 004: (7 − 3)/2 + 1 = 3"),
        (("7", "3", "1", "1"), 7.0, 7, True, "seed 004: ((7 + 2) − 3)/1 + 1 = 7"),
        (("227", "11", "4"), 55.0, 55, True, "seed 002: AlexNet, ((227 − 11 + 2(0))/4) + 1 = 55"),
        (("128", "3", "5"), 26.0, 26, True, "seed 004 exam: 26 × 26 × 5"),
        (("11", "2", "2"), 5.5, 5, False, "seed 000: pooling 11 → 5, last row and column ignored"),
        (("32", "5", "1", "2"), 32.0, 32, True, "seed 004: ((32 + 4) − 5)/1 + 1 = 32"),
    ],
)
def test_lecture_questions(args: tuple[str, ...], exact: float, output: int, fits: bool, source: str) -> None:
    code, document = dims(*args)
    assert code == (0 if fits else 1), source
    assert document["fits"] is fits
    for dim in document["dims"]:
        assert (dim["exact"], dim["output"], dim["fits"]) == (exact, output, fits), source


def test_seed002_rectangular_question() -> None:
    # "a 21 × 21 filter and a 251 × 151 image with stride of 10": 24 × 14
    code, document = dims("251x151", "21", "10")
    assert code == 0
    assert [(d["axis"], d["n"], d["output"]) for d in document["dims"]] == [("H", 251, 24), ("W", 151, 14)]


def test_the_pinned_json_for_seed004() -> None:
    _, document = dims("7", "3", "3")
    first = document["dims"][0]
    assert {k: first[k] for k in ("axis", "n", "f", "s", "p", "d", "exact", "output", "ceil_output", "fits",
                                  "uncovered")} == {
        "axis": "H", "n": 7, "f": 3, "s": 3, "p": 0, "d": 1, "exact": 2.3333, "output": 2, "ceil_output": 3,
        "fits": False, "uncovered": 1}
    # (7 − 3) = 4 is divided by strides 2 and 4; p1 makes 6; inputs 6 and 9; kernels 1 and 4.
    assert first["suggestions"] == {
        "strides": [{"s": 2, "output": 3}, {"s": 4, "output": 2}],
        "paddings": [{"p": 1, "output": 3}],
        "inputs": [{"n": 6, "output": 2}, {"n": 9, "output": 3}],
        "kernels": [{"f": 1, "output": 3}, {"f": 4, "output": 2}],
    }


def test_text_names_the_uncovered_column_and_the_picture_shows_it() -> None:
    result = run("7", "3", "3")
    assert result.exit_code == 1
    assert "(7 + 2·0 − 3)/3 + 1 = 2.33: does not fit" in result.stdout
    assert "Keras and PyTorch give 2 (floor); with ceil_mode, 3" in result.stdout
    assert "windows start at 0 and 3; row and column 6 is never covered" in result.stdout
    assert "input     █ █ █ █ █ █ ✗" in result.stdout


def test_same_reports_the_split() -> None:
    # TensorFlow's rule: stride 2 on 28 with k=3 pads 1 row in all, at the bottom.
    result = run("28", "3", "2", "same")
    assert result.exit_code == 0
    assert "same, stride 2 on 28 with k=3: pad 1 in all, 0 top/left, 1 bottom/right" in result.stdout
    assert dims("28", "3", "2", "same")[1]["dims"][0]["suggestions"]["same_padding"] == {
        "total": 1, "before": 0, "after": 1}


def test_an_odd_remainder_needs_asymmetric_padding() -> None:
    pads = dims("11", "2", "2")[1]["dims"][0]["suggestions"]["paddings"]
    assert pads == [{"before": 0, "after": 1, "output": 6}]  # 9 + 2p is odd for every p


def test_pictures_stay_inside_80_columns() -> None:
    for n in (7, 20, 36, 40, 72):
        lines = run(str(n), "3", "2", "1").stdout.splitlines()
        assert max(map(len, lines)) <= 80, n
    assert "index" not in run("200", "3", "2").stdout  # summarised in words beyond that


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("4", "5", "1"), "Error: H: kernel 5 is larger than the padded input, 4 + 0 + 0 = 4"),
        (("0", "3", "1"), "Error: input size N must be at least 1, got '0'"),
        (("7", "3", "0"), "Error: stride S must be at least 1, got '0'"),
        (("7", "x", "3"), "Error: cannot read kernel F 'x'"),
        (("7", "3", "3", "-1"), "Error: padding must be at least 0, got '-1'"),
        (("7", "3", "3", "bogus"), "Error: cannot read padding 'bogus'"),
        (("5", "3", "1", "--dilation", "3"), "Error: H: kernel 3 (dilated to 7) is larger than the padded input"),
        (("7", "3"), "Error: expected N F S [P]"),
    ],
)
def test_bad_input_exits_two(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_spec_mode_puts_the_worst_layer_first() -> None:
    result = run("--spec", str(ROOT / "examples" / "mnist_keras.cnn"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("✗ max_pooling2d_1 (pool2) on 11×11: (11 − 2)/2 + 1 = 5.5 → 5")
    assert len(lines) == 4  # two convs, two pools
    assert run("--spec", str(ROOT / "examples" / "lectures" / "mnist_same_padding.cnn")).exit_code == 0


@settings(max_examples=400, deadline=None)
@given(n=st.integers(1, 400), f=st.integers(1, 9), s=st.integers(1, 9), p=st.integers(0, 4), d=st.integers(1, 3))
def test_fits_exactly_when_the_stride_divides(n: int, f: int, s: int, p: int, d: int) -> None:
    if d * (f - 1) + 1 > n + 2 * p:
        return
    report = check((n, n), (f, f), (s, s), (p, p), (d, d))
    assert report.fits == ((n + 2 * p - d * (f - 1) - 1) % s == 0)
    for name, suggestion in report.axes[0].suggestions.items():
        for item in suggestion:  # every suggestion really fits
            nn, ff, ss = item.get("n", n), item.get("f", f), item.get("s", s)
            total = 2 * item["p"] if "p" in item else item.get("before", p) + item.get("after", p)
            if name != "paddings":
                total = 2 * p
            assert (nn + total - d * (ff - 1) - 1) % ss == 0, (name, item)


@pytest.mark.oracle
@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 60), f=st.integers(1, 7), s=st.integers(1, 7), p=st.integers(0, 3), d=st.integers(1, 3),
       ceil=st.booleans())
def test_outputs_equal_pytorch(n: int, f: int, s: int, p: int, d: int, ceil: bool) -> None:
    torch = oracle("torch")
    if d * (f - 1) + 1 > n + 2 * p or p > f // 2:
        return  # rejected by cnncalc (kernel too large) or by max_pool2d (pad over half of kW, undilated)
    dim = check((n, n), (f, f), (s, s), (p, p), (d, d), ceil).as_json()["dims"][0]
    x = torch.zeros(1, 1, n, n)
    floor_out = torch.nn.functional.max_pool2d(x, f, s, p, d, ceil_mode=False).shape[-1]
    ceil_out = torch.nn.functional.max_pool2d(x, f, s, p, d, ceil_mode=True).shape[-1]
    conv_out = torch.nn.functional.conv2d(x, torch.zeros(1, 1, f, f), None, s, p, d).shape[-1]
    assert (dim["output"], dim["ceil_output"]) == (floor_out, ceil_out)
    assert dim["output"] == conv_out


def test_huge_axes_answer_without_walking_every_window() -> None:
    # Windows of 2 every 7 cells read 2 of each 7: 2·142,857,143 cells of a billion.
    _, document = dims("1000000000", "2", "7")
    first = document["dims"][0]
    assert (first["output"], first["uncovered"]) == (142_857_143, 1_000_000_000 - 2 * 142_857_143)
    _, document = dims("1000000000", "3", "1", "--dilation", "2")
    assert document["dims"][0]["uncovered"] == 0  # stride 1 reads every cell
    text = run("1000000000", "3", "7", "--dilation", "2").stdout
    assert "142,857,143 windows start at 0, 7, 14, …, 999999994" in text
