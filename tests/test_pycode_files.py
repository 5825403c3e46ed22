"""Model code over several files, and classes built on others.

A model file may import its building blocks from files of its own folder tree (``from .unet_parts import *``,
``from model_parts import DoubleConv``, ``from ..ops.misc import Conv2dNormActivation``): cnncalc reads those with
``ast`` too, never importing them. Classes may subclass one another (``super().__init__()`` runs the base's
``__init__``) and PyTorch's containers (``class Block(nn.Sequential)``, ``class DenseBlock(nn.ModuleDict)``).
Each model here is written the way the real files write it; the expected numbers come from PyTorch building the
very same files (the oracle), or from hand arithmetic written in the test.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli import main

from .conftest import oracle


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "300"})
    return result.exit_code, result.output


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def summary(path: Path, model: str, shape: str) -> tuple[int, list[int]]:
    code, output = run("summary", str(path), "--model", model, "--input", shape, "--format", "json")
    assert code == 0, output
    got = json.loads(output)
    return got["total_params"], got["layers"][-1]["torch_shape"]


def torch_answer(folder: Path, module: str, build: str, shape: tuple[int, ...]) -> tuple[int, list[int]]:
    """What PyTorch itself says: the test's own files imported (from ``folder``), the model built and run once."""
    torch = oracle("torch")
    sys.path.insert(0, str(folder))
    before = set(sys.modules)
    try:
        namespace = vars(importlib.import_module(module))
        cls, _, rest = build.partition("(")
        args = [int(a) for a in rest.rstrip(")").split(",") if a.strip()] if rest else []
        model = namespace[cls](*args).eval()
        with torch.no_grad():
            out = model(torch.zeros(1, *shape))
        return sum(p.numel() for p in model.parameters()), list(out.shape)
    finally:
        sys.path.remove(str(folder))
        for name in set(sys.modules) - before:
            del sys.modules[name]


def agree(folder: Path, file: str, module: str, build: str, shape: tuple[int, ...]) -> int:
    got = summary(folder / file, build, "x".join(map(str, shape)))
    expected = torch_answer(folder, module, build, shape)
    assert got == expected
    return got[0]


# ---- one file: super() and the containers a class subclasses ---------------------------------------------

BASES = """\
import torch
import torch.nn as nn
from torch import Tensor


class Base(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.aux = nn.Linear(10, 10)


class Net(Base):
    def __init__(self):
        super(Net, self).__init__()
        self.head = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        return self.head(self.conv(x))


class ConvBNReLU(nn.Sequential):
    def __init__(self, cin, cout, stride=1):
        padding = 1
        layers = [nn.Conv2d(cin, cout, 3, stride, padding, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
        super().__init__(*layers)
        self.out_channels = cout


class Transition(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm = nn.BatchNorm2d(cin)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(cin, cout, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseLayer(nn.Module):
    def __init__(self, cin, growth):
        super().__init__()
        self.norm = nn.BatchNorm2d(cin)
        self.conv = nn.Conv2d(cin, growth, 3, padding=1, bias=False)

    def forward(self, input):
        if isinstance(input, Tensor):
            prev_features = [input]
        else:
            prev_features = input
        x = torch.cat(prev_features, 1)
        return self.conv(F.relu(self.norm(x)))


class DenseBlock(nn.ModuleDict):
    def __init__(self, layers, cin, growth):
        super().__init__()
        for i in range(layers):
            layer = DenseLayer(cin + i * growth, growth)
            self.add_module("denselayer%d" % (i + 1), layer)

    def forward(self, init_features):
        features = [init_features]
        for name, layer in self.items():
            new_features = layer(features)
            features.append(new_features)
        return torch.cat(features, 1)


class DenseNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = ConvBNReLU(3, 8, stride=2)
        self.block = DenseBlock(3, 8, 4)
        self.transition = Transition(20, 10)
        self.extra = DenseLayer(10, 10)
        self.classifier = nn.Linear(10, 5)

    def forward(self, x):
        x = self.extra(self.transition(self.block(self.stem(x))))
        x = F.adaptive_avg_pool2d(x, (1, 1))
        return self.classifier(torch.flatten(x, 1))


import torch.nn.functional as F
"""


def test_a_base_class_init_runs_through_super(tmp_path: Path) -> None:
    """Base's __init__ makes conv and an unused Linear: by hand 3*8*9+8 = 224, 8*4+4 = 36 and 10*10+10 = 110,
    which PyTorch counts though forward never applies it."""
    write(tmp_path, {"bases.py": BASES})
    assert summary(tmp_path / "bases.py", "Net", "3x16x16") == (224 + 36 + 110, [1, 4, 14, 14])
    agree(tmp_path, "bases.py", "bases", "Net", (3, 16, 16))


