"""Keras' preprocessing layers that sit in a model: ``Rescaling`` (x · scale + offset), ``Normalization``
((x − mean) / √variance, with the mean and variance adapted to the data before training), and the random
augmentation layers (``RandomFlip``, ``RandomRotation``…), which change images while the model trains and give them
back unchanged at inference, and the crops to a size (``CenterCrop``, ``RandomCrop``)."""

from __future__ import annotations

from typing import ClassVar

from ..records import record, replace
from .base import Layer, Pair, Params, Resolution, RuleError, Shape, require_volume


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


@record
class RandomAugmentation(Layer):
    """A Keras random augmentation layer (keras.io's ``data_augmentation = keras.Sequential([layers.RandomFlip(…),
    layers.RandomRotation(0.1)])``): while the model trains it flips, turns, zooms, shifts or recolours each image,
    and at inference (a summary, a prediction) it gives the image back as it is; the shape kept, nothing learned.
    ``factor`` is the layer's first argument as the spec writes it (``randomrotation0.1``: a tenth of a turn either
    way), which changes no shape or count; ``mode`` is RandomFlip's (``horizontal``, ``vertical`` or both).
    PyTorch has no such module: torchvision's transforms augment the data before it reaches the model."""

    keras_class: ClassVar[str] = "RandomAugmentation"
    auto_name: ClassVar[str] = "random_augmentation"

    factor: float | None = None
    mode: str = "horizontal_and_vertical"

    def resolve(self, shape: Shape) -> Resolution:
        return Resolution(shape)

    def for_torch(self) -> Layer:
        raise RuleError(f"PyTorch has no {self.keras_class} module: torchvision's transforms augment the data "
                        "before it reaches the model", "leave it out of the spec under PyTorch's conventions")


@record
class RandomFlip(RandomAugmentation):
    keras_class: ClassVar[str] = "RandomFlip"
    auto_name: ClassVar[str] = "random_flip"


@record
class RandomRotation(RandomAugmentation):
    keras_class: ClassVar[str] = "RandomRotation"
    auto_name: ClassVar[str] = "random_rotation"


@record
class RandomZoom(RandomAugmentation):
    keras_class: ClassVar[str] = "RandomZoom"
    auto_name: ClassVar[str] = "random_zoom"


@record
class RandomTranslation(RandomAugmentation):
    keras_class: ClassVar[str] = "RandomTranslation"
    auto_name: ClassVar[str] = "random_translation"


@record
class RandomContrast(RandomAugmentation):
    keras_class: ClassVar[str] = "RandomContrast"
    auto_name: ClassVar[str] = "random_contrast"


@record
class RandomBrightness(RandomAugmentation):
    keras_class: ClassVar[str] = "RandomBrightness"
    auto_name: ClassVar[str] = "random_brightness"


@record
class CenterCrop(Layer):
    """Keras ``CenterCrop(height, width)``: the middle H×W of the map, the rows and columns left over cut from the
    top and left first when they are odd (Keras' ``(size − H) // 2``); nothing learned. An input smaller than the
    crop, which Keras resizes first, is refused."""

    keras_class: ClassVar[str] = "CenterCrop"
    auto_name: ClassVar[str] = "center_crop"

    size: Pair = (1, 1)

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        if h < self.size[0] or w < self.size[1]:
            raise RuleError(f"a {self.size[0]}×{self.size[1]} crop of a {h}×{w} map: cnncalc's crop takes a map at "
                            "least its size (Keras resizes a smaller one first)",
                            f"crop at most {h}×{w}, or resize first")
        return Resolution((self.size[0], self.size[1], c))

    def for_torch(self) -> Layer:
        raise RuleError(f"PyTorch has no {self.keras_class} module: torchvision's transforms crop the data before "
                        "it reaches the model", "leave it out of the spec under PyTorch's conventions")


@record
class RandomCrop(CenterCrop):
    """Keras ``RandomCrop(height, width)``: a random H×W window while the model trains; its row in Keras' summary is
    H×W (cnncalc's forward pass, which only confirms shapes, takes the middle window)."""

    keras_class: ClassVar[str] = "RandomCrop"
    auto_name: ClassVar[str] = "random_crop"
