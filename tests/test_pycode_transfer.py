"""Transfer learning in model code: a network of keras.applications or torchvision.models, frozen whole, under a
new head, is read as the spec's known network (``notop``, ``frozen``). Each snippet is written as the guides write
it (Keras' transfer-learning guide, https://keras.io/guides/transfer_learning/, and PyTorch's fine-tuning tutorial,
https://pytorch.org/tutorials/beginner/finetuning_torchvision_models_tutorial.html); each expected figure is the
framework's documented count with the replaced classifier's arithmetic written out, or Keras 3 itself."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from .conftest import oracle
from .test_pycode import refused, run

#: torchvision's documented totals (torchvision.models' weights tables) and each classifier's last Linear
RESNET18, RESNET18_FC = 11_689_512, 512 * 1000 + 1000
RESNET50, RESNET50_FC = 25_557_032, 2048 * 1000 + 1000
MOBILENET_V2, MOBILENET_V2_LAST = 3_504_872, 1280 * 1000 + 1000
DENSENET121, DENSENET121_LAST = 7_978_856, 1024 * 1000 + 1000
VGG16, VGG16_LAST = 138_357_544, 4096 * 1000 + 1000
#: Keras' MobileNetV2 without its top (the figure of the contract: 2,270,794 - 12,810)
KERAS_MOBILENETV2_NOTOP = 2_257_984

# Keras' guide: a base without its top, frozen, under a Sequential or a functional head
KERAS_SEQUENTIAL = '''import keras
from keras import layers

base_model = keras.applications.MobileNetV2(include_top=False, weights="imagenet", input_shape=(160, 160, 3))
base_model.trainable = False
model = keras.Sequential([base_model, layers.GlobalAveragePooling2D(), layers.Dense(10)])
'''
KERAS_FUNCTIONAL = '''from tensorflow import keras

base_model = keras.applications.MobileNetV2(
    weights="imagenet",  # Load weights pre-trained on ImageNet.
    input_shape=(160, 160, 3),
    include_top=False,
)  # Do not include the ImageNet classifier at the top.
base_model.trainable = False
inputs = keras.Input(shape=(160, 160, 3))
x = keras.layers.Rescaling(scale=1 / 127.5, offset=-1)(inputs)
x = base_model(x, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
x = keras.layers.Dropout(0.2)(x)
outputs = keras.layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
'''
# Keras 2's way: the base's own input and output, every layer of it frozen in a loop
KERAS_2 = '''from keras.applications.mobilenet_v2 import MobileNetV2
from keras.layers import Dense, GlobalAveragePooling2D
from keras.models import Model

base_model = MobileNetV2(weights="imagenet", include_top=False, input_shape=(224, 224, 3))
x = base_model.output
x = GlobalAveragePooling2D()(x)
x = Dense(1024, activation="relu")(x)
predictions = Dense(5, activation="softmax")(x)
model = Model(inputs=base_model.input, outputs=predictions)
for layer in base_model.layers:
    layer.trainable = False
'''
# PyTorch's tutorial: feature extraction, then the classifier replaced
TORCH_TUTORIAL = '''import torch.nn as nn
from torchvision import models


def set_parameter_requires_grad(model, feature_extracting):
    if feature_extracting:
        for param in model.parameters():
            param.requires_grad = False


def initialize_model(model_name, num_classes, feature_extract, use_pretrained=True):
    model_ft = None
    input_size = 0
    if model_name == "resnet":
        model_ft = models.resnet18(pretrained=use_pretrained)
        set_parameter_requires_grad(model_ft, feature_extract)
        num_ftrs = model_ft.fc.in_features
        model_ft.fc = nn.Linear(num_ftrs, num_classes)
        input_size = 224
    elif model_name == "vgg":
        model_ft = models.vgg16(pretrained=use_pretrained)
        set_parameter_requires_grad(model_ft, feature_extract)
        num_ftrs = model_ft.classifier[6].in_features
        model_ft.classifier[6] = nn.Linear(num_ftrs, num_classes)
        input_size = 224
    elif model_name == "densenet":
        model_ft = models.densenet121(pretrained=use_pretrained)
        set_parameter_requires_grad(model_ft, feature_extract)
        num_ftrs = model_ft.classifier.in_features
        model_ft.classifier = nn.Linear(num_ftrs, num_classes)
        input_size = 224
    elif model_name == "squeezenet":
        model_ft = models.squeezenet1_0(pretrained=use_pretrained)
        set_parameter_requires_grad(model_ft, feature_extract)
        model_ft.classifier[1] = nn.Conv2d(512, num_classes, kernel_size=(1, 1), stride=(1, 1))
        model_ft.num_classes = num_classes
        input_size = 224
    return model_ft, input_size


model_name = "squeezenet"
num_classes = 2
feature_extract = True
model_ft, input_size = initialize_model(model_name, num_classes, feature_extract, use_pretrained=True)
'''
TORCH_WEIGHTS = '''import torch
import torchvision
from torchvision.models import ResNet50_Weights

model = torchvision.models.resnet50(weights=ResNet50_Weights.DEFAULT)
model.requires_grad_(False)
model.fc = torch.nn.Linear(model.fc.in_features, 10)
model = model.to("cpu")
'''
TORCH_BACKBONE = '''import torch.nn as nn
from torchvision.models import mobilenet_v2


class Classifier(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.backbone = mobilenet_v2(weights="IMAGENET1K_V1")
        for p in self.backbone.parameters():
            p.requires_grad = False
        self.backbone.classifier[-1] = nn.Identity()
        self.head = nn.Sequential(nn.Linear(1280, 256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, classes))

    def forward(self, x):
        return self.head(self.backbone(x))


model = Classifier()
'''
TF_KERAS_ADD = '''import tensorflow as tf

base = tf.keras.applications.ResNet50(include_top=False, weights="imagenet", input_shape=(224, 224, 3))
model = tf.keras.Sequential()
model.add(base)
model.add(tf.keras.layers.GlobalAveragePooling2D())
model.add(tf.keras.layers.Dense(5))
model.layers[0].trainable = False
'''
TORCH_IN_SEQUENTIAL = '''import torch.nn as nn
from torchvision import models

model = nn.Sequential(models.squeezenet1_1(weights=None), nn.Linear(1000, 10))
model[0].requires_grad_(False)
'''
SQUEEZENET1_1 = 1_235_496
TORCH_HANDED_TO_A_MODULE = '''import torch.nn as nn
import torchvision

backbone = torchvision.models.resnet18(weights="DEFAULT")
backbone.fc = nn.Identity()
backbone.requires_grad_(False)


class Net(nn.Module):
    def __init__(self, body):
        super().__init__()
        self.body = body
        self.head = nn.Linear(512, 4)

    def forward(self, x):
        return self.head(self.body(x))


model = Net(backbone)
'''


def read(tmp_path: Path, code: str, *args: str) -> dict[str, Any]:
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--format", "json", *args)
    assert status == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def emitted(tmp_path: Path, code: str, *args: str) -> str:
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--emit-spec", *args)
    assert status == 0, out
    return out.strip().splitlines()[0]


def split(document: dict[str, Any]) -> tuple[int, int]:
    return document["total_params"], document["trainable_params"]


@pytest.mark.parametrize(("code", "args", "spec", "figures"), [
    (KERAS_SEQUENTIAL, (), "input 160x160x3, keras:MobileNetV2 notop frozen, gap, dense10",
     (KERAS_MOBILENETV2_NOTOP + 1280 * 10 + 10, 1280 * 10 + 10)),
    (KERAS_FUNCTIONAL, (), "input 160x160x3, rescaling0.00784313725490196 offset-1, keras:MobileNetV2 notop frozen, "
     "gap, dropout0.2, dense1", (KERAS_MOBILENETV2_NOTOP + 1281, 1281)),
    (KERAS_2, (), "input 224x224x3, keras:MobileNetV2 notop frozen, gap, dense1024 relu, dense5 softmax",
     (KERAS_MOBILENETV2_NOTOP + 1280 * 1024 + 1024 + 1024 * 5 + 5, 1280 * 1024 + 1024 + 1024 * 5 + 5)),
    (TORCH_TUTORIAL, ("--set", "model_name='resnet'", "--input", "3x224x224"),
     "input 3x224x224 nchw, resnet18 notop frozen, dense2", (RESNET18 - RESNET18_FC + 512 * 2 + 2, 1026)),
    (TORCH_TUTORIAL, ("--set", "model_name='vgg'", "--input", "3x224x224"),
     "input 3x224x224 nchw, vgg16 notop frozen, dense2", (VGG16 - VGG16_LAST + 4096 * 2 + 2, 8194)),
    (TORCH_TUTORIAL, ("--set", "model_name='densenet'", "--input", "3x224x224"),
     "input 3x224x224 nchw, densenet121 notop frozen, dense2", (DENSENET121 - DENSENET121_LAST + 2050, 2050)),
    (TORCH_WEIGHTS, ("--input", "3x224x224"), "input 3x224x224 nchw, resnet50 notop frozen, dense10",
     (RESNET50 - RESNET50_FC + 20_490, 20_490)),
    (TORCH_BACKBONE, ("--input", "3x224x224"),
     "input 3x224x224 nchw, mobilenet_v2 notop frozen, dense256, relu, dropout0.3, dense10",
     (MOBILENET_V2 - MOBILENET_V2_LAST + 1280 * 256 + 256 + 2570, 1280 * 256 + 256 + 2570)),
    (TF_KERAS_ADD, (), "input 224x224x3, keras:ResNet50 notop frozen, gap, dense5", (23_597_957, 10_245)),  # contract
    (TORCH_IN_SEQUENTIAL, ("--input", "3x64x64"), "input 3x64x64 nchw, squeezenet1_1 frozen, dense10",
     (SQUEEZENET1_1 + 10_010, 10_010)),
    (TORCH_HANDED_TO_A_MODULE, ("--input", "3x64x64"), "input 3x64x64 nchw, resnet18 notop frozen, dense4",
     (RESNET18 - RESNET18_FC + 2052, 2052)),  # the model, not the backbone it is built from
], ids=["keras-sequential", "keras-functional", "keras-2-layers-loop", "torch-tutorial-resnet", "torch-tutorial-vgg",
        "torch-tutorial-densenet", "torch-weights-enum", "torch-backbone-in-a-module", "tf-keras-add",
        "torch-in-a-sequential", "torch-handed-to-a-module"])
def test_transfer_learning_code_is_the_known_network(tmp_path: Path, code: str, args: tuple[str, ...], spec: str,
                                                     figures: tuple[int, int]) -> None:
    assert emitted(tmp_path, code, *args) == spec
    assert split(read(tmp_path, code, *args)) == figures


def test_the_classifier_replaced_after_freezing_is_trained_and_before_it_is_frozen(tmp_path: Path) -> None:
    before = TORCH_WEIGHTS.replace("model.requires_grad_(False)\nmodel.fc = torch.nn.Linear(model.fc.in_features, 10)",
                                   "model.fc = torch.nn.Linear(model.fc.in_features, 10)\nmodel.requires_grad_(False)")
    assert emitted(tmp_path, before, "--input", "3x224x224") == \
        "input 3x224x224 nchw, resnet50 notop frozen, dense10 frozen"
    assert split(read(tmp_path, before, "--input", "3x224x224")) == (RESNET50 - RESNET50_FC + 20_490, 0)
    unfrozen = TORCH_WEIGHTS.replace("model.requires_grad_(False)\n", "")
    assert split(read(tmp_path, unfrozen, "--input", "3x224x224"))[1] == RESNET50 - RESNET50_FC + 20_490


@pytest.mark.parametrize(("code", "args", "where", "message"), [
    (TORCH_TUTORIAL, ("--input", "3x224x224"), "net.py:35:9",  # squeezenet's classifier ends in a convolution
     "squeezenet1_0's classifier ends in no Linear"),
    (KERAS_SEQUENTIAL.replace('weights="imagenet"', 'weights="my_weights.h5"'), (), "net.py:4:14",
     "weights loaded from 'my_weights.h5'"),
    (KERAS_SEQUENTIAL.replace("base_model.trainable = False", "for layer in base_model.layers[:-20]:\n"
                              "    layer.trainable = False"), (), "net.py:5:14", "some of its layers"),
    (KERAS_SEQUENTIAL.replace('include_top=False,', 'include_top=False, pooling="avg",'), (), "net.py:4:14",
     "with pooling='avg'"),
    (TORCH_WEIGHTS.replace("model.requires_grad_(False)", "model.layer4.requires_grad_(True)"),
     ("--input", "3x224x224"), "net.py:6:1", "its .layer4 is not followed"),
    (TORCH_WEIGHTS.replace("model.requires_grad_(False)", "model.load_state_dict(torch.load('best.pth'))"),
     ("--input", "3x224x224"), "net.py:6:1", "its .load_state_dict is not followed"),
    (TORCH_WEIGHTS.replace("model.requires_grad_(False)", "for name, p in model.named_parameters():\n"
                           "    if 'fc' not in name:\n        p.requires_grad = False"),
     ("--input", "3x224x224"), "net.py:8:9", "may change the model"),
    (TORCH_BACKBONE.replace("classifier[-1]", "classifier[0]"), ("--input", "3x224x224"), "net.py:11:9",
     "a change to its .classifier[0]"),
    (TORCH_WEIGHTS.replace("weights=ResNet50_Weights.DEFAULT", "num_classes=10"), ("--input", "3x224x224"),
     "net.py:5:9", "with num_classes=10"),
    (KERAS_FUNCTIONAL.replace("inputs = keras.Input(shape=(160, 160, 3))", "inputs = keras.Input(shape=(128, 128, 3))"),
     (), "net.py:11:5", "built for inputs shaped (160, 160, 3), called on a tensor shaped (128, 128, 3)"),  # as Keras
    (TF_KERAS_ADD.replace("model.layers[0]", "model.layers[2]"), (), "net.py:8:1",  # Keras' Dense: its own matter
     "cannot follow a change to a built layer or model (.trainable = …)"),
    (KERAS_FUNCTIONAL + "model.layers[-1].trainable = False\n", (), "net.py:16:1", "cannot tell what this freezes"),
    (TORCH_IN_SEQUENTIAL.replace("model[0].requires_grad_(False)", "model[0].classifier[1] = nn.Conv2d(512, 10, 1)"),
     ("--input", "3x64x64"), "net.py:5:1", "squeezenet1_1's classifier ends in no Linear"),
])
def test_what_is_not_the_known_network_is_refused_at_its_line(tmp_path: Path, code: str, args: tuple[str, ...],
                                                              where: str, message: str) -> None:
    out = refused(tmp_path, code, args)
    assert f"/{where}: " in out.splitlines()[0], out
    assert message in out, out


# ---- 20 random bases and heads, against Keras 3 and the PyTorch ports of the zoo's tests ------------------------

#: Keras bases built once each (weights=None: only the count matters), at small inputs
KERAS_BASES = (("MobileNetV3Small", 64), ("MobileNetV2", 96))
#: torchvision bases (the ports of tests/test_zoo.py, whose totals are torchvision's) and where their last Linear is
TORCH_BASES = ("resnet18", "mobilenet_v2")


def _keras_case(rng: random.Random) -> tuple[str, int, bool, str, list[tuple[str, int]]]:
    application, size = rng.choice(KERAS_BASES)
    pool = rng.choice(["gap", "flatten"])
    head = [(rng.choice(["dense", "dropout"]), rng.choice([4, 16, 32])) for _ in range(rng.randint(0, 2))]
    return application, size, rng.random() < 0.5, pool, [*head, ("dense", rng.choice([2, 10]))]


def _keras_code(application: str, size: int, frozen: bool, pool: str, head: list[tuple[str, int]],
                functional: bool) -> str:
    made = {"gap": "layers.GlobalAveragePooling2D()", "flatten": "layers.Flatten()"}[pool]
    parts = [made] + [f"layers.Dense({n})" if kind == "dense" else "layers.Dropout(0.25)" for kind, n in head]
    code = ("import keras\nfrom keras import layers\n\n"
            f"base = keras.applications.{application}(include_top=False, weights=None, "
            f"input_shape=({size}, {size}, 3))\nbase.trainable = {not frozen}\n")
    if not functional:
        return code + f"model = keras.Sequential([base, {', '.join(parts)}])\n"
    lines = [f"inputs = keras.Input(shape=({size}, {size}, 3))", "x = base(inputs, training=False)"]
    lines += [f"x = {part}(x)" for part in parts] + ["model = keras.Model(inputs, x)"]
    return code + "\n".join(lines) + "\n"


_BUILT: dict[tuple[str, int], Any] = {}


def _keras_truth(keras: Any, application: str, size: int, frozen: bool, pool: str,
                 head: list[tuple[str, int]]) -> tuple[int, int, str, tuple[int, ...]]:
    """Keras' totals for the combination, each base built once and shared by the models made on it."""
    if (application, size) not in _BUILT:
        _BUILT[application, size] = getattr(keras.applications, application)(
            include_top=False, weights=None, input_shape=(size, size, 3))
    base = _BUILT[application, size]
    base.trainable = not frozen
    made = [keras.layers.GlobalAveragePooling2D() if pool == "gap" else keras.layers.Flatten()]
    made += [keras.layers.Dense(n) if kind == "dense" else keras.layers.Dropout(0.25) for kind, n in head]
    model = keras.Sequential([keras.Input((size, size, 3)), base, *made])
    trainable = sum(int(keras.ops.size(w)) for w in model.trainable_weights)
    frozen_count = sum(int(keras.ops.size(w)) for w in model.non_trainable_weights)
    return trainable + frozen_count, trainable, base.name, tuple(base.output.shape[1:])


