"""FLOP conventions against the tools themselves: fvcore, ptflops and thop run on real PyTorch models.

Every count cnncalc prints under ``--flops-convention fvcore|ptflops|thop`` must be the number the tool
reports for the same network, layer by layer: each leaf module is profiled by the tool on the very input
it received in the model's forward pass, and the whole model once more for the total.  The models are
random chains and graphs written by ``--format pytorch``, and VGG16, ResNet-18, ResNet-50 and MobileNetV2
ported from torchvision's source (tests/test_zoo.py).

Where a tool is inconsistent with itself, the case is named here and in docs/costs.md:

* torchvision's MobileNetV2 pools with ``F.adaptive_avg_pool2d`` in ``forward()``, where ResNet has an
  ``nn.AdaptiveAvgPool2d`` module: thop counts ResNet's pool and not MobileNetV2's, ptflops counts
  ResNet's twice (module hook and functional patch) and MobileNetV2's once; a spec says which it is
  (``adaptiveavgpool1`` or ``adaptiveavgpool1 fn``), and cnncalc counts each as the tool does
  (tests/test_flop_functions.py runs the tools on every function a row written ``fn`` stands for);
* ptflops' per-module table leaves out what its functional patches count, so its rows do not add up to
  its total (ReLU, ELU, GELU, PReLU, every pool and upsampling are counted once in the table, twice in the total).
"""

from __future__ import annotations

import copy
import io
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from cnncalc.analysis.costs import Torchinfo, torchinfo
from cnncalc.analysis.flops import costs
from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import Network, build
from cnncalc.model.layers import Merge
from cnncalc.views.codegen import pytorch_code
from cnncalc.views.codegen.pytorch_modules import torch_modules as _torch_modules

from . import graph_specs, oracle_specs
from .conftest import ZOO, oracle
from .test_codegen import TORCH_REFUSALS, read_back, run_code, written
from .test_flop_rules import TOOLS_PRINT
from .test_zoo import VGG, mobilenet_v2, torchvision_resnet, vgg

pytestmark = pytest.mark.oracle

