"""1-D layers as the 2-D layers that do the same on a 1×L image: their twins and their scratch are those."""

from __future__ import annotations

from typing import Any

from ...model import layers
from ...model.layers import (
    AveragePooling2D,
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    DepthwiseConv2D,
    Layer,
    MaxPooling1D,
    MaxPooling2D,
    Pooling1D,
    Pooling2D,
    SeparableConv2D,
)


def _as_2d_padding(padding: Any) -> Any:
    """A 1-D layer's padding on the second axis of a 1×L image (a string applies to both axes)."""
    return padding if isinstance(padding, str) else (0, padding[0])


def _conv1d_as_2d(layer: Conv1D) -> Conv2D:
    return Conv2D(layer.filters, (1, layer.kernel_size), (1, layer.strides), _as_2d_padding(layer.padding),
                  (1, layer.dilation_rate), layer.activation, layer.use_bias, layer.groups, layer.padding_mode)


def _as_2d(layer: Layer) -> Layer:
    """A 1-D layer as the 2-D layer that does the same on a 1×L image: its twin and its scratch."""
    if isinstance(layer, Conv1D):
        return _conv1d_as_2d(layer)
    if isinstance(layer, Pooling1D):
        return _pool1d_as_2d(layer)
    if isinstance(layer, layers.DepthwiseConv1D):
        return DepthwiseConv2D((1, layer.kernel_size), (1, layer.strides), _as_2d_padding(layer.padding),
                               (1, layer.dilation_rate), layer.depth_multiplier, layer.activation, layer.use_bias)
    if isinstance(layer, layers.SeparableConv1D):
        return SeparableConv2D(layer.filters, (1, layer.kernel_size), (1, layer.strides),
                               _as_2d_padding(layer.padding), (1, layer.dilation_rate), layer.depth_multiplier,
                               layer.activation, layer.use_bias)
    if isinstance(layer, layers.Conv1DTranspose):
        return Conv2DTranspose(layer.filters, (1, layer.kernel_size), (1, layer.strides),
                               _as_2d_padding(layer.padding),
                               None if layer.output_padding is None else (0, layer.output_padding),
                               (1, layer.dilation_rate), layer.activation, layer.use_bias, layer.groups)
    return layer


def _pool1d_as_2d(layer: Pooling1D) -> Pooling2D:
    cls = MaxPooling2D if isinstance(layer, MaxPooling1D) else AveragePooling2D
    return cls((1, layer.pool_size), (1, layer.strides or layer.pool_size), _as_2d_padding(layer.padding), layer.ceil)
