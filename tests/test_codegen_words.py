"""The words both code writers now write: Keras' Permute, Reshape, LayerNormalization, GroupNormalization,
Embedding, 1-D global pools and adaptive pools; PyTorch's GroupNorm, LocalResponseNorm, LayerNorm of a vector,
adaptive and 1-D global pools, and the average and maximum merges. The code written is run by the framework, and
each of its rows must be cnncalc's (the framework's own shapes and counts, read back as test_codegen does); what a
framework cannot express is refused by name, at the layer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import build
from cnncalc.views.codegen import keras_code, pytorch_code

from .conftest import oracle
from .test_codegen import keras_check, run_code, torch_check

pytestmark = pytest.mark.oracle


@pytest.mark.parametrize("spec", [
    "input 4x6x3, permute2x1x3, conv2x3, reshape8x2, layernorm, groupnorm2",
    "input 4x6x4, layernorm noscale, groupnorm4, adaptiveavgpool2x3, adaptivemaxpool1, flatten, dense3",
    "input 4x6x2, reshape24x2, gap1d keepdims, reshape2, layernorm nocenter",
    "input 12x3, adaptiveavgpool1d4, adaptivemaxpool1d2, gmp1d, dense2",
    "input 7, embedding20x4, gap1d, dense2",
])
def test_keras_writes_these_words(spec: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert keras_check(build(spec), tmp_path, monkeypatch), "Keras code refused"


def test_keras_writes_a_squeeze_and_excitation_product(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keras' Multiply broadcasts the (C,) gate over the (H, W, C) map from the last axis, as the spec's mul."""
    spec = "input 6x6x8 as x, gap, dense2 relu, dense8 hardsigmoid as s, mul(@x | @s), conv4x1"
    assert keras_check(build(spec), tmp_path, monkeypatch), "Keras code refused"


