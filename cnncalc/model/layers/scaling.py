"""Layers of residual blocks that keep the shape: stochastic depth, identity at inference, and the layer scale
that multiplies each channel by a learned factor."""

from __future__ import annotations

from typing import ClassVar

from ..records import record
from .base import Layer, Params, Resolution, Shape


@record
class DropPath(Layer):
    """``droppath{P}``: stochastic depth (torchvision's ``StochasticDepth``, timm's ``DropPath``, the
    ``StochasticDepth`` of Keras' ConvNeXt). While training it drops the whole branch of an example with
    probability P; at inference it is the identity. No parameters."""

    keras_class: ClassVar[str] = "StochasticDepth"
    auto_name: ClassVar[str] = "stochastic_depth"
    per_token: ClassVar[bool] = True

    rate: float

    def resolve(self, shape: Shape) -> Resolution:
        return Resolution(shape, arithmetic=(("params", "none: the identity at inference, 0"),))


@record
class LayerScale(Layer):
    """``layerscale``: each channel (the last axis) multiplied by a learned factor, as ConvNeXt's blocks do
    (Keras' ``LayerScale``; torchvision's ``nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)``). C parameters."""

    keras_class: ClassVar[str] = "LayerScale"
    parameter_only: ClassVar[bool] = True
    auto_name: ClassVar[str] = "layer_scale"
    per_token: ClassVar[bool] = True

    def resolve(self, shape: Shape) -> Resolution:
        channels = shape[-1]
        return Resolution(shape, Params(channels), arithmetic=(
            ("params", f"one factor per channel: {channels:,}"), ("weights", f"{channels:,}"), ("biases", "none: 0")),
            macs=0)
