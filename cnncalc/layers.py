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

from math import prod
from typing import ClassVar

from .arithmetic import AxisWindows, window_axis
from .errors import CnnCalcError
from .records import record

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

ACTIVATIONS = ("relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "swish", "linear")


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
    """Base of every layer record: its Keras class name and auto-name stem."""

    keras_class: ClassVar[str]
    auto_name: ClassVar[str]

    def resolve(self, shape: Shape) -> Resolution:
        raise NotImplementedError


def _dims(shape: Shape) -> str:
    return "×".join(map(str, shape))


def require_volume(layer: Layer, shape: Shape) -> tuple[int, int, int]:
    """Unpack an H×W×C input, or explain which input a 2-D layer needs."""
    if len(shape) == 3:
        return shape[0], shape[1], shape[2]
    if len(shape) == 2:
        hint = f"did you mean 'input {shape[0]}x{shape[1]}x1'? A grayscale image still needs its channel axis"
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
        axes = (
            window_axis(h, kernel[0], strides[0], pads[0], dilation[0], ceil),
            window_axis(w, kernel[1], strides[1], pads[1], dilation[1], ceil),
        )
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


def _pair(value: int | Pair) -> Pair:
    return (value, value) if isinstance(value, int) else value


@record
class Conv2D(Windowed):
    """Keras ``Conv2D``: F filters of KH×KW over all input channels (or C/groups)."""

    keras_class: ClassVar[str] = "Conv2D"
    auto_name: ClassVar[str] = "conv2d"

    filters: int
    kernel_size: Pair
    strides: Pair = (1, 1)
    padding: Padding = "valid"
    dilation_rate: Pair = (1, 1)
    activation: str | None = None
    use_bias: bool = True

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        self._check_keras_strides()
        axes = self.windows(h, w, self.kernel_size, self.strides, self.padding, self.dilation_rate)
        kh, kw = self.kernel_size
        weights = kh * kw * c * self.filters
        biases = self.filters if self.use_bias else 0
        arithmetic = (
            ("params", f"({kh}·{kw}·{c}{' + 1' if self.use_bias else ''})·{self.filters} = {weights + biases:,}"),
            ("weights", f"{kh}·{kw}·{c}·{self.filters} = {weights:,}"),
            ("biases", f"one per filter: {biases:,}" if self.use_bias else "nobias: 0"),
        )
        positions = axes[0].output * axes[1].output
        return Resolution(
            (axes[0].output, axes[1].output, self.filters),
            Params(weights, biases),
            tuple(stride_findings(axes, shape)),
            axes,
            arithmetic,
            positions * weights,
            positions * biases,
        )

    def _check_keras_strides(self) -> None:
        if isinstance(self.padding, str) and max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise RuleError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1` "
                f"in Keras. Received: strides={_dims(self.strides)}, "
                f"dilation_rate={_dims(self.dilation_rate)}",
                "PyTorch allows it with explicit padding: write 'p0' (or 'p1', …) instead of "
                f"'{self.padding}' to use PyTorch's rule",
            )


@record
class Pooling2D(Windowed):
    """Shared rule of max and average pooling: stride defaults to the pool size, as in Keras."""

    pool_size: Pair = (2, 2)
    strides: Pair | None = None
    padding: Padding = "valid"
    ceil: bool = False

    @property
    def effective_strides(self) -> Pair:
        return self.pool_size if self.strides is None else self.strides

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        self._check_padding()
        axes = self.windows(h, w, self.pool_size, self.effective_strides, self.padding, (1, 1), self.ceil)
        return Resolution((axes[0].output, axes[1].output, c), Params(), tuple(stride_findings(axes, shape)), axes)

    def _check_padding(self) -> None:
        if self.ceil and self.padding == "same":
            raise RuleError(
                "'ceil' rounds the output of valid or explicit padding; 'same' already gives ⌈n/s⌉",
                "drop 'ceil', or use 'valid' or 'p1' with it",
            )
        if not isinstance(self.padding, str):
            require_pool_padding(self.padding, self.pool_size)


def require_pool_padding(padding: Pair, pool_size: Pair) -> None:
    """PyTorch's rule for explicit pool padding: at most half the (undilated) pool size."""
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


@record
class AveragePooling2D(Pooling2D):
    keras_class: ClassVar[str] = "AveragePooling2D"
    auto_name: ClassVar[str] = "average_pooling2d"


@record
class GlobalPooling2D(Layer):
    def resolve(self, shape: Shape) -> Resolution:
        return Resolution((require_volume(self, shape)[2],))


@record
class GlobalAveragePooling2D(GlobalPooling2D):
    keras_class: ClassVar[str] = "GlobalAveragePooling2D"
    auto_name: ClassVar[str] = "global_average_pooling2d"


@record
class GlobalMaxPooling2D(GlobalPooling2D):
    keras_class: ClassVar[str] = "GlobalMaxPooling2D"
    auto_name: ClassVar[str] = "global_max_pooling2d"


@record
class Flatten(Layer):
    """Keras ``Flatten``: everything but the batch axis into one; a vector stays as it is."""

    keras_class: ClassVar[str] = "Flatten"
    auto_name: ClassVar[str] = "flatten"

    def resolve(self, shape: Shape) -> Resolution:
        arithmetic = (("output", f"{' × '.join(map(str, shape))} = {prod(shape):,}"),) if len(shape) > 1 else ()
        return Resolution((prod(shape),), arithmetic=arithmetic)


@record
class Dense(Layer):
    """Keras ``Dense``: acts on the last axis, so on a volume it keeps the leading axes."""

    keras_class: ClassVar[str] = "Dense"
    auto_name: ClassVar[str] = "dense"

    units: int
    activation: str | None = None
    use_bias: bool = True

    def resolve(self, shape: Shape) -> Resolution:
        inputs = shape[-1]
        findings: tuple[Finding, ...] = ()
        if len(shape) > 1:
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


@record
class BatchNormalization(Layer):
    """Keras ``BatchNormalization`` on the last axis: 4C parameters, 2C of them non-trainable.

    Weights count gamma and the moving mean and variance; biases count beta.
    """

    keras_class: ClassVar[str] = "BatchNormalization"
    auto_name: ClassVar[str] = "batch_normalization"

    def resolve(self, shape: Shape) -> Resolution:
        channels = shape[-1]
        arithmetic = (
            ("params", f"4·{channels} = {4 * channels:,} (gamma, beta trainable; moving mean, variance not)"),
            ("weights", f"3·{channels} = {3 * channels:,} (gamma, moving mean, moving variance)"),
            ("biases", f"{channels:,} (beta)"),
        )
        return Resolution(shape, Params(3 * channels, channels, 2 * channels), arithmetic=arithmetic)


@record
class Activation(Layer):
    keras_class: ClassVar[str] = "Activation"
    auto_name: ClassVar[str] = "activation"

    activation: str = "relu"

    def resolve(self, shape: Shape) -> Resolution:
        return Resolution(shape)
