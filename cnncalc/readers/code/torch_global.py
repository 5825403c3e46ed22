"""A tensor's size read in forward() (``x.size(2)``), kept until a number is needed (a pool's window, as
squeeze-and-excitation blocks write ``F.avg_pool2d(out, out.size(2))``, is read as that number); and ``x.mean((2, 3))``
and ``x.amax((2, 3))``, the global pools as functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .values import Tensor, Unknown

if TYPE_CHECKING:
    import ast

    from .calls import Interpreter


class SpatialSize(Unknown):
    """``x.size(2)``, ``x.size(1)`` or ``x.shape[2]``: a size of a tensor other than its batch, resolved from the
    graph built so far where a number is needed (.torch_sizes); a pool whose window it is reads it as the map's."""

    def __init__(self, tensor: Tensor, axis: int, node: Any) -> None:
        super().__init__("a tensor's size", node)
        self.tensor, self.axis = tensor, axis


def map_reduction(name: str, dims: Any, keepdim: Any, interpreter: Interpreter, node: ast.AST) -> str:
    """``x.mean((2, 3))`` as ``gap``, ``x.amax((2, 3))`` as ``gmp`` (``keepdims`` with keepdim=True)."""
    if isinstance(dims, (tuple, list)) and all(type(d) is int for d in dims) and sorted(dims) in ([2, 3], [-2, -1]):
        word = "gap" if name == "mean" else "gmp"
        return f"{word} keepdims" if keepdim else word
    raise interpreter.error(node, f"a{'n' * (name == 'amax')} {name} over other axes than the spatial ones (2, 3)")
