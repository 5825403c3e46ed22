"""The receptive field of one output cell, layer by layer: which rows and columns of every map of a chain the cell
at (row, col) of its last map reads, down to the input, as ``summary --rf ROW,COL`` draws it.

Each layer is followed backwards: output row o of a window layer reads the input rows o·s − p + t·d for its taps
t = 0..k − 1 (s its stride, d its dilation, p the padding before the axis, Keras' ``same`` split included) that
the input has, so that a dilated window, or a stride longer than the window, leaves rows out; padding shifts the
rows by its top (left) side and cropping the other way (a row of mirrored or repeated padding reads the input row
it copies); a layer without windows that keeps the map's size reads the same rows. The same for columns. Rows and
columns count from 0, as ``check-stride`` counts them.

A layer whose units read no fixed window (upsampling, a transposed convolution, an adaptive pool, a reshape, a
resize) or all of the map (group and instance normalisation), a known network drawn as one layer, and a network
with branches are refused, never drawn approximately.

>>> from cnncalc.graph.network import build
>>> field = cell_field(build("input 8x8x1, conv4x3, maxpool2"), 1, 2)
>>> field.target, field.regions
(2, (((2, 3, 4, 5), (4, 5, 6, 7)), ((2, 3), (4, 5)), ((1,), (2,))))
>>> field.reach, field.size
((2, 5, 4, 7), (4, 4))
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

#: the rows and the columns of one map the cell reads, in order; None where it reads nothing of it (padding only)
Region = tuple[tuple[int, ...], tuple[int, ...]] | None


@record
class CellField:
    """The field of the cell at (``row``, ``col``) of layer ``target`` (1-based; 0 would be the input).

    ``regions`` holds, for the input and then each layer up to the target, the rows and columns of its map the cell
    reads. ``reach`` is the first and last row, then column, of the input the field spans, the padding it reaches
    into counted (so outside the input there), and :attr:`size` its height and width: the receptive field's size,
    as the rf column gives it.
    """

    target: int
    row: int
    col: int
    regions: tuple[Region, ...]
    reach: tuple[int, int, int, int]

    @property
    def size(self) -> tuple[int, int]:
        return self.reach[1] - self.reach[0] + 1, self.reach[3] - self.reach[2] + 1


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
    regions: list[Region] = [((row,), (col,))]
    reach = [row, row, col, col]  # the first and last row and column, padding not cut off: the field's extent
    for layer in reversed(net.layers[:target]):
        steps = _steps(layer)
        region = regions[-1]
        regions.append(_backwards(layer, steps, region) if region is not None else None)
        reach = [bound for axis, (stride, pad, taps, _) in enumerate(steps)
                 for bound in (reach[2 * axis] * stride - pad + taps[0], reach[2 * axis + 1] * stride - pad + taps[-1])]
    regions.reverse()
    return CellField(target, row, col, tuple(regions), (reach[0], reach[1], reach[2], reach[3]))


#: per axis: the stride, the padding before the axis, the taps of a window (offsets from its start) and what a
#: padded position reads: "zeros" (nothing), "reflect" (the row mirrored about the edge) or "replicate" (the edge)
Step = tuple[int, int, tuple[int, ...], str]


def _steps(layer: ResolvedLayer) -> list[Step]:
    """Per axis (H, W), how the layer's output positions read its input; a refusal where they read no fixed
    window."""
    name, kind = layer.name, layer.keras_class
    if layer.inner is not None:
        raise CnnCalcError(f"--rf cannot follow a cell through {name}, a known network drawn as one layer")
    if kind in _UNDEFINED or kind == "Resizing" or len(layer.input_shape) != 3 or len(layer.output_shape) != 3:
        raise CnnCalcError(f"--rf cannot follow a cell through {name} ({kind}): its units read no fixed window of "
                           "its input")
    if kind == "GroupNormalization":
        raise CnnCalcError(f"--rf cannot follow a cell through {name} ({kind}): it normalises each group over the "
                           "whole map, so every cell reads all of it")
    shifted = layer.layer
    if isinstance(shifted, (ZeroPadding2D, ReflectionPadding2D, ReplicationPadding2D)):
        fill = ("reflect" if isinstance(shifted, ReflectionPadding2D) else
                "replicate" if isinstance(shifted, ReplicationPadding2D) else "zeros")
        return [(1, shifted.padding[0], (0,), fill), (1, shifted.padding[2], (0,), fill)]
    if isinstance(shifted, Cropping2D):
        return [(1, -shifted.cropping[0], (0,), "zeros"), (1, -shifted.cropping[2], (0,), "zeros")]
    if len(layer.axes) == 2:
        return [(axis.stride, axis.pad_before, tuple(range(0, axis.span, axis.dilation)), "zeros")
                for axis in layer.axes]
    if layer.axes or layer.input_shape[:2] != layer.output_shape[:2]:
        raise CnnCalcError(f"--rf cannot follow a cell through {name} ({kind}): it changes the map's size without "
                           "a window cnncalc follows")
    return [(1, 0, (0,), "zeros"), (1, 0, (0,), "zeros")]


def _read(index: int, size: int, fill: str) -> int | None:
    """The input position a padded position ``index`` (in input coordinates) reads, None for a zero."""
    if 0 <= index < size:
        return index
    if fill == "replicate":
        return min(max(index, 0), size - 1)
    if fill == "reflect":  # each side less than the axis it pads: one reflection lands inside
        return -index if index < 0 else 2 * (size - 1) - index
    return None


def _backwards(layer: ResolvedLayer, steps: list[Step], region: tuple[tuple[int, ...], tuple[int, ...]]) -> Region:
    """The rows and columns of the layer's input that its output rows and columns ``region`` read; None if they
    read only zeros of the padding."""
    found = []
    for axis, (stride, pad, taps, fill) in enumerate(steps):
        size = layer.input_shape[axis]
        positions = region[axis]
        whole = len(positions) == positions[-1] - positions[0] + 1 and len(taps) == taps[-1] + 1 >= stride
        if whole and fill == "zeros":  # a run of windows without gaps reads a run of rows: no need to list them
            first, last = max(positions[0] * stride - pad, 0), min(positions[-1] * stride - pad + taps[-1], size - 1)
            if first > last:
                return None
            found.append(tuple(range(first, last + 1)))
            continue
        read = {_read(position * stride - pad + tap, size, fill) for position in positions for tap in taps}
        read.discard(None)
        if not read:
            return None
        found.append(tuple(sorted(read)))  # type: ignore[type-var]
    return found[0], found[1]
