"""thop's convention: how thop 0.1.1's ``profile`` counts a module: registered modules only.

Conv ``out values × in_channels/groups × kernel`` (for a transposed conv too, which is not its MACs), no bias;
linear in_features per output value; batch, layer and instance norm 2 per value, ×2 with affine; PReLU one per value
(``profile`` puts the model in ``eval()``, where its hook counts); softmax (3·features − 1) per vector; average
pooling one per output value; adaptive average pooling (kernel + 1) per output value; nearest upsampling one per
output value; ReLU, LeakyReLU, max pooling, dropout, padding and any module it has no rule for (GroupNorm,
Sigmoid, Flatten, MultiheadAttention) count 0, and functional calls (``F.relu``, ``+``) are never seen: a row
written ``fn`` counts 0, whatever its module would.
"""

from __future__ import annotations

from .ops import Op, unpriced

__all__ = ["thop_rule"]


def _thop_adaptive(op: Op) -> int:
    """thop's count_adap_avgpool, in its own float64 arithmetic: int((∏ in/out + 1) · output values)."""
    kernel = 1.0
    for n, out in zip(op.in_sizes, op.out_sizes):
        kernel *= n / out
    return int((kernel + 1) * op.outputs)


def thop_rule(op: Op, training: bool) -> tuple[int, str]:
    if not op.function:
        return _module_rule(op, training)
    # thop hooks registered modules: a function in forward() is never seen (said where its module would count)
    counted = op.kind == "resize_bilinear" or _module_rule(op, training)[0]
    return 0, f"0 ({op.function} in forward(): thop sees modules only)" if counted else ""


def _module_rule(op: Op, training: bool) -> tuple[int, str]:  # noqa: PLR0911 - one rule per kind
    unpriced(op, "thop")
    if op.kind == "conv":
        flops = op.outputs * op.in_group * op.window
        return flops, f"{op.outputs:,} output values × {op.in_group}·{op.window} = {flops:,}"
    if op.kind == "linear":
        return op.macs, f"{op.macs_text} = {op.macs:,}"
    if op.kind in ("batch_norm", "layer_norm", "instance_norm"):
        per = 4 if op.affine else 2
        return per * op.inputs, f"{per}·{op.inputs:,} values"
    if op.kind == "activation" and op.activation == "prelu":  # profile() runs the model in eval()
        return op.inputs, f"{op.inputs:,} values"
    if op.kind == "activation" and op.activation == "softmax":
        vectors = op.inputs // op.features
        flops = vectors * (3 * op.features - 1)
        return flops, f"{vectors:,} × (3·{op.features} − 1) = {flops:,}"
    if op.kind in ("avg_pool", "upsample"):
        return op.outputs, f"{op.outputs:,} output values"
    if op.kind == "adaptive_avg_pool":
        flops = _thop_adaptive(op)
        sizes = "·".join(f"{n}/{o}" for n, o in zip(op.in_sizes, op.out_sizes))
        return flops, f"({sizes} + 1)·{op.outputs:,} = {flops:,}"
    return 0, ""
