"""The summary as one self-contained HTML page: the table, the picture and the totals, its style inline and
nothing loaded from the network; :func:`html_fragment` is the same without the page around it, as a notebook
shows a summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis.pipeline import NO_ANALYSIS, Analysis
from ..graph.network import Network
from .cells import table_cells
from .footer import check_lines, cost_lines, findings_lines, totals_lines
from .picture import to_svg
from .picture.svg import escape
from .units import readable_size

if TYPE_CHECKING:
    from ..analysis.cell_field import CellField
    from ..numeric.twins import ForwardPass

__all__ = ["html_fragment", "to_html"]

STYLE = """
.cnncalc { font-family: system-ui, sans-serif; font-size: 14px; color: #222; }
.cnncalc table { border-collapse: collapse; margin: 0.5em 0; }
.cnncalc th, .cnncalc td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; white-space: pre; }
.cnncalc td.number { text-align: right; font-variant-numeric: tabular-nums; }
.cnncalc th { background: #f3f3f3; }
.cnncalc .picture { overflow: auto; max-height: 48em; border: 1px solid #eee; margin: 0.5em 0; }
.cnncalc .totals, .cnncalc .notes { margin: 0.3em 0; }
"""

#: the columns written as numbers, aligned right
NUMBERS = ("Param #", "MACs", "FLOPs", "Memory")


def html_fragment(net: Network, analysis: Analysis = NO_ANALYSIS, checked: ForwardPass | None = None,
                  field: CellField | None = None, fold: bool = False) -> str:
    """The table, the picture (with ``field``, one cell's receptive field on it) and the totals as one ``<div>``
    (its style inside it)."""
    titles, rows = table_cells(net, False, checked, analysis)
    numeric = [any(title.startswith(word) for word in NUMBERS) for title in titles]
    head = "".join(f"<th>{escape(title)}</th>" for title in titles)
    body = "\n".join("<tr>" + "".join(f'<td class="number">{escape(cell)}</td>' if number else
                                      f"<td>{escape(cell)}</td>" for cell, number in zip(cells, numeric)) + "</tr>"
                     for cells in rows)
    totals = "".join(f"<div>{escape(label)}: {count:,} ({escape(readable_size(count))})</div>"
                     for label, count in totals_lines(net))
    costs = "".join(f"<div>{escape(line.strip())}</div>" for line in cost_lines(net, analysis))
    notes = findings_lines(net)
    if checked is not None:
        notes = [*check_lines(net, checked), *notes]
    listed = f'<ul class="notes">{"".join(f"<li>{escape(note)}</li>" for note in notes)}</ul>' if notes else ""
    picture = to_svg(net, field, fold)
    return (f'<div class="cnncalc"><style>{STYLE}</style>\n'
            f"<div>Input: <code>{escape(net.shape_text(net.input_shape, analysis.batch))}</code></div>\n"
            f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"
            f'<div class="totals">{totals}{costs}</div>\n{listed}\n<div class="picture">\n{picture}</div>\n</div>')


def to_html(net: Network, checked: ForwardPass | None = None, analysis: Analysis = NO_ANALYSIS,
            field: CellField | None = None, fold: bool = False) -> str:
    """One whole page: :func:`html_fragment` with the page around it."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>cnncalc summary: {len(net.layers)} layers, {net.total_params:,} params</title>\n</head>\n"
            f"<body>\n{html_fragment(net, analysis, checked, field, fold)}\n</body>\n</html>")
