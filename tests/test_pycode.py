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
import re
import shlex
import sys
import types
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.cli.commands import load_network
from cnncalc.model.records import replace
from cnncalc.readers.code import read_model

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
    # the spec is written flat: the modules a row is made inside (its JSON's containers) are the code's alone, and
    # so is the note on what Keras' summary shows of the models nested in the model
    document = json.loads(table)
    for layer in document["layers"]:
        layer.pop("containers", None)
    if "notes" in document:
        document["notes"] = [note for note in document["notes"] if "nested in this one" not in note]
        if not document["notes"]:
            del document["notes"]
    status, written = run("summary", spec.strip(), *conventions, "--format", "json")
    stated = re.match(r"# the model also builds ([\d,]+) parameters", spec)
    if stated:  # layers forward() never applies: counted by PyTorch and the summary's note, no row of the spec's
        never = int(stated[1].replace(",", ""))
        assert json.loads(written)["total_params"] == document["total_params"] - never > 0
        assert any(note.startswith(f"{never:,} parameters") for note in document["notes"]), document["notes"]
        return
    assert (status, json.loads(written)) == (0, document)


def _tensorflow_is_keras(keras: Any) -> Any:
    """The corpus imports tensorflow.keras as people do; Keras 3 is the same API, so it stands in for it while the
    file is built (only then: Keras itself looks for a real TensorFlow in sys.modules)."""
    tensorflow = types.ModuleType("tensorflow")
    tensorflow.keras = keras  # type: ignore[attr-defined]
    return mock.patch.dict(sys.modules, {"tensorflow": tensorflow, "tensorflow.keras": keras,
                                         "tensorflow.keras.layers": keras.layers,
                                         "tensorflow.keras.models": keras.models})


def _built(path: Path, name: str) -> Any:
    """The model, as the file builds it when it runs."""
    namespace: dict[str, Any] = {"__name__": f"corpus_{path.stem}"}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    value = namespace[name]
    return value() if isinstance(value, type) else value


def _flat(keras: Any, model: Any) -> list[Any]:
    """A Keras model's layers, a model nested in it (an autoencoder's encoder) replaced by its own layers."""
    return [inner for layer in model.layers
            for inner in (_flat(keras, layer) if isinstance(layer, keras.Model) else [layer])]


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
        keras.backend.clear_session()
        with _tensorflow_is_keras(keras):
            model = _built(path, code.name)
        theirs = [(type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
                  for layer in _flat(keras, model) if type(layer).__name__ != "InputLayer"]
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


def test_pytorch_code_needs_its_input_and_a_file_of_several_models_reads_the_first() -> None:
    status, out = run("summary", str(ROOT / "tests" / "models" / "torch_alexnet.py"))
    assert status == 2 and "PyTorch code does not state its input's shape" in out and "--input 3x224x224" in out
    status, out = run("summary", str(ROOT / "tests" / "models" / "lecture_convnet_models.py"))
    said = " ".join(out.split())
    assert status == 0 and "read model, the first of the file's 2 models that build; it also defines " \
        "model_no_max_pool" in said, out
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


# ---- issue 21: every construct is bounded, understood or refused cleanly ----

KERAS = "import keras\nfrom keras import layers\n"
TORCH = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
#: a model that uses the value v, so that v's error is the model's
USES_V = "model = keras.Sequential([keras.Input((4,)), layers.Dense(2, name=v)])\n"
DENSE = "model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n"


def torch_net(forward: str, init: str = "") -> str:
    """A PyTorch module with one convolution, whose forward is ``forward`` (lines indented by eight spaces)."""
    return (TORCH + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.c = nn.Conv2d(3, 4, 3)\n" + init + "    def forward(self, x):\n" + forward +
            "model = Net()\n")


def refused(tmp_path: Path, code: str, args: list[str] | tuple[str, ...] = ()) -> str:
    """The error cnncalc gives for a model file: exit 2, a file:line:col, a caret, never a traceback."""
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), *args)
    assert status == 2, out
    assert "Traceback" not in out and "Internal error" not in out, out
    return out


