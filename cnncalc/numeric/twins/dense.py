"""Twins of Dense, Embedding and Dropout."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model import layers
from ...model.layers import Dense, Dropout, Layer, Shape
from .activations import activation_in_place, activation_scratch
from .base import Array, Twin, _normal


def _embedding_twin(layer: layers.Embedding, shape: Shape, rng: Any) -> Twin:
    """Token ids drawn from the random input (|x|·1000 mod V), then looked up."""
    import numpy as np

    table = _normal(rng, (layer.vocabulary, layer.dimension))
    return lambda x: table[(np.abs(x) * 1000).astype(np.int64) % layer.vocabulary]


def _dense_twin(layer: Dense, shape: Shape, rng: Any) -> Twin:
    kernel = _normal(rng, (shape[-1], layer.units), 1 / math.sqrt(shape[-1]))
    bias = _normal(rng, (layer.units,)) if layer.use_bias else 0
    act = activation_in_place(layer.activation)

    def twin(x: Array) -> Array:
        out = x @ kernel
        out += bias
        return act(out)
    return twin


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    Dense: _dense_twin,
    layers.Embedding: _embedding_twin,
    Dropout: lambda layer, shape, rng: lambda x: x,
}


#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    Dense: lambda layer, shape, out: activation_scratch(layer.activation, out),
    layers.Embedding: lambda layer, shape, out: 6 * math.prod(shape),
}
