"""Shape and parameter rules per layer kind, with values from the lectures and Keras' docs."""

from __future__ import annotations

import pytest

from cnncalc.errors import CnnCalcError, ShapeError
from cnncalc.graph.network import build


@pytest.mark.parametrize(
    ("spec", "output", "weights", "biases", "source"),
    [
        ("input 28x28x1, conv32x3", (26, 26, 32), 288, 32, "seed 000: 32*1*3*3 weights + 32 biases = 320"),
        ("input 13x13x32, conv64x3", (11, 11, 64), 18432, 64, "seed 000: 64*32*3*3 = 18432, + 64 = 18496"),
        ("input 26x26x32, conv64x3", (24, 24, 64), 18432, 64, "seed 002: (3×3×32 + 1)×64 = 18,496"),
        ("input 5x5x64, conv64x3", (3, 3, 64), 36864, 64, "seed 003: conv2d_3 36928"),
        ("input 32x32x3, conv10x5 p2", (32, 32, 10), 750, 10, "seed 004: 76 × 10 = 760"),
        ("input 32x32x3, conv16x3", (30, 30, 16), 432, 16, "seed 002: ((3×3×3) + 1)×16 = 448"),
        ("input 128x128x3, conv5x3 s5", (26, 26, 5), 135, 5, "seed 004 exam: 135 weights"),
        ("input 13x13x5, conv3x5 s2 p2", (7, 7, 3), 375, 3, "seed 004 exam: 375 weights"),
        ("input 28x28x1, conv32x3x5 nobias", (26, 24, 32), 480, 0, "Keras Conv2D(use_bias=False)"),
        ("input 9216, dense128", (128,), 1179648, 128, "seed 002: (9,216 + 1) × 128 = 1,179,776"),
        ("input 128, dense10", (10,), 1280, 10, "seed 002: (128 + 1) × 10 = 1,290"),
        ("input 1600, fc10", (10,), 16000, 10, "seed 000: dense 16010"),
        ("input 784, dense784", (784,), 614656, 784, "seed 000: 784*784 = 614,656 weights"),
        ("input 4x4x8, dense5", (4, 4, 5), 40, 5, "Keras Dense docs: acts on the last axis"),
        ("input 7x7x64, flatten", (3136,), 0, 0, "seed 001: [batch, 7 * 7 * 64]"),
        ("input 10, flatten", (10,), 0, 0, "Keras Flatten of (None, 10) is (None, 10)"),
        ("input 12x12x64, pool2", (6, 6, 64), 0, 0, "pools have no parameters"),
        ("input 12x12x64, avgpool3 s1", (10, 10, 64), 0, 0, "pool with an explicit stride"),
        ("input 7x7x8, gap", (8,), 0, 0, "GlobalAveragePooling2D keeps the channels"),
        ("input 7x7x8, gmp", (8,), 0, 0, "GlobalMaxPooling2D keeps the channels"),
        ("input 12x12x64, dropout0.25", (12, 12, 64), 0, 0, "seed 004: dropout keeps the shape"),
        ("input 1600, relu", (1600,), 0, 0, "Activation has no parameters"),
    ],
)
def test_rule_table(spec: str, output: tuple[int, ...], weights: int, biases: int, source: str) -> None:
    layer = build(spec).layers[-1]
    assert layer.output_shape == output, source
    assert (layer.params.weights, layer.params.biases) == (weights, biases), source
    assert layer.params.trainable == weights + biases


def test_batch_normalization_counts_like_keras() -> None:
    # Keras: 4C parameters, gamma and beta trainable, moving mean and variance not.
    layer = build("input 10x10x16, bn").layers[0]
    assert layer.params.total == 64
    assert (layer.params.trainable, layer.params.non_trainable) == (32, 32)
    assert layer.name == "batch_normalization"


def test_a_trillion_parameter_layer_is_counted_exactly() -> None:
    net = build("input 1000000, dense1000000")
    assert net.total_params == 10**12 + 10**6
    assert isinstance(net.total_params, int)
    huge = build("input 123456789, dense987654321 nobias")
    assert huge.total_params == 123456789 * 987654321


def test_keras_auto_names() -> None:
    net = build("input 28x28x1, conv8x3, conv8x3, pool2, avgpool1, bn, relu, flatten, dropout0.1, "
                "dense4, dropout0.2, dense2")
    assert [layer.name for layer in net.layers] == [
        "conv2d", "conv2d_1", "max_pooling2d", "average_pooling2d", "batch_normalization",
        "activation", "flatten", "dropout", "dense", "dropout_1", "dense_1",
    ]


