"""A record under the chosen framework's conventions: PyTorch's record, its activation split off as a module of
its own, a reshape's target in the input's layout; and the layers that act on each token alone."""

from __future__ import annotations

from ..model.conventions import channels_last
from ..model.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    DropPath,
    Layer,
    LayerNormalization,
    LayerScale,
    Reshape,
)
from ..model.records import replace

__all__ = ["PER_TOKEN", "framework_layer", "fused"]

#: Layers that act on each token alone, so an embedding's L×D output keeps its order through them.
PER_TOKEN = (Dense, Dropout, Activation, LayerNormalization, BatchNormalization, LayerScale, DropPath)


def framework_layer(layer: Layer, torch: bool, split: bool, layout: str | None) -> tuple[Layer, str | None]:
    """The record under the chosen conventions, and the activation split off it (PyTorch writes it apart).

    With an nchw input, a reshape's target is written channels-first too (reshape256x7x7)."""
    if layout == "nchw" and isinstance(layer, Reshape) and len(layer.target_shape) > 1:
        layer = Reshape(channels_last(layer.target_shape))
    if not torch:
        return layer, None
    layer = layer.for_torch()
    if not split:
        return layer, None
    return replace(layer, activation=None), layer.activation  # type: ignore[attr-defined]


def fused(layer: Layer) -> bool:
    """A layer with an activation argument, which PyTorch writes as a module of its own."""
    return not isinstance(layer, Activation) and getattr(layer, "activation", None) not in (None, "linear")
