"""The words of torchvision's modern networks (hardsigmoid, droppath, layerscale) and ConvNeXt's permuted block,
against PyTorch and Keras: each row's shape and count, the code both writers write run by the frameworks, and a
permute under an nchw input acting on PyTorch's axes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import build
from cnncalc.views.codegen import keras_code, pytorch_code

from .conftest import oracle

pytestmark = pytest.mark.oracle

SPEC = "input 6x6x2, conv4x3, droppath0.2, layerscale, hardsigmoid, conv4x1 hardsigmoid, flatten, dense3"


def run(code: str) -> Any:
    namespace: dict[str, Any] = {"__name__": "written_by_cnncalc"}
    exec(compile(code, "<cnncalc>", "exec"), namespace)
    return namespace["model"]


def test_keras_code_with_the_new_words_runs_as_the_spec_says(monkeypatch: pytest.MonkeyPatch) -> None:
    keras = oracle("keras")
    keras.backend.clear_session()
    monkeypatch.setattr(keras.Model, "summary", lambda self, *a, **k: None)
    net = build(SPEC)
    model = run(keras_code(net))
    theirs = [(layer.name, type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
              for layer in model.layers]
    assert theirs == [(r.name, r.keras_class, r.output_shape, r.params.total) for r in net.layers]
    assert [name for name, *_ in theirs][1:3] == ["stochastic_depth", "layer_scale"]  # Keras' own auto-names
    dropped = keras.ops.convert_to_numpy(model.layers[1](keras.ops.ones((64, 3)), training=True))
    assert set(dropped.sum(axis=1).round(4).tolist()) <= {0.0, round(3 / 0.8, 4)}  # whole examples dropped
    x = keras.ops.ones((2, 6, 6, 2))
    assert (keras.ops.convert_to_numpy(model(x)) == keras.ops.convert_to_numpy(model(x))).all()  # inference


def test_pytorch_code_with_the_new_words_runs_as_the_spec_says() -> None:
    torch = oracle("torch")
    net = build(SPEC, conventions="torch")
    model = run(pytorch_code(build(SPEC))).eval()
    seen: list[tuple[str, tuple[int, ...], int]] = []
    for module in model.children():
        module.register_forward_hook(lambda m, i, o: seen.append(
            (type(m).__name__, tuple(o.shape[1:]), sum(p.numel() for p in m.parameters()))))
    x = torch.randn(2, 2, 6, 6)
    assert torch.equal(model(x), model(x))  # the identity at inference: nothing random
    rows = [(r.layer.torch_class_for(r.input_shape), tuple(net.shown_shape(r.output_shape)), r.params.total)
            for r in net.layers]
    assert seen[:len(rows)] == rows
    model.train()
    torch.manual_seed(0)
    dropped = model.droppath1(torch.ones(64, 3))  # while training, whole examples dropped, the kept ones scaled
    assert set(dropped.sum(dim=1).tolist()) <= {0.0, 3 / 0.8}


@pytest.mark.parametrize(("shape", "spec", "modules"), [
    # ConvNeXt's block: x.permute(0, 2, 3, 1), LayerNorm(96), Linear(96, 384), as the task states it
    ((96, 56, 56), "permute2x3x1, layernorm, dense384",
     "Permute((0, 2, 3, 1)), nn.LayerNorm(96), nn.Linear(96, 384)"),
    # the whole block, its channels back on axis 1 before the layer scale and the residual
    ((32, 7, 9), "conv32x7 p3 g32 as t, permute2x3x1, layernorm, dense128, gelu, dense32, permute3x1x2, layerscale, "
     "droppath0.1, add(@t | id)", None),
    ((8, 5, 7), "permute1x3x2, conv4x3", "Permute((0, 1, 3, 2)), nn.Conv2d(8, 4, 3)"),
    ((8, 5, 7), "permute3x1x2, dense6", "Permute((0, 3, 1, 2)), nn.Linear(5, 6)"),
    ((8, 5, 7), "permute2x1x3, layernorm", "Permute((0, 2, 1, 3)), nn.LayerNorm(7)"),
])
def test_a_permute_under_nchw_acts_on_pytorchs_axes(shape: tuple[int, ...], spec: str, modules: str | None) -> None:
    torch = oracle("torch")
    nn = torch.nn

    class Permute(nn.Module):
        def __init__(self, dims: tuple[int, ...]) -> None:
            super().__init__()
            self.dims = dims

        def forward(self, x: Any) -> Any:
            return x.permute(*self.dims)

    if modules is None:  # torchvision's CNBlock, with the input's own shape
        c = shape[0]
        body = nn.Sequential(nn.Conv2d(c, c, 7, padding=3, groups=c), Permute((0, 2, 3, 1)), nn.LayerNorm(c),
                             nn.Linear(c, 4 * c), nn.GELU(), nn.Linear(4 * c, c), Permute((0, 3, 1, 2)))
        scale = nn.Parameter(torch.ones(c, 1, 1))
        with torch.no_grad():
            out = scale * body(torch.zeros(1, *shape)) + torch.zeros(1, *shape)
        theirs = (list(out.shape), sum(p.numel() for p in body.parameters()) + c)
    else:
        model = eval(f"nn.Sequential({modules})")  # the test's own text, written above
        with torch.no_grad():
            theirs = (list(model(torch.zeros(1, *shape)).shape), sum(p.numel() for p in model.parameters()))
    text = f"input {'x'.join(map(str, shape))} nchw, {spec}"
    try:
        net = build(text)
    except CnnCalcError as error:  # cnncalc may refuse what it cannot read on PyTorch's axes, never count it wrong
        assert "permute the channels back to axis 1 first" in error.render(), error.render()
        return
    last = net.layers[-1]
    assert ([1, *net.shown_shape(last.output_shape, last.tokens)], net.total_params) == theirs


def test_a_dense_layer_after_a_permute_to_channels_last_is_no_false_alarm() -> None:
    """ConvNeXt's Linear after x.permute(0, 2, 3, 1) acts per position, as meant; a dense on a volume still warns."""
    permuted = build("input 96x8x8 nchw, permute2x3x1, layernorm, dense384, gelu, dense96")
    assert [layer.warnings for layer in permuted.layers] == [()] * 5
    plain = build("input 8x8x96, dense384")
    assert plain.layers[0].warnings == (
        "dense on a 3-D volume (8×8×96) acts on the last axis only; did you mean to flatten first?",)


