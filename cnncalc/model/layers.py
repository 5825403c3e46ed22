"""One small frozen record per layer kind, each knowing its own shape rule and parameters.

A record holds what the user asked for (filters, kernel, stride…).  Given the shape that
flows into it, :meth:`Layer.resolve` returns the output shape, the weight and bias counts and
any findings.  Shapes are channels-last tuples without the batch axis, as Keras prints them
after its ``None``.  Rules raise :class:`RuleError`; the network adds the layer's name.

>>> Conv2D(32, (3, 3)).resolve((28, 28, 1)).params.total
320
>>> Dense(10).resolve((1600,)).params.total
16010
"""

from __future__ import annotations

from functools import lru_cache
from math import prod
from typing import Any, ClassVar

from ..errors import CnnCalcError
from .arithmetic import AxisWindows, window_axis
from .records import record, replace

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "AveragePooling2D",
    "BatchNormalization",
    "Conv2D",
    "Dense",
    "Dropout",
    "Finding",
    "Flatten",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "Layer",
    "MaxPooling2D",
    "Padding",
    "Params",
    "Resolution",
    "RuleError",
    "Shape",
]

Shape = tuple[int, ...]
Pair = tuple[int, int]
#: "valid", "same", or explicit symmetric zero padding (rows, columns) as in PyTorch.
Padding = str | Pair

ACTIVATIONS = ("relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "swish", "linear", "relu6", "hardswish",
               "mish", "leakyrelu")
#: PyTorch's module for each activation, as torchinfo names its rows.
TORCH_ACTIVATIONS = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "softmax": "Softmax", "elu": "ELU",
                     "selu": "SELU", "gelu": "GELU", "swish": "SiLU", "linear": "Identity", "relu6": "ReLU6",
                     "hardswish": "Hardswish", "mish": "Mish", "leakyrelu": "LeakyReLU",
                     "prelu": "PReLU"}


class RuleError(CnnCalcError):
    """A layer rule's complaint about its input; the network adds which layer it was."""


@record
class Params:
    """Parameter counts of one layer, as exact Python ints.

    ``weights + biases`` is every parameter Keras counts; ``non_trainable`` is the part of
    them that training does not update (BatchNormalization's moving statistics).
    """

    weights: int = 0
    biases: int = 0
    non_trainable: int = 0
    #: PyTorch's buffers, which are not parameters (BatchNorm's running statistics under torch conventions)
    buffers: int = 0

    @property
    def total(self) -> int:
        return self.weights + self.biases

    @property
    def trainable(self) -> int:
        return self.total - self.non_trainable


@record
class Finding:
    """Something the summary should say about a layer: a ``warning`` or an informational ``note``."""

    level: str
    text: str


@record
class Resolution:
    """What a layer makes of its input: output shape, parameters, findings and window axes."""

    output_shape: Shape
    params: Params = Params()
    findings: tuple[Finding, ...] = ()
    axes: tuple[AxisWindows, ...] = ()
    #: (field, text) pairs: how "output", "params", "weights" and "biases" come about.
    arithmetic: tuple[tuple[str, str], ...] = ()
    #: multiply-accumulates without the bias (the fvcore/thop convention), and the bias additions.
    macs: int = 0
    bias_adds: int = 0


class Layer:
    """Base of every layer record: its Keras class name and auto-name stem, and PyTorch's class name."""

    keras_class: ClassVar[str]
    auto_name: ClassVar[str]
    #: PyTorch's module class, where it differs from Keras' name (torchinfo's row label)
    torch_name: ClassVar[str] = ""

    def resolve(self, shape: Shape) -> Resolution:
        raise NotImplementedError

    @property
    def torch_class(self) -> str:
        return self.torch_name or self.keras_class

    def torch_class_for(self, shape: Shape) -> str:
        """PyTorch's class for this layer on an input of ``shape`` (BatchNorm1d/2d/3d differ by rank)."""
        return self.torch_class

    def for_torch(self) -> Layer:
        """This layer under PyTorch's conventions: its own record if nothing differs.

        Raises :class:`RuleError` for what PyTorch refuses (``same`` padding on a strided conv).
        """
        return self


def _dims(shape: Shape) -> str:
    return "×".join(map(str, shape))


def require_volume(layer: Layer, shape: Shape) -> tuple[int, int, int]:
    """Unpack an H×W×C input, or explain which input a 2-D layer needs."""
    if len(shape) == 3:
        return shape[0], shape[1], shape[2]
    if len(shape) == 2:
        hint = (f"did you mean 'input {shape[0]}x{shape[1]}x1'? A grayscale image still needs its channel axis "
                "(for a sequence of length × channels, use conv1d or pool1d)")
    else:
        hint = "2-D layers need an image-shaped input such as 'input 28x28x1'; put them before flatten and dense"
    raise RuleError(
        f"{layer.keras_class} needs an H×W×C input, but it receives {describe(shape)}", hint
    )


