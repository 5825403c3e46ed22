"""Issue 14: `cnncalc solve` finds the '?' of the lectures' homework questions.

Expected values are the lectures' own answers (seed 002's AlexNet stride 4 and its 251×151 question's stride 10,
seed 004's padding (K − 1)/2 and its exam's stride 5, the 18,496 parameters of 64 filters) or worked by hand.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

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
    (["input 28x28x1, conv32x?", "--output", "26x26", "--layer", "9"], "--layer 9: the network has no such layer"),
    (["input 8x8x1, conv4x? as e?, add(id | @e?)", "--output", "6x6", "--layer", "9"], "--layer 9: the network has no"),
    (["input 12x12x3, [conv4x3 same]x?, conv2x?", "--output", "10x10"], "the '?' changes how many layers the network "
                                                                         "has (a repeat count)"),
])
def test_bad_questions_exit_two(args: list[str], message: str) -> None:
    code, out = solve(*args)
    assert code == 2 and message in out and "Traceback" not in out


def test_the_output_of_a_named_layer() -> None:
    """ResNet-50's last block gives 7×7 for inputs 193 to 224 (its five halvings: ⌈⌈…⌈n/2⌉…⌉/2⌉ = 7)."""
    from .conftest import ZOO

    spec = (ZOO / "keras" / "ResNet50.cnn").read_text(encoding="utf-8")
    spec = spec.replace("input 224x224x3", "input ?x?x3")
    code, out = solve(spec, "--output", "7x7")
    assert code == 2 and "the network's output is (None, 1000), with 0 spatial axes; 7×7 has 2" in out
    assert values(spec, "--output", "7x7", "--layer", "174") == list(range(193, 225))


def test_params_with_layer_is_that_layers_count() -> None:
    """By hand: the second conv's (3·3·32 + 1)·64 = 18,496 parameters; the network's are 320 more (the first conv's
    (3·3·1 + 1)·32), so without --layer 18,496 is no network's total."""
    spec = "input 28x28x1, conv32x3, conv?x3"
    assert values(spec, "--params", "18496", "--layer", "2") == [64]
    assert values(spec, "--params", "18,496", "--layer", "conv2d_1") == [64]
    assert values(spec, "--params", "18816") == [64]  # 320 + 18,496
    code, out = solve(spec, "--params", "18496", "--layer", "2")
    assert code == 0 and "Target: 18,496 parameters in layer 2" in out


@pytest.mark.parametrize(("count", "expected"), [
    # by hand: dense? on 224·224·64 = 3,211,264 features after conv64x3 on 224×224×3 (222·222·64 = 3,154,176
    # features, conv (27 + 1)·64 = 1,792): ? = 5 gives 3,154,177·5 + 1,792 = 15,772,677, 15.8 million at its
    # precision (within 50,000); ? = 4 gives 12,618,500 and ? = 6 18,926,854
    ("15.8 million", [5]), ("15.8M", [5]), ("15.77M", [5]), ("15,772,677", [5]), ("16 million", [5]),
    ("15.7M", [5]),  # 15,772,677 cut (not rounded) to 15.7M: check accepts it and says it is cut
    ("15.6M", []),
])
def test_params_read_as_check_reads_them(count: str, expected: list[int]) -> None:
    assert values("input 224x224x3, conv64x3, flatten, dense?", "--params", count) == expected


def test_check_and_solve_read_a_count_with_one_reader() -> None:
    """check grades '15.8 million' at its precision: the same reader meets the same counts."""
    from cnncalc.language.counts import read_written_count

    written = read_written_count("15.8 million", "--params")
    assert [written.meets(n) for n in (15_750_000, 15_849_999, 15_700_000, 15_900_001)] == [True, True, False, False]
    result = CliRunner().invoke(main, ["check", "input 224x224x3, conv64x3, flatten, dense5", "--expect",
                                       "total=15.8 million"])
    assert result.exit_code == 0, result.output


# ---- a search costs the layers after the unknown, never the whole network for every value ----

def reference(spec: str, low: int, high: int, params: int | None = None,
              output: tuple[int, ...] | None = None) -> list[int]:
    """The solutions by brute force, as `summary` builds each network: the whole spec with the value in place."""
    from cnncalc.errors import CnnCalcError
    from cnncalc.graph.network import build

    found = []
    for value in range(low, high + 1):
        try:
            net = build(spec.replace("?", str(value)))
        except CnnCalcError:
            continue
        out = net.layers[-1].output_shape if net.layers else net.input_shape
        if (params is None or net.total_params == params) and (output is None or out[:len(output)] == output):
            found.append(value)
    return found


