"""What a network costs: MACs and FLOPs, and memory for parameters and activations.

Conventions, stated wherever they are printed:

* MACs are multiply-accumulates without the bias (fvcore's and thop's convention):
  conv Ho·Wo·F·(KH·KW·Cin), dense in·out once per position it is applied at; pooling,
  normalization and activations count none.
* FLOPs = 2·MACs + one addition per bias value per position.
* Memory: parameters × dtype; activations = every layer's output × dtype × batch.  A forward
  pass is estimated as parameters + input + all activations (kept, as for training); training
  adds the gradients (parameters again) and one more copy of every activation.
"""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING

from .errors import CnnCalcError
from .records import record

if TYPE_CHECKING:
    from .network import Network

__all__ = ["DTYPES", "Memory", "bytes_per_value", "memory", "peak_alive"]

DTYPES = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1}


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

    @property
    def forward(self) -> int:
        return self.parameters + self.input + sum(self.activations)

    @property
    def training(self) -> int:
        return self.forward + self.parameters + sum(self.activations)


def bytes_per_value(dtype: str) -> int:
    """Bytes per value of a dtype the memory column knows; a clear error for any other."""
    if dtype not in DTYPES:
        raise CnnCalcError(f"unknown dtype '{dtype}'", f"use one of: {', '.join(DTYPES)}")
    return DTYPES[dtype]


def memory(net: Network, dtype: str = "float32", batch: int = 1) -> Memory:
    size = bytes_per_value(dtype)
    activations = tuple(prod(layer.output_shape) * size * batch for layer in net.layers)
    peak, where = peak_alive(net, activations, prod(net.input_shape) * size * batch)
    return Memory(dtype, batch, size, net.total_params * size, prod(net.input_shape) * size * batch, activations,
                  peak, where)


def peak_alive(net: Network, activations: tuple[int, ...], input_bytes: int) -> tuple[int, str]:
    """The most bytes of activations alive at once in an inference pass, and where.

    A tensor is alive from the layer that makes it until the last layer that reads it has run,
    so a U-Net's skip or a ResNet's shortcut is held across its whole branch.
    """
    last_read = net.last_reads()
    alive = {"input_layer": input_bytes}
    held = peak = input_bytes
    where = "input_layer"
    for number, (layer, size) in enumerate(zip(net.layers, activations)):
        alive[layer.name] = size
        held += size
        if held > peak:
            peak, where = held, layer.name
        for name in layer.inputs:
            if last_read.get(name) == number and name in alive:
                held -= alive.pop(name)
    return peak, where
