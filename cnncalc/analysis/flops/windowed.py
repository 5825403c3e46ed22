"""The modules and ``forward()`` operations of Swin's rows (shifted-window attention and patch merging) and of
MaxViT's relative attention.

torchvision's ``ShiftedWindowAttention`` applies its qkv and proj weights with ``F.linear`` and multiplies the
queries, keys and values of each padded window with ``@``; v2 also runs its position bias network (``cpb_mlp``, a
``Linear(2, 512)``, a ReLU and a ``Linear(512, heads)``) on the (2W − 1)² relative coordinates.  torchvision's
GFLOPS count all of these multiply-accumulates.  ``PatchMerging`` is a LayerNorm and a Linear.
"""

from __future__ import annotations

from math import ceil, prod
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer
    from .ops import Op

__all__ = ["windowed_modules"]


def windowed_modules(layer: ResolvedLayer, make: type[Op]) -> tuple[Op, ...]:
    """The operations of a window attention, patch merging or relative attention row (``make``: :class:`.ops.Op`,
    handed in by :func:`.ops.modules`, which imports this module)."""
    from ...model.layers import CPB_HIDDEN, PatchMerging, RelativeAttention

    r: Any = layer.layer
    ins, out = layer.input_shape, layer.output_shape
    c = ins[-1]
    if isinstance(r, RelativeAttention):  # MaxViT's: to_qkv and merge are modules, the products einsums
        tokens, window = prod(ins[:-1]), ins[-2]
        return (make("linear", "dense", "nn.Linear (to_qkv)", tokens * c, 3 * tokens * c, tokens * c * 3 * c,
                   3 * tokens * c, f"{tokens:,} tokens × {c}·{3 * c} MACs", c, 1, params=3 * c * c + 3 * c),
                make("matmul", "attention", "q·kᵀ, attention·v (torch.einsum)", 3 * tokens * c, tokens * c,
                   2 * tokens * window * c, 0, f"2 products × {tokens:,} tokens × {window}·{c} MACs"),
                make("linear", "dense", "nn.Linear (merge)", tokens * c, tokens * c, tokens * c * c, tokens * c,
                   f"{tokens:,} tokens × {c}·{c} MACs", c, 1, params=c * c + c))
    if isinstance(r, PatchMerging):
        positions = prod(out[:-1])
        linear = make("linear", "dense", "nn.Linear", positions * 4 * c, prod(out), positions * 4 * c * 2 * c, 0,
                    f"{positions:,} positions × {4 * c}·{2 * c} MACs", 4 * c, 1, params=8 * c * c)
        norm_width = 2 * c if r.v2 else 4 * c
        norm = make("layer_norm", "other", "nn.LayerNorm", positions * norm_width, positions * norm_width,
                  params=2 * norm_width)
        return (linear, norm) if r.v2 else (norm, linear)
    height, width = ins[0], ins[1]
    w, tokens = r.window, height * width
    padded = ceil(height / w) * ceil(width / w) * w * w
    ops: list[Op] = []
    if r.v2:
        table = (2 * w - 1) ** 2
        ops += [make("linear", "dense", "nn.Linear (cpb_mlp)", 2 * table, table * CPB_HIDDEN, table * 2 * CPB_HIDDEN,
                   table * CPB_HIDDEN, f"{table} coordinates × 2·{CPB_HIDDEN} MACs", 2, 1,
                   params=3 * CPB_HIDDEN),
                make("activation", "activation", "nn.ReLU", table * CPB_HIDDEN, table * CPB_HIDDEN, activation="relu",
                   features=CPB_HIDDEN),
                make("linear", "dense", "nn.Linear (cpb_mlp)", table * CPB_HIDDEN, table * r.heads,
                   table * CPB_HIDDEN * r.heads, 0, f"{table} coordinates × {CPB_HIDDEN}·{r.heads} MACs",
                   CPB_HIDDEN, 1, params=CPB_HIDDEN * r.heads)]
    ops += [make("linear", "dense", "F.linear (qkv)", tokens * c, 3 * tokens * c, tokens * c * 3 * c, 3 * tokens * c,
               f"{tokens:,} tokens × {c}·{3 * c} MACs", c, 1),
            make("matmul", "attention", "q @ kᵀ, attention @ v", 3 * padded * c, padded * c, 2 * padded * w * w * c, 0,
               f"2 products × {padded:,} padded tokens × {w}·{w}·{c} MACs"),
            make("linear", "dense", "F.linear (proj)", tokens * c, tokens * c, tokens * c * c, tokens * c,
               f"{tokens:,} tokens × {c}·{c} MACs", c, 1)]
    return tuple(ops)
