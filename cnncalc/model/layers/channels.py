"""Layers that pick or reorder channels and learn nothing: a slice of the channels (``x[:, A:B]`` in PyTorch,
``x[..., A:B]`` in Keras), ShuffleNet's channel shuffle, and zero channels padded before and after the input's."""

from __future__ import annotations

from typing import ClassVar

from ..records import record
from .base import Layer, Resolution, RuleError, Shape, describe


def _bound(value: int | None) -> str:
    return "" if value is None else str(value)


def slice_text(start: int | None, stop: int | None) -> str:
    """The slice as Python writes it: '58:', ':58', '10:20', '-8:'.

    >>> slice_text(None, 58), slice_text(10, 20), slice_text(-8, None)
    (':58', '10:20', '-8:')
    """
    return f"{_bound(start)}:{_bound(stop)}"


def channel_range(start: int | None, stop: int | None, channels: int) -> tuple[int, int]:
    """The channels ``start:stop`` picks of ``channels``, as Python reads the slice (a negative bound counts from
    the end); a bound past either end, or a slice that picks nothing, is refused.

    >>> channel_range(None, 58, 116), channel_range(58, None, 116), channel_range(-8, -2, 16)
    ((0, 58), (58, 116), (8, 14))
    """
    first = 0 if start is None else start + channels if start < 0 else start
    last = channels if stop is None else stop + channels if stop < 0 else stop
    text = slice_text(start, stop)
    for bound in (start, stop):
        if bound is not None and not -channels <= bound <= channels:
            raise RuleError(f"the slice {text} reaches past the input's {channels} channels",
                            f"a bound lies within -{channels}..{channels}, as in slice:{channels // 2}")
    if first >= last:
        raise RuleError(f"the slice {text} of {channels} channels picks none",
                        f"the start comes before the stop, as in slice{first}:{channels}" if first < channels
                        else f"write slice:{channels // 2} or slice{channels // 2}:")
    return first, last


@record
class ChannelSlice(Layer):
    """Channels ``start`` to ``stop`` - 1 of the last axis, as a Python slice (None: from the start, to the end).

    Keras 3 shows ``x[..., A:B]`` as a GetItem row; PyTorch's ``x[:, A:B]`` is no module, so torchinfo shows no row.
    On tokens, or on a tensor PyTorch holds with its features last, it slices the features (``x[..., A:B]``) and
    keeps them last.
    """

    keras_class: ClassVar[str] = "GetItem"
    auto_name: ClassVar[str] = "get_item"
    per_token: ClassVar[bool] = True

    start: int | None = None
    stop: int | None = None

    def resolve(self, shape: Shape) -> Resolution:
        first, last = channel_range(self.start, self.stop, shape[-1])
        arithmetic = (("output", f"channels {first}..{last - 1} of {shape[-1]}: {last - first}"),)
        return Resolution((*shape[:-1], last - first), arithmetic=arithmetic)


@record
class ChannelShuffle(Layer):
    """ShuffleNet's channel shuffle: the channels as G groups of C/G, read group-minor (PyTorch's
    ``nn.ChannelShuffle(G)``, which is ``view(b, G, C/G, h, w)``, ``transpose(1, 2)``, ``view(b, C, h, w)``)."""

    keras_class: ClassVar[str] = "ChannelShuffle"
    auto_name: ClassVar[str] = "channel_shuffle"

    groups: int = 2

    def resolve(self, shape: Shape) -> Resolution:
        channels = shape[-1]
        if len(shape) < 2:
            raise RuleError(f"a channel shuffle needs channels and a map, but it receives {describe(shape)}",
                            "shuffle the channels of an H×W×C input, as ShuffleNet does")
        if channels % self.groups:
            divisors = [g for g in range(2, min(channels, 16) + 1) if channels % g == 0]
            raise RuleError(f"a shuffle in {self.groups} groups needs channels divisible by {self.groups}, but the "
                            f"input has {channels}",
                            f"{channels} channels shuffle in {', '.join(map(str, divisors[:4]))} groups"
                            if divisors else f"{channels} channels cannot be shuffled in groups")
        arithmetic = (("output", f"{self.groups} groups of {channels // self.groups} channels, interleaved"),)
        return Resolution(shape, arithmetic=arithmetic)


@record
class ChannelPad(Layer):
    """``before`` channels of zeros ahead of the input's and ``after`` behind them (PyTorch's
    ``F.pad(x, (0, 0, 0, 0, before, after))``, the CIFAR ResNet's shortcut): C + before + after channels, the
    map kept."""

    keras_class: ClassVar[str] = "ChannelPad"
    auto_name: ClassVar[str] = "channel_pad"

    before: int = 0
    after: int = 0

    def resolve(self, shape: Shape) -> Resolution:
        if len(shape) < 2:
            raise RuleError(f"a channel padding needs channels and a map, but it receives {describe(shape)}",
                            "pad the channels of an H×W×C input")
        channels = shape[-1] + self.before + self.after
        arithmetic = (("output", f"{self.before} + {shape[-1]} + {self.after} channels: {channels}"),)
        return Resolution((*shape[:-1], channels), arithmetic=arithmetic)
