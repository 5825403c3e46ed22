"""Model code written as torchvision's MobileNetV3, EfficientNet and ConvNeXt write it: functools.partial of layer
classes and of config classes, plain config objects whose __init__ sets their attributes (through static helpers),
dataclasses, copy.copy of a config, squeeze-and-excitation with Hardsigmoid, stochastic depth read as eval runs it,
and a layer scale kept as a module's own parameter. Each few lines give PyTorch's own count and output shape (the
oracle runs the same lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_pycode import TORCH, framework_result, run

#: torchvision's _make_divisible, as its models/_utils.py writes it
DIVISIBLE = ("def _make_divisible(v, divisor, min_value=None):\n    if min_value is None:\n"
             "        min_value = divisor\n    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)\n"
             "    if new_v < 0.9 * v:\n        new_v += divisor\n    return new_v\n")

#: a config class as MobileNetV3's InvertedResidualConfig writes it: attributes set through a static helper
CONFIG = ("class Config:\n    def __init__(self, inp, out, use_hs, width_mult):\n"
          "        self.input_channels = self.adjust_channels(inp, width_mult)\n"
          "        self.out_channels = self.adjust_channels(out, width_mult)\n"
          "        self.use_hs = use_hs == 'HS'\n"
          "    @staticmethod\n    def adjust_channels(channels, width_mult):\n"
          "        return _make_divisible(channels * width_mult, 8)\n")

#: (code, input shape): each read as PyTorch runs it.
FOLLOWED = [
    # partial(nn.BatchNorm2d, eps=0.001, momentum=0.01) called with the channels; a partial of a partial
    (TORCH + "from functools import partial\nnorm = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)\n"
     "conv = partial(partial(nn.Conv2d, 3), kernel_size=3, padding=1)\n"
     "model = nn.Sequential(conv(8, bias=False), norm(8), nn.Hardswish())\n", (3, 8, 8)),
    # import functools; functools.partial of a config class, and of its static helper read off the class
    (TORCH + "import functools\n" + DIVISIBLE + CONFIG +
     "conf = functools.partial(Config, width_mult=1.25)\n"
     "adjust = functools.partial(Config.adjust_channels, width_mult=1.25)\n"
     "setting = [conf(16, 24, 'RE'), conf(24, 40, 'HS')]\nlayers = [nn.Conv2d(3, setting[0].input_channels, 1)]\n"
     "for cnf in setting:\n    layers.append(nn.Conv2d(cnf.input_channels, cnf.out_channels, 3))\n"
     "    layers.append(nn.Hardswish() if cnf.use_hs else nn.ReLU())\n"
     "layers += [nn.Flatten(), nn.Linear(setting[-1].out_channels, adjust(10))]\n"
     "model = nn.Sequential(*layers)\n", (3, 5, 5)),
    # torchvision's SqueezeExcitation with scale_activation=nn.Hardsigmoid, given by a partial default argument
    (TORCH + "from functools import partial\n"
     "class SE(nn.Module):\n    def __init__(self, c, s, activation=nn.ReLU, scale_activation=nn.Sigmoid):\n"
     "        super().__init__()\n        self.avgpool = nn.AdaptiveAvgPool2d(1)\n"
     "        self.fc1 = nn.Conv2d(c, s, 1)\n        self.fc2 = nn.Conv2d(s, c, 1)\n"
     "        self.activation = activation()\n        self.scale_activation = scale_activation()\n"
     "    def forward(self, x):\n        scale = self.scale_activation(self.fc2(self.activation(self.fc1("
     "self.avgpool(x)))))\n        return scale * x\n"
     "class Block(nn.Module):\n"
     "    def __init__(self, c, se_layer=partial(SE, scale_activation=nn.Hardsigmoid)):\n"
     "        super().__init__()\n        self.conv = nn.Conv2d(c, c, 3, padding=1, groups=c)\n"
     "        self.se = se_layer(c, c // 4)\n"
     "    def forward(self, x):\n        return self.se(self.conv(x)) + x\n"
     "model = nn.Sequential(Block(16), Block(16))\n", (16, 8, 8)),
    # F.hardsigmoid on a tensor
    (TORCH + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.c = nn.Conv2d(3, 4, 3)\n    def forward(self, x):\n        return F.hardsigmoid(self.c(x))\n"
     "model = Net()\n", (3, 8, 8)),
]


@pytest.mark.oracle
@pytest.mark.parametrize(("code", "shape"), FOLLOWED)
def test_modern_torchvision_constructs_count_as_pytorch_counts(tmp_path: Path, code: str,
                                                               shape: tuple[int, ...]) -> None:
    theirs = framework_result(code, shape)
    assert not isinstance(theirs, str), theirs
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--input", "x".join(map(str, shape)), "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str(document["layers"][-1]["torch_shape"])) == theirs