def test_totals_add_up_rows() -> None:
    net = build("input 32x32x3, conv8x3, bn, pool2, flatten, dense10")
    assert net.total_params == sum(layer.params.total for layer in net.layers)
    assert net.total_params == net.trainable_params + net.non_trainable_params


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("input 11x11x64, pool2",
         "(11 − 2)/2 + 1 = 5.5 → 5; the last row and column of the 11×11 input are never read"),
        ("input 7x7x1, conv1x3 s3",
         "(7 − 3)/3 + 1 = 2.33 → 2; the last row and column of the 7×7 input are never read"),
        ("input 11x12x1, pool2", "H: (11 − 2)/2 + 1 = 5.5 → 5; the last row of the 11×12 input is never read"),
    ],
)
def test_uneven_strides_are_flagged_with_their_cost(spec: str, expected: str) -> None:
    assert build(spec).layers[0].warnings == (expected,)


def test_even_strides_raise_nothing() -> None:
    net = build("input 28x28x1, conv32x3, pool2, conv64x3, pool2 s2, flatten, dense10")
    expected = "max_pooling2d_1: (11 − 2)/2 + 1 = 5.5 → 5; the last row and column of the 11×11 input are never read"
    assert [w for w in net.warnings if "never read" in w] == [expected]


def test_uneven_same_padding_says_where_the_extra_row_goes() -> None:
    layer = build("input 28x28x1, conv8x3 s2 same").layers[0]
    assert layer.output_shape == (14, 14, 8)
    assert layer.warnings == ()
    assert layer.notes == ("same padding on 28×28 pads 0 top, 1 bottom, 0 left, 1 right: the odd row or "
                           "column goes at the bottom/right, as in Keras and TensorFlow",)


def test_dense_on_a_volume_warns() -> None:
    assert build("input 4x4x8, dense5").layers[0].warnings == (
        "dense on a 3-D volume (4×4×8) acts on the last axis only; did you mean to flatten first?",)


@pytest.mark.parametrize(
    ("spec", "output", "params", "source"),
    [
        ("input 112x112x32, dwconv3 same", (112, 112, 32), 3 * 3 * 32 + 32, "MobileNet's first depthwise: 3·3·32 + 32"),
        ("input 16x16x32, dwconv3 m2", (14, 14, 64), 3 * 3 * 64 + 64, "depth multiplier 2: 64 output channels"),
        ("input 16x16x32, sepconv64x3", (14, 14, 64), 3 * 3 * 32 + 32 * 64 + 64, "depthwise + pointwise + bias"),
        ("input 8x8x32, conv64x3 g4", (6, 6, 64), 3 * 3 * 8 * 64 + 64, "groups: each filter sees 32/4 channels"),
        ("input 7x7x16, deconv8x3 s2", (15, 15, 8), 3 * 3 * 16 * 8 + 8, "Keras valid: (7−1)·2 + 3 + 0 = 15"),
        ("input 7x7x16, deconv8x3 s2 same", (14, 14, 8), 3 * 3 * 16 * 8 + 8, "Keras same: 7·2"),
        ("input 7x7x16, convT8x3 s2 p1 op1", (14, 14, 8), 3 * 3 * 16 * 8 + 8, "PyTorch: (7−1)·2 − 2 + 2 + 1 + 1 = 14"),
        ("input 7x5x3, up2x3", (14, 15, 3), 0, "UpSampling2D"),
        ("input 7x5x3, zeropad1x2", (9, 9, 3), 0, "ZeroPadding2D"),
        ("input 7x5x3, crop2x1", (3, 3, 3), 0, "Cropping2D, from each side"),
        ("input 100x16, conv1d32x5", (96, 32), 5 * 16 * 32 + 32, "Conv1D on L×C"),
        ("input 100x16, pool1d2", (50, 16), 0, "MaxPooling1D"),
    ],
)
def test_new_layer_kinds(spec: str, output: tuple[int, ...], params: int, source: str) -> None:
    layer = build(spec).layers[-1]
    assert (layer.output_shape, layer.params.total) == (output, params), source


def test_repeats_expand_and_keep_spans() -> None:
    net = build("input 8x8x1, ([conv2x3 same]x2, pool2)x2")
    assert [layer.name for layer in net.layers] == ["conv2d", "conv2d_1", "max_pooling2d", "conv2d_2", "conv2d_3",
                                                     "max_pooling2d_1"]
    assert net.layers[0].span == net.layers[3].span  # copies point at the same text


# ---- rules mutation testing found unguarded without the frameworks (benchmarks/mutation.py) ----

