"""The summary's cells, shared by the table, the streamed lines and the Markdown: each row's name, shape and
connections, the optional columns' titles and cells, and what --explain and --check add to a row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis.pipeline import Analysis
from ..graph.network import Network, ResolvedLayer
from .units import readable_bytes, readable_count

if TYPE_CHECKING:
    from ..numeric.twins import ForwardPass

__all__ = ["COLUMN_TITLES", "FLOPS_TITLES", "INPUT_ROW", "NOTE_MARK", "WARNING_MARK", "check_cell", "column_title",
           "connected_to", "cost_explanations", "expanded_cells", "explanation", "extra_cells", "name_cell",
           "name_title", "params_cell", "shape_cell", "table_cells", "trainable_cell"]

WARNING_MARK = "⚠"
NOTE_MARK = "ℹ"


def connected_to(layer: ResolvedLayer) -> str:
    """Keras 3's 'Connected to' cell: each input as name[node][tensor], which is [0][0] in a spec."""
    return ", ".join(f"{name}[0][0]" for name in layer.inputs)


INPUT_ROW = ("input_layer (InputLayer)", "-")


def name_cell(net: Network, layer: ResolvedLayer) -> str:
    """'conv2d (Conv2D)' as Keras labels a row, or 'Conv2d: 1-1' as torchinfo does."""
    return layer.name if net.torch else f"{layer.name} ({layer.keras_class})"


def name_title(net: Network) -> str:
    return "Layer (type:depth-idx)" if net.torch else "Layer (type)"


def shape_cell(net: Network, layer: ResolvedLayer, batch: int = 1) -> str:
    mark = f" {WARNING_MARK}" if layer.warnings else ""
    return net.shape_text(layer.output_shape, batch, layer.tokens) + mark


def explanation(layer: ResolvedLayer) -> list[str]:
    """The arithmetic behind a row: its output size per axis, then its parameter count."""
    lines = []
    if len(layer.axes) == 1:
        lines = [layer.axes[0].formula()]
    elif layer.axes:
        h, w = layer.axes
        lines = [h.formula()] if h == w else [f"H: {h.formula()}", f"W: {w.formula()}"]
    elif len(layer.inputs) > 1:  # a merge: its explanation is built when asked for
        lines = [layer.explain("output") or ""]
    return lines + [text for field, text in layer.arithmetic if field in ("output", "params", "unit")]


def cost_explanations(analysis: Analysis, number: int) -> list[str]:
    """--explain on the cost columns: how the row's MACs and FLOPs come about, module by module."""
    lines = []
    for title, rows in (("MACs", analysis.macs), (f"FLOPs ({analysis.convention})", analysis.flops)):
        if rows is not None and rows[number].explain() and (title == "MACs" or "flops" in analysis.columns):
            lines.append(f"{title}: {rows[number].explain()}")
    return lines


def check_cell(net: Network, layer: ResolvedLayer, shape: tuple[int, ...]) -> str:
    return "✓" if shape == layer.output_shape else f"✗ {net.shape_text(shape)}"



COLUMN_TITLES = {
    "macs": "MACs\n(no bias)",
    "flops": "FLOPs\n(2·MACs + bias)",
    "memory": "Activations",
    "rf": "RF\n(size, jump, start)",
    "trainable": "Trainable",
}
#: the flops column's title under each convention
FLOPS_TITLES = {"cnncalc": COLUMN_TITLES["flops"], "macs": "FLOPs\n(MACs)", "fvcore": "FLOPs\n(fvcore)",
                "ptflops": "FLOPs\n(ptflops)", "thop": "FLOPs\n(thop)"}


def column_title(column: str, analysis: Analysis) -> str:
    return FLOPS_TITLES[analysis.convention] if column == "flops" else COLUMN_TITLES[column]


def extra_cells(net: Network, analysis: Analysis) -> list[list[str]]:
    """The optional columns' cells, one list per layer."""
    rows: list[list[str]] = [[] for _ in net.layers]
    sizes = analysis.memory.activations if analysis.memory is not None else ()
    for number in range(len(net.layers)):
        for column in analysis.columns:
            if column in ("macs", "flops"):
                count = _cost_of(analysis, column, number)
                rows[number].append(readable_count(count) if count else "0")
            elif column == "memory":
                rows[number].append(readable_bytes(sizes[number]))
            elif column == "trainable":
                rows[number].append(trainable_cell(net.layers[number]))
            elif analysis.fields is not None:
                rows[number].append(analysis.fields[number].text())
    return rows


def params_cell(net: Network, layer: ResolvedLayer, frozen: bool = False) -> str:
    """The Param # cell; under PyTorch's conventions a frozen layer's count in parentheses, as torchinfo writes a
    module without trainable parameters ('(320)')."""
    count = f"{layer.params.total:,}"
    return f"({count})" if net.torch and (layer.frozen or frozen) and layer.params.total else count


