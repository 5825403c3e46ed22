"""fvcore's convention: how fvcore 0.1.5's ``FlopCountAnalysis`` counts a module, the model in ``eval()``
(``training`` for ``train()``).

One per multiply-accumulate of conv (transposed too) and linear, no bias; batch norm 2 per value with affine
(1 without; 5 and 4 in training mode); layer, group and instance norm 5 per value (4 without affine);
``adaptive_avg_pool2d`` one per input value; nearest upsampling one per output value; every other operator (ReLU,
max and average pooling, ``+``, ``cat``, softmax) is skipped.  ``nn.MultiheadAttention`` counts its four projections
(``linear``, 4·L·D²); its ``scaled_dot_product_attention`` is an operator fvcore has no handle for, and skips.
"""

from __future__ import annotations

from .ops import Op, unpriced

__all__ = ["fvcore_rule"]


def fvcore_rule(op: Op, training: bool) -> tuple[int, str]:  # noqa: PLR0911 - one rule per kind
    unpriced(op, "fvcore")
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