@pytest.mark.parametrize(("spec", "target", "field_range"), [
    # by hand: 224 + 73·? + (49·? + 1)·10 = 234 + 563·? parameters, 3,049 for ? = 5
    ("input 16x16x3, conv8x3 same relu, conv?x3, pool2, flatten, dense10", ["--params", "3049"], (1, 64)),
    ("input 16x16x3, conv8x3 same, bn, conv8x? s2 relu, conv4x1", ["--output", "6x6"], (1, 64)),
    ("input 3x16x16 nchw, conv8x3 relu, bn, conv4x3 p?, flatten", ["--output", "1024"], (0, 64)),  # 4·16·16
    ("input 16x16x3, conv4x3 same as e1, conv4x? same, add(id | @e1), conv2x1", ["--output", "16x16"], (1, 64)),
    ("input 16x16x3, [conv4x? same relu]x3, flatten", ["--output", "1024"], (1, 64)),
    ("input ?x?x3, conv8x3 s2, conv8x3", ["--output", "5x5"], (1, 64)),  # ⌊(n − 3)/2⌋ + 1 = 7: n = 15, 16
    ("input 16x16x3, conv8x3 # is it 3?\n, conv8x3 p?", ["--output", "16x16"], (0, 64)),
    # '?' in a name too: each value is rebuilt whole. By hand: (1·?² + 1)·4 + 148 parameters, 188 for ? = 3
    ("input 8x8x1, conv4x? same as e?, conv4x3 same, add(id | @e?)", ["--params", "188"], (1, 64)),
])
def test_each_solution_is_what_summary_builds(spec: str, target: list[str], field_range: tuple[int, int]) -> None:
    """The solver resolves only the layers from the unknown on; brute force builds every value's whole network."""
    output = tuple(int(n) for n in target[1].split("x")) if target[0] == "--output" else None
    params = int(target[1]) if target[0] == "--params" else None
    expected = reference(spec, *field_range, params=params, output=output)
    assert expected, "a question with no answer proves nothing here"
    assert values(spec, *target) == expected


KNOWN = ["conv4x3 same relu", "bn", "pool2 s1", "conv6x1", "dropout0.5", "conv4x3 p1 s2"]
UNKNOWN = ["conv4x?", "conv4x3 s?", "conv4x3 p?", "pool?", "conv4x3 d?", "avgpool3 s?", "conv4x? same"]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(KNOWN), max_size=4), st.sampled_from(UNKNOWN), st.lists(st.sampled_from(KNOWN),
       max_size=3), st.integers(1, 4), st.booleans())
def test_random_unknowns_agree_with_brute_force(before: list[str], unknown: str, after: list[str], value: int,
                                                torch: bool) -> None:
    """Random chains with one '?' among known layers: the solutions are the values whose whole network, built as
    `summary` builds it, gives the output the network gives for ``value``."""
    from cnncalc.errors import CnnCalcError
    from cnncalc.graph.network import build

    spec = ", ".join(["input 3x20x20 nchw" if torch else "input 20x20x3", *before, unknown, *after])
    try:
        net = build(spec.replace("?", str(value)))
    except CnnCalcError:
        return  # that value is refused; another example asks a question with an answer
    output = net.layers[-1].output_shape
    low = 0 if " p?" in unknown else 1
    assert values(spec, "--output", "x".join(map(str, output))) == reference(spec, low, 64, output=output)


def test_the_layers_before_the_unknown_are_resolved_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """2,000 1×1 convs before a conv?x3 whose 8,192 filter counts are all tried: the 2,000 are resolved once (not
    8,192 times, 16 million resolutions), and each value resolves the one conv with the '?'."""
    from cnncalc.model import layers

    calls = {"count": 0}
    original = layers.Conv2D.resolve

    def counted(self, shape):  # type: ignore[no-untyped-def]
        calls["count"] += 1
        return original(self, shape)

    monkeypatch.setattr(layers.Conv2D, "resolve", counted)
    code, out = solve("input 8x8x1, [conv1x1]x2000, conv?x3", "--params", "99999999")
    assert code == 1 and "no value in 1–8192 gives 99,999,999 parameters" in out
    # by hand: the largest value gives 8,192·(3·3·1 + 1) = 81,920 more than the 2,000·(1·1·1 + 1) = 4,000 before it
    assert "? = 8192: (3·3·1 + 1)·8192 = 81,920 → output 6×6×8192, 85,920 parameters" in out
    assert calls["count"] <= 2000 + 8192


def test_a_search_past_the_work_limit_is_refused_up_front() -> None:
    """A kernel size is searched over 1–64; each value would resolve the 10,001 layers from the unknown on."""
    code, out = solve("input 8x8x1, conv1x?, [conv1x1]x10000", "--output", "8x8")
    assert code == 2 and "Traceback" not in out
    assert "the search would resolve 640,064 layers (10,001 for each value tried), over cnncalc's limit of " \
           "200,000" in out


def test_a_growing_search_stops_at_the_work_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """An input size grows its output, so the search may stop early; one that never does stops at the limit."""
    import cnncalc.analysis.solve

    monkeypatch.setattr(cnncalc.analysis.solve, "MAX_WORK", 1000)
    code, out = solve("input ?x?x1, [relu]x99", "--output", "5000x5000")
    assert code == 2 and "Traceback" not in out
    assert "it reached that at ? = 11" in out  # 10 values × 100 layers = 1,000: the 11th would pass the limit


def test_the_help_states_the_work_limit() -> None:
    from cnncalc.analysis.solve import MAX_WORK
    from cnncalc.views.render import STREAM_ROWS

    assert f"at most {MAX_WORK:,} layers in all" in " ".join(solve("--help")[1].split())
    summary = CliRunner().invoke(main, ["summary", "--help"]).output
    assert f"more than {STREAM_ROWS:,} rows is printed as plain fixed-width lines" in " ".join(summary.split())


def test_an_input_written_with_names_is_refused_with_a_caret() -> None:
    """A named size has no number for the search to compare with: exit 2 at the input, never an internal error."""
    from click.testing import CliRunner

    from cnncalc.cli import main

    result = CliRunner().invoke(main, ["solve", "input Rx?x3, conv5x3", "--output", "8x8"])
    assert result.exit_code == 2, result.output
    assert "solve needs the input's sizes as numbers" in result.output
    assert "  input Rx?x3, conv5x3\n        ^^^^^\n" in result.output
    assert "Internal error" not in result.output