# Each was an exit 3 (an internal error) or ran outside the guards; each must be an error at its construct.
@pytest.mark.parametrize(("code", "args", "where", "message"), [
    ("v = -'a'\n" + KERAS + USES_V, [], "net.py:1:5", "TypeError: bad operand type for unary -: 'str'"),
    ("v = ~1.5\n" + KERAS + USES_V, [], "net.py:1:5", "TypeError: bad operand type for unary ~: 'float'"),
    ("v = {[1]: 2}\n" + KERAS + USES_V, [], "net.py:1:5", "TypeError: unhashable type: 'list'"),
    ("l = []\nl[0] = 1\n" + KERAS + DENSE, [], "net.py:2:1", "(IndexError)"),
    (KERAS + "model = keras.Sequential()\nmodel.add(keras.Input((4,)))\nmodel.add()\n", [], "net.py:5:1",
     "add() takes one argument (0 given)"),
    ("v = int(float('inf'))\n" + KERAS + USES_V, [], "net.py:1:5", "OverflowError: cannot convert float infinity"),
    ("v = len(range(10**30))\n" + KERAS + USES_V, [], "net.py:1:5", "OverflowError"),
    ("v = sum(range(10**30))\n" + KERAS + USES_V, [], "net.py:1:5", "over the 100,000 cnncalc follows"),
    ("a, *v = range(10**30)\n" + KERAS + USES_V, [], "net.py:1:1", "over the 100,000 cnncalc follows"),
    ("v = [*range(10**9)]\n" + KERAS + USES_V, [], "net.py:1:6", "a sequence of 1,000,000,000 items"),
    ("y = []\ny.extend(range(10**9))\n" + KERAS + DENSE, [], "net.py:2:1", "a sequence of 1,000,000,000 items"),
    ("a, v = 1, 2, 3\n" + KERAS + USES_V, [], "net.py:1:1", "3 values to unpack into 2 names"),
    (torch_net("        return self.forward(x)\n"), ["--input", "3x8x8"], "net.py:9:", "nest more than 120 deep"),
    (torch_net("        return self.me(x)\n", "        self.me = self\n"), ["--input", "3x8x8"], "net.py:10:",
     "nest more than 120 deep"),
    (TORCH + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.n = Net()\n"
     "    def forward(self, x):\n        return x\nmodel = Net()\n", ["--input", "3x8x8"], "net.py:", "nest more than"),
    (KERAS + "def f():\n    return f()\n", ["--model", "f"], "net.py:4:", "nest more than 120 deep"),
    (torch_net("        return F.interpolate(self.c(x), scale_factor=(2, 'a'))\n"), ["--input", "3x8x8"],
     "net.py:9:16", "interpolate's scale_factor is (2, 'a'), which the framework does not take"),
    (torch_net("        return F.max_pool2d(self.c(x), 2.5)\n"), ["--input", "3x8x8"], "net.py:9:16",
     "max_pool2d's kernel_size is 2.5, which the framework does not take"),
    # the window is the input's height (8), read as its number, on the convolution's 6×6 map: PyTorch fails too
    (torch_net("        return F.max_pool2d(self.c(x), x.size(2))\n"), ["--input", "3x8x8"], "net.py:9:16",
     "a window of 8 needs at least 8 input rows or columns, and this axis has 6"),
])
def test_ordinary_python_is_an_error_at_its_construct(tmp_path: Path, code: str, args: list[str], where: str,
                                                      message: str) -> None:
    out = refused(tmp_path, code, args)
    assert where in out and message in out, out
    assert "^" in out


def test_a_failed_assignment_beside_a_model_is_named_with_its_reason(tmp_path: Path) -> None:
    """`x = -'a'` next to a model: the file may mean either, so the choice is the user's, and the reason is shown."""
    out = refused(tmp_path, "x = -'a'\n" + KERAS + DENSE.replace("NAME", "'d'"))
    assert "the file defines 1 model: model" in out and "x (line 1: Python fails here" in out, out
    path = tmp_path / "net.py"
    assert run("summary", str(path), "--model", "model")[0] == 0


# ---- issue 21: wrong numbers with exit 0 — each construct gives the framework's number, or a clean refusal ----

def keras_model(body: str) -> str:
    return KERAS + "x = keras.Input((8, 8, 3))\n" + body + "model = keras.Model(x, y)\n"


def torch_sequential(body: str) -> str:
    return TORCH + f"model = nn.Sequential({body})\n"


