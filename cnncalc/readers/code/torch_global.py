"""A pool whose window is the tensor's own map, as squeeze-and-excitation blocks write it:
``F.avg_pool2d(out, out.size(2))`` is a global average pool keeping its 1×1 map, when the map is square; and
``x.mean((2, 3))`` and ``x.amax((2, 3))``, the global pools as functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .arguments import Built, Requirement
from .values import Tensor, Unknown

if TYPE_CHECKING:
    import ast

    from ...graph.network import ResolvedLayer
    from .calls import Interpreter


class SpatialSize(Unknown):
    """``x.size(2)``, ``x.size(1)`` or ``x.shape[2]``: a size of a tensor other than its batch, resolved from the
    graph built so far where a number is needed (.torch_sizes); a pool whose window it is reads it as the map's."""

    def __init__(self, tensor: Tensor, axis: int, node: Any) -> None:
        super().__init__("a tensor's size", node)
        self.tensor, self.axis = tensor, axis


def whole_map_pool(name: str, tensor: Tensor, size: Any, stride: Any, padding: Any,
                   ceil: Any) -> tuple[str, Requirement] | None:
    """F.avg_pool2d(x, x.size(2)) and F.max_pool2d(x, x.size(3)): a global pool with keepdims, required to be on a
    square map (on a 4×8 map PyTorch's window of 4 leaves 1×2); None when the window is not the tensor's own."""
    if not isinstance(size, SpatialSize) or size.axis not in (2, 3, -1, -2) or size.tensor.node != tensor.node or \
            stride not in (None, size) or padding not in (None, 0) or ceil:
        return None
    word = "gap keepdims" if name == "avg_pool2d" else "gmp keepdims"

    def square(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        shape = resolved.input_shape
        if len(shape) == 3 and shape[0] == shape[1]:
            return None
        return (f"{name} with a window of the map's size {size.axis} pools the whole map only when it is square, "
                f"and its input is {built.net.shape_text(shape)}", "write F.adaptive_avg_pool2d(x, 1)")

    return word, square


def map_reduction(name: str, dims: Any, keepdim: Any, interpreter: Interpreter, node: ast.AST) -> str:
    """``x.mean((2, 3))`` as ``gap``, ``x.amax((2, 3))`` as ``gmp`` (``keepdims`` with keepdim=True)."""
    if isinstance(dims, (tuple, list)) and all(type(d) is int for d in dims) and sorted(dims) in ([2, 3], [-2, -1]):
        word = "gap" if name == "mean" else "gmp"
        return f"{word} keepdims" if keepdim else word
    raise interpreter.error(node, f"a{'n' * (name == 'amax')} {name} over other axes than the spatial ones (2, 3)")