TOOLS = ("fvcore", "ptflops", "thop")
EXAMPLES = int(os.environ.get("CNNCALC_FLOPS_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """torch on one thread while a test runs: the tools' many small operations are slower on a shared machine's
    cores with two threads a process than with one."""
    torch = oracle("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def tool_count(tool: str, model: Any, x: Any, training: bool = False) -> int:
    """What the tool reports for ``model`` on the batch ``x``: fvcore's total, ptflops' and thop's MACs.

    The model is in eval() unless ``training`` (ptflops and thop call eval() themselves)."""
    torch = oracle("torch")
    model = copy.deepcopy(model).train(training)
    with torch.no_grad():
        if tool == "fvcore":
            from fvcore.nn import FlopCountAnalysis

            analysis = FlopCountAnalysis(model, (x,))
            analysis.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
            analysis.tracer_warnings("none")
            return int(analysis.total())
        if tool == "ptflops":
            from ptflops import get_model_complexity_info

            flops, _ = get_model_complexity_info(model, tuple(x.shape[1:]), as_strings=False,
                                                 print_per_layer_stat=False, input_constructor=lambda _: x,
                                                 ost=io.StringIO())
            return int(flops)
        import thop

        total, _ = thop.profile(model, inputs=(x,), verbose=False)
        return int(total)


def leaf_calls(model: Any, x: Any) -> list[tuple[Any, Any, Any]]:
    """(module, input, output) of every leaf module call, in the order the forward pass makes them."""
    torch = oracle("torch")
    calls: list[tuple[Any, Any, Any]] = []
    handles = [module.register_forward_hook(lambda m, i, o: calls.append((m, i[0].detach().clone(), o)))
               for module in model.modules() if not list(module.children()) and module is not model]
    with torch.no_grad():
        model.eval()(x)
    for handle in handles:
        handle.remove()
    return calls


def their_torchinfo(model: Any, size: tuple[int, ...]) -> Torchinfo:
    """torchinfo.summary's footer numbers, as the exact integers it keeps."""
    stats = oracle("torchinfo").summary(model, input_size=size, verbose=0)
    return Torchinfo(stats.total_mult_adds, stats.total_input, stats.total_output_bytes, stats.total_param_bytes)


def their_rows(tool: str, model: Any, x: Any) -> list[tuple[str, tuple[int, ...], int]]:
    """(class, output shape, the tool's count) of every leaf module call."""
    return [(type(m).__name__, tuple(o.shape[1:]), tool_count(tool, m, i)) for m, i, o in leaf_calls(model, x)]


def our_rows(net: Network, tool: str, training: bool = False) -> list[tuple[str, tuple[int, ...], int]]:
    """cnncalc's rows under --conventions torch, with the count under ``tool``'s convention."""
    return [(layer.layer.torch_class_for(layer.input_shape), net.shown_shape(layer.output_shape), cost.flops)
            for layer, cost in zip(net.layers, costs(net, tool, training=training))
            if not isinstance(layer.layer, Merge) and not layer.functional]  # 'fn': no module, no row


def total(net: Network, tool: str, batch: int = 1, training: bool = False) -> int:
    return sum(row.flops for row in costs(net, tool, batch, training))


# ---- random networks, as --format pytorch writes them ----

def check_code(net: Network, tmp_path: Any) -> None:
    """Profile the code cnncalc writes for ``net``: per module (on the torch reading of the code) and in total
    (on ``net`` itself, whose Keras rows cnncalc splits into the modules the code has)."""
    code = written(pytorch_code, net, TORCH_REFUSALS)
    if code is None:
        return
    torch = oracle("torch")
    model = run_code(code)["model"]
    shape = (net.input_shape[-1], *net.input_shape[:-1])
    x = torch.randn(1, *shape)
    back = read_back(code, tmp_path, "x".join(map(str, shape)))
    calls = leaf_calls(model, x)
    for tool in TOOLS:
        theirs = [tool_count(tool, m, i) for m, i, _ in calls]
        mine = list(our_rows(back, tool))
        assert [count for _, _, count in mine] == theirs, (tool, code)
        assert total(net, tool) == total(back, tool) == tool_count(tool, model, x), (tool, code)
    assert torchinfo(net, batch=2) == torchinfo(back, batch=2) == their_torchinfo(model, (2, *shape)), code
    # and the same code, row by row in Keras' reading: the modules cnncalc says a row is are the code's
    modules = iter(calls)
    for layer, row in zip(net.layers, costs(net, "thop")):
        if isinstance(layer.layer, Merge):
            continue
        module_calls = [next(modules) for _ in _torch_modules(layer)]
        assert row.flops == sum(tool_count("thop", m, i) for m, i, _ in module_calls), (layer.name, code)


@SETTINGS
@given(network=oracle_specs.structured(True, 6))
def test_random_chains_count_as_each_tool_counts(network: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    try:
        net = build(oracle_specs.spec_text(*network))
    except CnnCalcError:
        return
    if len(net.input_shape) == 3:
        check_code(net, tmp_path_factory.mktemp("flops"))


@SETTINGS
@given(network=oracle_specs.structured(False, 6, kinds=True))
def test_random_chains_of_newer_kinds_count_as_each_tool_counts(network: Any,
                                                                tmp_path_factory: pytest.TempPathFactory) -> None:
    # grouped, depthwise, separable and transposed convolutions, upsampling, padding
    try:
        net = build(oracle_specs.spec_text(*network))
    except CnnCalcError:
        return
    check_code(net, tmp_path_factory.mktemp("flops"))


@SETTINGS
@given(graph=graph_specs.graphs())
def test_random_graphs_count_as_each_tool_counts(graph: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    try:
        net = build(graph_specs.spec_text(*graph))
    except CnnCalcError:
        return
    check_code(net, tmp_path_factory.mktemp("flops"))


#: PyTorch modules the random networks do not reach, as people write them in an nn.Sequential
KINDS = [
    ("nn.Conv2d(3, 4, 3), nn.LeakyReLU(0.1), nn.ReLU6(), nn.PReLU(), nn.Hardswish(), nn.Mish(), nn.SELU()", "3x9x9"),
    ("nn.Conv2d(3, 4, 3), nn.GroupNorm(2, 4), nn.LocalResponseNorm(3), nn.Upsample(scale_factor=2)", "3x9x9"),
    ("nn.AdaptiveAvgPool2d((3, 2)), nn.Flatten(), nn.LayerNorm(18), nn.Linear(18, 5), nn.Softmax(dim=1)", "3x7x5"),
    ("nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1), nn.AvgPool2d(3, stride=2), "
     "nn.AdaptiveMaxPool2d(2)", "3x6x6"),
    ("nn.Conv1d(3, 4, 3), nn.BatchNorm1d(4), nn.MaxPool1d(2), nn.AvgPool1d(2), nn.AdaptiveAvgPool1d(1)", "3x20"),
    ("nn.Conv2d(4, 8, 3, groups=4), nn.Conv2d(8, 8, 3, groups=2, bias=False), nn.BatchNorm2d(8, affine=False), "
     "nn.ELU(), nn.GELU(), nn.SiLU(), nn.Sigmoid(), nn.Tanh()", "4x9x9"),
    ("nn.ConvTranspose2d(4, 6, 2, stride=2, groups=2), nn.BatchNorm2d(6), nn.AdaptiveAvgPool2d(3)", "4x5x5"),
    ("nn.Conv1d(2, 6, 3, groups=2), nn.AdaptiveAvgPool1d(3), nn.Flatten(), nn.Linear(18, 4), nn.PReLU(4)", "2x11"),
    ("nn.ReflectionPad2d(1), nn.Conv2d(3, 4, 3), nn.InstanceNorm2d(4, affine=True), nn.InstanceNorm2d(4), "
     "nn.ReplicationPad2d((1, 0, 2, 1)), nn.PixelShuffle(2), nn.LogSoftmax(dim=1)", "3x9x9"),
]


@pytest.mark.parametrize(("layers", "shape"), KINDS)
@pytest.mark.parametrize("training", [False, True], ids=["eval", "train"])
def test_each_module_kind_counts_as_each_tool_counts(layers: str, shape: str, training: bool,
                                                     tmp_path: Any) -> None:
    torch = oracle("torch")
    code = f"import torch\nfrom torch import nn\n\nmodel = nn.Sequential({layers})\n"
    net = read_back(code, tmp_path, shape)
    model = run_code(code)["model"]
    x = torch.randn(1, *map(int, shape.split("x")))
    for tool in TOOLS:
        theirs = [tool_count(tool, m, i, training) for m, i, _ in leaf_calls(model, x)]
        assert [count for _, _, count in our_rows(net, tool, training)] == theirs, tool
        assert total(net, tool, training=training) == tool_count(tool, model, x, training), tool
    assert torchinfo(net, batch=3) == their_torchinfo(model, (3, *map(int, shape.split("x"))))


# ---- torchvision's networks ----

def pooling_mobilenet_v2(torch: Any) -> Any:
    """MobileNetV2 with its global pool and flatten as modules, nn.AdaptiveAvgPool2d((1, 1)) and nn.Flatten(), where
    torchvision's forward() (the port, tests/test_zoo.py) calls F.adaptive_avg_pool2d and torch.flatten."""
    port = mobilenet_v2(torch)
    return torch.nn.Sequential(*port[:-2], torch.nn.AdaptiveAvgPool2d((1, 1)), torch.nn.Flatten(), *port[-2:])


PORTS = [  # (example under --conventions torch, port)
    ("vgg16.cnn", lambda torch: vgg(torch.nn, VGG[16], False)),
    ("resnet18.cnn", lambda torch: torchvision_resnet(torch, "basic", [2, 2, 2, 2])),
    ("resnet50.cnn", lambda torch: torchvision_resnet(torch, "bottleneck", [3, 4, 6, 3])),
    ("mobilenet_v2.cnn", mobilenet_v2),  # F.adaptive_avg_pool2d and torch.flatten in forward(), as torchvision's
]


@pytest.mark.parametrize(("name", "port"), PORTS, ids=[z[0] for z in PORTS])
def test_torchvision_networks_count_as_each_tool_counts(name: str, port: Any) -> None:
    torch = oracle("torch")
    net = build((ZOO / "torchvision" / name).read_text(encoding="utf-8"))
    model = port(torch)
    x = torch.randn(1, 3, 224, 224)
    for tool in TOOLS:
        theirs, mine = their_rows(tool, model, x), our_rows(net, tool)
        if net.graph:  # cnncalc lists a graph's rows in Keras' order: compare them as a multiset
            assert Counter(mine) == Counter(theirs), tool
        else:
            assert mine == theirs, tool
        assert total(net, tool) == tool_count(tool, model, x) == TOOLS_PRINT[name][tool], tool
    from fvcore.nn import FlopCountAnalysis

    by_operator = FlopCountAnalysis(copy.deepcopy(model).eval(), (x,)).unsupported_ops_warnings(False) \
        .uncalled_modules_warnings(False).by_operator()
    # the integers tests/test_flop_rules.py holds cnncalc to without the tools: what they print today
    assert (by_operator["conv"], by_operator["linear"]) == (TOOLS_PRINT[name]["conv"], TOOLS_PRINT[name]["linear"])
    assert torchinfo(net) == their_torchinfo(model, (1, 3, 224, 224))
    stats = oracle("torchinfo").summary(model, input_size=(1, 3, 224, 224), verbose=0)
    footer = [line for line in str(stats).splitlines() if "(MB)" in line]
    assert footer == torchinfo(net).lines()[1:]  # the lines as torchinfo prints them


def test_mobilenet_v2s_functional_pool_is_where_the_tools_disagree_with_themselves() -> None:
    # The same network, its global pool and flatten modules (as ResNet has them: the spec's 'adaptiveavgpool1,
    # flatten') or F.adaptive_avg_pool2d and torch.flatten in forward() (torchvision's MobileNetV2: 'adaptiveavgpool1
    # fn, flatten fn'): thop drops the functional pool, ptflops counts it once instead of twice, fvcore once either
    # way (aten::adaptive_avg_pool2d); cnncalc counts each spelling as each tool counts its model.
    torch = oracle("torch")
    text = (ZOO / "torchvision" / "mobilenet_v2.cnn").read_text(encoding="utf-8").replace(
        "input 3x224x224", "input 3x64x64")
    functions = build(text)
    assert "adaptiveavgpool1 fn, flatten fn" in text
    modules = build(text.replace("adaptiveavgpool1 fn, flatten fn", "adaptiveavgpool1, flatten"))
    pool = next(layer for layer in functions.layers if layer.layer.torch_class.startswith("AdaptiveAvgPool"))
    assert pool.input_shape == (2, 2, 1280)
    x = torch.randn(1, 3, 64, 64)
    functional, pooling = mobilenet_v2(torch), pooling_mobilenet_v2(torch)
    for tool in TOOLS:
        assert total(functions, tool) == tool_count(tool, functional, x), tool
        assert total(modules, tool) == tool_count(tool, pooling, x), tool
    assert total(modules, "thop") - total(functions, "thop") == (2 * 2 + 1) * 1280  # thop's count_adap_avgpool
    assert total(modules, "ptflops") - total(functions, "ptflops") == 2 * 2 * 1280  # the module's hook
    assert total(modules, "fvcore") == total(functions, "fvcore")


def test_ptflops_per_module_table_does_not_add_up_to_its_total() -> None:
    # ptflops' printed table has each module's hook only; its total adds the F.* patches those modules call.
    torch = oracle("torch")
    from ptflops import get_model_complexity_info

    model = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2))
    out = io.StringIO()
    flops, _ = get_model_complexity_info(model, (3, 10, 10), as_strings=False, print_per_layer_stat=True, ost=out,
                                         flops_units="Mac", output_precision=0)
    net = build("input 3x10x10 nchw, conv8x3, relu, pool2", conventions="torch")
    conv, relu, pool = costs(net, "ptflops")
    assert flops == conv.flops + relu.flops + pool.flops == 16_384
    table = out.getvalue().splitlines()
    hooks = conv.flops + relu.flops // 2 + pool.flops // 2
    assert f"{hooks:.1f} Mac" in table[1]  # the model's own row: 15,360, not the 16,384 it returns
    assert f"{relu.flops // 2:.1f} Mac" in table[3] and f"{pool.flops // 2:.1f} Mac" in table[4]


def test_ptflops_without_functional_counting_is_its_readmes_resnet50() -> None:
    # ptflops' README quotes 4.12 GMac for ResNet-50: its module hooks alone, without the F.* patches.
    torch = oracle("torch")
    from ptflops import get_model_complexity_info

    model = torchvision_resnet(torch, "bottleneck", [3, 4, 6, 3])
    hooks, _ = get_model_complexity_info(model, (3, 224, 224), as_strings=False, print_per_layer_stat=False,
                                         backend_specific_config={"count_functional": False})
    assert hooks == 4_121_925_096  # the figure docs/costs.md quotes
    net = build((ZOO / "torchvision" / "resnet50.cnn").read_text(encoding="utf-8"))
    twice = sum(part.flops // 2 for row in costs(net, "ptflops") for part in row.parts
                if part.op.kind in ("activation", "max_pool", "adaptive_avg_pool"))
    assert total(net, "ptflops") - twice == hooks
