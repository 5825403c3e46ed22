"""ptflops' convention: how ptflops 0.7.5's ``get_model_complexity_info`` counts a module (the default pytorch
backend).

First the module hooks: conv MACs plus one per output value for the bias; linear (in·out + out)·positions; ReLU,
PReLU, ELU, LeakyReLU, ReLU6, GELU one per output value; every pool one per *input* value; batch, instance and
group norm one per value, 2 with affine, layer norm one (its affine flag is ``elementwise_affine``, which the hook
does not read); upsampling one per output value.  Then the functional patches, which also run *inside* the
modules: ``nn.ReLU`` calls ``F.relu``, ``nn.MaxPool2d`` ``F.max_pool2d``, ``nn.Upsample`` ``F.interpolate``, so
those are counted twice; ``nn.Softmax`` and ``nn.SiLU`` have no hook and are counted once, by ``F.softmax`` and
``F.silu``; ``x + y`` is never counted.  ``nn.MultiheadAttention`` has a hook of its own (see :func:`_attention`).
ptflops itself always reports one input.

A row written ``fn`` has no module, so no hook: only the function's patch counts, if ptflops patches it (its
``FUNCTIONAL_MAPPING``): ``F.relu``, ``F.relu6``, ``F.elu``, ``F.gelu``, ``F.silu``, ``F.softmax`` and every
``F.*pool*d`` one per *input* value, ``F.interpolate`` one per output value.  ``x.mean``, ``x.amax``,
``torch.flatten``, ``F.leaky_relu``, ``torch.sigmoid``, ``F.pad``, ``F.layer_norm``, ``F.linear`` (whose patch is
commented out) and any other function count 0.
"""

from __future__ import annotations

from ...errors import CnnCalcError
from .ops import Op, unpriced

__all__ = ["ptflops_rule"]

#: the functions ptflops 0.7.5 patches that count one per input value (its FUNCTIONAL_MAPPING)
_PATCHED = frozenset({"F.relu", "F.prelu", "F.elu", "F.relu6", "F.gelu", "F.silu", "F.softmax",
                      *(f"F.{pool}{rank}d" for rank in (1, 2, 3)
                        for pool in ("max_pool", "avg_pool", "adaptive_avg_pool", "adaptive_max_pool"))})


_PTFLOPS_TWICE = {"relu", "prelu", "elu", "gelu"}  # a module hook and the F.* patch it calls
_PTFLOPS_ONCE = {"leakyrelu", "relu6"}  # a module hook; F.leaky_relu and F.hardtanh are not patched
_PTFLOPS_FUNCTIONAL = {"softmax", "swish"}  # no module hook; F.softmax and F.silu are patched


def _attention(op: Op) -> tuple[int, str]:
    """ptflops' multihead_attention_counter_hook on L tokens of D features, H heads: the query's scaling (L·D), the
    three input projections (3·L·D², and 3·L·D for their biases), per head Q·Kᵀ, the softmax and the weighted values
    (L·L·D/H + L·L + L·L·D/H), and the output projection, its bias always counted (L·D·(D + 1)).  The hook reads
    the module's positional inputs: torchvision's ViT passes ``query=``, ``key=``, ``value=`` by keyword, on which
    ptflops 0.7.5 fails and returns no count at all; this is its count of ``attn(x, x, x)``."""
    length, features, heads = op.positions, op.in_group, op.window
    bias = 3 * length * features if op.bias else 0
    head = length * length * (features // heads) * 2 + length * length
    flops = length * features + 3 * length * features * features + bias + heads * head + \
        length * features * (features + 1)
    return flops, (f"{length}·{features} + 3·{length}·{features}²{f' + 3·{length}·{features}' if bias else ''} + "
                   f"{heads}·({length}²·2·{features // heads} + {length}²) + {length}·{features}·{features + 1} = "
                   f"{flops:,} (its hook)")


def _function(op: Op) -> tuple[int, str]:
    """A function in forward(): counted by its patch only, if ptflops patches it."""
    if op.kind in ("attention", "matmul"):
        raise CnnCalcError(f"cnncalc does not count the ptflops FLOPs of {op.function} in forward() yet",
                           "write it as its module, or count its MACs with --flops-convention macs")
    if op.function in _PATCHED:
        return op.inputs, f"{op.inputs:,} input values ({op.function}'s patch; no module, no hook)"
    if op.function == "F.interpolate":
        return op.outputs, f"{op.outputs:,} output values (F.interpolate's patch; no module, no hook)"
    if op.kind == "lrn":  # its module has no hook: F.local_response_norm's inner calls, counted either way
        return _module_rule(op)
    # said where its module would count
    return 0, f"0 ({op.function} in forward(), which ptflops does not patch)" if _module_rule(op)[0] else ""


def ptflops_rule(op: Op, training: bool) -> tuple[int, str]:
    unpriced(op, "ptflops")
    return _function(op) if op.function else _module_rule(op)


def _module_rule(op: Op) -> tuple[int, str]:  # noqa: PLR0911 - one rule per kind
    if op.kind == "attention":
        return _attention(op)
    if op.kind in ("conv", "linear"):
        flops = op.macs + op.bias
        return flops, f"{op.macs_text}{f' + {op.bias:,} bias' if op.bias else ''} = {flops:,}"
    if op.kind == "activation":
        if op.activation in _PTFLOPS_TWICE:
            return 2 * op.outputs, f"2·{op.outputs:,} (the module's hook, then F.{op.activation}'s patch)"
        if op.activation in _PTFLOPS_ONCE or op.activation in _PTFLOPS_FUNCTIONAL:
            return op.outputs, f"{op.outputs:,} output values"
        return 0, ""
    if op.kind in ("max_pool", "avg_pool", "adaptive_avg_pool", "adaptive_max_pool"):
        return 2 * op.inputs, f"2·{op.inputs:,} input values (the module's hook, then the F.* patch)"
    if op.kind in ("batch_norm", "group_norm", "instance_norm"):
        per = 2 if op.affine else 1
        return per * op.inputs, f"{per}·{op.inputs:,} values"
    if op.kind == "layer_norm":
        return op.inputs, f"{op.inputs:,} values (LayerNorm's elementwise_affine is not read)"
    if op.kind == "upsample":
        return 2 * op.outputs, f"2·{op.outputs:,} output values (the module's hook, then F.interpolate's patch)"
    if op.kind == "lrn":  # F.local_response_norm: x.mul(x), F.avg_pool3d over it padded by size − 1 channels,
        padded = op.inputs // op.features * (op.features + op.size - 1)  # then .mul(alpha) and .add(k)
        flops = padded + 3 * op.inputs
        return flops, (f"{padded:,} (F.avg_pool3d over the squares, padded) + 3·{op.inputs:,} (Tensor.mul, .mul, "
                       f".add) = {flops:,}, all inside F.local_response_norm")
    return 0, ""
