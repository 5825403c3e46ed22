"""FLOP conventions by hand, so that each tool's rule is guarded where the tools are not installed.

Every expected value here is arithmetic written out in the test, from the rule as the tool's source states it
(fvcore 0.1.5's ``fvcore/nn/flop_count.py`` table of handles, ptflops 0.7.5's module hooks and functional patches,
thop 0.1.1's ``profile`` hooks), or an integer that the tool itself printed for the same network.  The oracle
tests (tests/test_flops.py) run the tools on the same networks and hold these integers to them.
"""

from __future__ import annotations

import pytest

from cnncalc.analysis.flops import costs
from cnncalc.grading.answers import grade
from cnncalc.graph.network import Network, build

from .conftest import ROOT, ZOO

#: What fvcore 0.1.5, ptflops 0.7.5 and thop 0.1.1 print for torchvision's networks on one 3×224×224 input (the
#: ports of tests/test_zoo.py, run here; tests/test_flops.py::test_torchvision_networks_count_as_each_tool_counts
#: checks that the tools still print them).  "conv", "linear": fvcore's ``by_operator()`` for aten::_convolution and
#: aten::linear, the multiply-accumulates that torchvision's GFLOPS column rounds.
TOOLS_PRINT = {
    "vgg16.cnn": {"conv": 15_346_630_656, "linear": 123_633_664,
                  "fvcore": 15_470_289_408, "ptflops": 15_523_225_576, "thop": 15_470_314_496},
    "resnet18.cnn": {"conv": 1_813_561_344, "linear": 512_000,
                     "fvcore": 1_819_065_856, "ptflops": 1_825_313_768, "thop": 1_824_033_792},
    "resnet50.cnn": {"conv": 4_087_136_256, "linear": 2_048_000,
                     "fvcore": 4_111_512_576, "ptflops": 4_132_436_968, "thop": 4_133_742_592},
    "mobilenet_v2.cnn": {"conv": 299_494_272, "linear": 1_280_000,
                         "fvcore": 314_193_216, "ptflops": 320_300_008, "thop": 327_486_720},
}
#: One addition per biased output value (the cnncalc convention's "+ bias"): VGG16's thirteen convolutions and three
#: linear layers all have biases; torchvision's ResNets and MobileNetV2 have bias-free convolutions and one biased fc.
BIAS_ADDITIONS = {
    "vgg16.cnn": (2 * 224 * 224 * 64 + 2 * 112 * 112 * 128 + 3 * 56 * 56 * 256 + 3 * 28 * 28 * 512
                  + 3 * 14 * 14 * 512 + 4096 + 4096 + 1000),
    "resnet18.cnn": 1000, "resnet50.cnn": 1000, "mobilenet_v2.cnn": 1000,
}
#: torchvision's model tables, GFLOPS rounded as published
PUBLISHED_GFLOPS = {"vgg16.cnn": 15.47, "resnet18.cnn": 1.81, "resnet50.cnn": 4.09, "mobilenet_v2.cnn": 0.30}


def torchvision(name: str) -> Network:
    return build((ZOO / "torchvision" / name).read_text(encoding="utf-8"))


def total(net: Network, convention: str, training: bool = False) -> int:
    return sum(row.flops for row in costs(net, convention, training=training))


def test_every_convention_by_hand_on_a_conv_and_a_dense_layer() -> None:
    net = build("input 28x28x1, conv32x3, flatten, dense10")
    conv_out = 26 * 26 * 32                      # 21,632 output values, each 3·3·1 MACs
    conv_macs, dense_macs = conv_out * 9, conv_out * 10
    assert total(net, "macs") == conv_macs + dense_macs == 411_008
    assert total(net, "cnncalc") == 2 * (conv_macs + dense_macs) + conv_out + 10 == 843_658
    assert total(net, "fvcore") == conv_macs + dense_macs                     # no bias, Flatten is free
    assert total(net, "ptflops") == (conv_macs + conv_out) + (dense_macs + 10) == 432_650  # bias per output
    assert total(net, "thop") == conv_out * 1 * 9 + conv_out * 10           # out values × in/groups × kernel


