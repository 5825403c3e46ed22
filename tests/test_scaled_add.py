"""``add(A | B) scale{F}``: A + F·B, Inception-ResNet's scaled residual sum, against keras.applications'
InceptionResNetV2 ``CustomScaleLayer`` (shape, parameters, values, a pasted summary) and against PyTorch running
the code cnncalc writes for it (``x + F * r`` in forward(), no module)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import build

from .conftest import oracle

np = pytest.importorskip("numpy")
SPEC = "input 6x5x4, conv4x1 relu, add(id | conv8x3 same, conv4x1) scale0.17, relu"


def keras_model(keras: Any) -> Any:
    """The spec, written as keras.applications' inception_resnet_block writes its sum."""
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer

    layers = keras.layers
    keras.backend.clear_session()
    inputs = keras.Input((6, 5, 4))
    x = layers.Conv2D(4, 1, activation="relu")(inputs)
    up = layers.Conv2D(4, 1)(layers.Conv2D(8, 3, padding="same")(x))
    return keras.Model(inputs, layers.Activation("relu")(CustomScaleLayer(0.17)([x, up])))


@pytest.mark.oracle
def test_a_scaled_add_is_kerass_custom_scale_layer_row_by_row() -> None:
    from .keras_rows import keras_rows
    from .test_graph import ours

    model = keras_model(oracle("keras"))
    net = build(SPEC)
    assert ours(net) == keras_rows(model)
    assert net.layers[3].keras_class == "CustomScaleLayer" and net.layers[3].params.total == 0
    assert net.total_params == model.count_params() == (4 * 4 + 4) + (9 * 4 * 8 + 8) + (8 * 4 + 4)


@pytest.mark.oracle
def test_the_twin_computes_what_keras_computes() -> None:
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer

    from cnncalc.numeric.twins.merges import merge

    keras = oracle("keras")
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 3, 4, 5)).astype("float32"), rng.standard_normal((2, 3, 4, 5)).astype("float32")
    layer = build("input 3x4x5, add(id | conv5x1) scale0.2").layers[-1].layer
    theirs = keras.ops.convert_to_numpy(CustomScaleLayer(0.2)([keras.ops.convert_to_tensor(a),
                                                               keras.ops.convert_to_tensor(b)]))
    np.testing.assert_allclose(merge(layer, [a, b]), theirs, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(merge(layer, [a, b]), a + 0.2 * b, rtol=1e-6)  # by hand


@pytest.mark.oracle
def test_the_code_written_runs_in_both_frameworks(tmp_path: Path) -> None:
    from cnncalc.views.codegen import keras_code, pytorch_code

    from .test_codegen import run_code, torch_check

    net = build(SPEC)
    assert torch_check(net, tmp_path)
    assert " + 0.17 * " in pytorch_code(net)
    keras = oracle("keras")
    keras.backend.clear_session()
    code = keras_code(net).replace("model.summary()", "")
    model = run_code(code)["model"]
    assert [type(layer).__name__ for layer in model.layers][-2:] == ["CustomScaleLayer", "Activation"]
    assert model.count_params() == net.total_params
    x = np.random.default_rng(4).standard_normal((1, 6, 5, 4)).astype("float32")
    conv, scaled = model.layers[1], model.layers[4]
    sub = keras.Model(model.inputs, [conv.output, model.layers[3].output, scaled.output])
    first, up, out = (keras.ops.convert_to_numpy(t) for t in sub(x))
    np.testing.assert_allclose(out, first + 0.17 * up, rtol=1e-5, atol=1e-6)


@pytest.mark.oracle
def test_a_pasted_keras_summary_with_the_custom_scale_layer_is_graded_correct(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from cnncalc.grading.pastes import align
    from cnncalc.readers.pasted import parse_summary

    monkeypatch.setenv("COLUMNS", "140")
    lines: list[str] = []
    keras_model(oracle("keras")).summary(print_fn=lambda line, **kwargs: lines.append(line), line_length=140)
    verdicts = align(build(SPEC), parse_summary("\n".join(lines)))
    assert verdicts and [v for v in verdicts if not v.ok] == []


@pytest.mark.parametrize(("spec", "message"), [
    ("input 4x4x2, add(id | conv2x1 | id) scale0.5", "'add … scale' takes exactly 2 branches, got 3"),
    ("input 4x4x2, add(id | conv2x1) scal0.5", "unexpected 'scal0.5' after the merge"),
    ("input 4x4x2, add(id | conv2x1) scale0.5 relu", "unexpected 'scale0.5' after the merge"),
    ("input 4x4x2, cat(id | conv2x1) scale0.5", "unexpected 'scale0.5' after the merge"),
    ("input 4x4x2, add(id | conv3x1) scale0.5", "needs branches of one shape"),
])
def test_what_a_scaled_add_refuses_is_said(spec: str, message: str) -> None:
    with pytest.raises(CnnCalcError) as error:
        build(spec)
    assert message in error.value.render(), error.value.render()


def test_a_name_after_the_scale_names_the_sum() -> None:
    net = build("input 4x4x2, add(id | conv2x1) scale0.5 as s, conv2x1, add(id | @s)")
    assert [layer.keras_class for layer in net.layers] == ["Conv2D", "CustomScaleLayer", "Conv2D", "Add"]
    assert net.layers[-1].inputs == ("conv2d_1", "custom_scale_layer")
