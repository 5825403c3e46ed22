"""Issue 15: Keras and PyTorch model code read without running it.

The corpus (tests/models/*.py) is written the way people write models: the lectures' Keras code, the Keras
examples' MNIST convnet, LeNet, AlexNet, VGG from a cfg list, torchvision's ResNet with BasicBlock, Bottleneck and
_make_layer, a U-Net with skip lists, DCGAN, MobileNetV2's inverted residuals, SqueezeNet's Fire modules, a
DenseNet. Each file's first line may say the options it needs (``# cnncalc: --input 3x224x224 --model resnet50``).
The oracle test runs each file with the real framework and requires cnncalc's reading (made without running it)
to give the same layers, shapes and counts; the other tests need neither framework.
"""

from __future__ import annotations

import json
import shlex
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.cli import load_network, main
from cnncalc.pycode import read_model

from .conftest import ROOT, oracle
from .expectations import expectations

MODELS = sorted((ROOT / "tests" / "models").glob("*.py"))


def options(path: Path) -> dict[str, str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    words = shlex.split(first.removeprefix("# cnncalc:")) if first.startswith("# cnncalc:") else []
    return {words[i].lstrip("-"): words[i + 1] for i in range(0, len(words) - 1, 2)}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "120"})
    return result.exit_code, result.output


def framework_count(path: Path) -> int:
    """The parameter count the framework gives for the file's model, as its ``# expect total = N`` line records it
    (the oracle test below builds the model with the framework and holds the line to it)."""
    totals = [int(value) for layer, field, value in expectations(path) if not layer and field == "total"]
    assert len(totals) == 1, f"{path.name}: give the framework's count as one '# expect total = N' line"
    return totals[0]


@pytest.mark.parametrize("path", MODELS, ids=[p.stem for p in MODELS])
def test_every_model_reads_as_the_framework_counts_it(path: Path) -> None:
    """Without either framework: the file reads, to the framework's own parameter count; and --emit-spec's spec
    gives the very same summary (a change detector for the spec writer, which the count ties to the truth)."""
    given = options(path)
    if path.stem == "lecture_convnet_models":
        given["model"] = "model_no_max_pool"
    args = [*(["--input", given["input"]] if "input" in given else []),
            *(["--model", given["model"]] if "model" in given else [])]
    code, table = run("summary", str(path), *args, "--format", "json")
    assert code == 0, table
    assert json.loads(table)["total_params"] == framework_count(path)
    code, spec = run("summary", str(path), *args, "--emit-spec")
    assert code == 0, spec
    conventions = ["--conventions", "torch"] if path.stem.startswith("torch") else []
    assert run("summary", spec.strip(), *conventions, "--format", "json") == (0, table)


def _tensorflow_is_keras(keras: Any) -> None:
    """The corpus imports tensorflow.keras as people do; Keras 3 is the same API, so it stands in for it."""
    tensorflow = types.ModuleType("tensorflow")
    tensorflow.keras = keras  # type: ignore[attr-defined]
    sys.modules.setdefault("tensorflow", tensorflow)
    sys.modules.setdefault("tensorflow.keras", keras)
    sys.modules.setdefault("tensorflow.keras.layers", keras.layers)
    sys.modules.setdefault("tensorflow.keras.models", keras.models)


def _built(path: Path, name: str) -> Any:
    """The model, as the file builds it when it runs."""
    namespace: dict[str, Any] = {"__name__": f"corpus_{path.stem}"}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    value = namespace[name]
    return value() if isinstance(value, type) else value