def test_subclasses_of_sequential_and_moduledict(tmp_path: Path) -> None:
    write(tmp_path, {"bases.py": BASES})
    assert agree(tmp_path, "bases.py", "bases", "DenseNet", (3, 16, 16)) > 0


def test_a_sequential_subclass_alone(tmp_path: Path) -> None:
    """ConvBNReLU(3, 6): 3*6*9 weights without bias, 2*6 BatchNorm parameters; stride 2 and padding 1 make
    16 -> 8."""
    write(tmp_path, {"bases.py": BASES})
    assert summary(tmp_path / "bases.py", "ConvBNReLU(3, 6, 2)", "3x16x16") == (162 + 12, [1, 6, 8, 8])


def test_a_change_through_super_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"net.py": "import torch\nimport torch.nn as nn\n\nclass Net(nn.Module):\n"
                               "    def __init__(self):\n        super().__init__()\n"
                               "        self.fc = nn.Linear(4, 2)\n"
                               "        super().register_buffer('scale', torch.ones(2))\n\n"
                               "    def forward(self, x):\n        return self.fc(x)\n"})
    code, output = run("summary", str(tmp_path / "net.py"), "--input", "4")
    assert code == 2, output
    assert "net.py:8:" in output
    assert "register_buffer" in output


# ---- several files ----------------------------------------------------------------------------------------

PARTS = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class DoubleConv(nn.Module):
    def __init__(self, in_channels, out_channels, mid_channels=None):
        super().__init__()
        if not mid_channels:
            mid_channels = out_channels
        self.double_conv = nn.Sequential(
            nn.Conv2d(in_channels, mid_channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(mid_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_channels, out_channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True)
        )

    def forward(self, x):
        return self.double_conv(x)


class Down(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.maxpool_conv = nn.Sequential(nn.MaxPool2d(2), DoubleConv(in_channels, out_channels))

    def forward(self, x):
        return self.maxpool_conv(x)
"""

STAR_MODEL = """\
from .parts import *


class Net(nn.Module):
    def __init__(self, n_channels, n_classes):
        super(Net, self).__init__()
        self.inc = DoubleConv(n_channels, 8)
        self.down1 = Down(8, 16)
        self.outc = nn.Conv2d(16, n_classes, kernel_size=1)

    def forward(self, x):
        return self.outc(self.down1(self.inc(x)))
"""


def test_a_star_import_of_a_sibling_in_a_package(tmp_path: Path) -> None:
    """The sibling's own imports (nn) come with its star, as Python binds them."""
    write(tmp_path, {"pkg/__init__.py": "", "pkg/parts.py": PARTS, "pkg/model.py": STAR_MODEL})
    agree(tmp_path, "pkg/model.py", "pkg.model", "Net(3, 2)", (3, 32, 32))


def test_an_absolute_import_of_a_file_next_to_the_model(tmp_path: Path) -> None:
    model = STAR_MODEL.replace("from .parts import *", "import torch.nn as nn\nfrom model_parts import DoubleConv, "
                               "Down")
    write(tmp_path, {"model_parts.py": PARTS, "model.py": model})
    agree(tmp_path, "model.py", "model", "Net(3, 2)", (3, 32, 32))


def test_a_module_imported_under_a_name(tmp_path: Path) -> None:
    model = STAR_MODEL.replace("from .parts import *", "import torch.nn as nn\nimport model_parts as mp") \
        .replace("DoubleConv(", "mp.DoubleConv(").replace("Down(", "mp.Down(")
    write(tmp_path, {"model_parts.py": PARTS, "model.py": model})
    agree(tmp_path, "model.py", "model", "Net(3, 2)", (3, 32, 32))


MISC = """\
from collections.abc import Callable

import torch
from torch import nn

from ..utils import _log_api_usage_once


class Conv2dNormActivation(torch.nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None,
                 norm_layer=torch.nn.BatchNorm2d, activation_layer=torch.nn.ReLU):
        if padding is None:
            padding = (kernel_size - 1) // 2
        layers = [torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding,
                                  bias=norm_layer is None)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(inplace=True))
        super().__init__(*layers)
        _log_api_usage_once(self)
        self.out_channels = out_channels
"""

UTILS = """\
def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v
"""

PACKAGE_MODEL = """\
import torch
from torch import nn

from ..ops.misc import Conv2dNormActivation
from ._utils import _make_divisible


class TinyNet(nn.Module):
    def __init__(self, width_mult=1.0):
        super().__init__()
        channels = _make_divisible(12 * width_mult, 8)
        self.features = nn.Sequential(Conv2dNormActivation(3, channels, stride=2),
                                      Conv2dNormActivation(channels, 32, kernel_size=1))
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.classifier = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(self.features(x))
        return self.classifier(torch.flatten(x, 1))
"""


def package(tmp_path: Path) -> None:
    write(tmp_path, {"vision/__init__.py": "", "vision/utils.py": "def _log_api_usage_once(obj):\n    pass\n",
                     "vision/ops/__init__.py": "", "vision/ops/misc.py": MISC,
                     "vision/models/__init__.py": "", "vision/models/_utils.py": UTILS,
                     "vision/models/tiny.py": PACKAGE_MODEL})


def test_package_relative_imports_as_torchvision_writes_them(tmp_path: Path) -> None:
    """_make_divisible(12, 8) is 16 by hand: int(12 + 4) // 8 * 8."""
    package(tmp_path)
    total = agree(tmp_path, "vision/models/tiny.py", "vision.models.tiny", "TinyNet", (3, 32, 32))
    # by hand: 3*16*9 + 2*16, 16*32 + 2*32, 32*10 + 10
    assert total == 432 + 32 + 512 + 64 + 330


def test_a_relative_import_whose_file_is_absent_is_unknown_until_used(tmp_path: Path) -> None:
    """vision/utils.py gone: _log_api_usage_once(self) is a call cnncalc cannot follow, but no layer needs it."""
    package(tmp_path)
    (tmp_path / "vision" / "utils.py").unlink()
    assert summary(tmp_path / "vision/models/tiny.py", "TinyNet", "3x32x32")[0] == 432 + 32 + 512 + 64 + 330
    (tmp_path / "vision" / "models" / "_utils.py").unlink()
    code, output = run("summary", str(tmp_path / "vision/models/tiny.py"), "--model", "TinyNet", "--input", "3x32x32")
    assert code == 2
    assert "._utils" in output


def test_an_error_in_a_sibling_names_its_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/parts.py": PARTS.replace("nn.MaxPool2d(2)", "nn.Unfold(2)"),
                     "pkg/model.py": STAR_MODEL})
    code, output = run("summary", str(tmp_path / "pkg/model.py"), "--model", "Net(3, 2)", "--input", "3x32x32")
    assert code == 2
    assert "parts.py:27:" in output
    assert "Unfold" in output


