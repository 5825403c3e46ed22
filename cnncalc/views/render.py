"""Renderers for a resolved network: a Keras-3-style table, JSON, Markdown and CSV.

They are siblings over the same :class:`~cnncalc.graph.network.Network` and never recompute a
shape or a count.  Only :func:`table` needs rich, and it imports it when called.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..analysis.pipeline import NO_ANALYSIS, Analysis
from ..graph.network import Network, ResolvedLayer
from ..model.layers import keras_shape
from .fit import column_widths, fill_lines, fit_widths
from .json_view import cost_fields, cost_total, layer_record, to_json

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from ..analysis.costs import Memory
    from ..numeric.twins import ForwardPass

__all__ = ["STREAM_ROWS", "grid_lines", "keras_shape", "print_table", "readable_size", "stream_note", "streamed_lines",
           "table", "to_csv", "to_json", "to_markdown", "totals_lines", "write_lines"]

WARNING_MARK = "⚠"
NOTE_MARK = "ℹ"


def readable_size(params: int, bytes_per_param: int = 4) -> str:
    """Memory for ``params`` parameters, exactly as Keras' ``readable_memory_size`` prints it.

    >>> readable_size(1199882), readable_size(0), readable_size(20)
    ('4.58 MB', '0.00 B', '80.00 B')
    """
    if not isinstance(params, int):  # a count in the input's names (cnncalc.language.symbolic)
        return f"{bytes_per_param} B each"
    return readable_bytes(params * bytes_per_param)


def readable_bytes(count: int) -> str:
    """Bytes in 1024-based units with two decimals, as Keras prints sizes."""
    size: float = count
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def readable_count(count: int) -> str:
    """A large count in SI units: 15.47 G.

    >>> readable_count(15_470_264_320), readable_count(999)
    ('15.47 G', '999')
    """
    value = float(count)
    for unit in ("", " K", " M", " G", " T", " P"):
        if value < 1000:
            return f"{int(value)}" if unit == "" else f"{value:.2f}{unit}"
        value /= 1000
    return f"{value:.2f} E"


def totals_lines(net: Network) -> list[tuple[str, int]]:
    lines = [
        ("Total params", net.total_params),
        ("Trainable params", net.trainable_params),
        ("Non-trainable params", net.non_trainable_params),
    ]
    if net.buffers:  # PyTorch's running statistics: state, but not parameters
        lines.append(("Buffers (BatchNorm running statistics, not params)", net.buffers))
    return lines


def findings_lines(net: Network) -> list[str]:
    """The footnotes: one line per warning, then one per note, each naming its layer."""
    lines = [f"{WARNING_MARK} input: {text}" for text in net.input_warnings]
    lines += [f"{WARNING_MARK} {layer.name}: {text}" for layer in net.layers for text in layer.warnings]
    lines += [f"{NOTE_MARK} model: {text}" for text in net.notes]
    lines += [f"{NOTE_MARK} {layer.name}: {text}" for layer in net.layers for text in layer.notes]
    return lines


def connected_to(layer: ResolvedLayer) -> str:
    """Keras 3's 'Connected to' cell: each input as name[node][tensor], which is [0][0] in a spec."""
    return ", ".join(f"{name}[0][0]" for name in layer.inputs)


INPUT_ROW = ("input_layer (InputLayer)", "-")


def _name_cell(net: Network, layer: ResolvedLayer) -> str:
    """'conv2d (Conv2D)' as Keras labels a row, or 'Conv2d: 1-1' as torchinfo does."""
    return layer.name if net.torch else f"{layer.name} ({layer.keras_class})"


def _name_title(net: Network) -> str:
    return "Layer (type:depth-idx)" if net.torch else "Layer (type)"


def _shape_cell(net: Network, layer: ResolvedLayer, batch: int = 1) -> str:
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


def check_lines(net: Network, checked: ForwardPass) -> list[str]:
    """The forward pass's verdict: its timing, or each mismatch, which is a bug in cnncalc."""
    head = (f"Forward pass (NumPy, batch {checked.batch}, seed {checked.seed}): "
            f"{checked.seconds * 1000:.1f} ms")
    wrong = [(layer, shape) for layer, shape in zip(net.layers, checked.shapes) if shape != layer.output_shape]
    if not wrong:
        return [f"{head}; every output shape confirmed"]
    return [f"{head}; {len(wrong)} shape(s) differ"] + [
        f"✗ layer {layer.index} {layer.name} ({layer.source}): inferred {net.shape_text(layer.output_shape)}, "
        f"the forward pass gave {net.shape_text(shape)}. This is a bug in cnncalc: please report it with this spec."
        for layer, shape in wrong]


