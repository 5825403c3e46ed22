"""`summary SPEC --format pytorch` for a network read under PyTorch's conventions: a spec written the PyTorch way
(`input 3x32x32 nchw`, `--conventions torch`) and torchvision's networks in the zoo. The code written is run by
PyTorch, and what PyTorch reports of the model it builds (its parameters, its buffers, the output shape of every
leaf module as it runs) is held against cnncalc's summary of the spec.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import Network, build
from cnncalc.model.layers import ChannelPad, ChannelSlice, Merge, Permute, Rescaling, Reshape
from cnncalc.views.codegen import pytorch_code
from cnncalc.views.codegen.pytorch_held import held_modules
from cnncalc.views.codegen.pytorch_modules import torch_modules
from cnncalc.zoo.names import spec_text

from . import graph_specs, oracle_specs
from .conftest import oracle
from .test_codegen import TORCH_REFUSALS, run_code, written

pytestmark = pytest.mark.oracle

EXAMPLES = int(os.environ.get("CNNCALC_CODEGEN_TORCH_EXAMPLES", "15"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

Row = tuple[tuple[int, ...], int, int]


def module_rows(net: Network) -> list[tuple[Row, int]]:
    """(output shape with the batch, parameters, buffers) of each row the code writes with modules, and how many
    modules the code writes for it (a separable convolution is a depthwise and a pointwise nn.Conv2d, an uneven
    padding an nn.ZeroPad2d before its layer). Merges, slices, channel padding, rescaling and rows written 'fn'
    are operations in forward(), and so, for an input written channels-last, are a permute and a reshape."""
    operations: tuple[type, ...] = (Merge, ChannelSlice, ChannelPad, Rescaling)
    nchw = net.layout == "nchw"
    if not nchw:
        operations += (Permute, Reshape)
    held = {"input_layer": False}
    rows = []
    for layer in net.layers:
        held_in = nchw and held[layer.inputs[0]] and len(layer.input_shape) > 1
        held[layer.name] = nchw and layer.tokens
        if layer.functional or isinstance(layer.layer, operations):
            continue
        modules = (nchw and held_modules(layer, held_in)) or torch_modules(layer)
        rows.append((((1, *net.shown_shape(layer.output_shape, layer.tokens)), layer.params.total,
                      layer.params.buffers), sum(1 for stem, _ in modules if stem)))
    return rows


def leaf_rows(torch: Any, model: Any, shape: tuple[int, ...]) -> list[tuple[str, tuple[int, ...], int, int]]:
    """(class, output shape with the batch, parameters, buffers) of every leaf module as it runs, and of every
    nn.MultiheadAttention (whose out_proj it never calls: its own forward() uses the weights), its output the
    attention's, not the weights."""
    rows = []

    def hook(module: Any, _: Any, output: Any) -> None:
        output = output[0] if isinstance(output, tuple) else output
        rows.append((type(module).__name__, tuple(output.shape), sum(p.numel() for p in module.parameters()),
                     sum(b.numel() for b in module.buffers())))

    for module in model.modules():
        if (not list(module.children()) or isinstance(module, torch.nn.MultiheadAttention)) and module is not model:
            module.register_forward_hook(hook)
    with torch.no_grad():
        model.eval()(torch.zeros(1, *shape))
    return rows


def check(net: Network, code: str) -> None:
    """Run ``code`` with PyTorch: the output shape of each row's last module, the parameters and buffers of its
    modules, and the model's totals are the summary's."""
    torch = oracle("torch")
    model = run_code(code)["model"]
    theirs = iter(leaf_rows(torch, model, (net.input_shape[-1], *net.input_shape[:-1])))
    for row, count in module_rows(net):
        modules = [next(theirs) for _ in range(count)]
        assert (modules[-1][1], sum(m[2] for m in modules), sum(m[3] for m in modules)) == row, code
    assert next(theirs, None) is None, code
    assert sum(p.numel() for p in model.parameters()) == net.torch_split()[0]
    assert sum(p.numel() for p in model.parameters() if p.requires_grad) == net.torch_split()[1]
    assert sum(b.numel() for b in model.buffers()) == net.buffers  # BatchNorm's running statistics and batch count


