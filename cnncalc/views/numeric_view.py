"""Rich grids for worked examples: the output map, and the input with one window highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..numeric.worked import Worked, explain, format_value

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = ["grid", "worked_renderable"]


#: The most rows and columns a grid draws; a bigger map is shown as a window onto it (JSON has it all).
GRID_LIMIT = 20


def _shown(size: int, focus: list[int]) -> range:
    """The GRID_LIMIT indices of an axis to draw: all of them, or a stretch around the focus."""
    if size <= GRID_LIMIT:
        return range(size)
    centre = (min(focus) + max(focus)) // 2 if focus else 0
    start = min(max(centre - GRID_LIMIT // 2, 0), size - GRID_LIMIT)
    return range(start, start + GRID_LIMIT)


def grid(values: Any, marks: set[tuple[int, int]] | None = None, style: str = "bold reverse") -> RenderableType:
    """A 2-D array as right-aligned columns; cells in ``marks`` are bracketed and styled.

    At most :data:`GRID_LIMIT` rows and columns are drawn, around the marked cells if any,
    with a line saying which part of the map is shown.
    """
    from rich.text import Text

    height, width_cells = values.shape[:2]
    rows = _shown(height, sorted({r for r, _ in marks}) if marks else [])
    cols = _shown(width_cells, sorted({c for _, c in marks}) if marks else [])
    cells = [[format_value(values[r, c]) for c in cols] for r in rows]
    width = max(len(cell) for row in cells for cell in row)
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


def _input_picture(worked: Worked, row: int, col: int) -> list[RenderableType]:
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
        parts.append(grid(worked.padded[:, :, c], marks))
    return parts


def worked_renderable(worked: Worked, title: str, cell: tuple[int, int] | None,
                      marks: set[tuple[int, int]] | None = None) -> RenderableType:
    """The title, the output grid, and for ``cell`` its arithmetic and its window in the input."""
    from rich.console import Group
    from rich.text import Text

    parts: list[RenderableType] = [Text(title, style="bold")]
    output = worked.output
    if output.ndim == 2:
        parts.append(grid(output, marks, style="bold red"))
    else:
        for c in range(output.shape[2]):
            parts += [Text(f"channel {c + 1}", style="dim"), grid(output[:, :, c])]
    if cell is not None:
        parts.append(Text(""))
        parts.append(Text("\n".join(explain(worked, *cell))))
        if worked.mode not in ("act", "dense"):  # a cell by cell step, or a unit that reads every input
            parts.append(Text(""))
            parts += _input_picture(worked, *cell)
    return Group(*parts)