COLUMN_TITLES = {
    "macs": "MACs\n(no bias)",
    "flops": "FLOPs\n(2·MACs + bias)",
    "memory": "Activations",
    "rf": "RF\n(size, jump, start)",
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
            elif analysis.fields is not None:
                rows[number].append(analysis.fields[number].text())
    return rows


def cost_lines(net: Network, analysis: Analysis) -> list[str]:
    """Footer lines for the optional columns, saying what is counted."""
    mem = analysis.memory
    lines = []
    batch = f", batch {analysis.batch}" if analysis.batch != 1 else ""
    if analysis.macs is not None:
        macs = cost_total(analysis.macs)
        lines.append(f" Total MACs: {macs:,} ({readable_count(macs)}; multiply-accumulates of conv and dense, bias "
                     f"excluded{batch})")
    if analysis.flops is not None and "flops" in analysis.columns:
        flops = cost_total(analysis.flops)
        lines.append(f" Total FLOPs ({analysis.convention}): {flops:,} ({readable_count(flops)}; "
                     f"{analysis.headline}{batch})")
    if mem is not None:
        lines.append(f" Memory ({mem.dtype}, batch {mem.batch}): parameters {readable_bytes(mem.parameters)}, "
                     f"input {readable_bytes(mem.input)}, activations {readable_bytes(sum(mem.activations))} "
                     "(every layer's output)")
        lines.append(f" Forward pass ≈ {readable_bytes(mem.forward)} (parameters + input + activations)")
        if analysis.training:
            lines += _training_lines(mem)
        if net.graph:
            lines.append(f" Inference peak: {readable_bytes(mem.peak)} of activations alive at once, at "
                         f"{mem.peak_layer} (every tensor a later layer still reads is kept, skips included)")
    if analysis.torchinfo is not None:
        lines.append(" torchinfo.summary would print:")
        lines += [f"   {line}" for line in analysis.torchinfo.lines()]
    if analysis.by_op is not None and analysis.flops is not None:
        lines += by_op_lines(analysis)
    return lines


def _cost_of(analysis: Analysis, column: str, number: int) -> int:
    rows = analysis.macs if column == "macs" else analysis.flops
    return rows[number].flops if rows is not None else 0


def _training_lines(mem: Memory) -> list[str]:
    what = {"sgd": "plain SGD keeps none", "momentum": "1 momentum value per trainable parameter",
            "adam": f"Adam's {mem.state_values} moments per trainable parameter"}[mem.optimizer]
    return [f" Training step ({mem.optimizer}) ≈ {readable_bytes(mem.training)}: the forward pass + gradients "
            f"{readable_bytes(mem.gradients)} + optimizer state {readable_bytes(mem.optimizer_state)} ({what}); "
            "every activation kept for backward"]


def by_op_lines(analysis: Analysis) -> list[str]:
    """fvcore's flop_count_table turned to operator types: each one's modules, count and share."""
    assert analysis.flops is not None and analysis.by_op is not None
    groups = analysis.by_op
    total = cost_total(analysis.flops)
    head = f" FLOPs by operator ({analysis.convention}: {analysis.headline}):"
    cells = [(group, f"{modules:,}", f"{count:,}", f"{100 * count / total:.1f}%" if total else "–")
             for group, modules, count in groups]
    cells.append(("total", f"{sum(m for _, m, _ in groups):,}", f"{total:,}", "100.0%" if total else "–"))
    titles = ("operator", "modules", "FLOPs", "share")
    widths = [max(len(row[i]) for row in [titles, *cells]) for i in range(4)]
    return [head] + ["   " + "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i])
                                        for i, cell in enumerate(row)) for row in [titles, *cells]]


