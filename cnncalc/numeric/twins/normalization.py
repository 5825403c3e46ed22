"""Twins of batch (inference mode, ε = 0.001 as Keras), layer, group, instance and local response normalization."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model import layers
from ...model.layers import BatchNormalization, Layer, Shape
from .base import Array, Twin, _normal


def _normalize(x: Array, axes: tuple[int, ...]) -> Array:
    x = x - x.mean(axis=axes, keepdims=True)
    x /= (x.var(axis=axes, keepdims=True) + 1e-3) ** 0.5
    return x


def _layer_norm_twin(layer: layers.LayerNormalization, shape: Shape, rng: Any) -> Twin:
    gamma = _normal(rng, (shape[-1],)) if layer.scale else 1
    beta = _normal(rng, (shape[-1],)) if layer.center else 0
    return lambda x: _normalize(x, (-1,)) * gamma + beta


def _group_norm_twin(layer: layers.GroupNormalization, shape: Shape, rng: Any) -> Twin:
    gamma, beta = _normal(rng, (shape[-1],)), _normal(rng, (shape[-1],))

    def twin(x: Array) -> Array:
        grouped = x.reshape(*x.shape[:-1], layer.groups, x.shape[-1] // layer.groups)
        axes = (*range(1, x.ndim - 1), -1)  # every spatial axis and the channels of one group
        return _normalize(grouped, axes).reshape(x.shape) * gamma + beta
    return twin


def _instance_norm_twin(layer: layers.InstanceNormalization, shape: Shape, rng: Any) -> Twin:
    """Each channel of each example normalised over its own map (every axis but the batch and the channels)."""
    gamma = _normal(rng, (shape[-1],)) if layer.scale else 1
    beta = _normal(rng, (shape[-1],)) if layer.center else 0
    return lambda x: _normalize(x, tuple(range(1, x.ndim - 1))) * gamma + beta


def _lrn_twin(layer: layers.LocalResponseNormalization, shape: Shape, rng: Any) -> Twin:
    """PyTorch's LocalResponseNorm: a / (k + α/n · Σ a² over n neighbouring channels)^β, k=1, α=1e-4, β=0.75."""
    import numpy as np

    def twin(x: Array) -> Array:
        squares = np.pad(x * x, [(0, 0)] * (x.ndim - 1) + [(layer.size // 2, (layer.size - 1) // 2)])
        sums = np.lib.stride_tricks.sliding_window_view(squares, layer.size, axis=-1).sum(axis=-1)
        return x / (1 + 1e-4 / layer.size * sums) ** 0.75
    return twin


def _batch_norm_twin(layer: BatchNormalization, shape: Shape, rng: Any) -> Twin:
    channels = shape[-1]
    gamma, beta, mean = (_normal(rng, (channels,)) for _ in range(3))
    variance = rng.uniform(0.5, 2.0, channels).astype("float32")
    scale = gamma / (variance + 1e-3) ** 0.5

    def twin(x: Array) -> Array:
        out = x - mean
        out *= scale
        out += beta
        return out
    return twin


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    BatchNormalization: _batch_norm_twin,
    layers.LayerNormalization: _layer_norm_twin,
    layers.GroupNormalization: _group_norm_twin,
    layers.LocalResponseNormalization: _lrn_twin,
    layers.InstanceNormalization: _instance_norm_twin,
}


#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    layers.LayerNormalization: lambda layer, shape, out: 4 * math.prod(out),
    layers.GroupNormalization: lambda layer, shape, out: 5 * math.prod(out),
    layers.LocalResponseNormalization: lambda layer, shape, out: 6 * math.prod(out),
    layers.InstanceNormalization: lambda layer, shape, out: 4 * math.prod(out),
}
