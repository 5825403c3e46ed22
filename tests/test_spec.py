"""The spec language: every pinned form parses, and every mistake points at its token."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cnncalc.errors import CnnCalcError, SpecError
from cnncalc.graph.network import build
from cnncalc.language.spec import parse
from cnncalc.model.layers import Conv2D, Dense, Dropout, MaxPooling2D


@pytest.mark.parametrize(
    ("text", "shape"),
    [("input 28x28x1", (28, 28, 1)), ("input28x28x1", (28, 28, 1)), ("28x28x1", (28, 28, 1)),
     ("input 28x28", (28, 28)), ("input 784", (784,)), ("INPUT 28×28×3", (28, 28, 3))],
)
def test_input_forms(text: str, shape: tuple[int, ...]) -> None:
    spec = parse(text + ", flatten")
    assert spec.input is not None and spec.input.shape == shape


def test_layer_forms_and_options() -> None:
    spec = parse("input 28x28x1; CONV32x3x5 S2x1 SAME d1 relu nobias\n maxpool3 s1 p1 ceil, "
                 "pool2x3, dense 10 softmax, fc7, dropout 0.25, dropout0.5")
    conv, pool, pool2, dense, fc, drop, drop2 = (p.layer for p in spec.layers)
    assert conv == Conv2D(32, (3, 5), (2, 1), "same", (1, 1), "relu", False)
    assert pool == MaxPooling2D((3, 3), (1, 1), (1, 1), True)
    assert pool2 == MaxPooling2D((2, 3))
    assert dense == Dense(10, "softmax") and fc == Dense(7)
    assert drop == Dropout(0.25) and drop2 == Dropout(0.5)
    assert spec.layers[0].source == "CONV32x3x5 S2x1 SAME d1 relu nobias"


def test_comments_and_blank_lines_in_files() -> None:
    text = "# a network\ninput 28x28x1  # MNIST\n\nconv8x3 # first\n\n, pool2\n"
    assert [type(p.layer).__name__ for p in parse(text).layers] == ["Conv2D", "MaxPooling2D"]


def error(text: str) -> str:
    with pytest.raises(CnnCalcError) as caught:
        build(text)
    return caught.value.render()


def test_unknown_layer_points_at_it_and_suggests() -> None:
    assert error("input 28x28x1, conv32x3x3, flatten, dens10") == (
        "unknown layer 'dens10' (layer 3)\n"
        "  input 28x28x1, conv32x3x3, flatten, dens10\n"
        "                                      ^^^^^^\n"
        "did you mean 'dense10'?"
    )


def test_shape_error_names_the_layer_like_keras() -> None:
    assert error("input 4x4x1, conv8x5") == (
        "layer 1 conv2d (conv8x5): Computed output size would be zero or negative. "
        "Received: input 4×4, kernel 5×5, strides 1×1, padding valid\n"
        "  input 4x4x1, conv8x5\n"
        "               ^^^^^^^\n"
        "a window of 5 needs at least 5 input rows or columns, and this axis has 4; use 'same' "
        "padding, a smaller kernel, or remove a pooling layer before it"
    )


@pytest.mark.parametrize(
    ("text", "message", "caret"),
    [
        ("input 28x28x1, conv32x3 sme", "unknown option 'sme' for 'conv' (layer 1)", "sme"),
        ("input 28x28x1, conv32x3 stride=2", "unknown option 'stride=2' for 'conv' (layer 1)", "stride=2"),
        ("input 28x28x1, conv0x3", "'conv0x3' has a size of zero (layer 1)", "0x3"),
        ("input 28x28x1, conv32", "'conv32' does not have the form conv32x3 or conv32x3x3 (layer 1)", "32"),
        ("input 28x28x1, pool2 relu", "'pool' does not take an activation (layer 1)", "relu"),
        ("input 28x28x1, conv8x3 s1 s2", "a stride 's2' is given twice ('s1' and 's2') (layer 1)", "s2"),
        ("input 28x28x1, dropout 50", "dropout rate 50 is outside [0, 1] (layer 1)", "50"),
        ("input 28x28x1, dense", "'dense' needs a number of units (layer 1)", "dense"),
        ("input 28x28x1, s2", "'s2' is an option, not a layer (layer 1)", "s2"),
        ("input 28x28x1, flatten, input 3", "'input' must come first, and only once (layer 2)", "input"),
        ("input 0x28x1, flatten", "input shape '0x28x1' has a size of zero (input)", "0x28x1"),
        ("conv32x3", "the spec has no input shape", "conv32x3"),
        ("input 28x28x1, conv8x3 s2 d2", "layer 1 conv2d (conv8x3 s2 d2): `strides > 1` not supported in "
         "conjunction with `dilation_rate > 1` in Keras. Received: strides=2×2, dilation_rate=2×2", "conv8x3 s2 d2"),
        ("input 28x28x1, pool3 p2", "layer 1 max_pooling2d (pool3 p2): pad should be at most half of kernel "
         "size, as PyTorch requires, but got pad=2 and kernel_size=3", "pool3 p2"),
        ("input 28x28x1, flatten, conv3x3", "layer 2 conv2d (conv3x3): Conv2D needs an H×W×C input, but it "
         "receives a vector of 784", "conv3x3"),
        ("input 28x28, conv3x3", "layer 1 conv2d (conv3x3): Conv2D needs an H×W×C input, but it receives a "
         "2-D input of 28×28", "conv3x3"),
        ("input 28x28x1, pool2 same ceil", "layer 1 max_pooling2d (pool2 same ceil): 'ceil' rounds the output "
         "of valid or explicit padding; 'same' already gives ⌈n/s⌉", "pool2 same ceil"),
    ],
)
def test_errors_name_the_layer_and_point_at_the_token(text: str, message: str, caret: str) -> None:
    lines = error(text).splitlines()
    assert lines[0] == message
    start = lines[1].index(text.split(",", maxsplit=1)[0][:5]) if text else 0
    assert lines[2].strip() == "^" * len(caret)
    assert lines[1][lines[2].index("^"):].startswith(caret)
    assert start >= 0


def test_did_you_mean_for_layer_and_option_typos() -> None:
    assert error("input 28x28x1, flaten").endswith("did you mean 'flatten'?")
    assert error("input 28x28x1, conv8x3 vaild").endswith("did you mean 'valid'?")
    assert error("input 28x28x1, conv8x3 stride=2").endswith("did you mean 's2'?")
    assert error("input 28x28x1, dropout 50").endswith("did you mean dropout0.5?")


def test_errors_in_files_name_the_line() -> None:
    lines = error("input 28x28x1\nconv8x3\ndens10\n").splitlines()
    assert lines[1] == "  line 3: dens10"
    assert lines[2] == "          ^^^^^^"


ALPHABET = st.sampled_from(list("inputconvpoldens0123456789xs ,;\n#.-[]()×")) | st.characters()


@settings(max_examples=1500, deadline=None)
@given(st.text(ALPHABET, max_size=60))
def test_random_text_raises_only_cnncalc_errors(text: str) -> None:
    try:
        build(text)
    except CnnCalcError as caught:
        assert caught.render()


WORDS = ["input 12x12x3", "conv4x3", "conv2x2x3", "pool2", "avgpool2", "dense5", "flatten", "gap",
         "dropout0.5", "bn", "relu", "s2", "same", "valid", "p1", "d2", "ceil", "nobias", "softmax", "x", "3",
         "input RxCx3", "input NxN", "input 3xHxW", "R", "input floorx3"]
#: The numbers a spec with names is built with, and sizes near them: an error must never show one.
STAND_INS = {str(n + d) for n in (1031, 1297, 2053, 1543, 1187, 1299, 1545, 1189, 1033, 2055) for d in range(-40, 41)}


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=10), st.lists(st.sampled_from([", ", " ", "; ", "\n"]),
                                                              min_size=10, max_size=10))
# Hypothesis found it: 'input 12x12x3 x conv4x3' was read as a shape with a name, conv4 (issue 28)
@example(["conv4x3", "conv4x3", "conv4x3", "s2", "input 12x12x3", "x", "conv4x3"], [", "] * 4 + [" ", " "] + [", "] * 4)
@example(["input RxCx3", "conv4x3", "pool2", "s2"], [", "] * 10)
def test_random_word_salad_raises_only_cnncalc_errors(words: list[str], seps: list[str]) -> None:
    text = "".join(w + s for w, s in zip(words, seps))
    try:
        net = build(text)
    except SpecError as caught:
        assert caught.span[0] <= caught.span[1] <= len(text)
        rendered = caught.render()
        assert rendered and not STAND_INS & set(re.findall(r"\d+", rendered)), rendered
    else:
        assert all(isinstance(size, str) or size >= 1 for layer in net.layers for size in layer.output_shape)


#: Pieces of a block's body, well- and ill-formed: arithmetic that divides by zero, overflows, leaves a fraction,
#: names no parameter or is not closed, merges, repeats, names, and uses of other blocks.
BLOCK_PARTS = ["conv{c}x3", "conv{c*e}x1 nobias", "dwconv3 s{s} same", "bn", "relu6", "pool{s}", "dense{c+e}",
               "conv{c//e}x1", "conv{c/e}x{s}", "{c}", "conv{x}x3", "conv{c*99999999}x{e*99999999}", "conv{c-e}x1",
               "add(id | conv{c}x1 same)", "[relu]x{c}", "[relu]x2", "conv{(c}x3", "{", "}", "p{(s-1)//2}", "as t",
               "@t", "id", "inner({c})", "inner(c)", "blk({e}, {s}, 1)", "def inner(a) = (relu)", "s{-s}", "{c*}",
               "conv{c} x3", "cat(inner(2) | blk(1, 2, 3))", "{c}x{c}x{c}"]
BLOCK_ARGS = ["1", "2", "3", "-1", "0", "{2*3}", "x", "9" * 20, "", "{c}", "1.5", "−2"]
BLOCK_NAMES = ["inner", "blk", "inner", "blk", "b_1", "conv", "add"]


@st.composite
def block_specs(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        params = draw(st.lists(st.sampled_from(["c", "e", "s", "c", "e", "s", "a", "1x", "def"]), max_size=4))
        body = draw(st.sampled_from([", ", ", ", ", ", " ", " | ", "\n"])).join(
            draw(st.lists(st.sampled_from(BLOCK_PARTS), min_size=1, max_size=5)))
        close = draw(st.sampled_from([")", ")", ")", ")", "", "))", ")x2", ") relu"]))
        parts.append(f"def {draw(st.sampled_from(BLOCK_NAMES))}({', '.join(dict.fromkeys(params))}) = ({body}{close}")
    parts.append(draw(st.sampled_from(["input 8x8x3", "input 16x16x4", "input 8x8x3 nchw", ""])))
    for _ in range(draw(st.integers(0, 4))):
        args = ", ".join(draw(st.lists(st.sampled_from(BLOCK_ARGS), max_size=4)))
        use = f"{draw(st.sampled_from([*BLOCK_NAMES, 'inne', 'mb']))}({args})"
        parts.append(draw(st.sampled_from([use, f"{use} as u", f"{use}x2", f"[{use}]x3", f"add(id | {use})",
                                           f"{use} relu", "@u"])))
    return draw(st.sampled_from([", ", "\n", "; "])).join(parts)


GOOD_PARTS = ["conv{c}x3 same", "conv{c*e}x1 nobias", "dwconv3 s{s} same", "bn", "relu6", "conv{c//e}x1",
              "conv{c-e}x1 same", "add(id | conv{c}x1 same)", "[relu]x2", "conv{c}x3 p{(s-1)//2}", "id",
              "pool{s} same", "conv{c}x{s} s{s}", "cat(id | conv{e}x1)", "dense{c/e}"]


@st.composite
def well_formed_block_specs(draw: st.DrawFn) -> str:
    """Blocks as they are meant to be written, with numbers that may still not fit."""
    def body() -> str:
        return ", ".join(draw(st.lists(st.sampled_from(GOOD_PARTS), min_size=1, max_size=4)))

    lines = [f"def blk(c, e, s) = ({body()})", f"def inner(c, e, s) = ({body()})",
             "def outer(c, e, s) = (blk({c}, {e}, {s}), inner({c+e}, 1, {s}), [blk({c*2}, {e}, 1)]x2)",
             draw(st.sampled_from(["input 8x8x3", "input 16x16x4", "input 12x12x2"]))]
    numbers = st.sampled_from(["1", "2", "3", "4", "0", "-1", "{2*3}"])
    for _ in range(draw(st.integers(1, 4))):
        args = draw(st.lists(numbers, min_size=3, max_size=3))
        lines.append(f"{draw(st.sampled_from(['blk', 'outer', 'inner']))}({', '.join(args)})")
    return "\n".join(lines)


@settings(max_examples=1500, deadline=None)
@given(block_specs() | well_formed_block_specs())
@example("def blk(c, e, s) = (conv{c*e}x1 nobias, bn, relu6, dwconv3 s{s} same nobias, bn, relu6)\ninput 8x8x3\n"
         "blk(1, 2, 1)")
def test_random_blocks_raise_only_cnncalc_errors(text: str) -> None:
    try:
        net = build(text)
    except SpecError as caught:
        for start, end in (caught.span, *(span for _, span in caught.also)):
            assert 0 <= start <= end <= len(text), caught.render()
        assert caught.render()
    except CnnCalcError as caught:
        assert caught.render()
    else:
        assert all(isinstance(size, str) or size >= 1 for layer in net.layers for size in layer.output_shape)


@pytest.mark.parametrize(("text", "lines"), [
    # issue 28: once read as 'input 12x12x3x1031x3' with a name conv4, and reported with its stand-in number
    ("conv4x3, conv4x3, conv4x3, s2, input 12x12x3 x conv4x3, ",
     ["'s2' is an option, not a layer (layer 4)", "  conv4x3, conv4x3, conv4x3, s2, input 12x12x3 x conv4x3, ",
      " " * 29 + "^^"]),
    ("conv5x3, input RxCx3", ["'input' must come first, and only once (layer 2)", "  conv5x3, input RxCx3",
                              "           ^^^^^"]),
    ("input RxCx3 x conv4x3", ["unexpected 'x' after the input shape (input)", "  input RxCx3 x conv4x3",
                               "              ^^^^^^^^^"]),
    ("input (R, C, 3), conv5x3", ["unexpected '(' after 'input'", "  input (R, C, 3), conv5x3", "        ^"]),
    ("input Rx2*Cx3", ["cannot read input shape 'Rx2*Cx3' (input)", "  input Rx2*Cx3", "        ^^^^^^^"]),
])
def test_a_spec_with_names_is_parsed_once_and_its_errors_point_into_it(text: str, lines: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        build(text)
    assert caught.value.render().splitlines()[:3] == lines


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("input 8x8x1, [conv2x3 same", "'[' is never closed"),
        ("input 8x8x1, conv2x3]x2", "unmatched ']'"),
        ("input 8x8x1, [conv2x3 same]", "a repeat needs a count"),
        ("input 8x8x1, [conv2x3 same)x2", "'[' is closed by ')'"),
        ("input 8x8x1, []x2", "the repeat repeats nothing"),
        ("input 8x8x1, [conv2x3]x0", "the repeat repeats zero times"),
        ("input 8x8x1, [[conv2x3]x1000]x1000000", "the repeat expands to more than 100,000 layers"),
        # issue 10: the cap holds for the whole spec, not per repeat
        ("input 4x4x1, [relu]x60000, [relu]x60000", "the spec expands to more than 100,000 layers"),
        ("input 4x4x1, " + "[" * 40 + "relu" + "]x1" * 40, "repeats and merges are nested more than 32 deep"),
        ("input 8x8x1, conv2x3 [pool2]x2", "unexpected '[' after 'conv2x3'"),
        ("input (28, 28, 1)", "unexpected '(' after 'input'"),
    ],
)
def test_repeat_errors(text: str, message: str) -> None:
    assert error(text).splitlines()[0] == message


def test_an_error_inside_a_repeat_points_into_the_text() -> None:
    lines = error("input 8x8x1, [conv2x3 sme]x2").splitlines()
    assert lines[1:3] == ["  input 8x8x1, [conv2x3 sme]x2", "                        ^^^"]
