"""Blocks with parameters in the spec language: a block expands to exactly what writing it out gives, its
arithmetic is read by cnncalc's own grammar within bounds, and each mistake points at the use and the definition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.errors import CnnCalcError, SpecError
from cnncalc.graph.network import build

#: A MobileNetV2 inverted residual block, from c to o channels with stride s, used with three sets of numbers.
BLOCKS = """\
# expand to 6c channels, a 3x3 depthwise convolution, project to o channels
def ir(c, o, s) = (conv{6*c}x1 same nobias, bn, relu6, dwconv3 s{s} same nobias, bn, relu6, conv{o}x1 same nobias, bn)
input 32x32x16
ir(16, 24, 2)
add(id | ir(24, 24, 1)) as t
ir(24, 32, 2)
"""
#: The same network written out by hand.
WRITTEN = """\
input 32x32x16
conv96x1 same nobias, bn, relu6, dwconv3 s2 same nobias, bn, relu6, conv24x1 same nobias, bn
add(id | conv144x1 same nobias, bn, relu6, dwconv3 s1 same nobias, bn, relu6, conv24x1 same nobias, bn) as t
conv144x1 same nobias, bn, relu6, dwconv3 s2 same nobias, bn, relu6, conv32x1 same nobias, bn
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("options", [[], ["--explain"], ["--format", "json"], ["--format", "csv"],
                                     ["--format", "markdown"], ["--columns", "macs,flops,memory,rf"],
                                     ["--dtype", "int8"], ["--check"], ["--verbose"]])
def test_a_block_is_what_writing_it_out_gives(options: list[str]) -> None:
    code, shown = run("summary", BLOCKS, *options)
    assert code == 0
    assert re.sub(r"\d+\.\d+ ms", "… ms", shown) == re.sub(r"\d+\.\d+ ms", "… ms", run("summary", WRITTEN, *options)[1])


def test_the_block_of_the_brief_counts_by_hand() -> None:
    net = build("def mb(c, e, s) = (conv{c*e}x1 nobias, bn, relu6, dwconv3 s{s} same nobias, bn, relu6)\n"
                "input 8x8x16, mb(16, 6, 1), mb(96, 1, 2)")
    # 16·96 + 4·96 + 9·96 + 4·96 = 3,168, then 96·96 + 4·96 + 9·96 + 4·96 = 10,848
    assert net.total_params == 3168 + 10848
    assert [layer.output_shape for layer in net.layers][-1] == (4, 4, 96)
    assert [layer.source for layer in net.layers][:4] == ["conv96x1 nobias", "bn", "relu6", "dwconv3 s1 same nobias"]


def test_arithmetic_fills_any_word_or_option() -> None:
    # 'same' padding for any odd kernel: p = (k − 1)//2 keeps 9×9, whatever k is
    net = build("def keep(c, k) = (conv{c}x{k} p{(k - 1)//2}, conv{c}x{k} p{(k−1)/2})\n"
                "input 9x9x2, keep(4, 3), keep(5, 7)")
    assert [layer.output_shape for layer in net.layers] == [(9, 9, 4), (9, 9, 4), (9, 9, 5), (9, 9, 5)]
    assert net.layers[2].source == "conv5x7 p3"


def test_blocks_in_a_file_names_per_use_and_blocks_in_blocks(tmp_path: Path) -> None:
    spec = tmp_path / "net.cnn"
    spec.write_text("# {this} is a comment\n"
                    "def unit(c) = (conv{c}x3 same as a, relu, add(id | @a))   # a residual unit {c}\n"
                    "def stage(c, n) = (conv{c}x1, unit({c}), unit({c*n//n}))\n"
                    "\n"
                    "input 8x8x3\n"
                    "stage(4, 2) as s\n"
                    "[unit(4)]x2, add(id | @s)\n", encoding="utf-8")
    code, shown = run("summary", str(spec), "--format", "json")
    assert code == 0
    names = re.findall(r'"name": "(\w+)"', shown)
    # stage: conv2d, 2 units of (conv, activation, add); then 2 more units; the last add reads the stage's output
    assert names == ["conv2d", "conv2d_1", "activation", "add", "conv2d_2", "activation_1", "add_1",
                     "conv2d_3", "activation_2", "add_2", "conv2d_4", "activation_3", "add_3", "add_4"]
    assert '"inputs": ["add_3", "add_1"]' in shown
    # 3·4 + 4 = 16, then 4 units of 3·3·4·4 + 4 = 148
    assert '"total_params": 608' in shown