def test_the_graders_flops_are_the_flops_column() -> None:
    # N.flops and the total 'flops' graded by `check` are the cnncalc convention's count, arithmetic as above
    net = build("input 28x28x1, conv32x3, flatten, dense10")
    assert grade(net, "1.flops", f"{2 * 26 * 26 * 32 * 9 + 26 * 26 * 32}").status == "correct"
    assert grade(net, "flops", "843,658").status == "correct"
    assert grade(net, "1.flops", f"{2 * 26 * 26 * 32 * 9}").status == "wrong"  # the bias additions forgotten


def test_fvcore_counts_nearest_upsampling_by_its_outputs() -> None:
    # fvcore/nn/flop_count.py: "aten::upsample_nearest2d": elementwise_flop_counter(0, 1), i.e.
    # "input_tensor.numel() * input_scale + output_tensor.numel() * output_scale" with input_scale 0, output 1
    net = build("input 4x4x2, up2")
    assert total(net, "fvcore") == 8 * 8 * 2 != 4 * 4 * 2
    assert total(net, "thop") == 8 * 8 * 2    # thop's count_upsample (nearest): one per output value
    assert total(net, "ptflops") == 2 * 8 * 8 * 2  # nn.Upsample's hook, then F.interpolate's patch inside it


def test_fvcore_counts_adaptive_average_pooling_by_its_inputs() -> None:
    # fvcore/nn/flop_count.py: "aten::adaptive_avg_pool2d": elementwise_flop_counter(1, 0): the input's numel
    net = build("input 6x6x3, gap")
    assert total(net, "fvcore") == 6 * 6 * 3
    assert total(net, "ptflops") == 2 * 6 * 6 * 3  # every pool one per input value, module hook and F.* patch
    assert total(net, "thop") == int((6 / 1 * 6 / 1 + 1) * 3)  # count_adap_avgpool: (kernel + 1) per output


def test_fvcore_batch_norm_in_eval_and_training() -> None:
    # fvcore/nn/jit_handles.py, batchnorm_flop_jit: in eval "input_shape * (2 if has_affine else 1)"; in training
    # norm_flop_counter: "prod(input_shape) * (5 if has_affine else 4)"
    net = build("input 5x5x4, bn")
    values = 5 * 5 * 4
    assert total(net, "fvcore") == 2 * values
    assert total(net, "fvcore", training=True) == 5 * values


@pytest.mark.parametrize("name", sorted(TOOLS_PRINT))
def test_torchvision_networks_count_as_the_tools_printed(name: str) -> None:
    net, printed = torchvision(name), TOOLS_PRINT[name]
    macs = printed["conv"] + printed["linear"]
    assert total(net, "macs") == macs
    assert total(net, "cnncalc") == 2 * macs + BIAS_ADDITIONS[name]
    for tool in ("fvcore", "ptflops", "thop"):
        assert total(net, tool) == printed[tool], tool


@pytest.mark.parametrize("name", sorted(PUBLISHED_GFLOPS))
def test_published_figures_round_the_exact_counts(name: str) -> None:
    # torchvision publishes GFLOPS to two decimals: the conv and linear multiply-accumulates that fvcore prints
    macs = TOOLS_PRINT[name]["conv"] + TOOLS_PRINT[name]["linear"]
    assert round(macs / 1e9, 2) == PUBLISHED_GFLOPS[name]
    assert total(torchvision(name), "macs") == macs


