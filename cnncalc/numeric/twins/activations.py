"""Twins of every activation, computed in place so a layer's pass holds one output, and what each allocates."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model import layers
from ...model.layers import Activation, Layer, Shape
from .base import Array, Twin, _normal


def _erf_in_place(np: Any, z: Array) -> Array:
    """erf(z), overwriting z, with three scratch arrays (NumPy has no erf; exact GELU needs one).

    Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: 1 − (a₁t + … + a₅t⁵)·e^(−z²), t = 1/(1 + pz).
    """
    sign = np.sign(z)
    np.abs(z, out=z)
    t = z * 0.3275911
    t += 1
    np.reciprocal(t, out=t)
    poly = t * 1.061405429
    for coefficient in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += coefficient
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z
    np.subtract(1.0, poly, out=z)
    z *= sign
    return z


def activation(name: str | None, alpha: float | None = None) -> Twin:
    """The NumPy twin of a Keras activation; it leaves its argument unchanged."""
    in_place = activation_in_place(name, alpha)
    return lambda x: in_place(x.copy())


def activation_in_place(name: str | None, alpha: float | None = None) -> Twin:
    """A Keras activation that overwrites its argument, so a layer's pass holds one output, not three.

    What each one allocates besides is :func:`activation_scratch`.
    """
    import numpy as np

    selu_alpha, selu_scale = 1.6732632423543772, 1.0507009873554805

    def relu(x: Array) -> Array:
        return np.maximum(x, 0, out=x)

    def sigmoid(x: Array) -> Array:
        np.negative(x, out=x)
        np.exp(x, out=x)
        x += 1
        return np.reciprocal(x, out=x)

    def softmax(x: Array) -> Array:
        x -= x.max(axis=-1, keepdims=True)
        np.exp(x, out=x)
        x /= x.sum(axis=-1, keepdims=True)
        return x

    def log_softmax(x: Array) -> Array:
        x -= x.max(axis=-1, keepdims=True)
        x -= np.log(np.exp(x).sum(axis=-1, keepdims=True))
        return x

    def elu(x: Array, alpha: float = 1.0, scale: float = 1.0) -> Array:
        negative = np.minimum(x, 0)
        np.expm1(negative, out=negative)
        negative *= alpha
        np.maximum(x, 0, out=x)
        x += negative
        x *= scale
        return x

    def swish(x: Array) -> Array:
        gate = np.negative(x)
        np.exp(gate, out=gate)
        gate += 1
        x /= gate
        return x

    def gelu(x: Array) -> Array:
        gate = _erf_in_place(np, x * (1 / math.sqrt(2)))
        gate += 1
        gate *= 0.5
        x *= gate
        return x

    def leaky(x: Array) -> Array:
        negative = np.minimum(x, 0)
        negative *= (0.3 if alpha is None else alpha) - 1  # x + (α − 1)·min(x, 0)
        x += negative
        return x

    def hardswish(x: Array) -> Array:
        gate = x + 3
        np.clip(gate, 0, 6, out=gate)
        gate /= 6
        x *= gate
        return x

    def hardsigmoid(x: Array) -> Array:  # PyTorch's Hardsigmoid and Keras 3's hard_sigmoid: relu6(x + 3) / 6
        x += 3
        np.clip(x, 0, 6, out=x)
        x /= 6
        return x

    def mish(x: Array) -> Array:
        gate = np.logaddexp(x, 0)  # softplus
        np.tanh(gate, out=gate)
        x *= gate
        return x

    functions: dict[str | None, Twin] = {
        None: lambda x: x,
        "linear": lambda x: x,
        "relu": relu,
        "sigmoid": sigmoid,
        "tanh": lambda x: np.tanh(x, out=x),
        "softmax": softmax,
        "logsoftmax": log_softmax,
        "elu": elu,
        "selu": lambda x: elu(x, selu_alpha, selu_scale),
        "gelu": gelu,
        "swish": swish,
        "relu6": lambda x: np.clip(x, 0, 6, out=x),
        "leakyrelu": leaky,
        "hardswish": hardswish,
        "hardsigmoid": hardsigmoid,
        "mish": mish,
    }
    return functions[name]


def activation_scratch(name: str | None, out: Shape) -> int:
    """Values an in-place activation allocates beyond its argument, per example.

    softmax reduces over the last axis (one value per row, a whole output when there is one
    channel); elu, selu and swish keep one output-sized array; gelu's erf is a polynomial of
    several output-sized terms.
    """
    size = math.prod(out)
    if name == "softmax":
        return size // out[-1]
    if name == "logsoftmax":  # exp's output-sized array, then the sums
        return size + size // out[-1]
    return size * {"elu": 1, "selu": 1, "swish": 1, "gelu": 4, "leakyrelu": 1, "hardswish": 1, "mish": 2}.get(
        name or "", 0)


def _prelu_twin(layer: layers.PReLU, shape: Shape, rng: Any) -> Twin:
    import numpy as np

    size = (shape[-1],) if layer.channel else ((1,) if layer.torch else shape)
    alpha = np.abs(_normal(rng, size)) * 0.25
    return lambda x: np.where(x > 0, x, x * alpha)


def _activation_twin(layer: Activation, shape: Shape, rng: Any) -> Twin:
    return activation(layer.activation)


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    Activation: _activation_twin,
    layers.ReLU: _activation_twin,
    layers.LeakyReLU: lambda layer, shape, rng: activation("leakyrelu", layer.alpha),
    layers.PReLU: _prelu_twin,
}


#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    Activation: lambda layer, shape, out: activation_scratch(layer.activation, out),
    layers.LeakyReLU: lambda layer, shape, out: math.prod(out),
    layers.PReLU: lambda layer, shape, out: 2 * math.prod(out),
}
