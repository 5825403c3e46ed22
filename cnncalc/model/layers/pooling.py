"""Max and average pooling over windows, in 1, 2 and 3 dimensions, and the pools' padding rules."""

from __future__ import annotations

from typing import ClassVar

from ..records import record, replace
from .base import (
    Layer,
    Padding,
    Pair,
    Params,
    Resolution,
    RuleError,
    Shape,
    Triple,
    require_sequence,
    require_volume,
    require_volume3d,
)
from .windows import Windowed, one_axis, sequence_findings, stride_findings, volume_findings, window_axes


@record
class Pooling1D(Layer):
    pool_size: int = 2
    strides: int | None = None
    padding: Padding = "valid"
    ceil: bool = False

    def for_torch(self) -> Layer:
        require_torch_pool_padding(self)
        return self

    def resolve(self, shape: Shape) -> Resolution:
        length, c = require_sequence(self, shape)
        require_pool_padding(self.padding if isinstance(self.padding, str) else self.padding[:1], (self.pool_size,),
                             self.ceil)  # the 2-D rule, on the one axis
        axis = one_axis(length, self.pool_size, self.strides or self.pool_size, self.padding, 1, self.ceil)
        return Resolution((axis.output, c), Params(), sequence_findings(axis, length), (axis,))


def require_torch_pool_padding(layer: Layer) -> None:
    if getattr(layer, "padding", None) == "same":
        raise RuleError(f"PyTorch's {layer.torch_class} takes no 'same' padding",
                        "write the padding as a number (p1 with a 3×3 pool, stride 1, keeps the size), "
                        "or use --conventions keras")


@record
class MaxPooling1D(Pooling1D):
    keras_class: ClassVar[str] = "MaxPooling1D"
    auto_name: ClassVar[str] = "max_pooling1d"
    torch_name: ClassVar[str] = "MaxPool1d"


@record
class AveragePooling1D(Pooling1D):
    keras_class: ClassVar[str] = "AveragePooling1D"
    auto_name: ClassVar[str] = "average_pooling1d"
    torch_name: ClassVar[str] = "AvgPool1d"


@record
class Pooling2D(Windowed):
    """Shared rule of max and average pooling: stride defaults to the pool size, as in Keras."""

    pool_size: Pair = (2, 2)
    strides: Pair | None = None
    padding: Padding = "valid"
    ceil: bool = False
    #: PyTorch's MaxPool2d dilation (Keras has none)
    dilation: Pair = (1, 1)

    @property
    def effective_strides(self) -> Pair:
        return self.pool_size if self.strides is None else self.strides

    def for_torch(self) -> Layer:
        require_torch_pool_padding(self)
        return self

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        self._check_padding()
        axes = self.windows(h, w, self.pool_size, self.effective_strides, self.padding, self.dilation, self.ceil)
        return Resolution((axes[0].output, axes[1].output, c), Params(), tuple(stride_findings(axes, shape)), axes)

    def _check_padding(self) -> None:
        if max(self.dilation) > 1 and isinstance(self, AveragePooling2D):
            raise RuleError("average pooling has no dilation in Keras or PyTorch (only MaxPool2d has one)",
                            "drop the dilation, or use max pooling ('pool3 d2')")
        require_pool_padding(self.padding, self.pool_size, self.ceil)


def require_pool_padding(padding: Padding | tuple[int, ...], pool_size: tuple[int, ...], ceil: bool = False) -> None:
    """The pools' padding rules: ``ceil`` rounds valid or explicit padding only, and explicit padding is at most
    half the (undilated) pool size, as PyTorch requires."""
    if isinstance(padding, str):
        if ceil and padding == "same":
            raise RuleError("'ceil' rounds the output of valid or explicit padding; 'same' already gives ⌈n/s⌉",
                            "drop 'ceil', or use 'valid' or 'p1' with it")
        return
    for pad, kernel in zip(padding, pool_size):
        if pad > kernel // 2:
            raise RuleError(
                f"pad should be at most half of kernel size, as PyTorch requires, "
                f"but got pad={pad} and kernel_size={kernel}",
                f"use p{kernel // 2} or less, or 'same'",
            )


@record
class MaxPooling2D(Pooling2D):
    keras_class: ClassVar[str] = "MaxPooling2D"
    auto_name: ClassVar[str] = "max_pooling2d"
    torch_name: ClassVar[str] = "MaxPool2d"


@record
class AveragePooling2D(Pooling2D):
    keras_class: ClassVar[str] = "AveragePooling2D"
    auto_name: ClassVar[str] = "average_pooling2d"
    torch_name: ClassVar[str] = "AvgPool2d"


@record
class Pooling3D(Layer):
    pool_size: Triple = (2, 2, 2)
    strides: Triple | None = None
    padding: str | Triple = "valid"
    ceil: bool = False
    torch: bool = False

    def for_torch(self) -> Layer:
        require_torch_pool_padding(self)
        return replace(self, torch=True)

    def resolve(self, shape: Shape) -> Resolution:
        d, h, w, c = require_volume3d(self, shape)
        if self.torch and isinstance(self, AveragePooling3D) and any(n < k for n, k in zip((d, h, w), self.pool_size)):
            raise RuleError(f"input image (T: {d} H: {h} W: {w}) smaller than kernel size (kT: {self.pool_size[0]} "
                            f"kH: {self.pool_size[1]} kW: {self.pool_size[2]}): PyTorch's AvgPool3d checks the "
                            "input without its padding", "use a smaller pool, or a larger input")
        require_pool_padding(self.padding, self.pool_size, self.ceil)
        axes = window_axes((d, h, w), self.pool_size, self.strides or self.pool_size, self.padding, (1, 1, 1),
                           self.ceil)
        return Resolution((*(a.output for a in axes), c), Params(), volume_findings(axes, (d, h, w)), axes)


@record
class MaxPooling3D(Pooling3D):
    keras_class: ClassVar[str] = "MaxPooling3D"
    auto_name: ClassVar[str] = "max_pooling3d"
    torch_name: ClassVar[str] = "MaxPool3d"


@record
class AveragePooling3D(Pooling3D):
    keras_class: ClassVar[str] = "AveragePooling3D"
    auto_name: ClassVar[str] = "average_pooling3d"
    torch_name: ClassVar[str] = "AvgPool3d"