def test_the_docs_table_is_what_the_tools_print() -> None:
    # docs/costs.md's table of four networks under each convention: each figure is a tool's integer from TOOLS_PRINT
    # (or, for the cnncalc column, 2·MACs + the bias additions written out above), never cnncalc's own output.
    text = (ROOT / "docs" / "costs.md").read_text(encoding="utf-8")
    head = "| network | `macs` | `fvcore` | `ptflops` | `thop` | `cnncalc` |"
    assert head in text, "the docs' table of conventions has moved: update this test with it"
    rows = text[text.index(head):].splitlines()[2:6]
    files = {"VGG16": "vgg16.cnn", "ResNet-18": "resnet18.cnn", "ResNet-50": "resnet50.cnn",
             "MobileNetV2": "mobilenet_v2.cnn"}
    for row in rows:
        name, *figures = [cell.strip() for cell in row.strip("|").split("|")]
        printed = TOOLS_PRINT[files[name]]
        macs = printed["conv"] + printed["linear"]
        assert [int(f.replace(",", "")) for f in figures] == [
            macs, printed["fvcore"], printed["ptflops"], printed["thop"], 2 * macs + BIAS_ADDITIONS[files[name]]], name


#: (spec, fvcore, ptflops, thop) in eval(), by the rules the docstrings of cnncalc/analysis/flops/ quote from each
#: tool's source; the arithmetic is written out. (The oracle tests run the same modules through the tools.)
MODULE_RULES = [
    # nn.LocalResponseNorm(3) on 4×9×9: ptflops counts F.local_response_norm's inner ops: avg_pool3d over the squares
    # padded by size − 1 channels, (4 + 2)·81, then three elementwise ops on 324 values; the others count nothing
    ("input 9x9x4, lrn3", 0, (4 + 2) * 81 + 3 * 324, 0),
    # nn.LayerNorm(4) over 25 positions: fvcore 5 per value with affine; ptflops 1 (elementwise_affine not read);
    # thop 2 per value, ×2 with affine
    ("input 5x5x4, layernorm", 5 * 100, 100, 4 * 100),
    ("input 5x5x4, layernorm nocenter noscale", 4 * 100, 100, 2 * 100),
    # nn.GroupNorm(2, 4): fvcore 5 per value; ptflops 2 per value (affine); thop has no rule for it
    ("input 6x6x4, groupnorm2", 5 * 144, 2 * 144, 0),
    # nn.BatchNorm2d in eval(): fvcore 2 per value with affine, 1 without; ptflops likewise; thop 2, ×2 with affine
    ("input 6x6x4, bn", 2 * 144, 2 * 144, 4 * 144),
    ("input 6x6x4, bn nocenter noscale", 144, 144, 2 * 144),
    # nn.ConvTranspose2d(3, 5, 3, stride=2) on 3×4×4 → 5×9×9: fvcore and ptflops count each input position times the
    # 3·3·3·5 weights (ptflops adds a bias per output value); thop counts output values × in_channels × kernel
    ("input 4x4x3, deconv5x3 s2", 16 * 135, 16 * 135 + 9 * 9 * 5, 9 * 9 * 5 * 3 * 9),
    # SeparableConv2D(8, 3) on 6×6×3: a depthwise 3×3 (4·4·3 outputs × 9) and a pointwise 1×1 (4·4·8 outputs × 3)
    ("input 6x6x3, sepconv8x3", 432 + 384, 432 + 384 + 4 * 4 * 8, 48 * 1 * 9 + 128 * 3 * 1),
    ("input 6x6x3, dwconv3", 4 * 4 * 3 * 9, 4 * 4 * 3 * 9 + 48, 48 * 1 * 9),
    # nn.AvgPool2d(2): fvcore skips it; ptflops counts the input twice (hook and F.avg_pool2d); thop one per output
    ("input 6x6x4, avgpool2", 0, 2 * 144, 3 * 3 * 4),
    # activations: ptflops' hook and F.* patch count PReLU twice, LeakyReLU and ReLU6 once (their F.* are not
    # patched); thop counts PReLU (profile() is in eval()) and not the others; fvcore skips all
    ("input 6x6x4, prelu", 0, 2 * 144, 144),
    ("input 6x6x4, leakyrelu", 0, 144, 0),
    ("input 6x6x4, relu6", 0, 144, 0),
    # Dense(6, softmax) on 10: linear 6·10 MACs (+6 bias in ptflops); softmax: ptflops once by F.softmax's patch,
    # thop (3·features − 1) per vector
    ("input 10, dense6 softmax", 60, 60 + 6 + 6, 60 + (3 * 6 - 1)),
]


