"""A summary past :data:`STREAM_ROWS` rows, streamed: plain fixed-width lines made one row at a time and written
straight to the console, with a note saying why."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..analysis.pipeline import NO_ANALYSIS, Analysis
from ..graph.network import Network
from .cells import column_title, table_cells
from .footer import cost_lines, totals_lines
from .table import stacked_parts
from .units import readable_size

if TYPE_CHECKING:
    from rich.console import Console

    from ..numeric.twins import ForwardPass

__all__ = ["STREAM_ROWS", "grid_lines", "stream_note", "streamed_lines", "write_lines"]


#: Past this many rows a table is streamed (:func:`streamed_lines`): rich lays a whole table out before it prints
#: its first line, which for 100,000 rows took 16 s and 400 MB.
STREAM_ROWS = 2_000


def stream_note(rows: int, what: str = "table") -> str:
    """The note under a streamed table, saying why it is drawn plain."""
    return (f"({rows:,} rows: printed as plain fixed-width lines, as every {what} of more than {STREAM_ROWS:,} rows "
            "is; --format json or csv gives the same rows as data)")


def grid_lines(titles: list[str], rows: list[list[str]], right: frozenset[int] = frozenset(),
               limit: int | None = None) -> Iterator[str]:
    """A table as plain fixed-width lines: the titles, a rule, then each row (a cell of several lines takes as
    many); the columns in ``right`` are right-aligned.  Each column is as wide as its widest line (at most
    ``limit``: a longer cell pushes the rest of its line on), so nothing is cut or folded, and nothing in a cell
    is read as markup."""
    # each column's lines joined: its widest line is one split of one string, and a cell of several lines shows
    # as more line breaks than the column has cells
    columns = ["\n".join((title, *column)) for title, column in zip(titles, zip(*rows) if rows else
                                                                       [()] * len(titles))]
    widths = [_widest(text) for text in columns]
    several = [number for number, text in enumerate(columns) if text.count("\n") > len(rows)]
    if limit is not None:
        widths = [min(width, limit) for width in widths]
    line = "  ".join(f"{{:{'>' if column in right else '<'}{width}}}" for column, width in enumerate(widths)).format

    def lines(cells: list[str]) -> Iterator[str]:
        split = [cell.split("\n") for cell in cells]
        for number in range(max(len(parts) for parts in split)):
            yield line(*(parts[number] if number < len(parts) else "" for parts in split)).rstrip()

    yield from lines(titles)
    yield "─" * (sum(widths) + 2 * (len(widths) - 1))
    for cells in rows:
        if several and "\n" in "".join(map(cells.__getitem__, several)):
            yield from lines(cells)
        else:  # most rows: one line, one format call
            yield line(*cells).rstrip()


def _widest(cell: str) -> int:
    """The length of a cell's longest line."""
    return len(cell) if "\n" not in cell else max(map(len, cell.split("\n")))


def streamed_lines(net: Network, explain: bool = False, checked: ForwardPass | None = None,
                   analysis: Analysis = NO_ANALYSIS, width: int = 100, depth: int = 0) -> Iterator[str]:
    """The summary as plain lines, made one row at a time: the table's columns in fixed widths (or, when they
    would not fit ``width``, the stacked blocks), the totals, and a note that says it is streamed; ``depth`` as
    :func:`~cnncalc.views.table.table` takes it."""
    titles, rows = table_cells(net, explain, checked, analysis, depth)
    if not net.graph:
        yield f"Input: {net.shape_text(net.input_shape, analysis.batch)}"
    numeric = ("Param #", *(column_title(c, analysis) for c in ("macs", "flops", "memory")))
    right = frozenset(number for number, title in enumerate(titles) if title in numeric)
    grid = grid_lines(titles, rows, right)
    header = next(grid)
    if len(header) <= width or width <= 0:
        yield header
        yield from grid
    else:
        yield from ("".join(text for text, _ in parts) for parts in stacked_parts(titles, rows, net, width))
    size = analysis.bytes_per_value
    yield from (f" {label}: {count:,} ({readable_size(count, size)})" for label, count in totals_lines(net))
    yield from cost_lines(net, analysis)
    yield stream_note(len(rows))


def write_lines(console: Console, lines: Iterable[str]) -> None:
    """Write plain lines straight to the console's stream, a thousand at a time: no layout and no markup, so a
    streamed table costs what its text costs."""
    out = console.file
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == 1000:
            out.write("\n".join(chunk) + "\n")
            chunk.clear()
    if chunk:
        out.write("\n".join(chunk) + "\n")

