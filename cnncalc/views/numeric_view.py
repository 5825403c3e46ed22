"""Rich grids for worked examples: the output map, and the input with one window highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..numeric.worked import Worked, explain, format_value

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = ["grid", "worked_renderable"]


#: The most rows and columns a grid draws; a bigger map is shown as a window onto it (JSON has it all).
GRID_LIMIT = 20


def _shown(size: int, focus: list[int], limit: int = GRID_LIMIT) -> range:
    """The ``limit`` indices of an axis to draw: all of them, or a stretch around the focus."""
    if size <= limit:
        return range(size)
    centre = (min(focus) + max(focus)) // 2 if focus else 0
    start = min(max(centre - limit // 2, 0), size - limit)
    return range(start, start + limit)


def grid(values: Any, marks: set[tuple[int, int]] | None = None, style: str = "bold reverse",
         columns: int | None = None) -> RenderableType:
    """A 2-D array as right-aligned columns; cells in ``marks`` are bracketed and styled.

    At most :data:`GRID_LIMIT` rows and columns are drawn, and no more columns than fit a console ``columns``
    wide, around the marked cells if any, with a line saying which part of the map is shown.
    """
    from rich.text import Text

    height, width_cells = values.shape[:2]
    row_focus = sorted({r for r, _ in marks}) if marks else []
    col_focus = sorted({c for _, c in marks}) if marks else []
    rows, cols = _shown(height, row_focus), _shown(width_cells, col_focus)
    cells = [[format_value(values[r, c]) for c in cols] for r in rows]
    width = max(len(cell) for row in cells for cell in row)
    if columns is not None and len(cols) * (width + 2) > columns:  # a row must never wrap: fewer columns
        narrower = _shown(width_cells, col_focus, max(1, columns // (width + 2)))
        cells = [[row[cols.index(c)] for c in narrower] for row in cells]
        cols = narrower
    text = Text()
    if len(rows) < height or len(cols) < width_cells:
        text.append(f"(rows {rows.start + 1}–{rows.stop} of {height:,}, columns {cols.start + 1}–{cols.stop} of "
                    f"{width_cells:,}; --format json gives every cell)\n", style="dim")
    for i, r in enumerate(rows):
        for c, cell in zip(cols, cells[i]):
            if marks and (r, c) in marks:
                text.append(f"[{cell.rjust(width)}]", style=style)
            else:
                text.append(f" {cell.rjust(width)} ")
        if i < len(rows) - 1:
            text.append("\n")
    return text


def _input_picture(worked: Worked, row: int, col: int, columns: int | None) -> list[RenderableType]:
    from rich.text import Text

    rows, cols = worked.window(row, col)
    marks = {(r, c) for r in rows for c in cols}
    parts: list[RenderableType] = []
    channels = worked.padded.shape[2]
    for c in range(channels):
        title = "input" + (" (padded)" if worked.padded.shape[:2] != worked.output.shape[:2] and
                           any(a.pad_before or a.pad_after for a in worked.axes) else "")
        parts.append(Text(f"{title}{f', channel {c + 1}' if channels > 1 else ''}, window of result({row},{col}):",
                          style="dim"))
        parts.append(grid(worked.padded[:, :, c], marks, columns=columns))
    return parts


def worked_renderable(worked: Worked, title: str, cell: tuple[int, int] | None,
                      marks: set[tuple[int, int]] | None = None, columns: int | None = None) -> RenderableType:
    """The title, the output grid, and for ``cell`` its arithmetic and its window in the input; the grids show
    no more columns than fit a console ``columns`` wide."""
    from rich.console import Group
    from rich.text import Text

    parts: list[RenderableType] = [Text(title, style="bold")]
    output = worked.output
    if output.ndim == 2:
        parts.append(grid(output, marks, style="bold red", columns=columns))
    else:
        for c in range(output.shape[2]):
            parts += [Text(f"channel {c + 1}", style="dim"), grid(output[:, :, c], columns=columns)]
    if cell is not None:
        parts.append(Text(""))
        parts.append(Text("\n".join(explain(worked, *cell))))
        if worked.mode not in ("act", "dense"):  # a cell by cell step, or a unit that reads every input
            parts.append(Text(""))
            parts += _input_picture(worked, *cell, columns)
    return Group(*parts)
