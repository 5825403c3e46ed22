"""``--rf ROW,COL`` on the volume picture: the rows and columns of each map that one cell of the last map reads,
as a patch on the box's H×W face and a line under its label, and a caption with the field at the input.

The face is drawn on the box's own scale: a patch covers the share of the face's height its rows are of the map's
height (and the same across), so that the field's growth from layer to layer reads as lecturers draw it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .svg import number

if TYPE_CHECKING:
    from ...analysis.cell_field import CellField
    from ...graph.network import Network

__all__ = ["caption", "field_line", "patch"]


def _span(first: int, last: int) -> str:
    """``3–8``, or ``3`` for one row."""
    return f"{first}" if first == last else f"{first}–{last}"


def field_line(field: CellField, place: int) -> str:
    """The line under the label of the input (``place`` 0) or a layer: the cell itself, or the rows and columns
    of its map the cell reads.

    >>> from cnncalc.analysis.cell_field import CellField
    >>> field = CellField(2, 1, 2, ((2, 5, 4, 7), (2, 3, 4, 5), (1, 1, 2, 2)), (4, 4))
    >>> field_line(field, 2), field_line(field, 0)
    ('cell 1,2', 'rows 2–5, cols 4–7')
    """
    region = field.regions[place]
    if place == field.target:
        return f"cell {field.row},{field.col}"
    if region is None:
        return "reads only padding"
    return f"rows {_span(region[0], region[1])}, cols {_span(region[2], region[3])}"


def caption(net: Network, field: CellField) -> str:
    """What the picture shows, with the field's size and where it falls in the input."""
    name = net.layers[field.target - 1].name
    head = f"Receptive field of {name}'s cell {field.row},{field.col}: {field.size[0]}×{field.size[1]}"
    region = field.regions[0]
    if region is None:
        return f"{head}, all of it padding"
    inside = (region[1] - region[0] + 1, region[3] - region[2] + 1)
    where = f"input rows {_span(region[0], region[1])}, cols {_span(region[2], region[3])}"
    if inside == field.size:
        return f"{head}, {where}"
    return f"{head}, of which {inside[0]}×{inside[1]} in the input ({where}), the rest padding"


def patch(left: float, bottom: float, box: tuple[float, float, float], marked: tuple[object, ...]) -> str:
    """The highlighted rows and columns on the H×W face (the box's side) of a box drawn by the volumes' cuboid."""
    height, width, region = marked
    if region is None or not isinstance(height, int) or not isinstance(width, int):
        return ""
    thick, high, deep = box
    first_row, last_row, first_col, last_col = region  # type: ignore[misc]
    top = bottom - high
    dx, dy = deep * 0.8, deep * 0.6

    def at(col: float, row: float) -> str:
        across, down = col / width, row / height
        return f"{number(left + thick + across * dx)},{number(top + down * high - across * dy)}"

    corners = [at(first_col, first_row), at(last_col + 1, first_row), at(last_col + 1, last_row + 1),
               at(first_col, last_row + 1)]
    return f'<polygon class="field" points="{" ".join(corners)}" stroke-width="0.8"/>'
