"""MACs, FLOPs, memory and receptive fields, against published values and torchinfo."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.costs import memory
from cnncalc.network import build
from cnncalc.receptive import receptive_fields

from .conftest import ROOT, oracle

VGG16 = (ROOT / "examples" / "vgg16.cnn").read_text(encoding="utf-8")
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
    assert net.flops == 2 * net.macs + sum(layer.params.biases * (layer.output_shape[0] * layer.output_shape[1]
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