#: (spec, fvcore, ptflops, thop) of rows written 'fn', functions in forward() with no module, on 4×6×6 (144 values):
#: thop sees no function; ptflops counts a function it patches (FUNCTIONAL_MAPPING) once, by its input values
#: (F.interpolate by its output values), and no other; fvcore counts the ATen operator the function traces to.
FUNCTION_RULES = [
    # F.relu: ptflops' patch only (the module, nn.ReLU, is counted twice: its hook, then F.relu's patch)
    ("input 6x6x4, relu fn", 0, 144, 0),
    # F.leaky_relu, torch.sigmoid: not patched
    ("input 6x6x4, leakyrelu fn", 0, 0, 0),
    ("input 6x6x4, sigmoid fn", 0, 0, 0),
    # F.softmax(x, dim=1): ptflops' patch; thop, which counts nn.Softmax (3·4 − 1 per vector), never sees it
    ("input 6x6x4, softmax fn", 0, 144, 0),
    # F.max_pool2d, F.avg_pool2d: ptflops one per input value (the module: two); thop never sees F.avg_pool2d
    ("input 6x6x4, maxpool3 s2 fn", 0, 144, 0),
    ("input 6x6x4, avgpool3 s1 p1 fn", 0, 144, 0),
    # F.adaptive_avg_pool2d(x, 1): fvcore aten::adaptive_avg_pool2d, one per input value; ptflops one per input value
    ("input 6x6x4, adaptiveavgpool1 fn", 144, 144, 0),
    # x.mean((2, 3)): aten::mean, which fvcore skips; ptflops patches no tensor method but matmul, mm, bmm, addmm,
    # mul and add
    ("input 6x6x4, gap fn", 0, 0, 0),
    # the modules, for contrast: nn.AdaptiveAvgPool2d(1) then nn.Flatten(); thop (6·6 + 1) per output value
    ("input 6x6x4, gap", 144, 2 * 144, (36 + 1) * 4),
    # F.interpolate(x, scale_factor=2): fvcore and ptflops one per output value
    ("input 6x6x4, up2 fn", 576, 576, 0),
    ("input 6x6x4, resize9x12 nearest fn", 432, 432, 0),
    ("input 6x6x4, flatten fn", 0, 0, 0),
]


@pytest.mark.parametrize(("spec", "fvcore", "ptflops", "thop"), MODULE_RULES + FUNCTION_RULES,
                         ids=[r[0] for r in MODULE_RULES + FUNCTION_RULES])
def test_each_module_kind_by_each_tools_rule(spec: str, fvcore: int, ptflops: int, thop: int) -> None:
    net = build(spec)
    assert (total(net, "fvcore"), total(net, "ptflops"), total(net, "thop")) == (fvcore, ptflops, thop)


def test_a_function_explains_why_a_tool_does_not_count_it() -> None:
    assert costs(build("input 6x6x4, avgpool2 fn"), "thop")[0].explain() == \
        "0 (F.avg_pool2d in forward(): thop sees modules only)"
    assert costs(build("input 6x6x4, avgpool2 fn"), "ptflops")[0].explain() == \
        "144 input values (F.avg_pool2d's patch; no module, no hook)"
    assert costs(build("input 6x6x4, gap fn"), "ptflops")[0].explain() == \
        "0 (x.mean in forward(), which ptflops does not patch)"
    assert costs(build("input 6x6x4, gap fn"), "fvcore")[0].explain() == "0 (x.mean: aten::mean, which fvcore skips)"
    # the arithmetic is cnncalc's own and the MACs' either way
    for convention in ("cnncalc", "macs"):
        assert total(build("input 6x6x4, relu fn, gap fn, dense3"), convention) == \
            total(build("input 6x6x4, relu, gap, dense3"), convention)