def test_transposed_same_with_output_padding_follows_keras() -> None:
    # Keras 3, compute_conv_transpose_output_shape: (n − 1)·stride + kernel − 2·(kernel // 2) + output_padding
    assert build("input 4x4x5, deconv5x3 s2 same op1").layers[0].output_shape == ((4 - 1) * 2 + 3 - 2 + 1,) * 2 + (5,)
    assert build("input 4x4x5, deconv5x4 s2 same op1").layers[0].output_shape == ((4 - 1) * 2 + 4 - 4 + 1,) * 2 + (5,)
    assert build("input 4x4x5, deconv5x3 s2 same").layers[0].output_shape == (4 * 2, 4 * 2, 5)  # n·stride without


def test_a_sequence_may_shrink_to_one_position_and_no_further() -> None:
    assert build("input 3x2, conv1d4x3").layers[0].output_shape == (3 - 3 + 1, 4)
    with pytest.raises(ShapeError, match="Computed output size would be zero or negative"):
        build("input 2x2, conv1d4x3")


def test_pytorch_padding_modes_bound_the_padding() -> None:
    # torch.nn.functional.pad: reflect padding must be smaller than the input size; circular may wrap at most once
    assert build("input 4x4x1, conv2x3 p3 reflect").layers[0].output_shape == (4 + 6 - 3 + 1,) * 2 + (2,)
    with pytest.raises(ShapeError, match="pads 4 on a size of 4") as reflect:
        build("input 4x4x1, conv2x3 p4 reflect")
    assert "pad at most 3, or use 'replicate'" in reflect.value.render()
    assert build("input 4x4x1, conv2x3 p4 circular").layers[0].output_shape == (4 + 8 - 3 + 1,) * 2 + (2,)
    with pytest.raises(ShapeError, match="wrapping around more than once") as circular:
        build("input 4x4x1, conv2x3 p5 circular")
    assert "pad at most 4, or use 'replicate'" in circular.value.render()
    assert build("input 4x4x1, conv2x3 p1 replicate").layers[0].notes == (
        "padding_mode replicate: the padded cells repeat the edge values instead of zeros; the output shape is the "
        "same as with zeros",)
    assert build("input 4x4x1, conv2x3 replicate").layers[0].notes == ()   # nothing padded: nothing to say


def test_only_a_stride_that_does_not_fit_warns() -> None:
    # 'same' pads to fit: ⌈7/2⌉ = 4 and every cell is read; valid (7 − 3)/3 + 1 = 2.33 leaves the last row unread
    assert build("input 7x7x1, conv1x3 s2 same").warnings == []
    assert build("input 7x7x1, conv1x3 s3").warnings == [
        "conv2d: (7 − 3)/3 + 1 = 2.33 → 2; the last row and column of the 7×7 input are never read"]
    assert build("input 8x1, conv1d1x3 s3").warnings == [
        "conv1d: (8 − 3)/3 + 1 = 2.67 → 2; the last 2 positions of the 8 input are never read"]