def test_a_body_may_span_lines() -> None:
    one_line = build("def mb(c, e, s) = (conv{c*e}x1 nobias, bn, relu6, dwconv3 s{s} same nobias, bn, relu6), "
                     "input 8x8x16, mb(16, 6, 1), mb(96, 1, 2)")
    lines = build("def mb(c, e, s) = (\n    conv{c*e}x1 nobias, bn, relu6,   # expand\n"
                  "    dwconv3 s{s} same nobias, bn, relu6\n)\n\ninput 8x8x16\nmb(16, 6, 1)\nmb(96, 1, 2)\n")
    assert [(layer.name, layer.source, layer.output_shape, layer.params.total) for layer in lines.layers] == \
        [(layer.name, layer.source, layer.output_shape, layer.params.total) for layer in one_line.layers]


def test_check_and_solve_read_blocks() -> None:
    block = "def mb(c, e, s) = (conv{c*e}x1 nobias, bn, relu6, dwconv3 s{s} same nobias, bn, relu6)"
    assert run("check", f"{block}, input 8x8x16, mb(16, 6, 1)", "--expect", "total=3,168")[0] == 0
    # 16·16e + 4·16e + 9·16e + 4·16e = 528e parameters: 3,168 is e = 6
    code, shown = run("solve", f"{block}, input 8x8x16, mb(16, ?, 1)", "--params", "3168")
    assert code == 0 and "? = 6" in shown and "(conv16?x1 nobias)" not in shown


