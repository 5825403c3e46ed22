"""Multi-head self-attention on a token map: every position attends to every other, features on the last axis."""

from __future__ import annotations

from math import prod
from typing import ClassVar

from ..records import record, replace
from .base import Layer, Params, Resolution, RuleError, Shape, describe, dims_text


@record
class MultiHeadAttention(Layer):
    """``mha{H}``: self-attention with H heads over every position of its input (all axes but the last, which holds
    the D features; the usual input is an L×D token map), the shape kept.

    PyTorch's ``nn.MultiheadAttention(D, H, batch_first=True)`` called as ``attn(x, x, x)``: ``in_proj`` packs the
    query, key and value projections (3·D² weights, 3·D biases), ``out_proj`` is D² + D; 4·D² + 4·D in all. Keras'
    ``MultiHeadAttention(H, key_dim=D // H)`` called as ``mha(x, x)`` holds the same numbers as per-head kernels
    (query, key and value (D, H, D/H) with biases (H, D/H); output (H, D/H, D) with a bias of D): the same total.
    ``nobias`` drops the 4·D biases in both.

    MACs: the four projections, 4·L·D², and the attention itself, Q·Kᵀ (L·L·D) and the weighted sum of the values
    (L·L·D), as torchvision's GFLOPS column counts a vision transformer.
    """

    per_token: ClassVar[bool] = True  # a token map stays a token map through it (features last, L×D order kept)

    keras_class: ClassVar[str] = "MultiHeadAttention"
    auto_name: ClassVar[str] = "multi_head_attention"
    torch_name: ClassVar[str] = "MultiheadAttention"

    heads: int
    use_bias: bool = True
    torch: bool = False

    def for_torch(self) -> Layer:
        return replace(self, torch=True)

    def resolve(self, shape: Shape) -> Resolution:
        if len(shape) < 2:
            raise RuleError(f"MultiHeadAttention needs tokens (L×D, features last), but it receives {describe(shape)}",
                            "attention runs over a sequence of tokens: reshape the map into L×D first")
        if self.torch and len(shape) != 2:
            raise RuleError(f"PyTorch's MultiheadAttention takes (N, L, E) tokens, but it receives {dims_text(shape)}",
                            "reshape the map into L×D tokens first (reshape, permute)")
        features, heads = shape[-1], self.heads
        if heads < 1 or features % heads:
            raise RuleError(f"embed_dim ({features}) must be divisible by num_heads ({heads})",
                            f"use a head count that divides {features}")
        length = prod(shape[:-1])
        weights = 4 * features * features
        biases = 4 * features if self.use_bias else 0
        macs = 4 * length * features * features + 2 * length * length * features
        arithmetic = (
            ("params", f"4·({features}·{features}{f' + {features}' if self.use_bias else ''}) = "
                       f"{weights + biases:,}"),
            ("weights", f"query, key, value and output projections, 4·{features}·{features} = {weights:,} "
                        f"({heads} heads of {features // heads})"),
            ("biases", f"4·{features} = {biases:,}" if self.use_bias else "nobias: 0"),
        )
        return Resolution(shape, Params(weights, biases), arithmetic=arithmetic, macs=macs,
                          bias_adds=4 * length * features if self.use_bias else 0)
