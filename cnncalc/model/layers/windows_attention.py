"""Layers of the windowed vision transformers, on an H×W×C token map (channels last): Swin's shifted-window
attention, with a learned table of relative position biases (v1) or a small network that computes them (v2), and
Swin's patch merging, which halves the map and doubles the channels."""

from __future__ import annotations

from math import ceil
from typing import ClassVar

from ..records import record, replace
from .base import Layer, Params, Resolution, RuleError, Shape, describe

#: the hidden width of Swin v2's continuous position bias network (torchvision's cpb_mlp: Linear(2, 512))
CPB_HIDDEN = 512


def _token_map(layer: Layer, shape: Shape, example: str) -> tuple[int, int, int]:
    """An H×W×C map of tokens, or the error that says which input the layer needs."""
    if len(shape) != 3:
        raise RuleError(f"{layer.keras_class} needs an H×W×C map of tokens, but it receives {describe(shape)}",
                        f"use it on a channels-last map, as Swin does after its patch embedding: {example}")
    return shape[0], shape[1], shape[2]


@record
class WindowAttention(Layer):
    """``windowattention{H}x{W}``: multi-head self-attention inside each W×W window of an H×W×C token map
    (torchvision's ``ShiftedWindowAttention``; ``shifted``: the windows moved by W // 2 first, with the mask that
    keeps a token to its own region; ``v2``: ``ShiftedWindowAttentionV2``).

    The map is padded at the bottom and right to whole windows.  Parameters: qkv C·3C + 3C, proj C·C + C, and
    v1's table of biases (2W − 1)²·heads, or v2's bias network (2·512 + 512, then 512·heads) and a logit scale per
    head.  Buffers (PyTorch's conventions only): the relative position index W⁴, and v2's table of coordinates
    (2W − 1)²·2.  MACs: the two projections at every token, and q·kᵀ and attention·v in every padded window."""

    keras_class: ClassVar[str] = "ShiftedWindowAttention"
    auto_name: ClassVar[str] = "shifted_window_attention"

    heads: int
    window: int
    shifted: bool = False
    v2: bool = False
    torch: bool = False

    @property
    def torch_class(self) -> str:
        return "ShiftedWindowAttentionV2" if self.v2 else "ShiftedWindowAttention"

    def for_torch(self) -> Layer:
        return replace(self, torch=True)

    def shift(self, height: int, width: int) -> tuple[int, int]:
        """The cyclic shift of each axis, as torchvision takes it: none where one window covers the padded axis."""
        w = self.window
        rows, columns = (0 if not self.shifted or w >= ceil(n / w) * w else w // 2 for n in (height, width))
        return rows, columns

    def resolve(self, shape: Shape) -> Resolution:
        height, width, channels = _token_map(self, shape, f"windowattention{self.heads}x{self.window}")
        heads, w = self.heads, self.window
        if channels % heads:
            raise RuleError(f"{heads} heads need channels divisible by {heads}, but the input has {channels}",
                            "each head attends with C / heads channels")
        table = (2 * w - 1) ** 2
        weights = 3 * channels * channels + channels * channels
        biases = 3 * channels + channels
        if self.v2:
            bias_net = 2 * CPB_HIDDEN + CPB_HIDDEN + CPB_HIDDEN * heads
            learned = (("bias network", f"Linear(2, {CPB_HIDDEN}) 2·{CPB_HIDDEN} + {CPB_HIDDEN}, "
                                        f"Linear({CPB_HIDDEN}, {heads}) {CPB_HIDDEN}·{heads}: {bias_net:,}"),
                       ("logit scale", f"one per head: {heads}"))
            extra, buffers = bias_net + heads, w ** 4 + 2 * table
        else:
            extra, buffers = table * heads, w ** 4
            learned = (("bias table", f"(2·{w} − 1)²·{heads} = {table * heads:,}"),)
        padded = ceil(height / w) * ceil(width / w) * w * w
        tokens = height * width
        macs = 4 * tokens * channels * channels + 2 * padded * w * w * channels
        if self.v2:
            macs += table * (2 * CPB_HIDDEN + CPB_HIDDEN * heads)
        total = weights + biases + extra
        arithmetic = (
            ("params", f"qkv {channels}·{3 * channels} + {3 * channels}, proj {channels}·{channels} + {channels}, "
                       f"{'bias network and logit scale' if self.v2 else 'bias table'} {extra:,} = {total:,}"),
            *learned,
            ("windows", f"{ceil(height / w)}·{ceil(width / w)} windows of {w}×{w}"
                        + (f", shifted by {self.shift(height, width)}" if self.shifted else "")),
        )
        return Resolution(shape, Params(weights + extra, biases, buffers=buffers if self.torch else 0),
                          arithmetic=arithmetic, macs=macs,
                          bias_adds=tokens * biases)


@record
class PatchMerging(Layer):
    """``patchmerging``: Swin's patch merging on an H×W×C token map: each 2×2 patch's four tokens side by side
    (4C, the map padded to even sizes first), then LayerNorm(4C) and Linear(4C, 2C, bias=False)
    (torchvision's ``PatchMerging``); ``v2``: the Linear first, then LayerNorm(2C) (``PatchMergingV2``)."""

    keras_class: ClassVar[str] = "PatchMerging"
    auto_name: ClassVar[str] = "patch_merging"

    v2: bool = False

    @property
    def torch_class(self) -> str:
        return "PatchMergingV2" if self.v2 else "PatchMerging"

    def resolve(self, shape: Shape) -> Resolution:
        height, width, channels = _token_map(self, shape, "patchmerging")
        out = (ceil(height / 2), ceil(width / 2), 2 * channels)
        linear = 4 * channels * 2 * channels
        norm = 2 * (2 * channels if self.v2 else 4 * channels)
        steps = (f"Linear {4 * channels}·{2 * channels} = {linear:,}, LayerNorm({2 * channels}) {norm:,}" if self.v2
                 else f"LayerNorm({4 * channels}) {norm:,}, Linear {4 * channels}·{2 * channels} = {linear:,}")
        arithmetic = (("output", f"⌈{height}/2⌉×⌈{width}/2⌉ patches of 4·{channels} = {4 * channels}, "
                                 f"to {2 * channels} channels"),
                      ("params", f"{steps}: {linear + norm:,}"))
        return Resolution(out, Params(linear + norm // 2, norm // 2), arithmetic=arithmetic,
                          macs=out[0] * out[1] * linear)