def describe(shape: Shape) -> str:
    if len(shape) == 1:
        return f"a vector of {shape[0]:,}"
    return f"a {len(shape)}-D input of {_dims(shape)}"


@record
class Windowed(Layer):
    """Shared machinery of conv and pool layers: two axes of windows."""

    def windows(
        self, h: int, w: int, kernel: Pair, strides: Pair, padding: Padding, dilation: Pair,
        ceil: bool = False,
    ) -> tuple[AxisWindows, AxisWindows]:
        pads: tuple[str | int, str | int]
        pads = (padding, padding) if isinstance(padding, str) else padding
        rows = window_axis(h, kernel[0], strides[0], pads[0], dilation[0], ceil)
        square = h == w and kernel[0] == kernel[1] and strides[0] == strides[1] and pads[0] == pads[1] and \
            dilation[0] == dilation[1]
        axes = (rows, rows if square else window_axis(w, kernel[1], strides[1], pads[1], dilation[1], ceil))
        if min(axes[0].output, axes[1].output) <= 0:
            raise RuleError(
                "Computed output size would be zero or negative. "
                f"Received: input {h}×{w}, kernel {_dims(kernel)}"
                + (f", dilation {_dims(dilation)}" if max(dilation) > 1 else "")
                + f", strides {_dims(strides)}, padding {padding_text(padding)}",
                _too_small_hint(axes),
            )
        return axes


def _too_small_hint(axes: tuple[AxisWindows, AxisWindows]) -> str:
    worst = min(axes, key=lambda a: a.output)
    return (
        f"a window of {worst.span} needs at least {worst.span} input rows or columns, "
        f"and this axis has {worst.padded}; use 'same' padding, a smaller kernel, "
        "or remove a pooling layer before it"
    )


def padding_text(padding: Padding) -> str:
    if isinstance(padding, str):
        return padding
    return f"p{padding[0]}" if padding[0] == padding[1] else f"p{padding[0]}x{padding[1]}"


def stride_findings(axes: tuple[AxisWindows, AxisWindows], shape: Shape) -> list[Finding]:
    """Warnings for strides that do not divide evenly or skip input, notes for uneven padding."""
    findings: list[Finding] = []
    volume = f"{shape[0]}×{shape[1]}"
    h, w = axes
    if h == w:
        if _flagged(h):
            findings.append(_axis_finding(h, "row and column", volume))
    else:
        findings.extend(
            _axis_finding(axis, noun, volume, prefix)
            for axis, noun, prefix in ((h, "row", "H: "), (w, "column", "W: "))
            if _flagged(axis)
        )
    findings.extend(_same_split_note(axes))
    return findings


def _flagged(axis: AxisWindows) -> bool:
    """An axis is worth a finding if its stride rounds (outside ``same``) or it skips input."""
    return (not axis.fits and axis.mode != "same") or axis.uncovered > 0


def _axis_finding(axis: AxisWindows, noun: str, volume: str, prefix: str = "") -> Finding:
    if axis.ceil:
        text = axis.formula(compact=True)
        if not axis.uncovered:
            inside = min(axis.span, axis.pad_before + axis.n - (axis.output - 1) * axis.stride)
            rows = {"row": "rows", "column": "columns"}.get(noun, "rows and columns")
            return Finding("note", f"{prefix}{text}; the last window hangs over the edge and "
                                   f"reads only {inside} of its {axis.span} {rows}")
    else:
        text = axis.formula(compact=True)
    cost = _cost(axis, noun, volume)
    return Finding("warning", f"{prefix}{text}; {cost}")


def _plural(count: int, noun: str) -> str:
    if noun == "row and column":
        return "row and column" if count == 1 else f"{count} rows and columns"
    return noun if count == 1 else f"{count} {noun}s"


def _cost(axis: AxisWindows, noun: str, volume: str) -> str:
    tail, total = axis.uncovered_tail, axis.uncovered
    gaps = total - tail
    verb = "is" if (tail == 1 and noun != "row and column" and not gaps) else "are"
    parts = []
    if tail:
        parts.append(f"the last {_plural(tail, noun)}")
    if gaps:
        between = f"{f'{gaps} more' if tail else _plural(gaps, noun)} between windows"
        parts.append(f"{between} (stride {axis.stride} > window {axis.span})")
    if not parts:
        return "only padding is skipped, so no input is lost"
    return f"{' and '.join(parts)} of the {volume} input {verb} never read"


