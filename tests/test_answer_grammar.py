"""The answer grammar (cnncalc/language/expression.py) and the exact comparison of sizes (symbolic.compare).

Every expected value is arithmetic done here, with Python integers or by hand in a comment, and the parsed
expressions are evaluated with sympy's own substitution, not with cnncalc's evaluator.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import sympy
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from cnncalc.cli import main
from cnncalc.errors import CnnCalcError, SpecError
from cnncalc.language.expression import read_size, symbols_for
from cnncalc.language.symbolic import compare

NAMES = ("R", "C")
R, C = 10, 13  # the point where the forms below are evaluated by hand


def value(text: str, names: tuple[str, ...] = NAMES, at: tuple[int, ...] = (R, C)) -> Any:
    symbols = symbols_for(names)
    return read_size(text, names).subs({symbols[n]: v for n, v in zip(names, at)})


@pytest.mark.parametrize(("text", "expected"), [
    ("R−2", R - 2),
    ("R-2", R - 2),
    ("R–2", R - 2),                                  # an en dash, as word processors write a minus
    ("(R-4)*(C-4)*7", (R - 4) * (C - 4) * 7),
    ("7RC - 28R - 28C + 112", 7 * R * C - 28 * R - 28 * C + 112),
    ("7(R-4)(C-4)", 7 * (R - 4) * (C - 4)),
    ("⌊(R − 3)/2⌋ + 1", (R - 3) // 2 + 1),
    ("floor((R-3)/2)+1", (R - 3) // 2 + 1),
    ("FLOOR((C-3)/2)", (C - 3) // 2),
    ("ceil(R/4)", -(-R // 4)),
    ("ceiling(C/4)", -(-C // 4)),
    ("⌈C/4⌉", -(-C // 4)),
    ("2(R − 1)", 2 * (R - 1)),
    ("R²", R**2),
    ("3·C^2", 3 * C**2),
    ("R**2", R**2),
    ("R^(2)", R**2),
    ("(R^2)^2", R**4),
    ("R×C", R * C),
    ("R⋅C", R * C),
    ("RC", R * C),
    ("R⌊C/2⌋", R * (C // 2)),
    ("2 (R)(C)", 2 * R * C),
    ("1,199,882", 1199882),
    ("18_496", 18496),
    ("2.5R", 25),                                    # 2.5·10, exactly
    ("R/2", sympy.Rational(R, 2)),
    ("R ÷ 2", sympy.Rational(R, 2)),
    ("R/(4-2)", sympy.Rational(R, 2)),
    ("-R+3", -R + 3),
    ("--R", R),
    ("R*-C", -R * C),
    ("((R-4)*(C-4)*7+1)*10", ((R - 4) * (C - 4) * 7 + 1) * 10),
    ("  R  ", R),
])
def test_the_forms_answers_are_written_in(text: str, expected: Any) -> None:
    assert value(text) == expected


@pytest.mark.parametrize(("text", "message", "caret"), [
    ("Q-2", "unknown name 'Q'", "^"),
    ("factorial(10**9)", "unknown name 'factorial'", "^^^^^^^^^"),
    ("R.__class__", "unexpected '.'", " ^"),
    ("9**9**9**9", "the exponent must be a whole number from 0 to 8", "   ^"),
    ("R**(10**18)", "the exponent must be a whole number from 0 to 8, written as digits", "    ^^^^"),
    ("R**R**R", "the exponent must be a whole number from 0 to 8, written as digits", "   ^"),
    ("R^2^2", "a power of a power", "   ^"),
    ("R/C", "a size divides only by a number", "  ^"),
    ("R/(3-3)", "division by zero", "  ^^^^^"),
    ("floor R", "'floor' needs parentheses", "^^^^^"),
    ("(R", "'(' is never closed", "^"),
    ("⌊R)", "'⌊' is closed by ')'", "  ^"),
    ("R)", "unexpected ')'", " ^"),
    ("", "the size is empty", "^"),
    ("18 496", "a number right after '18'", "   ^^^"),
    ("(R-1)2", "a number right after ')'", "     ^"),
    ("R⁹", "the exponent must be a whole number from 0 to 8", " ^"),
    ("1" * 19, "the number '1111111111111111111' is too large: 1111111111111111111 is over 10^18", "^" * 19),
    ("(" * 33 + "R" + ")" * 33, "the size nests parentheses more than 32 deep", " " * 32 + "^"),
    ("(((9^8)^8)^8)^2", "a number in the size would have over 600 digits", "^^^^^^^^^^^^^^^"),
    ("((R+C+1)^8)^2", "the size has over 10,000 terms once multiplied out", "^" * 13),
    ("R^8·C^8·R", "the size has a degree over 16 in its names", "^^^^^^^^^"),
    ("R" * 1001, "the answer is longer than 1,000 characters", "^"),
    ("٣R", "unexpected '٣'", "^"),                    # an Arabic-Indic digit is not a digit here
])
def test_what_the_grammar_refuses_is_pointed_at(text: str, message: str, caret: str) -> None:
    with pytest.raises(SpecError) as caught:
        read_size(text, NAMES)
    lines = caught.value.render().splitlines()
    assert lines[0] == message
    assert lines[2] == "  " + caret


def test_unknown_names_are_told_the_names_there_are() -> None:
    with pytest.raises(SpecError) as caught:
        read_size("H-2", ("Height", "W"))
    assert caught.value.hint == "the names are Height, W; the functions are floor(…) and ceil(…)"
    with pytest.raises(SpecError, match="unknown name 'HeightW'"):  # names of several letters are never split
        read_size("HeightW", ("Height", "W"))


# ---- names that meet Python, sympy and the grammar ---------------------------------------------------------

def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "120"})
    return result.exit_code, result.output


def status(spec: str, claim: str) -> str:
    code, out = invoke("check", spec, "--expect", claim, "--format", "json")
    assert code in (0, 1), out
    return str(json.loads(out)[0]["details"][0]["status"])


@pytest.mark.parametrize("name", ["Integer", "True", "False", "lambda", "None", "as", "E", "I", "S", "N", "O", "Q",
                                  "pi", "oo", "Symbol", "eval", "_", "__import__", "Rational"])
def test_any_name_is_graded_like_r(name: str) -> None:
    # a 3×3 conv leaves n − 2 (seed 000); its weights are 3·3·3·5 = 135, with 5 biases 140
    spec = f"input {name}xCx3, conv5x3, flatten, dense2"
    assert status(spec, f"1.output=({name}-2)x(C-2)x5") == "correct"
    assert status(spec, f"1.output=(None, {name} − 2, C − 2, 5)") == "correct"
    assert status(spec, f"1.output=({name}-3)x(C-2)x5") == "wrong"
    # the flatten: 5(n − 2)(C − 2); the dense layer: that many inputs + 1 bias, for each of 2 units
    assert status(spec, f"3.params=(5({name}-2)(C-2)+1)·2") == "correct"
    assert status(spec, f"3.params=10·{name}·C − 20·{name} − 20C + 42") == "correct"
    assert status(spec, f"3.params=10·{name}·C") == "wrong"


def test_n_is_a_name_before_it_is_a_batch() -> None:
    spec = "input NxNx3, conv5x3 same"
    assert status(spec, "1.output=N x N x 5") == "correct"        # three sizes: N is the height
    assert status(spec, "1.output=(N, N, N, 5)") == "correct"     # four: the first N is the batch
    assert status(spec, "1.output=(None, N, N, 5)") == "correct"


@pytest.mark.parametrize(("spec", "caret"), [
    ("input floorxCx3, conv5x3", "        ^^^^^"),
    ("input RxCeilx3, conv5x3", "          ^^^^"),
    ("input ceilingx3, conv5x3", "        ^^^^^^^"),
])
def test_the_grammars_words_cannot_name_a_size(spec: str, caret: str) -> None:
    code, out = invoke("summary", spec)
    lines = out.splitlines()
    assert code == 2 and "cannot name a size: answers use it as a function (input)" in lines[0]
    assert lines[2] == caret


# ---- the exact comparison -----------------------------------------------------------------------------------

def compared(given: str, true: str, names: tuple[str, ...] = NAMES) -> Any:
    return compare(read_size(given, names), read_size(true, names), names)


def test_a_difference_far_past_the_first_values_is_found() -> None:
    # ⌊R/1000⌋ is 0 below 1000: agreeing on 1 to 300 proves nothing
    found = compared("R - 2 + floor(R/1000)", "R - 2", ("R",))
    point = dict(found.point)["R"]
    assert not found.equal and point >= 1000
    assert (found.given, found.true) == (point - 2 + point // 1000, point - 2)


def test_an_identity_algebra_cannot_see_is_proved() -> None:
    # Hermite: ⌊x⌋ + ⌊x + 1/2⌋ = ⌊2x⌋, at x = R/3; sympy's expand leaves the three floors apart
    assert compared("R - 2 + floor(R/3) + floor((2R + 3)/6) - floor(2R/3)", "R - 2", ("R",)).equal
    assert compared("⌊(⌊(R − 3)/2⌋ + 1 − 3)/2⌋ + 1", "⌊(R − 7)/4⌋ + 1", ("R",)).equal
    assert compared("⌊(R−1)/2⌋·⌊(C−1)/2⌋", "(⌊(R−3)/2⌋ + 1)(⌊(C−3)/2⌋ + 1)").equal
    assert compared("⌈R/2⌉", "⌊(R + 1)/2⌋", ("R",)).equal


def test_an_identity_whose_floors_repeat_too_rarely_is_refused_not_guessed() -> None:
    m = 10**9 + 7
    with pytest.raises(CnnCalcError, match="cannot tell whether"):
        compared(f"R - 2 + floor(R/{m}) + floor((2R + {m})/{2 * m}) - floor(2R/{m})", "R - 2", ("R",))
    found = compared(f"R - 2 + floor(R/{m})", "R - 2", ("R",))  # a difference is still found, far out
    assert not found.equal and dict(found.point)["R"] >= m


def test_two_names_with_floors_are_compared_on_each_names_values() -> None:
    # conv3 s2 twice: ⌊(⌊(R − 3)/2⌋ + 1 − 3)/2⌋ + 1 = ⌊(R − 3)/4⌋, flattened with 5 channels
    spec = "input RxCx3, conv5x3 s2, conv5x3 s2, flatten"
    assert status(spec, "3.output=5⌊(R−3)/4⌋⌊(C−3)/4⌋") == "correct"
    assert status(spec, "3.output=5(⌊(⌊(R−3)/2⌋−2)/2⌋+1)(⌊(⌊(C−3)/2⌋−2)/2⌋+1)") == "correct"
    code, out = invoke("check", spec, "--expect", "3.output=5⌊(R−2)/4⌋⌊(C−3)/4⌋", "--format", "json")
    # R = 10, C = 8: 5·⌊7/4⌋·⌊5/4⌋ = 5 is right; 5·⌊8/4⌋·⌊5/4⌋ = 10 is given (R = 8, 9 agree)
    assert (code, json.loads(out)[0]["details"][0]["arithmetic"]) == (1, "axis 1 for R = 10, C = 8: 5, not 10")


# ---- properties -------------------------------------------------------------------------------------------

Tree = tuple[Any, ...]


def leaves() -> st.SearchStrategy[Tree]:
    return st.one_of(st.integers(0, 40).map(lambda n: ("num", n)), st.sampled_from(NAMES).map(lambda n: ("name", n)))


def extend(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    return st.one_of(
        st.tuples(st.sampled_from(["add", "sub", "mul"]), children, children),
        st.tuples(st.just("neg"), children),
        st.tuples(st.sampled_from(["floor", "ceil"]), children, st.integers(1, 6)),
        st.tuples(st.just("pow"), children, st.integers(0, 3)),
    )


TREES = st.recursive(leaves(), extend, max_leaves=8)


def reference(tree: Tree, at: dict[str, int]) -> int:
    """The tree's value in Python integers: ⌊a/k⌋ is a // k and ⌈a/k⌉ is −(−a // k)."""
    kind = tree[0]
    if kind == "num":
        return int(tree[1])
    if kind == "name":
        return at[tree[1]]
    a = reference(tree[1], at)
    if kind == "neg":
        return -a
    if kind == "pow":
        return int(a ** tree[2])
    if kind in ("floor", "ceil"):
        return a // tree[2] if kind == "floor" else -(-a // tree[2])
    b = reference(tree[2], at)
    return a + b if kind == "add" else a - b if kind == "sub" else a * b


