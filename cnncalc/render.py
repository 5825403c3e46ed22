"""Renderers for a resolved network: a Keras-3-style table, JSON, Markdown and CSV.

They are siblings over the same :class:`~cnncalc.network.Network` and never recompute a
shape or a count.  Only :func:`table` needs rich, and it imports it when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .network import Network, ResolvedLayer

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from .twins import ForwardPass

__all__ = ["keras_shape", "print_table", "readable_size", "table", "to_csv", "to_json", "to_markdown", "totals_lines"]

WARNING_MARK = "⚠"
NOTE_MARK = "ℹ"


def keras_shape(shape: tuple[int, ...]) -> str:
    """A shape as Keras prints it, with the batch axis.

    >>> keras_shape((26, 26, 32))
    '(None, 26, 26, 32)'
    """
    return "(" + ", ".join(["None", *map(str, shape)]) + ")"


def readable_size(params: int, bytes_per_param: int = 4) -> str:
    """Memory for ``params`` parameters, exactly as Keras' ``readable_memory_size`` prints it.

    >>> readable_size(1199882), readable_size(0), readable_size(20)
    ('4.58 MB', '0.00 B', '80.00 B')
    """
    size: float = params * bytes_per_param
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def totals_lines(net: Network) -> list[tuple[str, int]]:
    return [
        ("Total params", net.total_params),
        ("Trainable params", net.trainable_params),
        ("Non-trainable params", net.non_trainable_params),
    ]


def findings_lines(net: Network) -> list[str]:
    """The footnotes: one line per warning, then one per note, each naming its layer."""
    lines = [f"{WARNING_MARK} {layer.name}: {text}" for layer in net.layers for text in layer.warnings]
    lines += [f"{NOTE_MARK} {layer.name}: {text}" for layer in net.layers for text in layer.notes]
    return lines


def _name_cell(layer: ResolvedLayer) -> str:
    return f"{layer.name} ({layer.keras_class})"


def _shape_cell(layer: ResolvedLayer) -> str:
    mark = f" {WARNING_MARK}" if layer.warnings else ""
    return keras_shape(layer.output_shape) + mark


def explanation(layer: ResolvedLayer) -> list[str]:
    """The arithmetic behind a row: its output size per axis, then its parameter count."""
    lines = []
    if layer.axes:
        h, w = layer.axes
        lines = [h.formula()] if h == w else [f"H: {h.formula()}", f"W: {w.formula()}"]
    return lines + [text for field, text in layer.arithmetic if field in ("output", "params")]


def check_cell(layer: ResolvedLayer, shape: tuple[int, ...]) -> str:
    return "✓" if shape == layer.output_shape else f"✗ {keras_shape(shape)}"


def check_lines(net: Network, checked: ForwardPass) -> list[str]:
    """The forward pass's verdict: its timing, or each mismatch, which is a bug in cnncalc."""
    head = (f"Forward pass (NumPy, batch {checked.batch}, seed {checked.seed}): "
            f"{checked.seconds * 1000:.1f} ms")
    wrong = [(layer, shape) for layer, shape in zip(net.layers, checked.shapes) if shape != layer.output_shape]
    if not wrong:
        return [f"{head}; every output shape confirmed"]
    return [f"{head}; {len(wrong)} shape(s) differ"] + [
        f"✗ layer {layer.index} {layer.name} ({layer.source}): inferred {keras_shape(layer.output_shape)}, "
        f"the forward pass gave {keras_shape(shape)}. This is a bug in cnncalc: please report it with this spec."
        for layer, shape in wrong]


def table(net: Network, explain: bool = False, checked: ForwardPass | None = None) -> RenderableType:
    """The summary as Keras 3 draws it: heavy head, a rule between rows, totals below."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    grid = Table(box=box.HEAVY_HEAD, show_lines=True)
    grid.add_column("Layer (type)", overflow="fold")
    grid.add_column("Output Shape", overflow="fold")
    grid.add_column("Param #", justify="right")
    if checked is not None:
        grid.add_column("Check")
    for number, layer in enumerate(net.layers):
        name = _name_cell(layer)
        if explain:
            name += "".join(f"\n  {line}" for line in explanation(layer))
        cells: list[RenderableType] = [name, Text(_shape_cell(layer), style="yellow" if layer.warnings else ""),
                                       f"{layer.params.total:,}"]
        if checked is not None:
            verdict = check_cell(layer, checked.shapes[number])
            cells.append(Text(verdict, style="green" if verdict == "✓" else "bold red"))
        grid.add_row(*cells)
    footer = Text("\n").join(
        Text.assemble((f" {label}: ", "bold"), (f"{count:,}", "cyan"), f" ({readable_size(count)})")
        for label, count in totals_lines(net)
    )
    return Group(Text(f"Input: {keras_shape(net.input_shape)}"), grid, footer)


def print_table(console: Console, net: Network, explain: bool = False, checked: ForwardPass | None = None) -> None:
    """Print the table, its totals, the forward pass's verdict and the footnotes to a rich console."""
    console.print(table(net, explain=explain, checked=checked))
    notes = findings_lines(net)
    if checked is not None:
        notes = [*check_lines(net, checked), *notes]
    if notes:
        # Footnotes are sentences to read or grep whole: never wrapped or cropped.
        console.print("\n" + "\n".join(notes), soft_wrap=True, markup=False)


