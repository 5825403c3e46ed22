"""What a network costs in memory: parameters, activations, training state, and torchinfo's own lines.

Conventions, stated wherever they are printed (FLOPs and MACs are ``cnncalc.analysis.flops``):

* Memory: parameters × dtype; activations = every layer's output × dtype × batch.  A forward
  pass is estimated as parameters + input + all activations (kept, as for training).
* Training (``--training``) keeps, on top of that, a gradient for every trainable parameter and the
  optimizer's state: none for plain SGD, one buffer per parameter for SGD with momentum, two for Adam
  (``exp_avg`` and ``exp_avg_sq``).  Every activation is kept for the backward pass: an upper bound,
  as in-place activations and fused kernels keep less.
* torchinfo's lines (``torchinfo.summary``'s footer), rule for rule from its ``layer_info.py`` and
  ``model_statistics.py``: mult-adds are, for each module with parameters, its parameters (bias included)
  times the batch, and for a conv also times its output positions; the forward/backward pass size is
  twice the outputs of the modules that have parameters; the params size counts parameters, not buffers;
  the input size is ``sys.getsizeof`` of the input's storage, its bytes plus the 64 bytes of the Python
  object (PyTorch 2.13 on CPython 3.11).
"""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING

from ..model.records import record
from .dtypes import DTYPES, OPTIMIZERS, bytes_per_value

if TYPE_CHECKING:
    from ..graph.network import Network, ResolvedLayer

__all__ = ["DTYPES", "OPTIMIZERS", "Memory", "Torchinfo", "bytes_per_value", "memory", "peak_alive", "torchinfo"]

#: sys.getsizeof(tensor.untyped_storage()) − its bytes, which torchinfo's "Input size" includes
STORAGE_OVERHEAD = 64


@record
class Memory:
    dtype: str
    batch: int
    bytes_per_value: int
    parameters: int
    input: int
    activations: tuple[int, ...]
    #: inference only: the most activation bytes alive at once (a tensor lives until its last reader has run),
    #: and the layer where that happens; for a chain, a layer's input and output
    peak: int = 0
    peak_layer: str = ""
    #: the trainable parameters' bytes: their gradients' size, and the unit of the optimizer's state
    trainable: int = 0
    optimizer: str = "adam"

    @property
    def forward(self) -> int:
        return self.parameters + self.input + sum(self.activations)

    @property
    def gradients(self) -> int:
        return self.trainable

    @property
    def state_values(self) -> int:
        """Values of optimizer state per trainable parameter."""
        return OPTIMIZERS[self.optimizer]

    @property
    def optimizer_state(self) -> int:
        return self.state_values * self.trainable

    @property
    def training(self) -> int:
        """One training step's memory: the forward pass's, plus gradients and the optimizer's state."""
        return self.forward + self.gradients + self.optimizer_state


def memory(net: Network, dtype: str = "float32", batch: int = 1, optimizer: str = "adam") -> Memory:
    size = bytes_per_value(dtype)
    activations = tuple(_outputs(layer) * size * batch for layer in net.layers)
    peak, where = peak_alive(net, activations, prod(net.input_shape) * size * batch, size * batch)
    return Memory(dtype, batch, size, net.total_params * size, prod(net.input_shape) * size * batch, activations,
                  peak, where, net.trainable_params * size, optimizer)


def _outputs(layer: ResolvedLayer) -> int:
    """The values a row's output holds; a known network's row, every output of its own rows."""
    if layer.inner is not None:
        return sum(_outputs(row) for row in layer.inner.layers)
    return prod(layer.output_shape)


@record
class Torchinfo:
    """torchinfo.summary's footer for this network, as exact integers (it prints them in M and MB)."""

    mult_adds: int
    input_bytes: int
    pass_bytes: int
    param_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.input_bytes + self.pass_bytes + self.param_bytes

    def fields(self) -> list[tuple[str, str, str]]:
        """(label, unit, value) of each line, formatted as torchinfo formats them."""
        unit, count = _torchinfo_number(self.mult_adds)
        return [("Total mult-adds", unit, count),
                *((label, "MB", f"{size / 1e6:0.2f}") for label, size in (
                    ("Input size", self.input_bytes), ("Forward/backward pass size", self.pass_bytes),
                    ("Params size", self.param_bytes), ("Estimated Total Size", self.total_bytes)))]

    def lines(self) -> list[str]:
        """The lines as torchinfo prints them."""
        return [f"{label} ({unit}): {value}" for label, unit, value in self.fields()]


def _torchinfo_number(count: int) -> tuple[str, str]:
    """torchinfo's ModelStatistics.format_output_num with its automatic units: (unit, value)."""
    unit, value = ("T", count / 1e12) if count >= 1e12 else ("G", count / 1e9) if count >= 1e9 else ("M", count / 1e6)
    return unit, f"{int(value):,d}" if value.is_integer() else f"{value:,.2f}"


def torchinfo(net: Network, dtype: str = "float32", batch: int = 1) -> Torchinfo:
    """torchinfo's mult-adds and sizes: over the PyTorch modules the rows are (cnncalc.analysis.flops.modules)."""
    from .flops import modules

    size = bytes_per_value(dtype)
    mult_adds = outputs = params = 0
    for layer in net.layers:
        for op in modules(layer):
            if op.params <= 0:
                continue
            mult_adds += batch * op.params * (op.positions if op.kind == "conv" else 1)
            outputs += op.outputs
            params += op.params
    return Torchinfo(mult_adds, batch * prod(net.input_shape) * size + STORAGE_OVERHEAD, 2 * batch * outputs * size,
                     params * size)


def peak_alive(net: Network, activations: tuple[int, ...], input_bytes: int, unit: int = 0) -> tuple[int, str]:
    """The most bytes of activations alive at once in an inference pass, and where.

    A tensor is alive from the layer that makes it until the last layer that reads it has run,
    so a U-Net's skip or a ResNet's shortcut is held across its whole branch.  A known network's row (``unit``:
    the bytes of one value, times the batch) holds, while it runs, its own pass's peak beyond its input.
    """
    last_read = net.last_reads()
    alive = {"input_layer": input_bytes}
    held = peak = input_bytes
    where = "input_layer"
    for number, (layer, made) in enumerate(zip(net.layers, activations)):
        size, inner = made, layer.inner
        if inner is not None:
            inner_input = prod(inner.input_shape) * unit
            inner_peak, inner_where = peak_alive(inner, tuple(_outputs(row) * unit for row in inner.layers),
                                                 inner_input, unit)
            if held + inner_peak - inner_input > peak:
                peak, where = held + inner_peak - inner_input, f"{layer.name}/{inner_where}"
            size = prod(layer.output_shape) * unit
        alive[layer.name] = size
        held += size
        if held > peak:
            peak, where = held, layer.name
        for name in layer.inputs:
            if last_read.get(name) == number and name in alive:
                held -= alive.pop(name)
    return peak, where
