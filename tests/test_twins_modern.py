"""The NumPy twins of the words torchvision's modern networks need, against PyTorch's and Keras' own layers."""

from __future__ import annotations

import pytest

from .conftest import oracle

np = pytest.importorskip("numpy")

from cnncalc.numeric.twins.activations import activation  # noqa: E402

#: values on both sides of hardsigmoid's knees at -3 and 3, and between them
POINTS = [-7.5, -3.0, -2.999, -1.5, -0.25, 0.0, 0.5, 1.0, 2.9, 3.0, 3.001, 42.0]


def test_hardsigmoid_twin_equals_torch() -> None:
    torch = oracle("torch")
    x = np.array(POINTS, dtype=np.float64)
    theirs = torch.nn.Hardsigmoid()(torch.tensor(x)).numpy()
    assert np.allclose(activation("hardsigmoid")(x), theirs, rtol=0, atol=1e-12)
    assert activation("hardsigmoid")(x)[[0, 5, -1]].tolist() == [0.0, 0.5, 1.0]  # relu6(x + 3) / 6 by hand


def test_hardsigmoid_twin_equals_keras() -> None:
    keras = oracle("keras")
    x = np.array(POINTS, dtype=np.float32)
    theirs = keras.ops.convert_to_numpy(keras.layers.Activation("hard_sigmoid")(x))
    assert np.allclose(activation("hardsigmoid")(x.astype(np.float64)), theirs, rtol=0, atol=1e-6)


def test_hardswish_twin_equals_torch_and_keras() -> None:
    torch, keras = oracle("torch"), oracle("keras")
    x = np.array(POINTS, dtype=np.float64)
    ours = activation("hardswish")(x)
    assert np.allclose(ours, torch.nn.Hardswish()(torch.tensor(x)).numpy(), rtol=0, atol=1e-12)
    theirs = keras.ops.convert_to_numpy(keras.layers.Activation("hard_swish")(x.astype(np.float32)))
    assert np.allclose(ours, theirs, rtol=0, atol=1e-5)
    assert ours[[0, 5, 7, -1]].tolist() == [0.0, 0.0, 1.0 * 4 / 6, 42.0]  # x · relu6(x + 3) / 6 by hand


def test_droppath_twin_is_the_identity_as_keras_stochastic_depth_at_inference() -> None:
    keras = oracle("keras")
    from keras.src.applications.convnext import StochasticDepth

    from cnncalc.model.layers import DropPath
    from cnncalc.numeric.twins.registry import TWINS

    x = np.random.default_rng(1).standard_normal((2, 5, 5, 3)).astype(np.float32)
    theirs = keras.ops.convert_to_numpy(StochasticDepth(0.3)(x, training=False))
    assert np.array_equal(TWINS[DropPath](DropPath(0.3), (5, 5, 3), np.random.default_rng(0))(x), theirs)


def test_layerscale_twin_equals_keras_layer_scale_and_torchvision_s_parameter() -> None:
    keras, torch = oracle("keras"), oracle("torch")
    from keras.src.applications.convnext import LayerScale as KerasLayerScale

    from cnncalc.model.layers import LayerScale
    from cnncalc.numeric.twins.registry import TWINS

    twin = TWINS[LayerScale](LayerScale(), (5, 5, 3), np.random.default_rng(0))
    gamma = twin(np.ones((1, 1, 1, 3), dtype=np.float32)).reshape(3)  # the factors the twin drew
    x = np.random.default_rng(1).standard_normal((2, 5, 5, 3)).astype(np.float32)
    layer = KerasLayerScale(1e-6, 3)
    layer.build((None, 5, 5, 3))
    layer.gamma.assign(gamma)
    assert np.allclose(twin(x), keras.ops.convert_to_numpy(layer(x)), rtol=0, atol=1e-6)
    # torchvision's CNBlock: self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale), channels first
    scale = torch.nn.Parameter(torch.tensor(gamma).reshape(3, 1, 1))
    theirs = (scale * torch.tensor(x).permute(0, 3, 1, 2)).permute(0, 2, 3, 1).detach().numpy()
    assert np.allclose(twin(x), theirs, rtol=0, atol=1e-6)
