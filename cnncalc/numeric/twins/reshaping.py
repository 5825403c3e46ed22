"""Twins of the layers that only move values: upsampling, resizing, padding (zeros, reflected, replicated),
cropping, pixel shuffle, flatten, reshape, permute."""

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

def _resize_twin(layer: layers.Resizing, shape: Shape, rng: Any) -> Twin:
    """PyTorch's F.interpolate to a size: nearest takes source index floor(dst · in/out); bilinear
    (align_corners=False) samples at (dst + 0.5) · in/out − 0.5, clamped at 0, between its two neighbours."""
    def axis(n_in: int, n_out: int) -> tuple[Any, Any, Any]:
        np = __import__("numpy")
        scale = n_in / n_out
        dst = np.arange(n_out, dtype=np.float64)
        if layer.interpolation == "nearest":
            low = np.minimum(np.floor(dst * scale).astype(int), n_in - 1)
            return low, low, np.zeros(n_out)
        src = np.maximum((dst + 0.5) * scale - 0.5, 0.0)
        low = np.minimum(np.floor(src).astype(int), n_in - 1)
        return low, np.minimum(low + 1, n_in - 1), src - low

    def twin(x: Array) -> Array:
        (r0, r1, fr), (c0, c1, fc) = axis(x.shape[1], layer.size[0]), axis(x.shape[2], layer.size[1])
        fr, fc = fr[None, :, None, None].astype(x.dtype), fc[None, None, :, None].astype(x.dtype)
        rows = x[:, r0] * (1 - fr) + x[:, r1] * fr
        return rows[:, :, c0] * (1 - fc) + rows[:, :, c1] * fc
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
    layers.Resizing: _resize_twin,
    Flatten: lambda layer, shape, rng: lambda x: x.reshape(x.shape[0], -1),
    layers.Reshape: lambda layer, shape, rng: lambda x: x.reshape(x.shape[0], *layer.target_shape),
    layers.Permute: lambda layer, shape, rng: lambda x: x.transpose(0, *layer.dims),
}


#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    UpSampling2D: lambda layer, shape, out: shape[0] * layer.size[0] * shape[1] * shape[2],
    layers.Permute: lambda layer, shape, out: math.prod(out),
    layers.PixelShuffle: lambda layer, shape, out: math.prod(out),
    layers.Resizing: lambda layer, shape, out: 3 * out[0] * shape[1] * shape[2] + 3 * math.prod(out),
}
