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

__all__ = ["MOST_PATCHES", "caption", "field_line", "patch", "runs"]

#: the most patches drawn on one face (a dilated or gappy field's runs of rows times runs of columns); past it, one
#: lighter patch spans them and the label says how many rows and columns are read
MOST_PATCHES = 256


def runs(values: tuple[int, ...]) -> list[tuple[int, int]]:
    """Sorted positions as runs of neighbours: first and last of each.

    >>> runs((1, 2, 3, 5, 7, 8))
    [(1, 3), (5, 5), (7, 8)]
    """
    if values and values[-1] - values[0] + 1 == len(values):  # one run, as most fields are
        return [(values[0], values[-1])]
    found: list[tuple[int, int]] = []
    for value in values:
        if found and value == found[-1][1] + 1:
            found[-1] = (found[-1][0], value)
        else:
            found.append((value, value))
    return found


def _span(values: tuple[int, ...]) -> str:
    """``3–8``, ``3`` for one row, ``1–9 (3 of 9)`` where rows between are left out."""
    first, last = values[0], values[-1]
    if first == last:
        return f"{first}"
    whole = last - first + 1
    return f"{first}–{last}" if len(values) == whole else f"{first}–{last} ({len(values)} of {whole})"


def field_line(field: CellField, place: int) -> str:
    """The line under the label of the input (``place`` 0) or a layer: the cell itself, or the rows and columns
    of its map the cell reads.

    >>> from cnncalc.analysis.cell_field import CellField
    >>> field = CellField(2, 1, 2, (((2, 4, 6), (4, 5, 6, 7)), ((2, 3), (4, 5)), ((1,), (2,))), (2, 6, 4, 7))
    >>> field_line(field, 2), field_line(field, 1), field_line(field, 0)
    ('cell 1,2', 'rows 2–3, cols 4–5', 'rows 2–6 (3 of 5), cols 4–7')
    """
    region = field.regions[place]
    if place == field.target:
        return f"cell {field.row},{field.col}"
    if region is None:
        return "reads only padding"
    return f"rows {_span(region[0])}, cols {_span(region[1])}"


def caption(net: Network, field: CellField) -> str:
    """What the picture shows: the field's size and which input rows and columns it reads (and whether it reaches
    into padding)."""
    name = net.layers[field.target - 1].name
    head = f"Receptive field of {name}'s cell {field.row},{field.col}: {field.size[0]}×{field.size[1]}"
    region = field.regions[0]
    if region is None:
        return f"{head}; it reads only padding"
    height, width = net.input_shape[:2]
    first_row, last_row, first_col, last_col = field.reach
    padding = first_row < 0 or first_col < 0 or last_row >= height or last_col >= width  # type: ignore[operator]
    reads = f"{head}; it reads input rows {_span(region[0])}, cols {_span(region[1])}"
    return f"{reads}, and reaches into the padding" if padding else reads


def patch(left: float, bottom: float, box: tuple[float, float, float], marked: tuple[object, ...]) -> str:
    """The highlighted rows and columns on the H×W face (the box's side) of a box drawn by the volumes' cuboid:
    one patch per run of rows and run of columns."""
    height, width, region = marked
    if region is None or not isinstance(height, int) or not isinstance(width, int):
        return ""
    thick, high, deep = box
    rows, cols = region  # type: ignore[misc]
    top = bottom - high
    dx, dy = deep * 0.8, deep * 0.6

    def at(col: float, row: float) -> str:
        across, down = col / width, row / height
        return f"{number(left + thick + across * dx)},{number(top + down * high - across * dy)}"

    row_runs, col_runs = runs(rows), runs(cols)
    css = "field"
    if len(row_runs) * len(col_runs) > MOST_PATCHES:  # one patch over them all, lighter: the label gives the count
        row_runs, col_runs, css = [(rows[0], rows[-1])], [(cols[0], cols[-1])], "field sparse"
    shapes = [f'<polygon points="{at(first_col, first_row)} {at(last_col + 1, first_row)} '
              f'{at(last_col + 1, last_row + 1)} {at(first_col, last_row + 1)}"/>'
              for first_row, last_row in row_runs for first_col, last_col in col_runs]
    return f'<g class="{css}" stroke-width="0.8">{"".join(shapes)}</g>'
