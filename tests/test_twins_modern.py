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
