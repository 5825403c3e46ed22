"""Activation layers and the activation names cnncalc knows, with PyTorch's module for each."""

from __future__ import annotations

from math import prod
from typing import ClassVar

from ..records import record, replace
from .base import Layer, Params, Resolution, Shape

ACTIVATIONS = ("relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "swish", "linear", "relu6", "hardswish",
               "hardsigmoid", "mish", "leakyrelu", "logsoftmax")
#: PyTorch's module for each activation, as torchinfo names its rows.
TORCH_ACTIVATIONS = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "softmax": "Softmax", "elu": "ELU",
                     "selu": "SELU", "gelu": "GELU", "swish": "SiLU", "linear": "Identity", "relu6": "ReLU6",
                     "hardswish": "Hardswish", "hardsigmoid": "Hardsigmoid", "mish": "Mish", "leakyrelu": "LeakyReLU",
                     "logsoftmax": "LogSoftmax", "prelu": "PReLU"}


@record
class Activation(Layer):
    keras_class: ClassVar[str] = "Activation"
    auto_name: ClassVar[str] = "activation"
    per_token: ClassVar[bool] = True

    activation: str = "relu"

    @property
    def torch_class(self) -> str:
        return TORCH_ACTIVATIONS.get(self.activation, "Identity")

    def resolve(self, shape: Shape) -> Resolution:
        return Resolution(shape)


@record
class ReLU(Activation):
    """Keras' ``ReLU`` layer class; ``relu6`` is ``ReLU(max_value=6)`` (PyTorch: ``ReLU6``)."""

    keras_class: ClassVar[str] = "ReLU"
    auto_name: ClassVar[str] = "re_lu"

    activation: str = "relu6"


@record
class LeakyReLU(Activation):
    """``LeakyReLU``: the slope below 0 is ``alpha`` (Keras' default 0.3, PyTorch's 0.01, when not given)."""

    keras_class: ClassVar[str] = "LeakyReLU"
    auto_name: ClassVar[str] = "leaky_re_lu"

    activation: str = "leakyrelu"
    alpha: float | None = None


@record
class PReLU(Activation):
    """``PReLU``: a learned slope below 0.

    Keras (``shared_axes=None``) learns one per value of the input, PyTorch (``nn.PReLU()``) one
    in all; ``channel`` learns one per channel (Keras ``shared_axes=[1, 2]``, ``nn.PReLU(C)``).
    """

    keras_class: ClassVar[str] = "PReLU"
    auto_name: ClassVar[str] = "p_re_lu"

    activation: str = "prelu"
    channel: bool = False
    torch: bool = False

    def for_torch(self) -> Layer:
        return replace(self, torch=True)

    def resolve(self, shape: Shape) -> Resolution:
        if self.channel:
            count, why = shape[-1], f"one per channel: {shape[-1]:,}"
        elif self.torch:
            count, why = 1, "one for every value (nn.PReLU()): 1"
        else:
            count, why = prod(shape), f"one per value, {' × '.join(map(str, shape))} = {prod(shape):,} (Keras' default)"
        return Resolution(shape, Params(count), arithmetic=(("params", why),))