#: (code, the input PyTorch code needs, what cnncalc must do: "same" as the framework, or "refused" at its line).
#: A construct the framework itself refuses must be refused too, whatever this column says.
CONSTRUCTS = [
    (keras_model("y = layers.Concatenate(axis=1)([x, x])\n"), None, "refused"),  # Keras: (None, 16, 8, 3)
    (keras_model("y = layers.concatenate([x, x], axis=2)\n"), None, "refused"),
    (keras_model("y = layers.Concatenate(axis=-1)([x, x])\n"), None, "same"),
    (keras_model("y = layers.Concatenate(axis=3)([x, x])\n"), None, "same"),
    (KERAS + "x = keras.Input((8,))\nd = layers.Dense(8)\ny = d(d(x))\nmodel = keras.Model(x, y)\n", None,
     "refused"),  # Keras shares d's weights: 72 params, not 144
    (KERAS + "x = keras.Input((8,))\nr = layers.ReLU()\ny = r(r(x))\nmodel = keras.Model(x, y)\n", None, "same"),
    (keras_model("y = layers.Conv2D(4, 3, padding='abc')(x)\n"), None, "refused"),
    (keras_model("y = layers.Conv2D(4, 3, padding='SAME')(x)\n"), None, "same"),
    (keras_model("y = layers.MaxPooling2D(2, padding='abc')(x)\n"), None, "refused"),
    (KERAS + "x = keras.Input(shape=(True, 5, 3))\ny = layers.Conv2D(2, 1)(x)\nmodel = keras.Model(x, y)\n", None,
     "refused"),  # Keras reads True as 1; cnncalc read a size named 'True'
    (keras_model("y = layers.Dense(8.0)(x)\n"), None, "refused"),
    (keras_model("y = layers.Dense('10, conv32x3')(x)\n"), None, "refused"),
    (keras_model("y = layers.LayerNormalization(center=False)(x)\n"), None, "same"),
    (keras_model("y = layers.LayerNormalization(axis=[1, 2, 3])(x)\n"), None, "refused"),
    (keras_model("y = layers.BatchNormalization(axis=1)(x)\n"), None, "refused"),
    (KERAS + "x = keras.Input((8,))\ny = layers.BatchNormalization(axis=1)(x)\nmodel = keras.Model(x, y)\n", None,
     "same"),
    (torch_net("        x = self.c(x)\n        return torch.cat([x, x], dim=3)\n"), (3, 8, 8), "refused"),
    (torch_net("        x = self.c(x)\n        return torch.cat([x, x], dim=1)\n"), (3, 8, 8), "same"),
    (torch_net("        x = self.c(x)\n        return torch.cat((x, x), -3)\n"), (3, 8, 8), "same"),
    (torch_net("        return F.interpolate(self.c(x), scale_factor=1.5)\n"), (3, 8, 8), "same"),  # a resize
    (torch_net("        return F.interpolate(self.c(x), scale_factor=0.7, mode='bicubic')\n"), (3, 8, 8), "refused"),
    (torch_net("        return F.interpolate(self.c(x), scale_factor=(2, 2))\n"), (3, 8, 8), "same"),
    (torch_net("        return F.interpolate(self.c(x), None, (2, 3))\n"), (3, 8, 8), "same"),
    (torch_net("        return F.interpolate(self.c(x), scale_factor=2.0)\n"), (3, 8, 8), "same"),
    (torch_net("        return F.max_pool2d(self.c(x), 2.5)\n"), (3, 8, 8), "refused"),
    (torch_sequential("nn.Conv2d(3, 8, 3, padding=1), nn.LayerNorm([8, 32, 32])"), (3, 32, 32), "refused"),
    (torch_sequential("nn.Linear(4, 8), nn.LayerNorm(5)"), (4,), "refused"),
    (torch_sequential("nn.Linear(4, 8), nn.LayerNorm(8)"), (4,), "same"),
    (torch_sequential("nn.Linear(4, 8), nn.LayerNorm((8,), elementwise_affine=False)"), (4,), "same"),
    (torch_sequential("nn.Linear(4, 8), nn.LayerNorm(8, bias=False)"), (4,), "same"),
    (torch_sequential("nn.Conv2d(3, 4, 3, padding='abc')"), (3, 8, 8), "refused"),
    (torch_sequential("nn.Conv2d(3, 4, 3, padding='same')"), (3, 8, 8), "same"),
    (TORCH + "fc = nn.Linear(8, 8)\nmodel = nn.Sequential(fc, nn.ReLU(), fc)\n", (8,), "refused"),  # 72, not 144
    (TORCH + "act = nn.ReLU()\nmodel = nn.Sequential(nn.Linear(8, 8), act, nn.Linear(8, 8), act)\n", (8,), "same"),
    (torch_sequential("nn.Conv2d(3, 4, 3), nn.GroupNorm(2, 4, affine=False)"), (3, 8, 8), "refused"),
    (torch_sequential("nn.Conv2d(True, 4, 3)"), (1, 8, 8), "refused"),
    # PyTorch gives [2, 72], not the [1, 144] of a flatten
    (torch_net("        x = self.c(x)\n        return x.view(-1, 72)\n"), (3, 8, 8), "refused"),
    (torch_net("        x = self.c(x)\n        return x.view(-1, 144)\n"), (3, 8, 8), "same"),
    # modules in a plain list are not registered: PyTorch counts 112 (the conv), not 112 + 2 · 20
    (torch_net("        x = self.c(x).flatten(1)[:, :4]\n        for b in self.blocks:\n            x = b(x)\n"
               "        return x\n", "        self.blocks = [nn.Linear(4, 4), nn.Linear(4, 4)]\n"), (3, 8, 8),
     "refused"),
    (torch_net("        x = self.c(x).flatten(1)[:, :4]\n        for b in self.blocks:\n            x = b(x)\n"
               "        return x\n", "        self.blocks = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 4)])\n"),
     (3, 8, 8), "same"),
    (torch_net("        return self.net(self.c(x))\n", "        self.layers = [nn.Conv2d(4, 4, 1), nn.ReLU()]\n"
               "        self.net = nn.Sequential(*self.layers)\n"), (3, 8, 8), "same"),  # registered by the Sequential
    (torch_net("        return self.acts['relu'](self.c(x))\n", "        self.acts = {'relu': nn.ReLU()}\n"),
     (3, 8, 8), "same"),  # a ReLU changes no count
]