def test_the_issue_spec_written_the_pytorch_way() -> None:
    # conv8x3 on 3×32×32: 8·(3·3·3 + 1) = 224 parameters, 8×30×30 out; dense10 on 7,200: 72,010
    net = build("input 3x32x32 nchw, conv8x3, relu, flatten, dense10")
    code = pytorch_code(net)
    assert "nn.Conv2d(3, 8, kernel_size=3)" in code and "nn.Linear(7200, 10)" in code
    check(net, code)
    torch = oracle("torch")
    assert sum(p.numel() for p in run_code(code)["model"].parameters()) == 224 + 72_010
    assert torch.Size([1, 10]) == run_code(code)["model"](torch.zeros(1, 3, 32, 32)).shape


#: torchvision's networks, each run on a small input it accepts
ZOO = [("resnet18", "3x64x64"), ("mobilenet_v2", "3x64x64"), ("densenet121", "3x64x64"),
       ("efficientnet_b0", "3x64x64"), ("convnext_tiny", "3x64x64"), ("shufflenet_v2_x1_0", "3x64x64"),
       ("googlenet", "3x64x64"), ("mobilenet_v3_small", "3x64x64"), ("squeezenet1_1", "3x64x64")]


@pytest.mark.parametrize(("name", "shape"), ZOO)
def test_torchvision_networks_as_code(name: str, shape: str) -> None:
    net = build(spec_text("torchvision", name), f"{shape} nchw")
    check(net, pytorch_code(net))


#: what the writer refuses in torchvision's networks, at the layer: torchvision's own modules (the vision
#: transformers are written; they take 224×224 only, so a small one stands for them below)
REFUSED = [("swin_t", "'windowattention' as PyTorch code yet: it is torchvision's ShiftedWindowAttention"),
           ("maxvit_t", "'partition' as PyTorch code yet: it is torchvision's WindowPartition")]


@pytest.mark.parametrize(("name", "why"), REFUSED)
def test_torchvision_networks_refused_at_a_layer(name: str, why: str) -> None:
    with pytest.raises(CnnCalcError) as refusal:
        pytorch_code(build(spec_text("torchvision", name)))
    assert refusal.value.render().startswith("layer ") and why in refusal.value.render()


def test_a_permuted_tensor_is_written_on_pytorchs_axes() -> None:
    # ConvNeXt's block by hand: channels last, LayerNorm(8) and Linear(8, 32) on the last axis, channels first again
    net = build("input 8x6x5 nchw, permute2x3x1, layernorm, dense32, gelu, dense8, permute3x1x2, conv4x1")
    code = pytorch_code(net)
    assert "Permute((0, 2, 3, 1))" in code and "Permute((0, 3, 1, 2))" in code and "nn.Linear(8, 32)" in code
    check(net, code)


def test_a_vision_transformer_holds_its_tokens_as_pytorch_does() -> None:
    # vit_b_16's layers at 16 features: patches, tokens (N, L, D), class token and position embedding as the model's
    # parameters (16 and 17·16), an encoder block (LayerNorm, nn.MultiheadAttention: 4·16² + 4·16), token 0, a head
    net = build("input 3x32x32 nchw, conv16x8 s8, reshape16x16 fn, permute2x1 fn, clstoken fn, posembed fn, "
                "add(id | layernorm, mha2, dropout0), add(id | layernorm, dense32, gelu, dense16), layernorm, "
                "token0 fn, dense10")
    code = pytorch_code(net)
    assert "nn.MultiheadAttention(16, 2, batch_first=True)" in code and "need_weights=False)[0]" in code
    check(net, code)
    # conv, class token, position embedding, three LayerNorms, attention, the MLP's two Linears, the head
    assert net.torch_split()[0] == (3 * 64 * 16 + 16) + 16 + 17 * 16 + 3 * (2 * 16) + (4 * 16 * 16 + 4 * 16) \
        + (16 * 32 + 32) + (32 * 16 + 16) + (16 * 10 + 10) == 5802


