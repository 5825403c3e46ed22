"""Layers of MaxViT's multi-axis attention: a map cut into P×P windows of tokens and put back together, and
self-attention inside each window with a learned table of relative position biases.

MaxViT attends within blocks (windows of P×P neighbours) and within a grid (the tokens P apart: windows of
(H/P)×(W/P), their axes swapped so that a group holds one token of each window); both are these three words."""

from __future__ import annotations

from math import isqrt, prod
from typing import ClassVar

from ..records import record, replace
from .base import Layer, Params, Resolution, RuleError, Shape, describe


@record
class WindowPartition(Layer):
    """``partition{P}``: an H×W×C map cut into P×P windows: (H/P · W/P) groups of P² tokens of C features
    (torchvision's ``WindowPartition``, of MaxViT). No parameters."""

    keras_class: ClassVar[str] = "WindowPartition"
    auto_name: ClassVar[str] = "window_partition"

    size: int

    def resolve(self, shape: Shape) -> Resolution:
        if len(shape) != 3:
            raise RuleError(f"a window partition needs an H×W×C map, but it receives {describe(shape)}",
                            f"partition a map of rows, columns and channels, as in 'input 64x56x56 nchw, "
                            f"partition{self.size}'")
        height, width, channels = shape
        p = self.size
        if height % p or width % p:
            raise RuleError(f"{p}×{p} windows do not tile a {height}×{width} map",
                            f"the rows and columns must be multiples of {p}, as MaxViT requires")
        groups = (height // p) * (width // p)
        return Resolution((groups, p * p, channels), arithmetic=(
            ("output", f"{height // p}·{width // p} = {groups} windows of {p}·{p} = {p * p} tokens"),))


@record
class WindowDepartition(Layer):
    """``departition{GH}x{GW}``: GH·GW windows of P² tokens put back as a (GH·P)×(GW·P)×C map (torchvision's
    ``WindowDepartition``, with its h_partitions and w_partitions). No parameters."""

    keras_class: ClassVar[str] = "WindowDepartition"
    auto_name: ClassVar[str] = "window_departition"

    rows: int
    columns: int

    def resolve(self, shape: Shape) -> Resolution:
        if len(shape) != 3:
            raise RuleError(f"a window departition needs windows of tokens (G×P²×C), but it receives "
                            f"{describe(shape)}", "departition what a partition made, as in 'partition7, …, "
                            "departition8x8'")
        groups, tokens, channels = shape
        p = isqrt(tokens)
        if p * p != tokens or groups != self.rows * self.columns:
            raise RuleError(f"{groups} windows of {tokens} tokens are not {self.rows}×{self.columns} square windows",
                            f"give the windows along the rows and the columns, {self.rows}·{self.columns} = "
                            f"{groups} of them, each of a square number of tokens")
        return Resolution((self.rows * p, self.columns * p, channels), arithmetic=(
            ("output", f"{self.rows}×{self.columns} windows of {p}×{p}: {self.rows * p}×{self.columns * p}"),))


@record
class RelativeAttention(Layer):
    """``relmha{H}``: H heads of self-attention among the P² tokens of each window (the next-to-last axis of
    G×P²×C, every group on its own), with a learned (2P − 1)²·H table of relative position biases (torchvision's
    ``RelativePositionalMultiHeadAttention``, of MaxViT, which scales the keys by C^−½).

    Parameters: to_qkv C·3C + 3C, merge C·C + C, the table.  Buffer (PyTorch's conventions only): the relative
    position index, P⁴.  MACs: the two Linear layers at every token, and q·kᵀ and attention·v in every window."""

    keras_class: ClassVar[str] = "RelativePositionalMultiHeadAttention"
    auto_name: ClassVar[str] = "relative_positional_multi_head_attention"

    heads: int
    torch: bool = False

    def for_torch(self) -> Layer:
        return replace(self, torch=True)

    def resolve(self, shape: Shape) -> Resolution:
        if len(shape) < 2:
            raise RuleError(f"relative attention needs windows of tokens (G×P²×C), but it receives "
                            f"{describe(shape)}", "partition the map first, as in 'partition7, relmha2'")
        tokens, channels = shape[-2], shape[-1]
        side = isqrt(tokens)
        if side * side != tokens:
            raise RuleError(f"{tokens} tokens are no square window: the relative positions need P×P tokens",
                            "partition the map into square windows first (partition{P})")
        if channels % self.heads:
            raise RuleError(f"{self.heads} heads need channels divisible by {self.heads}, but the input has "
                            f"{channels}", "each head attends with C / heads channels")
        table = (2 * side - 1) ** 2 * self.heads
        weights, biases = 4 * channels * channels + table, 4 * channels
        positions = prod(shape[:-1])
        macs = 4 * positions * channels * channels + 2 * positions * tokens * channels
        arithmetic = (("params", f"to_qkv {channels}·{3 * channels} + {3 * channels}, merge {channels}·{channels} + "
                                 f"{channels}, bias table (2·{side} − 1)²·{self.heads} = {table:,}: "
                                 f"{weights + biases:,}"),
                      ("windows", f"{prod(shape[:-2]):,} windows of {side}×{side} tokens"))
        return Resolution(shape, Params(weights, biases, buffers=tokens * tokens if self.torch else 0),
                          arithmetic=arithmetic, macs=macs, bias_adds=positions * biases)
