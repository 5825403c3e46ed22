"""NumPy twins of every layer kind: a real forward pass to confirm the inferred shapes.

Each twin is built from the layer record and the shape flowing into it, never from the
inferred output: windows are counted from the padded data itself, so ``summary --check``
really tests the shape rules.  The operations follow the frameworks:

* conv: cross-correlation with stride, explicit or Keras ``same`` padding (odd row at the
  bottom/right), dilation and bias, as a strided sliding-window view and one ``tensordot``;
* max/avg pooling: ``same`` excludes padding from averages (Keras/TensorFlow); explicit
  padding is PyTorch's, with ``count_include_pad=True``; ``ceil`` lets the last window hang
  over the edge if it starts inside the input or its left padding, and averages it over the
  cells it covers;
* dense on the last axis, batch normalization in inference mode (ε = 0.001, as Keras),
  dropout as the identity, and every activation.

Adding a layer kind means adding its twin to :data:`TWINS`.  NumPy is imported only here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .arithmetic import effective_kernel, same_padding
from .errors import CnnCalcError
from .layers import (
    Activation,
    AveragePooling1D,
    AveragePooling2D,
    BatchNormalization,
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    Cropping2D,
    Dense,
    DepthwiseConv2D,
    Dropout,
    Flatten,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    Layer,
    MaxPooling1D,
    MaxPooling2D,
    Pooling1D,
    Pooling2D,
    SeparableConv2D,
    Shape,
    UpSampling2D,
    ZeroPadding2D,
    transposed_length,
)
from .records import record

if TYPE_CHECKING:

    from .network import Network

__all__ = ["TWINS", "ForwardPass", "conv2d", "forward", "memory_estimate", "pool2d", "require_numpy"]

Array = Any  # numpy.ndarray; kept loose so this module imports without NumPy for type checks
Twin = Callable[[Array], Array]


def require_numpy(purpose: str) -> Any:
    """Import NumPy, or explain how to install it (exit code 2 at the CLI)."""
    try:
        import numpy
    except ImportError:
        raise CnnCalcError(
            f"{purpose} needs NumPy, which is not installed",
            "install it with: pip install 'cnncalc[numpy]'  (or pip install numpy)",
        ) from None
    return numpy


def _axis_pads(n: int, kernel: int, stride: int, padding: Any, dilation: int) -> tuple[int, int]:
    if padding == "same":
        return same_padding(n, kernel, stride, dilation)
    if padding == "valid":
        return (0, 0)
    return (padding, padding)


def _pads(shape: Shape, kernel: tuple[int, int], strides: tuple[int, int], padding: Any,
          dilation: tuple[int, int]) -> list[tuple[int, int]]:
    per_axis = (padding, padding) if isinstance(padding, str) else padding
    return [_axis_pads(shape[i], kernel[i], strides[i], per_axis[i], dilation[i]) for i in range(2)]


def _windows(np: Any, x: Array, spans: tuple[int, int], strides: tuple[int, int]) -> Array:
    """Every window start that fits in x (B, H, W, C), stepped by the strides: (B, Ho, Wo, C, sh, sw)."""
    view = np.lib.stride_tricks.sliding_window_view(x, spans, axis=(1, 2))
    return view[:, :: strides[0], :: strides[1]]


def conv2d(x: Array, kernel: Array, bias: Array | None, strides: tuple[int, int],
           pads: list[tuple[int, int]], dilation: tuple[int, int] = (1, 1)) -> Array:
    """Cross-correlate x (B, H, W, C) with kernel (KH, KW, C, F): im2col by view, one tensordot."""
    import numpy as np

    padded = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    spans = (effective_kernel(kernel.shape[0], dilation[0]), effective_kernel(kernel.shape[1], dilation[1]))
    windows = _windows(np, padded, spans, strides)[..., :: dilation[0], :: dilation[1]]
    out = np.tensordot(windows, kernel, axes=([4, 5, 3], [0, 1, 2]))
    return out if bias is None else out + bias


def pool2d(x: Array, size: tuple[int, int], strides: tuple[int, int], pads: list[tuple[int, int]],
           mode: str, ceil: bool = False, count_padding: bool = False) -> Array:
    """Max, min or average pooling of x (B, H, W, C) with PyTorch's ceil rule and padding counts."""
    import numpy as np

    h, w = x.shape[1:3]
    extra = [strides[i] - 1 if ceil else 0 for i in range(2)]  # room for a window hanging over the edge
    fill = {"max": -np.inf, "min": np.inf, "avg": 0.0}[mode]
    padded = np.pad(x, ((0, 0), (pads[0][0], pads[0][1] + extra[0]), (pads[1][0], pads[1][1] + extra[1]), (0, 0)),
                    constant_values=fill)
    windows = _windows(np, padded, size, strides)
    if ceil:  # PyTorch: the last window must start inside the input or its left padding
        keep = [min(windows.shape[1 + i], -(-(n + pads[i][0]) // strides[i])) for i, n in enumerate((h, w))]
        windows = windows[:, : keep[0], : keep[1]]
    if mode == "max":
        return windows.max(axis=(4, 5))
    if mode == "min":
        return windows.min(axis=(4, 5))
    counted = np.zeros(padded.shape[1:3])
    rows = slice(0 if count_padding else pads[0][0], pads[0][0] + h + (pads[0][1] if count_padding else 0))
    cols = slice(0 if count_padding else pads[1][0], pads[1][0] + w + (pads[1][1] if count_padding else 0))
    counted[rows, cols] = 1.0
    divisor = _windows(np, counted[None, :, :, None], size, strides)[0, : windows.shape[1], : windows.shape[2], 0]
    return windows.sum(axis=(4, 5)) / divisor.sum(axis=(2, 3))[None, :, :, None]


def _erf(np: Any, x: Array) -> Array:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): NumPy has no erf, and exact GELU needs one.
    sign = np.sign(x)
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def activation(name: str | None) -> Twin:
    """The NumPy twin of a Keras activation."""
    import numpy as np

    selu_alpha, selu_scale = 1.6732632423543772, 1.0507009873554805

    def softmax(x: Array) -> Array:
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    functions: dict[str | None, Twin] = {
        None: lambda x: x,
        "linear": lambda x: x,
        "relu": lambda x: np.maximum(x, 0),
        "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
        "tanh": np.tanh,
        "softmax": softmax,
        "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
        "selu": lambda x: selu_scale * np.where(x > 0, x, selu_alpha * np.expm1(np.minimum(x, 0))),
        "gelu": lambda x: 0.5 * x * (1 + _erf(np, x / math.sqrt(2))),
        "swish": lambda x: x / (1 + np.exp(-x)),
    }
    return functions[name]


def grouped_conv2d(x: Array, kernel: Array, bias: Array | None, strides: tuple[int, int],
                   pads: list[tuple[int, int]], dilation: tuple[int, int], groups: int) -> Array:
    """A grouped convolution: each group of input channels feeds its own share of the filters."""
    import numpy as np

    if groups == 1:
        return conv2d(x, kernel, bias, strides, pads, dilation)
    cin, cout = kernel.shape[2], kernel.shape[3] // groups
    parts = [conv2d(x[..., g * cin:(g + 1) * cin], kernel[..., g * cout:(g + 1) * cout], None, strides, pads,
                    dilation) for g in range(groups)]
    out = np.concatenate(parts, axis=-1)
    return out if bias is None else out + bias


def depthwise_conv2d(x: Array, kernel: Array, strides: tuple[int, int], pads: list[tuple[int, int]],
                     dilation: tuple[int, int]) -> Array:
    """Each channel with its own KH×KW×M kernels: output channel c·M + m, as Keras orders them."""
    import numpy as np

    padded = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    spans = (effective_kernel(kernel.shape[0], dilation[0]), effective_kernel(kernel.shape[1], dilation[1]))
    windows = _windows(np, padded, spans, strides)[..., :: dilation[0], :: dilation[1]]
    out = np.einsum("bhwcij,ijcm->bhwcm", windows, kernel)
    return out.reshape(*out.shape[:3], -1)


def conv2d_transpose(x: Array, kernel: Array, strides: tuple[int, int], dilation: tuple[int, int],
                     crops: list[tuple[int, int]]) -> Array:
    """The full transposed convolution, scattered one kernel tap at a time, then cropped (or zero-padded)."""
    import numpy as np

    batch, h, w, _ = x.shape
    kh, kw, _, filters = kernel.shape
    full = np.zeros((batch, (h - 1) * strides[0] + effective_kernel(kh, dilation[0]),
                     (w - 1) * strides[1] + effective_kernel(kw, dilation[1]), filters), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dilation[0], i * dilation[0] + (h - 1) * strides[0] + 1, strides[0])
            cols = slice(j * dilation[1], j * dilation[1] + (w - 1) * strides[1] + 1, strides[1])
            full[:, rows, cols] += x @ kernel[i, j]
    (top, bottom), (left, right) = crops
    full = np.pad(full, ((0, 0), (max(-top, 0), max(-bottom, 0)), (max(-left, 0), max(-right, 0)), (0, 0)))
    return full[:, max(top, 0): full.shape[1] - max(bottom, 0), max(left, 0): full.shape[2] - max(right, 0)]


def _transposed_crops(n: int, kernel: int, stride: int, padding: Any, output_padding: int | None,
                      dilation: int) -> tuple[int, int]:
    """How much of the full transposed output each framework drops at the start and the end."""
    span = effective_kernel(kernel, dilation)
    full = (n - 1) * stride + span
    length = transposed_length(n, kernel, stride, padding, output_padding, dilation)
    if isinstance(padding, int):  # PyTorch: drop p at both ends, output_padding gives cells back at the end
        before = padding
    elif padding == "same":  # TensorFlow: half of what is dropped, as a forward 'same' convolution pads
        before = max(full - length, 0) // 2
    else:
        before = 0
    return before, full - before - length


def _conv_twin(layer: Conv2D, shape: Shape, rng: Any) -> Twin:
    channels = shape[-1] // layer.groups
    scale = 1 / math.sqrt(layer.kernel_size[0] * layer.kernel_size[1] * channels)
    kernel = (rng.standard_normal((*layer.kernel_size, channels, layer.filters)) * scale).astype("float32")
    bias = rng.standard_normal(layer.filters).astype("float32") if layer.use_bias else None
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    act = activation(layer.activation)
    return lambda x: act(grouped_conv2d(x, kernel, bias, layer.strides, pads, layer.dilation_rate, layer.groups))


def _depthwise_twin(layer: DepthwiseConv2D, shape: Shape, rng: Any) -> Twin:
    kernel = rng.standard_normal((*layer.kernel_size, shape[-1], layer.depth_multiplier)).astype("float32")
    bias = rng.standard_normal(shape[-1] * layer.depth_multiplier).astype("float32") if layer.use_bias else 0
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    act = activation(layer.activation)
    return lambda x: act(depthwise_conv2d(x, kernel, layer.strides, pads, layer.dilation_rate) + bias)


def _separable_twin(layer: SeparableConv2D, shape: Shape, rng: Any) -> Twin:
    middle = shape[-1] * layer.depth_multiplier
    depthwise = rng.standard_normal((*layer.kernel_size, shape[-1], layer.depth_multiplier)).astype("float32")
    pointwise = (rng.standard_normal((1, 1, middle, layer.filters)) / math.sqrt(middle)).astype("float32")
    bias = rng.standard_normal(layer.filters).astype("float32") if layer.use_bias else None
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    act = activation(layer.activation)
    return lambda x: act(conv2d(depthwise_conv2d(x, depthwise, layer.strides, pads, layer.dilation_rate), pointwise,
                                bias, (1, 1), [(0, 0), (0, 0)]))


def _transpose_twin(layer: Conv2DTranspose, shape: Shape, rng: Any) -> Twin:
    kernel = (rng.standard_normal((*layer.kernel_size, shape[-1], layer.filters)) / 3).astype("float32")
    bias = rng.standard_normal(layer.filters).astype("float32") if layer.use_bias else 0
    per_axis = (layer.padding, layer.padding) if isinstance(layer.padding, str) else layer.padding
    ops = layer.output_padding or (None, None)
    crops = [_transposed_crops(shape[i], layer.kernel_size[i], layer.strides[i], per_axis[i], ops[i],
                               layer.dilation_rate[i]) for i in range(2)]
    act = activation(layer.activation)
    return lambda x: act(conv2d_transpose(x, kernel, layer.strides, layer.dilation_rate, crops) + bias)


def _conv1d_twin(layer: Conv1D, shape: Shape, rng: Any) -> Twin:
    as_2d = Conv2D(layer.filters, (1, layer.kernel_size), (1, layer.strides),
                   layer.padding if isinstance(layer.padding, str) else (0, layer.padding[0]),
                   (1, layer.dilation_rate), layer.activation, layer.use_bias, layer.groups)
    twin = _conv_twin(as_2d, (1, *shape), rng)
    return lambda x: twin(x[:, None])[:, 0]


def _pool1d_twin(layer: Pooling1D, shape: Shape, rng: Any) -> Twin:
    padding = layer.padding if isinstance(layer.padding, str) else (0, layer.padding[0])
    cls = MaxPooling2D if isinstance(layer, MaxPooling1D) else AveragePooling2D
    twin = _pool_twin(cls((1, layer.pool_size), (1, layer.strides or layer.pool_size), padding), (1, *shape), rng)
    return lambda x: twin(x[:, None])[:, 0]


def _pool_twin(layer: Pooling2D, shape: Shape, rng: Any) -> Twin:
    strides = layer.effective_strides
    pads = _pads(shape, layer.pool_size, strides, layer.padding, (1, 1))
    mode = "max" if isinstance(layer, MaxPooling2D) else "avg"
    explicit = not isinstance(layer.padding, str)
    return lambda x: pool2d(x, layer.pool_size, strides, pads, mode, layer.ceil, count_padding=explicit)


def _dense_twin(layer: Dense, shape: Shape, rng: Any) -> Twin:
    kernel = (rng.standard_normal((shape[-1], layer.units)) / math.sqrt(shape[-1])).astype("float32")
    bias = rng.standard_normal(layer.units).astype("float32") if layer.use_bias else 0
    act = activation(layer.activation)
    return lambda x: act(x @ kernel + bias)


def _batch_norm_twin(layer: BatchNormalization, shape: Shape, rng: Any) -> Twin:
    channels = shape[-1]
    gamma, beta, mean = (rng.standard_normal(channels).astype("float32") for _ in range(3))
    variance = rng.uniform(0.5, 2.0, channels).astype("float32")
    scale = gamma / (variance + 1e-3) ** 0.5
    return lambda x: (x - mean) * scale + beta


TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    Conv2D: _conv_twin,
    DepthwiseConv2D: _depthwise_twin,
    SeparableConv2D: _separable_twin,
    Conv2DTranspose: _transpose_twin,
    Conv1D: _conv1d_twin,
    MaxPooling1D: _pool1d_twin,
    AveragePooling1D: _pool1d_twin,
    UpSampling2D: lambda layer, shape, rng: lambda x: x.repeat(layer.size[0], axis=1).repeat(layer.size[1], axis=2),
    ZeroPadding2D: lambda layer, shape, rng: lambda x: __import__("numpy").pad(
        x, ((0, 0), (layer.padding[0],) * 2, (layer.padding[1],) * 2, (0, 0))),
    Cropping2D: lambda layer, shape, rng: lambda x: x[:, layer.cropping[0]: x.shape[1] - layer.cropping[0],
                                                      layer.cropping[1]: x.shape[2] - layer.cropping[1]],
    MaxPooling2D: _pool_twin,
    AveragePooling2D: _pool_twin,
    Dense: _dense_twin,
    BatchNormalization: _batch_norm_twin,
    GlobalAveragePooling2D: lambda layer, shape, rng: lambda x: x.mean(axis=(1, 2)),
    GlobalMaxPooling2D: lambda layer, shape, rng: lambda x: x.max(axis=(1, 2)),
    Flatten: lambda layer, shape, rng: lambda x: x.reshape(x.shape[0], -1),
    Dropout: lambda layer, shape, rng: lambda x: x,
    Activation: lambda layer, shape, rng: activation(layer.activation),
}


def memory_estimate(net: Network, batch: int) -> int:
    """Bytes for a float32 forward pass: all weights, plus the largest layer's input, output and,
    for a convolution, its im2col copy, all times the batch."""
    peak = 0
    for layer in net.layers:
        inside = math.prod(layer.input_shape) + math.prod(layer.output_shape)
        if isinstance(layer.layer, Conv2D):
            kh, kw = layer.layer.kernel_size
            inside += math.prod(layer.output_shape[:2]) * kh * kw * layer.input_shape[-1]
        peak = max(peak, inside)
    return 4 * (net.total_params + batch * peak)


@record
class ForwardPass:
    """The real output shape of every layer, and how long the pass took."""

    shapes: tuple[Shape, ...]
    seconds: float
    batch: int
    seed: int


def forward(net: Network, batch: int = 1, seed: int = 0, max_memory: int = 2 * 1024**3) -> ForwardPass:
    """Run the network's NumPy twins on a seeded random input of ``batch`` examples."""
    np = require_numpy("--check")
    needed = memory_estimate(net, batch)
    if needed > max_memory:
        raise CnnCalcError(
            f"the forward pass would need about {needed / 1024**3:.2f} GiB "
            f"(weights plus the largest layer's activations at batch {batch}), over --max-memory "
            f"{max_memory / 1024**3:.2f} GiB",
            "raise --max-memory, lower --batch, or check a smaller input with --input",
        )
    rng = np.random.default_rng(seed)
    twins = [TWINS[type(layer.layer)](layer.layer, layer.input_shape, rng) for layer in net.layers]
    x = rng.standard_normal((batch, *net.input_shape)).astype("float32")
    shapes = []
    start = time.perf_counter()
    for twin in twins:
        x = twin(x)
        shapes.append(tuple(int(d) for d in x.shape[1:]))
    return ForwardPass(tuple(shapes), time.perf_counter() - start, batch, seed)
