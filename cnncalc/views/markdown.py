"""The summary as a GitHub Markdown table: the same columns, the totals and the footnotes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis.pipeline import NO_ANALYSIS, Analysis
from ..graph.network import Network
from .cells import (
    INPUT_ROW,
    as_drawn,
    check_cell,
    column_title,
    connected_to,
    drawn_nested,
    expanded_cells,
    extra_cells,
    name_cell,
    name_title,
    params_cell,
    shape_cell,
)
from .footer import check_lines, cost_lines, findings_lines, totals_lines
from .units import readable_size

if TYPE_CHECKING:
    from ..numeric.twins import ForwardPass

__all__ = ["to_markdown"]


def to_markdown(net: Network, checked: ForwardPass | None = None, analysis: Analysis = NO_ANALYSIS,
                depth: int = 0) -> str:
    """A GitHub table with the same columns, the totals and the footnotes; ``depth`` above 1 shows a known
    network's own rows under its row (numbered ``#`` only in the network's own rows), and a network whose rows are
    inside containers draws them so from depth 1 (:func:`.cells.as_drawn`)."""
    net = as_drawn(net, depth)
    columns = analysis.columns
    heads = [column_title(c, analysis).replace("\n", " ") for c in columns] + (["Check"] if checked is not None else [])
    numbers = [c in ("macs", "flops", "memory") for c in columns] + [False] * (checked is not None)
    extra = ("".join(f" {h} |" for h in heads), "".join("---:|" if n else "---|" for n in numbers))
    batch, title = analysis.batch, name_title(net)
    lines = [f"Input: `{net.shape_text(net.input_shape, batch)}`", "",
             f"| # | {title} | Output Shape | Param # |{extra[0]}", f"|---:|---|---|---:|{extra[1]}"]
    if net.graph:
        lines = [f"| # | {title} | Output Shape | Param # | Connected to |{extra[0]}",
                 f"|---:|---|---|---:|---|{extra[1]}",
                 f"| 0 | {INPUT_ROW[0]} | {net.shape_text(net.input_shape, batch)} | 0 | {INPUT_ROW[1]} |"
                 f"{' |' * len(heads)}"]
    extras = extra_cells(net, analysis)
    nested = drawn_nested(net, depth)
    if nested:
        lines += _expanded(net, analysis, depth)
    for number, layer in enumerate(net.layers if not nested else ()):
        cells = list(extras[number]) + ([check_cell(net, layer, checked.shapes[number])] if checked is not None
                                        else [])
        if net.graph:
            cells.insert(0, connected_to(layer))
        tail = "".join(f" {cell} |" for cell in cells)
        lines.append(f"| {layer.index} | {name_cell(net, layer)} | {shape_cell(net, layer, batch)} | "
                     f"{params_cell(net, layer)} |{tail}")
    lines.append("")
    lines += [f"**{label}:** {count:,} ({readable_size(count)})  " for label, count in totals_lines(net)]
    lines += [f"{line.strip()}  " for line in cost_lines(net, analysis)]
    notes = findings_lines(net)
    if checked is not None:
        notes = [*check_lines(net, checked), *notes]
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines)



def _expanded(net: Network, analysis: Analysis, depth: int) -> list[str]:
    """The expanded table's rows (:func:`~cnncalc.views.cells.expanded_cells`)."""
    from ..analysis.nesting import shown_rows

    rows = expanded_cells(net, analysis, depth)[net.graph:]
    numbers = [str(shown.layer.index) if shown.number is not None and shown.layer is not None else ""
               for shown in shown_rows(net, depth)]
    return [f"| {number} | " + " | ".join(cells) + " |" for number, cells in zip(numbers, rows)]
