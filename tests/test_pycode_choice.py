"""Which model a file means, and how it is built: the class found even when its own body names it, factories and
assigned instances (``Net().to(device)``) as candidates, ``--model`` as a call with literal arguments (never
evaluated), the model read as ``model.eval()`` runs it, and a script's argparse defaults. Each count is hand
arithmetic written here, or PyTorch's own (the oracle tests build the same few lines with torch)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli import main

TORCH = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"


def run(tmp_path: Path, code: str, *args: str) -> tuple[int, str]:
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    result = CliRunner().invoke(main, ["summary", str(path), *args], env={"COLUMNS": "200"})
    assert "Traceback" not in result.output and "Internal error" not in result.output, result.output
    return result.exit_code, result.output


def totals(tmp_path: Path, code: str, *args: str) -> dict:
    status, out = run(tmp_path, code, *args, "--format", "json")
    assert status == 0, out
    return json.loads(out)


LENET = TORCH + """

class LeNet(nn.Module):
    def __init__(self):
        super(LeNet, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.fc1 = nn.Linear(6 * 12 * 12, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = x.view(x.size(0), -1)
        return self.fc1(x)
"""
#: conv1: 6·(1·5·5) + 6 = 156; fc1: 864·10 + 10 = 8,650
LENET_PARAMS = 156 + 8_650


def test_a_class_that_names_itself_in_super_is_the_files_model(tmp_path: Path) -> None:
    assert totals(tmp_path, LENET, "--input", "1x28x28")["total_params"] == LENET_PARAMS


DEVICE = TORCH + """
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')


class Net(nn.Module):
    def __init__(self, classes=10):
        super(Net, self).__init__()
        self.fc = nn.Linear(4, classes)

    def forward(self, x):
        return self.fc(x)


class Other(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(x)


model = Net().to(device)
model.eval()
"""


def test_the_one_instance_assigned_is_the_model_and_to_device_gives_it_back(tmp_path: Path) -> None:
    """Two classes, one instance: the instance (Linear(4, 10): 4·10 + 10 = 50), whatever else the file defines."""
    document = totals(tmp_path, DEVICE, "--input", "4")
    assert document["total_params"] == 50
    assert "read model, the one model the file assigns; it also defines Other" in document["notes"][0], document
    assert totals(tmp_path, DEVICE, "--input", "4", "--model", "Other")["total_params"] == 4 * 3 + 3
    assert totals(tmp_path, DEVICE, "--input", "4", "--model", "Net(classes=2)")["total_params"] == 4 * 2 + 2


FAMILY = TORCH + """

class Block(nn.Module):
    def __init__(self, n):
        super(Block, self).__init__()
        self.fc = nn.Linear(n, n)

    def forward(self, x):
        return self.fc(x)


class Net(nn.Module):
    def __init__(self, block, depth, num_classes=10):
        super(Net, self).__init__()
        self.layers = nn.Sequential(*[block(8) for _ in range(depth)])
        self.fc = nn.Linear(8, num_classes)

    def forward(self, x):
        return self.fc(self.layers(x))


def net2(num_classes=10):
    return Net(Block, 2, num_classes)


def net3(**kwargs):
    return Net(Block, 3, **kwargs)


def test():
    net = net2()
    print(net)
"""


def test_a_family_of_factories_reads_the_first_says_so_and_lists_how_the_others_are_built(tmp_path: Path) -> None:
    block = 8 * 8 + 8
    status, out = run(tmp_path, FAMILY, "--input", "8")
    assert status == 0, out
    assert "read net2, the first of the file's 2 models that build without arguments" in " ".join(out.split()), out
    assert "net3 (factory, built as net3())" in " ".join(out.split()), out
    assert totals(tmp_path, FAMILY, "--input", "8")["total_params"] == 2 * block + 8 * 10 + 10
    assert totals(tmp_path, FAMILY, "--input", "8", "--model", "net2")["total_params"] == 2 * block + 8 * 10 + 10
    assert totals(tmp_path, FAMILY, "--input", "8", "--model", "net3(num_classes=5)")["total_params"] == \
        3 * block + 8 * 5 + 5
    status, out = run(tmp_path, FAMILY, "--input", "8", "--model", "Net(Block, 2)")
    assert status == 2 and "Block is not a literal" in out, out


CFG = TORCH + """
cfg = {'A': [8, 'M', 16], 'B': [8, 8, 'M']}


class VGG(nn.Module):
    def __init__(self, vgg_name, num_classes=10):
        super(VGG, self).__init__()
        layers = []
        in_channels = 3
        for x in cfg[vgg_name]:
            if x == 'M':
                layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
            else:
                layers += [nn.Conv2d(in_channels, x, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
                in_channels = x
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(in_channels, num_classes)

    def forward(self, x):
        out = self.features(x)
        out = F.adaptive_avg_pool2d(out, 1)
        out = out.view(out.size(0), -1)
        return self.classifier(out)
"""


KERAS_APPLICATION = """
from keras.src import layers
from keras.src.api_export import keras_export
from keras.src.models import Functional


def Tiny(filters, name):
    inputs = layers.Input(shape=(8, 8, 3))
    x = layers.Conv2D(filters, 3)(inputs)
    x = layers.GlobalAveragePooling2D()(x)
    return Functional(inputs, x, name=name)


@keras_export(["keras.applications.TinyA"])
def TinyA(include_top=True, weights="imagenet"):
    return Tiny(4, "tiny_a")


@keras_export(["keras.applications.TinyB"])
def TinyB(include_top=True, weights="imagenet"):
    return Tiny(8, "tiny_b")


DOC = "A tiny network."
setattr(TinyA, "__doc__", TinyA.__doc__ or "" + DOC)
TinyB.__doc__ = DOC

if __name__ == "__main__":
    model = TinyA()
    model.summary()
"""


def test_keras_applications_builders_are_a_family_their_documentation_and_main_block_aside(tmp_path: Path) -> None:
    """Builders that return Functional(…), documented with setattr(…, "__doc__", …) and used only in a
    ``__main__`` block, as keras.applications writes them: TinyA, the first, is read (conv 3→4: 4·27 + 4 = 112)."""
    status, out = run(tmp_path, KERAS_APPLICATION, "--format", "json")
    assert status == 0, out
    assert json.loads(out)["total_params"] == 4 * 27 + 4
    status, out = run(tmp_path, KERAS_APPLICATION)
    assert "read TinyA, the first of the file's 2 models" in " ".join(out.split()), out


def test_model_takes_a_call_with_literal_arguments(tmp_path: Path) -> None:
    """'A': conv 3→8 (8·27 + 8 = 224), conv 8→16 (16·72 + 16 = 1,168), Linear(16, 10) = 170;
    'B' with 4 classes: 224, conv 8→8 (8·72 + 8 = 584), Linear(8, 4) = 36."""
    assert totals(tmp_path, CFG, "--input", "3x8x8", "--model", "VGG('A')")["total_params"] == 224 + 1_168 + 170
    assert totals(tmp_path, CFG, "--input", "3x8x8", "--model", 'VGG("B", num_classes=4)')["total_params"] == \
        224 + 584 + 36


@pytest.mark.parametrize(("model", "message"), [
    ("VGG", 'VGG needs the argument vgg_name'),
    ("VGG(x)", "x is not a literal"),
    ("VGG('A' + 'B')", "is not a literal"),
    ("VGG(len('A'))", "is not a literal"),
    ("__import__('os').system('echo hi')", "not a name or a call of one"),
    ("VGG(**{'vgg_name': 'A'})", "**arguments are not literals"),
    ("VGG('A', 10, 3)", "VGG takes 2 positional arguments, not 3"),
    ("VGG('A', classes=3)", "VGG has no argument classes"),
    ("VGG('A', vgg_name='A')", "VGG's argument vgg_name is given twice"),
    ("Missing(1)", "--model Missing(1): the file defines no such model"),
    ("VGG(", "not a name or a call"),
    ("VGG(b'A')", "is not a number, a string, True, False or None"),
])
def test_a_model_argument_that_is_not_a_call_with_literals_is_refused(tmp_path: Path, model: str,
                                                                      message: str) -> None:
    status, out = run(tmp_path, CFG, "--input", "3x8x8", "--model", model)
    assert status == 2 and message in out, out


def test_an_assigned_model_is_named_alone_and_a_class_that_needs_arguments_says_how(tmp_path: Path) -> None:
    status, out = run(tmp_path, DEVICE, "--input", "4", "--model", "model(3)")
    assert status == 2 and "give its name alone: --model model" in out, out
    status, out = run(tmp_path, CFG, "--input", "3x8x8")
    assert status == 2 and "VGG(vgg_name) needs arguments to be built" in out, out
    assert '--model "VGG(vgg_name=…)"' in out and "add a line" not in out, out


def test_a_base_class_from_a_star_import_is_refused_at_the_base(tmp_path: Path) -> None:
    # unet_parts is no file of the model's folder: a module installed elsewhere, which cnncalc does not read
    code = "from unet_parts import *\n\n\nclass UNet(nn.Module):\n    def __init__(self, n):\n        pass\n"
    status, out = run(tmp_path, code, "--input", "3x8x8", "--model", "UNet(3)")
    assert status == 2 and "net.py:4:12" in out and "from unet_parts import *" in out, out


def test_a_star_import_of_a_package_file_that_is_absent_is_refused_at_the_import(tmp_path: Path) -> None:
    code = "from .unet_parts import *\n\n\nclass UNet(nn.Module):\n    def __init__(self, n):\n        pass\n"
    status, out = run(tmp_path, code, "--input", "3x8x8", "--model", "UNet(3)")
    assert status == 2 and "net.py:1:1" in out and "the module .unet_parts" in out, out


# ---- the model as model.eval() runs it ----------------------------------------------------------------------

AUX = TORCH + """

class Aux(nn.Module):
    def __init__(self, channels, classes):
        super().__init__()
        self.conv = nn.Conv2d(channels, 4, kernel_size=1, bias=False)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4, classes)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.bn(self.conv(x)), 1)
        return self.fc(torch.flatten(x, 1))


class Net(nn.Module):
    def __init__(self, classes=10, aux_logits=True):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        if aux_logits:
            self.aux1 = Aux(8, classes)
        else:
            self.aux1 = None
        self.fc = nn.Linear(8, classes)

    def forward(self, x):
        x = self.conv(x)
        aux1 = None
        if self.aux1 is not None:
            if self.training:
                aux1 = self.aux1(x)
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        x = self.fc(x)
        if self.training and self.aux1 is not None:
            return x, aux1
        return x
"""
#: the eval path: conv 3→8 3×3 (8·27 + 8 = 224) and Linear(8, 10) (90); the auxiliary head, used only in
#: training: conv 8→4 1×1 without bias (32), BatchNorm2d(4) (8 params, 9 buffers), Linear(4, 10) (50)
EVAL_PATH, AUX_HEAD = 224 + 90, 32 + 8 + 50


def test_a_training_branch_is_read_as_eval_runs_it_and_its_unused_layers_still_count(tmp_path: Path) -> None:
    document = totals(tmp_path, AUX, "--input", "3x8x8")
    assert document["total_params"] == EVAL_PATH + AUX_HEAD and document["buffers"] == 9
    assert len(document["layers"]) == 4, document["layers"]  # conv, pool, flatten, fc: the head has no rows
    notes = " ".join(document["notes"])
    assert "self.training is False" in notes and f"the eval path holds {EVAL_PATH:,} parameters" in notes, notes
    assert totals(tmp_path, AUX, "--input", "3x8x8", "--model", "Net(aux_logits=False)")["total_params"] == \
        EVAL_PATH


def test_the_totals_are_pytorchs_own() -> None:
    torch = pytest.importorskip("torch")
    nn, functional = torch.nn, torch.nn.functional

    class Aux(nn.Module):
        def __init__(self, channels: int, classes: int) -> None:
            super().__init__()
            self.conv = nn.Conv2d(channels, 4, kernel_size=1, bias=False)
            self.bn = nn.BatchNorm2d(4)
            self.fc = nn.Linear(4, classes)

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3)
            self.aux1 = Aux(8, 10)
            self.fc = nn.Linear(8, 10)

        def forward(self, x):
            return self.fc(torch.flatten(functional.adaptive_avg_pool2d(self.conv(x), 1), 1))

    net = Net().eval()
    assert sum(p.numel() for p in net.parameters()) == EVAL_PATH + AUX_HEAD
    assert sum(b.numel() for b in net.buffers()) == 9
    assert net(torch.zeros(1, 3, 8, 8)).shape == (1, 10)


def test_a_layer_forward_never_applies_counts_too(tmp_path: Path) -> None:
    code = TORCH + """

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.spare = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)


model = Net()
"""
    document = totals(tmp_path, code, "--input", "4")
    assert document["total_params"] == (4 * 3 + 3) + (4 * 2 + 2), document
    assert any("does not use for its output" in note for note in document["notes"]), document["notes"]


def test_a_value_set_in_a_run_time_branch_is_not_its_value_before(tmp_path: Path) -> None:
    code = TORCH + "nc = 3\nif torch.cuda.is_available():\n    nc = 1\n\n\n" + \
        "model = nn.Sequential(nn.Conv2d(nc, 4, 3))\n"
    status, out = run(tmp_path, code, "--input", "3x8x8")
    assert status == 2 and "net.py:9:" in out and "the name 'nc', set at line 6" in out, out


def test_weights_checked_at_run_time_are_not_taken_as_given(tmp_path: Path) -> None:
    """torchvision's factories: weights = W.verify(weights), then a branch on 'weights is not None' that changes
    the model. Only the run knows what verify gives, so the branch is refused, never taken."""
    code = TORCH + """from ._api import Weights


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.aux = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)


def net(weights=None):
    weights = Weights.verify(weights)
    model = Net()
    if weights is not None:
        model.aux = None
    return model
"""
    status, out = run(tmp_path, code, "--input", "4", "--model", "net")
    assert status == 2 and "net.py:21:" in out and "may change the model" in out, out


# ---- a script's command-line arguments ---------------------------------------------------------------------

DCGAN = TORCH + """import argparse

parser = argparse.ArgumentParser()
parser.add_argument('--dataset', required=True, help='cifar10 | lsun | mnist')
parser.add_argument('--nz', type=int, default=100, help='size of the latent z vector')
parser.add_argument('--ngf', type=int, default='64')
parser.add_argument('--manualSeed', type=int, help='manual seed')
opt = parser.parse_args()
if opt.manualSeed is None:
    opt.manualSeed = 7
nz = int(opt.nz)
ngf = int(opt.ngf)


class Generator(nn.Module):
    def __init__(self, ngpu):
        super(Generator, self).__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 8),
            nn.ReLU(True),
        )

    def forward(self, input):
        return self.main(input)