def layer_record(layer: ResolvedLayer) -> dict[str, Any]:
    return {
        "index": layer.index,
        "name": layer.name,
        "type": layer.keras_class,
        "spec": layer.source,
        "output_shape": list(layer.output_shape),
        "params": layer.params.total,
        "weights": layer.params.weights,
        "biases": layer.params.biases,
        "trainable": layer.params.trainable,
        "non_trainable": layer.params.non_trainable,
        "warnings": list(layer.warnings),
        "notes": list(layer.notes),
    }


def to_json(net: Network, checked: ForwardPass | None = None) -> str:
    """The pinned JSON document: channels-last shapes without the batch axis.

    With a forward pass, each layer also has ``checked_shape``, and ``forward_pass`` is added.
    """
    import json

    layers = [layer_record(layer) for layer in net.layers]
    document: dict[str, Any] = {
        "input_shape": list(net.input_shape),
        "layers": layers,
        "total_params": net.total_params,
        "trainable_params": net.trainable_params,
        "non_trainable_params": net.non_trainable_params,
    }
    if checked is not None:
        for record, shape in zip(layers, checked.shapes):
            record["checked_shape"] = list(shape)
        ok = all(shape == layer.output_shape for layer, shape in zip(net.layers, checked.shapes))
        document["forward_pass"] = {"backend": "numpy", "batch": checked.batch, "seed": checked.seed,
                                    "seconds": round(checked.seconds, 6), "ok": ok}
    # One layer per line: still plain JSON, but a 100-layer network stays readable.
    body = ",\n".join(f"    {_flat_json(record)}" for record in document.pop("layers"))
    head = json.dumps({"input_shape": document.pop("input_shape")})[1:-1]
    tail = ", ".join(f'"{key}": {json.dumps(value)}' for key, value in document.items())
    return f"{{{head},\n  \"layers\": [\n{body}\n  ],\n  {tail}}}"


def _flat_json(record: dict[str, Any]) -> str:
    """JSON for a dict of ints, strings and flat lists of them, on one line.

    ``json.dumps`` builds a new encoder per call; for 10,000 layer records that is most of the
    cost of ``--format json``, so the records are written with the C string escaper directly.

    >>> _flat_json({"a": 1, "b": "x\\"y", "c": [1, 2], "d": []})
    '{"a": 1, "b": "x\\\\"y", "c": [1, 2], "d": []}'
    """
    from json.encoder import encode_basestring

    def value(item: Any) -> str:
        if isinstance(item, str):
            return str(encode_basestring(item))
        if isinstance(item, list):
            return "[" + ", ".join(map(value, item)) + "]"
        return str(int(item))

    return "{" + ", ".join(f"{encode_basestring(key)}: {value(item)}" for key, item in record.items()) + "}"


def to_markdown(net: Network, checked: ForwardPass | None = None) -> str:
    """A GitHub table with the same columns, the totals and the footnotes."""
    extra = (" Check |", "---|") if checked is not None else ("", "")
    lines = [f"Input: `{keras_shape(net.input_shape)}`", "",
             f"| # | Layer (type) | Output Shape | Param # |{extra[0]}", f"|---:|---|---|---:|{extra[1]}"]
    for number, layer in enumerate(net.layers):
        check = f" {check_cell(layer, checked.shapes[number])} |" if checked is not None else ""
        lines.append(f"| {layer.index} | {_name_cell(layer)} | {_shape_cell(layer)} | {layer.params.total:,} |{check}")
    lines.append("")
    lines += [f"**{label}:** {count:,} ({readable_size(count)})  " for label, count in totals_lines(net)]
    notes = findings_lines(net)
    if checked is not None:
        notes = [*check_lines(net, checked), *notes]
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines)


CSV_FIELDS = ["index", "name", "type", "spec", "output_shape", "params", "weights", "biases",
              "trainable", "non_trainable", "warnings"]


def to_csv(net: Network, checked: ForwardPass | None = None) -> str:
    """One row per layer; ``output_shape`` as Keras prints it, warnings joined by ' | '."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    fields = CSV_FIELDS + (["checked_shape"] if checked is not None else [])
    writer.writerow(fields)
    for number, layer in enumerate(net.layers):
        record = layer_record(layer)
        record["output_shape"] = keras_shape(layer.output_shape)
        record["warnings"] = " | ".join(layer.warnings)
        if checked is not None:
            record["checked_shape"] = keras_shape(checked.shapes[number])
        writer.writerow([record[field] for field in fields])
    return out.getvalue().rstrip("\n")