def bounded(tree: Tree) -> tuple[int, int, int]:
    """(degree, terms, depth) upper bounds, to keep the examples inside the grammar's own limits."""
    kind = tree[0]
    if kind in ("num", "name"):
        return (1 if kind == "name" else 0), 1, 0
    d, t, n = bounded(tree[1])
    if kind == "pow":
        return d * tree[2], t ** tree[2], n + 1
    if kind in ("neg", "floor", "ceil"):
        return d, t, n + 2
    d2, t2, n2 = bounded(tree[2])
    return ((max(d, d2), t + t2) if kind in ("add", "sub") else (d + d2, t * t2)) + (max(n, n2) + 1,)


def fits(tree: Tree) -> bool:
    """Whether a tree is within the grammar's bounds, rendered with every subexpression in parentheses."""
    degree, terms, depth = bounded(tree)
    return degree <= 16 and terms <= 10_000 and depth <= 12


SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def render(tree: Tree, style: str) -> str:  # noqa: PLR0911 - one return per kind of node
    """The tree as text, in one of the notations people write: 'ascii', 'unicode' or 'implicit'."""
    kind = tree[0]
    if kind == "num":
        return str(tree[1])
    if kind == "name":
        return str(tree[1])
    a = render(tree[1], style)
    minus = "−" if style == "unicode" else "-"
    if kind == "neg":
        return f"{minus}({a})"
    if kind == "pow":
        if style == "unicode":
            return f"({a}){str(tree[2]).translate(SUPERSCRIPTS)}"
        return f"({a}){'**' if style == 'ascii' else '^'}{tree[2]}"
    if kind in ("floor", "ceil"):
        if style == "unicode":
            return f"{'⌊' if kind == 'floor' else '⌈'}({a})/{tree[2]}{'⌋' if kind == 'floor' else '⌉'}"
        return f"{'floor' if kind == 'floor' else 'ceil'}(({a})/{tree[2]})"
    b = render(tree[2], style)
    if kind == "mul":
        if style == "implicit":
            return f"{a}{b}" if tree[1][0] == "num" and tree[2][0] == "name" else f"({a})({b})"
        return f"({a}){'·' if style == 'unicode' else '*'}({b})"
    return f"({a}){'+' if kind == 'add' else minus}({b})"


