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
"""

from __future__ import annotations

from .ops import Op, unpriced

__all__ = ["ptflops_rule"]


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


def ptflops_rule(op: Op, training: bool) -> tuple[int, str]:  # noqa: PLR0911 - one rule per kind
    unpriced(op, "ptflops")
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
