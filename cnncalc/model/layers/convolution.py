"""Convolutions on images and volumes (Conv2D, DepthwiseConv2D, SeparableConv2D, Conv3D) and the rules
every convolution shares: groups, Keras' strides with dilation, PyTorch's same padding and padding modes."""

from __future__ import annotations

from math import prod
from typing import ClassVar

from ..arithmetic import AxisWindows
from ..records import record, replace
from .base import (
    Finding,
    Layer,
    Padding,
    Pair,
    Params,
    Resolution,
    RuleError,
    Shape,
    Triple,
    dims_text,
    require_volume,
    require_volume3d,
)
from .windows import Windowed, stride_findings, volume_findings, window_axes


class TorchSamePadding(Layer):
    """A convolution under PyTorch's rule that ``padding='same'`` needs stride 1."""

    def for_torch(self) -> Layer:
        strides = self.strides  # type: ignore[attr-defined]
        padding = self.padding  # type: ignore[attr-defined]
        axes = strides if isinstance(strides, tuple) else (strides,)
        require_torch_same(self, padding, axes)
        if padding == "valid":  # PyTorch's padding=0: Keras' refusal of strides with dilation is Keras' own
            return replace(self, padding=(0,) * max(2, len(axes)))
        return self


@record
class Conv2D(Windowed, TorchSamePadding):
    """Keras ``Conv2D``: F filters of KH×KW over all input channels (or C/groups)."""

    keras_class: ClassVar[str] = "Conv2D"
    auto_name: ClassVar[str] = "conv2d"
    torch_name: ClassVar[str] = "Conv2d"

    filters: int
    kernel_size: Pair
    strides: Pair = (1, 1)
    padding: Padding = "valid"
    dilation_rate: Pair = (1, 1)
    activation: str | None = None
    use_bias: bool = True
    groups: int = 1
    #: PyTorch's padding_mode: "zeros", "reflect", "replicate" or "circular"
    padding_mode: str = "zeros"

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        keras_strides_with_dilation(self.padding, self.strides, self.dilation_rate)
        require_groups(self.groups, c, self.filters)
        axes = self.windows(h, w, self.kernel_size, self.strides, self.padding, self.dilation_rate)
        mode_notes = padding_mode_findings(self.padding_mode, axes)
        kh, kw = self.kernel_size
        per_filter = c // self.groups
        weights = kh * kw * per_filter * self.filters
        biases = self.filters if self.use_bias else 0
        depth = f"{c}" if self.groups == 1 else f"({c}/{self.groups})"
        arithmetic = conv_arithmetic(self.kernel_size, depth, self.filters, weights, biases)
        positions = axes[0].output * axes[1].output
        return Resolution(
            (axes[0].output, axes[1].output, self.filters),
            Params(weights, biases),
            (*stride_findings(axes, shape), *mode_notes),
            axes,
            arithmetic,
            positions * weights,
            positions * biases,
        )

def require_torch_same(layer: Layer, padding: Padding | tuple[int, ...], strides: tuple[int, ...]) -> None:
    """PyTorch's rule: ``padding='same'`` only at stride 1."""
    if padding == "same" and max(strides) > 1:
        raise RuleError(f"padding='same' is not supported for strided convolutions in PyTorch's "
                        f"{layer.torch_class} (strides {dims_text(strides)})",
                        "write the padding explicitly (p1 for a 3×3 kernel), or use --conventions keras")


def padding_mode_findings(mode: str, axes: tuple[AxisWindows, ...]) -> tuple[Finding, ...]:
    """PyTorch's padding_mode: the shape is that of zero padding; reflect needs the padding below the size."""
    if mode == "zeros":
        return ()
    if mode == "reflect":
        for axis in axes:
            if max(axis.pad_before, axis.pad_after) >= axis.n:
                raise RuleError(f"padding_mode='reflect' needs padding smaller than the input, but pads "
                                f"{max(axis.pad_before, axis.pad_after)} on a size of {axis.n}",
                                f"pad at most {axis.n - 1}, or use 'replicate'")
    if mode == "circular":
        for axis in axes:
            if max(axis.pad_before, axis.pad_after) > axis.n:
                raise RuleError(f"padding_mode='circular': the padding value causes wrapping around more than "
                                f"once (pads {max(axis.pad_before, axis.pad_after)} on a size of {axis.n})",
                                f"pad at most {axis.n}, or use 'replicate'")
    if all(axis.pad_before == axis.pad_after == 0 for axis in axes):
        return ()
    fill = {"reflect": "mirror the input at its edge", "replicate": "repeat the edge values",
            "circular": "wrap around from the other side"}[mode]
    return (Finding("note", f"padding_mode {mode}: the padded cells {fill} instead of zeros; "
                            "the output shape is the same as with zeros"),)


def require_groups(groups: int, channels: int, filters: int) -> None:
    """Keras' rule for grouped convolution: filters and input channels both divisible by the groups."""
    for count, what in ((filters, "filters"), (channels, "input channels")):
        if count % groups:
            raise RuleError(
                f"the number of {what} must be evenly divisible by the number of groups. "
                f"Received: groups={groups}, {what}={count}",
                f"use a group count that divides both {filters} filters and {channels} input channels",
            )


def keras_strides_with_dilation(padding: Padding, strides: tuple[int, ...], dilation: tuple[int, ...]) -> None:
    """Keras rejects strides > 1 with dilation > 1; PyTorch (explicit padding) allows it."""
    if isinstance(padding, str) and max(strides) > 1 and max(dilation) > 1:
        raise RuleError(
            "`strides > 1` not supported in conjunction with `dilation_rate > 1` "
            f"in Keras. Received: strides={dims_text(strides)}, dilation_rate={dims_text(dilation)}",
            f"PyTorch allows it with explicit padding: write 'p0' (or 'p1', …) instead of '{padding}' to use "
            "PyTorch's rule",
        )


