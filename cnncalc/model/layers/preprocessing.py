"""Keras' preprocessing layers that sit in a model: ``Rescaling`` (x · scale + offset) and ``Normalization``
((x − mean) / √variance, with the mean and variance adapted to the data before training)."""

from __future__ import annotations

from typing import ClassVar

from ..records import record, replace
from .base import Layer, Params, Resolution, RuleError, Shape


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


#: ImageNet's mean and variance of the red, green and blue channels of images scaled to [0, 1], as Keras'
#: EfficientNetV2 gives them to ``Normalization(mean=…, variance=…)``
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_VARIANCE = (0.229 ** 2, 0.224 ** 2, 0.225 ** 2)


@record
class Normalization(Layer):
    """Keras ``Normalization`` on the last (channel) axis: a mean and a variance per channel and the count of
    values they were adapted on, 2·C + 1, none trainable. PyTorch (``torch``) has no such layer; a
    ``BatchNorm2d(C, affine=False)`` in eval mode computes the same with its running statistics, 2·C + 1
    buffers. ``imagenet`` (the top of the pixels' range, 1 or 255; 0 when adapted):
    ``Normalization(mean=IMAGENET_MEAN·r, variance=IMAGENET_VARIANCE·r²)``, constants given to the layer rather
    than adapted, no parameters (3 channels only)."""

    keras_class: ClassVar[str] = "Normalization"
    auto_name: ClassVar[str] = "normalization"

    torch: bool = False
    imagenet: float = 0.0

    def for_torch(self) -> Layer:
        return replace(self, torch=True)

    def torch_class_for(self, shape: Shape) -> str:
        return f"BatchNorm{max(1, len(shape) - 1)}d"

    def resolve(self, shape: Shape) -> Resolution:
        c = shape[-1]
        if self.imagenet:
            if c != 3:
                word = "imagenet" if self.imagenet == 1 else "imagenet255"
                raise RuleError(f"normalization {word} gives the mean and variance of 3 channels (red, green, "
                                f"blue), but it receives {c}")
            return Resolution(shape, arithmetic=(
                ("params", "0; ImageNet's mean and variance of 3 channels are constants given to the layer"),))
        if self.torch:
            return Resolution(shape, Params(buffers=2 * c + 1), arithmetic=(
                ("params", f"0; the mean and variance and the count, 2·{c} + 1 = {2 * c + 1:,}, are buffers"),))
        return Resolution(shape, Params(2 * c + 1, 0, 2 * c + 1), arithmetic=(
            ("params", f"2·{c} + 1 = {2 * c + 1:,} (mean, variance, count; none trainable)"),))
