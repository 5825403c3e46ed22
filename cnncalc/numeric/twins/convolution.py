"""Twins of the convolutions on images and volumes: im2col by a window view and one ``tensordot``, grouped and
depthwise variants, and what each allocates (the im2col copy included)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model import layers
from ...model.arithmetic import effective_kernel
from ...model.layers import Conv1D, Conv2D, DepthwiseConv2D, Layer, SeparableConv2D, Shape
from .activations import activation_in_place, activation_scratch
from .base import Array, Twin, _normal, _pad, _padded_values, _pads, _windows
from .sequence import _conv1d_as_2d


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


def _conv3d_twin(layer: layers.Conv3D, shape: Shape, rng: Any) -> Twin:
    channels = shape[-1] // layer.groups
    kernel = _normal(rng, (*layer.kernel_size, channels, layer.filters),
                     1 / math.sqrt(math.prod(layer.kernel_size) * channels))
    bias = _normal(rng, (layer.filters,)) if layer.use_bias else None
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    act = activation_in_place(layer.activation)
    return lambda x: act(grouped_conv2d(x, kernel, bias, layer.strides, pads, layer.dilation_rate, layer.groups))


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


def _conv3d_scratch(layer: layers.Conv3D, shape: Shape, out: Shape) -> int:
    pads = _pads(shape, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate)
    group_shape = (*shape[:3], shape[3] // layer.groups)
    parts = math.prod(out) if layer.groups > 1 else 0
    return _padded_values(group_shape, pads) + parts + activation_scratch(layer.activation, out)


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    Conv2D: _conv_twin,
    DepthwiseConv2D: _depthwise_twin,
    SeparableConv2D: _separable_twin,
    layers.Conv3D: _conv3d_twin,
}


#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    Conv2D: _conv_scratch,
    DepthwiseConv2D: _depthwise_scratch,
    SeparableConv2D: _separable_scratch,
    layers.Conv3D: _conv3d_scratch,
}
