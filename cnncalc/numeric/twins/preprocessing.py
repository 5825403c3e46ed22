"""Twins of Keras' preprocessing layers: Rescaling (x · scale + offset), Normalization (an adapted mean and
variance per channel), the random augmentation layers, which give an image back unchanged at inference, and the
crops to a size (the middle window; RandomCrop's too, which is random while the model trains)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model.layers import (
    CenterCrop,
    Layer,
    Normalization,
    RandomBrightness,
    RandomContrast,
    RandomCrop,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    Rescaling,
    Shape,
)
from ...model.layers.preprocessing import IMAGENET_MEAN, IMAGENET_VARIANCE
from .base import Twin, _normal


def _normalization_twin(layer: Normalization, shape: Shape, rng: Any) -> Twin:
    """Keras' Normalization after adapt(), or given ImageNet's constants: (x − mean) / max(√variance, 1e-7), per
    channel."""
    import numpy as np

    if layer.imagenet:
        given = np.array(IMAGENET_MEAN, dtype="float64") * layer.imagenet
        scale = np.maximum(np.sqrt(np.array(IMAGENET_VARIANCE, dtype="float64")) * layer.imagenet, 1e-7)
        return lambda x: (x - given) / scale
    mean = _normal(rng, (shape[-1],))
    std = np.maximum(np.sqrt(rng.uniform(0.5, 2.0, shape[-1]).astype("float32")), 1e-7)
    return lambda x: (x - mean) / std


#: the random augmentation layers, each the identity at inference (Keras' training=False)
AUGMENTATIONS = (RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast, RandomBrightness)

#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    Rescaling: lambda layer, shape, rng: lambda x: x * layer.scale + layer.offset,
    Normalization: _normalization_twin,
    **{kind: lambda layer, shape, rng: lambda x: x for kind in AUGMENTATIONS},
    **{kind: lambda layer, shape, rng: _middle(layer.size, shape) for kind in (CenterCrop, RandomCrop)},
}


def _middle(size: tuple[int, int], shape: Shape) -> Twin:
    """The middle window of a batch of maps, as Keras' CenterCrop cuts it: (H − h) // 2 rows from the top."""
    top, left = (shape[0] - size[0]) // 2, (shape[1] - size[1]) // 2
    return lambda x: x[:, top:top + size[0], left:left + size[1], :]


#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    Rescaling: lambda layer, shape, out: math.prod(out),
    Normalization: lambda layer, shape, out: math.prod(out),
}
