"""Differential tests of the channel words, ``slice{A}:{B}`` and ``shuffle{G}``, against PyTorch and Keras 3.

Each case is written three ways by this file: the spec word, PyTorch's ``x[:, A:B]`` or ``nn.ChannelShuffle(G)``
(and ShuffleNet's own view/transpose/view), and Keras' ``x[..., A:B]`` or its Reshape/Permute/Reshape.  cnncalc's
output shape must be the framework's, and its NumPy twin must move every value where the framework moves it.
Python clamps a slice past the end and allows an empty one; cnncalc refuses both (the rule written below).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import build
from cnncalc.numeric.twins import TWINS

from .conftest import oracle

pytestmark = pytest.mark.oracle

bound = st.none() | st.integers(-14, 14)


def _ours(text: str, conventions: str = "keras") -> Any:
    try:
        return build(text, conventions=conventions)
    except CnnCalcError:
        return None


def _twin(net: Any, x: Any) -> Any:
    layer = net.layers[-1]
    return TWINS[type(layer.layer)](layer.layer, layer.input_shape, None)(x)


def _written(start: int | None, stop: int | None) -> str:
    return f"{'' if start is None else start}:{'' if stop is None else stop}"


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(c=st.integers(1, 12), h=st.integers(1, 4), start=bound, stop=bound)
def test_slice_agrees_with_pytorch(c: int, h: int, start: int | None, stop: int | None) -> None:
    torch = oracle("torch")
    x = torch.arange(c * h * 3, dtype=torch.float32).reshape(1, c, h, 3)
    expected = x[:, start:stop]
    net = _ours(f"input {c}x{h}x3 nchw, slice{_written(start, stop)}", "torch")
    # the rule: a bound written past either end, or a slice that picks nothing, is refused
    past = any(b is not None and not -c <= b <= c for b in (start, stop))
    if past or expected.shape[1] == 0 or (start is None and stop is None):
        assert net is None
        return
    assert net is not None
    assert net.shown_shape(net.layers[-1].output_shape, net.layers[-1].tokens) == tuple(expected.shape[1:])
    assert net.layers[-1].params.total == 0
    ours = _twin(net, x.permute(0, 2, 3, 1).numpy())  # the twin holds channels last
    assert (ours == expected.permute(0, 2, 3, 1).numpy()).all()


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(c=st.integers(1, 12), start=bound, stop=bound)
def test_slice_agrees_with_keras(c: int, start: int | None, stop: int | None) -> None:
    keras = oracle("keras")
    if (start is None and stop is None) or any(b is not None and not -c <= b <= c for b in (start, stop)):
        return  # refused, as above
    inputs = keras.Input((5, 4, c))
    picked = inputs[..., start:stop]
    net = _ours(f"input 5x4x{c}, slice{_written(start, stop)}")
    if picked.shape[-1] == 0:
        assert net is None
        return
    model = keras.Model(inputs, picked)
    assert net is not None and (None, *net.layers[-1].output_shape) == tuple(model.output_shape)
    assert model.operations[-1].__class__.__name__ == net.layers[-1].keras_class == "GetItem"
    assert model.count_params() == net.total_params == 0


def _shufflenet_shuffle(torch: Any, x: Any, groups: int) -> Any:
    """torchvision's channel_shuffle, as torchvision/models/shufflenetv2.py writes it."""
    batchsize, num_channels, height, width = x.size()
    channels_per_group = num_channels // groups
    x = x.view(batchsize, groups, channels_per_group, height, width)
    x = torch.transpose(x, 1, 2).contiguous()
    return x.view(batchsize, -1, height, width)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(c=st.integers(1, 24), g=st.integers(1, 8), h=st.integers(1, 3))
def test_shuffle_agrees_with_pytorch(c: int, g: int, h: int) -> None:
    torch = oracle("torch")
    x = torch.arange(c * h * 2, dtype=torch.float32).reshape(1, c, h, 2)
    net = _ours(f"input {c}x{h}x2 nchw, shuffle{g}", "torch")
    if c % g:
        with pytest.raises(RuntimeError):
            torch.nn.ChannelShuffle(g)(x)
        assert net is None
        return
    expected = torch.nn.ChannelShuffle(g)(x)
    assert torch.equal(expected, _shufflenet_shuffle(torch, x, g))
    assert net is not None
    assert net.shown_shape(net.layers[-1].output_shape, net.layers[-1].tokens) == tuple(expected.shape[1:])
    assert net.layers[-1].params.total == 0
    ours = _twin(net, x.permute(0, 2, 3, 1).numpy())
    assert (ours == expected.permute(0, 2, 3, 1).numpy()).all()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(c=st.sampled_from([2, 4, 6, 12]), g=st.sampled_from([1, 2, 3]))
