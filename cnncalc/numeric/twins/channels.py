"""Twins of the layers that pick or reorder channels: a slice of the channels, ShuffleNet's channel shuffle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...model.layers import ChannelShuffle, ChannelSlice, Layer, Shape, channel_range
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


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {ChannelSlice: _slice, ChannelShuffle: _shuffle}
