"""Model code written as torchvision's MobileNetV3, EfficientNet and ConvNeXt write it: functools.partial of layer
classes and of config classes, plain config objects whose __init__ sets their attributes (through static helpers),
dataclasses, copy.copy of a config, squeeze-and-excitation with Hardsigmoid, stochastic depth read as eval runs it,
and a layer scale kept as a module's own parameter. Each few lines give PyTorch's own count and output shape (the
oracle runs the same lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_pycode import TORCH, framework_result, refused, run

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
    # EfficientNet's configs: a @dataclass base whose __init__ dataclasses writes, a subclass whose __init__ calls
    # it through super(), static helpers read off the object, and copy.copy of a config changed per block
    (TORCH + "import copy\nimport math\nfrom dataclasses import dataclass\n" + DIVISIBLE +
     "@dataclass\nclass _Base:\n    expand_ratio: float\n    input_channels: int\n    out_channels: int\n"
     "    num_layers: int\n    stride: int = 1\n"
     "    @staticmethod\n    def adjust_channels(channels, width_mult, min_value=None):\n"
     "        return _make_divisible(channels * width_mult, 8, min_value)\n"
     "class Conf(_Base):\n    def __init__(self, e, i, o, n, width_mult=1.0, depth_mult=1.0):\n"
     "        i = self.adjust_channels(i, width_mult)\n        o = self.adjust_channels(o, width_mult)\n"
     "        n = int(math.ceil(n * depth_mult))\n        super().__init__(e, i, o, n)\n"
     "setting = [Conf(1, 16, 24, 2, 1.1, 1.2), Conf(6, 24, 40, 1, 1.1, 1.2)]\n"
     "layers = [nn.Conv2d(3, setting[0].input_channels, 1)]\n"
     "for cnf in setting:\n    for k in range(cnf.num_layers):\n        block = copy.copy(cnf)\n"
     "        if k:\n            block.input_channels = block.out_channels\n"
     "        hidden = block.adjust_channels(block.input_channels, block.expand_ratio)\n"
     "        layers += [nn.Conv2d(block.input_channels, hidden, 1), nn.Conv2d(hidden, block.out_channels, 1)]\n"
     "model = nn.Sequential(*layers)\n", (3, 4, 4)),
    # ConvNeXt's block: Permute modules and x.permute, a class built on nn.LayerNorm applying F.layer_norm with
    # its own weights, a layer scale kept as nn.Parameter, and stochastic depth read as model.eval() runs it
    (TORCH + "from functools import partial\n"
     "class LayerNorm2d(nn.LayerNorm):\n    def forward(self, x):\n        x = x.permute(0, 2, 3, 1)\n"
     "        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)\n"
     "        return x.permute(0, 3, 1, 2)\n"
     "class Permute(nn.Module):\n    def __init__(self, dims):\n        super().__init__()\n"
     "        self.dims = dims\n    def forward(self, x):\n        return torch.permute(x, self.dims)\n"
     "def stochastic_depth(input, p, mode, training=True):\n    if not training or p == 0.0:\n"
     "        return input\n    noise = torch.empty([input.shape[0], 1, 1, 1]).bernoulli_(1 - p)\n"
     "    return input * noise\n"
     "class StochasticDepth(nn.Module):\n    def __init__(self, p, mode):\n        super().__init__()\n"
     "        self.p = p\n        self.mode = mode\n"
     "    def forward(self, input):\n        return stochastic_depth(input, self.p, self.mode, self.training)\n"
     "class CNBlock(nn.Module):\n    def __init__(self, dim, layer_scale, p):\n        super().__init__()\n"
     "        norm_layer = partial(nn.LayerNorm, eps=1e-6)\n"
     "        self.block = nn.Sequential(nn.Conv2d(dim, dim, 7, padding=3, groups=dim), Permute([0, 2, 3, 1]),\n"
     "            norm_layer(dim), nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim),\n"
     "            Permute([0, 3, 1, 2]))\n"
     "        self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)\n"
     "        self.stochastic_depth = StochasticDepth(p, 'row')\n"
     "    def forward(self, input):\n        result = self.layer_scale * self.block(input)\n"
     "        result = self.stochastic_depth(result)\n        result += input\n        return result\n"
     "model = nn.Sequential(nn.Conv2d(3, 16, 4, stride=4), LayerNorm2d(16, eps=1e-6), CNBlock(16, 1e-6, 0.1),\n"
     "                      CNBlock(16, 1e-6, 0.2), LayerNorm2d(16), nn.Conv2d(16, 24, 2, stride=2))\n", (3, 32, 32)),
    # timm's layer scale on channels-last features: gamma of shape (C,) times x after a permute
    (TORCH + "class Block(nn.Module):\n    def __init__(self, dim):\n        super().__init__()\n"
     "        self.fc = nn.Linear(dim, dim)\n        self.gamma = nn.Parameter(1e-6 * torch.ones(dim))\n"
     "        self.unused = nn.Parameter(torch.zeros(3, dim))\n"
     "    def forward(self, x):\n        x = x.permute(0, 2, 3, 1)\n        x = x * 1 if False else self.fc(x)\n"
     "        x = x * self.gamma\n        return x.permute(0, 3, 1, 2)\n"
     "model = nn.Sequential(nn.Conv2d(3, 8, 1), Block(8))\n", (3, 5, 7)),
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


@pytest.mark.parametrize(("code", "where", "message"), [
    # the same weights used twice would be counted twice
    (TORCH + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.c = nn.Conv2d(3, 4, 1)\n        self.g = nn.Parameter(torch.ones(4, 1, 1))\n"
     "    def forward(self, x):\n        x = self.g * self.c(x)\n        return self.g * x\n"
     "model = Net()\n", "net.py:11:16", "a module's own weights used a second time"),
    # weights that are not one factor per channel: PyTorch broadcasts them over the map
    (TORCH + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.c = nn.Conv2d(3, 4, 1)\n        self.g = nn.Parameter(torch.ones(4, 8, 8))\n"
     "    def forward(self, x):\n        return self.g * self.c(x)\n"
     "model = Net()\n", "net.py:", "which is not one factor per channel"),
    (TORCH + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.c = nn.Conv2d(3, 4, 1)\n        self.g = nn.Parameter(torch.ones(4, 1, 1))\n"
     "    def forward(self, x):\n        return self.c(x) + self.g\n"
     "model = Net()\n", "net.py:10:16", "a module's own weights only as a layer scale"),
    (TORCH + "class Net(nn.Module):\n    def __init__(self, w):\n        super().__init__()\n"
     "        self.g = nn.Parameter(w)\n    def forward(self, x):\n        return self.g * x\n"
     "model = Net(torch.load('w.pt'))\n", "net.py:7:18", "nn.Parameter) made this way"),
    # frozen weights are not trainable: a change cnncalc does not follow
    (TORCH + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.c = nn.Conv2d(3, 4, 1)\n        self.g = nn.Parameter(torch.ones(4, 1, 1))\n"
     "        self.g.requires_grad = False\n    def forward(self, x):\n        return self.g * self.c(x)\n"
     "model = Net()\n", "net.py:9:9", "cannot follow a change to a built layer or model (.requires_grad"),
    (TORCH + "class LN(nn.LayerNorm):\n    def __init__(self, c):\n        super().__init__(c)\n"
     "        self.bias = None\nmodel = nn.Sequential(nn.Flatten(), LN(48))\n", "net.py:7:9",
     "cannot follow a change to a built layer or model (.bias"),
    # a permute that moves the batch
    (TORCH + "class Net(nn.Module):\n    def forward(self, x):\n        return x.permute(1, 0, 2, 3)\n"
     "model = Net()\n", "net.py:6:16", "keeps the batch first"),
    # a class built on nn.LayerNorm calling F.layer_norm with other weights
    (TORCH + "class LN(nn.LayerNorm):\n    def forward(self, x):\n"
     "        return F.layer_norm(x, self.normalized_shape, None, None, self.eps)\n"
     "model = nn.Sequential(nn.Flatten(), LN(48))\n", "net.py:6:16", "F.layer_norm(x, self.normalized_shape"),
    # field() makes a default cnncalc does not follow
    (TORCH + "from dataclasses import dataclass, field\n@dataclass\nclass C:\n"
     "    sizes: list = field(default_factory=list)\nmodel = nn.Sequential(nn.Linear(len(C().sizes) + 1, 2))\n",
     "net.py:7:19", "dataclasses' field()"),
])
def test_what_is_not_read_as_pytorch_runs_it_is_refused_at_its_line(tmp_path: Path, code: str, where: str,
                                                                    message: str) -> None:
    out = refused(tmp_path, code, ["--input", "3x4x4"])
    assert where in out and message in out, out


def test_torchvision_ops_stochastic_depth_is_a_droppath_row(tmp_path: Path) -> None:
    """from torchvision.ops import StochasticDepth: torchvision's class, the identity at inference, a row of its own
    with no parameters (torchvision is not needed: the count is the convolution's, 3·4 + 4 = 16 by hand)."""
    path = tmp_path / "net.py"
    path.write_text(TORCH + "from torchvision.ops import StochasticDepth\n"
                    "model = nn.Sequential(nn.Conv2d(3, 4, 1), StochasticDepth(0.25, 'row'))\n", encoding="utf-8")
    status, out = run("summary", str(path), "--input", "3x4x4", "--emit-spec")
    assert (status, out.strip()) == (0, "input 3x4x4 nchw, conv4x1x1, droppath0.25"), out
    status, out = run("summary", str(path), "--input", "3x4x4", "--format", "json")
    document = json.loads(out)
    assert (document["total_params"], document["layers"][-1]["torch_shape"]) == (16, [1, 4, 4, 4])
    path.write_text(TORCH + "from torchvision.ops import StochasticDepth\n"
                    "model = nn.Sequential(nn.Conv2d(3, 4, 1), StochasticDepth(1.5, 'row'))\n", encoding="utf-8")
    assert "StochasticDepth's p is 1.5" in refused(tmp_path, path.read_text(encoding="utf-8"), ["--input", "3x4x4"])
