"""A PyTorch tensor's sizes read while the code builds the graph, as U-Nets compute their padding:
``diffY = x2.size()[2] - x1.size()[2]``. ``x.size(2)``, ``x.shape[2]`` and ``x.size()[2]`` stay a
:class:`~.torch_global.SpatialSize` until a number is needed (arithmetic, a comparison): the graph is built in order,
so the tensor's shape is the one the graph made so far resolves to, from --input. ``x.shape[2:]`` and ``b, c, h, w
= x.size()`` need every size at once, so they are resolved where they are read. ``x.size(0)`` stays the batch."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .keras_shapes import graph_shape
from .torch_global import SpatialSize
from .values import BatchSize, Tensor, _Shape

if TYPE_CHECKING:
    from .calls import Interpreter


def torch_shape(interpreter: Interpreter, tensor: Tensor, node: ast.AST) -> tuple[Any, ...]:
    """The tensor's shape as PyTorch gives it, (batch, channels, height, width) or (batch, features): the batch as
    :class:`BatchSize`, the rest as the graph built so far resolves it (channels last) moved to PyTorch's order."""
    shape = graph_shape(interpreter, tensor, node, "torch")
    if len(shape) not in (1, 2, 3):
        raise interpreter.error(node, f"a size of a tensor of {len(shape) + 1} axes, which cnncalc does not read",
                                "write the size as a number")
    return (BatchSize(), shape[-1], *shape[:-1])


def size_of(interpreter: Interpreter, size: SpatialSize, node: ast.AST) -> Any:
    """``x.size(axis)`` as a number (the batch stays :class:`BatchSize`)."""
    sizes = torch_shape(interpreter, size.tensor, node)
    if not -len(sizes) <= size.axis < len(sizes):
        raise interpreter.error(node, f"a tensor of {len(sizes)} axes has no axis {size.axis}")
    return sizes[size.axis]


def known(interpreter: Interpreter, value: Any, node: ast.AST) -> Any:
    """The value, a tensor's size resolved to its number where arithmetic or a comparison needs it."""
    return size_of(interpreter, value, node) if isinstance(value, SpatialSize) else value


def shape_part(interpreter: Interpreter, shape: _Shape, index: Any, node: ast.AST) -> Any:
    """``x.shape[i]`` or ``x.size()[a:b]`` of a PyTorch tensor: the batch for 0, a size kept lazy for another axis,
    a tuple of sizes for a slice."""
    if isinstance(index, slice):
        return torch_shape(interpreter, shape.tensor, node)[index]
    if not isinstance(index, int) or isinstance(index, bool):
        raise interpreter.error(node, "a tensor's shape indexed by something that is not a whole number")
    return BatchSize() if index == 0 else SpatialSize(shape.tensor, index, node)


def squeezed(tensor: Tensor, dim: Any, interpreter: Interpreter, node: ast.AST) -> None:
    """``x.squeeze(dim)`` on an axis whose size is not 1 leaves the tensor as it is (no row); one that removes an axis
    gives a shape cnncalc's layers do not (the discriminator's [N, 1] squeezed to [N]), and is refused."""
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise interpreter.error(node, "a squeeze without one axis, which removes every axis of size 1 (the batch "
                                "too, when it is 1)", "write x.squeeze(dim) on one axis, or write the model as a spec")
    sizes = torch_shape(interpreter, tensor, node)
    if not -len(sizes) <= dim < len(sizes):
        raise interpreter.error(node, f"a tensor of {len(sizes)} axes has no axis {dim}")
    if sizes[dim] == 1 or isinstance(sizes[dim], BatchSize):  # the batch, 1 as torchinfo runs the model
        shown = [1 if isinstance(size, BatchSize) else size for size in sizes]
        raise interpreter.error(node, f"a squeeze of axis {dim} of a {shown} tensor, which removes it: cnncalc's "
                                "layers do not give that shape", "leave the squeeze out of the summarised model, or "
                                "write the model as a spec")
