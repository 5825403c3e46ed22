"""``cnncalc summary``: a network's table (or its JSON, Markdown, CSV, or code), with the columns, checks and costs
asked for, and ``--emit-spec``, a model's code written as a spec."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..analysis.dtypes import DTYPES, OPTIMIZERS
from ..analysis.flops import CONVENTIONS as FLOPS_CONVENTIONS
from .boundary import EXIT_NO
from .options import FRAMEWORK_OPTIONS, MODEL_OPTIONS, Command, format_option, input_option
from .preparing import prepare
from .terminal import console

if TYPE_CHECKING:
    from ..graph.network import Network


@click.command("summary", cls=Command)
@click.argument("spec", metavar="SPEC")
@input_option()
@format_option("markdown", "csv", "keras", "pytorch", "svg", "html",
               help="Output format; keras and pytorch write a runnable model definition of the network, svg its "
                    "picture (a chain as volumes, a graph as its layers and edges), html one self-contained page "
                    "with the table, the picture and the totals.")
@click.option("--strict", is_flag=True, help="Exit 1 if any warning was raised (e.g. an uneven stride).")
@click.option("--explain", is_flag=True,
              help="Show the arithmetic under each row: output-size formula, parameter count (and, with rf, the "
                   "receptive-field recurrence).")
@click.option("--check", is_flag=True,
              help="Run a real forward pass with NumPy twins of every layer and confirm each shape. Average "
                   "pooling with explicit padding counts the padded zeros (PyTorch's count_include_pad=True); "
                   "with 'same' it does not (Keras/TensorFlow).")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(0, 2**32 - 1),
              help="--check: seed of the random weights and input.")
@click.option("--batch", default=1, show_default=True, type=click.IntRange(1, 10**9),
              help="Batch size, for --check and the memory column.")
@click.option("--max-memory", default="2GiB", show_default=True, metavar="SIZE",
              help="--check: refuse, before allocating, a pass estimated above this (weights, plus the largest "
                   "layer's input, output and im2col copy).")
@click.option("--columns", metavar="LIST",
              help="Extra columns, comma-separated: macs (multiply-accumulates, bias excluded), flops (2·MACs + "
                   "bias additions), memory (activation bytes), rf (receptive field: size, jump, start).")
@click.option("--show-trainable", is_flag=True,
              help="A Trainable column, as Keras' summary(show_trainable=True): Y, N for a frozen layer, - for a "
                   "layer without parameters.")
@click.option("--expand-nested", is_flag=True,
              help="Show the rows of a known network standing as an item under its row, as Keras' "
                   "summary(expand_nested=True) and torchinfo's depth do (the JSON gives them always).")
@click.option("--depth", type=click.IntRange(1, 99), default=None, metavar="N",
              help="Show rows down to depth N, as torchinfo's depth: 1 is the network's own rows (a Keras model "
                   "nested in the model one row, as Keras' summary() shows it), 2 a known network's or a nested "
                   "model's rows under its row (implies --expand-nested; in JSON, the nested rows kept).")
@click.option("--verbose", "-v", is_flag=True, help="All extra columns: --columns macs,flops,memory,rf.")
@click.option("--dtype", type=click.Choice(list(DTYPES)), default="float32",
              show_default=True, help="Bytes per value for the sizes and the memory column.")
@click.option("--flops-convention", "convention", type=click.Choice(FLOPS_CONVENTIONS), default=None,
              help="How the flops column counts (shown when this is given): cnncalc (2·MACs + bias additions, the "
                   "default), macs (conv, dense and attention multiply-accumulates, torchvision's GFLOPS), or as "
                   "fvcore, ptflops or thop count, rule for rule from their source.")
@click.option("--by-op", is_flag=True,
              help="Under the table, the FLOPs by operator type (conv, depthwise conv, dense, attention, batch norm, "
                   "activation, pooling, merge, other) with each one's share, in the --flops-convention.")
@click.option("--training", is_flag=True,
              help="Add what a training step keeps: activations for backward, gradients and the optimizer's state "
                   "(and fvcore's count of batch norm in train()).")
@click.option("--optimizer", type=click.Choice(list(OPTIMIZERS)), default="adam", show_default=True,
              help="--training: the optimizer whose state is counted (momentum: 1 buffer per parameter, adam: 2).")
@click.option("--rf", "cell", metavar="ROW,COL",
              help="With --format svg or html: highlight the receptive field of the cell at ROW,COL (from 0) of "
                   "the last map of a chain, on every layer's volume down to the input.")
@click.option("--fold", is_flag=True,
              help="With --format svg or html: draw each long repeat of a chain's layers once, marked × N (without "
                   "it, every layer is drawn).")
@click.option("--emit-spec", is_flag=True, help="With a .py SPEC: print the equivalent spec instead of the summary.")
@FRAMEWORK_OPTIONS
@MODEL_OPTIONS
def summary(spec: str, input_shape: str | None, fmt: str, strict: bool, explain: bool, check: bool, seed: int,
            batch: int, max_memory: str, columns: str | None, show_trainable: bool, expand_nested: bool,
            depth: int | None, verbose: bool, dtype: str, convention: str | None, by_op: bool, training: bool,
            optimizer: str, cell: str | None, fold: bool, emit_spec: bool, layout: str | None,
            conventions: str | None, model: str | None, settings: tuple[str, ...]) -> None:
    """A Keras-style summary of SPEC: layer names, output shapes, parameters and totals.

    SPEC is the network as text, a .cnn file, - for stdin, or a known network's name (resnet50,
    keras:ResNet50: cnncalc zoo lists them).  Strides that do not divide
    evenly are computed exactly as Keras and PyTorch floor them, marked ⚠, and explained
    below the table.  A table of more than 2,000 rows is printed as plain fixed-width lines.
    """
    from ..analysis.pipeline import analyse

    if emit_spec:
        _emit_spec(spec, input_shape, layout, conventions, model, settings)
        return
    net, checked, extra = prepare(spec, input_shape, layout, conventions, model, settings, columns, verbose, check,
                                  seed, batch, max_memory, convention=convention, explain=explain, by_op=by_op,
                                  training=training)
    field = None
    if fold and fmt not in ("svg", "html"):
        raise click.UsageError("--fold folds the picture: use it with --format svg or --format html")
    if cell is not None:
        from ..analysis.cell_field import cell_field, parse_cell

        if fmt not in ("svg", "html"):
            raise click.UsageError("--rf draws on the picture: use it with --format svg or --format html")
        field = cell_field(net, *parse_cell(cell))
    if show_trainable:
        extra = (*extra, "trainable")
    shown = _shown_depth(net, fmt, expand_nested, depth,
                         explain or checked is not None or any(column != "trainable" for column in extra))
    if fmt in ("keras", "pytorch"):
        from ..views.codegen import keras_code, pytorch_code

        click.echo((keras_code if fmt == "keras" else pytorch_code)(net), nl=False)
        return
    analysis = analyse(net, extra, dtype, batch, convention or "cnncalc", by_op, training, optimizer)
    from ..views import render  # its other forms are loaded only when asked for

    if fmt == "text":
        render.print_table(console(), net, explain, checked, analysis, shown)
    elif fmt in ("svg", "html"):
        from ..views.html_view import to_html
        from ..views.picture import to_svg

        click.echo(to_svg(net, field, fold) if fmt == "svg" else to_html(net, checked, analysis, field, fold),
                   nl=fmt == "html")
    else:
        writer = getattr(render, {"json": "to_json", "markdown": "to_markdown", "csv": "to_csv"}[fmt])
        click.echo(writer(net, checked, analysis, *((depth,) if fmt == "json" else (shown,) if fmt == "markdown"
                                                    else ())))
    if checked is not None and any(layer.output_shape != shape for layer, shape in zip(net.layers, checked.shapes)):
        sys.exit(EXIT_NO)
    if strict and net.warnings:
        sys.exit(EXIT_NO)


def _shown_depth(net: Network, fmt: str, expand_nested: bool, depth: int | None, more: bool) -> int:
    """How deep the table's rows go: ``--depth``, every level with ``--expand-nested``, else 0, the network's own
    rows as Keras lists them; refused where rows drawn inside others would have no cell to show (their costs,
    --explain and --check are counted for the network's own rows) or the format has no nested rows."""
    if not expand_nested and depth is None:
        return 0
    if fmt not in ("text", "markdown", "json"):
        raise click.UsageError(f"--expand-nested and --depth shape the table (text, markdown) and the JSON's nested "
                               f"rows; --format {fmt} writes the network's own rows")
    from ..views.cells import drawn_nested

    shown = depth if depth is not None else 99
    if more and fmt != "json" and drawn_nested(net, shown):
        raise click.UsageError("the rows inside a known network or a module are shown with their shape, count and "
                               "Trainable column only: --columns, --explain and --check count the network's own "
                               "rows, so leave --expand-nested and --depth out with them")
    return shown


def _emit_spec(spec: str, input_shape: str | None, layout: str | None, conventions: str | None,
               model: str | None, settings: tuple[str, ...]) -> None:
    """--emit-spec: the spec a model's code is (checked by building it first)."""
    from ..language.sources import read_text
    from ..readers.code import build_model, read_model

    if not spec.lower().endswith(".py"):
        raise click.UsageError("--emit-spec writes the spec of a model's .py file; this SPEC is one already")
    code = read_model(read_text(spec, suffixes=(".py",), what="model file"), spec, model, input_shape, layout,
                      settings)
    build_model(code, input_shape, layout, conventions)  # the spec is printed once it builds
    params, buffers, _ = code.unused
    if params or buffers:  # no row holds them: said, so that the spec's smaller totals are not read as the model's
        click.echo(f"# the model also builds {params:,} parameters{f' and {buffers:,} buffers' if buffers else ''} "
                   "in layers forward() never applies in eval mode: PyTorch counts them, this spec does not")
    if input_shape is None or code.spec.startswith("input "):
        click.echo(code.spec)
        return
    from ..language.spec import parse_input

    given = parse_input(input_shape)
    layout = layout or given.layout or ("nchw" if code.conventions == "torch" else None)
    click.echo(f"input {'x'.join(map(str, given.shape))}{f' {layout}' if layout else ''}, {code.spec}")
