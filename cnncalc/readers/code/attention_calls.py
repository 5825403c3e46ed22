"""A call of nn.MultiheadAttention as self-attention, ``x, _ = attn(x, x, x, need_weights=False)``: the spec's
``mha{H}`` (.torch_attention) on x, and the attention weights. Attention of one tensor over another and masks are
refused where the call is written."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .recognise import layer_item
from .records import Node
from .values import Layer, Tensor, Unknown

if TYPE_CHECKING:
    from .calls import Interpreter

#: what a call of nn.MultiheadAttention may be given beside its query, key and value, with the values read
_CALL_KEYWORDS = {"key_padding_mask": (None,), "need_weights": (True, False), "attn_mask": (None,),
                  "average_attn_weights": (True, False), "is_causal": (False,)}


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
    item, requires = layer_item(layer, interpreter)
    interpreter.nodes.append(Node("layer", [query.node], layer.node, item, layer, requires, node))
    attended = Tensor(len(interpreter.nodes) - 1)
    weights = None if extra.get("need_weights", True) is False else \
        Unknown("the attention weights of nn.MultiheadAttention", node)
    return attended, weights
