"""cnncalc's own conventions, which count conv and dense layers only.

``cnncalc``
    2 FLOPs per multiply-accumulate of conv and dense layers and of attention (its projections and its matrix
    products), plus one per bias addition; nothing else.
``macs``
    multiply-accumulates of conv and dense layers and of attention (its projections, Q·Kᵀ and the weighted sum of
    the values), bias excluded (torchvision's "GFLOPS" column).
"""

from __future__ import annotations

from .ops import Op

__all__ = ["cnncalc_rule", "macs_rule"]


_COUNTED = ("conv", "linear", "attention", "matmul")


def cnncalc_rule(op: Op, training: bool) -> tuple[int, str]:
    if op.kind not in _COUNTED:
        return 0, ""
    flops = 2 * op.macs + op.bias
    bias = f" + {op.bias:,} bias additions" if op.bias else ""
    return flops, f"2·{op.macs:,} MACs{bias} = {flops:,}"


def macs_rule(op: Op, training: bool) -> tuple[int, str]:
    if op.kind not in _COUNTED:
        return 0, ""
    return op.macs, f"{op.macs_text} = {op.macs:,}"
