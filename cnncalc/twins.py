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
    AveragePooling2D,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    Layer,
    MaxPooling2D,
    Pooling2D,
    Shape,
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


def _conv_twin(layer: Conv2D, shape: Shape, rng: Any) -> Twin:
    channels = shape[-1]
    scale = 1 / math.sqrt(layer.kernel_size[0] * layer.kernel_size[1] * channels)
    kernel = (rng.standard_normal((*layer.kernel_size, channels, layer.filters)) * scale).astype("float32")
    bias = rng.standard_normal(layer.filters).astype("float32") if layer.use_bias else None
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    act = activation(layer.activation)
    return lambda x: act(conv2d(x, kernel, bias, layer.strides, pads, layer.dilation_rate))


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
