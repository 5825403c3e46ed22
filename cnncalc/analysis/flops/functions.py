"""The function ``forward()`` calls for a row written ``fn``, which the conventions price instead of a module.

A row written ``fn`` is an operation of PyTorch's ``forward()`` with no module, and the tools see a function
otherwise than a module: thop sees none, ptflops only those it patches, fvcore the ATen operators they trace to.
Each row is the call cnncalc reads it from in model code (and ``--format pytorch`` writes, where it can): ``relu fn`` is
``F.relu``, ``maxpool3 s2 fn`` ``F.max_pool2d``, ``avgpool3 s1 p1 fn`` ``F.avg_pool2d``, ``adaptiveavgpool1 fn``
``F.adaptive_avg_pool2d(x, 1)``, ``gap fn`` ``x.mean((2, 3))`` (``gmp fn`` ``x.amax``), ``flatten fn``
``torch.flatten``, ``up2 fn`` ``F.interpolate``; a row with weights inside a module's block (ConvNeXt's
``layernorm fn``) the ``F.*`` function the module applies them with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer
    from .ops import Op

__all__ = ["called"]

#: torch.nn.functional's activation for each of the spec's words, as forward() calls it
_ACTIVATIONS = {"relu": "F.relu", "relu6": "F.relu6", "elu": "F.elu", "selu": "F.selu", "gelu": "F.gelu",
                "swish": "F.silu", "sigmoid": "torch.sigmoid", "tanh": "torch.tanh", "hardswish": "F.hardswish",
                "hardsigmoid": "F.hardsigmoid", "mish": "F.mish", "softmax": "F.softmax", "logsoftmax": "F.log_softmax",
                "leakyrelu": "F.leaky_relu", "prelu": "F.prelu"}
#: the function of the other kinds of operation (a norm's inside a module's block, which applies its weights)
_FUNCTIONS = {"batch_norm": "F.batch_norm", "layer_norm": "F.layer_norm", "group_norm": "F.group_norm",
              "instance_norm": "F.instance_norm", "lrn": "F.local_response_norm", "linear": "F.linear",
              "attention": "F.multi_head_attention_forward", "upsample": "F.interpolate"}


def called(layer: ResolvedLayer, op: Op) -> str:  # noqa: PLR0911 - one call per kind
    """The function forward() calls for ``op``, a part of ``layer``, a row written ``fn``: ``F.relu``, ``x.mean``."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    rank = len(layer.output_shape) - 1
    if op.kind == "activation":
        return _ACTIVATIONS.get(op.activation, f"F.{op.activation}")
    if op.kind in ("max_pool", "avg_pool"):
        return f"F.{op.kind}{rank}d"
    if op.kind in ("adaptive_avg_pool", "adaptive_max_pool"):
        if isinstance(r, L.GlobalPooling):  # gap fn, gmp fn: the reduction, x.mean((2, 3)) and x.amax((2, 3))
            return "x.mean" if op.kind == "adaptive_avg_pool" else "x.amax"
        return f"F.{op.kind}{len(op.in_sizes)}d"
    if op.kind == "conv":
        return f"F.conv{max(rank, 1)}d"
    if op.kind in _FUNCTIONS:
        return _FUNCTIONS[op.kind]
    if isinstance(r, L.Flatten):
        return "torch.flatten"
    if isinstance(r, L.Dropout):
        return "F.dropout"
    if isinstance(r, (L.ZeroPadding2D, L.Cropping2D)):
        return "F.pad"
    return op.label  # an operation on the tensor already (x[:, a:b], torch.cat, + …), or a module's arithmetic