def _same_split_note(axes: tuple[AxisWindows, AxisWindows]) -> list[Finding]:
    h, w = axes
    if h.mode != "same" or (h.pad_before == h.pad_after and w.pad_before == w.pad_after):
        return []
    return [Finding(
        "note",
        f"same padding on {h.n}×{w.n} pads {h.pad_before} top, {h.pad_after} bottom, "
        f"{w.pad_before} left, {w.pad_after} right: the odd row or column goes at the "
        "bottom/right, as in Keras and TensorFlow",
    )]


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
                        f"{layer.torch_class} (strides {_dims(strides)})",
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
            f"in Keras. Received: strides={_dims(strides)}, dilation_rate={_dims(dilation)}",
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

    def for_torch(self) -> Layer:
        return replace(self, padding=torch_transposed_padding(self, self.padding, 2))

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        keras_strides_with_dilation(self.padding, self.strides, self.dilation_rate)
        require_groups(self.groups, c, self.filters)
        require_output_padding(self.output_padding, self.strides)
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


def require_output_padding(output_padding: tuple[int, ...] | None, strides: tuple[int, ...]) -> None:
    """Keras' and PyTorch's rule for a transposed convolution: output padding below the stride, on every axis."""
    for op, stride in zip(output_padding or (), strides):
        if op >= stride:
            raise RuleError(f"`output_padding` must be strictly less than `strides`, but got "
                            f"output_padding={op} and strides={stride}",
                            f"use op{stride - 1} or less, or a larger stride")


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
class UpSampling2D(Layer):
    keras_class: ClassVar[str] = "UpSampling2D"
    auto_name: ClassVar[str] = "up_sampling2d"
    torch_name: ClassVar[str] = "Upsample"

    size: Pair = (2, 2)

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        return Resolution((h * self.size[0], w * self.size[1], c))


#: Top, bottom, left and right, as Keras' ((top, bottom), (left, right)).
Sides = tuple[int, int, int, int]


def sides_text(sides: Sides) -> str:
    """'1' for symmetric 1, '1x2' for rows and columns, else 't0 b1 l0 r1'."""
    top, bottom, left, right = sides
    if top == bottom and left == right:
        return f"{top}" if top == left else f"{top}x{left}"
    return " ".join(f"{key}{value}" for key, value in zip("tblr", sides) if value)


@record
class ZeroPadding2D(Layer):
    """Keras ``ZeroPadding2D``; the sides may differ, as ``((0, 1), (0, 1))`` in Keras' MobileNet."""

    keras_class: ClassVar[str] = "ZeroPadding2D"
    auto_name: ClassVar[str] = "zero_padding2d"
    torch_name: ClassVar[str] = "ZeroPad2d"

    padding: Sides = (1, 1, 1, 1)

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        top, bottom, left, right = self.padding
        return Resolution((h + top + bottom, w + left + right, c))


@record
class Cropping2D(Layer):
    keras_class: ClassVar[str] = "Cropping2D"
    auto_name: ClassVar[str] = "cropping2d"

    cropping: Sides = (1, 1, 1, 1)

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        top, bottom, left, right = self.cropping
        if top + bottom >= h or left + right >= w:
            raise RuleError(f"Values in `cropping` argument should be smaller than the corresponding spatial "
                            f"dimension of the input. Received: input {h}×{w}, cropping {top} top, {bottom} "
                            f"bottom, {left} left, {right} right", f"crop at most {h - 1} rows and {w - 1} columns")
        return Resolution((h - top - bottom, w - left - right, c))


def require_sequence(layer: Layer, shape: Shape) -> tuple[int, int]:
    """Unpack an L×C input for a 1-D layer."""
    if len(shape) == 2:
        return shape[0], shape[1]
    hint = ("1-D layers take a sequence: 'input LxC', as in 'input 100x16'"
            if len(shape) != 1 else f"did you mean 'input {shape[0]}x1'?")
    raise RuleError(f"{layer.keras_class} needs an L×C input, but it receives {describe(shape)}", hint)


def _one_axis(n: int, kernel: int, stride: int, padding: Padding, dilation: int, ceil: bool = False) -> AxisWindows:
    pad = padding if isinstance(padding, str) else padding[0]
    axis = window_axis(n, kernel, stride, pad, dilation, ceil)
    if axis.output <= 0:
        raise RuleError("Computed output size would be zero or negative. "
                        f"Received: input length {n}, kernel {kernel}, stride {stride}, "
                        f"padding {padding_text(padding)}",
                        f"a window of {axis.span} needs at least {axis.span} positions; use 'same' or a smaller kernel")
    return axis


