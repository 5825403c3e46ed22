"""PyTorch's resizing to a fixed size, ``F.interpolate(x, size=(H, W))`` and ``nn.Upsample(size=…)``: the spec's
``up`` takes whole factors, so a size is read when it is a whole multiple of the map that reaches it, which the
graph built so far gives (from --input); any other size is refused at its line."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .arguments import _axes, _shown
from .keras_shapes import graph_shape
from .values import Tensor

if TYPE_CHECKING:
    from .calls import Interpreter


def sized_up(interpreter: Interpreter, tensor: Any, size: Any, name: str, node: ast.AST) -> str:
    """``up{fh}x{fw}`` for a resize of the tensor's map to ``size``, a whole number or a pair of them."""
    sizes = tuple(size) if isinstance(size, (tuple, list)) else (size, size)
    if len(sizes) != 2 or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise interpreter.error(node, f"{name} to a size of {_shown(size)}, which is not a whole number or a pair "
                                "of them", "give size=(H, W), or scale_factor=2")
    if not isinstance(tensor, Tensor):
        raise interpreter.error(node, f"{name} of something that is not a tensor here")
    shape = graph_shape(interpreter, tensor, node, "torch")
    if len(shape) != 3:
        raise interpreter.error(node, f"{name} to a size of {_shown(size)} on a tensor that is not an image's")
    height, width = shape[0], shape[1]
    if sizes[0] % height or sizes[1] % width:
        raise interpreter.error(node, f"{name} of a {height}×{width} map to {sizes[0]}×{sizes[1]}, which is not a "
                                "whole multiple of it", "cnncalc's up takes whole factors: scale_factor=2 or (2, 3)")
    return f"up{_axes((sizes[0] // height, sizes[1] // width))}"
