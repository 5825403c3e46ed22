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

from ..errors import CnnCalcError
from ..model import layers
from ..model.arithmetic import effective_kernel, same_padding
from ..model.layers import (
    Activation,
    Average,
    AveragePooling1D,
    AveragePooling2D,
    BatchNormalization,
    Concatenate,
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
    Maximum,
    MaxPooling1D,
    MaxPooling2D,
    Merge,
    Multiply,
    Pooling1D,
    Pooling2D,
    SeparableConv2D,
    Shape,
    Subtract,
    UpSampling2D,
    ZeroPadding2D,
    transposed_length,
)
from ..model.records import record

if TYPE_CHECKING:

    from ..graph.network import Network

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
    if padding == "causal":
        return (effective_kernel(kernel, dilation) - 1, 0)
    return (padding, padding)


def _pads(shape: Shape, kernel: tuple[int, ...], strides: tuple[int, ...], padding: Any,
          dilation: tuple[int, ...]) -> list[tuple[int, int]]:
    """Zero padding (before, after) of each spatial axis: two for an image, three for a volume."""
    rank = len(kernel)
    per_axis = (padding,) * rank if isinstance(padding, str) else padding
    return [_axis_pads(shape[i], kernel[i], strides[i], per_axis[i], dilation[i]) for i in range(rank)]


def _windows(np: Any, x: Array, spans: tuple[int, ...], strides: tuple[int, ...]) -> Array:
    """Every window start that fits in x (B, H, W, C), stepped by the strides: (B, Ho, Wo, C, sh, sw).

    A volume (B, D, H, W, C) with three spans gives (B, Do, Ho, Wo, C, sd, sh, sw)."""
    view = np.lib.stride_tricks.sliding_window_view(x, spans, axis=tuple(range(1, len(spans) + 1)))
    return view[(slice(None), *(slice(None, None, s) for s in strides))]


def conv2d(x: Array, kernel: Array, bias: Array | None, strides: tuple[int, ...],
           pads: list[tuple[int, int]], dilation: tuple[int, ...] = (1, 1), padding_mode: str = "zeros") -> Array:
    """Cross-correlate x (B, H, W, C) with kernel (KH, KW, C, F): im2col by view, one tensordot.

    A volume (B, D, H, W, C) with a kernel (KD, KH, KW, C, F) is a 3-D convolution, the same way."""
    import numpy as np

    rank = kernel.ndim - 2
    padded = _pad(np, x, pads, padding_mode)
    spans = tuple(effective_kernel(kernel.shape[i], dilation[i]) for i in range(rank))
    windows = _windows(np, padded, spans, strides)[(..., *(slice(None, None, d) for d in dilation))]
    taps = list(range(rank + 2, 2 * rank + 2))
    out = np.tensordot(windows, kernel, axes=([*taps, rank + 1], list(range(rank + 1))))
    if bias is not None:
        out += bias
    return out


#: PyTorch's padding modes as NumPy's np.pad modes.
_PAD_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pad(np: Any, x: Array, pads: list[tuple[int, int]], mode: str = "zeros") -> Array:
    """x padded on its spatial axes (zeros, or PyTorch's padding_mode); x itself when there is no padding."""
    if not any(before or after for before, after in pads):
        return x
    return np.pad(x, ((0, 0), *pads, (0, 0)), mode=_PAD_MODES[mode])