def sequence_findings(axis: AxisWindows, length: int) -> tuple[Finding, ...]:
    return (_axis_finding(axis, "position", str(length)),) if _flagged(axis) else ()


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
        axis = _one_axis(length, self.kernel_size, self.strides, self.padding, self.dilation_rate)
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
        axis = _one_axis(length, self.kernel_size, self.strides, self.padding, self.dilation_rate)
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
        axis = _one_axis(length, self.kernel_size, self.strides, self.padding, self.dilation_rate)
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

    def for_torch(self) -> Layer:
        return replace(self, padding=torch_transposed_padding(self, self.padding, 2))

    def resolve(self, shape: Shape) -> Resolution:
        length, c = require_sequence(self, shape)
        keras_strides_with_dilation(self.padding, (self.strides,), (self.dilation_rate,))
        require_groups(self.groups, c, self.filters)
        require_output_padding(None if self.output_padding is None else (self.output_padding,), (self.strides,))
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
        axis = _one_axis(length, self.pool_size, self.strides or self.pool_size, self.padding, 1, self.ceil)
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


# ---- 3-D layers: on D×H×W×C volumes ----

Triple = tuple[int, int, int]
_AXIS_NAMES = (("D: ", "slice"), ("H: ", "row"), ("W: ", "column"))


def require_volume3d(layer: Layer, shape: Shape) -> tuple[int, int, int, int]:
    if len(shape) == 4:
        return shape[0], shape[1], shape[2], shape[3]
    raise RuleError(f"{layer.keras_class} needs a D×H×W×C input, but it receives {describe(shape)}",
                    "3-D layers take a volume with depth: 'input 16x112x112x3'")


def window_axes(sizes: tuple[int, ...], kernel: tuple[int, ...], strides: tuple[int, ...], padding: Any,
                dilation: tuple[int, ...], ceil: bool = False) -> tuple[AxisWindows, ...]:
    """Windows along every axis of an n-D layer; an axis without room for one window is an error."""
    pads = (padding,) * len(sizes) if isinstance(padding, str) else padding
    axes = tuple(window_axis(n, k, s, p, d, ceil) for n, k, s, p, d in zip(sizes, kernel, strides, pads, dilation))
    worst = min(axes, key=lambda a: a.output)
    if worst.output <= 0:
        raise RuleError("Computed output size would be zero or negative. "
                        f"Received: input {_dims(sizes)}, kernel {_dims(kernel)}, strides {_dims(strides)}, "
                        f"padding {padding if isinstance(padding, str) else _dims(padding)}",
                        f"a window of {worst.span} needs at least {worst.span} input positions, and this axis has "
                        f"{worst.padded}; use 'same' padding or a smaller kernel")
    return axes


def volume_findings(axes: tuple[AxisWindows, ...], sizes: tuple[int, ...]) -> tuple[Finding, ...]:
    volume = _dims(sizes)
    return tuple(_axis_finding(axis, noun, volume, prefix)
                 for axis, (prefix, noun) in zip(axes, _AXIS_NAMES) if _flagged(axis))


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


# ---- global and adaptive pooling ----

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
            findings = (Finding("note", f"{_dims(sizes)} into {_dims(self.output_size)}: the size does not divide "
                                        "evenly, so windows differ in size (⌊i·n/out⌋ to ⌈(i + 1)·n/out⌉)"),)
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


# ---- shape changes ----

@record
class Flatten(Layer):
    """Keras ``Flatten``: everything but the batch axis into one; a vector stays as it is."""

    keras_class: ClassVar[str] = "Flatten"
    auto_name: ClassVar[str] = "flatten"

    def resolve(self, shape: Shape) -> Resolution:
        arithmetic = (("output", f"{' × '.join(map(str, shape))} = {prod(shape):,}"),) if len(shape) > 1 else ()
        return Resolution((prod(shape),), arithmetic=arithmetic)


@record
class Reshape(Layer):
    """Keras ``Reshape`` (PyTorch: ``nn.Unflatten`` or ``view``): the same values, a new shape."""

    keras_class: ClassVar[str] = "Reshape"
    auto_name: ClassVar[str] = "reshape"
    torch_name: ClassVar[str] = "Unflatten"

    target_shape: Shape

    def resolve(self, shape: Shape) -> Resolution:
        if prod(self.target_shape) != prod(shape):
            raise RuleError(f"total size of new array must be unchanged: the input {_dims(shape)} has "
                            f"{prod(shape):,} values and the target {_dims(self.target_shape)} has "
                            f"{prod(self.target_shape):,}",
                            f"choose a target with {prod(shape):,} values, as {_reshape_hint(shape)}")
        arithmetic = (("output", f"{' × '.join(map(str, shape))} = {' × '.join(map(str, self.target_shape))}"),)
        return Resolution(self.target_shape, arithmetic=arithmetic)


