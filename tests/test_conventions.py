"""Issue 12's contract: channels-first input, --layout, --conventions keras|torch, through the CLI.

Expected numbers come from PyTorch and torchvision's documentation (Conv2d(3, 64, 3, padding=1) has
1,792 parameters; vgg11_bn 132,868,840), from Keras (VGG11-BN with moving statistics: 132,874,344, as
issue 12 measured), and from torchinfo's printing ([1, 64, 224, 224]).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.graph.network import build

from .conftest import ZOO


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_a_channels_first_input_prints_as_torchinfo() -> None:
    result = run("summary", "input 3x224x224 nchw, conv64x3 p1")
    assert result.exit_code == 0
    assert "[1, 64, 224, 224]" in result.stdout and "Conv2d: 1-1" in result.stdout
    assert "Layer (type:depth-idx)" in result.stdout
    assert " Total params: 1,792 " in result.stdout
    assert "[8, 64, 224, 224]" in run("summary", "input 3x224x224 nchw, conv64x3 p1", "--batch", "8").stdout


def test_layout_option_reads_the_input_channels_first() -> None:
    flag = run("summary", "input 3x224x224, conv64x3 p1", "--layout", "nchw")
    assert flag.exit_code == 0 and flag.stdout == run("summary", "input 3x224x224 nchw, conv64x3 p1").stdout
    override = run("summary", "conv64x3 p1", "--input", "3x224x224", "--layout", "nchw")
    assert " Total params: 1,792 " in override.stdout


@pytest.mark.parametrize(("spec", "ours", "theirs"), [
    ("input 3x224x224, conv64x3 p1", "129,088", "1,792"),        # issue 12's first example
    ("input 100x1x1, deconv512x4 nobias", "8,192", "819,200"),   # the DCGAN latent
])
def test_an_input_that_looks_channels_first_warns_with_both_readings(spec: str, ours: str, theirs: str) -> None:
    result = run("summary", spec)
    assert result.exit_code == 0
    assert f"Total params: {ours}" in result.stdout
    assert "looks channels-first" in result.stdout and f"gives {theirs} params" in result.stdout
    assert run("summary", spec, "--strict").exit_code == 1  # the warning counts for --strict
    document = json.loads(run("summary", spec, "--format", "json").stdout)
    assert document["input_warnings"] and document["layout"] == "nhwc"


@pytest.mark.parametrize("spec", ["input 224x224x3, conv64x3", "input 28x28x1, conv8x3", "input 480x640x3, conv8x3",
                                  "input 32x32x32, conv8x3", "input 3x224x224 nhwc, conv8x3"])
def test_images_written_channels_last_do_not_warn(spec: str) -> None:
    assert build(spec).input_warnings == ()


def test_batch_norm_under_each_convention() -> None:
    keras = build("input 8x8x64, bn")
    torch = build("input 8x8x64, bn", conventions="torch")
    assert (keras.total_params, keras.non_trainable_params) == (256, 128)
    assert (torch.total_params, torch.non_trainable_params, torch.buffers) == (128, 0, 129)
    assert build("input 8x8x64, bn noscale").total_params == 3 * 64  # InceptionV3's BatchNormalization(scale=False)
    assert build("input 8x8x64, bn noscale nocenter").trainable_params == 0


def test_vgg11_bn_counts_as_each_framework_does() -> None:
    text = (ZOO / "torchvision" / "vgg11_bn.cnn").read_text(encoding="utf-8")
    assert build(text).total_params == 132_868_840
    assert build(text, conventions="keras").total_params == 132_874_344


def test_torch_refuses_same_padding_on_a_strided_convolution() -> None:
    result = CliRunner().invoke(main, ["summary", "input 3x32x32 nchw, conv8x3 s2 same"])
    assert result.exit_code == 2
    assert "padding='same' is not supported for strided convolutions" in result.stderr
    assert "^" in result.stderr and "conv8x3 s2 same" in result.stderr
    assert run("summary", "input 3x32x32 nchw, conv8x3 same").exit_code == 0  # stride 1: PyTorch allows it
    assert run("summary", "input 32x32x3, conv8x3 s2 same").exit_code == 0  # Keras allows it


def test_torch_style_rows_split_the_activation_and_use_torch_class_names() -> None:
    net = build("input 1x28x28 nchw, conv32x3 relu, bn, pool2, flatten, dense10 softmax")
    assert [layer.name for layer in net.layers] == [
        "Conv2d: 1-1", "ReLU: 1-2", "BatchNorm2d: 1-3", "MaxPool2d: 1-4", "Flatten: 1-5", "Linear: 1-6",
        "Softmax: 1-7"]
    keras = build("input 28x28x1, conv32x3 relu, bn, pool2, flatten, dense10 softmax")
    assert [layer.name for layer in keras.layers] == [
        "conv2d", "batch_normalization", "max_pooling2d", "flatten", "dense"]


def test_json_records_the_conventions() -> None:
    torch = json.loads(run("summary", "input 3x32x32 nchw, conv8x3 p1, bn", "--format", "json").stdout)
    assert (torch["conventions"], torch["layout"], torch["buffers"]) == ("torch", "nchw", 17)
    assert torch["layers"][0]["torch_shape"] == [1, 8, 32, 32] and torch["layers"][0]["type"] == "Conv2d"
    assert torch["layers"][1]["buffers"] == 17
    keras = json.loads(run("summary", "input 32x32x3, conv8x3 same", "--format", "json").stdout)
    assert (keras["conventions"], keras["layout"]) == ("keras", "nhwc")
    forced = json.loads(run("summary", "input 3x32x32 nchw, conv8x3 p1", "--conventions", "keras",
                            "--format", "json").stdout)
    assert forced["conventions"] == "keras" and forced["layers"][0]["type"] == "Conv2D"


def test_keras_channels_first_prints_none_first() -> None:
    result = run("summary", "input 3x32x32 nchw, conv8x3 p1", "--conventions", "keras")
    assert "(None, 8, 32, 32)" in result.stdout and "conv2d (Conv2D)" in result.stdout


def test_a_reshape_target_is_read_in_the_input_layout() -> None:
    # a DCGAN generator as PyTorch users write it: Linear, then view(-1, 256, 7, 7)
    net = build("input 100 nchw, dense12544, reshape256x7x7, deconv128x4 s2 p1")
    assert net.layers[-1].output_shape == (14, 14, 128)
    assert build("input 100, dense12544, reshape7x7x256, deconv128x4 s2 same").layers[-1].output_shape == (14, 14, 128)


def test_adaptive_pooling_is_no_longer_a_misleading_suggestion() -> None:
    net = build("input 3x224x224 nchw, conv64x11 s4 p2, adaptiveavgpool6")
    assert net.layers[-1].output_shape == (6, 6, 64)
