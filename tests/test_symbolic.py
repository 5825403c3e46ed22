"""Issue 14: sizes written with names, as the lectures write R×C×3.

Expected strings are the issue's (which are seed 000's: a 3×3×3 filter on R×C×3 leaves (R−2)×(C−2), a second
3×3 filter (R−4)×(C−4)); the property test's expected values are cnncalc's own numeric summaries, which the
differential tests hold to Keras and PyTorch, so a symbolic size is right exactly when substituting numbers into
it gives what the numeric network gives.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc.cli import main
from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import build

from .conftest import ROOT
from .oracle_specs import Desc, spec_text, structured

ISSUE = "input RxCx3, conv5x3, conv7x3, flatten, dense10"
#: The numbers cnncalc builds a named network with (and the sizes they reach by a few layers): never shown.
STAND_INS = {str(n + d) for n in (1031, 1297, 2053, 1543, 1187, 1299, 1545, 1189, 1033, 2055) for d in range(-40, 41)}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "100"})
    return result.exit_code, result.output


def test_the_issues_example_prints_as_the_lectures_write_it() -> None:
    code, out = invoke("summary", ISSUE)
    assert code == 0, out
    for text in ("(None, R−2, C−2, 5)", "(None, R−4, C−4, 7)", "(None, (R−4)·(C−4)·7)", "((R−4)·(C−4)·7 + 1)·10",
                 "Total params: ((R−4)·(C−4)·7 + 1)·10 + 462"):
        assert text in out, text
    code, out = invoke("summary", "input RxCx3, conv5x3 s2 p1")
    assert "⌊(R − 1)/2⌋ + 1" in out  # (R + 2·1 − 3)/2 + 1, floored


def test_json_writes_names_as_ascii_and_numbers_as_integers() -> None:
    _code, out = invoke("summary", "input RxCx3, conv5x3 s2, conv7x3, flatten, dense10", "--format", "json")
    document = json.loads(out)
    assert document["input_shape"] == ["R", "C", 3]
    assert document["layers"][0]["output_shape"] == ["floor((R-3)/2)+1", "floor((C-3)/2)+1", 5]
    assert document["layers"][0]["params"] == 140
    assert document["layers"][3]["params"] == "((floor((R-3)/2)-1)*(floor((C-3)/2)-1)*7+1)*10"
    assert out.isascii() or all(ord(ch) < 128 for ch in json.dumps(document["layers"][0]["output_shape"]))


def test_numbers_for_the_names_give_exactly_the_numeric_summary() -> None:
    numeric = invoke("summary", ISSUE.replace("RxCx3", "28x28x3"))
    assert invoke("summary", ISSUE, "--input", "28x28x3") == numeric
    assert invoke("summary", ISSUE, "--input", "28x28x3", "--format", "json") == \
        invoke("summary", ISSUE.replace("RxCx3", "28x28x3"), "--format", "json")


def _value(size: Any, values: dict[str, int]) -> int:
    import sympy

    if isinstance(size, int):
        return size
    return int(size.expr.subs({sympy.Symbol(name, integer=True, positive=True): v for name, v in values.items()}))


@settings(max_examples=int(os.environ.get("CNNCALC_SYMBOLIC_EXAMPLES", "150")), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(network=structured(False, 6), offsets=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)),
                                                      min_size=1, max_size=3))
def test_substituting_numbers_gives_the_numeric_network(network: tuple[tuple[int, ...], list[Desc]],
                                                         offsets: list[tuple[int, int]]) -> None:
    shape, descs = network
    if len(shape) != 3:
        return
    h, w, c = shape
    text = spec_text(shape, descs)
    named = text.replace(f"input {h}x{w}x{c}", f"input RxCx{c}", 1)
    try:
        symbolic = build(named)
    except CnnCalcError:
        with pytest.raises(CnnCalcError):  # only a network the numbers refuse too
            build(text.replace(f"input {h}x{w}x{c}", "input 1031x1299x" + str(c), 1))
        return
    for dh, dw in [(0, 0), *offsets]:
        values = {"R": h + dh, "C": w + dw}
        try:
            numeric = build(text.replace(f"input {h}x{w}x{c}", f"input {h + dh}x{w + dw}x{c}", 1))
        except CnnCalcError:
            continue
        for named_layer, layer in zip(symbolic.layers, numeric.layers):
            assert tuple(_value(d, values) for d in named_layer.output_shape) == layer.output_shape, named
            assert _value(named_layer.params.total, values) == layer.params.total, named


def test_a_network_sizes_cannot_follow_is_refused_at_its_layer_without_the_stand_in_numbers() -> None:
    # the U-Net crops its skip by 4 for a 92×92 input: the two branches of line 10 agree only for some sizes
    code, out = invoke("summary", (ROOT / "examples" / "graphs" / "unet_small.cnn").read_text(encoding="utf-8")
                       .replace("input 92x92x1", "input HxWx1"))
    lines = out.splitlines()
    assert code == 2
    assert lines[0] == ("Error: layer 8 concatenate (cat(id | @skip, crop4)): for some values of H, W: Concatenate "
                        "needs branches that agree on every axis but the channels, but they are branch 1 (id): "
                        "(None, …, …, 8); branch 2 (@skip, crop4): (None, …, …, 8)")
    assert lines[1:3] == ["  line 10: cat(id | @skip, crop4)", "           ^^^^^^^^^^^^^^^^^^^^^^"]
    assert "give numbers with --input" in out
    assert not STAND_INS & set(re.findall(r"\d+", out)), out


def test_options_that_need_numbers_say_so() -> None:
    code, out = invoke("summary", ISSUE, "--columns", "macs")
    assert code == 2 and "need numbers" in out and "--input 28x28x3" in out


@pytest.mark.parametrize(("claim", "status"), [
    ("1.output=(R-2)x(C-2)x5", "correct"),
    ("1.output=R−2 × C−2 × 5", "correct"),
    ("1.output=(None, R-2, C-2, 5)", "correct"),
    ("2.output=(R-4)x(C-4)", "wrong"),                              # two sizes for three
    ("3.output=7(R-4)(C-4)", "correct"),
    ("3.output=7RC-28R-28C+112", "correct"),
    ("3.output=7RC", "wrong"),
    ("4.params=((R-4)*(C-4)*7+1)*10", "correct"),
    ("4.params=70RC - 280R - 280C + 1130", "correct"),
    ("4.params=(R-4)*(C-4)*70", "wrong"),                          # the weights, without the 10 biases
    ("total=((R-4)*(C-4)*7+1)*10+462", "correct"),
])
def test_symbolic_answers_are_graded_in_any_equivalent_form(claim: str, status: str) -> None:
    _code, out = invoke("check", ISSUE, "--expect", claim, "--format", "json")
    assert json.loads(out)[0]["details"][0]["status"] == status, out


def test_floors_are_equal_in_any_form() -> None:
    spec = "input RxCx3, conv5x3 s2, conv7x3"
    for claim in ("1.output=floor((R-1)/2) x floor((C-1)/2) x 5", "2.output=⌊(R − 5)/2⌋ × ⌊(C − 5)/2⌋ × 7"):
        code, _ = invoke("check", spec, "--expect", claim)
        assert code == 0, claim
    code, out = invoke("check", spec, "--expect", "2.output=⌊(R − 4)/2⌋ × ⌊(C − 5)/2⌋ × 7", "--format", "json")
    # ⌊(R − 3)/2⌋ − 1 at R = 8 is 1; ⌊(8 − 4)/2⌋ is 2
    assert (code, json.loads(out)[0]["details"][0]["arithmetic"]) == (1, "axis 1 for R = 8, C = 8: 1, not 2")


@pytest.mark.parametrize(("args", "lines"), [
    (["N", "3", "3"], ["H and W: (N + 2·0 − 3)/3 + 1 is whole when N ≡ 0 (mod 3), and the window fits when N ≥ 3",
                       "  fits when N ≡ 0 mod 3: N = 3, 6, 9, 12, …"]),     # seed 004: 7 ≡ 1 does not fit
    (["N", "11", "4"], ["H and W: (N + 2·0 − 11)/4 + 1 is whole when N ≡ 3 (mod 4), and the window fits when N ≥ 11",
                        "  fits when N ≡ 3 mod 4: N = 11, 15, 19, 23, …"]),  # seed 002: 227 ≡ 3 (mod 4)
    (["N", "3", "2", "same"], ["H and W: same gives ⌈N/2⌉; it divides evenly when N ≡ 0 (mod 2): N = 2, 4, 6, 8, …"]),
])
def test_check_stride_says_for_which_n_the_stride_fits(args: list[str], lines: list[str]) -> None:
    code, out = invoke("check-stride", *args)
    assert (code, out.splitlines()) == (0, lines)


def test_numeric_summaries_never_import_sympy() -> None:
    code = ("import sys; from click.testing import CliRunner; from cnncalc.cli import main; "
            "r = CliRunner().invoke(main, ['summary', 'input 28x28x1, conv32x3, pool2, flatten, dense10']); "
            "assert r.exit_code == 0, r.output; assert 'sympy' not in sys.modules, 'sympy imported'; "
            "CliRunner().invoke(main, ['summary', 'input RxCx1, conv32x3']); assert 'sympy' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