def test_a_name_the_sibling_does_not_define_is_refused_at_the_import(tmp_path: Path) -> None:
    write(tmp_path, {"parts.py": PARTS, "model.py": "from parts import DoubleConv, Up\n"})
    code, output = run("summary", str(tmp_path / "model.py"))
    assert code == 2
    assert "model.py:1:1" in output
    assert "defines no name 'Up'" in output


def test_a_star_import_of_an_absent_file_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/model.py": STAR_MODEL})
    code, output = run("summary", str(tmp_path / "pkg/model.py"), "--model", "Net(3, 2)", "--input", "3x32x32")
    assert code == 2
    assert "model.py:1:1" in output
    assert ".parts" in output


def test_files_that_import_each_other(tmp_path: Path) -> None:
    """a imports b, b imports a: each is read once; b sees a as far as it has run, as in Python."""
    write(tmp_path, {"a.py": "import torch.nn as nn\nfrom b import Block\nWIDTH = 4\n\nclass Net(nn.Module):\n"
                             "    def __init__(self):\n        super().__init__()\n        self.b = Block()\n\n"
                             "    def forward(self, x):\n        return self.b(x)\n",
                     "b.py": "import torch.nn as nn\nimport a\n\nclass Block(nn.Module):\n"
                             "    def __init__(self):\n        super().__init__()\n"
                             "        self.fc = nn.Linear(3, 4)\n\n    def forward(self, x):\n"
                             "        return self.fc(x)\n"})
    assert summary(tmp_path / "a.py", "Net", "3") == (3 * 4 + 4, [1, 4])
    write(tmp_path, {"b.py": "from a import WIDTH\n"})  # WIDTH is not bound yet when b runs: Python fails too
    code, output = run("summary", str(tmp_path / "a.py"), "--model", "Net", "--input", "3")
    assert code == 2
    assert "b.py:1:1" in output


