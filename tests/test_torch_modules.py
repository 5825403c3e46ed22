"""What a spec item is under PyTorch's conventions: its rows are the modules torchinfo lists, each with the shape
PyTorch gives it, held against PyTorch itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.graph.network import build
from cnncalc.views.codegen import keras_code, pytorch_code

from .conftest import oracle
from .test_zoo import our_rows, torch_rows

pytestmark = pytest.mark.oracle


def test_a_global_pool_is_an_adaptive_pool_then_a_flatten() -> None:
    """`gap` under PyTorch's conventions is nn.AdaptiveAvgPool2d(1), shaped [1, C, 1, 1], then nn.Flatten(),
    [1, C]: the name and the shape of each row agree with the module's."""
    torch = oracle("torch")
    nn: Any = torch.nn
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 10))
    ours = build("input 8x8x3, conv4x3 relu, gap, dense10", conventions="torch")
    assert our_rows(ours) == torch_rows(torch, model, (3, 8, 8))
    assert [layer.name for layer in ours.layers][2:4] == ["AdaptiveAvgPool2d: 1-3", "Flatten: 1-4"]
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveMaxPool2d(1), nn.Flatten())
    assert our_rows(build("input 8x8x3, conv4x3, gmp", conventions="torch")) == torch_rows(torch, model, (3, 8, 8))
    # keepdims keeps the pooled axes: the adaptive pool alone
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1))
    assert our_rows(build("input 8x8x3, conv4x3, gap keepdims", conventions="torch")) == \
        torch_rows(torch, model, (3, 8, 8))


def torch_code_runs_as_summarised(text: str, tmp_path: Path) -> str:
    """The PyTorch code cnncalc writes for ``text``, run in PyTorch: every module's class, shape and counts are
    cnncalc's rows (its 'fn' rows and merges are no modules), and the code read back summarises the same."""
    from .test_codegen import TORCH_REFUSALS, run_code, torch_check, written

    net = build(text)
    assert torch_check(net, tmp_path), text
    code = written(pytorch_code, net, TORCH_REFUSALS)
    assert code is not None
    torch = oracle("torch")
    model = run_code(code)["model"]
    with torch.no_grad():
        out = model.eval()(torch.zeros(1, net.input_shape[-1], *net.input_shape[:-1]))
    assert tuple(out.shape) == (1, *build(text, conventions="torch").shown_shape(net.layers[-1].output_shape))
    return code


def test_a_crop_is_written_as_zero_padding_by_negative_amounts(tmp_path: Path) -> None:
    """PyTorch crops with nn.ZeroPad2d((-left, -right, -top, -bottom)); torchinfo's row is ZeroPad2d, as
    cnncalc's under PyTorch's conventions. By hand: 8 − 1 − 0 = 7 rows, 8 − 2 − 1 = 5 columns."""
    code = torch_code_runs_as_summarised("input 8x8x3, crop t1 b0 l2 r1, conv4x3, crop1", tmp_path)
    assert "nn.ZeroPad2d((-2, -1, -1, 0))" in code and "nn.ZeroPad2d((-1, -1, -1, -1))" in code
    net = build("input 8x8x3, crop t1 b0 l2 r1", conventions="torch")
    assert (net.layers[0].name, net.layers[0].output_shape) == ("ZeroPad2d: 1-1", (7, 5, 3))


def test_a_squeeze_and_excitation_product_broadcasts_its_vector(tmp_path: Path) -> None:
    """Keras multiplies the (C,) weights into the (H, W, C) map from the last axis; PyTorch's channels-first code
    views them as [1, C, 1, 1] in forward(), no module."""
    code = torch_code_runs_as_summarised(
        "input 8x8x16 as x, gap, dense4 relu, dense16 sigmoid as s, mul(@x | @s), conv4x1", tmp_path)
    assert ".view(-1, 16, 1, 1)" in code


