"""The words rescaling, normalization, pixelshuffle, reflectpad, replicatepad, instancenorm and logsoftmax: each
layer against Keras 3 and PyTorch (shape, parameters, buffers, and what the framework refuses), each NumPy twin's
values against the framework's, the code both writers make of them run by the frameworks and read back, and model
code written as real files write it (the examples' super-resolution net, TransformerNet, the MNIST net, the VAE,
keras.applications' EfficientNet stem) read as the framework runs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import build
from cnncalc.readers.code import read_model

from .conftest import oracle
from .test_oracle_layers import first, keras_result, ours, torch_result
from .test_pycode import KERAS, TORCH, framework_result, run

np = pytest.importorskip("numpy")


def dims(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape))


# ---- each layer against the frameworks: (input channels-last, spec, Keras layer, PyTorch module) ----

LAYERS = [
    ((6, 5, 8), "pixelshuffle2", None, "nn.PixelShuffle(2)"),
    ((3, 4, 18), "pixelshuffle3", None, "nn.PixelShuffle(3)"),
    ((3, 4, 6), "pixelshuffle2", None, "nn.PixelShuffle(2)"),  # 6 channels: PyTorch refuses
    ((5, 6, 3), "reflectpad2", None, "nn.ReflectionPad2d(2)"),
    ((5, 6, 3), "reflectpad t1 b4 l0 r5", None, "nn.ReflectionPad2d((0, 5, 1, 4))"),
    ((5, 6, 3), "reflectpad t5", None, "nn.ReflectionPad2d((0, 0, 5, 0))"),  # 5 rows reflect at most 4
    ((2, 2, 3), "reflectpad2", None, "nn.ReflectionPad2d(2)"),
    ((2, 2, 3), "replicatepad3", None, "nn.ReplicationPad2d(3)"),
    ((5, 6, 3), "replicatepad t1 r2", None, "nn.ReplicationPad2d((0, 2, 1, 0))"),
    ((5, 6, 3), "instancenorm", "layers.GroupNormalization(groups=-1)", "nn.InstanceNorm2d(3, affine=True)"),
    ((5, 6, 3), "instancenorm noscale nocenter", "layers.GroupNormalization(groups=-1, center=False, scale=False)",
     "nn.InstanceNorm2d(3)"),
    ((1, 1, 4), "instancenorm", "layers.GroupNormalization(groups=-1)", "nn.InstanceNorm2d(4, affine=True)"),
    ((7, 4), "instancenorm", "layers.GroupNormalization(groups=-1)", "nn.InstanceNorm1d(4, affine=True)"),
    ((4,), "instancenorm", "layers.GroupNormalization(groups=-1)", None),
    ((5, 6, 3), "rescaling", "layers.Rescaling(1 / 255)", None),
    ((7,), "rescaling0.5", "layers.Rescaling(0.5)", None),
    ((5, 6, 3), "rescaling0.0078125 offset-1", "layers.Rescaling(1 / 128, offset=-1)", None),
    ((5, 6, 3), "normalization", "layers.Normalization()", "nn.BatchNorm2d(3, affine=False)"),
    ((7, 4), "normalization", "layers.Normalization()", "nn.BatchNorm1d(4, affine=False)"),
    ((9,), "normalization", "layers.Normalization()", "nn.BatchNorm1d(9, affine=False)"),
    # keras.applications' EfficientNetV2 stem: ImageNet's mean and variance given, no weights
    ((5, 6, 3), "normalization imagenet",
     "layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2])", None),
    # and ConvNeXt's, for pixels in [0, 255]
    ((5, 6, 3), "normalization imagenet255", "layers.Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255], "
     "variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2])", None),
    ((5, 6, 3), "logsoftmax", "layers.Activation('log_softmax')", "nn.LogSoftmax(dim=1)"),
    ((10,), "logsoftmax", "layers.Activation('log_softmax')", "nn.LogSoftmax(dim=1)"),
]


@pytest.mark.oracle
@pytest.mark.parametrize(("shape", "word", "keras_code", "torch_code"), LAYERS)
def test_each_word_agrees_with_keras_and_pytorch(shape: tuple[int, ...], word: str, keras_code: str | None,
                                                 torch_code: str | None) -> None:
    if keras_code is not None:
        assert ours(f"input {dims(shape)}, {word}", "keras") == \
            keras_result(oracle("keras"), shape, keras_code), keras_code
    if torch_code is not None:
        assert ours(f"input {dims(first(shape))} nchw, {word}", "torch") == \
            torch_result(oracle("torch"), shape, torch_code), torch_code


def test_the_counts_written_out() -> None:
    # hand arithmetic: Keras' Normalization holds a mean and a variance per channel and a count, none trainable
    net = build("input 224x224x3, rescaling, normalization")
    assert (net.total_params, net.trainable_params) == (2 * 3 + 1, 0)
    assert build("input 32x8x8 nchw, instancenorm").total_params == 2 * 32
    assert build("input 8x8x8, pixelshuffle2").layers[-1].output_shape == (16, 16, 2)


@pytest.mark.parametrize(("spec", "message"), [
    ("input 4x4x6, pixelshuffle2", "6 channels are not divisible by 2·2 = 4"),
    ("input 3x8x2, reflectpad3", "padding (3, 3) on the height of 3"),
    ("input 8x8, pixelshuffle2", "needs an H×W×C input"),
    ("input 8x8x4, normalization imagenet", "3 channels (red, green, blue), but it receives 4"),
    ("input 8x8x3 nchw, instancenorm, flatten, instancenorm", "PyTorch's InstanceNorm needs a map"),
])
def test_what_the_rules_refuse_is_said(spec: str, message: str) -> None:
    with pytest.raises(CnnCalcError, match=None) as error:
        build(spec)
    assert message in error.value.render(), error.value.render()


# ---- the twins' values against the frameworks' ----

def twin_of(spec: str, shape: tuple[int, ...], seed: int = 0) -> Any:
    from cnncalc.numeric.twins.registry import TWINS

    layer = build(f"input {dims(shape)}, {spec}").layers[-1].layer
    return TWINS[type(layer)](layer, shape, np.random.default_rng(seed))


@pytest.mark.oracle
@pytest.mark.parametrize(("spec", "module", "shape"), [
    ("pixelshuffle2", "nn.PixelShuffle(2)", (3, 4, 12)),
    ("pixelshuffle3", "nn.PixelShuffle(3)", (2, 2, 9)),
    ("reflectpad t1 b2 l3 r0", "nn.ReflectionPad2d((3, 0, 1, 2))", (4, 5, 2)),
    ("replicatepad t0 b2 l1 r3", "nn.ReplicationPad2d((1, 3, 0, 2))", (3, 2, 2)),
    ("instancenorm noscale nocenter", "nn.InstanceNorm2d(3, eps=1e-3)", (4, 5, 3)),
    ("logsoftmax", "nn.LogSoftmax(dim=1)", (3, 4, 5)),
    ("logsoftmax", "nn.LogSoftmax(dim=1)", (6,)),
])
def test_twins_compute_what_pytorch_computes(spec: str, module: str, shape: tuple[int, ...]) -> None:
    torch = oracle("torch")
    nn = torch.nn  # noqa: F841 - used by the module code
    x = np.random.default_rng(7).standard_normal((2, *shape))
    theirs = eval(module)(torch.tensor(x).movedim(-1, 1)).movedim(1, -1).numpy()
    np.testing.assert_allclose(twin_of(spec, shape)(x), theirs, rtol=1e-6, atol=1e-6)


@pytest.mark.oracle
def test_the_keras_twins_compute_what_keras_computes() -> None:
    keras = oracle("keras")
    from cnncalc.numeric.twins.base import _normal

    x = np.random.default_rng(8).standard_normal((2, 3, 4, 5)).astype("float32")
    rescaled = keras.layers.Rescaling(0.25)(x)
    np.testing.assert_allclose(twin_of("rescaling0.25", (3, 4, 5))(x), keras.ops.convert_to_numpy(rescaled),
                               rtol=1e-6)
    shifted = keras.layers.Rescaling(1 / 127.5, offset=-1)(x)  # MobileNetV3's, to [-1, 1]
    np.testing.assert_allclose(twin_of("rescaling0.00784313725490196 offset-1", (3, 4, 5))(x),
                               keras.ops.convert_to_numpy(shifted), rtol=1e-6, atol=1e-6)
    rng = np.random.default_rng(0)  # the twin's own draws, in its order: the mean, then the variance
    mean, variance = _normal(rng, (5,)), rng.uniform(0.5, 2.0, 5).astype("float32")
    normalized = keras.layers.Normalization(mean=mean, variance=variance)(x)
    np.testing.assert_allclose(twin_of("normalization", (3, 4, 5))(x), keras.ops.convert_to_numpy(normalized),
                               rtol=1e-5, atol=1e-6)
    # given ImageNet's constants, as keras.applications' EfficientNetV2 gives them
    x = np.random.default_rng(9).uniform(0, 1, (2, 4, 5, 3)).astype("float32")
    given = keras.layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2])
    np.testing.assert_allclose(twin_of("normalization imagenet", (4, 5, 3))(x),
                               keras.ops.convert_to_numpy(given(x)), rtol=1e-5, atol=1e-6)
    x = x * 255  # ConvNeXt's, on pixels in [0, 255]
    given = keras.layers.Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
                                       variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2])
    np.testing.assert_allclose(twin_of("normalization imagenet255", (4, 5, 3))(x),
                               keras.ops.convert_to_numpy(given(x)), rtol=1e-5, atol=1e-5)


# ---- the code both writers make, run by the frameworks and read back ----

@pytest.mark.oracle
@pytest.mark.parametrize("spec", [
    "input 8x8x8, reflectpad1, replicatepad t1 b2, pixelshuffle2, instancenorm, rescaling, normalization, "
    "conv4x3, logsoftmax",
    "input 6x6x3, rescaling0.5, normalization, conv8x3 logsoftmax, instancenorm noscale nocenter, flatten, "
    "dense3 logsoftmax",
    "input 6x6x3, rescaling0.0078125 offset-1, conv4x3",
])
def test_written_code_runs_and_reads_back(spec: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .test_codegen import keras_check, torch_check

    net = build(spec)
    assert torch_check(net, tmp_path), "PyTorch code refused"
    assert keras_check(net, tmp_path, monkeypatch) == ("pixelshuffle" not in spec), "Keras code"


@pytest.mark.oracle
def test_imagenet_normalization_is_written_for_keras_and_refused_for_pytorch(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from cnncalc.views.codegen import pytorch_code

    from .test_codegen import keras_check

    for spec in ("input 8x8x3, rescaling, normalization imagenet, conv4x3", "input 8x8x3, normalization imagenet255"):
        net = build(spec)
        assert keras_check(net, tmp_path, monkeypatch)
        with pytest.raises(CnnCalcError, match=r"transforms\.Normalize"):
            pytorch_code(net)


def test_keras_code_is_refused_for_what_keras_has_no_layer_for() -> None:
    from cnncalc.views.codegen import keras_code, pytorch_code

    for word, reason in (("pixelshuffle2", "Keras has no pixel shuffle layer"),
                         ("reflectpad1", "Keras has no reflection padding layer"),
                         ("replicatepad1", "Keras has no replication padding layer")):
        with pytest.raises(CnnCalcError) as error:
            keras_code(build(f"input 8x8x8, {word}"))
        assert error.value.render().startswith("layer 1 ") and reason in error.value.render()
    with pytest.raises(CnnCalcError, match="learns gamma and beta together"):
        pytorch_code(build("input 8x8x8, instancenorm noscale"))
    for spec in ("input 8, instancenorm", "input 1x1x8, instancenorm"):  # Keras takes them; PyTorch refuses
        with pytest.raises(CnnCalcError, match="needs more than one value per channel"):
            pytorch_code(build(spec))


# ---- model code as the real files write it ----

def torch_net(init: str, forward: str, head: str = "") -> str:
    return (TORCH + head + "class Net(nn.Module):\n    def __init__(self):\n        super(Net, self).__init__()\n" +
            init + "    def forward(self, x):\n" + forward + "model = Net()\n")


#: (code, the input PyTorch code needs, or None for Keras): each must give the framework's count and shape.
FOLLOWED = [
    # the examples' super-resolution net: a conv to R² channels, then PixelShuffle(R)
    (torch_net("        self.relu = nn.ReLU()\n        self.conv1 = nn.Conv2d(1, 8, (5, 5), (1, 1), (2, 2))\n"
               "        self.conv2 = nn.Conv2d(8, 3 ** 2, (3, 3), (1, 1), (1, 1))\n"
               "        self.pixel_shuffle = nn.PixelShuffle(3)\n",
               "        x = self.relu(self.conv1(x))\n        x = self.pixel_shuffle(self.conv2(x))\n"
               "        return x\n"), (1, 10, 10)),
    # fast neural style's TransformerNet: reflection padding, then a conv; instance norm with affine weights
    (torch_net("        self.pad = torch.nn.ReflectionPad2d(9 // 2)\n        self.conv = torch.nn.Conv2d(3, 8, 9, 1)\n"
               "        self.in1 = torch.nn.InstanceNorm2d(8, affine=True)\n"
               "        self.pad2 = nn.ReplicationPad2d((1, 0, 2, 1))\n        self.in2 = nn.InstanceNorm2d(8)\n",
               "        y = torch.nn.functional.relu(self.in1(self.conv(self.pad(x))))\n"
               "        return self.in2(self.pad2(y))\n"), (3, 16, 16)),
    # the MNIST example: F.log_softmax(x, dim=1) at the end, and nn.LogSoftmax
    (torch_net("        self.fc1 = nn.Linear(12, 10)\n        self.out = nn.LogSoftmax(dim=1)\n",
               "        x = F.relu(self.fc1(x))\n        return self.out(F.log_softmax(x, dim=1))\n"), (12,)),
    # the VAE: an elementwise exp of a tensor times a number, noise shaped like it, a sum; torch.sigmoid
    (torch_net("        self.fc21 = nn.Linear(8, 4)\n        self.fc22 = nn.Linear(8, 4)\n"
               "        self.fc3 = nn.Linear(4, 8)\n",
               "        mu, logvar = self.fc21(x), self.fc22(x)\n        std = torch.exp(0.5*logvar)\n"
               "        eps = torch.randn_like(std)\n        z = mu + eps*std\n"
               "        return torch.sigmoid(self.fc3(-z * 0.2 + 1))\n"), (8,)),
    # keras.applications' EfficientNet stem: Rescaling(1/255) and Normalization on the channel axis
    (KERAS + "x = keras.Input((8, 8, 3))\ny = layers.Rescaling(1.0 / 255.0)(x)\n"
     "y = layers.Normalization(axis=3)(y)\ny = layers.Conv2D(4, 3)(y)\n"
     "y = layers.GroupNormalization(groups=-1)(y)\ny = layers.Activation('log_softmax')(y)\n"
     "model = keras.Model(x, y)\n", None),
]


@pytest.mark.oracle
@pytest.mark.parametrize(("code", "shape"), FOLLOWED)
def test_model_code_with_these_layers_counts_as_the_framework(tmp_path: Path, code: str,
                                                             shape: tuple[int, ...] | None) -> None:
    theirs = framework_result(code, shape)
    assert not isinstance(theirs, str), theirs
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), *(["--input", dims(shape)] if shape else []), "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    last = document["layers"][-1]
    assert (document["total_params"], str(last["torch_shape"]) if shape else
            str((None, *last["output_shape"]))) == theirs


def test_model_code_reads_as_these_words() -> None:
    code = torch_net("        self.a = nn.ReflectionPad2d((1, 2, 3, 4))\n        self.b = nn.PixelShuffle(2)\n"
                     "        self.c = nn.InstanceNorm2d(2)\n",
                     "        return F.log_softmax(self.c(self.b(self.a(x))), 1)\n")
    assert read_model(code, "net.py", "model").spec == \
        "reflectpad t3 b4 l1 r2, pixelshuffle2, instancenorm noscale nocenter, logsoftmax fn"  # F.: no module
    keras = KERAS + ("model = keras.Sequential([keras.Input((4, 4, 3)), layers.Rescaling(0.5), "
                     "layers.Normalization()])\n")
    assert read_model(keras, "net.py", "model").spec == "input 4x4x3, rescaling0.5, normalization"
    shifted = KERAS + ("x = keras.Input((4,))\ny = layers.Rescaling(1.0 / 127.5, offset=-1)(x)\n"
                       "model = keras.Model(x, y)\n")
    assert read_model(shifted, "net.py", "model").spec == "input 4, rescaling0.00784313725490196 offset-1"


@pytest.mark.parametrize(("code", "shape", "where", "message"), [
    (torch_net("        self.n = nn.InstanceNorm2d(3, track_running_stats=True)\n", "        return self.n(x)\n"),
     "3x8x8", "net.py:7:18", "track_running_stats=True"),
    (torch_net("        self.f = nn.Linear(4, 4)\n", "        return F.log_softmax(self.f(x).view(-1, 4), dim=0)\n"),
     "4", "net.py:9:16", "log_softmax on dim 0, which is not the channel axis"),
    (torch_net("        self.f = nn.Linear(4, 4)\n", "        y = self.f(x)\n        return y, y\n"),
     "4", "net.py:8:5", "gives 2 values, not one tensor"),
    (torch_net("        self.f = nn.Linear(4, 4)\n", "        return self.f(x) @ 2\n"),
     "4", "net.py:9:16", "an operation between a tensor and a number"),
    (KERAS + "x = keras.Input((4,))\ny = layers.Dense(4)(x) * 0.5\nmodel = keras.Model(x, y)\n", None,
     "net.py:4:5", "(Keras makes a row of it)"),
    (KERAS + "x = keras.Input((4,))\ny = layers.Normalization(mean=0.0, variance=1.0)(x)\n"
     "model = keras.Model(x, y)\n", None, "net.py:4:5", "a Normalization given mean"),
])
def test_what_is_not_modelled_is_refused_at_its_line(tmp_path: Path, code: str, shape: str | None, where: str,
                                                     message: str) -> None:
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), *(["--input", shape] if shape else []))
    assert status == 2 and "Traceback" not in out, out
    assert where in out and message in out, out


# ---- check --summary: the rows torchinfo and Keras print for these layers, paired with the words ----

#: torchinfo's table of nn.Sequential(ReflectionPad2d(1), Conv2d(3, 8, 3), InstanceNorm2d(8, affine=True), ReLU(),
#: ReplicationPad2d(1), Conv2d(8, 4, 3), PixelShuffle(2), LogSoftmax(dim=1)) on [1, 3, 16, 16], as it printed it.
TORCHINFO = """\
==========================================================================================
Layer (type:depth-idx)                   Output Shape              Param #
==========================================================================================
Sequential                               [1, 1, 32, 32]            --
├─ReflectionPad2d: 1-1                   [1, 3, 18, 18]            --
├─Conv2d: 1-2                            [1, 8, 16, 16]            224
├─InstanceNorm2d: 1-3                    [1, 8, 16, 16]            16
├─ReLU: 1-4                              [1, 8, 16, 16]            --
├─ReplicationPad2d: 1-5                  [1, 8, 18, 18]            --
├─Conv2d: 1-6                            [1, 4, 16, 16]            292
├─PixelShuffle: 1-7                      [1, 1, 32, 32]            --
├─LogSoftmax: 1-8                        [1, 1, 32, 32]            --
==========================================================================================
Total params: 532
Trainable params: 532
Non-trainable params: 0
==========================================================================================
"""
#: Keras 3's summary of Sequential([Input((8, 8, 3)), Rescaling(1 / 255), Normalization(), Conv2D(4, 3),
#: GroupNormalization(groups=-1), Activation('log_softmax')]), as it printed it.
KERAS_PASTE = """\
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ rescaling (Rescaling)           │ (None, 8, 8, 3)        │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ normalization (Normalization)   │ (None, 8, 8, 3)        │             7 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d (Conv2D)                 │ (None, 6, 6, 4)        │           112 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ group_normalization             │ (None, 6, 6, 4)        │             8 │
│ (GroupNormalization)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ activation (Activation)         │ (None, 6, 6, 4)        │             0 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 127 (508.00 B)
 Trainable params: 120 (480.00 B)
 Non-trainable params: 7 (28.00 B)