POINTS = [{"R": 1, "C": 1}, {"R": 8, "C": 13}, {"R": 37, "C": 5}, {"R": 1000, "C": 999}]


def parsed_value(expr: Any, at: dict[str, int]) -> Any:
    symbols = symbols_for(NAMES)
    return expr.subs({symbols[name]: v for name, v in at.items()})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(TREES, st.sampled_from(["ascii", "unicode", "implicit"]))
@example(("mul", ("num", 7), ("mul", ("name", "R"), ("name", "C"))), "implicit")
@example(("floor", ("sub", ("name", "R"), ("num", 3)), 2), "unicode")
def test_a_size_reads_as_the_value_it_is_written_for(tree: Tree, style: str) -> None:
    assume(fits(tree))
    expr = read_size(render(tree, style), NAMES)
    for at in POINTS:
        assert parsed_value(expr, at) == reference(tree, at), (render(tree, style), at)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(TREES, TREES, st.lists(st.tuples(st.integers(1, 200), st.integers(1, 200)), min_size=3, max_size=3))
def test_compare_says_equal_only_for_equal_sizes_and_shows_a_real_difference(first: Tree, second: Tree,
                                                                              points: list[tuple[int, int]]) -> None:
    assume(fits(first) and fits(second))
    given_expr, true_expr = read_size(render(first, "ascii"), NAMES), read_size(render(second, "unicode"), NAMES)
    try:
        found = compare(given_expr, true_expr, NAMES)
    except CnnCalcError as error:
        assert error.message.startswith("cannot tell whether")
        return
    if found.equal:
        for r, c in points:
            assert reference(first, {"R": r, "C": c}) == reference(second, {"R": r, "C": c})
    else:
        at = {"R": 8, "C": 8, **dict(found.point)}
        assert (found.given, found.true) == (reference(first, at), reference(second, at))
        assert found.given != found.true


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(TREES, st.sampled_from(["ascii", "unicode", "implicit"]))
def test_a_size_equals_itself_in_another_notation(tree: Tree, style: str) -> None:
    assume(fits(tree))
    try:
        found = compare(read_size(render(tree, "ascii"), NAMES), read_size(render(tree, style), NAMES), NAMES)
    except CnnCalcError as error:
        assert error.message.startswith("cannot tell whether")
        return
    assert found.equal


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(TREES, st.integers(1, 6), st.integers(1, 6))
@example(("name", "R"), 2, 3)
def test_identities_of_floors_that_algebra_cannot_see_are_proved(tree: Tree, k1: int, k2: int) -> None:
    assume(fits(tree))
    a = render(tree, "ascii")
    # for every whole a: ⌊⌊a/k1⌋/k2⌋ = ⌊a/(k1·k2)⌋, and ⌊a/2⌋ + ⌊(a + 1)/2⌋ = a (Hermite)
    for left, right in ((f"floor(floor(({a})/{k1})/{k2})", f"floor(({a})/{k1 * k2})"),
                        (f"floor(({a})/2) + floor((({a}) + 1)/2)", a)):
        try:
            found = compare(read_size(left, NAMES), read_size(right, NAMES), NAMES)
        except CnnCalcError as error:
            assert error.message.startswith("cannot tell whether")
            continue
        assert found.equal, (left, right, found)