def test_a_layer_on_axis_1_after_a_permute_is_refused_at_it() -> None:
    with pytest.raises(CnnCalcError) as refused:
        build("input 96x8x8 nchw, permute2x3x1, conv4x3")
    assert "Conv2D acts on PyTorch's axis 1" in refused.value.render()


def test_pytorchs_axes_decide_what_a_layer_reads_under_nchw() -> None:
    """nn.Linear acts on the last axis, Conv1d on axis 1, whatever the spec meant: cnncalc refuses a layer that would
    read another axis than the one it counts, and PyTorch shows why."""
    torch = oracle("torch")
    nn = torch.nn
    with torch.no_grad():  # a Linear after a convolution, without a flatten, reads the width: Linear(6, 5)
        assert list(nn.Linear(6, 5)(torch.zeros(1, 4, 6, 6)).shape) == [1, 4, 6, 5]
        with pytest.raises(RuntimeError):
            nn.Linear(4, 5)(torch.zeros(1, 4, 6, 6))  # not the channels, as Keras' Dense(5) reads them
        # a Conv1d after x.permute(0, 2, 1) reads its 6 positions as channels
        assert list(nn.Conv1d(6, 4, 3)(torch.zeros(1, 8, 6).permute(0, 2, 1)).shape) == [1, 4, 6]
    with pytest.raises(CnnCalcError) as dense:
        build("input 3x8x8 nchw, conv4x3, dense5")
    assert "the width (6) of the 4×6×6 input, not its 4 channels" in dense.value.render()
    assert "flatten first (flatten, dense5)" in dense.value.render()
    with pytest.raises(CnnCalcError) as conv:
        build("input 8x6 nchw, permute2x1, conv1d4x3")
    assert "Conv1D acts on PyTorch's axis 1" in conv.value.render()
    assert build("input 3x8x8 nchw, conv4x3, flatten, dense5").total_params == 112 + 145 * 5  # (144 + 1)·5
    assert build("input 3x8x8 nchw, conv4x3, permute2x3x1, dense5").layers[-1].params.total == 25  # (4 + 1)·5


def test_droppath_rate_is_a_fraction(tmp_path: Path) -> None:
    with pytest.raises(CnnCalcError) as refused:
        build("input 8x8x3, droppath 20")
    assert "droppath rate 20 is outside [0, 1]" in refused.value.render()
    assert "did you mean droppath0.2?" in refused.value.render()


@pytest.mark.parametrize("shape", [(5, 7, 3), (9, 16), (12,)])
def test_droppath_and_layerscale_count_as_keras_convnext_layers(shape: tuple[int, ...]) -> None:
    keras = oracle("keras")
    from keras.src.applications.convnext import LayerScale, StochasticDepth

    keras.backend.clear_session()
    text = "x".join(map(str, shape))
    for word, layer in (("droppath0.3", StochasticDepth(0.3)), ("layerscale", LayerScale(1e-6, shape[-1]))):
        model = keras.Sequential([keras.Input(shape), layer])
        row = build(f"input {text}, {word}").layers[-1]
        assert (row.output_shape, row.params.total) == (tuple(model.output_shape[1:]), layer.count_params())


TORCHINFO = """\
==========================================================================================
Layer (type:depth-idx)                   Output Shape              Param #
==========================================================================================
Sequential                               [1, 2]                    --
├─Conv2d: 1-1                            [1, 4, 6, 6]              112
├─StochasticDepth: 1-2                   [1, 4, 6, 6]              --
├─LayerScale: 1-3                        [1, 4, 6, 6]              4
├─Hardsigmoid: 1-4                       [1, 4, 6, 6]              --
├─AdaptiveAvgPool2d: 1-5                 [1, 4, 1, 1]              --
├─Flatten: 1-6                           [1, 4]                    --
├─Linear: 1-7                            [1, 2]                    10
==========================================================================================
Total params: 126
Trainable params: 126
Non-trainable params: 0
==========================================================================================
"""


@pytest.mark.parametrize(("scale", "status"), [("4", 0), ("8", 1)])
def test_a_torchinfo_paste_with_the_new_rows_is_checked_row_by_row(tmp_path: Path, scale: str, status: int) -> None:
    # 4 = one factor per channel (by hand: 4 channels); 8 is a misprint the check must find
    from click.testing import CliRunner

    from cnncalc.cli import main

    paste = tmp_path / "paste.txt"
    paste.write_text(TORCHINFO.replace("[1, 4, 6, 6]              4", f"[1, 4, 6, 6]              {scale}"),
                     encoding="utf-8")
    spec = "input 8x8x3, conv4x3, droppath0.2, layerscale, hardsigmoid, gap, dense2"
    result = CliRunner().invoke(main, ["check", spec, "--summary", str(paste)], env={"COLUMNS": "120"})
    assert result.exit_code == status, result.output
    assert ("15/15 correct" if status == 0 else "14/15 correct") in result.output, result.output