def test_a_reshape_reads_the_tensor_in_pytorchs_order() -> None:
    # reshape4x30 of a 4×5×6 map keeps PyTorch's memory order: the row of channel 0 is its 30 values
    net = build("input 4x5x6 nchw, reshape4x30, conv1d2x3")
    torch = oracle("torch")
    model = run_code(pytorch_code(net))["model"]
    x = torch.arange(120.0).reshape(1, 4, 5, 6)
    with torch.no_grad():
        model.eval()
        reshaped = model.reshape1(x)
    assert reshaped.shape == (1, 4, 30) and reshaped[0, 0].tolist() == list(range(30))


def test_operations_written_fn() -> None:
    # Inception v3's F.avg_pool2d(x, 3, 1, 1), ShuffleNet's channel shuffle and the adaptive pool, as functions
    net = build("input 4x9x9 nchw, avgpool3 s1 p1 fn, shuffle2 fn, maxpool3 s2 p1 ceil fn, conv6x1, "
                "adaptiveavgpool2 fn, flatten, dense3")
    code = pytorch_code(net)
    assert "F.avg_pool2d(x, 3, stride=1, padding=1)" in code and "F.channel_shuffle(x, 2)" in code
    assert "F.adaptive_avg_pool2d(x, (2, 2))" in code
    check(net, code)
    assert net.layers[3].output_shape == (5, 5, 6)  # 9 → ceil((9 + 2 − 3) / 2) + 1 = 5, held against Conv2d above


def test_a_layer_on_axis_one_of_a_held_tensor_is_refused() -> None:
    # the features are last: Conv1d would read 6 channels, so the network is refused before any code is written
    with pytest.raises(CnnCalcError, match="Conv1D acts on PyTorch's axis 1"):
        build("input 8x6 nchw, permute2x1, conv1d4x3")
    # x[..., 0:4] keeps the features last ([1, 6, 4], as PyTorch holds it), so a Conv1d after it is refused too
    sliced = build("input 8x6 nchw, permute2x1, slice0:4").layers[-1]
    assert sliced.tokens and sliced.output_shape == (6, 4)  # x.permute(0, 2, 1)[..., 0:4] on [1, 8, 6]: [1, 6, 4]
    with pytest.raises(CnnCalcError, match="Conv1D acts on PyTorch's axis 1") as refused:
        build("input 8x6 nchw, permute2x1, slice0:4, conv1d2x1")
    assert refused.value.render().startswith("layer 3 ")  # at the convolution


def _channels_first(text: str, shape: tuple[int, ...]) -> str:
    """The spec with its input written channels-first, as a PyTorch user writes it."""
    keras = "input " + "x".join(map(str, shape))
    assert text.startswith(keras)
    return "input " + "x".join(map(str, (shape[-1], *shape[:-1]))) + " nchw" + text[len(keras):]


def _written_and_run(text: str, conventions: str | None = None) -> None:
    try:
        net = build(text, conventions=conventions)
    except CnnCalcError:
        return
    code = written(pytorch_code, net, TORCH_REFUSALS)
    if code is not None:
        check(net, code)


@SETTINGS
@given(network=oracle_specs.structured(False, 6, kinds=True))
def test_random_nchw_chains_as_code(network: Any) -> None:
    _written_and_run(_channels_first(oracle_specs.spec_text(*network), network[0]))


@SETTINGS
@given(graph=graph_specs.graphs())
def test_random_nchw_graphs_as_code(graph: Any) -> None:
    _written_and_run(_channels_first(graph_specs.spec_text(*graph), graph[0]))


@SETTINGS
@given(network=oracle_specs.structured(True, 6))
def test_random_chains_under_torch_conventions_as_code(network: Any) -> None:
    _written_and_run(oracle_specs.spec_text(*network), "torch")