@pytest.mark.parametrize("spec", [
    "input 16x3, conv1d4x3 s2 same relu, dwconv1d3 d2 m2 nobias, sepconv1d5x3 p1, avgpool1d2 p1, maxpool1d3 s1",
    "input 16x4, conv1d8x3 d2 causal, conv1d4x3 p2 g2 nobias, deconv1d3x3 s2 op1, deconv1d2x4 s2 p1, pool1d2 same",
    "input 16x4, sepconv1d6x3 s2 same m2 tanh, dwconv1d3 s2 same, deconv1d3x3 s3 same, gap1d, dense2",
    "input 6x8x8x2, conv3d4x3 same relu, conv3d3x1x3x3 s1x2x2 p0x1x1 nobias, avgpool3d1x2x2 p0x1x1, pool3d2 s1",
    "input 6x8x8x2, conv3d4x2 d2, avgpool3d2 same, conv3d2x1 g2, flatten, dense3",
])
def test_keras_writes_one_and_three_dimensional_layers(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keras runs the code written, and each of its layers has the spec's class, shape and count (the zero padding
    and cropping that hold PyTorch's explicit padding are layers of their own in Keras, and learn nothing)."""
    keras = oracle("keras")
    keras.backend.clear_session()
    monkeypatch.setattr(keras.Model, "summary", lambda self, *a, **k: None)
    net = build(spec)
    model = run_code(keras_code(net))["model"]
    theirs: list[tuple[str, tuple[int, ...], int]] = []
    for layer in model.layers:
        row = (type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
        if row[0].startswith("ZeroPadding"):
            assert row[2] == 0
        elif row[0].startswith("Cropping"):  # PyTorch's padding of a transposed convolution, cropped off after it
            assert row[2] == 0 and theirs[-1][0].endswith("Transpose")
            theirs[-1] = (theirs[-1][0], row[1], theirs[-1][2])
        else:
            theirs.append(row)
    assert theirs == [(layer.keras_class, layer.output_shape, layer.params.total) for layer in net.layers]


@pytest.mark.parametrize("spec", [
    "input 16x3, conv1d4x3 s2 same relu, dwconv1d3 d2 m2 nobias, sepconv1d5x3 p1, avgpool1d2 p1, maxpool1d3 s1",
    "input 16x4, conv1d8x3 d2 causal, conv1d4x3 p2 g2 nobias, deconv1d3x3 s2 op1, deconv1d2x4 s2 p1, pool1d2 same",
    "input 16x4, sepconv1d6x3 s2 same m2 tanh, dwconv1d3 s2 same, deconv1d3x3 s3 same, avgpool1d3 s1 same, gap1d",
    "input 6x8x8x2, conv3d4x3 same relu, conv3d3x1x3x3 s1x2x2 p0x1x1 nobias, avgpool3d1x2x2 p0x1x1, pool3d2 s1",
    "input 6x8x8x2, conv3d4x2 s2 same, avgpool3d3 s1 same, conv3d2x1 g2, pool3d2 ceil, flatten, dense3",
])
def test_pytorch_writes_one_and_three_dimensional_layers(spec: str) -> None:
    """PyTorch runs the code written; each layer's modules (a separable convolution's two, the zero padding before a
    convolution that PyTorch cannot pad unevenly left aside) give the layer's shape, channels first, and count."""
    torch = oracle("torch")
    net = build(spec)
    model = run_code(pytorch_code(net))["model"].eval()
    seen: list[tuple[str, tuple[int, ...], int]] = []
    for module in model.children():
        module.register_forward_hook(lambda m, i, o: seen.append(
            (type(m).__name__, tuple(o.shape[1:]), sum(p.numel() for p in m.parameters()))))
    model(torch.zeros(1, net.input_shape[-1], *net.input_shape[:-1]))
    theirs = [row for row in seen if not row[0].startswith("ZeroPad") and row[0] not in ("ReLU", "Tanh")]
    ours: list[tuple[tuple[int, ...], int]] = []
    for layer in net.layers:
        shape = (layer.output_shape[-1], *layer.output_shape[:-1])
        # a separable convolution: the depthwise conv, then the 1×1; a global pool: AdaptiveAvgPool1d(1), Flatten
        if layer.keras_class in ("SeparableConv1D", "GlobalAveragePooling1D"):
            (_, _, first), (_, second_shape, second) = theirs[len(ours)], theirs[len(ours) + 1]
            theirs[len(ours):len(ours) + 2] = [(layer.keras_class, second_shape, first + second)]
        ours.append((shape, layer.params.total))
    assert [row[1:] for row in theirs] == ours


@pytest.mark.parametrize("spec", [
    "input 6x6x4, groupnorm2, lrn3, adaptiveavgpool3x2, conv2x1, adaptivemaxpool1x2, flatten, layernorm, dense3",
    "input 6x6x4, lrn, flatten, layernorm noscale nocenter, dense3, layernorm nocenter",
    "input 6x6x4, conv4x1 as x, avg(id | conv4x1 | @x), max(id | conv4x3 same), gap",
])
def test_pytorch_writes_these_words(spec: str, tmp_path: Path) -> None:
    assert torch_check(build(spec), tmp_path), "PyTorch code refused"


def test_the_pytorch_merges_compute_what_the_twin_computes() -> None:
    """(a + b + c) / 3 and the pairwise maximum, as Keras' Average and Maximum: the written forward() against the
    NumPy twin's merge on the same branch outputs (three 1×1 branches whose weights the test sets by hand)."""
    import numpy as np

    torch = oracle("torch")
    net = build("input 2x3x1, avg(conv1x1 | conv1x1 | conv1x1) as a, max(@a | conv1x1 | @input)")
    model = run_code(pytorch_code(net))["model"].eval()
    with torch.no_grad():
        for index, module in enumerate(m for m in model.modules() if isinstance(m, torch.nn.Conv2d)):
            module.weight.fill_(index + 1.0)  # conv i multiplies by i + 1 and adds 0.5
            module.bias.fill_(0.5)
        x = torch.tensor([[[[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]]]])
        y = model(x).numpy()[0, 0]
    v = np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
    average = ((v + 0.5) + (2 * v + 0.5) + (3 * v + 0.5)) / 3  # by hand: 2·v + 0.5
    assert np.allclose(average, 2 * v + 0.5)
    # the max's branches run from the average: @a itself, conv 4 on it, and the input
    expected = np.maximum(np.maximum(average, 4 * average + 0.5), v)
    np.testing.assert_allclose(y, expected, rtol=1e-6)


@pytest.mark.parametrize(("spec", "write", "why"), [
    ("input 6x6x4, lrn", keras_code, "Keras has no local response normalization layer"),
    ("input 6x6x4, layernorm", pytorch_code, "nn.LayerNorm normalises the last axis"),
    ("input 6, layernorm noscale", pytorch_code, "learns a bias only with its weight"),
])
def test_what_a_framework_cannot_express_is_refused_by_name(spec: str, write: Any, why: str) -> None:
    with pytest.raises(CnnCalcError) as refused:
        write(build(spec))
    message = refused.value.render()
    assert message.startswith("layer 1 ") and why in message


class _Permute:
    """torchvision.ops.misc.Permute, the module torchvision's ConvNeXt permutes with, as torchvision writes it."""

    def __new__(cls, dims: list[int]) -> Any:
        torch = oracle("torch")

        class Permute(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.dims = dims

            def forward(self, x: Any) -> Any:
                return torch.permute(x, self.dims)

        return Permute()


@pytest.mark.parametrize(("spec", "modules"), [
    # a torchinfo Permute row (torchvision's module) is the spec's permute; LayerNorm(4) then acts on the channels
    ("input 2x5x7 nchw, conv4x3, permute2x3x1, layernorm, permute3x1x2, conv3x1",
     lambda nn: [nn.Conv2d(2, 4, 3), _Permute([0, 2, 3, 1]), nn.LayerNorm(4), _Permute([0, 3, 1, 2]),
                 nn.Conv2d(4, 3, 1)]),
    # a separable convolution is two torchinfo rows: the depthwise Conv2d (3·3·2 = 18, no bias), the 1×1 (2·4 + 4)
    ("input 2x6x6 nchw, sepconv4x3, relu, sepconv3x3 m2 nobias",
     lambda nn: [nn.Conv2d(2, 2, 3, groups=2, bias=False), nn.Conv2d(2, 4, 1), nn.ReLU(),
                 nn.Conv2d(4, 8, 3, groups=4, bias=False), nn.Conv2d(8, 3, 1, bias=False)]),
])
def test_a_torchinfo_paste_pairs_row_by_row(spec: str, modules: Any, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cnncalc.cli import main

    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    model = torch.nn.Sequential(*modules(torch.nn))
    paste = tmp_path / "paste.txt"
    shape = tuple(int(n) for n in spec.split()[1].split("x"))
    paste.write_text(str(torchinfo.summary(model, input_size=(1, *shape), verbose=0, depth=10)), encoding="utf-8")
    for against in ([spec], []):  # against the spec, and the paste alone
        result = CliRunner().invoke(main, ["check", *against, "--summary", str(paste)], env={"COLUMNS": "200"})
        assert result.exit_code == 0 and "✗" not in result.output, result.output
        assert "does not model" not in result.output, result.output
        if against:  # alone, the first row's input is the model's own, which a torchinfo table does not show
            assert "unchecked" not in result.output, result.output


@pytest.mark.parametrize(("spec", "keras_layer"), [
    ("input 9x2, conv1d3x3 d2 causal", "layers.Conv1D(3, 3, dilation_rate=2, padding='causal')"),
    ("input 9x2, conv1d3x4 s2 same", "layers.Conv1D(3, 4, strides=2, padding='same')"),
    ("input 5x6x7x2, conv3d2x3 s2 same", "layers.Conv3D(2, 3, strides=2, padding='same')"),
])
def test_pytorchs_uneven_padding_is_kerass(spec: str, keras_layer: str) -> None:
    """The ZeroPad1d/3d written before a convolution puts Keras' zeros where Keras puts them (the causal ones on the
    left, a stride's odd one at the end): the PyTorch code's values, with its weights copied into Keras' layer."""
    import numpy as np

    torch, keras = oracle("torch"), oracle("keras")
    model = run_code(pytorch_code(build(spec)))["model"].eval()
    conv = next(m for m in model.modules() if isinstance(m, (torch.nn.Conv1d, torch.nn.Conv3d)))
    rng = np.random.default_rng(5)
    shape = tuple(int(n) for n in spec.split(",", maxsplit=1)[0].split()[1].split("x"))
    x = rng.standard_normal((1, *shape)).astype("float32")
    with torch.no_grad():
        theirs_torch = model(torch.from_numpy(np.moveaxis(x, -1, 1).copy())).numpy()
    layers = keras.layers  # noqa: F841 - used by the layer code
    layer = eval(keras_layer)
    layer.build((1, *shape))
    kernel = conv.weight.detach().numpy()  # (out, in, *k) → Keras' (*k, in, out)
    layer.set_weights([np.moveaxis(kernel, (0, 1), (-1, -2)), conv.bias.detach().numpy()])
    theirs_keras = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(np.moveaxis(theirs_torch, 1, -1), theirs_keras, rtol=1e-4, atol=1e-5)


def test_pytorch_permutes_and_reshapes_the_channels_last_axes_keras_does() -> None:
    """The spec's permute and reshape number Keras' channels-last axes: the PyTorch code moves the channels last,
    does it, and moves them back, so its values are NumPy's transpose and reshape of the channels-last tensor."""
    import numpy as np

    torch = oracle("torch")
    net = build("input 4x6x3, permute2x1x3, reshape8x9, permute2x1, reshape72, reshape3x4x6")
    model = run_code(pytorch_code(net))["model"]
    x = np.arange(4 * 6 * 3, dtype="float32").reshape(1, 4, 6, 3)  # channels last
    expected = x.transpose(0, 2, 1, 3).reshape(1, 8, 9).transpose(0, 2, 1).reshape(1, 72).reshape(1, 3, 4, 6)
    ours = model(torch.from_numpy(np.moveaxis(x, -1, 1).copy())).numpy()  # the written code holds channels first
    assert np.array_equal(np.moveaxis(ours, 1, -1), expected)
    assert not list(model.children())  # operations of forward(), no module: torchinfo shows no row


def test_pytorch_embeds_and_holds_the_features_as_channels(tmp_path: Path) -> None:
    """nn.Embedding gives [1, L, D], as Keras' (L, D); the features then move to axis 1, where Conv1d reads them."""
    torch = oracle("torch")
    net = build("input 7, embedding20x4, conv1d3x2, gap1d, dense2")
    model = run_code(pytorch_code(net))["model"].eval()
    seen: list[tuple[str, tuple[int, ...], int]] = []
    for module in model.children():
        module.register_forward_hook(lambda m, i, o: seen.append(
            (type(m).__name__, tuple(o.shape[1:]), sum(p.numel() for p in m.parameters()))))
    out = model(torch.tensor([[1, 5, 19, 0, 3, 3, 7]]))
    assert seen[:2] == [("Embedding", (7, 4), 20 * 4), ("Conv1d", (3, 6), 4 * 3 * 2 + 3)]  # 7 − 2 + 1 = 6
    assert tuple(out.shape) == (1, 2)
    assert sum(p.numel() for p in model.parameters()) == net.total_params == 80 + 27 + 3 * 2 + 2


def _embedding_pastes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Keras' and torchinfo's own summaries of an embedding of 7 ids in 20 words of 4, then a Conv1D of 3 × 2."""
    torch, torchinfo, keras = oracle("torch"), oracle("torchinfo"), oracle("keras")
    keras.backend.clear_session()
    monkeypatch.setenv("COLUMNS", "200")  # Keras' table is as wide as the console it thinks it has
    inputs = keras.Input((7,), dtype="int32")
    x = keras.layers.Conv1D(3, 2)(keras.layers.Embedding(20, 4)(inputs))
    lines: list[str] = []
    keras.Model(inputs, x).summary(print_fn=lambda line, *args, **kwargs: lines.append(line), line_length=120)

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = torch.nn.Embedding(20, 4)
            self.conv = torch.nn.Conv1d(4, 3, 2)

        def forward(self, x: Any) -> Any:
            return self.conv(self.embedding(x).movedim(-1, 1))

    table = torchinfo.summary(Net(), input_data=torch.zeros(1, 7, dtype=torch.long), verbose=0)
    (tmp_path / "keras.txt").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "torch.txt").write_text(str(table), encoding="utf-8")
    return tmp_path / "keras.txt", tmp_path / "torch.txt"


def test_an_embedding_row_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keras' (None, 7, 4) and torchinfo's [1, 7, 4] (its features last, as Keras') pair with the spec's row, and
    alone a row's count must be V·D for some vocabulary V: 80 = 20·4 is, 78 is not."""
    from click.testing import CliRunner

    from cnncalc.cli import main

    keras_paste, torch_paste = _embedding_pastes(tmp_path, monkeypatch)
    for paste, spec in ((keras_paste, "input 7, embedding20x4, conv1d3x2"),
                        # PyTorch's Conv1d reads axis 1: the embedding's features moved there, x.movedim(-1, 1)
                        (torch_paste, "input 7 ncl, embedding20x4, permute2x1 fn, conv1d3x2")):
        for against in ([spec], []):
            result = CliRunner().invoke(main, ["check", *against, "--summary", str(paste)], env={"COLUMNS": "200"})
            assert result.exit_code == 0 and "✗" not in result.output, result.output
            assert "does not model" not in result.output, result.output
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(keras_paste.read_text(encoding="utf-8").replace(" 80 ", " 78 "), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--summary", str(wrong)], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert any("embedding params" in line and "✗" in line and "a multiple of 4" in line
               for line in result.output.splitlines()), result.output


def _modern_pastes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Keras' summary of ConvNeXt's own StochasticDepth and LayerScale (keras.applications) and a hard sigmoid, and
    torchinfo's of the same as torchvision's StochasticDepth and timm's LayerScale (modules written here as they do,
    each named as theirs)."""
    from keras.src.applications.convnext import LayerScale, StochasticDepth

    torch, torchinfo, keras = oracle("torch"), oracle("torchinfo"), oracle("keras")
    keras.backend.clear_session()
    monkeypatch.setenv("COLUMNS", "200")
    inputs = keras.Input((6, 6, 4))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    x = keras.layers.Activation("hard_sigmoid")(LayerScale(1e-6, 4)(StochasticDepth(0.1)(x)))
    lines: list[str] = []
    keras.Model(inputs, x).summary(print_fn=lambda line, *args, **kwargs: lines.append(line), line_length=120)
    nn = torch.nn

    class StochasticDepth(nn.Module):  # torchvision.ops.StochasticDepth: the identity in eval mode
        def forward(self, x: Any) -> Any:
            return x

    class LayerScale(nn.Module):  # timm.layers.LayerScale, on channels-first maps
        def __init__(self) -> None:
            super().__init__()
            self.gamma = nn.Parameter(torch.full((4, 1, 1), 1e-6))

        def forward(self, x: Any) -> Any:
            return x * self.gamma

    model = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), StochasticDepth(), LayerScale(), nn.Hardsigmoid()).eval()
    table = torchinfo.summary(model, input_size=(1, 4, 6, 6), verbose=0)
    (tmp_path / "keras.txt").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "torch.txt").write_text(str(table), encoding="utf-8")
    return tmp_path / "keras.txt", tmp_path / "torch.txt"


def test_droppath_layerscale_and_hardsigmoid_rows_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each row pairs with its word: a drop path learns nothing, a layer scale 4 factors, a hard sigmoid nothing
    (a row in Keras, none in torchinfo's table, as every activation)."""
    from click.testing import CliRunner

    from cnncalc.cli import main

    keras_paste, torch_paste = _modern_pastes(tmp_path, monkeypatch)
    for paste, spec in ((keras_paste, "input 6x6x4, conv4x3 same, droppath0.1, layerscale, hardsigmoid"),
                        (torch_paste, "input 4x6x6 nchw, conv4x3 p1, droppath0.1, layerscale, hardsigmoid")):
        for against in ([spec], []):
            result = CliRunner().invoke(main, ["check", *against, "--summary", str(paste)], env={"COLUMNS": "200"})
            assert result.exit_code == 0 and "✗" not in result.output, result.output
            assert "does not model" not in result.output, result.output
            scaled = [line for line in result.output.splitlines() if "ayer" in line and "cale" in line
                      and " params " in line]
            assert scaled and all(line.split()[-1] == "✓" and " 4 " in line for line in scaled), result.output
            dropped = [line for line in result.output.splitlines() if "tochastic" in line and " params " in line]
            assert dropped and all(" 0 " in line for line in dropped), result.output
    # a layer scale claiming 8 factors for 4 channels is caught, alone
    import re

    text = keras_paste.read_text(encoding="utf-8")
    lines = [re.sub(r" 4( +│ *)$", r" 8\1", line) if "(LayerScale)" in line else line for line in text.splitlines()]
    assert "\n".join(lines) != text
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--summary", str(wrong)], env={"COLUMNS": "200"})
    assert result.exit_code == 1 and any("layer_scale params" in line and "✗" in line
                                         for line in result.output.splitlines()), result.output


def test_what_a_normalization_row_counts_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keras' own counts, on 3 channels: Normalization 2·3 + 1 = 7 (mean, variance, count), LayerNormalization
    and GroupNormalization 2·3 = 6, or 3 without beta; alone, a paste's count that none of these is, is caught."""
    import re

    from click.testing import CliRunner

    from cnncalc.cli import main

    keras = oracle("keras")
    keras.backend.clear_session()
    monkeypatch.setenv("COLUMNS", "200")
    layers = keras.layers
    model = keras.Sequential([keras.Input((5, 5, 3)), layers.Conv2D(3, 1), layers.Normalization(),
                              layers.LayerNormalization(), layers.GroupNormalization(groups=3),
                              layers.LayerNormalization(center=False)])
    lines: list[str] = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line), line_length=120)
    assert [layer.count_params() for layer in model.layers] == [12, 7, 6, 6, 3]
    paste = tmp_path / "paste.txt"
    paste.write_text("\n".join(lines), encoding="utf-8")
    spec = "input 5x5x3, conv3x1, normalization, layernorm, groupnorm3, layernorm nocenter"
    for against in ([spec], []):
        result = CliRunner().invoke(main, ["check", *against, "--summary", str(paste)], env={"COLUMNS": "200"})
        assert result.exit_code == 0 and "✗" not in result.output, result.output
    alone = CliRunner().invoke(main, ["check", "--summary", str(paste)], env={"COLUMNS": "200"}).output
    checked = [line for line in alone.splitlines() if "normalization" in line and " params " in line]
    assert len(checked) == 4 and all(line.split()[-1] == "✓" for line in checked), alone
    for row, wrong in (("(Normalization)", "8"), ("(LayerNormalization)", "5"), ("(GroupNormalization)", "9")):
        table = "\n".join(lines)
        doctored = "\n".join(re.sub(r" (\d+)( +│ *)$", rf" {wrong}\2", line) if row in line else line
                             for line in table.splitlines())
        assert doctored != table
        paste.write_text(doctored, encoding="utf-8")
        result = CliRunner().invoke(main, ["check", "--summary", str(paste)], env={"COLUMNS": "200"})
        assert result.exit_code == 1 and "✗" in result.output, (row, result.output)