def _reshape_hint(shape: Shape) -> str:
    total = prod(shape)
    side = next((s for s in range(int(total ** 0.5) + 1, 0, -1) if total % (s * s) == 0), 1)
    return f"reshape{side}x{side}x{total // (side * side)}"


@record
class Permute(Layer):
    """Keras ``Permute``: reorders the axes after the batch, numbered from 1."""

    keras_class: ClassVar[str] = "Permute"
    auto_name: ClassVar[str] = "permute"

    dims: Shape

    def resolve(self, shape: Shape) -> Resolution:
        if sorted(self.dims) != list(range(1, len(shape) + 1)):
            raise RuleError(f"Invalid permutation argument `dims` for Permute layer: {_dims(self.dims)} must "
                            f"number the input's {len(shape)} axes from 1 to {len(shape)}, each once",
                            f"write permute{'x'.join(map(str, range(len(shape), 0, -1)))} to reverse them")
        return Resolution(tuple(shape[d - 1] for d in self.dims))


@record
class Embedding(Layer):
    """Keras ``Embedding``: each of L token ids becomes a learned D-vector; V·D parameters."""

    keras_class: ClassVar[str] = "Embedding"
    auto_name: ClassVar[str] = "embedding"

    vocabulary: int
    dimension: int

    def resolve(self, shape: Shape) -> Resolution:
        weights = self.vocabulary * self.dimension
        return Resolution((*shape, self.dimension), Params(weights),
                          arithmetic=(("params", f"{self.vocabulary}·{self.dimension} = {weights:,}"),
                                      ("weights", f"{self.vocabulary}·{self.dimension} = {weights:,} "
                                                  "(one vector per token of the vocabulary)"),
                                      ("biases", "none: 0")))


@record
class Dense(Layer):
    """Keras ``Dense``: acts on the last axis, so on a volume it keeps the leading axes."""

    keras_class: ClassVar[str] = "Dense"
    auto_name: ClassVar[str] = "dense"
    torch_name: ClassVar[str] = "Linear"

    units: int
    activation: str | None = None
    use_bias: bool = True

    def resolve(self, shape: Shape) -> Resolution:
        inputs = shape[-1]
        findings: tuple[Finding, ...] = ()
        if len(shape) > 2:  # on a volume; on a sequence (tokens, conv1d positions) it is the usual per-position layer
            findings = (Finding(
                "warning",
                f"dense on a {len(shape)}-D {'volume' if len(shape) == 3 else 'input'} "
                f"({_dims(shape)}) acts on the last axis only; did you mean to flatten first?",
            ),)
        biases = self.units if self.use_bias else 0
        arithmetic = (
            ("params", f"({inputs}{' + 1' if self.use_bias else ''})·{self.units} = {inputs * self.units + biases:,}"),
            ("weights", f"{inputs}·{self.units} = {inputs * self.units:,}"),
            ("biases", f"one per unit: {biases:,}" if self.use_bias else "nobias: 0"),
            ("unit", f"each unit: {inputs:,} weights{' + 1 bias' if self.use_bias else ''} (fan-in {inputs:,})"),
        )
        positions = prod(shape[:-1])  # a dense layer on a volume runs once per position
        return Resolution((*shape[:-1], self.units), Params(inputs * self.units, biases), findings,
                          arithmetic=arithmetic, macs=positions * inputs * self.units, bias_adds=positions * biases)


@record
class Dropout(Layer):
    keras_class: ClassVar[str] = "Dropout"
    auto_name: ClassVar[str] = "dropout"

    rate: float

    def resolve(self, shape: Shape) -> Resolution:
        return Resolution(shape)


# ---- normalization ----

@record
class BatchNormalization(Layer):
    """``BatchNormalization`` on the channel axis.

    Keras counts 4C parameters, 2C of them non-trainable: weights are gamma and the moving mean
    and variance, biases are beta (``noscale``/``nocenter`` drop gamma/beta, as InceptionV3's
    ``scale=False``).  PyTorch (``torch``) counts gamma and beta only: its running statistics are
    buffers, not parameters.
    """

    keras_class: ClassVar[str] = "BatchNormalization"
    auto_name: ClassVar[str] = "batch_normalization"

    center: bool = True
    scale: bool = True
    torch: bool = False

    def for_torch(self) -> Layer:
        return replace(self, torch=True)

    def torch_class_for(self, shape: Shape) -> str:
        return f"BatchNorm{max(1, len(shape) - 1)}d"

    def resolve(self, shape: Shape) -> Resolution:
        params, arithmetic = _batch_norm_counts(shape[-1], self.center, self.scale, self.torch)
        return Resolution(shape, params, arithmetic=arithmetic)


