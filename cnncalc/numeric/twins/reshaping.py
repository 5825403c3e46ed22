"""Twins of the layers that only move values: upsampling, padding, cropping, flatten, reshape, permute."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model import layers
from ...model.layers import Cropping2D, Flatten, Layer, Shape, UpSampling2D, ZeroPadding2D
from .base import Twin

#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    UpSampling2D: lambda layer, shape, rng: lambda x: x.repeat(layer.size[0], axis=1).repeat(layer.size[1], axis=2),
    ZeroPadding2D: lambda layer, shape, rng: lambda x: __import__("numpy").pad(
        x, ((0, 0), layer.padding[:2], layer.padding[2:], (0, 0))),
    Cropping2D: lambda layer, shape, rng: lambda x: x[:, layer.cropping[0]: x.shape[1] - layer.cropping[1],
                                                      layer.cropping[2]: x.shape[2] - layer.cropping[3]],
    Flatten: lambda layer, shape, rng: lambda x: x.reshape(x.shape[0], -1),
    layers.Reshape: lambda layer, shape, rng: lambda x: x.reshape(x.shape[0], *layer.target_shape),
    layers.Permute: lambda layer, shape, rng: lambda x: x.transpose(0, *layer.dims),
}


#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    UpSampling2D: lambda layer, shape, out: shape[0] * layer.size[0] * shape[1] * shape[2],
    layers.Permute: lambda layer, shape, out: math.prod(out),
}