def table(net: Network, explain: bool = False, checked: ForwardPass | None = None,
          analysis: Analysis = NO_ANALYSIS, width: int | None = None) -> RenderableType:
    """The summary as Keras 3 draws it: heavy head, a rule between rows, totals below.

    In a console ``width`` columns wide, the names (and a graph's "Connected to" lists) are broken between
    words to make room, each input of a merge on a line of its own; when the table would still need more than
    ``width`` columns, each layer becomes a block of "field  value" lines instead (as ``git log --stat`` and
    torchinfo's row settings do), so no number, shape or header is ever cut or folded.
    """
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    titles, rows = _table_cells(net, explain, checked, analysis)
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
    warned = [False] * net.graph + [bool(layer.warnings) for layer in net.layers]
    for cells, warning in zip(rows, warned):
        styles = ["yellow" if warning and column == 1 else "" for column in range(len(cells))]
        if checked is not None and cells[-1]:
            styles[-1] = "green" if cells[-1] == "✓" else "bold red"
        grid.add_row(*(Text(cell, style=style) for cell, style in zip(cells, styles)))
    return Group(*head, grid, footer)


def _table_cells(net: Network, explain: bool, checked: ForwardPass | None,
                 analysis: Analysis) -> tuple[list[str], list[list[str]]]:
    """The table's column titles and every row's cells, as plain text."""
    columns = analysis.columns
    titles = [_name_title(net), "Output Shape", "Param #", *(["Connected to"] if net.graph else []),
              *(column_title(c, analysis) for c in columns), *(["Check"] if checked is not None else [])]
    extras = extra_cells(net, analysis)
    fields = analysis.fields if explain else None
    rows: list[list[str]] = []
    if net.graph:  # a functional model's first row, as Keras draws it
        rows.append([INPUT_ROW[0], net.shape_text(net.input_shape, analysis.batch), "0", INPUT_ROW[1],
                     *[""] * (len(columns) + (checked is not None))])
    for number, layer in enumerate(net.layers):
        name = _name_cell(net, layer)
        if explain:
            lines = explanation(layer)
            if fields is not None and layer.axes and not fields[number].undefined:
                lines.append(fields[number].explain())
            lines += cost_explanations(analysis, number)
            name += "".join(f"\n  {line}" for line in lines)
        cells = [name, _shape_cell(net, layer, analysis.batch), f"{layer.params.total:,}",
                 *([connected_to(layer)] if net.graph else []), *extras[number]]
        if checked is not None:
            cells.append(check_cell(net, layer, checked.shapes[number]))
        rows.append(cells)
    return titles, rows


def _stacked(titles: list[str], rows: list[list[str]], net: Network, width: int) -> RenderableType:
    """One block per layer: its name, then one 'field  value' line per column (the value on a line of its
    own when the console is too narrow for both)."""
    from rich.text import Text

    return Text("\n").join(Text.assemble(*parts) for parts in _stacked_parts(titles, rows, net, width))


def _stacked_parts(titles: list[str], rows: list[list[str]], net: Network,
                   width: int) -> Iterator[list[tuple[str, str]]]:
    """The stacked layout's lines, each as (text, style) parts: what :func:`_stacked` draws and
    :func:`streamed_lines` writes plain."""
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
                   analysis: Analysis = NO_ANALYSIS, width: int = 100) -> Iterator[str]:
    """The summary as plain lines, made one row at a time: the table's columns in fixed widths (or, when they
    would not fit ``width``, the stacked blocks), the totals, and a note that says it is streamed."""
    titles, rows = _table_cells(net, explain, checked, analysis)
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
        yield from ("".join(text for text, _ in parts) for parts in _stacked_parts(titles, rows, net, width))
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


def print_table(console: Console, net: Network, explain: bool = False, checked: ForwardPass | None = None,
                analysis: Analysis = NO_ANALYSIS) -> None:
    """Print the table (stacked when the console is too narrow for it), its totals, the forward pass's verdict
    and the footnotes to a rich console; past :data:`STREAM_ROWS` rows, the table is streamed as plain lines."""
    if len(net.layers) > STREAM_ROWS:
        write_lines(console, streamed_lines(net, explain, checked, analysis, console.width))
    else:
        console.print(table(net, explain, checked, analysis, console.width))
    notes = findings_lines(net)
    if checked is not None:
        notes = [*check_lines(net, checked), *notes]
    if notes:
        # Footnotes are sentences to read or grep whole: never wrapped or cropped.
        console.print("\n" + "\n".join(notes), soft_wrap=True, markup=False)


