"""Renderers for a resolved network: a Keras-3-style table, JSON, Markdown and CSV, and the one function that
prints the summary to a console.

They are siblings over the same :class:`~cnncalc.graph.network.Network` and never recompute a
shape or a count: the table in :mod:`~cnncalc.views.table` (only it needs rich, and it imports it when called),
its cells in :mod:`~cnncalc.views.cells`, the lines under it in :mod:`~cnncalc.views.footer`, a table past
:data:`STREAM_ROWS` rows in :mod:`~cnncalc.views.streaming`, Markdown in :mod:`~cnncalc.views.markdown`, CSV in
:mod:`~cnncalc.views.csv_view`, JSON in :mod:`~cnncalc.views.json_view`; their names are importable from here too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..analysis.pipeline import NO_ANALYSIS, Analysis
from ..graph.network import Network, ResolvedLayer
from ..lazy import attribute
from ..model.layers import keras_shape
from .cells import (
    COLUMN_TITLES,
    FLOPS_TITLES,
    INPUT_ROW,
    NOTE_MARK,
    WARNING_MARK,
    as_drawn,
    check_cell,
    column_title,
    connected_to,
    cost_explanations,
    drawn_nested,
    explanation,
    extra_cells,
)
from .footer import by_op_lines, check_lines, cost_lines, findings_lines, totals_lines
from .streaming import STREAM_ROWS, grid_lines, stream_note, streamed_lines, write_lines
from .table import table
from .units import readable_bytes, readable_count, readable_size

if TYPE_CHECKING:
    from rich.console import Console

    from ..numeric.twins import ForwardPass

__all__ = ["COLUMN_TITLES", "FLOPS_TITLES", "INPUT_ROW", "NOTE_MARK", "STREAM_ROWS", "WARNING_MARK",
           "by_op_lines", "check_cell", "check_lines", "column_title", "connected_to", "cost_explanations",
           "cost_lines", "explanation", "extra_cells", "findings_lines", "grid_lines", "keras_shape", "print_table",
           "readable_bytes", "readable_count", "readable_size", "stream_note", "streamed_lines", "table",
           "totals_lines", "write_lines"]


#: the other forms' names, importable from here too: imported when first asked for (PEP 562), so that printing a
#: table loads neither the JSON, the Markdown nor the CSV writer
_OTHER_FORMS = {"CSV_FIELDS": "csv_view", "to_csv": "csv_view", "to_json": "json_view", "to_markdown": "markdown"}


def __getattr__(name: str) -> Any:
    return attribute(__package__, _OTHER_FORMS, name)


def print_table(console: Console, net: Network, explain: bool = False, checked: ForwardPass | None = None,
                analysis: Analysis = NO_ANALYSIS, depth: int = 0) -> None:
    """Print the table (stacked when the console is too narrow for it), its totals, the forward pass's verdict
    and the footnotes to a rich console; past :data:`STREAM_ROWS` rows, the table is streamed as plain lines.
    ``depth`` above 1 shows a known network's own rows under its row, down to that depth."""
    net = as_drawn(net, depth)
    rows = sum(_rows_within(layer, depth) for layer in net.layers) if drawn_nested(net, depth) else len(net.layers)
    if rows > STREAM_ROWS:
        write_lines(console, streamed_lines(net, explain, checked, analysis, console.width, depth))
    else:
        console.print(table(net, explain, checked, analysis, console.width, depth))
    notes = findings_lines(net)
    if checked is not None:
        notes = [*check_lines(net, checked), *notes]
    if notes:
        # Footnotes are sentences to read or grep whole: never wrapped or cropped.
        console.print("\n" + "\n".join(notes), soft_wrap=True, markup=False)



def _rows_within(layer: ResolvedLayer, depth: int) -> int:
    """The rows a layer takes when the rows of a known network are shown down to ``depth``."""
    if layer.inner is None or depth <= 1:
        return 1
    return 2 + sum(_rows_within(inner, depth - 1) for inner in layer.inner.layers)