netG = Generator(1).to(device)
"""


def test_argparse_defaults_are_read_and_said(tmp_path: Path) -> None:
    """ConvTranspose2d(100, 512, 4) without bias: 100·512·16 = 819,200; BatchNorm2d(512): 1,024 and 1,025 buffers.
    '64' is a string default, which argparse passes through type=int."""
    document = totals(tmp_path, DCGAN, "--input", "100x1x1")
    assert document["total_params"] == 819_200 + 1_024 and document["buffers"] == 1_025
    notes = " ".join(document["notes"])
    assert "read at their defaults" in notes and "--nz 100" in notes and "--ngf 64" in notes, notes


def test_a_required_argument_without_a_default_is_refused_where_the_model_needs_it(tmp_path: Path) -> None:
    code = DCGAN.replace("nz = int(opt.nz)", "nz = opt.dataset")
    status, out = run(tmp_path, code, "--input", "100x1x1")
    assert status == 2 and "--dataset" in out and "gives no default" in out, out


def test_a_statement_on_a_model_that_failed_fails_with_it_and_the_other_models_still_read(tmp_path: Path) -> None:
    code = TORCH + """

class Bad(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.fc = nn.Linear(n, 2)


class Good(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.fc = nn.Linear(n, 2)

    def forward(self, x):
        return self.fc(x)


netB = Bad(undefined_size).to(device)
netB.apply(print)
"""
    assert totals(tmp_path, code, "--input", "4", "--model", "Good(4)")["total_params"] == 4 * 2 + 2
    status, out = run(tmp_path, code, "--input", "4", "--model", "netB")
    assert status == 2 and "undefined_size" in out, out


def test_an_unused_layer_whose_counts_are_not_read_from_its_arguments_is_refused_at_its_line(tmp_path: Path) -> None:
    code = TORCH + """

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.norm = nn.LayerNorm(4)

    def forward(self, x):
        return self.fc(x)


model = Net()
"""
    status, out = run(tmp_path, code, "--input", "4")
    assert status == 2 and "net.py:10:21" in out and "cannot count its parameters" in out, out