def test_keras_writes_an_explicit_transposed_padding_as_a_crop(monkeypatch: pytest.MonkeyPatch) -> None:
    """PyTorch's ConvTranspose2d(k=4, s=2, p=1) on 8: (8 − 1)·2 − 2 + 4 = 16; Keras' 'valid' with output_padding=0
    gives (8 − 1)·2 + 4 = 18, and Cropping2D(1) takes 1 from each side: 16."""
    keras = oracle("keras")
    from .test_codegen import run_code

    monkeypatch.setattr(keras.Model, "summary", lambda self, *a, **k: None)
    for text in ("input 8x8x3, convt16x4 s2 p1 relu, conv4x3", "input 9x7x3, convt5x3x5 s3x2 p2x1 op1x0",
                 "input 8x8x3, deconv4x3 d2"):
        net = build(text)
        model = run_code(keras_code(net))["model"]
        theirs = [(tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers
                  if type(layer).__name__ not in ("InputLayer", "Cropping2D")]
        cropped = [tuple(layer.output.shape[1:]) for layer in model.layers if type(layer).__name__ == "Cropping2D"]
        ours = [(layer.output_shape, layer.params.total) for layer in net.layers]
        assert [params for _, params in theirs] == [params for _, params in ours], text
        assert tuple(model.layers[-1].output.shape[1:]) == net.layers[-1].output_shape, text
        if cropped:
            assert cropped[0] == net.layers[0].output_shape, text


# ---- 'fn': a layer as an operation in PyTorch's forward(), no module ----

FUNCTIONAL_SPEC = ("input 8x8x3, conv8x3, relu fn, crop1 fn, zeropad t1 fn, up2 fn, pool2 fn, dropout0.5 fn, "
                   "leakyrelu0.2 fn, conv4x1, softmax fn, gap fn, dense10, sigmoid fn")


def test_functional_layers_are_written_as_functions(tmp_path: Path) -> None:
    code = torch_code_runs_as_summarised(FUNCTIONAL_SPEC, tmp_path)
    assert "x = F.relu(x)" in code and "x = x.mean((2, 3))" in code and "nn.ReLU" not in code


def test_a_functional_layer_has_no_module_row(tmp_path: Path) -> None:
    """PyTorch's own modules of a forward() with F.relu and x.mean: the 'fn' rows are none of them, their shapes
    and costs still cnncalc's."""
    torch = oracle("torch")
    nn: Any = torch.nn

    class Net(nn.Module):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3)
            self.fc = nn.Linear(4, 10)

        def forward(self, x: Any) -> Any:
            return self.fc(torch.nn.functional.relu(self.conv(x)).mean((2, 3)))

    net = build("input 8x8x3, conv4x3, relu fn, gap fn, dense10", conventions="torch")
    assert our_rows(net) == torch_rows(torch, Net(), (3, 8, 8))
    assert [layer.name for layer in net.layers] == ["Conv2d: 1-1", "ReLU (fn): 1-2", "AdaptiveAvgPool2d (fn): 1-3",
                                                    "Linear: 1-4"]
    assert net.layers[2].output_shape == (4,)  # x.mean((2, 3)): [1, 4], one row
    keras = build("input 8x8x3, conv4x3, relu fn, gap fn, dense10")  # Keras' conventions: its layers, as written
    assert [layer.keras_class for layer in keras.layers] == ["Conv2D", "Activation", "GlobalAveragePooling2D", "Dense"]


