"""Convolutions on L×C sequences: Conv1D (with Keras' causal padding), DepthwiseConv1D, SeparableConv1D."""

from __future__ import annotations

from typing import ClassVar

from ..records import record
from .base import Layer, Padding, Params, Resolution, RuleError, Shape, require_sequence
from .convolution import (
    TorchSamePadding,
    conv_arithmetic,
    keras_strides_with_dilation,
    padding_mode_findings,
    require_groups,
)
from .windows import one_axis, sequence_findings


@record
class Conv1D(TorchSamePadding):
    """Keras ``Conv1D`` on an L×C sequence; ``causal`` pads d(k − 1) on the left only."""

    keras_class: ClassVar[str] = "Conv1D"
    auto_name: ClassVar[str] = "conv1d"
    torch_name: ClassVar[str] = "Conv1d"

    filters: int
    kernel_size: int
    strides: int = 1
    padding: Padding = "valid"
    dilation_rate: int = 1
    activation: str | None = None
    use_bias: bool = True
    groups: int = 1
    padding_mode: str = "zeros"

    def for_torch(self) -> Layer:
        if self.padding == "causal":
            raise RuleError("PyTorch's Conv1d has no 'causal' padding",
                            "pad the left side yourself (F.pad(x, (d·(k − 1), 0))), or use --conventions keras")
        return super().for_torch()

    def resolve(self, shape: Shape) -> Resolution:
        length, c = require_sequence(self, shape)
        keras_strides_with_dilation(self.padding, (self.strides,), (self.dilation_rate,))
        require_groups(self.groups, c, self.filters)
        axis = one_axis(length, self.kernel_size, self.strides, self.padding, self.dilation_rate)
        depth = f"{c}" if self.groups == 1 else f"({c}/{self.groups})"
        weights = self.kernel_size * (c // self.groups) * self.filters
        biases = self.filters if self.use_bias else 0
        arithmetic = conv_arithmetic((self.kernel_size,), depth, self.filters, weights, biases)
        return Resolution((axis.output, self.filters), Params(weights, biases),
                          (*sequence_findings(axis, length), *padding_mode_findings(self.padding_mode, (axis,))),
                          (axis,), arithmetic, axis.output * weights, axis.output * biases)


@record
class DepthwiseConv1D(TorchSamePadding):
    """Keras ``DepthwiseConv1D``: one length-K kernel per input channel, times the depth multiplier."""

    keras_class: ClassVar[str] = "DepthwiseConv1D"
    auto_name: ClassVar[str] = "depthwise_conv1d"
    torch_name: ClassVar[str] = "Conv1d"

    kernel_size: int
    strides: int = 1
    padding: Padding = "valid"
    dilation_rate: int = 1
    depth_multiplier: int = 1
    activation: str | None = None
    use_bias: bool = True

    def resolve(self, shape: Shape) -> Resolution:
        length, c = require_sequence(self, shape)
        axis = one_axis(length, self.kernel_size, self.strides, self.padding, self.dilation_rate)
        out = c * self.depth_multiplier
        weights, biases = self.kernel_size * out, out if self.use_bias else 0
        arithmetic = conv_arithmetic((self.kernel_size,), "1", out, weights, biases, "output channel")
        return Resolution((axis.output, out), Params(weights, biases), sequence_findings(axis, length), (axis,),
                          arithmetic, axis.output * weights, axis.output * biases)


@record
class SeparableConv1D(TorchSamePadding):
    """Keras ``SeparableConv1D``: a depthwise length-K conv, then a pointwise conv to F filters."""

    keras_class: ClassVar[str] = "SeparableConv1D"
    auto_name: ClassVar[str] = "separable_conv1d"

    filters: int
    kernel_size: int
    strides: int = 1
    padding: Padding = "valid"
    dilation_rate: int = 1
    depth_multiplier: int = 1
    activation: str | None = None
    use_bias: bool = True

    def resolve(self, shape: Shape) -> Resolution:
        length, c = require_sequence(self, shape)
        axis = one_axis(length, self.kernel_size, self.strides, self.padding, self.dilation_rate)
        middle = c * self.depth_multiplier
        depthwise, pointwise = self.kernel_size * middle, middle * self.filters
        biases = self.filters if self.use_bias else 0
        arithmetic = (
            ("params", f"{self.kernel_size}·{middle} + {middle}·{self.filters}{f' + {biases}' if biases else ''} "
                       f"= {depthwise + pointwise + biases:,}"),
            ("weights", f"depthwise {self.kernel_size}·{middle} + pointwise {middle}·{self.filters} "
                        f"= {depthwise + pointwise:,}"),
            ("biases", f"one per filter: {biases:,}" if biases else "nobias: 0"),
        )
        return Resolution((axis.output, self.filters), Params(depthwise + pointwise, biases),
                          sequence_findings(axis, length), (axis,), arithmetic,
                          axis.output * (depthwise + pointwise), axis.output * biases)
