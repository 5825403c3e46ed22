"""What a ``--check`` pass can peak at, computed before anything is allocated, from what each twin allocates."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ...model.layers import CenterCrop, Cropping2D, Dropout, DropPath, Flatten, Merge, RandomAugmentation
from .convolution import _im2col_values
from .pooling import _mask_values
from .registry import _scratch

if TYPE_CHECKING:
    from ...graph.network import Network


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
        if isinstance(layer.layer, (Dropout, DropPath, RandomAugmentation)) or \
                (isinstance(layer.layer, Flatten) and held == output):
            output = 0  # the same array, or a reshaped view of it
        elif isinstance(layer.layer, (Cropping2D, CenterCrop)):
            output = 0  # a view: the uncropped array stays alive under it
        values = batch * (held + output + _scratch(layer.layer, layer.input_shape, layer.output_shape)) \
            + _mask_values(layer.layer, layer.input_shape, layer.output_shape) \
            + _im2col_values(layer.layer, layer.input_shape, layer.output_shape, batch,
                             held == math.prod(layer.input_shape))
        peak = max(peak, 4 * (values + layer.params.total))
        # flattening a cropped view is itself a view when NumPy can stride it, so the uncropped array may live on
        held = max(held, output) if isinstance(layer.layer, Flatten) else output or held
    return BASELINE_BYTES + max(peak, 4 * batch * math.prod(net.input_shape))
