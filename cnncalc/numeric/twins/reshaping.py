"""Twins of the layers that only move values: upsampling, padding (zeros, reflected, replicated), cropping, pixel
shuffle, flatten, reshape, permute."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model import layers
from ...model.layers import Cropping2D, Flatten, Layer, Shape, UpSampling2D, ZeroPadding2D
from .base import Array, Twin


def _pad_twin(mode: str) -> Callable[[Any, Shape, Any], Twin]:
    """NumPy's 'reflect' (the edge not repeated, PyTorch's ReflectionPad2d) or 'edge' (ReplicationPad2d)."""
    return lambda layer, shape, rng: lambda x: __import__("numpy").pad(
        x, ((0, 0), layer.padding[:2], layer.padding[2:], (0, 0)), mode=mode)


def _pixel_shuffle_twin(layer: layers.PixelShuffle, shape: Shape, rng: Any) -> Twin:
    """Channel c·R² + i·R + j of cell (h, w) to cell (h·R + i, w·R + j), channel c, as PyTorch orders them."""
    r = layer.factor

    def twin(x: Array) -> Array:
        b, h, w, c = x.shape
        blocks = x.reshape(b, h, w, c // (r * r), r, r)  # (…, c, i, j)
        return blocks.transpose(0, 1, 4, 2, 5, 3).reshape(b, h * r, w * r, c // (r * r))
    return twin

#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    UpSampling2D: lambda layer, shape, rng: lambda x: x.repeat(layer.size[0], axis=1).repeat(layer.size[1], axis=2),
    ZeroPadding2D: lambda layer, shape, rng: lambda x: __import__("numpy").pad(
        x, ((0, 0), layer.padding[:2], layer.padding[2:], (0, 0))),
    Cropping2D: lambda layer, shape, rng: lambda x: x[:, layer.cropping[0]: x.shape[1] - layer.cropping[1],
                                                      layer.cropping[2]: x.shape[2] - layer.cropping[3]],
    layers.ReflectionPadding2D: _pad_twin("reflect"),
    layers.ReplicationPadding2D: _pad_twin("edge"),
    layers.PixelShuffle: _pixel_shuffle_twin,
    Flatten: lambda layer, shape, rng: lambda x: x.reshape(x.shape[0], -1),
    layers.Reshape: lambda layer, shape, rng: lambda x: x.reshape(x.shape[0], *layer.target_shape),
    layers.Permute: lambda layer, shape, rng: lambda x: x.transpose(0, *layer.dims),
}


#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    UpSampling2D: lambda layer, shape, out: shape[0] * layer.size[0] * shape[1] * shape[2],
    layers.Permute: lambda layer, shape, out: math.prod(out),
    layers.PixelShuffle: lambda layer, shape, out: math.prod(out),
}