"""


@pytest.mark.parametrize(("spec", "paste", "correct"), [
    ("input 3x16x16 nchw, reflectpad1, conv8x3, instancenorm, relu, replicatepad1, conv4x3, pixelshuffle2, "
     "logsoftmax", TORCHINFO, "15/15 correct"),
    ("input 8x8x3, rescaling, normalization, conv4x3, instancenorm, logsoftmax", KERAS_PASTE, "13/13 correct"),
])
def test_a_paste_of_these_layers_pairs_with_the_words(tmp_path: Path, spec: str, paste: str, correct: str) -> None:
    path = tmp_path / "paste.txt"
    path.write_text(paste, encoding="utf-8")
    status, out = run("check", spec, "--summary", str(path))
    assert status == 0 and correct in out, out
    status, out = run("check", "--summary", str(path))  # the paste against itself: no row the rules do not know
    assert status == 0 and "does not model" not in out, out


def test_a_pixel_shuffle_row_with_the_wrong_channels_is_caught(tmp_path: Path) -> None:
    # the table is one nn.Sequential: each module reads the one before, so nothing forward() does can explain the row
    path = tmp_path / "paste.txt"
    path.write_text(TORCHINFO.replace("├─PixelShuffle: 1-7                      [1, 1, 32, 32]",
                                      "├─PixelShuffle: 1-7                      [1, 2, 32, 32]"), encoding="utf-8")
    status, out = run("check", "--summary", str(path))
    assert status == 1 and "PixelShuffle moves C·R² channels" in out, out