def framework_result(code: str, shape: tuple[int, ...] | None) -> tuple[int, str] | str:
    """What the framework gives when it runs the code: (parameters, output shape as it prints one), or the name of
    what it raises."""
    namespace: dict[str, Any] = {}
    try:
        if shape is None:
            keras = oracle("keras")
            keras.backend.clear_session()
            exec(compile(code, "net.py", "exec"), namespace)
            model = namespace["model"]
            return model.count_params(), str(tuple(model.output_shape))
        torch = oracle("torch")
        exec(compile(code, "net.py", "exec"), namespace)
        model = namespace["model"]
        with torch.no_grad():
            output = model(torch.zeros(1, *shape))
        return sum(p.numel() for p in model.parameters()), str(list(output.shape))
    except pytest.skip.Exception:
        raise
    except Exception as error:  # any refusal of the framework's is the point
        return type(error).__name__


@pytest.mark.oracle
@pytest.mark.parametrize(("code", "shape", "expected"), CONSTRUCTS)
def test_each_construct_gives_the_frameworks_number_or_a_clean_refusal(tmp_path: Path, code: str,
                                                                      shape: tuple[int, ...] | None,
                                                                      expected: str) -> None:
    import json

    theirs = framework_result(code, shape)
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    args = ["--input", "x".join(map(str, shape))] if shape else []
    status, out = run("summary", str(path), *args, "--format", "json")
    if isinstance(theirs, str) or expected == "refused":
        assert status == 2 and "Traceback" not in out, (theirs, out)
        assert re.search(r"net\.py:\d+:\d+: ", out) and "^" in out, out
        return
    assert status == 0, out
    document = json.loads(out)
    last = document["layers"][-1]
    shown = str(last["torch_shape"]) if shape else str((None, *last["output_shape"]))
    assert (document["total_params"], shown) == theirs


# ---- issue 21: Python as Python runs it (a construct skipped would drop layers silently) ----

