"""Twins of Swin's layers on an H×W×C token map: shifted-window attention (v1's table of relative position
biases, v2's cosine attention with biases from a small network) and patch merging, as torchvision computes them."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...model.layers import CPB_HIDDEN, Layer, PatchMerging, Shape, WindowAttention
from .base import Array, Twin, _normal, require_numpy

#: torchvision's nn.LayerNorm(eps=1e-5) in Swin, and the fill of a shifted window's mask
_EPS, _MASKED = 1e-5, -100.0


def relative_index(np: Any, window: int) -> Array:
    """(W², W²): where the offset of token j from token i (rows, columns) is in the (2W − 1)² table."""
    rows, cols = np.divmod(np.arange(window * window), window)
    return (rows[:, None] - rows[None, :] + window - 1) * (2 * window - 1) + cols[:, None] - cols[None, :] + window - 1


def log_coordinates(np: Any, window: int) -> Array:
    """Swin v2's ((2W − 1)², 2) relative coordinates, scaled to ±8 and log-spaced: sign·log2(|c| + 1) / 3."""
    offsets = np.arange(-(window - 1), window, dtype=np.float64) / max(window - 1, 1) * 8
    grid = np.stack(np.meshgrid(offsets, offsets, indexing="ij"), axis=-1).reshape(-1, 2)
    return np.sign(grid) * np.log2(np.abs(grid) + 1.0) / 3.0


