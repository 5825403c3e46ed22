"""The CIFAR ResNet's shortcut as akamaster's pytorch_resnet_cifar10 writes it: a LambdaLayer storing a lambda and
calling it in forward(), the lambda taking every other row and column (``x[:, :, ::2, ::2]``) and padding the
channels with zeros (``F.pad(x, (0, 0, 0, 0, a, b))``).  A lambda is read as a function of the file (its defining
scope closed over, its parameters bound at the call); the step as a max pool of 1 with a stride of 2 (the same values
and shape), the channel padding as the spec's ``chanpad``.  The counts are PyTorch's, the oracle running the same
lines, and hand arithmetic written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.graph.network import build
from cnncalc.numeric.twins import TWINS
from cnncalc.readers.code import read_model

from .test_pycode import TORCH, framework_result, refused, run

#: akamaster's LambdaLayer and BasicBlock (option A shortcut), line for line, in a network of one block
CIFAR = TORCH + (
    "class LambdaLayer(nn.Module):\n"
    "    def __init__(self, lambd):\n"
    "        super(LambdaLayer, self).__init__()\n"
    "        self.lambd = lambd\n"
    "\n"
    "    def forward(self, x):\n"
    "        return self.lambd(x)\n"
    "\n"
    "\n"
    "class BasicBlock(nn.Module):\n"
    "    expansion = 1\n"
    "\n"
    "    def __init__(self, in_planes, planes, stride=1):\n"
    "        super(BasicBlock, self).__init__()\n"
    "        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)\n"
    "        self.bn1 = nn.BatchNorm2d(planes)\n"
    "        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)\n"
    "        self.bn2 = nn.BatchNorm2d(planes)\n"
    "        self.shortcut = nn.Sequential()\n"
    "        if stride != 1 or in_planes != planes:\n"
    "            self.shortcut = LambdaLayer(lambda x:\n"
    "                                        F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes//4, planes//4), "
    "\"constant\", 0))\n"
    "\n"
    "    def forward(self, x):\n"
    "        out = F.relu(self.bn1(self.conv1(x)))\n"
    "        out = self.bn2(self.conv2(out))\n"
    "        out += self.shortcut(x)\n"
    "        out = F.relu(out)\n"
    "        return out\n"
    "\n"
    "\n"
    "class Net(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.conv1 = nn.Conv2d(3, 16, 3, padding=1, bias=False)\n"
    "        self.layer = BasicBlock(16, 32, 2)\n"
    "        self.fc = nn.Linear(32, 10)\n"
    "\n"
    "    def forward(self, x):\n"
    "        x = self.layer(F.relu(self.conv1(x)))\n"
    "        x = F.avg_pool2d(x, x.size()[3])\n"
    "        x = x.view(x.size(0), -1)\n"
    "        return self.fc(x)\n"
    "\n"
    "\n"
    "model = Net()\n")
#: the line of the lambda's body, where a refusal of the step or the padding is named
BODY = 25


def _summary(tmp_path: Path, code: str, given: str) -> dict[str, Any]:
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--input", given, "--format", "json")
    assert status == 0, out
    return json.loads(out)


def test_the_cifar_shortcut_reads_to_hand_arithmetic(tmp_path: Path) -> None:
    # 3·16·9 = 432; the block's convs 16·32·9 = 4608 and 32·32·9 = 9216 (no bias), two batch norms of 2·32 = 64;
    # the head 32·10 + 10 = 330
    assert 432 + 4608 + 64 + 9216 + 64 + 330 == 14714
    document = _summary(tmp_path, CIFAR, "3x32x32")
    assert document["total_params"] == 14714
    shapes = {layer["type"]: layer["torch_shape"] for layer in document["layers"]}
    # 32×32 → every other row and column: 16×16 of 16 channels; 8 zero channels before and 8 after: 32
    assert shapes["MaxPool2d"] == [1, 16, 16, 16]
    assert shapes["ChannelPad"] == [1, 32, 16, 16]
    assert document["layers"][-1]["torch_shape"] == [1, 10]
    spec = read_model(CIFAR, "net.py", input_shape="3x32x32").spec
    assert "pool1 s2 fn" in spec and "chanpad8 fn" in spec, spec


@pytest.mark.oracle
def test_the_cifar_shortcut_counts_as_pytorch_counts(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    assert framework_result(CIFAR, (3, 32, 32)) == (14714, "[1, 10]")
    namespace: dict[str, Any] = {}
    exec(compile(CIFAR, "net.py", "exec"), namespace)  # the test's own lines, not a user's
    model = namespace["model"].eval()
    seen: dict[str, list[int]] = {}
    for name, module in model.named_modules():
        if name:
            module.register_forward_hook(lambda m, i, o, name=name: seen.__setitem__(name, list(o.shape)))
    model(torch.zeros(1, 3, 32, 32))
    document = _summary(tmp_path, CIFAR, "3x32x32")
    ours = [layer["torch_shape"] for layer in document["layers"]]
    for name in ("conv1", "layer.conv1", "layer.bn1", "layer.conv2", "layer.bn2", "layer.shortcut", "fc"):
        assert seen[name] in ours, (name, seen[name], ours)
    assert seen["layer.shortcut"] == [1, 32, 16, 16]


@pytest.mark.oracle
def test_the_step_and_the_padding_move_values_as_pytorch_does() -> None:
    torch = pytest.importorskip("torch")
    x = torch.arange(2 * 5 * 7 * 6, dtype=torch.float32).reshape(2, 5, 7, 6)
    expected = torch.nn.functional.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, 1, 3))
    net = build("input 5x7x6 nchw, pool1 s2 fn, chanpad1x3 fn", conventions="torch")
    assert net.shown_shape(net.layers[-1].output_shape, net.layers[-1].tokens) == tuple(expected.shape[1:])
    values = x.permute(0, 2, 3, 1).numpy()  # the twins hold channels last
    for layer in net.layers:
        values = TWINS[type(layer.layer)](layer.layer, layer.input_shape, None)(values)
    assert np.array_equal(values, expected.permute(0, 2, 3, 1).numpy())
    assert sum(layer.params.total for layer in net.layers) == 0


@pytest.mark.oracle
def test_chanpad_written_as_pytorch_runs_to_the_same_shape_and_pairs_with_its_torchinfo_paste(
        tmp_path: Path) -> None:
    torch, torchinfo = pytest.importorskip("torch"), pytest.importorskip("torchinfo")
    from cnncalc.views.codegen import pytorch_code

    from .test_codegen import run_code

    text = "input 8x8x16, conv16x3 same, chanpad8, chanpad1x3 fn, conv4x1"
    code = pytorch_code(build(text))
    assert "F.pad(x, (0, 0, 0, 0, 8, 8))" in code and "F.pad(x, (0, 0, 0, 0, 1, 3))" in code
    model = run_code(code)["model"]
    # 16 + 8 + 8 = 32, + 1 + 3 = 36 channels into the last conv: 36·4 + 4 = 148; the first 16·16·9 + 16 = 2320
    assert model(torch.zeros(1, 16, 8, 8)).shape == (1, 4, 8, 8)
    assert sum(p.numel() for p in model.parameters()) == 2320 + 148
    paste = tmp_path / "paste.txt"
    paste.write_text(str(torchinfo.summary(model, input_size=(1, 16, 8, 8), verbose=0, depth=10)), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", text, "--summary", str(paste)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "✗" not in result.output, result.output


def test_chanpad_as_keras_is_refused_by_name() -> None:
    status, out = run("summary", "input 8x8x16, chanpad8", "--format", "keras")
    assert status != 0
    assert "Keras has no layer that pads the channels" in out and "Traceback" not in out, out


def test_chanpad_spelling() -> None:
    # chanpadA pads A on both sides; chanpadAxB pads A before and B after; zero is allowed, a number is needed
    assert build("input 4x4x3, chanpad2").layers[-1].output_shape == (4, 4, 7)
    assert build("input 4x4x3, chanpad0x5").layers[-1].output_shape == (4, 4, 8)
    status, out = run("summary", "input 4x4x3, chanpad")
    assert status == 2 and "'chanpad' needs a number, or two" in out, out


@pytest.mark.parametrize(("body", "message"), [
    ("F.pad(x[:, :, ::3, ::3], (0, 0, 0, 0, 8, 8))", "cnncalc follows a part of a tensor only as a slice"),
    ("F.pad(x[:, :, 1::2, 1::2], (0, 0, 0, 0, 8, 8))", "cnncalc follows a part of a tensor only as a slice"),
    ("F.pad(x[:, :, ::2, :], (0, 0, 0, 0, 8, 8))", "cnncalc follows a part of a tensor only as a slice"),
    ("F.pad(x[:, :, :8:2, ::2], (0, 0, 0, 0, 8, 8))", "cnncalc follows a part of a tensor only as a slice"),
    ("F.pad(x[:, :, ::2, ::2], (0, 0, 1, 0, 8, 8))", "F.pad of 6 amounts that pad the channels"),
    ("F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, -8, 8))", "F.pad of 6 amounts that pad the channels"),
])
def test_other_steps_and_paddings_are_refused_at_their_line(tmp_path: Path, body: str, message: str) -> None:
    code = CIFAR.replace("F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes//4, planes//4), \"constant\", 0)", body)
    assert code != CIFAR
    out = refused(tmp_path, code, ["--input", "3x32x32"])
    assert f"net.py:{BODY}:" in out and message in out, out


def test_a_lambda_closes_over_its_scope_and_binds_its_parameters(tmp_path: Path) -> None:
    # g(2, 3, 9, k=4, z=1) = 2·3 + 4 + 1 (one extra positional) + 1 (one extra keyword) = 12 filters;
    # widen(8) = 8 · 2 = 16 with the factor read from the scope the lambda was written in
    code = TORCH + (
        "g = lambda a, b=2, *r, k=1, **kw: a * b + k + len(r) + len(kw)\n"
        "def make(factor):\n    return lambda c: c * factor\n"
        "widen = make(2)\n"
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.c = nn.Conv2d(3, g(2, 3, 9, k=4, z=1), 3)\n        self.d = nn.Conv2d(12, widen(8), 1)\n"
        "    def forward(self, x):\n        return self.d(self.c(x))\n"
        "model = Net()\n")
    document = _summary(tmp_path, code, "3x8x8")
    assert document["total_params"] == (3 * 12 * 9 + 12) + (12 * 16 + 16)
    assert document["layers"][-1]["torch_shape"] == [1, 16, 6, 6]


def test_a_lambda_calling_itself_is_bounded(tmp_path: Path) -> None:
    code = TORCH + ("f = lambda n: f(n)\n"
                    "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                    "        self.c = nn.Conv2d(3, 4, f(3))\n"
                    "    def forward(self, x):\n        return self.c(x)\nmodel = Net()\n")
    out = refused(tmp_path, code, ["--input", "3x8x8"])
    assert "net.py:4:" in out and "cnncalc does not follow recursion" in out, out