def _torch_case(rng: random.Random) -> tuple[str, str, str, list[int]]:
    network = rng.choice(TORCH_BASES)
    freeze = rng.choice(["none", "requires_grad_", "loop", "after"])
    spelling = "fc" if network == "resnet18" else rng.choice(["classifier[-1]", "classifier[1]"])
    return network, freeze, spelling, [rng.choice([8, 64]) for _ in range(rng.randint(0, 1))] + [rng.choice([3, 10])]


def _torch_code(network: str, freeze: str, spelling: str, widths: list[int]) -> str:
    layers, features = [], f"model.{spelling}.in_features"
    for width in widths:
        layers.append(f"nn.Linear({features}, {width})")
        features = str(width)
    head = layers[0] if len(layers) == 1 else f"nn.Sequential({layers[0]}, nn.ReLU(), {layers[1]})"
    freezing = {"none": "", "requires_grad_": "model.requires_grad_(False)\n", "after": "",
                "loop": "for p in model.parameters():\n    p.requires_grad = False\n"}[freeze]
    code = (f"import torch.nn as nn\nimport torchvision\n\nmodel = torchvision.models.{network}(weights='DEFAULT')\n"
            f"{freezing}model.{spelling} = {head}\n")
    return code + ("model.requires_grad_(False)\n" if freeze == "after" else "")


