"""A plain attribute set on a built PyTorch layer, as torchvision's Inception marks the layers its weight
initialisation treats apart (``self.fc.stddev = 0.001``, then ``hasattr(m, "stddev")`` in a loop over
``self.modules()``): kept, since it changes no shape nor count; an attribute a layer reads (``conv.stride = 2``) is
refused where it is set. PyTorch's own count is the expected value (the oracle runs the same code)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_pycode import TORCH, framework_result, refused, run

MARKED = TORCH + """

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.conv.stddev = 0.01
        self.fc = nn.Linear(4, 10)
        {setting}
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                stddev = float(m.stddev) if hasattr(m, "stddev") else 0.1
                torch.nn.init.trunc_normal_(m.weight, mean=0.0, std=stddev, a=-2, b=2)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.conv(x), 1)
        return self.fc(torch.flatten(x, 1))


model = Net()
"""


@pytest.mark.oracle
@pytest.mark.parametrize("setting", ["self.fc.stddev = 0.001", "self.fc.label = 'head'", "self.fc.frozen = None"])
def test_a_plain_attribute_on_a_layer_changes_nothing(tmp_path: Path, setting: str) -> None:
    code = MARKED.format(setting=setting)
    theirs = framework_result(code, (3, 8, 8))
    assert theirs == (3 * 9 * 4 + 4 + 4 * 10 + 10, "[1, 10]")  # by hand
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--input", "3x8x8", "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str(document["layers"][-1]["torch_shape"])) == theirs


@pytest.mark.parametrize(("setting", "message"), [
    ("self.conv.stride = 2", "(.stride = …)"),  # the layer reads it: its output would change
    ("self.fc.bias = None", "(.bias = …)"),
    ("self.fc.momentum = 0.5", "(.momentum = …)"),
    ("self.fc._hidden = 1", "(._hidden = …)"),
    ("self.fc.extra = nn.ReLU()", "(.extra = …)"),  # a module: a layer registered on the layer
])
def test_an_attribute_a_layer_reads_is_refused_where_it_is_set(tmp_path: Path, setting: str, message: str) -> None:
    out = refused(tmp_path, MARKED.format(setting=setting), ["--input", "3x8x8"])
    assert "net.py:12:9" in out and f"cannot follow a change to a built layer or model {message}" in out, out


def test_a_keras_layers_attribute_is_refused(tmp_path: Path) -> None:
    code = ("import keras\nfrom keras import layers\nd = layers.Dense(2)\nd.trainable = False\n"
            "model = keras.Sequential([keras.Input((4,)), d])\n")
    out = refused(tmp_path, code)
    assert "net.py:4:1" in out and "(.trainable = …)" in out, out