@pytest.mark.parametrize(("code", "spec"), [
    # a while loop on known values is followed, as a for loop is (it was skipped, dropping its three layers)
    (KERAS + "model = keras.Sequential([keras.Input((4,))])\ni = 0\nwhile i < 3:\n    model.add(layers.Dense(8))\n"
     "    i += 1\n", "input 4, dense8, dense8, dense8"),
    # for … else, and try … else … finally, run their other blocks when nothing breaks or raises
    (KERAS + "model = keras.Sequential([keras.Input((4,))])\nfor i in range(2):\n    model.add(layers.Dense(8))\n"
     "else:\n    model.add(layers.Dense(2))\n", "input 4, dense8, dense8, dense2"),
    (KERAS + "model = keras.Sequential([keras.Input((4,))])\ntry:\n    model.add(layers.Dense(8))\nexcept ValueError:\n"
     "    pass\nelse:\n    model.add(layers.Dense(4))\nfinally:\n    model.add(layers.Dense(2))\n",
     "input 4, dense8, dense4, dense2"),
    # layers += [...] extends the very list that another name holds
    (KERAS + "stack = []\nalias = stack\nstack += [layers.Dense(8)]\n"
     "model = keras.Sequential([keras.Input((4,)), *alias])\n", "input 4, dense8"),
    # a static method is not given self; a property is read as its value; a class method is given the class
    (TORCH + "class Net(nn.Module):\n    width = 6\n    def __init__(self):\n        super().__init__()\n"
     "        self.fc = self.layer(4, self.size)\n        self.out = Net.head(self.size)\n"
     "    @staticmethod\n    def layer(a, b):\n        return nn.Linear(a, b)\n"
     "    @classmethod\n    def head(cls, n):\n        return nn.Linear(n, cls.width)\n"
     "    @property\n    def size(self):\n        return 5\n"
     "    def forward(self, x):\n        return self.out(self.fc(x))\nmodel = Net()\n", "dense5, dense6"),
    # nn.Sequential's item assignment replaces a layer (it was ignored)
    (TORCH + "model = nn.Sequential(nn.Linear(4, 8), nn.ReLU())\nmodel[0] = nn.Linear(4, 3)\n", "dense3, relu"),
    # iterating an nn.Sequential gives its layers
    (TORCH + "body = nn.Sequential(nn.Linear(4, 8), nn.ReLU())\nmodel = nn.Sequential(*[m for m in body])\n",
     "dense8, relu"),
    # a closure sees the module's names as they are when it runs, not a copy taken when it was called
    (KERAS + "def make():\n    return keras.Sequential([keras.Input((4,)), layers.Dense(width)])\nwidth = 7\n"
     "model = make()\n", "input 4, dense7"),
])
def test_python_constructs_are_followed_as_python_runs_them(code: str, spec: str) -> None:
    assert read_model(code, "net.py", "model").spec == spec


@pytest.mark.parametrize(("code", "where", "message"), [
    (KERAS + "model = keras.Sequential([keras.Input((4,))])\nmodel.add(layers.Dense(8, trainable=False))\n",
     "net.py:4:11", "a Dense that is not trainable"),
    (KERAS + "d = layers.Dense(8)\nd.trainable = False\nmodel = keras.Sequential([keras.Input((4,)), d])\n",
     "net.py:4:1", "cnncalc cannot follow a change to a built layer or model (.trainable = …)"),
    (KERAS + "import config\nmodel = keras.Sequential([keras.Input((4,)), *[layers.Dense(8) for i in range(3) "
     "if config.deep]])\n", "net.py:4:", "this filter depends on values only known when the code runs"),
    (KERAS + "mode = 'a'\nmatch mode:\n    case 'a':\n        model = keras.Sequential([keras.Input((4,))])\n",
     "net.py:4:1", "cnncalc does not follow match statements"),
    (KERAS + "v = '%.999999999f' % 1.0\n" + USES_V, "net.py:3:5", "a %-format whose width or precision is over"),
    (KERAS + "v = '%*d' % (10 ** 9, 1)\n" + USES_V, "net.py:3:5", "read from its arguments (*)"),
    (KERAS + "s = 'ab'\nfor i in range(40):\n    s += s\n" + DENSE, "net.py:5:5", "a sequence of 131,072 items"),
    (KERAS + "v = 10 ** 10 ** 10\n" + USES_V, "net.py:3:5", "a number of more than 4,096 bits"),
    (KERAS + "x = list(range(100000))\nfor i in range(190000):\n    y = sorted(x)\n" + DENSE, "net.py:5:9",
     "more than 1,000,000 units of work"),
    (KERAS + "t = ()\nfor i in range(150):\n    t = (t,)\nv = {t: 1}\n" + USES_V, "net.py:6:6",
     "a value nested more than 100 deep"),
])
def test_what_python_would_spend_unbounded_work_on_is_refused(tmp_path: Path, code: str, where: str,
                                                              message: str) -> None:
    out = refused(tmp_path, code)
    assert where in out and message in out, out