def test_imports_outside_the_folder_tree_are_refused(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    write(deep, {"model.py": "from ...x import y\nfrom ....x import z\n"})
    write(tmp_path, {"x.py": "y = 1\nz = 2\n"})
    code, output = run("summary", str(deep / "model.py"))
    assert code == 2
    assert "model.py:2:1" in output
    assert "folders up" in output


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks here")
def test_a_link_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    write(outside, {"parts.py": PARTS})
    tree = tmp_path / "one" / "two" / "three" / "project"
    write(tree, {"model.py": STAR_MODEL.replace("from .parts import *", "from parts import *")})
    (tree / "parts.py").symlink_to(outside / "parts.py")
    code, output = run("summary", str(tree / "model.py"), "--model", "Net(3, 2)", "--input", "3x32x32")
    assert code == 2
    assert "outside the model file's folder tree" in output


def test_a_file_shadowing_a_framework_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"torch.py": "nn = None\n", "model.py": "import torch\n"})
    code, output = run("summary", str(tmp_path / "model.py"))
    assert code == 2
    assert "instead of the installed torch" in output


def test_the_number_of_files_is_bounded(tmp_path: Path) -> None:
    files = {f"m{i}.py": f"from m{i + 1} import *\n" for i in range(30)}
    write(tmp_path, {**files, "m30.py": "x = 1\n"})
    code, output = run("summary", str(tmp_path / "m0.py"))
    assert code == 2
    assert "more than 16 files" in output


DIAMOND = """\
import torch.nn as nn


class Config(object):
    def __init__(self, c):
        super().__init__()
        self.c = c


class Plain:
    def __init__(self, c):
        super(Plain, self).__init__()
        self.c = c


class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, Config(3).c + Plain(2).c)


class B(A):
    pass


class C(A):
    def __init__(self):
        super().__init__()
        self.c = nn.Linear(5, 2)


class D(B, C):
    def __init__(self):
        super().__init__()
        self.d = nn.Linear(2, 1)

    def forward(self, x):
        return self.d(self.c(self.a(x)))
"""


def test_super_follows_python_method_order(tmp_path: Path) -> None:
    """D(B, C): super() in D reaches C's __init__ (B has none), whose super() reaches A's, once. By hand:
    4*5+5 = 25, 5*2+2 = 12 and 2*1+1 = 3."""
    write(tmp_path, {"diamond.py": DIAMOND})
    assert summary(tmp_path / "diamond.py", "D", "4") == (25 + 12 + 3, [1, 1])
    agree(tmp_path, "diamond.py", "diamond", "D", (4,))


def test_an_unused_layer_of_a_sibling_is_counted_and_named_by_its_file(tmp_path: Path) -> None:
    """Base (in bases.py) makes a Linear(10, 10) at its line 10 that forward never applies: 110 parameters by
    hand, which PyTorch counts."""
    write(tmp_path, {"bases.py": BASES, "model.py": "from bases import Net\n"})
    assert BASES.splitlines()[9].strip() == "self.aux = nn.Linear(10, 10)"
    code, output = run("summary", str(tmp_path / "model.py"), "--model", "Net", "--input", "3x16x16")
    assert code == 0, output
    assert "370" in output
    assert "bases.py:10" in output


def test_what_a_base_init_sets_is_there_for_hasattr(tmp_path: Path) -> None:
    """Base.__init__, run by super().__init__(), sets the shortcut: hasattr is True and forward applies it. By
    hand: the shortcut 3*5+5 = 20, and c (3*3+3 = 12) is made but never applied, which PyTorch counts."""
    write(tmp_path, {"net.py": "import torch.nn as nn\n\nclass Base(nn.Module):\n    def __init__(self):\n"
                               "        super().__init__()\n        self.shortcut = nn.Conv2d(3, 5, 1)\n\n"
                               "class Child(Base):\n    def __init__(self):\n        super().__init__()\n"
                               "        self.c = nn.Conv2d(3, 3, 1)\n\n    def forward(self, x):\n"
                               "        return self.shortcut(x) if hasattr(self, 'shortcut') else self.c(x)\n"})
    assert summary(tmp_path / "net.py", "Child", "3x8x8") == (20 + 12, [1, 5, 8, 8])


def test_a_sibling_that_is_not_python_is_an_error_at_its_line(tmp_path: Path) -> None:
    write(tmp_path, {"parts.py": "import torch.nn as nn\n\ndef block(:\n", "model.py": "from parts import block\n"})
    code, output = run("summary", str(tmp_path / "model.py"))
    assert code == 2
    assert "parts.py:3:" in output
    assert "not valid Python" in output