def conv_arithmetic(kernel: tuple[int, ...], depth: str, filters: int, weights: int, biases: int,
                    bias_word: str = "filter") -> tuple[tuple[str, str], ...]:
    taps = "·".join(map(str, kernel))
    fan_in = weights // filters if filters else 0
    return (
        ("params", f"({taps}·{depth}{' + 1' if biases else ''})·{filters} = {weights + biases:,}"),
        ("weights", f"{taps}·{depth}·{filters} = {weights:,}"),
        ("biases", f"one per {bias_word}: {biases:,}" if biases else "nobias: 0"),
        ("unit", f"each {bias_word}: {taps}·{depth} = {fan_in:,} weights{' + 1 bias' if biases else ''} "
                 f"(fan-in {fan_in:,})"),
    )


@record
class DepthwiseConv2D(Windowed, TorchSamePadding):
    """Keras ``DepthwiseConv2D``: one KH×KW kernel per input channel, times the depth multiplier."""

    keras_class: ClassVar[str] = "DepthwiseConv2D"
    auto_name: ClassVar[str] = "depthwise_conv2d"
    torch_name: ClassVar[str] = "Conv2d"  # nn.Conv2d(C, C·m, k, groups=C)

    kernel_size: Pair
    strides: Pair = (1, 1)
    padding: Padding = "valid"
    dilation_rate: Pair = (1, 1)
    depth_multiplier: int = 1
    activation: str | None = None
    use_bias: bool = True

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)  # Keras' depthwise base allows strides > 1 with dilation > 1
        axes = self.windows(h, w, self.kernel_size, self.strides, self.padding, self.dilation_rate)
        out = c * self.depth_multiplier
        weights = self.kernel_size[0] * self.kernel_size[1] * out
        biases = out if self.use_bias else 0
        positions = axes[0].output * axes[1].output
        arithmetic = conv_arithmetic(self.kernel_size, "1", out, weights, biases, "output channel")
        return Resolution((axes[0].output, axes[1].output, out), Params(weights, biases),
                          tuple(stride_findings(axes, shape)), axes, arithmetic, positions * weights,
                          positions * biases)


@record
class SeparableConv2D(Windowed, TorchSamePadding):
    """Keras ``SeparableConv2D``: a depthwise KH×KW conv, then a 1×1 conv to F filters."""

    keras_class: ClassVar[str] = "SeparableConv2D"
    auto_name: ClassVar[str] = "separable_conv2d"

    filters: int
    kernel_size: Pair
    strides: Pair = (1, 1)
    padding: Padding = "valid"
    dilation_rate: Pair = (1, 1)
    depth_multiplier: int = 1
    activation: str | None = None
    use_bias: bool = True

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)  # Keras' separable base allows strides > 1 with dilation > 1
        axes = self.windows(h, w, self.kernel_size, self.strides, self.padding, self.dilation_rate)
        kh, kw = self.kernel_size
        middle = c * self.depth_multiplier
        depthwise, pointwise = kh * kw * middle, middle * self.filters
        biases = self.filters if self.use_bias else 0
        positions = axes[0].output * axes[1].output
        arithmetic = (
            ("params", f"{kh}·{kw}·{middle} + {middle}·{self.filters}{f' + {biases}' if biases else ''} "
                       f"= {depthwise + pointwise + biases:,}"),
            ("weights", f"depthwise {kh}·{kw}·{middle} + pointwise {middle}·{self.filters} "
                        f"= {depthwise + pointwise:,}"),
            ("biases", f"one per filter: {biases:,}" if biases else "nobias: 0"),
        )
        return Resolution((axes[0].output, axes[1].output, self.filters), Params(depthwise + pointwise, biases),
                          tuple(stride_findings(axes, shape)), axes, arithmetic,
                          positions * (depthwise + pointwise), positions * biases)


@record
class Conv3D(TorchSamePadding):
    """Keras ``Conv3D``: F filters of KD×KH×KW over a D×H×W×C volume."""

    keras_class: ClassVar[str] = "Conv3D"
    auto_name: ClassVar[str] = "conv3d"
    torch_name: ClassVar[str] = "Conv3d"

    filters: int
    kernel_size: Triple
    strides: Triple = (1, 1, 1)
    padding: str | Triple = "valid"
    dilation_rate: Triple = (1, 1, 1)
    activation: str | None = None
    use_bias: bool = True
    groups: int = 1

    def resolve(self, shape: Shape) -> Resolution:
        d, h, w, c = require_volume3d(self, shape)
        keras_strides_with_dilation(self.padding if isinstance(self.padding, str) else (0, 0),
                                    self.strides, self.dilation_rate)
        require_groups(self.groups, c, self.filters)
        axes = window_axes((d, h, w), self.kernel_size, self.strides, self.padding, self.dilation_rate)
        weights = prod(self.kernel_size) * (c // self.groups) * self.filters
        biases = self.filters if self.use_bias else 0
        depth = f"{c}" if self.groups == 1 else f"({c}/{self.groups})"
        positions = prod(a.output for a in axes)
        return Resolution((*(a.output for a in axes), self.filters), Params(weights, biases),
                          volume_findings(axes, (d, h, w)), axes,
                          conv_arithmetic(self.kernel_size, depth, self.filters, weights, biases),
                          positions * weights, positions * biases)
