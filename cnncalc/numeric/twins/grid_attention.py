"""Twins of MaxViT's layers: a map cut into windows of tokens and put back (torchvision's WindowPartition and
WindowDepartition), and self-attention inside each window with a table of relative position biases
(RelativePositionalMultiHeadAttention)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model.layers import Layer, RelativeAttention, Shape, WindowDepartition, WindowPartition
from .base import Array, Twin, _normal
from .windows_attention import relative_index


def partition(x: Array, size: int) -> Array:
    """(B, H, W, C) → (B, H/P · W/P, P², C): the windows in row order, each window's tokens in row order."""
    batch, height, width, channels = x.shape
    tiles = x.reshape(batch, height // size, size, width // size, size, channels).transpose(0, 1, 3, 2, 4, 5)
    return tiles.reshape(batch, -1, size * size, channels)


def departition(x: Array, rows: int, columns: int) -> Array:
    """(B, rows · columns, P², C) → (B, rows · P, columns · P, C): :func:`partition` undone."""
    batch, _, tokens, channels = x.shape
    size = math.isqrt(tokens)
    tiles = x.reshape(batch, rows, columns, size, size, channels).transpose(0, 1, 3, 2, 4, 5)
    return tiles.reshape(batch, rows * size, columns * size, channels)


def relative_attention(x: Array, weights: dict[str, Array], heads: int) -> Array:
    """torchvision's RelativePositionalMultiHeadAttention on x (B, …, P², C): to_qkv (3C, C) and its bias, q, k, v
    as its chunks, the keys scaled by C^−½, the table's ((2P − 1)², heads) biases added, softmax, merge (C, C)."""
    from .base import require_numpy

    np = require_numpy("relative attention")
    *lead, tokens, channels = x.shape
    depth = channels // heads
    qkv = x @ weights["qkv_w"].T + weights["qkv_b"]
    q, k, v = (part.reshape(*lead, tokens, heads, depth).swapaxes(-2, -3) for part in np.split(qkv, 3, axis=-1))
    scores = q @ (k * channels ** -0.5).swapaxes(-1, -2)
    scores = scores + weights["table"][relative_index(np, math.isqrt(tokens))].transpose(2, 0, 1)
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    scores /= scores.sum(axis=-1, keepdims=True)
    out = (scores @ v).swapaxes(-2, -3).reshape(*lead, tokens, channels)
    return out @ weights["merge_w"].T + weights["merge_b"]


def relative_weights(layer: RelativeAttention, shape: Shape, rng: Any) -> dict[str, Array]:
    """Seeded weights for the twin, in PyTorch's layouts."""
    c, side = shape[-1], math.isqrt(shape[-2])
    return {"qkv_w": _normal(rng, (3 * c, c), c ** -0.5), "qkv_b": _normal(rng, (3 * c,), 0.1),
            "merge_w": _normal(rng, (c, c), c ** -0.5), "merge_b": _normal(rng, (c,), 0.1),
            "table": _normal(rng, ((2 * side - 1) ** 2, layer.heads), 0.5)}


def _attention_twin(layer: RelativeAttention, shape: Shape, rng: Any) -> Twin:
    weights = relative_weights(layer, shape, rng)
    return lambda x: relative_attention(x, weights, layer.heads).astype(x.dtype)


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {
    WindowPartition: lambda layer, shape, rng: lambda x: partition(x, layer.size),
    WindowDepartition: lambda layer, shape, rng: lambda x: departition(x, layer.rows, layer.columns),
    RelativeAttention: _attention_twin,
}
#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    RelativeAttention: lambda layer, shape, out: 9 * math.prod(shape) + 3 * math.prod(shape[:-1]) * shape[-2]
    * layer.heads,
    WindowPartition: lambda layer, shape, out: math.prod(out),
    WindowDepartition: lambda layer, shape, out: math.prod(out),
}
