"""Twins of multi-head self-attention and of a vision transformer's token layers (the class token, the position
embedding, the token its head reads)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model.layers import ClassToken, Layer, MultiHeadAttention, PositionEmbedding, Shape, TokenSelect
from .base import Array, Twin, _normal


def attention_weights(layer: MultiHeadAttention, features: int, rng: Any) -> dict[str, Array]:
    """The twin's seeded weights, as ``x @ W`` multiplies them: query, key, value and output kernels (D×D) and their
    biases (D each, zeros under ``nobias``). PyTorch's ``in_proj_weight`` is the three first kernels transposed and
    stacked; Keras' query kernel is the query kernel reshaped to (D, H, D/H)."""
    import numpy as np

    scale = 1 / math.sqrt(features)
    weights = {name: _normal(rng, (features, features), scale) for name in ("query", "key", "value", "output")}
    for name in ("query", "key", "value", "output"):
        weights[f"{name}_bias"] = _normal(rng, (features,)) if layer.use_bias else \
            np.zeros(features, dtype=np.float32)
    return weights


def attend(x: Array, weights: dict[str, Array], heads: int) -> Array:
    """Self-attention of x (B, …, D) over all its positions: softmax(Q·Kᵀ/√(D/H))·V per head, then the output
    projection; the shape kept."""
    import numpy as np

    batch, features = x.shape[0], x.shape[-1]
    size = features // heads
    tokens = x.reshape(batch, -1, features)
    length = tokens.shape[1]

    def split(name: str) -> Array:  # (B, H, L, D/H)
        projected = tokens @ weights[name] + weights[f"{name}_bias"]
        return projected.reshape(batch, length, heads, size).transpose(0, 2, 1, 3)

    query, key, value = split("query"), split("key"), split("value")
    scores = query @ key.transpose(0, 1, 3, 2)
    scores *= 1 / math.sqrt(size)
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    context = (scores @ value).transpose(0, 2, 1, 3).reshape(batch, length, features)
    return (context @ weights["output"] + weights["output_bias"]).reshape(x.shape)


def _attention_twin(layer: MultiHeadAttention, shape: Shape, rng: Any) -> Twin:
    weights = attention_weights(layer, shape[-1], rng)
    return lambda x: attend(x, weights, layer.heads)


def _class_token_twin(layer: ClassToken, shape: Shape, rng: Any) -> Twin:
    """The learned token put before the others: (B, L, D) to (B, L + 1, D)."""
    import numpy as np

    token = _normal(rng, (shape[-1],))
    return lambda x: np.concatenate([np.broadcast_to(token, (x.shape[0], 1, x.shape[-1])).astype(x.dtype), x], 1)


def _position_embedding_twin(layer: PositionEmbedding, shape: Shape, rng: Any) -> Twin:
    """x plus one learned vector per token."""
    table = _normal(rng, shape)
    return lambda x: x + table


def _attention_scratch(layer: MultiHeadAttention, shape: Shape, out: Shape) -> int:
    """Query, key and value, the context (L·D each), and the H·L·L attention scores."""
    length = math.prod(shape[:-1])
    return 4 * length * shape[-1] + layer.heads * length * length


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    MultiHeadAttention: _attention_twin,
    ClassToken: _class_token_twin,
    PositionEmbedding: _position_embedding_twin,
    TokenSelect: lambda layer, shape, rng: lambda x: x[:, layer.index],
}

#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    MultiHeadAttention: _attention_scratch,
}