TOKENS = ["R", "C", "RC", "7", "18,496", "2.5", "+", "-", "−", "*", "·", "×", "/", "^", "**", "²", "(", ")", "⌊",
          "⌋", "⌈", "⌉", "floor", "ceil(", "ceiling", " ", "x", ".", ",", "__class__", "exec", "import", "'", "\"",
          "9" * 20, "[", "]", "{", ":", "=", ";", "lambda", "\\", "\n", "\x00", "é", "٣"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=3), max_size=25))
def test_junk_is_read_or_refused_cleanly(tokens: list[str]) -> None:
    text = "".join(tokens)
    try:
        expr = read_size(text, NAMES)
    except SpecError as error:
        assert error.render()
        return
    assert expr.free_symbols <= set(symbols_for(NAMES).values())
    try:
        compare(expr, read_size("(R-2)(C-2)", NAMES), NAMES)
    except CnnCalcError as error:
        assert error.message.startswith("cannot tell whether")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=12), st.sampled_from(["1.output", "3.params", "total"]))
def test_junk_answers_give_an_exit_code_not_a_traceback(tokens: list[str], key: str) -> None:
    result = CliRunner().invoke(main, ["check", "input RxCx3, conv5x3, flatten, dense10", "--expect",
                                       f"{key}={''.join(tokens)}"])
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "Internal error" not in result.output
