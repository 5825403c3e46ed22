"""MACs, FLOPs, memory and receptive fields, against published values and torchinfo."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.analysis.costs import memory
from cnncalc.analysis.flops import costs
from cnncalc.analysis.receptive import receptive_fields
from cnncalc.cli import main
from cnncalc.graph.network import build

from .conftest import ZOO, oracle

VGG16 = (ZOO / "keras" / "VGG16.cnn").read_text(encoding="utf-8")
ALEXNET = ("input 224x224x3, conv64x11 s4 p2 relu, pool3 s2, conv192x5 p2 relu, pool3 s2, conv384x3 p1 relu, "
           "conv256x3 p1 relu, conv256x3 p1 relu, pool3 s2")  # torchvision's AlexNet features


def test_receptive_fields_published_for_vgg16_and_alexnet() -> None:
    # The table of Araujo, Norris & Sim's library (google-research/receptive_field, README), which the
    # Distill article presents: vgg_16 receptive field 212, effective stride 32, effective padding 90, so
    # the first unit's centre is −90 + (212 − 1)/2 = 15.5; alexnet_v2 195 with effective stride 32.
    vgg = build(VGG16)
    fields = {layer.name: field for layer, field in zip(vgg.layers, receptive_fields(vgg))}
    pool5 = fields["max_pooling2d_4"]
    assert (pool5.size, pool5.jump) == ((212, 212), (32, 32))
    assert pool5.start == (-90 + (212 - 1) / 2,) * 2
    assert fields["conv2d_12"].size == (196, 196)  # conv5_3: 212 − (2 − 1)·16, the pool before it
    alex = build(ALEXNET)
    alex_fields = receptive_fields(alex)
    assert [field.size[0] for field in alex_fields] == [11, 19, 51, 67, 99, 131, 163, 195]
    assert alex_fields[-1].jump == (32, 32)


def test_seed003_two_3x3_convs_see_5x5() -> None:
    # "The 3x3 window here only contains info from a 5 x 5 window in the initial input. Why?"
    net = build("input 28x28x1, conv32x3 relu, conv64x3 relu")
    first, second = receptive_fields(net)
    assert (first.size, second.size) == ((3, 3), (5, 5))
    assert second.explain() == "r = 3 + (3 − 1)·1 = 5"


def test_dilation_widens_the_receptive_field() -> None:
    # A dilated 3×3 kernel spans 5: r = 1 + (5 − 1)·1
    assert receptive_fields(build("input 32x32x1, conv1x3 d2"))[0].size == (5, 5)


@pytest.mark.parametrize(
    ("spec", "macs", "source"),
    [
        ("input 28x28x1, conv32x3", 26 * 26 * 32 * 9, "Ho·Wo·F·KH·KW·Cin"),
        ("input 13x13x32, conv64x3", 11 * 11 * 64 * 3 * 3 * 32, "seed 000's conv2d_1"),
        ("input 9216, dense128", 9216 * 128, "seed 002's FC_1: in·out"),
        ("input 4x4x8, dense5", 16 * 8 * 5, "dense on a volume, once per position"),
        ("input 26x26x32, pool2", 0, "pools count no MACs"),
    ],
)
def test_macs_by_hand(spec: str, macs: int, source: str) -> None:
    assert build(spec).layers[-1].macs == macs, source


def test_vgg16_macs_are_the_published_15_5_billion() -> None:
    # Simonyan & Zisserman's VGG16 is quoted at 15.5 G multiply-adds (fvcore: 15.47 G).
    net = build(VGG16)
    assert net.macs == 15_470_264_320
    flops = sum(row.flops for row in costs(net, "cnncalc"))
    assert flops == 2 * net.macs + sum(layer.params.biases * (layer.output_shape[0] * layer.output_shape[1]
                                                                   if len(layer.output_shape) == 3 else 1)
                                           for layer in net.layers)


def test_memory_counts_what_the_footer_says() -> None:
    net = build("input 28x28x1, conv8x3, flatten, dense10")
    mem = memory(net, "float16", batch=4)
    assert mem.parameters == net.total_params * 2
    assert mem.activations == (26 * 26 * 8 * 2 * 4, 5408 * 2 * 4, 10 * 2 * 4)
    assert mem.forward == mem.parameters + 28 * 28 * 2 * 4 + sum(mem.activations)
    # a training step adds a gradient per trainable parameter and the optimizer's state: Adam's two moments
    # (torch.optim.Adam's exp_avg and exp_avg_sq), SGD's momentum buffer, nothing for plain SGD
    assert mem.optimizer == "adam"
    assert mem.training == mem.forward + 3 * net.trainable_params * 2
    assert memory(net, optimizer="momentum").training == memory(net).forward + 2 * net.trainable_params * 4
    assert memory(net, optimizer="sgd").training == memory(net).forward + net.trainable_params * 4
    frozen = build("input 8x8x3, conv4x3, bn")  # BatchNormalization's moving statistics get no gradient
    assert memory(frozen).gradients == frozen.trainable_params * 4 < frozen.total_params * 4


def test_columns_in_the_cli() -> None:
    runner = CliRunner()
    table = runner.invoke(main, ["summary", VGG16, "--columns", "macs,flops,rf"], env={"COLUMNS": "140"}).stdout
    assert "MACs" in table and "(no bias)" in table and "(2·MACs + bias)" in table
    assert "Total MACs: 15,470,264,320 (15.47 G; multiply-accumulates of conv and dense, bias excluded)" in table
    assert "196, 16, 7.5" in table
    document = json.loads(runner.invoke(main, ["summary", VGG16, "-v", "--format", "json"]).stdout)
    assert document["total_macs"] == 15_470_264_320
    assert document["layers"][16]["receptive_field"]["size"] == [196, 196]  # conv5_3
    assert document["memory"]["parameter_bytes"] == 138_357_544 * 4
    bad = runner.invoke(main, ["summary", VGG16, "--columns", "mac"])
    assert bad.exit_code == 2 and "unknown column 'mac'" in bad.stderr


@pytest.mark.oracle
@pytest.mark.parametrize("spec", [
    "input 28x28x1, conv32x3 relu, pool2, conv64x3 relu, pool2, flatten, dropout0.5, dense10 softmax",
    "input 32x32x3, conv16x3 same, bn, relu, conv8x5 s2 p2 nobias, gap, dense10",
    "input 64x64x3, conv8x7 s2 p3 d1, pool3 s2 p1, conv16x3 p1, avgpool2, flatten, dense32 relu, dense4",
])
def test_macs_agree_with_torchinfo(spec: str) -> None:
    torch = oracle("torch")
    torchinfo = oracle("torchinfo")
    net = build(spec)
    modules: list[Any] = []
    for layer in net.layers:
        record, name, channels = layer.layer, type(layer.layer).__name__, layer.input_shape[-1]
        if name == "Conv2D":
            pad = "same" if record.padding == "same" else (record.padding if record.padding != "valid" else 0)
            modules.append(torch.nn.Conv2d(channels, record.filters, record.kernel_size, record.strides, pad,
                                           record.dilation_rate, bias=record.use_bias))
        elif name == "MaxPooling2D":
            modules.append(torch.nn.MaxPool2d(record.pool_size, record.effective_strides,
                                              0 if isinstance(record.padding, str) else record.padding))
        elif name == "AveragePooling2D":
            modules.append(torch.nn.AvgPool2d(record.pool_size, record.effective_strides))
        elif name == "BatchNormalization":
            modules.append(torch.nn.BatchNorm2d(channels))
        elif name == "GlobalAveragePooling2D":
            modules += [torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten()]
        elif name == "Flatten":
            modules.append(torch.nn.Flatten())
        elif name == "Dense":
            modules.append(torch.nn.Linear(layer.input_shape[-1], record.units, bias=record.use_bias))
        else:
            modules.append(torch.nn.Identity())
    h, w, c = net.input_shape
    stats = torchinfo.summary(torch.nn.Sequential(*modules), input_size=(1, c, h, w), verbose=0)
    # torchinfo's mult-adds include the bias, and count BatchNormalization's gamma and beta once.
    batch_norm = sum(2 * layer.input_shape[-1] for layer in net.layers if layer.keras_class == "BatchNormalization")
    flatten_order_free = net.macs + sum(layer.bias_adds for layer in net.layers) + batch_norm
    assert stats.total_mult_adds == flatten_order_free


def _json(*args: str) -> Any:
    result = CliRunner().invoke(main, ["summary", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_explain_shows_the_cost_arithmetic() -> None:
    # The issue's example, seed 002's first MNIST conv: 26·26·32 outputs, each 3·3·1 multiply-accumulates.
    out = CliRunner().invoke(main, ["summary", "input 28x28x1, conv32x3x3 relu", "--columns", "macs,flops",
                                    "--explain"], env={"COLUMNS": "200"}).stdout
    assert "MACs: 26·26·32 outputs × 3·3·1 MACs = 194,688" in out
    assert "FLOPs (cnncalc): 2·194,688 MACs + 21,632 bias additions = 411,008" in out  # 26·26·32 biases added


def test_a_flops_convention_is_its_column_and_footer() -> None:
    spec = "input 28x28x1, conv32x3x3 relu, pool2, flatten, dense10 softmax"
    out = CliRunner().invoke(main, ["summary", spec, "--flops-convention", "thop"], env={"COLUMNS": "200"}).stdout
    assert "(thop)" in out and "Total FLOPs (thop): " in out
    document = _json(spec, "--flops-convention", "thop")
    # thop: conv 26·26·32·9, max pooling 0, dense 5408·10, softmax 3·10 − 1 (thop's calculate_softmax)
    assert [layer["flops"] for layer in document["layers"]] == [194_688, 0, 0, 54_080 + 29]
    assert document["flops_convention"] == "thop"
    assert document["total_flops"] == 194_688 + 54_080 + 29
    # ptflops: the conv's bias (one per output value) and its ReLU twice (hook + F.relu), the pool's input twice
    ptflops = _json(spec, "--flops-convention", "ptflops")
    assert [layer["flops"] for layer in ptflops["layers"]][:2] == [194_688 + 21_632 + 2 * 21_632, 2 * 21_632]


def test_counts_scale_with_the_batch() -> None:
    one, four = _json("input 8x8x3, conv4x3, bn", "-v"), _json("input 8x8x3, conv4x3, bn", "-v", "--batch", "4")
    assert four["total_macs"] == 4 * one["total_macs"] == 4 * 6 * 6 * 4 * 27
    assert four["total_flops"] == 4 * one["total_flops"]


def test_by_op_breakdown_adds_up() -> None:
    document = _json("input 32x32x3, conv8x3 relu, dwconv3x3, bn, pool2, flatten, dense10", "--by-op",
                     "--flops-convention", "fvcore")
    operators = {row["operator"]: row for row in document["by_op"]}
    assert list(operators) == ["conv", "depthwise conv", "dense", "batch norm", "activation", "pooling", "other"]
    assert operators["conv"]["flops"] == 30 * 30 * 8 * 27
    assert operators["depthwise conv"]["flops"] == 28 * 28 * 8 * 9
    assert operators["batch norm"]["flops"] == 2 * 28 * 28 * 8  # fvcore, eval(): 2 per value with affine
    assert operators["dense"]["flops"] == 14 * 14 * 8 * 10
    assert sum(row["flops"] for row in document["by_op"]) == document["total_flops"]
    assert abs(sum(row["share"] for row in document["by_op"]) - 1) < 1e-5
    trained = _json("input 32x32x3, conv8x3 relu, dwconv3x3, bn", "--by-op", "--flops-convention", "fvcore",
                    "--training")
    assert {row["operator"]: row["flops"] for row in trained["by_op"]}["batch norm"] == 5 * 28 * 28 * 8
    table = CliRunner().invoke(main, ["summary", "input 32x32x3, conv8x3", "--by-op"], env={"COLUMNS": "200"}).stdout
    assert "FLOPs by operator (cnncalc:" in table and "100.0%" in table


def test_training_memory_by_optimizer() -> None:
    spec = "input 28x28x1, conv8x3, bn, flatten, dense10"
    net = build(spec)
    sgd = _json(spec, "--training", "--optimizer", "sgd")["memory"]
    adam = _json(spec, "--training")["memory"]
    assert sgd["training_bytes"] == sgd["forward_bytes"] + 4 * net.trainable_params
    assert adam["optimizer"] == "adam"
    assert adam["training_bytes"] == adam["forward_bytes"] + 3 * 4 * net.trainable_params
    out = CliRunner().invoke(main, ["summary", spec, "--training", "--optimizer", "momentum"],
                             env={"COLUMNS": "200"}).stdout
    assert "Training step (momentum)" in out and "torchinfo.summary would print:" in out


def test_torchinfo_lines_by_hand() -> None:
    # torchinfo's rules on a conv (3·3·1 + 1)·8 = 80 parameters at 26·26 positions, and a Linear of 5408·10 + 10
    info = _json("input 28x28x1, conv8x3, flatten, dense10", "--columns", "macs")["torchinfo"]
    assert info["mult_adds"] == 80 * 26 * 26 + 54_090
    assert info["forward_backward_pass_bytes"] == 2 * 4 * (26 * 26 * 8 + 10)  # outputs of modules with parameters
    assert info["params_bytes"] == 4 * (80 + 54_090)
    assert info["input_bytes"] == 4 * 28 * 28 + 64


def test_cost_options_reject_what_they_cannot_do() -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["summary", "input 28x28x1, conv8x3", "--flops-convention", "tflops"])
    assert bad.exit_code == 2 and "tflops" in bad.stderr
    named = runner.invoke(main, ["summary", "input RxCx3, conv8x3", "--by-op"])
    assert named.exit_code == 2 and "--input" in named.stderr and "Traceback" not in named.output
