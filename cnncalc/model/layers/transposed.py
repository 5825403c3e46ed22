"""Transposed convolutions (``deconv``): Keras 3's output length for valid and same, PyTorch's for explicit
padding, and their output padding."""

from __future__ import annotations

from typing import ClassVar

from ..records import record, replace
from .base import Layer, Padding, Pair, Params, Resolution, RuleError, Shape, require_sequence, require_volume
from .convolution import conv_arithmetic, keras_strides_with_dilation, require_groups


def transposed_length(n: int, kernel: int, stride: int, padding: Padding | int, output_padding: int | None,
                      dilation: int = 1) -> int:
    """Output length of a transposed convolution: Keras 3's rule for valid/same, PyTorch's for explicit p.

    >>> transposed_length(7, 3, 2, "valid", None), transposed_length(7, 3, 2, "same", None)
    (15, 14)
    >>> transposed_length(7, 3, 2, 1, 1)   # PyTorch: (7 − 1)·2 − 2·1 + 3 + 1
    14
    """
    span = dilation * (kernel - 1) + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (n - 1) * stride + span + extra
    if padding == "same":
        return n * stride if output_padding is None else (n - 1) * stride + span % 2 + output_padding
    pad = padding if isinstance(padding, int) else int(padding[0])
    return (n - 1) * stride - 2 * pad + span + (output_padding or 0)


@record
class Conv2DTranspose(Layer):
    """Keras ``Conv2DTranspose`` (``deconv`` / ``convT``); explicit padding follows PyTorch's ConvTranspose2d."""

    keras_class: ClassVar[str] = "Conv2DTranspose"
    auto_name: ClassVar[str] = "conv2d_transpose"
    torch_name: ClassVar[str] = "ConvTranspose2d"

    filters: int
    kernel_size: Pair
    strides: Pair = (1, 1)
    padding: Padding = "valid"
    output_padding: Pair | None = None
    dilation_rate: Pair = (1, 1)
    activation: str | None = None
    use_bias: bool = True
    #: grouped transposed convolution (PyTorch's ConvTranspose2d groups)
    groups: int = 1
    #: PyTorch's rule for output padding (below the stride or the dilation), not Keras' (below the stride)
    torch_rules: bool = False

    def for_torch(self) -> Layer:
        return replace(self, padding=torch_transposed_padding(self, self.padding, 2), torch_rules=True)

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        keras_strides_with_dilation(self.padding, self.strides, self.dilation_rate)
        require_groups(self.groups, c, self.filters)
        require_output_padding(self.output_padding, self.strides, self.dilation_rate if self.torch_rules else None)
        pads = (self.padding, self.padding) if isinstance(self.padding, str) else self.padding
        ops = self.output_padding or (None, None)
        sizes = tuple(transposed_length(n, self.kernel_size[i], self.strides[i], pads[i], ops[i],
                                        self.dilation_rate[i]) for i, n in enumerate((h, w)))
        if min(sizes) <= 0:
            raise RuleError(f"Computed output size would be zero or negative: {sizes[0]}×{sizes[1]}",
                            "use less padding")
        kh, kw = self.kernel_size
        weights, biases = kh * kw * c * self.filters // self.groups, self.filters if self.use_bias else 0
        depth = f"{c}" if self.groups == 1 else f"({c}/{self.groups})"
        arithmetic = conv_arithmetic(self.kernel_size, depth, self.filters, weights, biases)
        return Resolution((sizes[0], sizes[1], self.filters), Params(weights, biases), arithmetic=arithmetic,
                          macs=h * w * weights, bias_adds=sizes[0] * sizes[1] * biases)


def require_output_padding(output_padding: tuple[int, ...] | None, strides: tuple[int, ...],
                           dilations: tuple[int, ...] | None = None) -> None:
    """The rule for a transposed convolution's output padding, on every axis: below the stride in Keras
    (``base_conv_transpose.py``); below the stride or the dilation in PyTorch, when its ``dilations`` are given
    ("output padding must be smaller than either stride or dilation")."""
    for axis, (op, stride) in enumerate(zip(output_padding or (), strides)):
        if dilations is None and op >= stride:
            raise RuleError(f"`output_padding` must be strictly less than `strides`, but got "
                            f"output_padding={op} and strides={stride}",
                            f"use op{stride - 1} or less, or a larger stride")
        if dilations is not None and op >= max(stride, dilations[axis]):
            raise RuleError(f"output padding must be smaller than either stride or dilation, but got "
                            f"output_padding={op}, stride={stride} and dilation={dilations[axis]}",
                            f"use op{max(stride, dilations[axis]) - 1} or less, or a larger stride")


def torch_transposed_padding(layer: Layer, padding: Padding | str, rank: int) -> Padding | tuple[int, ...]:
    """PyTorch's ConvTranspose takes numbers only: 'valid' is padding 0 (and no Keras stretch to the stride)."""
    if padding == "same":
        raise RuleError(f"PyTorch's {layer.torch_class} takes no 'same' padding",
                        "write the padding as a number: p1 with s2 and op1 doubles a 3×3 deconv's input, "
                        "or use --conventions keras")
    if padding == "valid":
        return (0,) * rank
    return padding


@record
class Conv1DTranspose(Layer):
    """Keras ``Conv1DTranspose`` (``deconv1d``); explicit padding follows PyTorch's ConvTranspose1d."""

    keras_class: ClassVar[str] = "Conv1DTranspose"
    auto_name: ClassVar[str] = "conv1d_transpose"
    torch_name: ClassVar[str] = "ConvTranspose1d"

    filters: int
    kernel_size: int
    strides: int = 1
    padding: Padding = "valid"
    output_padding: int | None = None
    dilation_rate: int = 1
    activation: str | None = None
    use_bias: bool = True
    groups: int = 1
    #: PyTorch's rule for output padding (below the stride or the dilation), not Keras' (below the stride)
    torch_rules: bool = False

    def for_torch(self) -> Layer:
        return replace(self, padding=torch_transposed_padding(self, self.padding, 2), torch_rules=True)

    def resolve(self, shape: Shape) -> Resolution:
        length, c = require_sequence(self, shape)
        keras_strides_with_dilation(self.padding, (self.strides,), (self.dilation_rate,))
        require_groups(self.groups, c, self.filters)
        require_output_padding(None if self.output_padding is None else (self.output_padding,), (self.strides,),
                               (self.dilation_rate,) if self.torch_rules else None)
        size = transposed_length(length, self.kernel_size, self.strides,
                                 self.padding if isinstance(self.padding, str) else self.padding[0],
                                 self.output_padding, self.dilation_rate)
        if size <= 0:
            raise RuleError(f"Computed output size would be zero or negative: {size}", "use less padding")
        weights, biases = self.kernel_size * c * self.filters // self.groups, self.filters if self.use_bias else 0
        depth = f"{c}" if self.groups == 1 else f"({c}/{self.groups})"
        arithmetic = conv_arithmetic((self.kernel_size,), depth, self.filters, weights, biases)
        return Resolution((size, self.filters), Params(weights, biases), arithmetic=arithmetic,
                          macs=length * weights, bias_adds=size * biases)
