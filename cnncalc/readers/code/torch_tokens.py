"""A patch embedding's map made tokens as timm and tutorial vision transformers write it: ``x.flatten(2)`` (the
N×C×H×W map as N×C×(H·W), the spec's ``reshape{C}x{H·W}``) and ``x.transpose(1, 2)`` (two axes swapped, the spec's
``permute``), both ``fn``."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .arguments import Built, Requirement
from .keras_shapes import graph_shape
from .values import Tensor

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer
    from .calls import Interpreter


def map_to_tokens(tensor: Tensor, interpreter: Interpreter, node: ast.AST) -> tuple[str, Requirement]:
    """``x.flatten(2)`` of an N×C×H×W map held channels first: ``reshape{C}x{H·W}``."""
    shape = graph_shape(interpreter, tensor, node, "torch")
    if len(shape) != 3:
        raise interpreter.error(node, f"x.flatten(2) of a tensor of {len(shape) + 1} axes: cnncalc reads it on an "
                                "N×C×H×W map only", "write the reshape as a spec's reshape layer")
    height, width, channels = shape

    def channels_first(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        if not resolved.inputs or resolved.inputs[0] not in built.tokens:
            return None
        return ("x.flatten(2) of a map held with its features last (after a permute)",
                "flatten the map before permuting it, or write the model as a spec")

    return f"reshape{channels}x{height * width}", channels_first


def swapped(tensor: Any, first: Any, second: Any, interpreter: Interpreter, node: ast.AST) -> list[Any]:
    """``x.transpose(1, 2)``: the order of the tensor's axes with the two swapped, as ``x.permute`` writes it."""
    if not isinstance(tensor, Tensor) or type(first) is not int or type(second) is not int:
        raise interpreter.error(node, "a transpose cnncalc reads swaps two axes given as whole numbers",
                                "write x.transpose(1, 2)")
    rank = len(graph_shape(interpreter, tensor, node, "torch")) + 1
    if not (-rank <= first < rank and -rank <= second < rank):
        raise interpreter.error(node, f"a tensor of {rank} axes has no axis {max(first, second, key=abs)}")
    dims = list(range(rank))
    dims[first % rank], dims[second % rank] = dims[second % rank], dims[first % rank]
    return dims
