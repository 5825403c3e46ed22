"""Twins of global and adaptive pooling."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model import layers
from ...model.layers import GlobalAveragePooling2D, GlobalMaxPooling2D, Layer, Shape
from .base import Array, Twin


def _adaptive_twin(layer: layers.AdaptivePooling, shape: Shape, rng: Any) -> Twin:
    """PyTorch's adaptive pooling: window i of an axis is [⌊i·n/out⌋, ⌈(i + 1)·n/out⌉)."""
    import numpy as np

    rank = len(layer.output_size)
    reduce = np.max if "Max" in layer.keras_class else np.mean
    bounds = [[(i * n // out, -(-(i + 1) * n // out)) for i in range(out)]
              for n, out in zip(shape[:rank], layer.output_size)]

    def twin(x: Array) -> Array:
        out = np.empty((x.shape[0], *layer.output_size, x.shape[-1]), dtype=x.dtype)
        for cell in np.ndindex(*layer.output_size):
            window = tuple(slice(*bounds[axis][i]) for axis, i in enumerate(cell))
            out[(slice(None), *cell)] = reduce(x[(slice(None), *window)], axis=tuple(range(1, rank + 1)))
        return out
    return twin


def _global_twin(layer: layers.GlobalPooling, shape: Shape, rng: Any) -> Twin:
    axes = tuple(range(1, layer.rank + 1))
    if "Max" in layer.keras_class:
        return lambda x: x.max(axis=axes, keepdims=layer.keepdims)
    return lambda x: x.mean(axis=axes, keepdims=layer.keepdims)


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    GlobalAveragePooling2D: _global_twin,
    GlobalMaxPooling2D: _global_twin,
    layers.GlobalAveragePooling1D: _global_twin,
    layers.GlobalMaxPooling1D: _global_twin,
    layers.AdaptiveAveragePooling2D: _adaptive_twin,
    layers.AdaptiveMaxPooling2D: _adaptive_twin,
    layers.AdaptiveAveragePooling1D: _adaptive_twin,
    layers.AdaptiveMaxPooling1D: _adaptive_twin,
}


#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    layers.AdaptiveAveragePooling2D: lambda layer, shape, out: math.prod(shape),
    layers.AdaptiveMaxPooling2D: lambda layer, shape, out: math.prod(shape),
    layers.AdaptiveAveragePooling1D: lambda layer, shape, out: math.prod(shape),
    layers.AdaptiveMaxPooling1D: lambda layer, shape, out: math.prod(shape),
}