def _shifted_mask(np: Any, height: int, width: int, window: int, shift: tuple[int, int]) -> Array:
    """(windows, W², W²): 0 between tokens of one region of the rolled map, -100 across regions."""
    labels = np.zeros((height, width))
    count = 0
    for top, bottom in ((0, -window), (-window, -shift[0]), (-shift[0], None)):
        for left, right in ((0, -window), (-window, -shift[1]), (-shift[1], None)):
            labels[top:bottom, left:right] = count
            count += 1
    tiles = labels.reshape(height // window, window, width // window, window).transpose(0, 2, 1, 3)
    tiles = tiles.reshape(-1, window * window)
    return np.where(tiles[:, None, :] != tiles[:, :, None], _MASKED, 0.0)


def window_attention(x: Array, weights: dict[str, Array], heads: int, window: int, shifted: bool,
                     v2: bool) -> Array:
    """torchvision's shifted_window_attention on x (B, H, W, C) with PyTorch's weight layouts: qkv_w (3C, C),
    qkv_b, proj_w (C, C), proj_b, and table ((2W − 1)², heads), or v2's cpb_w1 (512, 2), cpb_b1, cpb_w2 (heads, 512)
    and logit_scale (heads,)."""
    np = require_numpy("window attention")
    batch, height, width, channels = x.shape
    w = window
    x = np.pad(x, ((0, 0), (0, -height % w), (0, -width % w), (0, 0)))
    tall, wide = x.shape[1], x.shape[2]
    shift = tuple(w // 2 if shifted and w < n else 0 for n in (tall, wide))
    if any(shift):
        x = np.roll(x, (-shift[0], -shift[1]), axis=(1, 2))
    tokens = x.reshape(batch, tall // w, w, wide // w, w, channels).transpose(0, 1, 3, 2, 4, 5)
    tokens = tokens.reshape(-1, w * w, channels)
    qkv_b = weights["qkv_b"].copy()
    if v2:  # v2 learns no key bias: torchvision zeroes that third of the bias on every call
        qkv_b[channels:2 * channels] = 0
    qkv = (tokens @ weights["qkv_w"].T + qkv_b).reshape(len(tokens), w * w, 3, heads, channels // heads)
    q, k, v = qkv.transpose(2, 0, 3, 1, 4)
    index = relative_index(np, w)
    if v2:
        unit_q = q / np.maximum(np.linalg.norm(q, axis=-1, keepdims=True), 1e-12)
        unit_k = k / np.maximum(np.linalg.norm(k, axis=-1, keepdims=True), 1e-12)
        scale = np.exp(np.minimum(weights["logit_scale"], math.log(100.0)))
        scores = unit_q @ unit_k.swapaxes(-1, -2) * scale[:, None, None]
        hidden = np.maximum(log_coordinates(np, w) @ weights["cpb_w1"].T + weights["cpb_b1"], 0)
        table = hidden @ weights["cpb_w2"].T
        bias = 16 / (1 + np.exp(-table[index]))
    else:
        scores = (q * (channels // heads) ** -0.5) @ k.swapaxes(-1, -2)
        bias = weights["table"][index]
    scores = scores + bias.transpose(2, 0, 1)
    if any(shift):
        mask = _shifted_mask(np, tall, wide, w, shift)
        scores = (scores.reshape(batch, len(mask), heads, w * w, w * w) + mask[None, :, None]).reshape(scores.shape)
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    scores /= scores.sum(axis=-1, keepdims=True)
    out = (scores @ v).transpose(0, 2, 1, 3).reshape(len(tokens), w * w, channels)
    out = out @ weights["proj_w"].T + weights["proj_b"]
    out = out.reshape(batch, tall // w, wide // w, w, w, channels).transpose(0, 1, 3, 2, 4, 5)
    out = out.reshape(batch, tall, wide, channels)
    if any(shift):
        out = np.roll(out, shift, axis=(1, 2))
    return out[:, :height, :width]


def attention_weights(layer: WindowAttention, channels: int, rng: Any) -> dict[str, Array]:
    """Seeded weights for the twin, in PyTorch's layouts, small enough that the softmax is not saturated."""
    c, heads = channels, layer.heads
    weights = {"qkv_w": _normal(rng, (3 * c, c), c ** -0.5), "qkv_b": _normal(rng, (3 * c,), 0.1),
               "proj_w": _normal(rng, (c, c), c ** -0.5), "proj_b": _normal(rng, (c,), 0.1)}
    if layer.v2:
        weights.update(cpb_w1=_normal(rng, (CPB_HIDDEN, 2)), cpb_b1=_normal(rng, (CPB_HIDDEN,), 0.1),
                       cpb_w2=_normal(rng, (heads, CPB_HIDDEN), 0.05), logit_scale=_normal(rng, (heads,), 0.5) + 1)
    else:
        weights["table"] = _normal(rng, ((2 * layer.window - 1) ** 2, heads), 0.5)
    return weights


def _attention_twin(layer: WindowAttention, shape: Shape, rng: Any) -> Twin:
    weights = attention_weights(layer, shape[-1], rng)
    return lambda x: window_attention(x, weights, layer.heads, layer.window, layer.shifted, layer.v2).astype(x.dtype)


def _layer_norm(x: Array, gamma: Array, beta: Array) -> Array:
    centred = x - x.mean(axis=-1, keepdims=True)
    return centred / ((centred * centred).mean(axis=-1, keepdims=True) + _EPS) ** 0.5 * gamma + beta


def patch_merging(x: Array, weights: dict[str, Array], v2: bool) -> Array:
    """torchvision's PatchMerging on x (B, H, W, C): the map padded to even sizes, the 2×2 neighbours (0, 0),
    (1, 0), (0, 1), (1, 1) side by side, then LayerNorm(4C) and Linear(4C, 2C) (v2: the Linear, then LayerNorm(2C));
    weights: reduction_w (2C, 4C), norm_w, norm_b."""
    np = require_numpy("patch merging")
    x = np.pad(x, ((0, 0), (0, x.shape[1] % 2), (0, x.shape[2] % 2), (0, 0)))
    x = np.concatenate([x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 1::2]], axis=-1)
    if v2:
        return _layer_norm(x @ weights["reduction_w"].T, weights["norm_w"], weights["norm_b"])
    return _layer_norm(x, weights["norm_w"], weights["norm_b"]) @ weights["reduction_w"].T


def _merging_twin(layer: PatchMerging, shape: Shape, rng: Any) -> Twin:
    c = shape[-1]
    norm = 2 * c if layer.v2 else 4 * c
    weights = {"reduction_w": _normal(rng, (2 * c, 4 * c), (4 * c) ** -0.5), "norm_w": _normal(rng, (norm,)),
               "norm_b": _normal(rng, (norm,))}
    return lambda x: patch_merging(x, weights, layer.v2).astype(x.dtype)


def _attention_scratch(layer: WindowAttention, shape: Shape, out: Shape) -> int:
    """The padded map, its windows, q·k·v, the scores and their softmax, the heads' output and its projection."""
    w = layer.window
    padded = math.ceil(shape[0] / w) * math.ceil(shape[1] / w) * w * w
    return 9 * padded * shape[-1] + 3 * padded * w * w * layer.heads


#: this family's twins, by layer kind (the registry merges every family's)
TWINS: dict[type[Layer], Callable[[Any, Shape, Any], Twin]] = {WindowAttention: _attention_twin,
                                                                PatchMerging: _merging_twin}
#: what this family's twins allocate beyond input, output and weights, in float32 values per example
SCRATCH: dict[type[Layer], Callable[[Any, Shape, Shape], int]] = {
    WindowAttention: _attention_scratch,
    PatchMerging: lambda layer, shape, out: 8 * math.prod(out),
}
