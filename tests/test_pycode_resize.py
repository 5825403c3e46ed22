"""Resizing to a size, the spec's ``resize{H}x{W}`` (Keras ``Resizing``, PyTorch ``F.interpolate(size=…)``), and a
fractional scale_factor read from model code.  PyTorch is the oracle for the sizes and the values."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.graph.network import build
from cnncalc.numeric.twins import TWINS

from .test_pycode import run


@pytest.mark.oracle
@pytest.mark.parametrize(("n", "factor", "size"), [(32, 1.5, 48), (33, 0.5, 16), (7, 0.3, 2)])
def test_pytorch_floors_the_scaled_size(n: int, factor: float, size: int) -> None:
    # by hand: 32·1.5 = 48, 33·0.5 = 16.5 → 16, 7·0.3 = 2.1 → 2
    torch = pytest.importorskip("torch")
    out = torch.nn.functional.interpolate(torch.zeros(1, 1, n, n), scale_factor=factor)
    assert out.shape[-1] == size == math.floor(n * factor)


def test_resize_shape_and_params() -> None:
    net = build("input 32x32x3, conv8x3, resize48x40, resize7 nearest")
    assert [layer.output_shape for layer in net.layers[-2:]] == [(48, 40, 8), (7, 7, 8)]
    assert sum(layer.params.total for layer in net.layers[-2:]) == 0


@pytest.mark.oracle
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize(("size", "to"), [((5, 7), (9, 4)), ((8, 8), (3, 13)), ((6, 4), (6, 4))])
def test_the_twin_moves_values_as_pytorch_does(mode: str, size: tuple[int, int], to: tuple[int, int]) -> None:
    torch = pytest.importorskip("torch")
    x = torch.randn(2, 3, *size, generator=torch.Generator().manual_seed(0))
    options = {"align_corners": False} if mode == "bilinear" else {}
    expected = torch.nn.functional.interpolate(x, size=to, mode=mode, **options).permute(0, 2, 3, 1).numpy()
    option = " nearest" if mode == "nearest" else ""
    net = build(f"input {size[0]}x{size[1]}x3, resize{to[0]}x{to[1]}{option}")
    layer = net.layers[-1]
    got = TWINS[type(layer.layer)](layer.layer, layer.input_shape, None)(x.permute(0, 2, 3, 1).numpy())
    assert got.shape == expected.shape
    assert np.allclose(got, expected, atol=1e-5)


def test_resize_needs_a_size() -> None:
    status, out = run("summary", "input 4x4x3, resize")
    assert status == 2 and "Traceback" not in out, out


@pytest.mark.oracle
@pytest.mark.parametrize(("size", "to"), [((5, 7), (9, 4)), ((8, 8), (3, 13)), ((9, 9), (3, 3))])
def test_the_bilinear_twin_moves_values_as_keras_resizing_does(size: tuple[int, int], to: tuple[int, int]) -> None:
    # Keras' 'nearest' takes the half-pixel centre, not PyTorch's floor(dst · in/out): the spec's nearest is PyTorch's
    keras = pytest.importorskip("keras")
    x = np.random.default_rng(0).standard_normal((2, *size, 3)).astype("float32")
    expected = np.asarray(keras.layers.Resizing(*to, interpolation="bilinear")(x))
    layer = build(f"input {size[0]}x{size[1]}x3, resize{to[0]}x{to[1]}").layers[-1]
    got = TWINS[type(layer.layer)](layer.layer, layer.input_shape, None)(x)
    assert np.allclose(got, expected, atol=1e-5)


SPEC = "input 16x16x3, conv8x3, resize9x20, resize5 nearest fn, conv4x1"


@pytest.mark.oracle
def test_resize_written_as_pytorch_runs_and_pairs_with_its_torchinfo_paste(tmp_path: Path) -> None:
    torch, torchinfo = pytest.importorskip("torch"), pytest.importorskip("torchinfo")
    from cnncalc.views.codegen import pytorch_code

    from .test_codegen import run_code

    code = pytorch_code(build(SPEC))
    assert 'nn.Upsample(size=(9, 20), mode="bilinear")' in code
    assert 'F.interpolate(x, size=(5, 5), mode="nearest")' in code
    model = run_code(code)["model"]
    assert model(torch.zeros(1, 3, 16, 16)).shape == (1, 4, 5, 5)
    # 3·8·9 + 8 = 224 and 8·4 + 4 = 36, the resizes learn nothing
    assert sum(p.numel() for p in model.parameters()) == 224 + 36
    paste = tmp_path / "paste.txt"
    paste.write_text(str(torchinfo.summary(model, input_size=(1, 3, 16, 16), verbose=0, depth=10)), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", SPEC, "--summary", str(paste)], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "✗" not in result.output, result.output


@pytest.mark.oracle
def test_resize_written_as_keras_runs_and_pairs_with_its_summary(tmp_path: Path) -> None:
    pytest.importorskip("keras")
    from cnncalc.views.codegen import keras_code

    code = keras_code(build(SPEC))
    assert 'layers.Resizing(9, 20, interpolation="bilinear")' in code
    assert 'layers.Resizing(5, 5, interpolation="nearest")' in code
    code = code.replace("model.summary()", "")
    namespace: dict[str, Any] = {}
    exec(compile(code, "net.py", "exec"), namespace)  # cnncalc's own code, not a user's
    model = namespace["model"]
    assert tuple(model.output_shape) == (None, 5, 5, 4) and model.count_params() == 224 + 36
    lines: list[str] = []
    model.summary(print_fn=lambda line, **_: lines.append(line))
    paste = tmp_path / "paste.txt"
    paste.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", SPEC, "--summary", str(paste)], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "✗" not in result.output, result.output


READ = '''import torch
from torch import nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.up = nn.Upsample(scale_factor=1.5, mode="bilinear")
        self.up2 = nn.Upsample(scale_factor=2)

    def forward(self, x):
        x = self.up(self.conv(x))
        x = F.interpolate(x, scale_factor=0.3)
        x = self.up2(x)
        return F.interpolate(x, scale_factor=(0.5, 1.25), mode="bilinear", align_corners=False)


model = Net()
'''


def _summary(tmp_path: Path, code: str, *args: str) -> tuple[int, str]:
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    return run("summary", str(path), *args)


@pytest.mark.oracle
def test_a_fractional_scale_factor_is_read_as_pytorch_sizes_it(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    namespace: dict[str, Any] = {}
    exec(compile(READ, "net.py", "exec"), namespace)  # the test's own lines, not a user's
    seen: list[tuple[int, ...]] = []
    for name, module in namespace["model"].named_modules():
        if name.startswith("up"):
            module.register_forward_hook(lambda m, i, o: seen.append(tuple(o.shape)))
    out = namespace["model"](torch.zeros(1, 3, 34, 34))
    # by hand: conv 34 → 32; 32·1.5 = 48; 48·0.3 = 14.4 → 14; up2 → 28; 28·0.5 = 14, 28·1.25 = 35
    assert seen == [(1, 8, 48, 48), (1, 8, 28, 28)] and tuple(out.shape) == (1, 8, 14, 35)
    status, text = _summary(tmp_path, READ, "--input", "3x34x34", "--format", "json")
    assert status == 0, text
    document = json.loads(text)
    assert [layer["torch_shape"] for layer in document["layers"]][-4:] == [
        [1, 8, 48, 48], [1, 8, 14, 14], [1, 8, 28, 28], [1, 8, 14, 35]]
    assert document["total_params"] == 224 == sum(p.numel() for p in namespace["model"].parameters())


def test_the_spec_read_keeps_whole_factors_as_up_and_the_mode() -> None:
    from cnncalc.readers.code import read_model

    spec = read_model(READ, "net.py", input_shape="3x34x34").spec
    # nn.Upsample's and F.interpolate's default mode is 'nearest'
    for item in ("resize48x48,", "resize14x14 nearest fn", "up2", "resize14x35 fn"):
        assert item in spec, spec


def test_without_the_input_a_fractional_factor_stays_refused(tmp_path: Path) -> None:
    status, out = _summary(tmp_path, READ)
    assert status == 2 and "Traceback" not in out, out
    assert "an Upsample by a fractional scale_factor (1.5)" in out and "--input" in out, out


@pytest.mark.parametrize(("line", "message"), [
    ("F.interpolate(x, scale_factor=0.5, mode='bicubic')", "in mode 'bicubic', which cnncalc does not model"),
    ("F.interpolate(x, scale_factor=0.5, mode='bilinear', align_corners=True)", "align_corners=True"),
    ("F.interpolate(x, scale_factor=0.01)", "an empty map"),
    ("F.interpolate(x, scale_factor=-0.5)", "not positive"),
])
def test_what_resize_does_not_model_is_refused_at_its_line(tmp_path: Path, line: str, message: str) -> None:
    code = READ.replace('return F.interpolate(x, scale_factor=(0.5, 1.25), mode="bilinear", align_corners=False)',
                        f"return {line}")
    status, out = _summary(tmp_path, code, "--input", "3x34x34")
    assert status == 2 and "Traceback" not in out, out
    assert message in out and "net.py:17" in out, out


SIZED = READ.replace('return F.interpolate(x, scale_factor=(0.5, 1.25), mode="bilinear", align_corners=False)',
                     'x = F.interpolate(x, size=(20, 30), mode="bilinear")\n'
                     '        return nn.Upsample(size=40)(x)')


@pytest.mark.oracle
def test_a_size_that_is_no_whole_multiple_is_read_as_a_resize_to_it(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    namespace: dict[str, Any] = {}
    exec(compile(SIZED, "net.py", "exec"), namespace)  # the test's own lines, not a user's
    out = namespace["model"](torch.zeros(1, 3, 34, 34))
    assert tuple(out.shape) == (1, 8, 40, 40)  # 28×28 → 20×30 (bilinear) → 40×40 (nearest)
    status, text = _summary(tmp_path, SIZED, "--input", "3x34x34", "--format", "json")
    assert status == 0, text
    shapes = [layer["torch_shape"] for layer in json.loads(text)["layers"]][-2:]
    assert shapes == [[1, 8, 20, 30], list(out.shape)]
    from cnncalc.readers.code import read_model

    spec = read_model(SIZED, "net.py", input_shape="3x34x34").spec
    assert "resize20x30 fn" in spec, spec