@pytest.mark.oracle
@pytest.mark.parametrize("path", MODELS, ids=[p.stem for p in MODELS])
def test_the_framework_builds_what_cnncalc_read(path: Path) -> None:
    given = options(path)
    if path.stem == "lecture_convnet_models":
        given["model"] = "model_no_max_pool"
    code = read_model(path.read_text(encoding="utf-8"), str(path), given.get("model"))
    net = load_network(str(path), given.get("input"), None, None, given.get("model"))
    if code.conventions == "keras":
        keras = oracle("keras")
        _tensorflow_is_keras(keras)
        keras.backend.clear_session()
        model = _built(path, code.name)
        theirs = [(type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
                  for layer in model.layers if type(layer).__name__ != "InputLayer"]
        ours = [(layer.keras_class, layer.output_shape, layer.params.total) for layer in net.layers]
        assert ours == theirs
        assert net.total_params == model.count_params() == framework_count(path)
        return
    torch = oracle("torch")
    from .test_zoo import torch_rows

    torch.manual_seed(0)
    model = _built(path, code.name)
    shape = tuple(int(d) for d in given["input"].split("x"))
    with torch.no_grad():
        output = model.eval()(torch.zeros(1, *shape))
    rows = list(torch_rows(torch, model, shape))  # (its hooks stay: no forward after this one)
    assert net.total_params == sum(p.numel() for p in model.parameters()) == framework_count(path)
    assert net.buffers == sum(b.numel() for b in model.buffers())
    assert (1, *net.shown_shape(net.layers[-1].output_shape)) == tuple(output.shape)
    # every module with parameters, in the order forward() runs it: its output shape and its count
    counted = [(layer.params.total, (1, *net.shown_shape(layer.output_shape))) for layer in net.layers
               if layer.params.total]
    assert counted == [(params, shape_) for _, shape_, params, _ in rows if params]


@pytest.mark.parametrize(("code", "args", "where", "message"), [
    # a branch on a tensor's values
    ("import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.fc = nn.Linear(4, 2)\n    def forward(self, x):\n        if x.sum() > 0:\n"
     "            x = self.fc(x)\n        return x\n", ["--input", "4"], "net.py:7:12",
     "this branch depends on values only known when the model runs"),
    # a layer class cnncalc does not know
    ("from tensorflow import keras\nmodel = keras.Sequential([keras.Input((10,)), keras.layers.LSTM(8)])\n", [],
     "net.py:2:", "a layer of this Sequential is"),
    # a call into another module on a tensor
    ("import torch.nn as nn\nimport mylib\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "    def forward(self, x):\n        return mylib.block(x)\n", ["--input", "3x8x8"], "net.py:7:16",
     "cnncalc cannot follow a call to mylib.block on a tensor"),
    # a declared size that does not match what reaches the layer
    ("import torch.nn as nn\nmodel = nn.Sequential(nn.Conv2d(1, 8, 3), nn.Flatten(), nn.Linear(100, 10))\n",
     ["--input", "1x6x6"], "net.py:2:57",
     "Linear is written to read 100 input features, but the layer before gives 128"),
    # a shape error, at the line of the layer that makes it
    ("import keras\nfrom keras import layers\nmodel = keras.Sequential([\n    keras.Input((4, 4, 1)),\n"
     "    layers.Conv2D(8, 5),\n])\n", [], "net.py:5:5", "Computed output size would be zero or negative"),
    # invalid Python
    ("model = keras.Sequential([\n", [], "net.py:1:", "not valid Python"),
])
def test_what_cannot_be_followed_is_an_error_at_its_line(tmp_path: Path, code: str, args: list[str], where: str,
                                                         message: str) -> None:
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), *args)
    assert status == 2 and "Traceback" not in out, out
    assert where in out and message in out, out
    assert "^" in out  # the caret under the construct


def test_pytorch_code_needs_its_input_and_a_file_of_several_models_a_choice() -> None:
    status, out = run("summary", str(ROOT / "tests" / "models" / "torch_alexnet.py"))
    assert status == 2 and "PyTorch code does not state its input's shape" in out and "--input 3x224x224" in out
    status, out = run("summary", str(ROOT / "tests" / "models" / "lecture_convnet_models.py"))
    assert status == 2 and "the file defines 2 models: model, model_no_max_pool" in out
    status, out = run("summary", str(ROOT / "tests" / "models" / "lecture_convnet_models.py"), "--model",
                      "nothing")
    assert status == 2 and "--model nothing: the file defines no such model" in out


def test_the_lectures_code_reads_as_the_lectures_network() -> None:
    """The lecture notes' keras_cnn_mnist.py is examples/mnist_keras.cnn; their "Build the Model" code is
    examples/lectures/mnist_4_layer_dropout.cnn."""

    def rows(path: Path) -> Any:
        document = json.loads(run("summary", str(path), "--format", "json")[1])
        return [(r["name"], r["type"], r["output_shape"], r["params"]) for r in document["layers"]], \
            document["total_params"]

    for code, spec in (("lecture_keras_cnn_mnist.py", "mnist_keras.cnn"),
                       ("lecture_mnist_imports.py", "lectures/mnist_4_layer_dropout.cnn")):
        assert rows(ROOT / "tests" / "models" / code) == rows(ROOT / "examples" / spec)


def test_pytorch_prints_as_torchinfo_unless_asked_for_keras() -> None:
    path = str(ROOT / "tests" / "models" / "torch_mnist_sequential.py")
    status, out = run("summary", path, "--input", "1x28x28")
    assert status == 0 and "Conv2d: 1-1" in out and "[1, 32, 26, 26]" in out
    status, out = run("summary", path, "--input", "1x28x28", "--style", "keras")
    assert status == 0 and "conv2d (Conv2D)" in out and "(None, 32, 26, 26)" in out
