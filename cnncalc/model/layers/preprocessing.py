"""Keras' preprocessing layers that sit in a model: ``Rescaling`` (x · scale + offset) and ``Normalization``
((x − mean) / √variance, with the mean and variance adapted to the data before training)."""

from __future__ import annotations

from typing import ClassVar

from ..records import record, replace
from .base import Layer, Params, Resolution, Shape


@record
class Rescaling(Layer):
    """Keras ``Rescaling(scale, offset)``: each value times ``scale`` plus ``offset``; nothing learned, the shape
    kept. The spec's ``rescaling`` scales by 1/255 (pixels to [0, 1]), ``rescaling{F}`` by F."""

    keras_class: ClassVar[str] = "Rescaling"
    auto_name: ClassVar[str] = "rescaling"

    scale: float = 1 / 255
    offset: float = 0.0

    def resolve(self, shape: Shape) -> Resolution:
        return Resolution(shape)


@record
class Normalization(Layer):
    """Keras ``Normalization`` on the last (channel) axis: a mean and a variance per channel and the count of
    values they were adapted on, 2·C + 1, none trainable. PyTorch (``torch``) has no such layer; a
    ``BatchNorm2d(C, affine=False)`` in eval mode computes the same with its running statistics, 2·C + 1
    buffers."""

    keras_class: ClassVar[str] = "Normalization"
    auto_name: ClassVar[str] = "normalization"

    torch: bool = False

    def for_torch(self) -> Layer:
        return replace(self, torch=True)

    def torch_class_for(self, shape: Shape) -> str:
        return f"BatchNorm{max(1, len(shape) - 1)}d"

    def resolve(self, shape: Shape) -> Resolution:
        c = shape[-1]
        if self.torch:
            return Resolution(shape, Params(buffers=2 * c + 1), arithmetic=(
                ("params", f"0; the mean and variance and the count, 2·{c} + 1 = {2 * c + 1:,}, are buffers"),))
        return Resolution(shape, Params(2 * c + 1, 0, 2 * c + 1), arithmetic=(
            ("params", f"2·{c} + 1 = {2 * c + 1:,} (mean, variance, count; none trainable)"),))
