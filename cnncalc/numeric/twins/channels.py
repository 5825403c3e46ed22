"""Twins of the layers that pick, reorder or pad channels: a slice of the channels, ShuffleNet's channel shuffle,
zero channels before and after the input's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...model.layers import ChannelPad, ChannelShuffle, ChannelSlice, Layer, Shape, channel_range
from .base import Array, Twin


def _slice(layer: ChannelSlice, shape: Shape, rng: Any) -> Twin:
    first, last = channel_range(layer.start, layer.stop, shape[-1])
    return lambda x: x[..., first:last].copy()  # an array of its own, as the memory estimate counts it


def _shuffle(layer: ChannelShuffle, shape: Shape, rng: Any) -> Twin:
    """(B, …, C) as (B, …, G, C/G), the last two axes swapped, read back as (B, …, C): channel g·(C/G) + i goes
    to i·G + g, as PyTorch's ``view(b, G, C/G, h, w).transpose(1, 2)`` moves it."""
    groups = layer.groups

    def twin(x: Array) -> Array:
        grouped = x.reshape(*x.shape[:-1], groups, x.shape[-1] // groups)
        return grouped.swapaxes(-1, -2).reshape(x.shape)
    return twin


def _pad(layer: ChannelPad, shape: Shape, rng: Any) -> Twin:
    """``before`` zero channels, the input's, ``after`` zero channels, as ``F.pad(x, (0, 0, 0, 0, a, b))``."""
    def twin(x: Array) -> Array:
        import numpy as np  # the twins run only where NumPy is installed

        widths = [(0, 0)] * (x.ndim - 1) + [(layer.before, layer.after)]
        return np.pad(x, widths)
    return twin


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {ChannelSlice: _slice, ChannelShuffle: _shuffle,
                                                          ChannelPad: _pad}