def test_fvcore_batch_and_layer_norm_in_training_mode() -> None:
    # batch norm in train(): norm_flop_counter, 5 per value with affine, 4 without; layer norm is the same either way
    assert total(build("input 6x6x4, bn"), "fvcore", training=True) == 5 * 144
    assert total(build("input 6x6x4, bn nocenter noscale"), "fvcore", training=True) == 4 * 144
    assert total(build("input 5x5x4, layernorm"), "fvcore", training=True) == 5 * 100


def test_by_op_groups_depthwise_convolutions_apart() -> None:
    # conv4x3 g4 on 4 channels is depthwise (groups = channels): 8·8·4 outputs × 3·3 = 2,304; dwconv3: 4·4·8 × 9;
    # conv8x3 g2 is a grouped, not depthwise, convolution: 6·6·8 outputs × 3·3·2 = 5,184; dense3 on 128: 384
    from cnncalc.analysis.flops import by_op

    net = build("input 10x10x4, conv4x3 g4, conv8x3 g2, dwconv3, flatten, dense3")
    assert by_op(costs(net, "macs")) == [("conv", 1, 5184), ("depthwise conv", 2, 2304 + 1152), ("dense", 1, 384),
                                         ("other", 1, 0)]


def test_the_explanations_name_each_module_and_its_arithmetic() -> None:
    sep = costs(build("input 6x6x3, sepconv8x3"), "ptflops")[0]
    assert sep.explain() == ("nn.Conv2d: 4·4·3 outputs × 3·3 MACs = 432; "
                             "nn.Conv2d: 4·4·8 outputs × 3 MACs + 128 bias = 512")
    deconv = costs(build("input 4x4x3, deconv5x3 s2"), "cnncalc", batch=2)[0]
    assert deconv.explain() == "2 × (2·2,160 MACs + 405 bias additions = 4,725) = 9,450"
    dense = costs(build("input 10, dense6 softmax"), "thop")[0]
    assert [part.op.label for part in dense.parts] == ["nn.Linear", "nn.Softmax"]
    assert dense.explain() == "nn.Linear: 6 outputs × 10 MACs = 60; nn.Softmax: 1 × (3·6 − 1) = 17"


def test_one_affine_parameter_makes_the_norm_affine() -> None:
    # PyTorch has one affine flag: Keras' scale=False or center=False alone still leaves γ or β, so 2 per value
    # (fvcore, batch norm in eval) and 5 per value (layer norm)
    assert total(build("input 6x6x4, bn noscale"), "fvcore") == total(build("input 6x6x4, bn nocenter"), "fvcore") \
        == 2 * 144
    assert total(build("input 5x5x4, layernorm noscale"), "fvcore") == 5 * 100


def test_a_linear_activation_is_no_module() -> None:
    row = costs(build("input 10, dense6 linear"), "ptflops")[0]
    assert (len(row.parts), row.flops) == (1, 6 * 10 + 6)


def test_by_op_names_merges_and_two_channel_depthwise_convolutions() -> None:
    from cnncalc.analysis.flops import by_op

    # conv2x3 g2 on 2 channels is depthwise: 4·4·2 outputs × 3·3; the add is a merge that no convention prices
    net = build("input 6x6x2, conv2x3 g2, add(id | id)")
    assert by_op(costs(net, "macs")) == [("depthwise conv", 1, 4 * 4 * 2 * 9), ("merge", 1, 0)]


def test_how_transposed_and_volume_dense_macs_come_about() -> None:
    assert costs(build("input 4x4x3, deconv5x3 s2"), "fvcore")[0].explain() == \
        "4·4·3 inputs × 3·3·5 MACs = 2,160 (no bias)"        # each input position spreads over 3·3 taps × 5 filters
    assert costs(build("input 4x4x8, dense5"), "macs")[0].explain() == "4·4·5 outputs × 8 MACs = 640"


def test_by_op_keeps_every_counted_module() -> None:
    # ptflops: nn.Upsample 2·(8·8·2) = 256; nn.LocalResponseNorm(3) on 8·8·2: (2 + 2)·64 + 3·128 = 640
    from cnncalc.analysis.flops import by_op

    assert by_op(costs(build("input 4x4x2, up2, lrn3"), "ptflops")) == [("other", 2, 256 + 640)]
