"""The receptive field of one output cell, layer by layer: which rows and columns of every map of a chain the cell
at (row, col) of its last map reads, down to the input, as ``summary --rf ROW,COL`` draws it.

Each layer is followed backwards: output rows a..b of a window layer read the padded rows a·s .. b·s + k_eff − 1,
which are input rows a·s − p .. b·s − p + k_eff − 1 (p the padding before the axis, Keras' ``same`` split
included), kept to the rows the input has; padding shifts the rows by its top (left) side and cropping the other
way; a layer without windows that keeps the map's size reads the same rows. Rows and columns count from 0, as
``check-stride`` counts them. Where a dilated window skips rows, the rows given are the span from its first tap
to its last.

A layer whose units read no fixed window (upsampling, a transposed convolution, an adaptive pool, a reshape), a
known network drawn as one layer, and a network with branches are refused, never drawn approximately.

>>> from cnncalc.graph.network import build
>>> field = cell_field(build("input 8x8x1, conv4x3, maxpool2"), 1, 2)
>>> field.target, field.regions
(2, ((2, 5, 4, 7), (2, 3, 4, 5), (1, 1, 2, 2)))
>>> field.size
(4, 4)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import CnnCalcError, shorten
from ..model.layers import Cropping2D, ReflectionPadding2D, ReplicationPadding2D, ZeroPadding2D
from ..model.records import record
from .receptive import _UNDEFINED

if TYPE_CHECKING:
    from ..graph.network import Network, ResolvedLayer

__all__ = ["CellField", "cell_field", "parse_cell"]

#: rows first..last and columns first..last of one map, inclusive; None where the cell reads nothing of it
Region = tuple[int, int, int, int] | None


@record
class CellField:
    """The field of the cell at (``row``, ``col``) of layer ``target`` (1-based; 0 would be the input).

    ``regions`` holds, for the input and then each layer up to the target, the rows and columns of its map the cell
    reads. ``size`` is the field's height and width in input pixels counting the padding it reaches into (the
    receptive field's size, as the rf column gives it); the input's region is what of it lies in the input.
    """

    target: int
    row: int
    col: int
    regions: tuple[Region, ...]
    size: tuple[int, int]


def parse_cell(text: str) -> tuple[int, int]:
    """``ROW,COL`` as --rf takes it: two whole numbers from 0.

    >>> parse_cell("3,5"), parse_cell(" 0 , 12 ")
    ((3, 5), (0, 12))
    >>> parse_cell("3x5")
    Traceback (most recent call last):
    cnncalc.errors.CnnCalcError: --rf takes ROW,COL, two whole numbers from 0 such as 3,5; not '3x5'
    """
    parts = text.split(",")
    if len(parts) != 2 or not all(part.strip().isdigit() and len(part.strip()) <= 9 for part in parts):
        raise CnnCalcError(f"--rf takes ROW,COL, two whole numbers from 0 such as 3,5; not '{shorten(text)}'")
    return int(parts[0]), int(parts[1])


def _refuse(net: Network) -> None:
    if net.graph:
        raise CnnCalcError("--rf draws the receptive field on a chain's volumes, and this network has branches or "
                           "references", "give the chain alone, or use --columns rf for every layer's field")
    if net.symbolic:
        raise CnnCalcError("--rf needs numbers, and this input is written with names",
                           "give the sizes with --input, e.g. --input 28x28x3")
    if len(net.input_shape) != 3:
        raise CnnCalcError("--rf follows a cell of an image's map (an H×W×C input); this input is not one")


def cell_field(net: Network, row: int, col: int) -> CellField:
    """The field of the cell at (``row``, ``col``) of the chain's last map (its last layer with an H×W×C output)."""
    _refuse(net)
    maps = [place for place, layer in enumerate(net.layers, 1) if len(layer.output_shape) == 3]
    if not maps:
        raise CnnCalcError("--rf follows a cell of a map, and no layer of this network outputs one")
    target = maps[-1]
    height, width = net.layers[target - 1].output_shape[:2]
    if row >= height or col >= width:
        raise CnnCalcError(f"--rf {row},{col} is outside {net.layers[target - 1].name}'s {height}×{width} map",
                           f"rows count from 0 to {height - 1}, columns from 0 to {width - 1}")
    regions: list[Region] = [(row, row, col, col)]
    reach = [row, row, col, col]  # the same, padding not cut off: the receptive field's extent
    for layer in reversed(net.layers[:target]):
        region = regions[-1]
        before = _backwards(layer, region) if region is not None else None
        regions.append(before)
        reach = _reach(layer, reach)
    regions.reverse()
    return CellField(target, row, col, tuple(regions), (reach[1] - reach[0] + 1, reach[3] - reach[2] + 1))


def _windows(layer: ResolvedLayer) -> list[tuple[int, int, int]]:
    """Per axis (H, W): the stride, the padding before it and the effective kernel; a refusal where the layer reads
    no fixed window."""
    name, kind = layer.name, layer.keras_class
    if layer.inner is not None:
        raise CnnCalcError(f"--rf cannot follow a cell through {name}, a known network drawn as one layer")
    if kind in _UNDEFINED or len(layer.input_shape) != 3 or len(layer.output_shape) != 3:
        raise CnnCalcError(f"--rf cannot follow a cell through {name} ({kind}): its units read no fixed window of "
                           "its input")
    shifted = layer.layer
    if isinstance(shifted, (ZeroPadding2D, ReflectionPadding2D, ReplicationPadding2D)):
        return [(1, shifted.padding[0], 1), (1, shifted.padding[2], 1)]
    if isinstance(shifted, Cropping2D):
        return [(1, -shifted.cropping[0], 1), (1, -shifted.cropping[2], 1)]
    if len(layer.axes) == 2:
        return [(axis.stride, axis.pad_before, axis.span) for axis in layer.axes]
    if layer.axes or layer.input_shape[:2] != layer.output_shape[:2]:
        raise CnnCalcError(f"--rf cannot follow a cell through {name} ({kind}): it changes the map's size without "
                           "a window cnncalc follows")
    return [(1, 0, 1), (1, 0, 1)]


def _reach(layer: ResolvedLayer, reach: list[int]) -> list[int]:
    """The rows and columns of the layer's input its output rows and columns ``reach`` read, padding included."""
    out = []
    for axis, (stride, pad, span) in enumerate(_windows(layer)):
        first, last = reach[2 * axis : 2 * axis + 2]
        out += [first * stride - pad, last * stride - pad + span - 1]
    return out


def _backwards(layer: ResolvedLayer, region: tuple[int, int, int, int]) -> Region:
    """The rows and columns of the layer's input that its output ``region`` reads; None if only padding."""
    reached = _reach(layer, list(region))
    sizes = layer.input_shape[:2]
    cut = []
    for axis in (0, 1):
        first, last = max(reached[2 * axis], 0), min(reached[2 * axis + 1], sizes[axis] - 1)
        if first > last:
            return None
        cut += [first, last]
    return cut[0], cut[1], cut[2], cut[3]
