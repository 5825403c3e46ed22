"""Twins of DropPath (the identity, as at inference) and LayerScale (each channel times its factor)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...model.layers import DropPath, Layer, LayerScale, Shape
from .base import Array, Twin, _normal


def _layer_scale_twin(layer: LayerScale, shape: Shape, rng: Any) -> Twin:
    """x · γ, one factor per channel (the last axis), broadcast over the positions."""
    gamma = _normal(rng, (shape[-1],))

    def twin(x: Array) -> Array:
        return x * gamma
    return twin


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    DropPath: lambda layer, shape, rng: lambda x: x,
    LayerScale: _layer_scale_twin,
}
