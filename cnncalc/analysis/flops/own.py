"""cnncalc's own conventions, which count conv and dense layers only.

``cnncalc``
    2 FLOPs per multiply-accumulate of conv and dense layers (and of attention's matrix products), plus one per
    bias addition; nothing else.
``macs``
    multiply-accumulates of conv and dense layers (and of attention's matrix products) only, bias excluded
    (torchvision's "GFLOPS" column).
"""

from __future__ import annotations

from .ops import Op

__all__ = ["cnncalc_rule", "macs_rule"]


def cnncalc_rule(op: Op, training: bool) -> tuple[int, str]:
    if op.kind not in ("conv", "linear", "matmul"):
        return 0, ""
    flops = 2 * op.macs + op.bias
    bias = f" + {op.bias:,} bias additions" if op.bias else ""
    return flops, f"2·{op.macs:,} MACs{bias} = {flops:,}"


def macs_rule(op: Op, training: bool) -> tuple[int, str]:
    if op.kind not in ("conv", "linear", "matmul"):
        return 0, ""
    return op.macs, f"{op.macs_text} = {op.macs:,}"