def _pair_text(values: list[Any]) -> str:
    """[7, 7] as '7x7'; [1.5, 1.5] as '1.5x1.5' (an integral float without its '.0')."""
    return "x".join(f"{value:g}" if isinstance(value, float) else str(value) for value in values)


def to_markdown(net: Network, checked: ForwardPass | None = None, analysis: Analysis = NO_ANALYSIS) -> str:
    """A GitHub table with the same columns, the totals and the footnotes."""
    columns = analysis.columns
    heads = [column_title(c, analysis).replace("\n", " ") for c in columns] + (["Check"] if checked is not None else [])
    numbers = [c in ("macs", "flops", "memory") for c in columns] + [False] * (checked is not None)
    extra = ("".join(f" {h} |" for h in heads), "".join("---:|" if n else "---|" for n in numbers))
    batch, title = analysis.batch, _name_title(net)
    lines = [f"Input: `{net.shape_text(net.input_shape, batch)}`", "",
             f"| # | {title} | Output Shape | Param # |{extra[0]}", f"|---:|---|---|---:|{extra[1]}"]
    if net.graph:
        lines = [f"| # | {title} | Output Shape | Param # | Connected to |{extra[0]}",
                 f"|---:|---|---|---:|---|{extra[1]}",
                 f"| 0 | {INPUT_ROW[0]} | {net.shape_text(net.input_shape, batch)} | 0 | {INPUT_ROW[1]} |"
                 f"{' |' * len(heads)}"]
    extras = extra_cells(net, analysis)
    for number, layer in enumerate(net.layers):
        cells = list(extras[number]) + ([check_cell(net, layer, checked.shapes[number])] if checked is not None
                                        else [])
        if net.graph:
            cells.insert(0, connected_to(layer))
        tail = "".join(f" {cell} |" for cell in cells)
        lines.append(f"| {layer.index} | {_name_cell(net, layer)} | {_shape_cell(net, layer, batch)} | "
                     f"{layer.params.total:,} |{tail}")
    lines.append("")
    lines += [f"**{label}:** {count:,} ({readable_size(count)})  " for label, count in totals_lines(net)]
    lines += [f"{line.strip()}  " for line in cost_lines(net, analysis)]
    notes = findings_lines(net)
    if checked is not None:
        notes = [*check_lines(net, checked), *notes]
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines)


CSV_FIELDS = ["index", "name", "type", "spec", "output_shape", "params", "weights", "biases",
              "trainable", "non_trainable", "warnings"]


def to_csv(net: Network, checked: ForwardPass | None = None, analysis: Analysis = NO_ANALYSIS) -> str:
    """One row per layer; ``output_shape`` as Keras prints it, warnings joined by ' | '."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    per_layer, _ = cost_fields(net, analysis)
    cost_names = list(per_layer[0]) if per_layer else []
    columns = [name for name in cost_names if name != "receptive_field"]
    if "receptive_field" in cost_names:
        columns += ["rf_size", "rf_jump", "rf_start"]
    fields = CSV_FIELDS + (["inputs"] if net.graph else []) + columns + \
        (["checked_shape"] if checked is not None else [])
    writer.writerow(fields)
    for number, layer in enumerate(net.layers):
        record = {**layer_record(net, layer, analysis.batch, net.torch), **per_layer[number]}
        record["output_shape"] = net.shape_text(layer.output_shape, analysis.batch, layer.tokens)
        record["warnings"] = " | ".join(layer.warnings)
        record["inputs"] = ", ".join(layer.inputs)
        field = record.pop("receptive_field", None)
        if "receptive_field" in cost_names:  # three plain columns, as a spreadsheet wants them: 7x7, 2x2, 1.5x1.5
            record.update(rf_size=_pair_text(field["size"]) if field else "", rf_jump=_pair_text(field["jump"])
                          if field else "", rf_start=_pair_text(field["start"]) if field else "")
        if checked is not None:
            record["checked_shape"] = net.shape_text(checked.shapes[number], analysis.batch)
        writer.writerow([record[field] for field in fields])
    return out.getvalue().rstrip("\n")