def test_shuffle_agrees_with_keras(c: int, g: int) -> None:
    keras = oracle("keras")
    import numpy as np

    if c % g:
        return
    inputs = keras.Input((3, 2, c))
    grouped = keras.layers.Reshape((3, 2, g, c // g))(inputs)
    swapped = keras.layers.Permute((1, 2, 4, 3))(grouped)
    model = keras.Model(inputs, keras.layers.Reshape((3, 2, c))(swapped))
    x = np.arange(3 * 2 * c, dtype="float32").reshape(1, 3, 2, c)
    net = _ours(f"input 3x2x{c}, shuffle{g}")
    assert net is not None and (None, *net.layers[-1].output_shape) == tuple(model.output_shape)
    assert (_twin(net, x) == keras.ops.convert_to_numpy(model(x))).all()


def test_shufflenet_unit_contract() -> None:
    """A ShuffleNetV2 unit of stride 1 on 116 channels: one half kept, a 1×1 conv on the other, shuffled.
    Keras' count: 58·58 = 3,364 for the conv, 4·58 = 232 for its batch norm: 3,596."""
    keras = oracle("keras")
    text = "input 8x8x116, cat(slice:58 | slice58:, conv58x1 nobias, bn, relu), shuffle2"
    net = build(text)
    assert net.layers[-1].output_shape == (8, 8, 116)
    assert net.total_params == 3_364 + 232 == 3_596
    inputs = keras.Input((8, 8, 116))
    branch = keras.layers.Conv2D(58, 1, use_bias=False)(inputs[..., 58:])
    branch = keras.layers.Activation("relu")(keras.layers.BatchNormalization()(branch))
    merged = keras.layers.Concatenate()([inputs[..., :58], branch])
    grouped = keras.layers.Permute((1, 2, 4, 3))(keras.layers.Reshape((8, 8, 2, 58))(merged))
    model = keras.Model(inputs, keras.layers.Reshape((8, 8, 116))(grouped))
    assert model.count_params() == net.total_params
    assert tuple(model.output_shape) == (None, 8, 8, 116)


def _keras_paste(keras: Any) -> str:
    """Keras' own summary of a ShuffleNetV2 unit's halves, as a user pastes it."""
    keras.backend.clear_session()  # Keras' own names, from get_item on
    inputs = keras.Input((8, 8, 116))
    branch = keras.layers.Conv2D(58, 1, use_bias=False)(inputs[..., 58:])
    branch = keras.layers.Activation("relu")(keras.layers.BatchNormalization()(branch))
    model = keras.Model(inputs, keras.layers.Concatenate()([inputs[..., :58], branch]))
    lines: list[str] = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line), line_length=100)
    return "\n".join(lines)


@pytest.mark.parametrize("against_spec", [True, False])
def test_a_keras_paste_with_slices_checks_row_by_row(tmp_path: Any, against_spec: bool) -> None:
    from click.testing import CliRunner

    from cnncalc.cli import main

    keras = oracle("keras")
    paste = tmp_path / "paste.txt"
    paste.write_text(_keras_paste(keras), encoding="utf-8")
    spec = ["input 8x8x116, cat(slice:58 | slice58:, conv58x1 nobias, bn, relu)"] if against_spec else []
    result = CliRunner().invoke(main, ["check", *spec, "--summary", str(paste)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    # Keras' two GetItem rows are the spec's slices (or, alone, rows that learn nothing and keep ≤ 116 channels)
    assert "✗" not in result.output, result.output
    rows = [line for line in result.output.splitlines() if "get_item" in line]
    assert len(rows) == 4 and all(line.rstrip().endswith("✓") for line in rows), result.output
    if against_spec:  # alone, a concatenation whose 'Connected to' Keras cuts short is left unchecked
        assert "unchecked" not in result.output, result.output


@pytest.mark.parametrize("text", [
    "input 8x8x116, cat(slice:58 | slice58:, conv58x1 nobias, bn, relu), shuffle2",
    "input 6x6x12, slice-8:, conv8x3 same, shuffle4, slice2:6, gap, dense3",
    "input 6x6x12, add(slice:6 | slice6:), conv4x1",
])
def test_the_code_written_for_slices_and_shuffles_runs_as_the_spec_says(text: str, tmp_path: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from cnncalc.views.codegen import keras_code

    from .test_codegen import read_back, run_code, torch_check

    net = build(text)
    assert torch_check(net, tmp_path), "PyTorch code refused"
    # Keras: GetItem is an operation, not in model.layers, and a shuffle is Reshape, Permute, Reshape
    keras = oracle("keras")
    keras.backend.clear_session()
    monkeypatch.setattr(keras.Model, "summary", lambda self, *a, **k: None)
    code = keras_code(net)
    model = run_code(code)["model"]
    assert (model.count_params(), tuple(model.output_shape[1:])) == (net.total_params, net.layers[-1].output_shape)
    back = read_back(code, tmp_path)
    assert (back.total_params, back.layers[-1].output_shape) == (net.total_params, net.layers[-1].output_shape)
    ours = [(layer.keras_class, layer.output_shape) for layer in back.layers]
    theirs = [(type(op).__name__, tuple(op.output.shape[1:])) for op in model.operations
              if type(op).__name__ != "InputLayer"]
    assert sorted(ours) == sorted(theirs), code


@pytest.mark.parametrize("against_spec", [True, False])
def test_a_torchinfo_paste_with_a_shuffle_checks_row_by_row(tmp_path: Any, against_spec: bool) -> None:
    """torchinfo shows nn.ChannelShuffle as a row and the slices x[:, a:b] as none: the spec's rows pair with it."""
    from click.testing import CliRunner

    from cnncalc.cli import main
    from cnncalc.views.codegen import pytorch_code

    from .test_codegen import run_code

    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    text = "input 8x8x116, cat(slice:58 | slice58:, conv58x1 nobias, bn, relu), shuffle2"
    model = run_code(pytorch_code(build(text)))["model"]
    assert isinstance(model.shuffle1, torch.nn.ChannelShuffle)
    paste = tmp_path / "paste.txt"
    paste.write_text(str(torchinfo.summary(model, input_size=(1, 116, 8, 8), verbose=0, depth=10)), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", *([text] if against_spec else []), "--summary", str(paste)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "✗" not in result.output, result.output
    rows = [line for line in result.output.splitlines() if "ChannelShuffle" in line or "channel_shuffle" in line]
    if against_spec:
        assert "unchecked" not in result.output and len(rows) == 2, result.output
        assert all(line.rstrip().endswith("✓") for line in rows), result.output
    else:  # alone, the shuffle's input is a concatenation torchinfo shows no row for: its output is left unchecked
        output, params = rows
        assert "its input may be a concatenation" in output and params.rstrip().endswith("✓"), result.output