@lru_cache(maxsize=256)
def _batch_norm_counts(channels: int, center: bool, scale: bool,
                       torch: bool) -> tuple[Params, tuple[tuple[str, str], ...]]:
    """A BatchNormalization's counts and their arithmetic, once per width: a ResNet repeats a few widths many times."""
    gamma = channels if scale else 0
    beta = channels if center else 0
    learned = " + ".join(name for name, used in (("gamma", gamma), ("beta", beta)) if used) or "nothing"
    if torch:
        return Params(gamma, beta, 0, 2 * channels + 1), (
            ("params", f"{(gamma + beta) // channels}·{channels} = {gamma + beta:,} ({learned}); the running "
                       f"mean and variance and the batch count, 2·{channels} + 1 = {2 * channels + 1:,}, "
                       "are buffers, not parameters"),
            ("weights", f"{gamma:,} (gamma)"),
            ("biases", f"{beta:,} (beta)"),
        )
    return Params(gamma + 2 * channels, beta, 2 * channels), (
        ("params", f"{(gamma + beta) // channels + 2}·{channels} = {gamma + beta + 2 * channels:,} "
                   f"({learned} trainable; moving mean, variance not)"),
        ("weights", f"{gamma // channels + 2}·{channels} = {gamma + 2 * channels:,} "
                    f"({'gamma, ' if gamma else ''}moving mean, moving variance)"),
        ("biases", f"{beta:,} (beta)"),
    )


@record
class LayerNormalization(Layer):
    """Keras ``LayerNormalization`` on the last (channel) axis: gamma and beta, 2C (PyTorch: ``LayerNorm(C)``)."""

    keras_class: ClassVar[str] = "LayerNormalization"
    auto_name: ClassVar[str] = "layer_normalization"
    torch_name: ClassVar[str] = "LayerNorm"

    center: bool = True
    scale: bool = True

    def resolve(self, shape: Shape) -> Resolution:
        channels = shape[-1]
        gamma, beta = channels if self.scale else 0, channels if self.center else 0
        return Resolution(shape, Params(gamma, beta),
                          arithmetic=(("params", f"gamma {gamma:,} + beta {beta:,} = {gamma + beta:,}"),))


@record
class GroupNormalization(Layer):
    """Keras ``GroupNormalization`` / PyTorch ``GroupNorm``: G groups of channels, gamma and beta per channel."""

    keras_class: ClassVar[str] = "GroupNormalization"
    auto_name: ClassVar[str] = "group_normalization"
    torch_name: ClassVar[str] = "GroupNorm"

    groups: int = 32
    torch: bool = False

    def for_torch(self) -> Layer:
        return replace(self, torch=True)

    def resolve(self, shape: Shape) -> Resolution:
        channels = shape[-1]
        if self.groups > channels or channels % self.groups:
            raise RuleError(f"Number of groups ({self.groups}) must divide the number of channels ({channels})",
                            f"use a group count that divides {channels}")
        if self.torch and channels // self.groups * prod(shape[:-1]) == 1:
            raise RuleError("Expected more than 1 value per group: PyTorch's GroupNorm normalizes each group of "
                            f"{channels // self.groups} channel(s) of {_dims(shape[:-1])} by its own mean and variance",
                            "use fewer groups, or a larger input")
        return Resolution(shape, Params(channels, channels),
                          arithmetic=(("params", f"2·{channels} = {2 * channels:,} (gamma, beta)"),))


@record
class LocalResponseNormalization(Layer):
    """PyTorch's ``LocalResponseNorm(size)`` (AlexNet's LRN; TensorFlow's tf.nn.local_response_normalization)."""

    keras_class: ClassVar[str] = "LocalResponseNormalization"
    auto_name: ClassVar[str] = "local_response_normalization"
    torch_name: ClassVar[str] = "LocalResponseNorm"

    size: int = 5

    def resolve(self, shape: Shape) -> Resolution:
        return Resolution(shape)


# ---- activations ----

@record
class Activation(Layer):
    keras_class: ClassVar[str] = "Activation"
    auto_name: ClassVar[str] = "activation"

    activation: str = "relu"

    @property
    def torch_class(self) -> str:
        return TORCH_ACTIVATIONS.get(self.activation, "Identity")

    def resolve(self, shape: Shape) -> Resolution:
        return Resolution(shape)


