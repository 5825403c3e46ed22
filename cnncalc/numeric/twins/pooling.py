"""Twins of max and average pooling in 1, 2 and 3 dimensions: PyTorch's ceil rule, padding counts and max
pooling's dilation, and what they allocate."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model import layers
from ...model.arithmetic import effective_kernel
from ...model.layers import AveragePooling1D, AveragePooling2D, Layer, MaxPooling2D, Pooling2D, Shape
from .base import Array, Twin, _padded_values, _pads, _windows
from .sequence import _pool1d_as_2d


def pool2d(x: Array, size: tuple[int, ...], strides: tuple[int, ...], pads: list[tuple[int, int]],
           mode: str, ceil: bool = False, count_padding: bool = False,
           dilation: tuple[int, ...] | None = None) -> Array:
    """Max, min or average pooling of x (B, H, W, C) with PyTorch's ceil rule, padding counts and max
    pooling's dilation; a volume (B, D, H, W, C) with three sizes is pooled the same way."""
    import numpy as np

    rank = len(size)
    sizes = x.shape[1: rank + 1]
    dilation = dilation or (1,) * rank
    spans = tuple(effective_kernel(size[i], dilation[i]) for i in range(rank))
    extra = [strides[i] - 1 if ceil else 0 for i in range(rank)]  # room for a window hanging over the edge
    fill = {"max": -np.inf, "min": np.inf, "avg": 0.0}[mode]
    padded = x
    if any(before or after for before, after in pads) or any(extra):
        padded = np.pad(x, ((0, 0), *((pads[i][0], pads[i][1] + extra[i]) for i in range(rank)), (0, 0)),
                        constant_values=fill)
    windows = _windows(np, padded, spans, strides)
    if max(dilation) > 1:
        windows = windows[(..., *(slice(None, None, d) for d in dilation))]
    if ceil:  # PyTorch: the last window must start inside the input or its left padding
        keep = [min(windows.shape[1 + i], -(-(n + pads[i][0]) // strides[i])) for i, n in enumerate(sizes)]
        windows = windows[(slice(None), *(slice(None, k) for k in keep))]
    axes = tuple(range(rank + 2, 2 * rank + 2))
    if mode == "max":
        return windows.max(axis=axes)
    if mode == "min":
        return windows.min(axis=axes)
    counted = np.zeros(padded.shape[1: rank + 1], dtype=x.dtype)  # x's dtype, so the averages keep it too
    counted[tuple(slice(0 if count_padding else pads[i][0], pads[i][0] + n + (pads[i][1] if count_padding else 0))
                  for i, n in enumerate(sizes))] = 1.0
    divisor = _windows(np, counted[None, ..., None], size, strides)[
        (0, *(slice(None, windows.shape[1 + i]) for i in range(rank)), 0)]
    out = windows.sum(axis=axes)
    out /= divisor.sum(axis=tuple(range(rank, 2 * rank)))[None, ..., None]
    return out


def _pool_twin(layer: Pooling2D | layers.Pooling3D, shape: Shape, rng: Any) -> Twin:
    strides = layer.effective_strides if isinstance(layer, Pooling2D) else layer.strides or layer.pool_size
    dilation = layer.dilation if isinstance(layer, Pooling2D) else (1, 1, 1)
    pads = _pads(shape, layer.pool_size, strides, layer.padding, dilation)
    mode = "max" if isinstance(layer, (MaxPooling2D, layers.MaxPooling3D)) else "avg"
    explicit = not isinstance(layer.padding, str)
    return lambda x: pool2d(x, layer.pool_size, strides, pads, mode, layer.ceil, count_padding=explicit,
                            dilation=dilation)


def _pool_padding(layer: Pooling2D | layers.Pooling3D, shape: Shape) -> tuple[list[tuple[int, int]], tuple[int, ...]]:
    """A pool twin's padding per axis, and the room ``ceil`` adds at the end for a last window."""
    strides = layer.effective_strides if isinstance(layer, Pooling2D) else layer.strides or layer.pool_size
    dilation = layer.dilation if isinstance(layer, Pooling2D) else (1, 1, 1)
    extra = tuple(s - 1 if layer.ceil else 0 for s in strides)
    return _pads(shape, layer.pool_size, strides, layer.padding, dilation), extra


def _pool_scratch(layer: Pooling2D | layers.Pooling3D, shape: Shape, out: Shape) -> int:
    return _padded_values(shape, *_pool_padding(layer, shape))


def _mask_values(layer: Layer, shape: Shape, out: Shape) -> int:
    """Average pooling's mask of counted cells and its window sums: one plane, whatever the batch."""
    if isinstance(layer, AveragePooling1D):
        return _mask_values(_pool1d_as_2d(layer), (1, *shape), (1, *out))
    if not isinstance(layer, (AveragePooling2D, layers.AveragePooling3D)):
        return 0
    pads, extra = _pool_padding(layer, shape)
    return _padded_values((*shape[:-1], 1), pads, (*extra, 1)) + math.prod(out[:-1])


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    MaxPooling2D: _pool_twin,
    AveragePooling2D: _pool_twin,
    layers.MaxPooling3D: _pool_twin,
    layers.AveragePooling3D: _pool_twin,
}


#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    MaxPooling2D: _pool_scratch,
    AveragePooling2D: _pool_scratch,
    layers.MaxPooling3D: _pool_scratch,
    layers.AveragePooling3D: _pool_scratch,
}