def _torch_truth(torch: Any, network: str, freeze: str, widths: list[int]) -> tuple[int, int]:
    """PyTorch's totals: the zoo's port, its last Linear replaced as the code replaces it, frozen as it freezes."""
    from .test_zoo import _resnet, mobilenet_v2

    model = _resnet("basic", [2, 2, 2, 2])(torch) if network == "resnet18" else mobilenet_v2(torch)
    last = model[-1]
    assert isinstance(last, torch.nn.Linear)
    if freeze in ("requires_grad_", "loop"):
        model.requires_grad_(False)
    sizes = [last.in_features, *widths]
    made = [torch.nn.Linear(a, b) for a, b in itertools.pairwise(sizes)]
    model[-1] = made[0] if len(made) == 1 else torch.nn.Sequential(made[0], torch.nn.ReLU(), made[1])
    if freeze == "after":
        model.requires_grad_(False)
    total = sum(p.numel() for p in model.parameters())
    return total, sum(p.numel() for p in model.parameters() if p.requires_grad)


def test_twenty_random_bases_and_heads_against_the_frameworks(tmp_path: Path) -> None:
    keras, torch = oracle("keras"), oracle("torch")
    rng = random.Random(27)  # every base frozen and not, in a Sequential and a functional model
    for case in range(12):
        application, size, frozen, pool, head = _keras_case(rng)
        code = _keras_code(application, size, frozen, pool, head, functional=case % 2 == 1)
        total, trainable, name, shape = _keras_truth(keras, application, size, frozen, pool, head)
        document = read(tmp_path, code)
        assert split(document) == (total, trainable), code
        row = document["layers"][0]
        assert (row["name"], tuple(row["output_shape"])) == (name, shape), code
    for _ in range(8):
        network, freeze, spelling, widths = _torch_case(rng)
        code = _torch_code(network, freeze, spelling, widths)
        document = read(tmp_path, code, "--input", "3x64x64")
        assert split(document) == _torch_truth(torch, network, freeze, widths), code


MODULE_FROZEN = '''import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU())
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = self.features(x).mean((2, 3))
        return self.fc(x)


model = Net()
{freezing}
'''


@pytest.mark.parametrize("freezing", ["model.features.requires_grad_(False)", "model.requires_grad_(False)",
                                      "model.requires_grad_(False)\nmodel.fc.requires_grad_(True)",
                                      "model.requires_grad_(False)\nmodel.requires_grad_(True)"])
def test_a_module_of_the_file_frozen_whole_is_pytorch_own_split(tmp_path: Path, freezing: str) -> None:
    torch = oracle("torch")
    code = MODULE_FROZEN.format(freezing=freezing)
    namespace: dict[str, Any] = {}
    exec(compile(code, "net.py", "exec"), namespace)  # the test's own code, run by PyTorch for its split
    model = namespace["model"]
    theirs = (sum(p.numel() for p in model.parameters()),
              sum(p.numel() for p in model.parameters() if p.requires_grad))
    assert isinstance(model, torch.nn.Module)
    assert split(read(tmp_path, code, "--input", "3x8x8")) == theirs