@record
class ReLU(Activation):
    """Keras' ``ReLU`` layer class; ``relu6`` is ``ReLU(max_value=6)`` (PyTorch: ``ReLU6``)."""

    keras_class: ClassVar[str] = "ReLU"
    auto_name: ClassVar[str] = "re_lu"

    activation: str = "relu6"


@record
class LeakyReLU(Activation):
    """``LeakyReLU``: the slope below 0 is ``alpha`` (Keras' default 0.3, PyTorch's 0.01, when not given)."""

    keras_class: ClassVar[str] = "LeakyReLU"
    auto_name: ClassVar[str] = "leaky_re_lu"

    activation: str = "leakyrelu"
    alpha: float | None = None


@record
class PReLU(Activation):
    """``PReLU``: a learned slope below 0.

    Keras (``shared_axes=None``) learns one per value of the input, PyTorch (``nn.PReLU()``) one
    in all; ``channel`` learns one per channel (Keras ``shared_axes=[1, 2]``, ``nn.PReLU(C)``).
    """

    keras_class: ClassVar[str] = "PReLU"
    auto_name: ClassVar[str] = "p_re_lu"

    activation: str = "prelu"
    channel: bool = False
    torch: bool = False

    def for_torch(self) -> Layer:
        return replace(self, torch=True)

    def resolve(self, shape: Shape) -> Resolution:
        if self.channel:
            count, why = shape[-1], f"one per channel: {shape[-1]:,}"
        elif self.torch:
            count, why = 1, "one for every value (nn.PReLU()): 1"
        else:
            count, why = prod(shape), f"one per value, {' × '.join(map(str, shape))} = {prod(shape):,} (Keras' default)"
        return Resolution(shape, Params(count), arithmetic=(("params", why),))


# ---- merges: layers with several inputs (issue 11) ----

class Merge(Layer):
    """Base of Keras' merge layers: several branches in, one tensor out, no parameters.

    :meth:`resolve_many` takes every branch's shape, in branch order.
    """

    #: The spec word, as in 'add(A | B)'.
    word: ClassVar[str]
    #: How many branches it takes at least, and at most (None: any number).
    arity: ClassVar[tuple[int, int | None]] = (2, None)

    def resolve(self, shape: Shape) -> Resolution:
        return self.resolve_many([shape])

    def resolve_many(self, shapes: list[Shape], labels: tuple[str, ...] = ()) -> Resolution:
        """The merged shape; ``labels`` (the branches' spec text) name the branches in errors."""
        raise NotImplementedError

    def explain_output(self, shapes: tuple[Shape, ...], output: Shape) -> str:
        """How the output shape comes about, for --explain and the grader."""
        raise NotImplementedError


def branch_list(shapes: list[Shape], labels: tuple[str, ...]) -> str:
    """'branch 1 (id): (None, 4, 4, 4); branch 2 (@e1): (None, 8, 8, 4)'."""
    named = [f" ({labels[i]})" if i < len(labels) else "" for i in range(len(shapes))]
    return "; ".join(f"branch {i + 1}{named[i]}: {keras_shape(shape)}" for i, shape in enumerate(shapes))


def broadcast_shape(shapes: list[Shape]) -> Shape | None:
    """Keras' elementwise merge shape: right-aligned, a size of 1 stretches; None if they disagree.

    >>> broadcast_shape([(8, 8, 64), (1, 1, 64)]), broadcast_shape([(8, 8, 64), (64,)])
    ((8, 8, 64), (8, 8, 64))
    >>> broadcast_shape([(8, 8, 64), (4, 4, 64)]) is None
    True
    """
    result = shapes[0]
    for shape in shapes[1:]:
        longer, shorter = (result, shape) if len(result) >= len(shape) else (shape, result)
        merged = list(longer[: len(longer) - len(shorter)])
        for a, b in zip(longer[len(longer) - len(shorter):], shorter):
            if a != b and 1 not in (a, b):
                return None
            merged.append(b if a == 1 else a)
        result = tuple(merged)
    return result


@record
class ElementwiseMerge(Merge):
    """Add, Multiply, Average, Maximum, Subtract: identical shapes, or Keras' broadcasting of size 1."""

    def resolve_many(self, shapes: list[Shape], labels: tuple[str, ...] = ()) -> Resolution:
        shape = broadcast_shape(shapes)
        if shape is None:
            raise RuleError(f"{self.keras_class} needs branches of one shape (or of size 1 where they differ), "
                            f"but they are {branch_list(shapes, labels)}", merge_hint(shapes))
        return Resolution(shape)

    def explain_output(self, shapes: tuple[Shape, ...], output: Shape) -> str:
        """'(None, 4, 4, 2) + (None, 4, 4, 2) = (None, 4, 4, 2), elementwise' (built only when asked for)."""
        sign = {"Add": "+", "Subtract": "−", "Multiply": "·", "Average": "mean", "Maximum": "max"}[self.keras_class]
        terms = f" {sign} ".join(keras_shape(s) for s in shapes) if len(sign) == 1 else \
            f"{sign}({', '.join(keras_shape(s) for s in shapes)})"
        return f"{terms} = {keras_shape(output)}, elementwise"


