"""Pooling to a fixed size: global pooling over every axis but the channels, and adaptive pooling."""

from __future__ import annotations

from typing import ClassVar

from ..records import record
from .base import Finding, Layer, Resolution, Shape, dims_text, require_sequence, require_volume


@record
class GlobalPooling(Layer):
    """Global pooling over every axis but the channels; ``keepdims`` keeps them as size 1."""

    keepdims: bool = False
    #: the spatial rank it takes: 2 for images, 1 for sequences
    rank: ClassVar[int] = 2

    def resolve(self, shape: Shape) -> Resolution:
        c = require_volume(self, shape)[2] if self.rank == 2 else require_sequence(self, shape)[1]
        return Resolution(((1,) * self.rank + (c,)) if self.keepdims else (c,))


@record
class GlobalAveragePooling2D(GlobalPooling):
    keras_class: ClassVar[str] = "GlobalAveragePooling2D"
    auto_name: ClassVar[str] = "global_average_pooling2d"
    torch_name: ClassVar[str] = "AdaptiveAvgPool2d"


@record
class GlobalMaxPooling2D(GlobalPooling):
    keras_class: ClassVar[str] = "GlobalMaxPooling2D"
    auto_name: ClassVar[str] = "global_max_pooling2d"
    torch_name: ClassVar[str] = "AdaptiveMaxPool2d"


@record
class GlobalAveragePooling1D(GlobalPooling):
    keras_class: ClassVar[str] = "GlobalAveragePooling1D"
    auto_name: ClassVar[str] = "global_average_pooling1d"
    torch_name: ClassVar[str] = "AdaptiveAvgPool1d"
    rank: ClassVar[int] = 1


@record
class GlobalMaxPooling1D(GlobalPooling):
    keras_class: ClassVar[str] = "GlobalMaxPooling1D"
    auto_name: ClassVar[str] = "global_max_pooling1d"
    torch_name: ClassVar[str] = "AdaptiveMaxPool1d"
    rank: ClassVar[int] = 1


@record
class AdaptivePooling(Layer):
    """PyTorch's AdaptiveAvgPool/AdaptiveMaxPool (Keras 3.9+: AdaptiveAveragePooling…): a fixed output size.

    Window i of an axis covers [⌊i·n/out⌋, ⌈(i + 1)·n/out⌉), so any input size works, even one
    smaller than the output (windows then overlap).
    """

    output_size: tuple[int, ...] = (1, 1)

    def resolve(self, shape: Shape) -> Resolution:
        if len(self.output_size) == 2:
            c = require_volume(self, shape)[2]
            sizes = shape[:2]
        else:
            c = require_sequence(self, shape)[1]
            sizes = shape[:1]
        findings: tuple[Finding, ...] = ()
        if any(n % out for n, out in zip(sizes, self.output_size)):
            findings = (Finding("note", f"{dims_text(sizes)} into {dims_text(self.output_size)}: the size does not "
                                        "divide evenly, so windows differ in size (⌊i·n/out⌋ to ⌈(i + 1)·n/out⌉)"),)
        return Resolution((*self.output_size, c), findings=findings)


@record
class AdaptiveAveragePooling2D(AdaptivePooling):
    keras_class: ClassVar[str] = "AdaptiveAveragePooling2D"
    auto_name: ClassVar[str] = "adaptive_average_pooling2d"
    torch_name: ClassVar[str] = "AdaptiveAvgPool2d"


@record
class AdaptiveMaxPooling2D(AdaptivePooling):
    keras_class: ClassVar[str] = "AdaptiveMaxPooling2D"
    auto_name: ClassVar[str] = "adaptive_max_pooling2d"
    torch_name: ClassVar[str] = "AdaptiveMaxPool2d"


@record
class AdaptiveAveragePooling1D(AdaptivePooling):
    keras_class: ClassVar[str] = "AdaptiveAveragePooling1D"
    auto_name: ClassVar[str] = "adaptive_average_pooling1d"
    torch_name: ClassVar[str] = "AdaptiveAvgPool1d"


@record
class AdaptiveMaxPooling1D(AdaptivePooling):
    keras_class: ClassVar[str] = "AdaptiveMaxPooling1D"
    auto_name: ClassVar[str] = "adaptive_max_pooling1d"
    torch_name: ClassVar[str] = "AdaptiveMaxPool1d"
