"""PyTorch's nn.MultiheadAttention as the spec's ``mha{H}``: self-attention over tokens held batch first
(``nn.MultiheadAttention(D, H, batch_first=True)``; its call is read by .attention_calls). Extra key and value
biases, other key or value sizes and the sequence-first layout are refused where the layer is made."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .arguments import Built, Requirement, _int
from .values import Layer

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer
    from .calls import Interpreter


def mha_item(layer: Layer, interpreter: Interpreter) -> tuple[str, Requirement]:
    """nn.MultiheadAttention(D, H, dropout=…, bias=…, batch_first=True) as ``mha{H}`` (``nobias`` without biases)."""
    a = layer.arg
    dim = int(_int(a(0, "embed_dim"), "embed_dim", 1))
    heads = int(_int(a(1, "num_heads"), "num_heads", 1))
    if a(8, "batch_first", False) is not True:
        raise interpreter.error(layer.node, "an nn.MultiheadAttention without batch_first=True, which reads its "
                                "tokens sequence first (L×N×D)", "give it batch_first=True, as a vision transformer "
                                "does, or write the model as a spec")
    if a(4, "add_bias_kv", False) is not False or a(5, "add_zero_attn", False) is not False or \
            a(6, "kdim") not in (None, dim) or a(7, "vdim") not in (None, dim):
        raise interpreter.error(layer.node, "an nn.MultiheadAttention with add_bias_kv, add_zero_attn, or keys or "
                                "values of another size than its queries", "cnncalc's mha is self-attention with "
                                "the query, key, value and output projections only: write the model as a spec")
    if dim % heads:
        raise interpreter.error(layer.node, f"an nn.MultiheadAttention of {dim} features in {heads} heads, which "
                                "do not divide them", "PyTorch refuses it too: give a number of heads that divides "
                                "embed_dim")
    bias = a(3, "bias", True)

    def reads(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        held = bool(resolved.inputs) and resolved.inputs[0] in built.tokens
        if held and len(resolved.input_shape) == 2 and resolved.input_shape[1] == dim:
            return None
        text = built.net.shape_text(resolved.input_shape, tokens=held)
        return (f"nn.MultiheadAttention is written to read tokens of {dim} features, but the layer before gives "
                f"{text}", "give it N×L×D tokens of its embed_dim, or fix the layers before it")

    return f"mha{heads}" + ("" if bias else " nobias"), reads


def refuse_in_chain(interpreter: Interpreter, node: ast.AST) -> None:
    """nn.MultiheadAttention applied as a layer of a chain (in nn.Sequential): PyTorch calls it on one tensor, which
    fails (it takes the query, key and value, and returns a tuple)."""
    raise interpreter.error(node, "nn.MultiheadAttention applied to one tensor, as nn.Sequential applies its layers: "
                            "it takes a query, a key and a value and returns a tuple, so PyTorch fails here",
                            "call it in forward() as x, _ = self.attn(x, x, x), or write the model as a spec")