def test_round_with_a_huge_negative_precision_is_zero_without_computing_ten_to_the_billion() -> None:
    code = KERAS + "n = round(5, -10 ** 9)\nmodel = keras.Sequential([keras.Input((4,)), layers.Dense(n + 3)])\n"
    assert read_model(code, "net.py").spec == "input 4, dense3"  # round(5, -d) is 0 for any d ≥ 1


def test_the_source_is_bounded_before_python_parses_it(tmp_path: Path) -> None:
    from cnncalc.readers.code.limits import MAX_SOURCE_BYTES

    out = refused(tmp_path, "x = 1\n" * (MAX_SOURCE_BYTES // 6 + 1))
    assert f"over the {MAX_SOURCE_BYTES // 1024:,} KiB cnncalc reads as model code" in out, out


def test_the_line_of_a_spec_error_is_found_by_a_search_not_a_scan() -> None:
    """_node_at maps a spec position to its item: every position inside an item, and none between items."""
    from cnncalc.readers.code.network import _node_at

    code = read_model(KERAS + "x = keras.Input((4,))\ny = x\n" + "y = layers.ReLU()(y)\n" * 50 +
                      "model = keras.Model(x, y)\n", "net.py")
    for (start, end), node in code.items:
        assert all(_node_at(code, position) is node for position in range(start, end))
        assert _node_at(code, end) is not node
    assert _node_at(code, len(code.spec) + 10) is None


@pytest.mark.parametrize(("first", "second"), [
    ("layers.Dense(8)", "layers.Dense(8.0)"), ("layers.Dense(8)", "layers.Dense(True)"),
    ("layers.Dropout(0.0)", "layers.Dropout(-0.0)"),
    ("layers.Conv2D(4, 3, strides=1)", "layers.Conv2D(4, 3, strides=True)"),
    ("layers.Conv2D(4, (3, 1))", "layers.Conv2D(4, (3, True))")])
def test_a_layer_read_once_for_its_arguments_tells_their_types_apart(tmp_path: Path, first: str, second: str) -> None:
    """A layer's item is made once for each class and arguments; 8 == 8.0 == True and 0.0 == -0.0 in Python, but a
    size of 8.0 or True is refused where 8 is read, and -0.0 is no rate: the second layer is refused at its line,
    after the first, with the equal arguments of the right type, was read."""
    code = keras_model(f"y = {first}(x)\ny = {second}(y)\n")
    line = code.splitlines().index(f"y = {second}(y)") + 1
    assert run("summary", str(_written(tmp_path, keras_model(f"y = {first}(x)\n"))))[0] == 0
    assert f"net.py:{line}:" in refused(tmp_path, code)


def _written(folder: Path, code: str) -> Path:
    path = folder / "first.py"
    path.write_text(code, encoding="utf-8")
    return path


def test_a_block_skipped_on_a_run_time_condition_may_not_change_the_model(tmp_path: Path) -> None:
    """Whether `if len(sys.argv) > 1: model.add(...)` runs is only known when the code runs: it is refused, where it
    was skipped and the layer silently left out."""
    out = refused(tmp_path, KERAS + "import sys\nmodel = keras.Sequential([keras.Input((4,))])\n"
                  "if len(sys.argv) > 1:\n    model.add(layers.Dense(8))\nmodel.add(layers.Dense(2))\n")
    assert "net.py:6:5: this may change the model, in a block that runs or not" in out, out
    out = refused(tmp_path, torch_net("        return self.c(x)\n", "        for p in self.parameters():\n"
                                      "            p.requires_grad = False\n"), ["--input", "3x8x8"])
    assert "net.py:9:13: this may change the model" in out, out  # frozen weights: the trainable count changes
    # what such blocks usually hold changes nothing the summary shows, and is still skipped
    code = torch_net("        return self.c(x)\n", "        for m in self.modules():\n"
                     "            if isinstance(m, nn.Conv2d):\n"
                     "                nn.init.kaiming_normal_(m.weight, mode='fan_out')\n") + \
        "if torch.cuda.is_available():\n    model = model.cuda()\n"
    assert read_model(code, "net.py").spec == "conv4x3x3"


# ---- the network's records are built from the graph, not by reading the spec text back ----

@pytest.mark.parametrize("path", MODELS, ids=[p.stem for p in MODELS])
def test_the_records_read_from_code_are_the_spec_parsers_own(path: Path) -> None:
    """The records the reader builds from its graph equal what the spec's parser makes of the code's spec text
    (the parser is the outside reading: every layer, span, source, input and branch, the input and the graph)."""
    from cnncalc.language.spec import parse
    from cnncalc.readers.code.spec_records import spec_records

    model = "model_no_max_pool" if path.stem == "lecture_convnet_models" else options(path).get("model")
    code = read_model(path.read_text(encoding="utf-8"), str(path), model)
    records = spec_records(code)  # the modules each row is made inside are the code's alone (the text is flat)
    assert replace(records, layers=tuple(replace(layer, containers=()) for layer in records.layers)) == \
        parse(code.spec)


@pytest.mark.parametrize(("body", "spec"), [
    # two branches from one tensor, merged: the second reads the input by name, the merge both by name
    ("y = layers.Conv2D(4, 3)(x)\nz = layers.Conv2D(4, 1)(x)\nw = layers.Add()([y, z])\n",
     "input 8x8x3, conv4x3x3 as t1, @input, conv4x1x1 as t2, add(@t1 | @t2)"),
    ("y = layers.Dense(4)(x)\nw = layers.concatenate([y, layers.ReLU()(y), y])\n",
     "input 8x8x3, dense4 as t1, relu as t2, cat(@t1 | @t2 | @t1)"),
])
def test_a_graphs_records_are_the_spec_parsers_own(body: str, spec: str) -> None:
    from cnncalc.language.spec import parse
    from cnncalc.readers.code.spec_records import spec_records

    code = read_model(KERAS + "x = keras.Input((8, 8, 3))\n" + body + "model = keras.Model(x, w)\n", "net.py")
    assert code.spec == spec
    assert spec_records(code) == parse(spec)


@pytest.mark.parametrize(("body", "where", "message"), [
    ("y = layers.Conv2D(4, 0)(x)\n", "net.py:4:5", "'conv4x0x0' has a size of zero"),
    ("y = layers.Dropout(1.5)(x)\n", "net.py:4:5", "dropout rate 1.5 is outside [0, 1]"),
    ("y = layers.Conv2D(3, 1)(x)\nz = keras.Input((8, 8, 3))\ny = layers.Add()([y, z])\n", "net.py:5:5",
     "'input' must come first, and only once"),
])
def test_what_the_spec_refuses_in_a_layer_is_refused_at_the_codes_line(tmp_path: Path, body: str, where: str,
                                                                       message: str) -> None:
    out = refused(tmp_path, KERAS + "x = keras.Input((8, 8, 3))\n" + body + "model = keras.Model(x, y)\n")
    assert f"{where}: {message}" in out, out


def test_reading_leaves_the_collector_as_it_found_it() -> None:
    """Reading pauses Python's collector and hands what it made to the oldest generation; it leaves the collector on
    and nothing frozen, and what someone else froze stays frozen."""
    import gc

    code = KERAS + "x = keras.Input((4,))\ny = layers.Dense(2)(x)\nmodel = keras.Model(x, y)\n"
    assert gc.isenabled() and gc.get_freeze_count() == 0
    from cnncalc.readers.code import build_model

    assert build_model(read_model(code, "net.py")).total_params == 10  # 4 × 2 weights + 2 biases
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        build_model(read_model(code, "net.py"))
        assert gc.isenabled() and gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