def test_3d_layers_by_hand() -> None:
    # C3D's first block (Tran et al. 2015): 3×3×3 convolutions with padding 1 keep 16×112×112; the pool is 1×2×2
    net = build("input 16x112x112x3, conv3d64x3 p1, pool3d1x2x2, conv3d8x3x3x3 s2, avgpool3d2")
    assert [(layer.output_shape, layer.params.weights, layer.params.biases) for layer in net.layers] == [
        ((16, 112, 112, 64), 3 * 3 * 3 * 3 * 64, 64),
        ((16, 56, 56, 64), 0, 0),
        (((16 - 3) // 2 + 1, (56 - 3) // 2 + 1, (56 - 3) // 2 + 1, 8), 27 * 64 * 8, 8),   # 7 × 27 × 27
        ((7 // 2, 27 // 2, 27 // 2, 8), 0, 0),
    ]
    assert net.warnings[0] == ("conv3d_1: D: (16 − 3)/2 + 1 = 7.5 → 7; the last slice of the 16×56×56 input is "
                               "never read")
    with pytest.raises(ShapeError, match="Conv3D needs a D×H×W×C input") as flat:
        build("input 112x112x3, conv3d4x3")
    assert "3-D layers take a volume with depth: 'input 16x112x112x3'" in flat.value.render()
    with pytest.raises(ShapeError, match=r"Received: input 2×8×8, kernel 3×3×3, strides 1×1×1, padding valid"):
        build("input 2x8x8x1, conv3d4x3")


def error(spec: str, **options: str) -> tuple[str, str]:
    """The first and last lines of the error a spec gets: what is wrong, and the hint."""
    with pytest.raises(ShapeError) as caught:
        build(spec, **options)
    lines = caught.value.render().splitlines()
    return lines[0], lines[-1]


def test_pytorch_refuses_same_padding_on_pools_and_transposed_convolutions() -> None:
    # nn.MaxPool2d and nn.ConvTranspose2d take an int or tuple padding; only nn.Conv2d has padding='same'
    assert error("input 3x8x8 nchw, maxpool2 same", conventions="torch")[0].endswith(
        "PyTorch's MaxPool2d takes no 'same' padding")
    message, hint = error("input 3x8x8 nchw, deconv4x3 s2 same", conventions="torch")
    assert message.endswith("PyTorch's ConvTranspose2d takes no 'same' padding")
    assert hint.startswith("write the padding as a number: p1 with s2 and op1 doubles a 3×3 deconv's input")


def test_refusals_quote_the_numbers_that_break_them() -> None:
    assert error("input 28x20, conv8x3")[1].startswith("did you mean 'input 28x20x1'?")   # H and W as written
    assert error("input 28, conv1d8x3")[1] == "did you mean 'input 28x1'?"
    assert error("input 4x4x1, deconv2x3 s2 op2") == (
        "layer 1 conv2d_transpose (deconv2x3 s2 op2): `output_padding` must be strictly less than `strides`, but got "
        "output_padding=2 and strides=2", "use op1 or less, or a larger stride")          # op < s: at most 2 − 1
    assert error("input 8x8x4, conv8x3 g3")[0].endswith("Received: groups=3, filters=8")   # 8 is not a multiple of 3
    assert error("input 2x2x1, conv1x5 p1x0")[0].endswith(
        "Received: input 2×2, kernel 5×5, strides 1×1, padding p1x0")                        # (2 + 2 − 5) + 1 = 0 rows
    assert error("input 8x8x1, maxpool2 same ceil")[1] == "drop 'ceil', or use 'valid' or 'p1' with it"


def test_a_ceil_mode_window_that_hangs_over_the_edge_is_noted() -> None:
    # ⌈(5 − 2)/2⌉ + 1 = 3 windows; the last starts at 4 and reads cell 4 only: 1 of its 2
    assert build("input 5x5x1, maxpool2 ceil").layers[0].notes == (
        "(5 − 2)/2 + 1 = 2.5 → 3 (ceil); the last window hangs over the edge and reads only 1 of its 2 rows and "
        "columns",)
    # ⌈(6 − 3)/2⌉ + 1 = 3 windows; the last starts at 4 and reads cells 4 and 5: 2 of its 3
    assert build("input 6x6x1, maxpool3 s2 ceil").layers[0].notes[0].endswith("reads only 2 of its 3 rows and columns")


def test_a_volume_may_shrink_to_one_cell() -> None:
    net = build("input 3x3x3x1, conv3d2x3")
    assert (net.layers[0].output_shape, net.layers[0].params.total) == ((1, 1, 1, 2), (27 * 1 + 1) * 2)


def test_same_padding_puts_the_odd_cell_at_the_bottom_and_right_on_each_axis_alone() -> None:
    # Keras and TensorFlow: total = max((⌈n/s⌉ − 1)·s + k − n, 0), the smaller half first; k = 2, s = 2:
    # n = 7 gives 3·2 + 2 − 7 = 1 (0 before, 1 after); n = 8 gives 0
    assert build("input 8x8x1, conv1x2 s2 same").layers[0].notes == ()
    assert build("input 8x7x1, conv1x2 s2 same").layers[0].notes[0].startswith(
        "same padding on 8×7 pads 0 top, 0 bottom, 0 left, 1 right")
    assert build("input 7x8x1, conv1x2 s2 same").layers[0].notes[0].startswith(
        "same padding on 7×8 pads 0 top, 1 bottom, 0 left, 0 right")
    assert error("input 3x8x8 nchw, maxpool2 same", conventions="torch")[1] == (
        "write the padding as a number (p1 with a 3×3 pool, stride 1, keeps the size), or use --conventions keras")


@pytest.mark.parametrize("word", ["deconv1d1x1 s1 op1 d2", "deconv1x1 s1 op1 d2"])
def test_output_padding_below_the_dilation_is_pytorchs_rule_not_keras(word: str) -> None:
    """PyTorch takes output padding below the stride *or* the dilation ("output padding must be smaller than
    either stride or dilation"); Keras only below the stride (base_conv_transpose.py). PyTorch's documented size,
    (n − 1)·s − 2p + d(k − 1) + op + 1 = 0 − 0 + 0 + 1 + 1 = 2 on each spatial axis of a 1-wide input."""
    spatial = "1" if word.startswith("deconv1d") else "1x1"
    net = build(f"input 1x{spatial} nchw, {word}")
    assert net.layers[-1].output_shape[:-1] == ((2,) if word.startswith("deconv1d") else (2, 2))
    assert net.total_params == 1 * 1 * 1 + 1
    with pytest.raises(CnnCalcError, match="strictly less than `strides`"):
        build(f"input {spatial}x1, {word}")