def test_functional_layers_in_json_and_a_paste(tmp_path: Path) -> None:
    """torchinfo's own summary of that forward() pairs with the spec written 'fn'; without 'fn' the spec's gap is
    an AdaptiveAvgPool2d and a Flatten the paste does not have."""
    torch = oracle("torch")
    torchinfo = pytest.importorskip("torchinfo")
    nn: Any = torch.nn

    class Net(nn.Module):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3)
            self.fc = nn.Linear(4, 10)

        def forward(self, x: Any) -> Any:
            return self.fc(torch.nn.functional.relu(self.conv(x)).mean((2, 3)))

    paste = tmp_path / "paste.txt"
    paste.write_text(str(torchinfo.summary(Net(), input_size=(1, 3, 8, 8), verbose=0)), encoding="utf-8")
    spec = "input 3x8x8 nchw, conv4x3, relu fn, gap fn, dense10"
    result = CliRunner().invoke(main, ["check", spec, "--summary", str(paste)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "unchecked" not in result.output, result.output
    # without 'fn' the gap's two modules are missing from the paste: said, not checked
    result = CliRunner().invoke(main, ["check", spec.replace(" fn", ""), "--summary", str(paste)],
                                env={"COLUMNS": "200"})
    assert "2 unchecked" in result.output, result.output
    document = json.loads(CliRunner().invoke(main, ["summary", spec, "--format", "json"]).output)
    assert [layer.get("functional", False) for layer in document["layers"]] == [False, True, True, False]


@pytest.mark.parametrize(("text", "message"), [
    ("input 8x8x3, conv4x3 fn", "this one holds 112 parameters"),  # (3·3·3 + 1)·4
    ("input 8x8x3, bn fn", "this one holds 12 parameters"),  # γ, β and two moving statistics: 4·3
    ("input 8x8x3 fn", "the input is none"),
])
def test_fn_on_a_layer_with_weights_is_refused(text: str, message: str) -> None:
    result = CliRunner().invoke(main, ["summary", text], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("text", "total"), [
    # a parameter-only layer: the model holds it (torchvision's class_token); conv (3·3·3 + 1)·8 = 224, scale 8
    ("input 3x8x8 nchw, conv8x3, layerscale fn", 224 + 8),
    # a row inside a block named after a module class, which holds its weights: torchvision's LayerNorm2d calls
    # F.layer_norm with its own weight and bias, 2·3
    ("def LayerNorm2d() = (permute2x3x1 fn, layernorm fn, permute3x1x2 fn)\ninput 3x8x8 nchw, LayerNorm2d()", 2 * 3),
])
def test_fn_may_write_a_modules_own_parameter(text: str, total: int) -> None:
    result = CliRunner().invoke(main, ["summary", text, "--format", "json"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total_params"] == total


@pytest.mark.parametrize(("text", "message"), [
    ("def blk() = (conv4x3 fn)\ninput 3x8x8 nchw, blk()", "this one holds 112 parameters"),  # no class: (3·9 + 1)·4
    ("def Blk() = (bn fn)\ninput 3x8x8 nchw, Blk()", "this one holds 6 parameters"),  # running statistics: buffers
    ("def Blk() = (bn fn)\ninput 8x8x3, Blk()", "this one holds 12 parameters"),  # non-trainable under Keras
])
def test_fn_in_a_module_block_holds_trained_weights_only(text: str, message: str) -> None:
    result = CliRunner().invoke(main, ["summary", text], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_model_code_reads_functions_as_fn(tmp_path: Path) -> None:
    """F.relu, x.mean, s.view(-1, C, 1, 1) and torch.sigmoid in forward() are read as 'fn' items."""
    from cnncalc.readers.code import build_model, read_model

    source = '''import torch
from torch import nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3)
        self.fc1 = nn.Linear(16, 4)
        self.fc2 = nn.Linear(4, 16)

    def forward(self, x):
        x = F.relu(self.conv(x))
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(x.mean((2, 3))))))
        return (x * s.view(-1, 16, 1, 1)).amax((2, 3))
'''
    path = tmp_path / "se.py"
    path.write_text(source, encoding="utf-8")
    net = build_model(read_model(source, str(path)), "3x8x8")
    torch = oracle("torch")
    namespace: dict[str, Any] = {}
    exec(compile(source, str(path), "exec"), namespace)
    assert our_rows(net) == torch_rows(torch, namespace["Net"](), (3, 8, 8))
    assert [layer.source for layer in net.layers if layer.functional] == \
        ["relu fn", "gap fn", "relu fn", "sigmoid fn", "reshape16x1x1 fn", "gmp fn"]


def test_a_misplaced_fn_is_said_at_its_place() -> None:
    result = CliRunner().invoke(main, ["summary", "input 8x8x3, pool2 fn s1"], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "'fn' comes once, last, after the options of 'pool'" in result.output
