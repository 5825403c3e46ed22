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

__all__ = ["DTYPES", "Memory", "memory", "readable_count"]

DTYPES = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1}


def readable_count(count: int) -> str:
    """A large count in SI units: 15.47 G.

    >>> readable_count(15_470_264_320), readable_count(999)
    ('15.47 G', '999')
    """
    value = float(count)
    for unit in ("", " K", " M", " G", " T", " P"):
        if value < 1000:
            return f"{int(value)}" if unit == "" else f"{value:.2f}{unit}"
        value /= 1000
    return f"{value:.2f} E"


@record
class Memory:
    dtype: str
    batch: int
    bytes_per_value: int
    parameters: int
    input: int
    activations: tuple[int, ...]

    @property
    def forward(self) -> int:
        return self.parameters + self.input + sum(self.activations)

    @property
    def training(self) -> int:
        return self.forward + self.parameters + sum(self.activations)


def memory(net: Network, dtype: str = "float32", batch: int = 1) -> Memory:
    if dtype not in DTYPES:
        raise CnnCalcError(f"unknown dtype '{dtype}'", f"use one of: {', '.join(DTYPES)}")
    size = DTYPES[dtype]
    return Memory(dtype, batch, size, net.total_params * size, prod(net.input_shape) * size * batch,
                  tuple(prod(layer.output_shape) * size * batch for layer in net.layers))