@record
class Add(ElementwiseMerge):
    keras_class: ClassVar[str] = "Add"
    auto_name: ClassVar[str] = "add"
    word: ClassVar[str] = "add"


@record
class Multiply(ElementwiseMerge):
    keras_class: ClassVar[str] = "Multiply"
    auto_name: ClassVar[str] = "multiply"
    word: ClassVar[str] = "mul"


@record
class Average(ElementwiseMerge):
    keras_class: ClassVar[str] = "Average"
    auto_name: ClassVar[str] = "average"
    word: ClassVar[str] = "avg"


@record
class Maximum(ElementwiseMerge):
    keras_class: ClassVar[str] = "Maximum"
    auto_name: ClassVar[str] = "maximum"
    word: ClassVar[str] = "max"


@record
class Subtract(ElementwiseMerge):
    keras_class: ClassVar[str] = "Subtract"
    auto_name: ClassVar[str] = "subtract"
    word: ClassVar[str] = "sub"
    arity: ClassVar[tuple[int, int | None]] = (2, 2)


@record
class Concatenate(Merge):
    """Keras' ``Concatenate`` on the channel axis: every other axis must agree."""

    keras_class: ClassVar[str] = "Concatenate"
    auto_name: ClassVar[str] = "concatenate"
    word: ClassVar[str] = "cat"

    def resolve_many(self, shapes: list[Shape], labels: tuple[str, ...] = ()) -> Resolution:
        first = shapes[0]
        if any(len(s) != len(first) or s[:-1] != first[:-1] for s in shapes):
            raise RuleError(f"Concatenate needs branches that agree on every axis but the channels, but they are "
                            f"{branch_list(shapes, labels)}", merge_hint(shapes, concatenate=True))
        return Resolution((*first[:-1], sum(s[-1] for s in shapes)))

    def explain_output(self, shapes: tuple[Shape, ...], output: Shape) -> str:
        """'64 + 128 + 32 + 32 = 256 channels'."""
        return f"{' + '.join(str(s[-1]) for s in shapes)} = {output[-1]} channels"


MERGES: dict[str, type[Merge]] = {cls.word: cls for cls in (Add, Concatenate, Multiply, Average, Maximum, Subtract)}


def keras_shape(shape: Shape) -> str:
    """A shape as Keras prints it, with the batch axis (the summary, the grader and merge errors all use it).

    >>> keras_shape((26, 26, 32))
    '(None, 26, 26, 32)'
    """
    return "(" + ", ".join(["None", *map(str, shape)]) + ")"


def merge_hint(shapes: list[Shape], concatenate: bool = False) -> str:
    """What would make the branches agree: a strided 1×1 projection, or a crop or pad by k."""
    target = shapes[0]
    for shape in shapes[1:]:
        if len(shape) != len(target) or len(shape) != 3:
            return "give every branch the same rank: flatten or pool them all, or none"
        if shape[:2] != target[:2]:
            return _size_hint(target, shape, concatenate)
        if not concatenate and shape[2] != target[2]:
            return f"give every branch {target[2]} channels: a 1×1 projection conv{target[2]}x1 on the others"
    return "make every branch end in the same shape"


def _size_hint(target: Shape, shape: Shape, concatenate: bool) -> str:
    (h0, w0), (h1, w1) = target[:2], shape[:2]
    for big, small, which, filters in (((h1, w1), (h0, w0), "the larger branch", target[2]),
                                       ((h0, w0), (h1, w1), "the first branch", shape[2])):
        if big[0] > small[0] and big[1] > small[1] and big[0] % small[0] == 0 and big[1] % small[1] == 0 \
                and big[0] // small[0] == big[1] // small[1]:
            stride = big[0] // small[0]
            what = "" if concatenate else f" and {filters} filters"
            return f"project {which} with a 1×1 convolution of stride {stride}{what}, e.g. conv{filters}x1 s{stride}"
    dh, dw = h1 - h0, w1 - w0
    if dh >= 0 and dw >= 0:
        return f"crop the larger branch by {dh}×{dw} in all (crop{dh // 2}x{dw // 2} if even), or zero-pad the other"
    return f"zero-pad the smaller branch by {-dh}×{-dw} in all, or crop the other"
