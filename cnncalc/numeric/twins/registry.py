"""Every layer kind's twin and scratch rule, gathered from the families; 1-D kinds run their 2-D counterparts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...model import layers
from ...model.layers import AveragePooling1D, Conv1D, Layer, MaxPooling1D, Shape
from . import (
    activations,
    attention,
    channels,
    convolution,
    dense,
    global_pooling,
    grid_attention,
    normalization,
    pooling,
    preprocessing,
    reshaping,
    scaling,
    transposed,
    windows_attention,
)
from .base import Twin
from .sequence import _as_2d


def _one_d_twin(layer: Layer, shape: Shape, rng: Any) -> Twin:
    """A 1-D layer's twin: its 2-D counterpart on (B, 1, L, C)."""
    flat = _as_2d(layer)
    twin = TWINS[type(flat)](flat, (1, *shape), rng)
    return lambda x: twin(x[:, None])[:, 0]


#: every layer kind's twin; a 1-D kind's is its 2-D counterpart's, on (B, 1, L, C)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    **convolution.TWINS,
    **transposed.TWINS,
    **pooling.TWINS,
    **global_pooling.TWINS,
    **reshaping.TWINS,
    **channels.TWINS,
    **dense.TWINS,
    **normalization.TWINS,
    **preprocessing.TWINS,
    **activations.TWINS,
    **scaling.TWINS,
    **attention.TWINS,
    **windows_attention.TWINS,
    **grid_attention.TWINS,
    Conv1D: _one_d_twin,
    layers.DepthwiseConv1D: _one_d_twin,
    layers.SeparableConv1D: _one_d_twin,
    layers.Conv1DTranspose: _one_d_twin,
    MaxPooling1D: _one_d_twin,
    AveragePooling1D: _one_d_twin,
}
#: what each twin allocates, in float32 values per example: the memory estimate's single source
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    **convolution.SCRATCH,
    **transposed.SCRATCH,
    **pooling.SCRATCH,
    **global_pooling.SCRATCH,
    **reshaping.SCRATCH,
    **dense.SCRATCH,
    **normalization.SCRATCH,
    **preprocessing.SCRATCH,
    **activations.SCRATCH,
    **attention.SCRATCH,
    **windows_attention.SCRATCH,
    **grid_attention.SCRATCH,
}


def _scratch(layer: Layer, shape: Shape, out: Shape) -> int:
    """Values a twin allocates beyond its input, its output and its weights, per example."""
    flat = _as_2d(layer)
    if flat is not layer:  # a 1-D layer: its 2-D counterpart on a 1×L image
        return _scratch(flat, (1, *shape), (1, *out))
    rule = SCRATCH.get(type(layer))
    return rule(layer, shape, out) if rule is not None else 0
