"""Twins of the transposed convolutions: the full output scattered one kernel tap at a time, then cropped as
each framework does."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model.arithmetic import effective_kernel
from ...model.layers import Conv2DTranspose, Layer, Shape, transposed_length
from .activations import activation_in_place, activation_scratch
from .base import Array, Twin, _normal, _pad


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


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    Conv2DTranspose: _transpose_twin,
}


#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    Conv2DTranspose: _transpose_scratch,
}
