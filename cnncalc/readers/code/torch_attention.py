"""PyTorch's nn.MultiheadAttention as the spec's ``mha{H}``: self-attention over tokens held batch first
(``nn.MultiheadAttention(D, H, batch_first=True)`` called as ``attn(x, x, x)``), which returns the attended tokens
and the attention weights (``x, _ = attn(x, x, x, need_weights=False)``). Anything else is refused where it is
written: attention of one tensor over another, masks, extra key and value biases, other key or value sizes, and
the sequence-first layout."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .arguments import Built, Requirement, _int
from .records import Node
from .values import Layer, Tensor, Unknown

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer
    from .calls import Interpreter

#: what a call of nn.MultiheadAttention may be given beside its query, key and value, with the values read
_CALL_KEYWORDS = {"key_padding_mask": (None,), "need_weights": (True, False), "attn_mask": (None,),
                  "average_attn_weights": (True, False), "is_causal": (False,)}


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


def attention_call(interpreter: Interpreter, layer: Layer, args: list[Any], kwargs: dict[str, Any],
                   node: ast.AST) -> tuple[Any, Any]:
    """``attn(x, x, x, need_weights=False)``: self-attention of x, the attended tokens and the weights (None
    when not asked for, else only known when the code runs)."""
    query = args[0] if args else kwargs.get("query")
    key = args[1] if len(args) > 1 else kwargs.get("key")
    value = args[2] if len(args) > 2 else kwargs.get("value")
    extra = dict(zip(("key_padding_mask", "need_weights", "attn_mask", "average_attn_weights", "is_causal"),
                     args[3:]))
    extra.update({k: v for k, v in kwargs.items() if k not in ("query", "key", "value")})
    if not isinstance(query, Tensor) or key is not query or value is not query:
        raise interpreter.error(node, "cnncalc reads nn.MultiheadAttention only as self-attention, called on the "
                                "same tensor three times (attn(x, x, x))", "write the model as a spec")
    for name, given in extra.items():
        if name not in _CALL_KEYWORDS or not any(given is allowed for allowed in _CALL_KEYWORDS[name]):
            shown = "a tensor" if isinstance(given, Tensor) else \
                repr(given)[:40] if isinstance(given, (bool, int, float, str, type(None))) else "a value"
            raise interpreter.error(node, f"nn.MultiheadAttention called with {name} {shown}",
                                    "cnncalc's mha attends every token to every token without masks: leave the "
                                    "mask out, or write the model as a spec")
    from .recognise import layer_item  # recognise reads every layer, this one through mha_item

    item, requires = layer_item(layer, interpreter)
    interpreter.nodes.append(Node("layer", [query.node], layer.node, item, layer, requires, node))
    attended = Tensor(len(interpreter.nodes) - 1)
    weights = None if extra.get("need_weights", True) is False else \
        Unknown("the attention weights of nn.MultiheadAttention", node)
    return attended, weights
