"""The summary as rich draws it: Keras 3's boxed table within the console's width, or, when even narrowed it would
not fit, one block of "field  value" lines per layer (the stacked layout, which the streamed lines share)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..analysis.pipeline import NO_ANALYSIS, Analysis
from ..graph.network import Network
from .cells import WARNING_MARK, column_title, table_cells
from .fit import column_widths, fill_lines, fit_widths
from .footer import cost_lines, totals_lines
from .units import readable_size

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..numeric.twins import ForwardPass

__all__ = ["stacked_parts", "table"]


def table(net: Network, explain: bool = False, checked: ForwardPass | None = None,
          analysis: Analysis = NO_ANALYSIS, width: int | None = None, depth: int = 0) -> RenderableType:
    """The summary as Keras 3 draws it: heavy head, a rule between rows, totals below.

    In a console ``width`` columns wide, the names (and a graph's "Connected to" lists) are broken between
    words to make room, each input of a merge on a line of its own; when the table would still need more than
    ``width`` columns, each layer becomes a block of "field  value" lines instead (as ``git log --stat`` and
    torchinfo's row settings do), so no number, shape or header is ever cut or folded.  ``depth`` above 1 shows
    the rows of a known network standing as an item under its row (:mod:`~cnncalc.analysis.nesting`).
    """
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    titles, rows = table_cells(net, explain, checked, analysis, depth)
    size = analysis.bytes_per_value
    footer = Text("\n").join(
        [Text.assemble((f" {label}: ", "bold"), (f"{count:,}", "cyan"), f" ({readable_size(count, size)})")
         for label, count in totals_lines(net)] + [Text(line) for line in fill_lines(cost_lines(net, analysis), width)]
    )
    head = [] if net.graph else [Text(f"Input: {net.shape_text(net.input_shape, analysis.batch)}")]
    linked = 3 if net.graph else None
    widths = column_widths(titles, rows, linked)
    if width is not None:
        fitted = fit_widths(widths, titles, rows, linked, width - (3 * len(widths) + 1))
        if fitted is None:
            return Group(*head, _stacked(titles, rows, net, width), footer)
        widths = fitted
        if linked is not None:  # a merge's inputs one to a line when the whole list does not fit
            for cells in rows:
                if len(cells[linked]) > widths[linked]:
                    cells[linked] = cells[linked].replace(", ", ",\n")
    grid = Table(box=box.HEAVY_HEAD, show_lines=True)
    numeric = ("Param #", *(column_title(c, analysis) for c in ("macs", "flops", "memory")))
    for number, title in enumerate(titles):
        grid.add_column(title, justify="right" if title in numeric else "left", overflow="fold",
                        width=widths[number] if width is not None else None)
    warned = [False] * net.graph + [WARNING_MARK in cells[1] for cells in rows[net.graph:]]
    for cells, warning in zip(rows, warned):
        styles = ["yellow" if warning and column == 1 else "" for column in range(len(cells))]
        if checked is not None and cells[-1]:
            styles[-1] = "green" if cells[-1] == "✓" else "bold red"
        grid.add_row(*(Text(cell, style=style) for cell, style in zip(cells, styles)))
    return Group(*head, grid, footer)


def _stacked(titles: list[str], rows: list[list[str]], net: Network, width: int) -> RenderableType:
    """One block per layer: its name, then one 'field  value' line per column (the value on a line of its
    own when the console is too narrow for both)."""
    from rich.text import Text

    return Text("\n").join(Text.assemble(*parts) for parts in stacked_parts(titles, rows, net, width))


def stacked_parts(titles: list[str], rows: list[list[str]], net: Network,
                   width: int) -> Iterator[list[tuple[str, str]]]:
    """The stacked layout's lines, each as (text, style) parts: what :func:`_stacked` draws and
    :func:`~cnncalc.views.streaming.streamed_lines` writes plain."""
    labels = [title.replace("\n", " ") for title in titles[1:]]
    pad = max(len(label) for label in labels) + 2
    first = 0 if net.graph else 1
    for number, cells in enumerate(rows, start=first):
        head, *explained = cells[0].split("\n")
        yield [(f"{number:>3}  ", "dim"), (head, "bold")]
        for line in explained:
            yield [(f"       {line.strip()}", "dim")]
        for label, cell in zip(labels, cells[1:]):
            if cell and 5 + pad + len(cell) <= width:
                yield [(f"     {label:<{pad}}{cell}", "")]
            elif cell:
                yield [(f"     {label}", "")]
                yield [(f"       {cell}", "")]
        yield [("", "")]

