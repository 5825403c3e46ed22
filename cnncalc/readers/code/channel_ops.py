"""A tensor's channels taken apart and put back, as model code writes it: a slice of the channels (``x[:, :d]``,
``x[..., d:]``), ``torch.chunk``/``x.chunk`` and ``torch.split``/``x.split`` on dim 1 (each part a ``slice``), the
channel count ``x.size(1)`` (from the graph built so far, with --input), and ShuffleNet's channel shuffle,
``x.view(b, g, c // g, h, w)`` → ``transpose(1, 2)`` (or ``permute(0, 2, 1, 3, 4)``) → ``view(b, -1, h, w)`` (or
``flatten(1, 2)``), read as ``shuffle{g}``.  Anything else on a tensor's index or a 5-D view is refused at its
place."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ...errors import CnnCalcError
from .arguments import Built, Requirement, _shown
from .keras_shapes import graph_shape, keras_tensor
from .records import Node
from .token_weights import token_item
from .torch_global import SpatialSize
from .values import BatchSize, Tensor, Unknown

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer
    from .calls import Interpreter

#: what a function of this module gives back when the call is not one it reads: the caller goes on as before
NOT_MINE: Any = object()


class Grouped:
    """``x.view(b, g, c // g, h, w)``: the channels of ``tensor`` as ``groups`` groups, with the group axis and the
    axis within a group ``swapped`` once transposed; only viewing it back as ``x``'s shape gives a tensor."""

    def __init__(self, tensor: Tensor, groups: int, node: ast.AST, swapped: bool = False) -> None:
        self.tensor, self.groups, self.node, self.swapped = tensor, groups, node, swapped


_SHUFFLE_HINT = "cnncalc reads a 5-D view only as ShuffleNet's channel shuffle: x.view(b, g, c // g, h, w), " \
    "torch.transpose(x, 1, 2).contiguous(), x.view(b, -1, h, w); or write the block as a spec with shuffle{G}"


def _refuse(interpreter: Interpreter, node: ast.AST, what: str) -> CnnCalcError:
    return interpreter.error(node, f"cnncalc cannot follow {what} on a 5-D view of a tensor's channels",
                             _SHUFFLE_HINT)


def _torch_shape(interpreter: Interpreter, tensor: Tensor, node: ast.AST) -> tuple[int, ...] | None:
    """A PyTorch tensor's shape without the batch, channels last, from the graph built so far and --input; None
    when it cannot be known here (no --input, or a graph that does not build yet)."""
    if keras_tensor(interpreter, tensor):
        return None
    try:
        return graph_shape(interpreter, tensor, node, "torch")
    except CnnCalcError:
        return None


def channel_size(interpreter: Interpreter, tensor: Tensor, node: ast.AST) -> Any:
    """``x.size(1)``, ``x.shape[1]``: a PyTorch tensor's channels as a number, when the graph so far gives them
    (an image's or a volume's; a sequence's second axis may be its length), else a size only known at run time."""
    shape = _torch_shape(interpreter, tensor, node)
    if shape is None or len(shape) == 2:
        return Unknown("a tensor's size", node)
    return shape[-1]


def shape_values(interpreter: Interpreter, tensor: Tensor, count: int, node: ast.AST) -> list[Any] | None:
    """``b, c, h, w = x.size()`` of a PyTorch image tensor: the batch, the channels and the map's two sides; None when
    the tensor's shape is not known here or is not an image's of four axes."""
    shape = _torch_shape(interpreter, tensor, node)
    if shape is None or len(shape) != 3 or count != 4:
        return None
    return [BatchSize(), shape[-1], SpatialSize(tensor, 2, node), SpatialSize(tensor, 3, node)]


# ---- slices of the channels --------------------------------------------------------------------------------

def _bound(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _slice_word(part: slice) -> str:
    return f"slice{'' if part.start is None else part.start}:{'' if part.stop is None else part.stop}"


def _on_axis(axis: int, indices: int) -> Requirement:
    """A slice written on ``axis`` (with the batch) among ``indices`` indices must be on the channels."""
    def on_channels(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        net = built.net
        shape = resolved.input_shape
        rank = len(shape) + 1
        tokens = resolved.tokens or any(name in built.tokens for name in resolved.inputs)
        channels = 1 if net.torch and rank > 2 and not tokens else rank - 1  # PyTorch: N, C, …
        if indices <= rank and axis % rank == channels:
            return None
        return (f"a slice on axis {axis} of {net.shape_text(shape, tokens=tokens)}, which is not the channel axis "
                f"({channels})", "cnncalc's slice picks channels only: write the model as a spec")
    return on_channels


def _on_map(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
    """x[:, :, ::2, ::2] takes every other row and column of an image's map (N, C, H, W) only."""
    if built.net.torch and len(resolved.input_shape) == 3 and not resolved.tokens:
        return None
    return (f"x[:, :, ::2, ::2] of {built.net.shape_text(resolved.input_shape, tokens=resolved.tokens)}, "
            "which is not an image's map (N, C, H, W)", "write the model as a spec")


def tensor_item(interpreter: Interpreter, tensor: Tensor, index: Any, node: ast.AST) -> Tensor:
    """``x[:, a:b]``, ``x[:, a:b, :, :]`` (PyTorch) or ``x[..., a:b]`` (Keras): the channels a..b-1 as a spec's
    slice; any other index (the batch, the map, a step, a single channel) is refused here."""
    parts = index if isinstance(index, tuple) else (index,)
    full = slice(None)
    if parts == (full, full, slice(None, None, 2), slice(None, None, 2)) and not keras_tensor(interpreter, tensor):
        # every other row and column from the first: the values and the shape of a max pool of 1 with a stride of 2
        interpreter.nodes.append(Node("layer", [tensor.node], node, "pool1 s2 fn", requires=_on_map, applied=node))
        return Tensor(len(interpreter.nodes) - 1)
    if len(parts) == 2 and parts[0] == full and type(parts[1]) is int and not keras_tensor(interpreter, tensor) and \
            len(graph_shape(interpreter, tensor, node, "torch")) == 2:
        return token_item(interpreter, tensor, parts[1], node)  # x[:, 0] of N×L×D: a vision transformer's class token
    axis = None
    if len(parts) == 2 and parts[0] is Ellipsis and isinstance(parts[1], slice) and keras_tensor(interpreter, tensor):
        axis = -1  # Keras' channels are last; PyTorch's x[..., a:b] slices the width
    elif len(parts) >= 2 and parts[0] == full and isinstance(parts[1], slice) and all(p == full for p in parts[2:]):
        axis = 1
    else:
        trailing = next((i for i in range(len(parts) - 1, -1, -1) if parts[i] != full), -1)
        if trailing > 0 and isinstance(parts[trailing], slice) and all(p == full for p in parts[:trailing]):
            axis = trailing  # x[:, :, :, a:b]: the axis the resolved network must show as the channels
    part = parts[axis] if axis is not None else None
    if not isinstance(part, slice) or part.step is not None or not _bound(part.start) or not _bound(part.stop) or \
            part == full:
        raise interpreter.error(node, "cnncalc follows a part of a tensor only as a slice of its channels by whole "
                                "numbers: x[:, a:b] in PyTorch, x[..., a:b] in Keras",
                                "write this block as a spec, with slice{A}:{B} for the channels")
    requires = None if axis == -1 else _on_axis(axis, len(parts))
    word = _slice_word(part) + ("" if keras_tensor(interpreter, tensor) else " fn")  # PyTorch: no module, no row
    interpreter.nodes.append(Node("layer", [tensor.node], node, word, requires=requires, applied=node))
    return Tensor(len(interpreter.nodes) - 1)


def _dim(value: Any, interpreter: Interpreter, node: ast.AST, name: str) -> None:
    if value != 1 or isinstance(value, bool):
        raise interpreter.error(node, f"torch.{name} on dim {_shown(value)}: cnncalc splits the channels only (dim=1)",
                                "write this block as a spec, with slice{A}:{B} for the channels")


def _parts(interpreter: Interpreter, tensor: Tensor, sizes: list[int], node: ast.AST) -> tuple[Tensor, ...]:
    """The channels cut into parts of ``sizes``, each a slice from the same tensor."""
    interpreter.charge(len(sizes), node)  # torch.chunk(x, 10 ** 6, dim=1) is a million parts: within the budget
    tensors = []
    start = 0
    for size in sizes:
        word = f"slice{start or ''}:{start + size} fn"  # torch.chunk and torch.split: functions, without a module
        interpreter.nodes.append(Node("layer", [tensor.node], node, word, requires=_on_axis(1, 2), applied=node))
        tensors.append(Tensor(len(interpreter.nodes) - 1))
        start += size
    return tuple(tensors)


def _channels(interpreter: Interpreter, tensor: Tensor, name: str, node: ast.AST) -> int:
    shape = graph_shape(interpreter, tensor, node, "torch")  # refused, with the reason, when it cannot be known
    if len(shape) != 3:
        raise interpreter.error(node, f"torch.{name} of a tensor that is not an image's ({len(shape) + 1}-D)",
                                "write this block as a spec, with slice{A}:{B} for the channels")
    return shape[-1]


def split_call(interpreter: Interpreter, name: str, args: tuple[Any, ...], kwargs: dict[str, Any],
               node: ast.AST) -> Any:
    """``torch.chunk(x, n, dim=1)``, ``torch.split(x, [a, b], dim=1)``, ``torch.split(x, k, dim=1)`` as PyTorch cuts
    the channels: chunks of ⌈c / n⌉ (the last may be smaller, and there may be fewer than n), splits of the sizes
    given (which must add up to c) or of k each."""
    tensor = args[0]
    key, default = ("chunks", None) if name == "chunk" else ("split_size_or_sections", None)
    how = args[1] if len(args) > 1 else kwargs.get(key, kwargs.get("split_size", default))
    _dim(args[2] if len(args) > 2 else kwargs.get("dim", 0), interpreter, node, name)
    whole = isinstance(how, int) and not isinstance(how, bool) and how > 0
    if name == "split" and isinstance(how, (list, tuple)) and how and \
            all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in how):
        sizes = list(how)
        parts = _parts(interpreter, tensor, sizes, node)
        _require_sum(interpreter, parts, sum(sizes))
        return parts
    if not whole:
        raise interpreter.error(node, f"torch.{name} by {_shown(how)}, which is not a whole number of parts or a "
                                "list of sizes", "give the number of chunks, or the sizes as a list of whole numbers")
    channels = _channels(interpreter, tensor, name, node)
    step = -(-channels // how) if name == "chunk" else how
    sizes = [min(step, channels - start) for start in range(0, channels, step)]
    return _parts(interpreter, tensor, sizes, node)


def _require_sum(interpreter: Interpreter, parts: tuple[Tensor, ...], total: int) -> None:
    """torch.split by sizes that do not add up to the channels fails when it runs: so it does here."""
    last = interpreter.nodes[parts[-1].node]
    reads = last.requires

    def adds_up(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        failed = reads(resolved, built) if reads is not None else None
        if failed is not None or not resolved.input_shape or resolved.input_shape[-1] == total:
            return failed
        return (f"torch.split into sizes adding up to {total}, but the tensor has {resolved.input_shape[-1]} "
                "channels", "make the sizes add up to the channels")
    last.requires = adds_up


# ---- the channel shuffle --------------------------------------------------------------------------------

def _side(value: Any, tensor: Tensor, axis: int, size: int) -> bool:
    """A map side given as the tensor's own (``h`` of ``x.size()``) or as its number."""
    if isinstance(value, SpatialSize):
        return value.tensor.node == tensor.node and value.axis in (axis, axis - 4)
    return isinstance(value, int) and not isinstance(value, bool) and value == size


def _sizes(args: tuple[Any, ...]) -> list[Any]:
    return list(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else list(args)


def grouped_view(interpreter: Interpreter, tensor: Tensor, args: tuple[Any, ...], node: ast.AST) -> Any:
    """``x.view(b, g, c // g, h, w)`` of an image tensor: its channels in groups; NOT_MINE for any other view."""
    sizes = _sizes(args)
    if len(sizes) != 5 or not isinstance(sizes[0], BatchSize):
        return NOT_MINE
    shape = _torch_shape(interpreter, tensor, node)
    groups, per = sizes[1], sizes[2]
    if shape is None or len(shape) != 3 or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0
                                                   for v in (groups, per)):
        return NOT_MINE
    if groups * per != shape[-1] or not _side(sizes[3], tensor, 2, shape[0]) or \
            not _side(sizes[4], tensor, 3, shape[1]):
        return NOT_MINE
    return Grouped(tensor, groups, node)


def grouped_call(interpreter: Interpreter, name: str, grouped: Grouped, args: tuple[Any, ...],
                 kwargs: dict[str, Any], node: ast.AST) -> Any:
    """A method or torch function on the grouped view: a transpose of the two channel axes, contiguous(), and the
    view back to the tensor's shape, which is the shuffle; anything else is refused here."""
    if name in ("contiguous", "clone"):
        return grouped
    if name == "transpose" and sorted(a % 5 for a in args) == [1, 2] and len(args) == 2 and not kwargs:
        return Grouped(grouped.tensor, grouped.groups, node, not grouped.swapped)
    if name == "permute" and _sizes(args) == [0, 2, 1, 3, 4] and not kwargs:
        return Grouped(grouped.tensor, grouped.groups, node, not grouped.swapped)
    if name == "flatten" and _sizes(args) == [1, 2] and not kwargs and grouped.swapped:  # the same view back
        return _shuffled(interpreter, grouped, node)
    if name in ("view", "reshape") and not kwargs:
        sizes = _sizes(args)
        tensor = grouped.tensor
        shape = _torch_shape(interpreter, tensor, node)
        if shape is not None and len(sizes) == 4 and isinstance(sizes[0], BatchSize) and \
                (sizes[1] == -1 or sizes[1] == shape[-1]) and not isinstance(sizes[1], bool) and \
                _side(sizes[2], tensor, 2, shape[0]) and _side(sizes[3], tensor, 3, shape[1]):
            if not grouped.swapped:
                raise interpreter.error(node, "a 5-D view of the channels viewed back without a transpose: the "
                                        "same tensor, which cnncalc does not follow", _SHUFFLE_HINT)
            return _shuffled(interpreter, grouped, node)
    raise _refuse(interpreter, node, f"{name}()")


def _shuffled(interpreter: Interpreter, grouped: Grouped, node: ast.AST) -> Tensor:
    """The grouped view, transposed, back to the tensor's shape: the channel shuffle, a function of forward()."""
    interpreter.nodes.append(Node("layer", [grouped.tensor.node], node, f"shuffle{grouped.groups} fn", applied=node))
    return Tensor(len(interpreter.nodes) - 1)
