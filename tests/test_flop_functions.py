"""Rows written ``fn`` against the tools themselves: a function in ``forward()`` counts as fvcore, ptflops and thop
count that function, not as they count its module.

Each case is a small model whose ``forward()`` calls the function, as torchvision's do, next to the spec that writes
it ``fn``; then torchvision's own networks that call functions (MobileNetV2, DenseNet-121, MNASNet, GoogLeNet,
Inception v3), on small inputs, under thop and ptflops (whose counts the functions change; fvcore's tracing of a
whole network is slow, and tests/test_flops.py runs it on MobileNetV2): the ports of tests/test_zoo.py, and
torchvision's own files (tests/corpus/models) loaded by tests/corpus/truth_child.py in a process of their own, since
its stand-in ``torchvision`` package is not to stay in this one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from cnncalc.analysis.flops import costs
from cnncalc.graph.network import Network, build

from .conftest import ROOT, ZOO, oracle
from .test_codegen import run_code
from .test_flops import TOOLS, one_thread, tool_count  # noqa: F401 - one_thread: autouse here too
from .test_zoo import densenet, mobilenet_v2

pytestmark = pytest.mark.oracle


CODE = """import torch
from torch import nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        x = self.conv(x)
        return {call}


model = Net()
"""

#: (the spec's word, written 'fn' after a conv4x3, the call forward() makes on its output, the input's height and
#: width): each function the spec's words stand for, as --format pytorch writes it and cnncalc reads it
FUNCTIONS = [
    ("relu", "F.relu(x, inplace=True)", (7, 9)),
    ("relu6", "F.relu6(x)", (8, 8)),
    ("elu", "F.elu(x)", (5, 6)),
    ("gelu", "F.gelu(x)", (9, 5)),
    ("swish", "F.silu(x)", (6, 7)),
    ("softmax", "F.softmax(x, dim=1)", (5, 5)),
    ("leakyrelu0.1", "F.leaky_relu(x, 0.1)", (6, 9)),
    ("sigmoid", "torch.sigmoid(x)", (7, 7)),
    ("hardswish", "F.hardswish(x)", (5, 8)),
    ("lrn3", "F.local_response_norm(x, 3)", (6, 7)),  # ptflops: the F.avg_pool3d and Tensor.mul, .add inside
    ("maxpool3 s2", "F.max_pool2d(x, kernel_size=3, stride=2)", (11, 9)),
    ("avgpool3 s1 p1", "F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)", (8, 10)),
    ("avgpool2", "F.avg_pool2d(x, 2)", (8, 6)),
    ("adaptiveavgpool1", "F.adaptive_avg_pool2d(x, (1, 1))", (9, 7)),
    ("adaptiveavgpool2x3", "F.adaptive_avg_pool2d(x, (2, 3))", (8, 9)),
    ("adaptivemaxpool2", "F.adaptive_max_pool2d(x, 2)", (6, 6)),
    ("gap", "x.mean([2, 3])", (7, 10)),
    ("gap keepdims", "x.mean((2, 3), keepdim=True)", (6, 5)),
    ("gmp", "x.amax((2, 3))", (5, 7)),
    ("flatten", "torch.flatten(x, 1)", (5, 6)),
    ("up2", "F.interpolate(x, scale_factor=2)", (5, 7)),
    ("resize9x12 nearest", "F.interpolate(x, size=(9, 12))", (6, 6)),
    ("dropout0.5", "F.dropout(x, 0.5, self.training)", (6, 8)),
    ("zeropad1", "F.pad(x, (1, 1, 1, 1))", (5, 5)),
    ("rescaling0.2", "x * 0.2", (6, 7)),
    ("slice:2", "x[:, :2]", (7, 6)),
    ("shuffle2", "x.view(x.size(0), 2, 2, x.size(2), x.size(3)).transpose(1, 2).flatten(1, 2)", (6, 8)),
]


def total(net: Network, tool: str) -> int:
    return sum(row.flops for row in costs(net, tool))


@pytest.mark.parametrize(("word", "call", "size"), FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_each_function_counts_as_each_tool_counts(word: str, call: str, size: tuple[int, int]) -> None:
    torch = oracle("torch")
    height, width = size
    net = build(f"input 3x{height}x{width} nchw, conv4x3, {word} fn")
    model = run_code(CODE.format(call=call))["model"]
    x = torch.randn(1, 3, height, width)
    for tool in TOOLS:
        assert total(net, tool) == tool_count(tool, model, x), tool


#: forward() calls read from code, beyond the spec's own words: a window of the map's own size, as
#: squeeze-and-excitation blocks pool (F.avg_pool2d, which ptflops counts, not x.mean, which it does not)
READ_ONLY = [
    ("F.avg_pool2d(x, x.size(2))", (6, 6)),
    ("F.avg_pool2d(x, x.size(2))", (5, 9)),
    ("F.max_pool2d(x, x.shape[3])", (7, 7)),
    ("F.avg_pool2d(x, x.size()[2:])", (6, 9)),
]


@pytest.mark.parametrize(("call", "size"), [(call, size) for _, call, size in FUNCTIONS] + READ_ONLY,
                         ids=[f[1] for f in FUNCTIONS] + [f"{call} {size}" for call, size in READ_ONLY])
def test_each_function_read_from_code_counts_as_each_tool_counts(call: str, size: tuple[int, int]) -> None:
    from cnncalc.readers.code import build_model, read_model

    torch = oracle("torch")
    height, width = size
    code = CODE.format(call=call)
    shape = f"3x{height}x{width}"
    net = build_model(read_model(code, "net.py", input_shape=shape), shape)
    model = run_code(code)["model"]
    x = torch.randn(1, 3, height, width)
    for tool in TOOLS:
        assert total(net, tool) == tool_count(tool, model, x), tool


def test_a_modules_forward_calling_a_function_counts_as_each_tool_counts() -> None:
    # torchvision's ConvNeXt LayerNorm2d: a subclass of nn.LayerNorm whose forward() calls F.layer_norm between two
    # permutes; thop and ptflops look modules up by their exact class and count nothing, fvcore traces
    # aten::layer_norm
    torch = oracle("torch")
    code = CODE.replace("class Net", """class LayerNorm2d(nn.LayerNorm):
    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class Net""").replace("self.conv = nn.Conv2d(3, 4, 3)", "self.conv = nn.Conv2d(3, 4, 3)\n        self.norm = "
                      "LayerNorm2d(4, eps=1e-6)")
    model = run_code(code.format(call="self.norm(x)"))["model"]
    net = build("def LayerNorm2d() = (permute2x3x1 fn, layernorm fn, permute3x1x2 fn)\n"
                "input 3x7x6 nchw, conv4x3, LayerNorm2d()")
    x = torch.randn(1, 3, 7, 6)
    for tool in TOOLS:
        assert total(net, tool) == tool_count(tool, model, x), tool


def small(name: str, size: int) -> Network:
    """A torchvision spec of the zoo on a smaller input."""
    text = (ZOO / "torchvision" / f"{name}.cnn").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.startswith("input 3x")]
    assert len(lines) == 1, name
    return build(text.replace(lines[0], f"input 3x{size}x{size} nchw"))


#: (torchvision's network, the port of tests/test_zoo.py, the input's size)
PORTS = [("mobilenet_v2", mobilenet_v2, 64),  # F.adaptive_avg_pool2d, torch.flatten
         ("densenet121", lambda torch: densenet(torch, 32, (6, 12, 24, 16), 64), 32)]  # and F.relu


@pytest.mark.parametrize(("name", "port", "size"), PORTS, ids=[p[0] for p in PORTS])
def test_torchvision_ports_that_call_functions_count_as_each_tool_counts(name: str, port: Any, size: int) -> None:
    torch = oracle("torch")
    net, model, x = small(name, size), port(torch), torch.randn(1, 3, size, size)
    assert any(layer.functional for layer in net.layers)
    for tool in ("ptflops", "thop"):
        assert total(net, tool) == tool_count(tool, model, x), tool


#: loads torchvision's own files through tests/corpus/truth_child.py and prints each tool's count, as JSON
CHILD = """
import io, json, sys, tomllib
from pathlib import Path
sys.path.insert(0, "tests/corpus")
import torch, thop, truth_child
from ptflops import get_model_complexity_info

