"""fvcore's convention: how fvcore 0.1.5's ``FlopCountAnalysis`` counts a module, the model in ``eval()``
(``training`` for ``train()``).

One per multiply-accumulate of conv (transposed too) and linear, no bias; batch norm 2 per value with affine
(1 without; 5 and 4 in training mode); layer, group and instance norm 5 per value (4 without affine);
``adaptive_avg_pool2d`` one per input value; nearest upsampling one per output value; every other operator (ReLU,
max and average pooling, ``+``, ``cat``, softmax) is skipped.  ``nn.MultiheadAttention`` counts its four projections
(``linear``, 4·L·D²); its ``scaled_dot_product_attention`` is an operator fvcore has no handle for, and skips.

fvcore traces ATen operators, so a function in ``forward()`` (a row written ``fn``) counts as its module does, the
module calling the same operator (``F.adaptive_avg_pool2d``, ``F.interpolate``, ``F.layer_norm``), except a global
pool written as a reduction: ``x.mean((2, 3))`` (``gap fn``) is ``aten::mean``, which fvcore skips, where
``nn.AdaptiveAvgPool2d(1)`` (``gap``) is ``aten::adaptive_avg_pool2d``.
"""

from __future__ import annotations

from .ops import Op, unpriced

__all__ = ["fvcore_rule"]


def fvcore_rule(op: Op, training: bool) -> tuple[int, str]:  # noqa: PLR0911 - one rule per kind
    unpriced(op, "fvcore")
    if op.function in ("x.mean", "x.amax"):  # aten::mean, aten::amax: no handle
        return 0, f"0 ({op.function}: aten::{op.function[2:]}, which fvcore skips)" \
            if op.function == "x.mean" and len(op.in_sizes) == 2 else ""
    if op.kind in ("conv", "linear"):
        return op.macs, f"{op.macs_text} = {op.macs:,} (no bias)"
    if op.kind == "attention":
        flops = 4 * op.positions * op.in_group * op.in_group
        return flops, (f"4·{op.positions:,}·{op.in_group}·{op.in_group} = {flops:,} (the projections; "
                       "scaled_dot_product_attention skipped)")
    if op.kind == "batch_norm":
        per = (5 if op.affine else 4) if training else (2 if op.affine else 1)
        mode = "training" if training else "eval"
        return per * op.inputs, f"{per}·{op.inputs:,} values ({mode}{', affine' if op.affine else ''})"
    if op.kind in ("layer_norm", "group_norm", "instance_norm"):
        per = 5 if op.affine else 4
        return per * op.inputs, f"{per}·{op.inputs:,} values"
    if op.kind == "adaptive_avg_pool" and len(op.in_sizes) == 2:
        return op.inputs, f"{op.inputs:,} input values (aten::adaptive_avg_pool2d)"
    if op.kind == "upsample":
        return op.outputs, f"{op.outputs:,} output values (nearest)"
    return 0, ""