def render(text: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        build(text)
    return caught.value.render().splitlines()


@pytest.mark.parametrize(("text", "message", "places"), [
    ("def mb(c, e, s) = (conv{c*e}x1), input 8x8x3, mb(3, 6)", "'mb' takes 3 arguments (c, e, s), got 2",
     ["the definition of 'mb'"]),
    ("def mb(c, e, s) = (conv{c*f}x1), input 8x8x3, mb(3, 6, 1)", "unknown parameter 'f' in '{c*f}'",
     ["where 'mb' is used"]),
    ("def mb(c, e) = (conv{c//(e-6)}x1), input 8x8x3, mb(3, 6)", "division by zero in '{c//(e-6)}'",
     ["where 'mb' is used"]),
    ("def mb(c) = (conv{c/2}x1), input 8x8x3, mb(3)", "3/2 is not an integer in '{c/2}'", ["where 'mb' is used"]),
    ("def mb(c) = (conv{c}x1), input 8x8x3, mv(3)", "unknown block 'mv'", []),
    ("def mb(c) = (conv{c}x1, mv(3)), input 8x8x3, mb(3)", "unknown block 'mv'", ["in the definition of 'mb'"]),
    ("def f(c) = (conv{c}x1, f({c})), input 8x8x3, f(2)", "the block 'f' uses itself", ["the definition of 'f'"]),
    ("def a(c) = (b({c})), def b(c) = (a({c})), input 8x8x3, a(1)", "'b' is used before its definition",
     ["the definition of 'b'"]),
    ("def a(c) = (relu), def a(k) = (bn), input 8x8x3, a(1)", "the block 'a' is already defined",
     ["its first definition"]),
    ("def f(c) = (conv{c}x3), input 8x8x3, f(0)", "'conv0x3' has a size of zero (layer 1)", ["where 'f' is used"]),
    ("def f(c) = (conv{c}x3), def g(c) = (f({c}), f({c*2})), input 4x4x3, g(2)",
     "layer 2 conv2d_1 (conv4x3): Computed output size would be zero or negative", ["where 'f' is used",
                                                                                   "where 'g' is used"]),
    ("def f(c) = (conv{c}x3), input 8x8x3, f(2.5)", "the argument '2.5' is not an integer ('f' takes integers)",
     ["the definition of 'f'"]),
])
def test_errors_point_at_the_use_and_the_definition(text: str, message: str, places: list[str]) -> None:
    lines = render(text)
    assert lines[0].startswith(message), lines
    carets = [line for line in lines if re.fullmatch(r" *\^+", line)]
    assert len(carets) == 1 + len(places), lines
    assert [line.strip().rstrip(":") for line in lines if line.endswith(":")] == places
    if message.startswith("unknown block"):
        assert lines[-1] == "did you mean 'mb'?"


def test_the_carets_sit_under_the_use_and_the_definition() -> None:
    assert render("def mb(c, e, s) = (conv{c*e}x1 nobias), input 4x4x3, mb(3, 6)") == [
        "'mb' takes 3 arguments (c, e, s), got 2",
        "  def mb(c, e, s) = (conv{c*e}x1 nobias), input 4x4x3, mb(3, 6)",
        "                                                       ^^^^^^^^",
        "  the definition of 'mb':",
        "  def mb(c, e, s) = (conv{c*e}x1 nobias), input 4x4x3, mb(3, 6)",
        "  ^^^^^^^^^^^^^^^",
        "write it as mb(c, e, s)"]


def test_a_block_never_used_is_still_read() -> None:
    assert render("def mb(c) = (conv{d}x1), input 8x8x3, relu")[0] == "unknown parameter 'd' in '{d}'"


@pytest.mark.parametrize(("text", "message"), [
    ("input 8x8x3, conv{3}x3", "'conv{3}x3': '{…}' is a block's arithmetic, written only in the body of a 'def'"),
    ("def f(c) = (conv{__import__('os').system('true')}x3), input 8x8x3, f(1)", "cannot read ''' in the arithmetic"),
    ("def f(c) = (conv{c**2}x3), input 8x8x3, f(1)", "unexpected '*' in the arithmetic"),
    ("def f(c) = (conv{" + "c+" * 100 + "c}x3), input 8x8x3, f(1)", "the arithmetic is longer than 200 characters"),
    ("def f(c) = (conv{" + "(" * 17 + "c" + ")" * 17 + "}x3), input 8x8x3, f(1)",
     "the arithmetic is nested more than 16 deep"),
    ("def f(c) = (conv{c*c*c}x3), input 8x8x3, f(1000000)", "a result beyond 10^15 (1000000000000000000)"),
    ("def f(c) = (conv{c}x3), input 8x8x3, f(10000000000000000)", "the argument 10000000000000000 is beyond 10^15"),
    ("def f(c) = (conv{10000000000000000}x3), input 8x8x3, f(1)", "the number 10000000000000000 is beyond 10^15"),
    ("def f(c) = (conv{c}x3 s{c), input 8x8x3, f(1)", "an unmatched '{' or '}'"),
    ("def f(c) = (conv{c}x3), input 8x8x3, [f(1)]x3, f(1)x2", "a block's use takes no count: 'f(…)x2'"),
    ("def f(c) = (relu) relu, input 8x8x3", "unexpected 'relu' after a block's definition"),
    ("def f(c) = ([relu]x{c}), input 8x8x3, f(2)", "a repeat's count is a number, not a block's '{…}'"),
    ("input 8x8x3, [def f(c) = (relu)]x2", "a block is defined at the top level of the spec"),
    ("def conv(c) = (relu), input 8x8x3", "'conv' is a word of the spec language and cannot name a block"),
    ("def f(c, c) = (relu), input 8x8x3", "the parameter 'c' is named twice"),
    ("def f(c) = (), input 8x8x3", "the block 'f' has no layers"),
    ("def f(c = (relu), input 8x8x3", "unexpected '=' in the parameters"),
    ("def f(c) (relu), input 8x8x3", "the definition of 'f' needs '= (' and its layers"),
])
def test_bad_blocks_are_refused_clearly(text: str, message: str) -> None:
    assert render(text)[0].startswith(message)


def test_the_expansion_limit_holds_for_blocks() -> None:
    # 1,000 uses of a block of 1,000 layers: refused by its size before any of it is built
    lines = render("def a() = ([relu]x1000), input 4x4x1, [a()]x99, a(), a()")
    assert lines[0] == "the spec expands to more than 100,000 layers"
    # a block doubling a block doubling …: 2^20 layers, refused where it is defined
    doubling = "".join(f"def b{n}() = (b{n - 1}(), b{n - 1}())\n" for n in range(1, 21))
    assert render(f"def b0() = (relu)\n{doubling}input 4x4x1, b20()")[0].startswith("the spec expands to more than")


def test_filling_in_is_bounded_work() -> None:
    # 60 options of arithmetic in a block used 10,000 times: 600,000 '{…}', more than a spec may fill in
    body = "conv1x1 " + " ".join(f"s{{c*2-c}}{n}" for n in range(60))
    lines = render(f"def f(c) = ({body})\ninput 4x4x3\n" + ", ".join(f"f({n})" for n in range(10_000)))
    assert lines[0] == "the blocks' uses fill in more than 500,000 '{…}'"
    assert render("def f(" + ", ".join(f"p{n}" for n in range(65)) + ") = (relu)")[0] == \
        "more than 64 parameters"


def test_blocks_nested_in_blocks_are_bounded() -> None:
    chain = "".join(f"def b{n}() = (b{n - 1}())\n" for n in range(1, 60))
    with pytest.raises(CnnCalcError) as caught:  # never a RecursionError
        build(f"def b0() = (relu)\n{chain}input 4x4x1, b59()")
    assert "nested more than 32 deep" in caught.value.render()
    assert len(build(f"def b0() = (relu)\n{chain[:chain.index('def b31')]}input 4x4x1, b30()").layers) == 1


def test_blocks_on_the_command_line_end_cleanly() -> None:
    code, shown = run("summary", "def f(c) = (conv{c//0}x3), input 8x8x3, f(1)")
    assert code == 2 and "Error: division by zero in '{c//0}'" in shown and "Traceback" not in shown