entries = {e["name"]: e for e in tomllib.loads(Path("tests/corpus/manifest.toml").read_text())["model"]}
counts = {}
for name, size in json.loads(sys.argv[1]).items():
    model, _ = truth_child.build(entries["torchvision__" + name])
    model.eval()
    x = torch.randn(1, 3, size, size)
    with torch.no_grad():
        ptflops, _ = get_model_complexity_info(model, (3, size, size), as_strings=False, print_per_layer_stat=False,
                                               input_constructor=lambda _: x, ost=io.StringIO())
        counts[name] = {"ptflops": int(ptflops), "thop": int(thop.profile(model, inputs=(x,), verbose=False)[0])}
print(json.dumps(counts))
"""

#: torchvision's files with no port here, and the input's size: x.mean([2, 3]) (MNASNet), BasicConv2d's F.relu
#: (GoogLeNet and Inception v3), F.max_pool2d and F.avg_pool2d (Inception v3's blocks)
FILES = {"mnasnet1_0": 64, "googlenet": 64, "inception_v3": 75}


#: what ptflops 0.7.5 and thop 0.1.1 counted on those files, torchvision 0.29.1's own code run by CHILD below with
#: torch 2.13.0 (the files are third-party and not committed: the test runs them again where they are present)
MEASURED = {"mnasnet1_0": {"ptflops": 28_517_352, "thop": 28_623_872},
            "googlenet": {"ptflops": 124_525_608, "thop": 124_315_392},
            "inception_v3": {"ptflops": 205_024_264, "thop": 205_079_392}}


def test_torchvision_files_that_call_functions_count_as_each_tool_counted() -> None:
    for name, size in FILES.items():
        net = small(name, size)
        assert {tool: total(net, tool) for tool in ("ptflops", "thop")} == MEASURED[name], name


@pytest.mark.skipif(not (ROOT / "tests" / "corpus" / "models" / "torchvision__mnasnet.py").is_file(),
                    reason="the corpus' model files are not here (tests/corpus/fetch_models.py)")
def test_torchvision_files_that_call_functions_count_as_each_tool_counts() -> None:
    oracle("torch")
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(FILES)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, check=False, env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert done.returncode == 0, done.stderr
    theirs = json.loads(done.stdout.splitlines()[-1])
    assert theirs == MEASURED
    for name, size in FILES.items():
        net = small(name, size)
        assert {tool: total(net, tool) for tool in ("ptflops", "thop")} == theirs[name], name