def trainable_cell(layer: ResolvedLayer | None, frozen: bool = False) -> str:
    """Keras' Trainable cell: Y, N for a frozen layer (or one inside a frozen item), - for a layer without
    parameters (and a nested model's input layer, None)."""
    if layer is None or not layer.params.total:
        return "-"
    return "N" if layer.frozen or frozen else "Y"


def _cost_of(analysis: Analysis, column: str, number: int) -> int:
    rows = analysis.macs if column == "macs" else analysis.flops
    return rows[number].flops if rows is not None else 0


def table_cells(net: Network, explain: bool, checked: ForwardPass | None,
                 analysis: Analysis, depth: int = 0) -> tuple[list[str], list[list[str]]]:
    """The table's column titles and every row's cells, as plain text; a known network's own rows under its row
    down to ``depth`` (:mod:`~cnncalc.analysis.nesting`)."""
    columns = analysis.columns
    titles = [name_title(net), "Output Shape", "Param #", *(["Connected to"] if net.graph else []),
              *(column_title(c, analysis) for c in columns), *(["Check"] if checked is not None else [])]
    if drawn_nested(net, depth):
        return titles, expanded_cells(net, analysis, depth)
    extras = extra_cells(net, analysis)
    fields = analysis.fields if explain else None
    rows: list[list[str]] = []
    if net.graph:  # a functional model's first row, as Keras draws it
        rows.append([INPUT_ROW[0], net.shape_text(net.input_shape, analysis.batch), "0", INPUT_ROW[1],
                     *[""] * (len(columns) + (checked is not None))])
    for number, layer in enumerate(net.layers):
        name = name_cell(net, layer)
        if explain:
            lines = explanation(layer)
            if fields is not None and layer.axes and not fields[number].undefined:
                lines.append(fields[number].explain())
            lines += cost_explanations(analysis, number)
            name += "".join(f"\n  {line}" for line in lines)
        cells = [name, shape_cell(net, layer, analysis.batch), params_cell(net, layer),
                 *([connected_to(layer)] if net.graph else []), *extras[number]]
        if checked is not None:
            cells.append(check_cell(net, layer, checked.shapes[number]))
        rows.append(cells)
    return titles, rows


def drawn_nested(net: Network, depth: int) -> bool:
    """Whether ``--depth`` (0 without it) draws rows inside others (:func:`~cnncalc.analysis.nesting.expanded`)."""
    if not depth:  # the network's own rows: nesting's module is not loaded
        return False
    from ..analysis.nesting import expanded

    return expanded(net, depth)


def as_drawn(net: Network, depth: int) -> Network:
    """The network as its table is drawn down to ``depth``: one whose own rows are drawn inside containers, as
    torchinfo draws them, is drawn as torchinfo draws it, without Keras' input row and "Connected to" column (the
    names that column would give are of rows drawn elsewhere)."""
    if not (net.graph and drawn_nested(net, depth)):
        return net
    from ..analysis.nesting import contained
    from ..model.records import replace

    return replace(net, graph=False) if contained(net) else net


def expanded_cells(net: Network, analysis: Analysis, depth: int) -> list[list[str]]:
    """Every row's cells with the known networks' own rows under theirs, down to ``depth``: name, shape, count,
    "Connected to" ('-' for an inner row, whose inputs are inside its network, as Keras writes it) and the
    Trainable column, the only other column an inner row has (the command refuses the rest)."""
    from ..analysis.nesting import shown_rows

    extras = extra_cells(net, analysis)
    rows: list[list[str]] = []
    if net.graph:
        rows.append([INPUT_ROW[0], net.shape_text(net.input_shape, analysis.batch), "0", INPUT_ROW[1],
                     *[""] * len(analysis.columns)])
    for shown in shown_rows(net, depth):
        layer, owner = shown.layer, shown.owner
        if shown.number is not None and layer is not None:
            count = shown.count if shown.count is not None else params_cell(net, layer)
            cells = [shown.name, shape_cell(net, layer, analysis.batch), count,
                     *([connected_to(layer)] if net.graph else []), *extras[shown.number]]
        else:
            shape = shown.shape if shown.shape is not None else \
                owner.shape_text(owner.input_shape, analysis.batch) if layer is None else \
                shape_cell(owner, layer, analysis.batch)
            count = shown.count if shown.count is not None else \
                params_cell(owner, layer, shown.frozen) if layer is not None else "0"
            cells = [shown.name, shape, count,
                     *(["-"] if net.graph else []),
                     *(trainable_cell(layer, shown.frozen) if column == "trainable" else ""
                       for column in analysis.columns)]
        rows.append(cells)
    return rows