def pool2d(x: Array, size: tuple[int, ...], strides: tuple[int, ...], pads: list[tuple[int, int]],
           mode: str, ceil: bool = False, count_padding: bool = False,
           dilation: tuple[int, ...] | None = None) -> Array:
    """Max, min or average pooling of x (B, H, W, C) with PyTorch's ceil rule, padding counts and max
    pooling's dilation; a volume (B, D, H, W, C) with three sizes is pooled the same way."""
    import numpy as np

    rank = len(size)
    sizes = x.shape[1: rank + 1]
    dilation = dilation or (1,) * rank
    spans = tuple(effective_kernel(size[i], dilation[i]) for i in range(rank))
    extra = [strides[i] - 1 if ceil else 0 for i in range(rank)]  # room for a window hanging over the edge
    fill = {"max": -np.inf, "min": np.inf, "avg": 0.0}[mode]
    padded = x
    if any(before or after for before, after in pads) or any(extra):
        padded = np.pad(x, ((0, 0), *((pads[i][0], pads[i][1] + extra[i]) for i in range(rank)), (0, 0)),
                        constant_values=fill)
    windows = _windows(np, padded, spans, strides)
    if max(dilation) > 1:
        windows = windows[(..., *(slice(None, None, d) for d in dilation))]
    if ceil:  # PyTorch: the last window must start inside the input or its left padding
        keep = [min(windows.shape[1 + i], -(-(n + pads[i][0]) // strides[i])) for i, n in enumerate(sizes)]
        windows = windows[(slice(None), *(slice(None, k) for k in keep))]
    axes = tuple(range(rank + 2, 2 * rank + 2))
    if mode == "max":
        return windows.max(axis=axes)
    if mode == "min":
        return windows.min(axis=axes)
    counted = np.zeros(padded.shape[1: rank + 1], dtype=x.dtype)  # x's dtype, so the averages keep it too
    counted[tuple(slice(0 if count_padding else pads[i][0], pads[i][0] + n + (pads[i][1] if count_padding else 0))
                  for i, n in enumerate(sizes))] = 1.0
    divisor = _windows(np, counted[None, ..., None], size, strides)[
        (0, *(slice(None, windows.shape[1 + i]) for i in range(rank)), 0)]
    out = windows.sum(axis=axes)
    out /= divisor.sum(axis=tuple(range(rank, 2 * rank)))[None, ..., None]
    return out


def _erf_in_place(np: Any, z: Array) -> Array:
    """erf(z), overwriting z, with three scratch arrays (NumPy has no erf; exact GELU needs one).

    Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: 1 − (a₁t + … + a₅t⁵)·e^(−z²), t = 1/(1 + pz).
    """
    sign = np.sign(z)
    np.abs(z, out=z)
    t = z * 0.3275911
    t += 1
    np.reciprocal(t, out=t)
    poly = t * 1.061405429
    for coefficient in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += coefficient
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z
    np.subtract(1.0, poly, out=z)
    z *= sign
    return z


def activation(name: str | None, alpha: float | None = None) -> Twin:
    """The NumPy twin of a Keras activation; it leaves its argument unchanged."""
    in_place = activation_in_place(name, alpha)
    return lambda x: in_place(x.copy())


def activation_in_place(name: str | None, alpha: float | None = None) -> Twin:
    """A Keras activation that overwrites its argument, so a layer's pass holds one output, not three.

    What each one allocates besides is :func:`activation_scratch`.
    """
    import numpy as np

    selu_alpha, selu_scale = 1.6732632423543772, 1.0507009873554805

    def relu(x: Array) -> Array:
        return np.maximum(x, 0, out=x)

    def sigmoid(x: Array) -> Array:
        np.negative(x, out=x)
        np.exp(x, out=x)
        x += 1
        return np.reciprocal(x, out=x)

    def softmax(x: Array) -> Array:
        x -= x.max(axis=-1, keepdims=True)
        np.exp(x, out=x)
        x /= x.sum(axis=-1, keepdims=True)
        return x

    def elu(x: Array, alpha: float = 1.0, scale: float = 1.0) -> Array:
        negative = np.minimum(x, 0)
        np.expm1(negative, out=negative)
        negative *= alpha
        np.maximum(x, 0, out=x)
        x += negative
        x *= scale
        return x

    def swish(x: Array) -> Array:
        gate = np.negative(x)
        np.exp(gate, out=gate)
        gate += 1
        x /= gate
        return x

    def gelu(x: Array) -> Array:
        gate = _erf_in_place(np, x * (1 / math.sqrt(2)))
        gate += 1
        gate *= 0.5
        x *= gate
        return x

    def leaky(x: Array) -> Array:
        negative = np.minimum(x, 0)
        negative *= (0.3 if alpha is None else alpha) - 1  # x + (α − 1)·min(x, 0)
        x += negative
        return x

    def hardswish(x: Array) -> Array:
        gate = x + 3
        np.clip(gate, 0, 6, out=gate)
        gate /= 6
        x *= gate
        return x

    def mish(x: Array) -> Array:
        gate = np.logaddexp(x, 0)  # softplus
        np.tanh(gate, out=gate)
        x *= gate
        return x

    functions: dict[str | None, Twin] = {
        None: lambda x: x,
        "linear": lambda x: x,
        "relu": relu,
        "sigmoid": sigmoid,
        "tanh": lambda x: np.tanh(x, out=x),
        "softmax": softmax,
        "elu": elu,
        "selu": lambda x: elu(x, selu_alpha, selu_scale),
        "gelu": gelu,
        "swish": swish,
        "relu6": lambda x: np.clip(x, 0, 6, out=x),
        "leakyrelu": leaky,
        "hardswish": hardswish,
        "mish": mish,
    }
    return functions[name]


def activation_scratch(name: str | None, out: Shape) -> int:
    """Values an in-place activation allocates beyond its argument, per example.

    softmax reduces over the last axis (one value per row, a whole output when there is one
    channel); elu, selu and swish keep one output-sized array; gelu's erf is a polynomial of
    several output-sized terms.
    """
    size = math.prod(out)
    if name == "softmax":
        return size // out[-1]
    return size * {"elu": 1, "selu": 1, "swish": 1, "gelu": 4, "leakyrelu": 1, "hardswish": 1, "mish": 2}.get(
        name or "", 0)


def grouped_conv2d(x: Array, kernel: Array, bias: Array | None, strides: tuple[int, ...],
                   pads: list[tuple[int, int]], dilation: tuple[int, ...], groups: int,
                   padding_mode: str = "zeros") -> Array:
    """A grouped convolution: each group of input channels feeds its own share of the filters."""
    import numpy as np

    if groups == 1:
        return conv2d(x, kernel, bias, strides, pads, dilation, padding_mode)
    cin, cout = kernel.shape[-2], kernel.shape[-1] // groups
    parts = [conv2d(x[..., g * cin:(g + 1) * cin], kernel[..., g * cout:(g + 1) * cout], None, strides, pads,
                    dilation, padding_mode) for g in range(groups)]
    out = np.concatenate(parts, axis=-1)
    del parts
    if bias is not None:
        out += bias
    return out


def depthwise_conv2d(x: Array, kernel: Array, strides: tuple[int, int], pads: list[tuple[int, int]],
                     dilation: tuple[int, int]) -> Array:
    """Each channel with its own KH×KW×M kernels: output channel c·M + m, as Keras orders them."""
    import numpy as np

    padded = _pad(np, x, pads)
    spans = (effective_kernel(kernel.shape[0], dilation[0]), effective_kernel(kernel.shape[1], dilation[1]))
    windows = _windows(np, padded, spans, strides)
    out = np.zeros((*windows.shape[:4], kernel.shape[3]), dtype=x.dtype)
    for i in range(kernel.shape[0]):  # one tap at a time: one output-sized product, no im2col copy
        for j in range(kernel.shape[1]):
            out += windows[..., i * dilation[0], j * dilation[1], None] * kernel[i, j]
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
    full = _pad(np, full, [(max(-top, 0), max(-bottom, 0)), (max(-left, 0), max(-right, 0))])
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


def _normal(rng: Any, shape: tuple[int, ...], scale: float = 1.0) -> Array:
    """Seeded float32 weights drawn as float32, so no float64 copy is ever allocated."""
    values = rng.standard_normal(shape, dtype="float32")
    if scale != 1.0:
        values *= scale
    return values


def _conv_twin(layer: Conv2D, shape: Shape, rng: Any) -> Twin:
    channels = shape[-1] // layer.groups
    kernel = _normal(rng, (*layer.kernel_size, channels, layer.filters),
                     1 / math.sqrt(layer.kernel_size[0] * layer.kernel_size[1] * channels))
    bias = _normal(rng, (layer.filters,)) if layer.use_bias else None
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    act = activation_in_place(layer.activation)
    return lambda x: act(grouped_conv2d(x, kernel, bias, layer.strides, pads, layer.dilation_rate, layer.groups,
                                        layer.padding_mode))


def _depthwise_twin(layer: DepthwiseConv2D, shape: Shape, rng: Any) -> Twin:
    kernel = _normal(rng, (*layer.kernel_size, shape[-1], layer.depth_multiplier))
    bias = _normal(rng, (shape[-1] * layer.depth_multiplier,)) if layer.use_bias else 0
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    act = activation_in_place(layer.activation)

    def twin(x: Array) -> Array:
        out = depthwise_conv2d(x, kernel, layer.strides, pads, layer.dilation_rate)
        out += bias
        return act(out)
    return twin


def _separable_twin(layer: SeparableConv2D, shape: Shape, rng: Any) -> Twin:
    middle = shape[-1] * layer.depth_multiplier
    depthwise = _normal(rng, (*layer.kernel_size, shape[-1], layer.depth_multiplier))
    pointwise = _normal(rng, (1, 1, middle, layer.filters), 1 / math.sqrt(middle))
    bias = _normal(rng, (layer.filters,)) if layer.use_bias else None
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    act = activation_in_place(layer.activation)
    return lambda x: act(conv2d(depthwise_conv2d(x, depthwise, layer.strides, pads, layer.dilation_rate), pointwise,
                                bias, (1, 1), [(0, 0), (0, 0)]))


def _transpose_twin(layer: Conv2DTranspose, shape: Shape, rng: Any) -> Twin:
    import numpy as np

    groups = layer.groups
    cin, cout = shape[-1] // groups, layer.filters // groups
    kernel = _normal(rng, (*layer.kernel_size, cin, layer.filters), 1 / 3)
    bias = _normal(rng, (layer.filters,)) if layer.use_bias else 0
    per_axis = (layer.padding, layer.padding) if isinstance(layer.padding, str) else layer.padding
    ops = layer.output_padding or (None, None)
    crops = [_transposed_crops(shape[i], layer.kernel_size[i], layer.strides[i], per_axis[i], ops[i],
                               layer.dilation_rate[i]) for i in range(2)]
    act = activation_in_place(layer.activation)

    def twin(x: Array) -> Array:
        if groups == 1:
            return act(conv2d_transpose(x, kernel, layer.strides, layer.dilation_rate, crops) + bias)
        parts = [conv2d_transpose(x[..., g * cin:(g + 1) * cin], kernel[..., g * cout:(g + 1) * cout],
                                  layer.strides, layer.dilation_rate, crops) for g in range(groups)]
        return act(np.concatenate(parts, axis=-1) + bias)
    return twin


def _as_2d_padding(padding: Any) -> Any:
    """A 1-D layer's padding on the second axis of a 1×L image (a string applies to both axes)."""
    return padding if isinstance(padding, str) else (0, padding[0])


def _conv1d_as_2d(layer: Conv1D) -> Conv2D:
    return Conv2D(layer.filters, (1, layer.kernel_size), (1, layer.strides), _as_2d_padding(layer.padding),
                  (1, layer.dilation_rate), layer.activation, layer.use_bias, layer.groups, layer.padding_mode)


def _as_2d(layer: Layer) -> Layer:
    """A 1-D layer as the 2-D layer that does the same on a 1×L image: its twin and its scratch."""
    if isinstance(layer, Conv1D):
        return _conv1d_as_2d(layer)
    if isinstance(layer, Pooling1D):
        return _pool1d_as_2d(layer)
    if isinstance(layer, layers.DepthwiseConv1D):
        return DepthwiseConv2D((1, layer.kernel_size), (1, layer.strides), _as_2d_padding(layer.padding),
                               (1, layer.dilation_rate), layer.depth_multiplier, layer.activation, layer.use_bias)
    if isinstance(layer, layers.SeparableConv1D):
        return SeparableConv2D(layer.filters, (1, layer.kernel_size), (1, layer.strides),
                               _as_2d_padding(layer.padding), (1, layer.dilation_rate), layer.depth_multiplier,
                               layer.activation, layer.use_bias)
    if isinstance(layer, layers.Conv1DTranspose):
        return Conv2DTranspose(layer.filters, (1, layer.kernel_size), (1, layer.strides),
                               _as_2d_padding(layer.padding),
                               None if layer.output_padding is None else (0, layer.output_padding),
                               (1, layer.dilation_rate), layer.activation, layer.use_bias, layer.groups)
    return layer


def _one_d_twin(layer: Layer, shape: Shape, rng: Any) -> Twin:
    """A 1-D layer's twin: its 2-D counterpart on (B, 1, L, C)."""
    flat = _as_2d(layer)
    twin = TWINS[type(flat)](flat, (1, *shape), rng)
    return lambda x: twin(x[:, None])[:, 0]


def _pool1d_as_2d(layer: Pooling1D) -> Pooling2D:
    cls = MaxPooling2D if isinstance(layer, MaxPooling1D) else AveragePooling2D
    return cls((1, layer.pool_size), (1, layer.strides or layer.pool_size), _as_2d_padding(layer.padding), layer.ceil)


def _pool_twin(layer: Pooling2D | layers.Pooling3D, shape: Shape, rng: Any) -> Twin:
    strides = layer.effective_strides if isinstance(layer, Pooling2D) else layer.strides or layer.pool_size
    dilation = layer.dilation if isinstance(layer, Pooling2D) else (1, 1, 1)
    pads = _pads(shape, layer.pool_size, strides, layer.padding, dilation)
    mode = "max" if isinstance(layer, (MaxPooling2D, layers.MaxPooling3D)) else "avg"
    explicit = not isinstance(layer.padding, str)
    return lambda x: pool2d(x, layer.pool_size, strides, pads, mode, layer.ceil, count_padding=explicit,
                            dilation=dilation)


def _conv3d_twin(layer: layers.Conv3D, shape: Shape, rng: Any) -> Twin:
    channels = shape[-1] // layer.groups
    kernel = _normal(rng, (*layer.kernel_size, channels, layer.filters),
                     1 / math.sqrt(math.prod(layer.kernel_size) * channels))
    bias = _normal(rng, (layer.filters,)) if layer.use_bias else None
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    act = activation_in_place(layer.activation)
    return lambda x: act(grouped_conv2d(x, kernel, bias, layer.strides, pads, layer.dilation_rate, layer.groups))


def _adaptive_twin(layer: layers.AdaptivePooling, shape: Shape, rng: Any) -> Twin:
    """PyTorch's adaptive pooling: window i of an axis is [⌊i·n/out⌋, ⌈(i + 1)·n/out⌉)."""
    import numpy as np

    rank = len(layer.output_size)
    reduce = np.max if "Max" in layer.keras_class else np.mean
    bounds = [[(i * n // out, -(-(i + 1) * n // out)) for i in range(out)]
              for n, out in zip(shape[:rank], layer.output_size)]

    def twin(x: Array) -> Array:
        out = np.empty((x.shape[0], *layer.output_size, x.shape[-1]), dtype=x.dtype)
        for cell in np.ndindex(*layer.output_size):
            window = tuple(slice(*bounds[axis][i]) for axis, i in enumerate(cell))
            out[(slice(None), *cell)] = reduce(x[(slice(None), *window)], axis=tuple(range(1, rank + 1)))
        return out
    return twin


def _global_twin(layer: layers.GlobalPooling, shape: Shape, rng: Any) -> Twin:
    axes = tuple(range(1, layer.rank + 1))
    if "Max" in layer.keras_class:
        return lambda x: x.max(axis=axes, keepdims=layer.keepdims)
    return lambda x: x.mean(axis=axes, keepdims=layer.keepdims)


def _embedding_twin(layer: layers.Embedding, shape: Shape, rng: Any) -> Twin:
    """Token ids drawn from the random input (|x|·1000 mod V), then looked up."""
    import numpy as np

    table = _normal(rng, (layer.vocabulary, layer.dimension))
    return lambda x: table[(np.abs(x) * 1000).astype(np.int64) % layer.vocabulary]


def _normalize(x: Array, axes: tuple[int, ...]) -> Array:
    x = x - x.mean(axis=axes, keepdims=True)
    x /= (x.var(axis=axes, keepdims=True) + 1e-3) ** 0.5
    return x


def _layer_norm_twin(layer: layers.LayerNormalization, shape: Shape, rng: Any) -> Twin:
    gamma = _normal(rng, (shape[-1],)) if layer.scale else 1
    beta = _normal(rng, (shape[-1],)) if layer.center else 0
    return lambda x: _normalize(x, (-1,)) * gamma + beta


def _group_norm_twin(layer: layers.GroupNormalization, shape: Shape, rng: Any) -> Twin:
    gamma, beta = _normal(rng, (shape[-1],)), _normal(rng, (shape[-1],))

    def twin(x: Array) -> Array:
        grouped = x.reshape(*x.shape[:-1], layer.groups, x.shape[-1] // layer.groups)
        axes = (*range(1, x.ndim - 1), -1)  # every spatial axis and the channels of one group
        return _normalize(grouped, axes).reshape(x.shape) * gamma + beta
    return twin


def _lrn_twin(layer: layers.LocalResponseNormalization, shape: Shape, rng: Any) -> Twin:
    """PyTorch's LocalResponseNorm: a / (k + α/n · Σ a² over n neighbouring channels)^β, k=1, α=1e-4, β=0.75."""
    import numpy as np

    def twin(x: Array) -> Array:
        squares = np.pad(x * x, [(0, 0)] * (x.ndim - 1) + [(layer.size // 2, (layer.size - 1) // 2)])
        sums = np.lib.stride_tricks.sliding_window_view(squares, layer.size, axis=-1).sum(axis=-1)
        return x / (1 + 1e-4 / layer.size * sums) ** 0.75
    return twin


def _prelu_twin(layer: layers.PReLU, shape: Shape, rng: Any) -> Twin:
    import numpy as np

    size = (shape[-1],) if layer.channel else ((1,) if layer.torch else shape)
    alpha = np.abs(_normal(rng, size)) * 0.25
    return lambda x: np.where(x > 0, x, x * alpha)


def _dense_twin(layer: Dense, shape: Shape, rng: Any) -> Twin:
    kernel = _normal(rng, (shape[-1], layer.units), 1 / math.sqrt(shape[-1]))
    bias = _normal(rng, (layer.units,)) if layer.use_bias else 0
    act = activation_in_place(layer.activation)

    def twin(x: Array) -> Array:
        out = x @ kernel
        out += bias
        return act(out)
    return twin


def _batch_norm_twin(layer: BatchNormalization, shape: Shape, rng: Any) -> Twin:
    channels = shape[-1]
    gamma, beta, mean = (_normal(rng, (channels,)) for _ in range(3))
    variance = rng.uniform(0.5, 2.0, channels).astype("float32")
    scale = gamma / (variance + 1e-3) ** 0.5

    def twin(x: Array) -> Array:
        out = x - mean
        out *= scale
        out += beta
        return out
    return twin


def merge(layer: Merge, xs: list[Array]) -> Array:
    """A merge of branch outputs (B, …): Keras' broadcasting aligns the axes after the batch on the right."""
    import numpy as np

    if isinstance(layer, Concatenate):
        return np.concatenate(xs, axis=-1)
    rank = max(x.ndim for x in xs)
    xs = [x.reshape(x.shape[0], *([1] * (rank - x.ndim)), *x.shape[1:]) for x in xs]
    if isinstance(layer, Subtract):
        return xs[0] - xs[1]
    if isinstance(layer, Maximum):  # pairwise: reducing a list of arrays would stack them into one more copy
        out = np.maximum(xs[0], xs[1])
        for x in xs[2:]:
            np.maximum(out, x, out=out)
        return out
    out = xs[0] * xs[1] if isinstance(layer, Multiply) else xs[0] + xs[1]
    for x in xs[2:]:
        if isinstance(layer, Multiply):
            out *= x
        else:
            out += x
    if isinstance(layer, Average):
        out /= len(xs)
    return out


def _activation_twin(layer: Activation, shape: Shape, rng: Any) -> Twin:
    return activation(layer.activation)


TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    Conv2D: _conv_twin,
    DepthwiseConv2D: _depthwise_twin,
    SeparableConv2D: _separable_twin,
    Conv2DTranspose: _transpose_twin,
    Conv1D: _one_d_twin,
    layers.DepthwiseConv1D: _one_d_twin,
    layers.SeparableConv1D: _one_d_twin,
    layers.Conv1DTranspose: _one_d_twin,
    MaxPooling1D: _one_d_twin,
    AveragePooling1D: _one_d_twin,
    layers.Conv3D: _conv3d_twin,
    layers.MaxPooling3D: _pool_twin,
    layers.AveragePooling3D: _pool_twin,
    UpSampling2D: lambda layer, shape, rng: lambda x: x.repeat(layer.size[0], axis=1).repeat(layer.size[1], axis=2),
    ZeroPadding2D: lambda layer, shape, rng: lambda x: __import__("numpy").pad(
        x, ((0, 0), layer.padding[:2], layer.padding[2:], (0, 0))),
    Cropping2D: lambda layer, shape, rng: lambda x: x[:, layer.cropping[0]: x.shape[1] - layer.cropping[1],
                                                      layer.cropping[2]: x.shape[2] - layer.cropping[3]],
    MaxPooling2D: _pool_twin,
    AveragePooling2D: _pool_twin,
    Dense: _dense_twin,
    BatchNormalization: _batch_norm_twin,
    layers.LayerNormalization: _layer_norm_twin,
    layers.GroupNormalization: _group_norm_twin,
    layers.LocalResponseNormalization: _lrn_twin,
    GlobalAveragePooling2D: _global_twin,
    GlobalMaxPooling2D: _global_twin,
    layers.GlobalAveragePooling1D: _global_twin,
    layers.GlobalMaxPooling1D: _global_twin,
    layers.AdaptiveAveragePooling2D: _adaptive_twin,
    layers.AdaptiveMaxPooling2D: _adaptive_twin,
    layers.AdaptiveAveragePooling1D: _adaptive_twin,
    layers.AdaptiveMaxPooling1D: _adaptive_twin,
    Flatten: lambda layer, shape, rng: lambda x: x.reshape(x.shape[0], -1),
    layers.Reshape: lambda layer, shape, rng: lambda x: x.reshape(x.shape[0], *layer.target_shape),
    layers.Permute: lambda layer, shape, rng: lambda x: x.transpose(0, *layer.dims),
    layers.Embedding: _embedding_twin,
    Dropout: lambda layer, shape, rng: lambda x: x,
    Activation: _activation_twin,
    layers.ReLU: _activation_twin,
    layers.LeakyReLU: lambda layer, shape, rng: activation("leakyrelu", layer.alpha),
    layers.PReLU: _prelu_twin,
}


# ---- What each twin allocates, in float32 values per example: the memory estimate's single source ----

def _padded_values(shape: Shape, pads: list[tuple[int, int]], extra: tuple[int, ...] = (0, 0, 0)) -> int:
    """Values of a padded copy of one example (0 when the twin pads nothing and uses its input)."""
    if not any(before or after for before, after in pads) and not any(extra):
        return 0  # _pad returns its input
    return math.prod(shape[i] + sum(pads[i]) + (extra[i] if i < len(extra) else 0) for i in range(len(pads))) \
        * shape[-1]


def _conv_scratch(layer: Conv2D, shape: Shape, out: Shape) -> int:
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    group_shape = (shape[0], shape[1], shape[2] // layer.groups)
    parts = math.prod(out) if layer.groups > 1 else 0  # the groups' outputs, before they are concatenated
    return _padded_values(group_shape, pads) + parts + activation_scratch(layer.activation, out)


def _im2col_values(layer: Layer, shape: Shape, out: Shape, batch: int, fresh: bool) -> int:
    """The copy ``tensordot`` makes of a convolution's windows, for the whole batch; 0 when NumPy can
    reshape the window view without copying (one window per example, 1×1 kernels on stride 1…).

    ``fresh``: the input is an array of its own (not a cropped view), so its strides are known.
    """
    if isinstance(layer, Conv1D):
        return _im2col_values(_conv1d_as_2d(layer), (1, *shape), (1, *out), batch, fresh)
    if isinstance(layer, layers.Conv3D):  # counted as a copy whatever its strides
        return batch * math.prod(out[:3]) * math.prod(layer.kernel_size) * (shape[3] // layer.groups)
    if not isinstance(layer, Conv2D):
        return 0
    (kh, kw), (s0, s1), (d0, d1) = layer.kernel_size, layer.strides, layer.dilation_rate
    channels = shape[2] // layer.groups
    values = batch * out[0] * out[1] * kh * kw * channels
    if not fresh:
        return values
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    height, width = shape[0] + sum(pads[0]), shape[1] + sum(pads[1])
    row = channels if _padded_values(shape, pads) else shape[2]  # a padded copy holds only its group's channels
    windows = [(batch, height * width * row), (out[0], s0 * width * row), (out[1], s1 * row)]
    taps = [(kh, d0 * width * row), (kw, d1 * row), (channels, 1)]
    # tensordot hands BLAS a C-contiguous matrix: a view that is not one already is copied
    return 0 if _c_contiguous(windows + taps) else values


def _c_contiguous(axes: list[tuple[int, int]]) -> bool:
    """Whether axes of (size, stride) lie in memory as one C-contiguous block (size-1 axes ignored)."""
    expected = 1
    for size, stride in reversed(axes):
        if size == 1:
            continue
        if stride != expected:
            return False
        expected *= size
    return True


def _depthwise_scratch(layer: DepthwiseConv2D, shape: Shape, out: Shape) -> int:
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    return _padded_values(shape, pads) + math.prod(out) + activation_scratch(layer.activation, out)  # one tap product


def _separable_scratch(layer: SeparableConv2D, shape: Shape, out: Shape) -> int:
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    middle = out[0] * out[1] * shape[2] * layer.depth_multiplier
    # the depthwise pass (padded input, its result, a tap product), then the 1×1 pass over its result
    return max(_padded_values(shape, pads) + 2 * middle, 2 * middle + math.prod(out)) \
        + activation_scratch(layer.activation, out)


def _transpose_scratch(layer: Conv2DTranspose, shape: Shape, out: Shape) -> int:
    full = [(shape[i] - 1) * layer.strides[i] + effective_kernel(layer.kernel_size[i], layer.dilation_rate[i])
            for i in range(2)]
    tap = shape[0] * shape[1] * layer.filters  # x @ kernel[i, j], one tap at a time
    grown = 0
    if out[0] > full[0] or out[1] > full[1]:  # output padding past the full output: zero-padded, a copy
        grown = max(out[0], full[0]) * max(out[1], full[1]) * layer.filters
    full_values, out_values = full[0] * full[1] * layer.filters, math.prod(out)
    phases = (full_values + max(tap, grown),  # scattering the taps, then zero-padding the full output
              (grown or full_values) + out_values,  # the cropped view plus the bias, a new array
              out_values + activation_scratch(layer.activation, out))
    parts = full_values + out_values if layer.groups > 1 else 0  # each group's result, then their concatenation
    return max(phases) - out_values + parts  # the output itself is counted by the estimate


def _pool_padding(layer: Pooling2D | layers.Pooling3D, shape: Shape) -> tuple[list[tuple[int, int]], tuple[int, ...]]:
    """A pool twin's padding per axis, and the room ``ceil`` adds at the end for a last window."""
    strides = layer.effective_strides if isinstance(layer, Pooling2D) else layer.strides or layer.pool_size
    dilation = layer.dilation if isinstance(layer, Pooling2D) else (1, 1, 1)
    extra = tuple(s - 1 if layer.ceil else 0 for s in strides)
    return _pads(shape, layer.pool_size, strides, layer.padding, dilation), extra


def _pool_scratch(layer: Pooling2D | layers.Pooling3D, shape: Shape, out: Shape) -> int:
    return _padded_values(shape, *_pool_padding(layer, shape))


def _mask_values(layer: Layer, shape: Shape, out: Shape) -> int:
    """Average pooling's mask of counted cells and its window sums: one plane, whatever the batch."""
    if isinstance(layer, AveragePooling1D):
        return _mask_values(_pool1d_as_2d(layer), (1, *shape), (1, *out))
    if not isinstance(layer, (AveragePooling2D, layers.AveragePooling3D)):
        return 0
    pads, extra = _pool_padding(layer, shape)
    return _padded_values((*shape[:-1], 1), pads, (*extra, 1)) + math.prod(out[:-1])


def _scratch(layer: Layer, shape: Shape, out: Shape) -> int:
    """Values a twin allocates beyond its input, its output and its weights, per example."""
    flat = _as_2d(layer)
    if flat is not layer:  # a 1-D layer: its 2-D counterpart on a 1×L image
        return _scratch(flat, (1, *shape), (1, *out))
    rule = SCRATCH.get(type(layer))
    return rule(layer, shape, out) if rule is not None else 0


def _conv3d_scratch(layer: layers.Conv3D, shape: Shape, out: Shape) -> int:
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    group_shape = (*shape[:3], shape[3] // layer.groups)
    parts = math.prod(out) if layer.groups > 1 else 0
    return _padded_values(group_shape, pads) + parts + activation_scratch(layer.activation, out)


SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    Conv2D: _conv_scratch,
    DepthwiseConv2D: _depthwise_scratch,
    SeparableConv2D: _separable_scratch,
    Conv2DTranspose: _transpose_scratch,
    MaxPooling2D: _pool_scratch,
    AveragePooling2D: _pool_scratch,
    UpSampling2D: lambda layer, shape, out: shape[0] * layer.size[0] * shape[1] * shape[2],
    Dense: lambda layer, shape, out: activation_scratch(layer.activation, out),
    Activation: lambda layer, shape, out: activation_scratch(layer.activation, out),
    layers.LeakyReLU: lambda layer, shape, out: math.prod(out),
    layers.PReLU: lambda layer, shape, out: 2 * math.prod(out),
    layers.Conv3D: _conv3d_scratch,
    layers.MaxPooling3D: _pool_scratch,
    layers.AveragePooling3D: _pool_scratch,
    layers.LayerNormalization: lambda layer, shape, out: 4 * math.prod(out),
    layers.GroupNormalization: lambda layer, shape, out: 5 * math.prod(out),
    layers.LocalResponseNormalization: lambda layer, shape, out: 6 * math.prod(out),
    layers.Embedding: lambda layer, shape, out: 6 * math.prod(shape),
    layers.AdaptiveAveragePooling2D: lambda layer, shape, out: math.prod(shape),
    layers.AdaptiveMaxPooling2D: lambda layer, shape, out: math.prod(shape),
    layers.AdaptiveAveragePooling1D: lambda layer, shape, out: math.prod(shape),
    layers.AdaptiveMaxPooling1D: lambda layer, shape, out: math.prod(shape),
    layers.Permute: lambda layer, shape, out: math.prod(out),
}

#: What a pass allocates besides its arrays: the generator, closures, NumPy's ufunc buffers (8,192 values each).
BASELINE_BYTES = 256 * 1024


def _graph_memory(net: Network, batch: int) -> int:
    """A graph's peak: every tensor still to be read stays alive, each counted whole (views too)."""
    last_read = net.last_reads()
    alive = {"input_layer": math.prod(net.input_shape)}
    peak = 0
    for number, layer in enumerate(net.layers):
        output = math.prod(layer.output_shape)
        scratch = 0 if isinstance(layer.layer, Merge) else _scratch(layer.layer, layer.input_shape,
                                                                       layer.output_shape)
        values = batch * (sum(alive.values()) + output + scratch) \
            + _mask_values(layer.layer, layer.input_shape, layer.output_shape) \
            + _im2col_values(layer.layer, layer.input_shape, layer.output_shape, batch, False)
        peak = max(peak, 4 * (values + layer.params.total))
        for name in layer.inputs:
            if last_read.get(name) == number:
                alive.pop(name, None)
        alive[layer.name] = output
    return BASELINE_BYTES + max(peak, 4 * batch * math.prod(net.input_shape))


def memory_estimate(net: Network, batch: int) -> int:
    """Bytes a ``--check`` pass can peak at, computed before anything is allocated.

    Twins are built one layer at a time and dropped after it, so the peak is the largest, over
    the layers, of the layer's weights plus its input, output and scratch arrays (float32) for
    the whole batch.  Every term comes from what the twin above allocates; a property test
    holds the estimate between the peak measured by ``tracemalloc`` and twice that peak.
    """
    if net.graph:
        return _graph_memory(net, batch)
    peak = 0
    held = math.prod(net.input_shape)  # values of the array the current tensor is (or is a view of)
    for layer in net.layers:
        output = math.prod(layer.output_shape)
        if isinstance(layer.layer, Dropout) or (isinstance(layer.layer, Flatten) and held == output):
            output = 0  # the same array, or a reshaped view of it
        elif isinstance(layer.layer, Cropping2D):
            output = 0  # a view: the uncropped array stays alive under it
        values = batch * (held + output + _scratch(layer.layer, layer.input_shape, layer.output_shape)) \
            + _mask_values(layer.layer, layer.input_shape, layer.output_shape) \
            + _im2col_values(layer.layer, layer.input_shape, layer.output_shape, batch,
                             held == math.prod(layer.input_shape))
        peak = max(peak, 4 * (values + layer.params.total))
        # flattening a cropped view is itself a view when NumPy can stride it, so the uncropped array may live on
        held = max(held, output) if isinstance(layer.layer, Flatten) else output or held
    return BASELINE_BYTES + max(peak, 4 * batch * math.prod(net.input_shape))


@record
class ForwardPass:
    """The real output shape of every layer, and how long the pass took."""

    shapes: tuple[Shape, ...]
    seconds: float
    batch: int
    seed: int


def forward(net: Network, batch: int = 1, seed: int = 0, max_memory: int = 2 * 1024**3) -> ForwardPass:
    """Run the network's NumPy twins on a seeded random input of ``batch`` examples.

    Refused before anything is allocated when :func:`memory_estimate` is over ``max_memory``.
    """
    np = require_numpy("--check")
    needed = memory_estimate(net, batch)
    if needed > max_memory:
        raise CnnCalcError(
            f"the forward pass would need about {_gib(needed)} (the largest layer's weights, input, output "
            f"and scratch arrays at batch {batch}), over --max-memory {_gib(max_memory)}",
            "raise --max-memory, lower --batch, or check a smaller input with --input",
        )
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, *net.input_shape), dtype="float32")
    shapes: list[Shape] = []
    start = time.perf_counter()
    with np.errstate(all="ignore"):  # random weights may overflow an exp; only the shapes matter here
        if net.graph:
            tensors = {"input_layer": x}
            del x  # the graph pass frees the input after its last reader; no name here may keep it alive
            shapes = _forward_graph(net, tensors, rng)
        else:
            for layer in net.layers:
                x = TWINS[type(layer.layer)](layer.layer, layer.input_shape, rng)(x)
                shapes.append(tuple(int(d) for d in x.shape[1:]))
    return ForwardPass(tuple(shapes), time.perf_counter() - start, batch, seed)


def _forward_graph(net: Network, tensors: dict[str, Array], rng: Any) -> list[Shape]:
    """Run a graph in Keras' row order, keeping each tensor until its last reader has run."""
    last_read = net.last_reads()
    shapes: list[Shape] = []
    for number, layer in enumerate(net.layers):
        xs = [tensors[name] for name in layer.inputs]
        if isinstance(layer.layer, Merge):
            y = merge(layer.layer, xs)
        else:
            y = TWINS[type(layer.layer)](layer.layer, layer.input_shape, rng)(xs[0])
        del xs
        for name in layer.inputs:
            if last_read.get(name) == number:
                tensors.pop(name, None)
        tensors[layer.name] = y
        shapes.append(tuple(int(d) for d in y.shape[1:]))
    return shapes


def _gib(count: int) -> str:
    """A byte count in binary units: '1.49 GiB', '10.00 MiB'."""
    if count >= 1024**6:
        return f"about 10^{len(str(count)) - 1} bytes"
    size, unit = float(count), "bytes"
    for name in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if size < 1024:
            break
        size, unit = size / 1024, name
    return f"{size:.2f} {unit}" if unit != "bytes" else f"{count} bytes"
